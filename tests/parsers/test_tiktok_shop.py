import copy
import json
import re

import pytest

from crawler.errors import BlockedPage, ExtractionError, PageChanged
from crawler.extract import extract
from crawler.page import Page
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one, page_from, wrong_types

URL = "https://www.tiktok.com/shop/pdp/cotton-crew-socks-6-pack-by-sockhaus/1729000000000000001?source=ecommerce_mall"
FIXTURE = PAGES / "tiktok_shop" / "pdp_socks.html"
_SCRIPT = re.compile(r'(<script type="application/json" id="__MODERN_ROUTER_DATA__">)(.*?)(</script>)', re.S)


def _router() -> dict:
    return json.loads(_SCRIPT.search(FIXTURE.read_text(encoding="utf-8")).group(2))


def _page_with(router: dict, url: str = URL) -> Page:
    html = _SCRIPT.sub(lambda m: m.group(1) + json.dumps(router) + m.group(3), FIXTURE.read_text(encoding="utf-8"))
    return Page(url=url, body=html.encode("utf-8"), fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _route(router: dict) -> dict:
    return next(v for v in router["loaderData"].values() if v)


def _product_component(router: dict) -> dict:
    return next(c for c in _route(router)["page_config"]["components_map"]
                if "product_info" in c.get("component_data", {}))


def test_product_page_gives_one_listing():
    records = fixture_records("tiktok_shop", "pdp_socks.html", URL)
    assert [r.kind for r in records] == ["listing"]
    item = one(records, "listing", "1729000000000000001")
    assert item.platform == "tiktok_shop" and item.extractor == "hydration"
    assert item.url == "https://www.tiktok.com/shop/pdp/cotton-crew-socks-6-pack-by-sockhaus/1729000000000000001"
    assert item.title == "Unisex Cotton Crew Socks 6-Pack,  Cushioned Athletic Socks"  # inner spaces kept
    assert item.price.amount == "12.99" and item.price.currency == "USD"
    assert item.price_max is None  # one price, not a range
    # product_base.price.original_price is "": the strike-through price is min_sku_original_price
    assert item.original_price.amount == "19.99"
    assert item.shipping.amount == "3.99" and item.shipping.currency == "USD"
    assert item.seller.id == "7495000000000000002" and item.seller.name == "Sockhaus Outlet"
    assert item.sold_count == 1288 and item.rating == 4.7 and item.review_count == 312
    assert item.availability == "in_stock"  # one SKU sold out, the other has 14
    assert item.category == "Womenswear & Underwear > Socks & Hosiery > Crew Socks"  # ordered by level
    assert item.location == "United States of America"
    assert item.brand is None and item.condition is None
    assert len(item.images) == 2  # the repeated image once
    assert item.description.splitlines() == [
        "Soft combed cotton crew socks.", "Material: 80% Cotton, 17% Polyester, 3% Spandex", "Pack: 6 pairs",
        "Questions? WhatsApp +1 415 555 0100"]


def test_product_component_is_found_by_meaning_not_index():
    router = _router()
    components = _route(router)["page_config"]["components_map"]
    product = _product_component(router)
    components.remove(product)
    components.append(product)
    # a shelf whose data also says product_info, but without product_base, must not be taken
    components.insert(0, {"component_type": "feed_list", "component_data": {
        "product_info": {"product_id": "1729999999999999999"}}})
    records = extract(_page_with(router))
    assert [r.id for r in records] == ["1729000000000000001"]


def test_global_data_stub_alone_is_not_a_product():
    router = _router()
    components = _route(router)["page_config"]["components_map"]
    components.remove(_product_component(router))
    with pytest.raises(PageChanged, match="product_base"):
        extract(_page_with(router))


def test_product_error_is_reported():
    router = _router()
    data = _product_component(router)["component_data"]
    data["error_code"] = 23002102
    data["error_message"] = "product not available in this region"
    data["product_info"] = {"product_id": "1729000000000000001"}
    with pytest.raises(PageChanged, match="error_code 23002102"):
        extract(_page_with(router))


def test_price_range_stock_and_free_shipping():
    router = _router()
    product = _product_component(router)["component_data"]["product_info"]
    product["product_base"]["price"].update(min_sku_price="9.5", max_sku_price="14.25", is_interval_price=True,
                                            real_price="$9.50 - 14.25", min_sku_original_price="")
    for sku in product["skus"]:
        sku["stock"] = 0
    product["logistic"] = {"is_default": True, "free_shipping": True,
                           "shipping_fee": {"price_str": "Free", "price_val": "0", "currency": "USD"}}
    item = one(extract(_page_with(router)), "listing")
    assert (item.price.amount, item.price_max.amount) == ("9.5", "14.25")
    assert item.original_price is None  # "" everywhere: no strike-through price
    assert item.availability == "out_of_stock"
    assert item.shipping.amount == "0"


def test_url_pattern_takes_only_shop_urls():
    page = lambda url: Page(url=url, body=FIXTURE.read_bytes())
    for url in (URL, "https://www.tiktok.com/shop/pdp/1729000000000000001",
                "https://shop.tiktok.com/view/product/1729000000000000001?region=US&locale=en",
                "https://www.tiktok.com/view/product/1729000000000000001"):
        assert choose(page(url)).name == "tiktok_shop/product", url
    from crawler.parsers.tiktok_shop import TikTokShopProductParser

    parser = TikTokShopProductParser()
    for url in ("https://www.tiktok.com/@katchme/video/7551907319324364062", "https://www.tiktok.com/@katchme",
                "https://www.tiktok.com/@katchme/live", "https://www.tiktok.com/shop", "https://www.tiktok.com/shop/c/womenswear/601152"):
        assert not parser.matches_url(url), url


def test_page_saved_without_url_is_recognised():
    assert choose(Page(url="", body=FIXTURE.read_bytes())).name == "tiktok_shop/product"


_CAPTCHA = """<html><head><meta charset="utf-8"><title>%s</title>
<script charset="utf-8" src="https://lf16-cdn-tos.tiktokcdn-us.com/obj/static-tx/oec-ttweb-captcha/loader/ttp/2.0.0.19/captcha/index.js"></script>
</head><body><div id="captcha_container"></div><div class="middle_page_loading"><span></span></div>
<!--%s--></body>
<script type="application/json" id="captcha-config">{"aid": 0, "verify_data": {"code": "10000", "type": "verify", "subtype": "slide", "region": "ttp"}}</script>
</html>"""


@pytest.mark.parametrize("title,padding", [("Security Check", 0), ("Verificación de seguridad", 0), ("", 80_000)])
def test_captcha_page_is_blocked(title, padding):
    body = (_CAPTCHA % (title, "x" * padding)).encode()
    with pytest.raises(BlockedPage) as info:
        extract(Page(url=URL, body=body))
    assert info.value.reason == "captcha"




@pytest.mark.parametrize("mutate", [
    wrong_types,
    lambda r: json.loads(json.dumps(r).replace('"12.99"', '"-4"').replace("4.7", "9.5").replace("1288", "-3")),
    lambda r: {"loaderData": {"x": {"page_config": {"components_map": [{"component_data": {"product_info": {
        "product_id": 17290, "product_base": {"price": "cheap", "images": "none"}, "skus": "many"}}}]}}}},
])
def test_odd_state_never_crashes(mutate):
    try:
        records = extract(_page_with(mutate(copy.deepcopy(_router()))))
    except ExtractionError:
        return
    for record in records:
        assert record.id.isdigit()


def test_real_capture_if_present():
    from tests.support import REAL_PAGES

    path = REAL_PAGES / "tiktok" / "tiktokshop_pdp_1729447605324124806.html"
    if not path.exists():
        pytest.skip("no ../shared/real-pages on this machine")
    item = one(extract(page_from(path, "https://www.tiktok.com/shop/pdp/x/1729447605324124806")), "listing")
    # components_map[3] there; global_data holds a product_info stub with the same ids
    assert item.price.amount == "24.17" and item.price_max.amount == "24.69" and item.original_price.amount == "31.75"


# ---- store and search pages: product cards ----

STORE_URL = "https://www.tiktok.com/shop/store/sockhaus-outlet/7495000000000000002"
SEARCH_URL = "https://www.tiktok.com/shop/s/crew%20socks"


def _cards_page(name: str, url: str, mutate=None) -> Page:
    html = (PAGES / "tiktok_shop" / name).read_text(encoding="utf-8")
    router = json.loads(_SCRIPT.search(html).group(2))
    if mutate:
        router = mutate(router)
    html = _SCRIPT.sub(lambda m: m.group(1) + json.dumps(router) + m.group(3), html)
    return Page(url=url, body=html.encode("utf-8"), fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _components(router: dict) -> list:
    return _route(router)["page_config"]["components_map"]


def test_store_page_gives_the_shop_and_its_cards():
    records = fixture_records("tiktok_shop", "store_sockhaus.html", STORE_URL)
    assert [(r.kind, r.id) for r in records] == [
        ("account", "7495000000000000002"), ("listing", "1729000000000000001"), ("listing", "1729000000000000004")]
    shop = records[0]
    assert shop.name == "Sockhaus Outlet" and shop.url == STORE_URL and shop.followers == 18400
    card = one(records, "listing", "1729000000000000004")
    assert card.url == "https://www.tiktok.com/shop/pdp/no-show-liner-socks-10-pack-by-sockhaus/1729000000000000004"
    assert (card.price.amount, card.price.currency, card.original_price.amount) == ("15.49", "USD", "21.99")
    assert card.sold_count == 5120 and card.rating == 4.5 and card.review_count == 870
    assert card.seller.id == "7495000000000000002" and card.brand is None
    assert card.description is None and card.availability is None and card.shipping is None  # not on a card
    assert one(records, "listing", "1729000000000000001").brand == "Sockhaus"


def test_search_page_gives_each_card_once():
    records = fixture_records("tiktok_shop", "search_crew_socks.html", SEARCH_URL)
    assert [r.id for r in records] == ["1729000000000000001", "1729000000000000005"]
    wool = one(records, "listing", "1729000000000000005")
    assert wool.price.amount == "24"  # "24.00" as an amount
    assert wool.original_price is None  # origin == sale: no strike-through
    assert wool.seller.name == "Trailfoot Supply" and wool.title == "Merino Wool Hiking Crew Socks 3-Pack"


def test_search_and_store_urls_choose_their_parsers():
    body = (PAGES / "tiktok_shop" / "search_crew_socks.html").read_bytes()
    for url in (SEARCH_URL, "https://www.tiktok.com/shop/search?q=socks", "https://shop.tiktok.com/us/s?q=socks",
                "https://shop.tiktok.com/us/k/crew-socks", "https://www.tiktok.com/shop/k/crew-socks"):
        assert choose(Page(url=url, body=body)).name == "tiktok_shop/search", url
    store = (PAGES / "tiktok_shop" / "store_sockhaus.html").read_bytes()
    assert choose(Page(url=STORE_URL, body=store)).name == "tiktok_shop/store"


def test_cards_are_found_by_meaning_in_any_component():
    def move(router):
        comps = _components(router)
        feed = next(c for c in comps if c.get("component_name") == "feed_list_search_word")
        comps.remove(feed)
        feed["component_name"] = "feed_list_renamed"
        comps.insert(0, feed)
        return router
    assert [r.id for r in extract(_cards_page("search_crew_socks.html", SEARCH_URL, move))] == [
        "1729000000000000001", "1729000000000000005"]


def test_search_without_results_is_empty_and_without_feed_is_changed():
    def empty(router):
        for c in _components(router):
            if "products" in c.get("component_data", {}):
                c["component_data"].update(products=[], has_more=False)
        return router
    assert extract(_cards_page("search_crew_socks.html", SEARCH_URL, empty)) == []

    def no_feed(router):
        _route(router)["page_config"]["components_map"] = [c for c in _components(router)
                                                           if "products" not in c.get("component_data", {})]
        return router
    with pytest.raises(PageChanged, match="products list"):
        extract(_cards_page("search_crew_socks.html", SEARCH_URL, no_feed))


def test_card_without_seo_url_gets_a_pdp_url_and_unknowns_stay_null():
    def strip(router):
        for c in _components(router):
            for card in c.get("component_data", {}).get("products", []):
                card.pop("seo_url", None)
                card["rate_info"] = {"score": 0, "review_count": "0"}
                card["sold_info"] = {}
                card["product_price_info"] = {"sale_price_format": "$9.99", "currency_name": "USD"}
        return router
    records = extract(_cards_page("search_crew_socks.html", SEARCH_URL, strip))
    card = one(records, "listing", "1729000000000000005")
    assert card.url == "https://www.tiktok.com/shop/pdp/1729000000000000005"
    assert card.rating is None and card.review_count == 0 and card.sold_count is None
    assert card.price.amount == "9.99" and card.original_price is None


def test_store_saved_without_url_uses_its_route():
    records = extract(Page(url="https://www.tiktok.com/shop/store/x/7495000000000000002",
                           body=(PAGES / "tiktok_shop" / "store_sockhaus.html").read_bytes()))
    assert records[0].kind == "account" and records[0].url == "https://www.tiktok.com/shop/store/x/7495000000000000002"


def test_captcha_on_a_store_or_search_url_is_blocked():
    body = (PAGES / "tiktok_shop" / "captcha_security_check.html").read_bytes()
    for url in (STORE_URL, SEARCH_URL, URL):
        with pytest.raises(BlockedPage) as info:
            extract(Page(url=url, body=body))
        assert info.value.reason == "captcha"


@pytest.mark.parametrize("name,url", [("store_sockhaus.html", STORE_URL), ("search_crew_socks.html", SEARCH_URL)])
def test_odd_card_state_never_crashes(name, url):
    try:
        records = extract(_cards_page(name, url, wrong_types))
    except ExtractionError:
        return
    for record in records:
        assert record.id.isdigit()


# ---- other layouts of the router data (issue 10) ----

JS_URL = "https://www.tiktok.com/shop/uk/pdp/mushroom-table-lamp-mini/1729000000000000501"


def test_router_data_as_a_single_quoted_js_literal_with_a_components_dict():
    listing = one(fixture_records("tiktok_shop", "pdp_js_literal.html", JS_URL), "listing", "1729000000000000501")
    assert listing.title == "Mushroom Table Lamp 'Mini' – Warm Light"  # an escaped quote inside single quotes
    assert listing.url == JS_URL and listing.description == "Cordless, 3 light modes."
    assert listing.price.amount == "18.5" and listing.price.currency == "GBP" and listing.price_max is None
    assert listing.original_price.amount == "24" and listing.shipping.amount == "0"
    assert listing.seller.id == "7495000000000000501" and listing.seller.name == "Lamp Loft"
    assert (listing.sold_count, listing.rating, listing.review_count) == (1204, 4.7, 311)
    assert listing.category == "Home Supplies > Lighting" and listing.availability == "in_stock"
    assert listing.location == "United Kingdom"


def test_pdp_recognised_without_its_url():
    for name in ("pdp_js_literal.html", "pdp_socks.html"):
        records = extract(page_from(PAGES / "tiktok_shop" / name, "https://mirror.example/page.html"))
        assert [r.kind for r in records] == ["listing"] and records[0].platform == "tiktok_shop"


def test_router_data_assigned_to_window_in_a_plain_script(tmp_path):
    text = (PAGES / "tiktok_shop" / "pdp_js_literal.html").read_text(encoding="utf-8")
    text = text.replace('<script id="__MODERN_ROUTER_DATA__" type="application/json">',
                        "<script>window.__MODERN_ROUTER_DATA__ = ")
    path = tmp_path / "p.html"
    path.write_text(text, encoding="utf-8")
    assert one(extract(page_from(path, JS_URL)), "listing").sold_count == 1204
