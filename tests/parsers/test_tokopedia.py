import json

import pytest

from crawler.errors import BlockedPage, NoParser, PageChanged
from crawler.extract import extract
from crawler.page import Page
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one

V4_URL = "https://gql.tokopedia.com/graphql/SearchProductQueryV4"
V5_URL = "https://gql.tokopedia.com/graphql/SearchProductV5Query"
PDP_URL = "https://gql.tokopedia.com/graphql/PDPGetLayoutQuery"
SHOP_URL = "https://gql.tokopedia.com/graphql/ShopInfoCore"
PRODUCT_PAGE = "https://www.tokopedia.com/tokosepatu-jkt/sepatu-lari-pria-ringan-original"


def _page(data, url: str) -> Page:
    body = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Page(url=url, body=body, fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _load(name: str):
    return json.loads((PAGES / "tokopedia" / name).read_text(encoding="utf-8"))


def _html(name: str) -> str:
    return (PAGES / "tokopedia" / name).read_text(encoding="utf-8")


def test_search_v4_cards():
    records = fixture_records("tokopedia", "gql_search_v4_sepatu.json", V4_URL)
    # the "related keyword" product (another search's card) is not a result
    assert [r.id for r in records] == ["2000000001", "2000000002", "2000000003"]
    ad = one(records, "listing", "2000000001")
    assert ad.platform == "tokopedia" and ad.extractor == "api"
    assert ad.url == PRODUCT_PAGE  # tracking query dropped
    assert ad.title == "Sepatu Lari Pria  Ringan [Original]"  # double space kept
    # rupiah have no minor unit: "Rp289.000" / priceInt 289000 is 289000 IDR, not 289
    assert (ad.price.amount, ad.price.currency) == ("289000", "IDR")
    assert ad.original_price.amount == "459000" and ad.price_max is None
    assert ad.sold_count == 1000  # "1 rb+ terjual", the integrity label (not the "Cashback" one)
    assert ad.rating == pytest.approx(4.8) and ad.review_count == 1342
    assert ad.seller.model_dump() == {"id": "9000001", "handle": "tokosepatu-jkt", "name": "Toko Sepatu JKT",
                                      "url": "https://www.tokopedia.com/tokosepatu-jkt"}
    assert ad.location == "Jakarta Barat" and ad.category == "Sepatu Lari"
    assert ad.signals["sponsored"] is True
    assert ad.images == ["https://images.tokopedia.net/img/cache/200-square/VqbcmM/2026/1/10/aaaa0001.jpg"]


def test_search_v4_range_unrated_and_organic():
    records = fixture_records("tokopedia", "gql_search_v4_sepatu.json", V4_URL)
    tee = one(records, "listing", "2000000002")
    assert tee.price.amount == "35000" and tee.price_max.amount == "42500"  # "Rp35.000 - Rp42.500"
    assert tee.original_price is None and "sponsored" not in tee.signals  # ads.adsId "" is organic
    assert tee.sold_count == 100  # "100+ terjual"
    watch = one(records, "listing", "2000000003")
    assert watch.price.amount == "1250000"
    assert watch.rating is None and watch.review_count == 0  # 0 stars with no review: not rated
    assert watch.sold_count is None  # no sold label: unknown, not 0


def test_search_v5_cards():
    records = fixture_records("tokopedia", "gql_search_v5_tas.json", V5_URL)
    assert [r.id for r in records] == ["2100000001", "2100000002"]
    bag = records[0]
    assert bag.price.amount == "199000" and bag.original_price.amount == "249000"
    assert bag.rating == pytest.approx(4.7) and bag.review_count is None
    assert bag.sold_count == 250 and bag.location == "Kab. Bandung"
    assert bag.images == ["https://images.tokopedia.net/img/cache/700/VqbcmM/2026/1/10/bbbb0001.jpg"]
    wallet = records[1]
    assert wallet.signals["sponsored"] is True and wallet.rating is None  # rating "" is unknown


def test_search_answer_read_by_content_under_another_operation_name():
    data = _load("gql_search_v4_sepatu.json")
    records = extract(_page(data, "https://gql.tokopedia.com/graphql/SearchProductQueryV9Experimental"))
    assert [r.id for r in records] == ["2000000001", "2000000002", "2000000003"]
    records = extract(_page(data, ""))
    assert records[0].platform == "tokopedia" and records[0].price.amount == "289000"


def test_cards_of_an_unknown_operation_are_found_by_shape():
    card = {"id": "2300000001", "name": "Lampu LED 12W", "url": "https://www.tokopedia.com/tokolampu/lampu-led-12w",
            "price": "Rp15.900", "shop": {"id": "9300001", "name": "Toko Lampu", "city": "Kota Bekasi"}}
    records = extract(_page([{"data": {"recommendationWidget": {"data": [{"recommendation": [card]}]}}}],
                            "https://gql.tokopedia.com/graphql/SearchProductQueryV4"))
    assert [(r.id, r.price.amount, r.location) for r in records] == [("2300000001", "15900", "Kota Bekasi")]


def test_pdp_layout_answer():
    rec = one(fixture_records("tokopedia", "gql_pdp_layout_2000000001.json", PDP_URL), "listing", "2000000001")
    assert rec.extractor == "api" and rec.url == PRODUCT_PAGE
    assert rec.price.amount == "289000" and rec.original_price.amount == "459000"
    assert rec.description == "Sepatu lari ringan, sol empuk.\nUkuran 39 - 44.\n\nKirim hari ini sebelum jam 15.00"
    assert rec.condition == "new" and rec.availability == "in_stock"
    assert rec.sold_count == 1523 and rec.review_count == 1342 and rec.rating == pytest.approx(4.8)
    assert rec.category == "Olahraga > Lari > Sepatu Lari" and rec.location == "Jakarta Barat"
    assert rec.seller.handle == "tokosepatu-jkt" and rec.seller.id == "9000001"
    assert len(rec.images) == 2  # the video's empty URLOriginal is not an image


def test_shop_info_answer_is_an_account():
    shop = one(fixture_records("tokopedia", "gql_shop_info_tokosepatu.json", SHOP_URL), "account", "9000001")
    assert shop.url == "https://www.tokopedia.com/tokosepatu-jkt" and shop.handle == "tokosepatu-jkt"
    assert shop.name == "Toko Sepatu JKT" and shop.followers == 12800 and shop.region == "Jakarta Barat"
    assert shop.bio == "Sepatu original bergaransi.\nKirim setiap hari dari Jakarta."
    assert shop.verified is False  # goldOS.isOfficial 0


def test_product_page_apollo2_cache_matches_the_api():
    page_rec = one(fixture_records("tokopedia", "product_page_2000000001.html", PRODUCT_PAGE), "listing", "2000000001")
    api_rec = one(fixture_records("tokopedia", "gql_pdp_layout_2000000001.json", PDP_URL), "listing", "2000000001")
    assert page_rec.extractor == "hydration" and not page_rec.partial
    skip = {"extractor", "source_url", "fetched_at"}
    assert page_rec.model_dump(exclude=skip) == api_rec.model_dump(exclude=skip)


def test_search_page_apollo3_state():
    url = "https://www.tokopedia.com/search?st=product&q=sepatu%20lari"
    records = fixture_records("tokopedia", "search_page_sepatu_lari.html", url)
    assert [r.id for r in records] == ["2000000001", "2000000002"]
    assert records[0].extractor == "hydration" and records[0].seller.name == "Toko Sepatu JKT"


def test_shop_page_gives_the_shop_and_its_items():
    records = fixture_records("tokopedia", "shop_page_tokosepatu.html", "https://www.tokopedia.com/tokosepatu-jkt")
    assert one(records, "account", "9000001").followers == 12800
    item = one(records, "listing", "2000000001")
    assert item.price.amount == "289000" and item.rating == pytest.approx(4.8)  # averageRating, not the 0-100 "rating"
    assert item.sold_count == 1000 and item.review_count == 1342
    assert item.seller is None  # the item card names no shop: never borrowed from the page's shop


def test_product_page_without_cache_reads_jsonld_with_the_app_link_id():
    url = "https://www.tokopedia.com/rumahbotol/botol-minum-1-liter-bpa-free"
    rec = one(fixture_records("tokopedia", "product_page_jsonld_only.html", url), "listing", "2200000001")
    assert rec.extractor == "jsonld" and rec.partial is True
    assert rec.price.model_dump() == {"amount": "45900", "currency": "IDR"} and rec.review_count == 57


def test_jsonld_without_any_product_id_is_not_invented_from_the_url():
    html = _html("product_page_jsonld_only.html").replace("tokopedia://product/2200000001", "tokopedia://home")
    with pytest.raises(PageChanged):
        extract(_page(html.encode(), "https://www.tokopedia.com/rumahbotol/botol-minum-1-liter-bpa-free-i2200000001"),
                "tokopedia")


def test_search_page_under_a_product_url_gives_the_search_cards_not_the_product():
    records = extract(_page(_html("search_page_sepatu_lari.html").encode(), "https://www.tokopedia.com/x/some-product"))
    assert {r.id for r in records} == {"2000000001", "2000000002"}  # the cards' own ids, nothing from the URL


def test_graphql_errors_without_data_are_a_changed_page():
    answer = [{"errors": [{"message": "upstream timeout", "path": ["ace_search_product_v4"]}], "data": None}]
    with pytest.raises(PageChanged, match="upstream timeout"):
        extract(_page(answer, V4_URL))


def test_partial_data_with_errors_is_read():
    data = _load("gql_search_v4_sepatu.json")
    data[0]["errors"] = [{"message": "banner service unavailable"}]
    assert len(extract(_page(data, V4_URL))) == 3


def test_empty_search_is_no_records():
    answer = [{"data": {"ace_search_product_v4": {"header": {"totalData": 0}, "data": {"products": []}}}}]
    assert extract(_page(answer, V4_URL)) == []


def test_cards_without_id_or_url_are_dropped():
    data = _load("gql_search_v4_sepatu.json")
    products = data[0]["data"]["ace_search_product_v4"]["data"]["products"]
    products[0]["id"] = 12.5
    products[1]["url"] = "https://ta.tokopedia.com/promo/v1/clicks/x"
    assert [r.id for r in extract(_page(data, V4_URL))] == ["2000000003"]


def test_waf_challenge_is_verification():
    with pytest.raises(BlockedPage) as err:
        extract(_page(_html("waf_challenge.html").encode(), "https://www.tokopedia.com/search?st=product&q=tas"))
    assert err.value.reason == "verification"


def test_a_page_with_data_is_never_blocked():
    page = _page(_html("product_page_2000000001.html").encode(), PRODUCT_PAGE)
    assert choose(page).detect_block(page) is None


def test_sniffed_without_url():
    for name, page_type in [("gql_pdp_layout_2000000001.json", "product"), ("gql_shop_info_tokosepatu.json", "shop"),
                            ("product_page_2000000001.html", "page")]:
        page = Page(url="", body=(PAGES / "tokopedia" / name).read_bytes())
        assert choose(page).name == "tokopedia/%s" % page_type


def test_cyclic_apollo_references_do_not_loop():
    cache = {"ROOT_QUERY": {"pdpGetLayout({})": {"type": "id", "id": "$A"}},
             "$A": {"basicInfo": {"type": "id", "id": "$A"}, "components": []}}
    html = "<html><body><script>window.__cache = %s;</script></body></html>" % json.dumps(cache)
    with pytest.raises((PageChanged, NoParser)):
        extract(_page(html.encode(), PRODUCT_PAGE), "tokopedia")


def test_apollo2_cache_without_a_root_query_object():
    html = _html("product_page_2000000001.html")
    start = html.index("window.__cache = ") + len("window.__cache = ")
    end = html.index(";</script>", start)
    cache = json.loads(html[start:end])
    del cache["ROOT_QUERY"]  # only the flat "$ROOT_QUERY.pdpGetLayout(...)" keys
    page = _page((html[:start] + json.dumps(cache, ensure_ascii=False) + html[end:]).encode(), PRODUCT_PAGE)
    rec = one(extract(page), "listing", "2000000001")
    assert rec.extractor == "hydration" and rec.sold_count == 1523 and rec.price.amount == "289000"
