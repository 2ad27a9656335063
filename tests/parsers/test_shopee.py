import json

import pytest

from crawler.errors import BlockedPage, NoParser, PageChanged
from crawler.extract import extract
from crawler.page import Page
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one

SEARCH_URL = ("https://shopee.com.my/api/v4/search/search_items?by=relevancy&keyword=power%20bank&limit=60"
              "&newest=0&order=desc&page_type=search&scenario=PAGE_GLOBAL_SEARCH&version=2")
PDP_URL = "https://shopee.co.th/api/v4/pdp/get_pc?item_id=24000000009&shop_id=400000009"


def _page(data, url: str = SEARCH_URL) -> Page:
    body = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Page(url=url, body=body, fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _search_data() -> dict:
    return json.loads((PAGES / "shopee" / "search_items_my_power_bank.json").read_text(encoding="utf-8"))


def test_search_items():
    records = fixture_records("shopee", "search_items_my_power_bank.json", SEARCH_URL)
    assert [r.id for r in records] == ["23000000001", "23000000002", "23000000003"]
    ad = one(records, "listing", "23000000001")
    assert ad.platform == "shopee" and ad.extractor == "api"
    assert ad.url == "https://shopee.com.my/product/300000001/23000000001"
    assert ad.title == "Power Bank 20000mAh  Fast Charge PD 22.5W [Ready Stock]"  # double space kept
    # 1/100000 units: 5990000 -> 59.90 MYR
    assert (ad.price.amount, ad.price.currency) == ("59.9", "MYR")
    assert ad.price_max.amount == "79.9" and ad.original_price.amount == "89.9"
    assert ad.seller.id == "300000001" and ad.seller.url == "https://shopee.com.my/shop/300000001"
    assert ad.sold_count == 1532  # historical_sold, not the recent "sold" 87
    assert ad.rating == pytest.approx(4.78) and ad.review_count == 412
    assert ad.availability == "in_stock" and ad.location == "Selangor"
    assert ad.brand is None  # "" is unknown
    assert ad.signals == {"sponsored": True, "discount_ratio": 0.6663}  # 59.9 / 89.9 (crawler.signals)
    assert ad.images == ["https://down-my.img.susercontent.com/file/my-11134207-7r98o-aaaa0001",
                         "https://down-my.img.susercontent.com/file/my-11134207-7r98o-aaaa0002"]


def test_search_item_without_discount_or_ratings():
    records = fixture_records("shopee", "search_items_my_power_bank.json", SEARCH_URL)
    plain = one(records, "listing", "23000000002")
    assert plain.price.amount == "89" and plain.price_max is None  # price_min == price_max: no range
    assert plain.original_price is None  # price_before_discount 0 means no discount
    assert plain.brand == "Anker" and plain.signals == {}
    new = one(records, "listing", "23000000003")
    assert new.original_price is None  # price_before_discount == price: no real discount
    assert new.rating is None and new.review_count == 0  # 0 stars with 0 ratings: not rated
    assert new.sold_count == 0 and new.availability == "out_of_stock"


@pytest.mark.parametrize("host,currency", [
    ("shopee.co.id", "IDR"), ("shopee.com.my", "MYR"), ("shopee.sg", "SGD"), ("shopee.ph", "PHP"),
    ("shopee.co.th", "THB"), ("shopee.vn", "VND"), ("shopee.tw", "TWD"), ("shopee.com.br", "BRL"),
    ("shopee.com.mx", "MXN"), ("shopee.com.co", "COP"), ("shopee.cl", "CLP"),
])
def test_currency_comes_from_the_host_when_items_do_not_say(host, currency):
    data = _search_data()
    for entry in data["items"]:
        del entry["item_basic"]["currency"]
    records = extract(_page(data, "https://%s/api/v4/search/search_items?keyword=x" % host))
    assert {r.price.currency for r in records} == {currency}
    assert records[0].url.startswith("https://%s/product/" % host)


def test_item_currency_wins_and_no_url_falls_back_to_it():
    records = extract(_page(_search_data(), ""))
    assert [r.url for r in records][0] == "https://shopee.com.my/product/300000001/23000000001"


def test_pdp_get_pc():
    rec = one(fixture_records("shopee", "pdp_get_pc_th_phone_case.json", PDP_URL), "listing", "24000000009")
    assert rec.url == "https://shopee.co.th/product/400000009/24000000009"
    assert rec.title == "เคสโทรศัพท์ ซิลิโคน กันกระแทก สำหรับ iPhone 15"
    assert rec.description == "วัสดุซิลิโคนนิ่ม\nกันกระแทกทุกมุม"
    # single_value -1 means a range: low 89, high 129 THB; before discount 149
    assert (rec.price.amount, rec.price.currency) == ("89", "THB")
    assert rec.price_max.amount == "129" and rec.original_price.amount == "149"
    assert rec.seller.id == "400000009" and rec.seller.handle == "casehouse.th" and rec.seller.name == "CaseHouse TH"
    assert rec.sold_count == 5421 and rec.review_count == 1203 and rec.rating == pytest.approx(4.62)
    assert rec.brand is None  # "NoBrand" placeholder
    assert rec.location == "จังหวัดกรุงเทพมหานคร" and rec.availability == "in_stock"
    assert len(rec.images) == 2


def test_item_get_answer():
    basic = _search_data()["items"][1]["item_basic"]
    data = {"error": None, "error_msg": None, "data": dict(basic, currency="SGD", description="Slim 10000mAh")}
    rec = extract(_page(data, "https://shopee.sg/api/v4/item/get?itemid=23000000002&shopid=300000002"))[0]
    assert rec.id == "23000000002" and rec.url == "https://shopee.sg/product/300000002/23000000002"
    assert (rec.price.amount, rec.price.currency) == ("89", "SGD")
    assert rec.description == "Slim 10000mAh" and rec.sold_count == 980


@pytest.mark.parametrize("answer", [
    {"error": 90309999},
    {"is_customized": False, "is_login": False, "action_type": 2, "error": 90309999, "tracking_id": "synthetic-0001"},
])
@pytest.mark.parametrize("url", [SEARCH_URL, PDP_URL])
def test_anti_bot_error_is_a_block(answer, url):
    with pytest.raises(BlockedPage) as err:
        extract(_page(answer, url))
    assert err.value.reason == "verification"


@pytest.mark.parametrize("url", [SEARCH_URL, PDP_URL])
def test_other_error_answer_is_a_changed_page(url):
    with pytest.raises(PageChanged, match="error 4"):
        extract(_page({"error": 4, "error_msg": "invalid params", "items": None, "data": None}, url))


def test_empty_search_is_no_records():
    assert extract(_page({"error": None, "total_count": 0, "nomore": True, "items": None})) == []


def test_search_answer_without_items_is_a_changed_page():
    with pytest.raises(PageChanged, match="items"):
        extract(_page({"error": None, "total_count": 5, "something_else": []}))


def test_html_for_an_api_url_is_not_read():
    with pytest.raises(NoParser):
        extract(_page(b"<html><head><title>Shopee</title></head><body><div id='main'></div></body></html>"))


def test_items_without_ids_are_dropped():
    data = _search_data()
    data["items"][0]["item_basic"]["itemid"] = 12.5
    data["items"][1]["item_basic"] = "gone"
    assert [r.id for r in extract(_page(data))] == ["23000000003"]


SHOP_URL = ("https://shopee.co.id/api/v4/shop/get_shop_base?entry_point=ShopByPDP&need_cancel_rate=true"
            "&request_source=shop_home_page&username=tokolampu.terang&version=1")
SHOP_ITEMS_URL = ("https://shopee.co.id/api/v4/search/search_items?by=pop&limit=30&match_id=500000001&newest=0"
                  "&order=desc&page_type=shop&scenario=PAGE_OTHERS&version=2")


def test_shop_base_is_an_account():
    records = fixture_records("shopee", "get_shop_base_id_tokolampu.json", SHOP_URL)
    shop = one(records, "account", "500000001")
    assert shop.platform == "shopee" and shop.extractor == "api"
    assert shop.url == "https://shopee.co.id/shop/500000001"  # the same URL as a listing's seller.url
    assert (shop.handle, shop.name) == ("tokolampu.terang", "Toko Lampu Terang")
    assert shop.bio == "Lampu & bohlam LED. Kirim dari Bandung setiap hari.\nChat untuk grosir."
    assert (shop.followers, shop.following, shop.posts_count) == (15400, 23, 2)
    assert shop.verified is False and shop.region == "KOTA BANDUNG"
    assert shop.likes_total is None


def test_shop_items_are_a_search_of_the_shop():
    records = fixture_records("shopee", "search_items_id_shop_500000001.json", SHOP_ITEMS_URL)
    assert [r.id for r in records] == ["25000000001", "25000000002"]
    lamp = one(records, "listing", "25000000001")
    assert (lamp.price.amount, lamp.price.currency) == ("89900", "IDR")
    assert lamp.original_price.amount == "125000" and lamp.seller.id == "500000001"
    bulb = one(records, "listing", "25000000002")
    assert bulb.original_price is None  # price_before_discount 0: no discount


def test_shop_base_variants():
    data = json.loads((PAGES / "shopee" / "get_shop_base_id_tokolampu.json").read_text(encoding="utf-8"))
    data["data"]["is_official_shop"] = True
    del data["data"]["account"]
    shop = extract(_page(data, SHOP_URL))[0]
    assert shop.verified is True and shop.handle is None and shop.following is None
    for key in ("is_official_shop", "is_shopee_verified"):
        del data["data"][key]
    assert extract(_page(data, SHOP_URL))[0].verified is None  # not said: unknown
    assert choose(_page(data, "")).name == "shopee/shop"  # recognised without its URL


def test_shop_base_errors():
    with pytest.raises(BlockedPage):
        extract(_page({"error": 90309999, "action_type": 2}, SHOP_URL))
    with pytest.raises(PageChanged, match="4 .*shop"):
        extract(_page({"error": 4, "error_msg": "shop not found", "data": None}, SHOP_URL))
    with pytest.raises(PageChanged):
        extract(_page({"error": 0, "data": {"name": "no id"}}, SHOP_URL))
    with pytest.raises(PageChanged, match="country"):
        extract(_page({"error": 0, "data": {"shopid": 1, "follower_count": 2}},
                      "https://shopee.example/api/v4/shop/get_shop_base?username=x"), "shopee")


def test_blocked_fixture_is_a_block():
    body = (PAGES / "shopee" / "search_items_id_blocked.json").read_bytes()
    with pytest.raises(BlockedPage) as err:
        extract(_page(body, SEARCH_URL.replace("shopee.com.my", "shopee.co.id")))
    assert err.value.reason == "verification"


def _urls() -> dict:
    return json.loads((PAGES / "shopee" / "urls.json").read_text(encoding="utf-8"))


def test_newer_item_data_cards_scaled_once():
    name = "search_items_br_item_data.json"
    records = fixture_records("shopee", name, _urls()[name])
    assert [r.id for r in records] == ["26000000001", "26000000002"]
    ad = records[0]
    assert ad.title == "Capa Celular Redmi Note 13  Anti Impacto"
    assert (ad.price.amount, ad.price.currency) == ("1299.9", "BRL")  # 129990000 / 100000
    assert ad.original_price.amount == "1999.9"  # strikethrough_price
    assert ad.sold_count == 2310 and ad.rating == pytest.approx(4.81) and ad.review_count == 655
    assert ad.seller.name == "Loja Celular Centro" and ad.location == "São Paulo" and ad.brand == "Xiaomi"
    assert ad.availability == "in_stock" and ad.signals.get("sponsored") is True
    assert ad.images[1] == "https://down-br.img.susercontent.com/file/br-11134207-7r98o-cccc0002"


def test_virtual_card_stands_for_its_real_item():
    name = "search_items_br_item_data.json"
    real = fixture_records("shopee", name, _urls()[name])[1]
    assert real.id == "26000000002" and real.seller.id == "600000002"
    assert real.url == "https://shopee.com.br/product/600000002/26000000002"
    assert real.price.amount == "45.9" and real.original_price is None  # strikethrough 0: none
    assert real.sold_count == 10000  # "10 mil+"
    assert real.rating is None and real.review_count == 0 and real.availability == "out_of_stock"


def test_centralize_item_cards_read_even_with_an_error_code():
    name = "search_items_vn_centralize.json"
    records = fixture_records("shopee", name, _urls()[name])
    assert [r.id for r in records] == ["27000000001", "27000000002"]
    first = records[0]
    assert (first.price.amount, first.price.currency) == ("159000", "VND")
    assert first.original_price.amount == "219000" and first.rating == pytest.approx(4.7)
    assert first.title == "Tai nghe Bluetooth  không dây" and first.location == "Hà Nội"
    assert records[1].seller.name is None and records[1].sold_count is None and records[1].images == []


def test_unmodelled_endpoint_is_read_by_content():
    name = "recommend_v2_units_sg.json"
    records = fixture_records("shopee", name, _urls()[name])
    assert [r.id for r in records] == ["28000000001", "28000000002"]  # the banner unit is not an item
    assert records[0].price.amount == "12.5" and records[0].original_price.amount == "19.9"
    assert records[0].review_count == 210 and records[0].sold_count == 3400
    # without a URL the content is still recognised, but the country is unknown: no record invented
    page = Page(url="", body=(PAGES / "shopee" / name).read_bytes())
    assert choose(page).platform == "shopee"


def test_shop_detail_is_an_account():
    name = "get_shop_detail_br.json"
    shop = one(fixture_records("shopee", name, _urls()[name]), "account", "600000001")
    assert (shop.handle, shop.name, shop.followers, shop.following) == ("lojacelularcentro", "Loja Celular Centro", 8120, 14)
    assert shop.posts_count == 312 and shop.verified is True and shop.bio.endswith("\nEnvio no mesmo dia.")


def test_web_item_page_reads_its_json_ld_in_major_units():
    name = "item_page_jsonld_br.html"
    item = one(fixture_records("shopee", name, _urls()[name]), "listing", "26000000001")
    assert item.platform == "shopee" and item.extractor == "jsonld"
    assert (item.price.amount, item.price.currency) == ("1299.9", "BRL")  # not divided again
    assert item.price_max.amount == "1499.9" and item.seller.id == "600000001"
    assert item.rating == pytest.approx(4.81) and item.review_count == 655


def test_login_wall_with_a_generic_title_is_a_block_not_records():
    body = (PAGES / "shopee" / "login_wall_br.html").read_bytes()
    for url in ("https://shopee.com.br/search?keyword=celular",
                "https://shopee.com.br/Capa-Celular-i.600000001.26000000001"):
        with pytest.raises(BlockedPage) as err:
            extract(Page(url=url, body=body))
        assert err.value.reason == "login_wall"


def test_error_with_data_is_still_read():
    data = _search_data()
    data["error"] = 4
    data["error_msg"] = "partial result"
    assert [r.id for r in extract(_page(data))] == ["23000000001", "23000000002", "23000000003"]
