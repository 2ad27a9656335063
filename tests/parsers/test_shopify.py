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


def _urls() -> dict:
    return json.loads((PAGES / "shopify" / "urls.json").read_text(encoding="utf-8"))


def test_microdata_theme_with_single_quoted_meta():
    name = "product_page_microdata.html"
    rec = one(fixture_records("shopify", name, _urls()[name]), "listing", "7700000000011")
    assert rec.extractor == "microdata"
    assert rec.url == "https://hearthandloom.example/products/linen-apron-natural"  # canonical, not the collection path
    assert rec.title == "Linen Apron Natural" and rec.brand == "Hearth & Loom" and rec.category == "Aprons"
    assert rec.price.model_dump() == {"amount": "38", "currency": "USD"}  # microdata major units; og "1,250.00" unread
    assert rec.availability == "in_stock" and rec.seller.handle == "hearth-and-loom"
    assert rec.images == ["https://hearthandloom.example/cdn/shop/products/apron_1024x1024.jpg?v=1690000000"]


def test_single_quoted_meta_alone_gives_cents_scaled_once():
    html = (PAGES / "shopify" / "product_page_microdata.html").read_text(encoding="utf-8")
    html = re.sub(r'<div itemscope.*?</body>', "</body>", html, flags=re.S)
    html = re.sub(r'<meta property="og:[^>]*>', "", html)
    rec = extract(_page(html, "https://hearthandloom.example/products/linen-apron-natural"))[0]
    assert rec.id == "7700000000011" and rec.extractor == "hydration"
    assert rec.price.model_dump() == {"amount": "38", "currency": "USD"}  # 3800 cents


def test_open_graph_price_is_read_in_the_shop_currency_locale_as_last_resort():
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", _html(), flags=re.S)
    html = re.sub(r"var meta = .*?;\n", "", html)
    html = re.sub(r"window\.reviews_app_product = .*?</script>", "</script>", html, flags=re.S)
    rec = extract(_page(html))[0]
    assert rec.extractor == "meta" and rec.partial is True
    assert rec.price.model_dump() == {"amount": "45000", "currency": "COP"}  # "45.000" in es_CO, not 45
    assert rec.id == "vela-lavanda"  # the canonical URL's handle: the page's own data


def test_products_json_list_prices_are_major_units():
    name = "products_json_list.json"
    records = fixture_records("shopify", name, _urls()[name])
    assert [r.id for r in records] == ["7700000000011", "7700000000012"]
    apron, towels = records
    assert apron.price.model_dump() == {"amount": "38", "currency": "USD"}  # "38.00", not 0.38
    assert apron.original_price.model_dump() == {"amount": "45", "currency": "USD"}
    assert apron.url == "https://hearthandloom.example/products/linen-apron-natural"
    assert towels.price.amount == "24" and towels.price_max.amount == "29.5" and towels.original_price is None
    assert towels.availability == "out_of_stock" and towels.images == []


def test_collection_page_under_a_product_url_is_not_that_product():
    html = _html().replace('"pageType":"product"', '"pageType":"collection"').replace(
        '<link rel="canonical" href="https://www.velasdelsur.example/products/vela-lavanda">',
        '<link rel="canonical" href="https://www.velasdelsur.example/collections/velas">')
    with pytest.raises(PageChanged):
        extract(_page(html), "shopify")


def test_list_of_other_products_under_a_product_url_gives_no_product():
    other = {"@type": "Product", "name": "Vela Canela", "url": "https://www.velasdelsur.example/products/vela-canela",
             "offers": {"price": "39000.00", "priceCurrency": "COP"}}
    html = ('<html><head><link href="https://cdn.shopify.com/x.css"><script>Shopify.shop = "velas-del-sur.myshopify.com";'
            '</script><script type="application/ld+json">%s</script></head><body></body></html>' % json.dumps(other))
    with pytest.raises(PageChanged):
        extract(_page(html), "shopify")
