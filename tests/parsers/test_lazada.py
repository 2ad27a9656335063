import json

import pytest

from crawler.errors import BlockedPage, PageChanged
from crawler.extract import extract
from crawler.page import Page
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one

AJAX_URL = "https://www.lazada.co.id/catalog/?ajax=true&isFirstRequest=true&page=1&q=sepatu%20lari"
SEARCH_PAGE = "https://www.lazada.com.my/catalog/?q=power%20bank"
PRODUCT_1 = "https://www.lazada.com.my/products/power-bank-20000mah-pd-225w-i3100000001-s6100000001.html"
PRODUCT_2 = "https://www.lazada.com.my/products/slim-power-bank-10000mah-i3100000002-s6100000002.html"


def _page(data, url: str) -> Page:
    body = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Page(url=url, body=body, fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _load(name: str):
    return json.loads((PAGES / "lazada" / name).read_text(encoding="utf-8"))


def _html(name: str) -> str:
    return (PAGES / "lazada" / name).read_text(encoding="utf-8")


def test_catalog_json_cards():
    records = fixture_records("lazada", "catalog_ajax_id_sepatu_lari.json", AJAX_URL)
    assert [r.id for r in records] == ["3000000001", "3000000002", "3000000003"]
    shoe = one(records, "listing", "3000000001")
    assert shoe.platform == "lazada" and shoe.extractor == "api"
    assert shoe.url == "https://www.lazada.co.id/products/sepatu-lari-pria-ringan-sol-empuk-i3000000001-s6000000001.html"
    assert shoe.title == "Sepatu Lari Pria Ringan  Sol Empuk"
    # "289000.00" is major units: 289000 IDR (not 28900000, not 289)
    assert shoe.price.model_dump() == {"amount": "289000", "currency": "IDR"}
    assert shoe.original_price.amount == "459000"
    assert shoe.sold_count == 1200  # "1,2 RB Terjual"
    assert shoe.rating == pytest.approx(4.8125) and shoe.review_count == 312
    assert shoe.seller.model_dump() == {"id": "500001", "handle": None, "name": "Sepatu JKT Official", "url": None}
    assert shoe.brand is None  # "No Brand" is the placeholder
    assert shoe.location == "Jakarta Barat" and shoe.availability == "in_stock"
    assert shoe.images == ["https://img.lazcdn.com/g/p/aaaa0001.jpg"]


def test_catalog_card_without_ratings_discount_or_stock():
    shirt = one(fixture_records("lazada", "catalog_ajax_id_sepatu_lari.json", AJAX_URL), "listing", "3000000002")
    assert shirt.original_price is None  # originalPrice ""
    assert shirt.rating is None and shirt.review_count == 0  # "0" stars with 0 reviews: not rated
    assert shirt.sold_count is None  # no sold text: unknown
    assert shirt.availability == "out_of_stock" and shirt.brand == "Adidas"


def test_older_card_shape_nid_and_product_url():
    watch = one(fixture_records("lazada", "catalog_ajax_id_sepatu_lari.json", AJAX_URL), "listing", "3000000003")
    assert watch.url.endswith("-i3000000003-s6000000003.html") and watch.price.amount == "1250000"


@pytest.mark.parametrize("host,currency", [
    ("www.lazada.co.id", "IDR"), ("www.lazada.com.my", "MYR"), ("www.lazada.sg", "SGD"),
    ("www.lazada.co.th", "THB"), ("www.lazada.vn", "VND"), ("www.lazada.com.ph", "PHP"),
])
def test_currency_comes_from_the_site(host, currency):
    records = extract(_page(_load("catalog_ajax_id_sepatu_lari.json"), "https://%s/catalog/?ajax=true&q=x" % host))
    assert {r.price.currency for r in records} == {currency}


def test_without_a_url_the_displayed_price_names_the_currency():
    records = extract(_page(_load("catalog_ajax_id_sepatu_lari.json"), ""))
    assert records[0].platform == "lazada" and records[0].price.model_dump() == {"amount": "289000", "currency": "IDR"}


def test_search_page_window_pagedata():
    records = fixture_records("lazada", "search_page_my_power_bank.html", SEARCH_PAGE)
    assert [r.id for r in records] == ["3100000001", "3100000002"]
    first = records[0]
    assert first.extractor == "hydration" and first.price.model_dump() == {"amount": "59.9", "currency": "MYR"}
    assert first.original_price.amount == "89.9" and first.sold_count == 1200 and first.location == "Selangor"


def test_product_page_app_run():
    records = fixture_records("lazada", "product_page_my_3100000001.html", PRODUCT_1)
    item = one(records, "listing", "3100000001")
    assert item.extractor == "hydration" and item.url == PRODUCT_1
    assert item.price.model_dump() == {"amount": "59.9", "currency": "MYR"}
    assert item.price_max.amount == "64.9" and item.original_price.amount == "89.9"  # two SKUs
    assert item.description == "20000mAh, PD 22.5W.\n2 USB-A + 1 USB-C"
    assert item.rating == pytest.approx(4.7) and item.review_count == 1204
    assert item.brand == "Volt" and item.category == "Electronics Accessories > Power Banks"
    assert item.seller.model_dump() == {"id": "600001", "handle": "voltmart", "name": "VoltMart",
                                        "url": "https://www.lazada.com.my/shop/voltmart/"}
    assert item.images == ["https://img.lazcdn.com/g/p/bbbb0001.jpg", "https://img.lazcdn.com/g/p/bbbb0011.jpg"]
    seller = one(records, "account", "600001")
    assert (seller.handle, seller.name, seller.url) == ("voltmart", "VoltMart", "https://www.lazada.com.my/shop/voltmart/")


def test_product_page_module_data_js_literal():
    records = fixture_records("lazada", "product_page_my_3100000002.html", PRODUCT_2)
    item = one(records, "listing", "3100000002")
    assert item.price.amount == "39" and item.price_max is None and item.original_price is None
    assert item.brand is None and item.description == "Fast charging"  # empty desc: the highlights
    assert item.availability is None  # stock 0 is how the page hides it, not "sold out"
    assert one(records, "account", "600002").handle == "charge-corner"


def test_product_page_jsonld_fallback_is_partial():
    url = "https://www.lazada.co.id/products/sepatu-lari-pria-ringan-sol-empuk-i3000000001-s6000000001.html"
    rec = one(fixture_records("lazada", "product_page_id_jsonld_only.html", url), "listing", "3000000001")
    assert rec.extractor == "jsonld" and rec.partial is True
    assert rec.price.model_dump() == {"amount": "289000", "currency": "IDR"} and rec.brand is None


def test_jsonld_naming_no_item_id_is_a_changed_page():
    html = _html("product_page_id_jsonld_only.html").replace("-i3000000001", "").replace("3000000001_ID", "SKU")
    with pytest.raises(PageChanged):
        extract(_page(html.encode(), "https://www.lazada.co.id/products/x-i3000000001-s1.html"), "lazada")


def test_search_page_under_an_item_url_gives_the_cards_not_the_item():
    records = extract(_page(_html("search_page_my_power_bank.html").encode(), PRODUCT_2))
    assert [r.id for r in records] == ["3100000001", "3100000002"]
    assert records[0].title == "Power Bank 20000mAh PD 22.5W"  # each card's own title


def test_punish_page_is_a_captcha():
    with pytest.raises(BlockedPage) as err:
        extract(_page(_html("punish_page.html").encode(), "https://www.lazada.co.id/catalog/?q=sepatu"))
    assert err.value.reason == "captcha"


def test_punish_mtop_answer_is_a_captcha():
    page = _page(_load("punish_ajax.json"), AJAX_URL)
    with pytest.raises(BlockedPage) as err:
        extract(page)
    assert err.value.reason == "captcha"
    assert choose(page).detect_block(page) == "captcha"  # the parser's own marker, not only the shared one


def test_a_page_with_data_is_never_blocked():
    page = _page(_html("product_page_my_3100000001.html").replace("</body>", "<a href='/x?x5secdata=1'></a></body>")
                 .encode(), PRODUCT_1)
    assert choose(page).detect_block(page) is None
    assert len(extract(page)) == 2


def test_empty_search_is_no_records():
    answer = {"mods": {"filter": {}}, "mainInfo": {"totalResults": "0", "page": "1"}}
    assert extract(_page(answer, AJAX_URL)) == []


def test_search_object_without_list_is_a_changed_page():
    with pytest.raises(PageChanged, match="listItems"):
        extract(_page({"mods": {"somethingElse": []}, "mainInfo": {"totalResults": "12"}}, AJAX_URL))


def test_cards_without_id_or_url_are_dropped():
    data = _load("catalog_ajax_id_sepatu_lari.json")
    data["mods"]["listItems"][0]["itemId"] = "abc"
    data["mods"]["listItems"][0]["nid"] = None
    del data["mods"]["listItems"][1]["itemUrl"]
    assert [r.id for r in extract(_page(data, AJAX_URL))] == ["3000000003"]


def test_sniffed_without_url():
    assert choose(Page(url="", body=(PAGES / "lazada" / "product_page_my_3100000001.html").read_bytes())).name == \
        "lazada/product"
    assert choose(Page(url="", body=(PAGES / "lazada" / "search_page_my_power_bank.html").read_bytes())).name == \
        "lazada/search"
