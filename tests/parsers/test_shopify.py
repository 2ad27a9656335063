import json
import re

import pytest

from crawler.errors import NoParser, PageChanged
from crawler.extract import extract
from crawler.page import Page
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one

URL = "https://www.velasdelsur.example/products/vela-lavanda"
JS_URL = URL + ".js"
JSON_URL = URL + ".json"


def _page(body: str | bytes, url: str = URL) -> Page:
    body = body.encode("utf-8") if isinstance(body, str) else body
    return Page(url=url, body=body, fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _html() -> str:
    return (PAGES / "shopify" / "product_page.html").read_text(encoding="utf-8")


def test_product_page_reads_json_ld_group_and_shop():
    rec = one(fixture_records("shopify", "product_page.html", URL), "listing", "9001122334455")
    assert rec.platform == "shopify" and rec.extractor == "jsonld"
    assert rec.url == URL
    assert rec.title == "Vela Lavanda"
    # JSON-LD prices are major units: "45000.00" stays 45000 (not /100); og:price:amount "45.000" is never read
    assert rec.price.model_dump() == {"amount": "45000", "currency": "COP"}
    assert rec.price_max.model_dump() == {"amount": "69000", "currency": "COP"}
    assert rec.original_price.model_dump() == {"amount": "52000", "currency": "COP"}  # embedded product JSON, cents
    assert rec.rating == 4.8 and rec.review_count == 15  # from the ProductGroup
    assert rec.availability == "in_stock" and rec.condition == "new"
    assert rec.brand == "Velas del Sur" and rec.category == "Velas aromáticas"
    assert rec.seller.model_dump() == {"id": "71234567890", "handle": "velas-del-sur", "name": "Velas del Sur",
                                       "url": "https://www.velasdelsur.example/"}
    assert rec.images[0] == "https://www.velasdelsur.example/cdn/shop/files/vela-lavanda.jpg?v=1700000000&width=1920"
    assert rec.sold_count is None and rec.shipping is None


def test_without_json_ld_the_analytics_cents_are_scaled_once():
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", _html(), flags=re.S)
    rec = extract(_page(html))[0]
    assert rec.id == "9001122334455" and rec.extractor == "hydration"
    assert rec.price.model_dump() == {"amount": "45000", "currency": "COP"}  # 4500000 cents
    assert rec.price_max.model_dump() == {"amount": "69000", "currency": "COP"}
    assert rec.original_price.model_dump() == {"amount": "52000", "currency": "COP"}
    assert rec.title == "Vela Lavanda" and rec.brand == "Velas del Sur"
    assert rec.rating is None and rec.review_count is None


def test_zero_compare_at_price_is_no_original_price():
    html = _html().replace('"compare_at_price":5200000,', '"compare_at_price":null,', 1)
    assert extract(_page(html))[0].original_price is None


def test_products_page_without_shopify_markers_is_not_shopify():
    html = (PAGES / "web" / "store_product.html").read_text(encoding="utf-8")
    assert choose(_page(html, "https://shop.example.org/products/zapatilla")).platform == "web"
    with pytest.raises(NoParser):
        extract(_page(html, "https://shop.example.org/products/zapatilla"), "shopify")


def test_shopify_page_on_an_unknown_url_is_sniffed():
    assert choose(_page(_html(), "")).name == "shopify/product"


def test_shopify_page_without_any_product_data_is_page_changed():
    html = ('<html><head><link href="https://cdn.shopify.com/x.css">'
            '<script>Shopify.shop = "a.myshopify.com";</script></head><body></body></html>')
    with pytest.raises(PageChanged):
        extract(_page(html))


def test_js_endpoint_cents_and_unknown_currency():
    rec = one(fixture_records("shopify", "product_endpoint_js.json", JS_URL), "listing", "9001122334455")
    assert rec.extractor == "api" and rec.url == URL
    assert rec.price is None  # the .js answer names no currency: unknown, not guessed
    assert rec.description == "Vela de cera de soja.\nAroma lavanda & vainilla"
    assert rec.availability == "in_stock" and rec.brand == "Velas del Sur" and rec.category == "Velas aromáticas"
    assert rec.images == ["https://www.velasdelsur.example/cdn/shop/files/vela-lavanda.jpg?v=1700000000",
                          "https://www.velasdelsur.example/cdn/shop/files/vela-lavanda-2.jpg?v=1700000000"]
    body = (PAGES / "shopify" / "product_endpoint_js.json").read_bytes()
    priced = extract(_page(body, JS_URL + "?currency=cop"))[0]
    assert priced.price.model_dump() == {"amount": "45000", "currency": "COP"}  # 4500000 cents
    assert priced.price_max.model_dump() == {"amount": "69000", "currency": "COP"}
    assert priced.original_price.model_dump() == {"amount": "52000", "currency": "COP"}


def test_json_endpoint_major_units_with_presentment_currency():
    rec = one(fixture_records("shopify", "product_endpoint_json.json", JSON_URL), "listing", "9001122334455")
    assert rec.price.model_dump() == {"amount": "45000", "currency": "COP"}  # "45000.00": not divided
    assert rec.price_max.model_dump() == {"amount": "69000", "currency": "COP"}
    assert rec.original_price.model_dump() == {"amount": "52000", "currency": "COP"}
    assert rec.images == ["https://cdn.shopify.com/s/files/1/0712/3456/7890/files/vela-lavanda.jpg?v=1700000000"]


def test_endpoint_answer_that_is_not_a_product_is_page_changed():
    with pytest.raises(PageChanged):
        extract(_page(json.dumps({"errors": "Not Found"}), JS_URL))
    data = json.loads((PAGES / "shopify" / "product_endpoint_json.json").read_text(encoding="utf-8"))
    data["product"]["id"], data["product"]["handle"] = "many", ["x"]
    with pytest.raises(PageChanged):
        extract(_page(json.dumps(data), JSON_URL))
