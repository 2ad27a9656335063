import json

import pytest

from crawler.errors import BlockedPage, PageChanged
from crawler.extract import extract
from crawler.page import Page
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one

TAOBAO_URL = "https://item.taobao.com/item.htm?id=700000000001&spm=a21n57.1.item.1"
TMALL_URL = "https://detail.tmall.com/item.htm?id=700000000002&skuId=5200000000001"
PUNISH_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<script>window._config_ = {{"action":"captcha","HOST":"item.taobao.com","PATH":"/item.htm","NCAPPKEY":"X82Y__synthetic"}};</script>
<div id="nocaptcha" class="nc-container"></div>
<script src="//g.alicdn.com/sd/punish/waf_ssr/1.0.0/punish.js"></script>
<a href="https://item.taobao.com//item.htm/_____tmd_____/punish?x5secdata=xsynthetic&x5step=1">retry</a>
{padding}</body></html>"""


def _page(body: str | bytes, url: str = TAOBAO_URL) -> Page:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Page(url=url, body=data, fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def test_taobao_item():
    rec = one(fixture_records("taobao", "item_taobao_longjing.html", TAOBAO_URL), "listing", "700000000001")
    assert rec.platform == "taobao" and rec.extractor == "hydration"
    assert rec.url == "https://item.taobao.com/item.htm?id=700000000001"
    assert rec.title == "2025新茶 明前龙井  绿茶 250g罐装"  # inner double space kept
    # priceVO.price (掌柜推荐), not the subsidy price 63.5 nor the hidden trade price 88.00
    assert (rec.price.amount, rec.price.currency) == ("68", "CNY")
    assert rec.price_max is None and rec.original_price is None
    assert rec.shipping.amount == "0"  # 快递: 免运费
    assert rec.seller.id == "2200000001" and rec.seller.handle == "chayeshop88"
    assert rec.seller.name == "山间茶叶小铺" and rec.seller.url == "https://shop500000001.taobao.com"
    assert rec.sold_count == 10000  # "1万+"
    assert rec.review_count == 3000  # "3000+"
    assert rec.rating is None  # storeCardVO.overallScore is the shop's score
    assert rec.availability == "in_stock"
    assert rec.location == "浙江杭州"
    assert rec.brand is None and rec.condition is None
    assert rec.images == ["https://img.alicdn.com/imgextra/i1/2200000001/O1CN01tea01.jpg",
                          "https://img.alicdn.com/imgextra/i2/2200000001/O1CN01tea02.jpg"]


def test_tmall_item():
    rec = one(fixture_records("taobao", "item_tmall_running_shoe.html", TMALL_URL), "listing", "700000000002")
    assert rec.platform == "tmall"
    assert rec.url == "https://detail.tmall.com/item.htm?id=700000000002"
    assert (rec.price.amount, rec.price_max.amount) == ("199", "259")  # "199-259"
    assert rec.shipping.amount == "8" and rec.shipping.currency == "CNY"
    assert rec.brand == "风行"  # 参数 table
    assert rec.availability == "out_of_stock"  # every SKU at quantity 0
    assert rec.seller.url == "https://fengxingsport.tmall.com"
    assert rec.sold_count == 500 and rec.review_count == 200


def test_tmall_slug_is_accepted_and_page_without_url_uses_the_seller_type():
    page = Page(url=TMALL_URL, body=(PAGES / "taobao" / "item_tmall_running_shoe.html").read_bytes())
    assert [r.platform for r in extract(page, "tmall")] == ["tmall"]
    bare = Page(url="", body=(PAGES / "taobao" / "item_tmall_running_shoe.html").read_bytes())
    assert choose(bare).name == "taobao/item"
    assert [r.platform for r in extract(bare)] == ["tmall"]  # sellerType B
    bare = Page(url="", body=(PAGES / "taobao" / "item_taobao_longjing.html").read_bytes())
    assert [(r.platform, r.url) for r in extract(bare)] == [("taobao", "https://item.taobao.com/item.htm?id=700000000001")]


@pytest.mark.parametrize("padding", ["", "<!-- %s -->" % ("x" * 70_000)], ids=["small", "large"])
def test_punish_captcha_page_is_blocked(padding):
    # small: the generic block check; large: the Taobao parser's own check
    with pytest.raises(BlockedPage) as err:
        extract(_page(PUNISH_HTML.format(title="Taobao", padding=padding)))
    assert err.value.reason == "captcha"


def test_punish_redirect_url_is_blocked():
    url = "https://item.taobao.com//item.htm/_____tmd_____/punish?x5secdata=xsynthetic&x5step=1"
    with pytest.raises(BlockedPage, match="captcha"):
        extract(_page("<html><head><title>Taobao</title></head><body>" + "<p>.</p>" * 20000 + "</body></html>", url))


def test_mtop_validate_answer_is_blocked():
    body = json.dumps({"api": "mtop.taobao.pcdetail.data.get", "v": "1.0",
                       "ret": ["FAIL_SYS_USER_VALIDATE::哎哟喂,被挤爆啦,请稍后重试!"],
                       "data": {"url": "https://h5api.m.taobao.com:443//h5/_____tmd_____/punish?x5secdata=xsynthetic"}},
                      ensure_ascii=False)
    with pytest.raises(BlockedPage, match="captcha"):
        extract(_page(body, TMALL_URL))


def test_item_page_with_baxia_sdk_is_not_blocked():
    # every real item page loads the baxia SDK: only the punish markers count, and only without item data
    html = (PAGES / "taobao" / "item_taobao_longjing.html").read_text(encoding="utf-8")
    assert "baxia" in html
    assert len(extract(_page(html))) == 1
    # a full item page (larger than a challenge page) that mentions the punish URL in a config is still an item
    padded = html.replace("</body>", "<!-- %s punish?x5secdata= in an inline config --></body>" % ("x" * 70_000))
    assert len(extract(_page(padded))) == 1


def test_missing_state_is_a_changed_page():
    with pytest.raises(PageChanged, match="__ICE_APP_CONTEXT__"):
        extract(_page("<html><head><title>宝贝-淘宝网</title></head><body><div>no state</div></body></html>"))


def test_state_without_item_is_a_changed_page():
    html = ('<html><body><script>!(function () {var a = window.__ICE_APP_CONTEXT__ || {};'
            'var b = {"loaderData":{"home":{"data":{"res":{"seller":{"sellerId":"1"}}}}}};'
            'window.__ICE_APP_CONTEXT__=b;})();</script></body></html>')
    with pytest.raises(PageChanged):
        extract(_page(html))


def test_broken_values_give_nulls():
    res = {"item": {"itemId": "700000000003", "title": ["x"], "vagueSellCount": {"v": 1}, "images": "nope"},
           "seller": {"sellerId": 5.5, "sellerNick": None},
           "skuCore": {"sku2info": {"0": {"quantity": "lots"}}},
           "componentsVO": {"priceVO": {"price": {"priceText": "面议"}}, "deliveryVO": {"freight": 12},
                            "rateVO": {"totalCount": "好评"}}}
    html = ('<html><body><script>var a = window.__ICE_APP_CONTEXT__ || {};var b = %s;'
            'window.__ICE_APP_CONTEXT__=b;</script></body></html>') % json.dumps(
        {"loaderData": {"home": {"data": {"res": res}}}}, ensure_ascii=False)
    rec = extract(_page(html, "https://item.taobao.com/item.htm?id=700000000003"))[0]
    assert rec.id == "700000000003"
    assert rec.title is None and rec.price is None and rec.shipping is None
    assert rec.sold_count is None and rec.review_count is None and rec.availability is None
    assert rec.seller.id is None and rec.images == []


def _mtop_url(name: str) -> str:
    return json.loads((PAGES / "taobao" / "urls.json").read_text(encoding="utf-8"))[name]


def test_mtop_search_jsonp():
    records = fixture_records("taobao", "mtop_search_longjing.js", _mtop_url("mtop_search_longjing.js"))
    assert [r.id for r in records] == ["700000000001", "700000000003"]
    first = one(records, "listing", "700000000001")
    assert first.platform == "taobao" and first.extractor == "api"
    assert first.url == "https://item.taobao.com/item.htm?id=700000000001"
    assert first.title == "2025新茶 明前龙井  绿茶 250g罐装"  # highlight tags gone, double space kept
    assert (first.price.amount, first.price.currency) == ("68", "CNY")
    assert first.sold_count == 10000  # "1万+人付款"
    assert first.seller.id == "2200000001" and first.seller.handle == "chayeshop88"
    assert first.seller.name == "山间茶叶小铺"
    assert first.location == "浙江 杭州" and first.signals == {"sponsored": True}  # isP4p: a paid card
    assert first.images == ["https://g-search1.alicdn.com/img/bao/uploaded/i4/2200000001/O1CN01tea01.jpg"]
    assert first.rating is None and first.review_count is None and first.shipping is None
    assert one(records, "listing", "700000000003").signals == {}


def test_mtop_search_marks_tmall_items():
    name = "mtop_search_tmall_running_shoe.js"
    records = fixture_records("taobao", name, _mtop_url(name), platform_slug="tmall")
    shoe = one(records, "listing", "700000000002")
    assert shoe.platform == "tmall" and shoe.url == "https://detail.tmall.com/item.htm?id=700000000002"
    assert shoe.seller.url == "https://fengxingsport.tmall.com" and shoe.sold_count == 500


def test_mtop_search_plain_json_and_without_url():
    body = (PAGES / "taobao" / "mtop_search_longjing.js").read_text(encoding="utf-8")
    plain = body[len("mtopjsonp1("):-1]
    url = _mtop_url("mtop_search_longjing.js")
    assert [r.id for r in extract(_page(plain, url))] == ["700000000001", "700000000003"]
    assert choose(_page(body, "")).name == "taobao/search"


@pytest.mark.parametrize("ret, reason", [
    ("FAIL_SYS_SESSION_EXPIRED::Session过期", "login_wall"),
    ("FAIL_SYS_USER_VALIDATE::哎哟喂,被挤爆啦,请稍后重试", "captcha"),
    ("RGV587_ERROR::SM::哎哟喂,被挤爆啦", "captcha"),
])
def test_mtop_search_failures_are_blocks(ret, reason):
    body = 'mtopjsonp2({"api":"mtop.relationrecommend.wirelessrecommend.recommend","data":{},"ret":["%s"],"v":"2.0"})' % ret
    with pytest.raises(BlockedPage) as err:
        extract(_page(body, _mtop_url("mtop_search_longjing.js")))
    assert err.value.reason == reason


def test_mtop_search_malformed():
    url = _mtop_url("mtop_search_longjing.js")
    with pytest.raises(PageChanged, match="itemsArray.*FAIL_BIZ"):
        extract(_page('mtopjsonp1({"data":{},"ret":["FAIL_BIZ_PARAM_ERROR::参数错误"]})', url))
    answer = {"data": {"itemsArray": [{"title": "no id"}, {"item_id": ["x"]}, "junk",
                                      {"item_id": "700000000009", "price": None, "title": ["x"]}]},
              "ret": ["SUCCESS::调用成功"]}
    records = extract(_page(json.dumps(answer), url))
    assert [r.id for r in records] == ["700000000009"]
    assert records[0].price is None and records[0].title is None and records[0].seller is None


# ---- older PC layouts and mtop item answers ----

def _taobao_url(name: str) -> str:
    return json.loads((PAGES / "taobao" / "urls.json").read_text(encoding="utf-8"))[name]


def test_tmall_2020_tshop_setup_layout():
    name = "item_tmall_tshop_2020.html"
    rec = one(fixture_records("taobao", name, _taobao_url(name)), "listing", "700000000020")
    assert rec.platform == "tmall" and rec.extractor == "hydration"
    assert rec.url == "https://detail.tmall.com/item.htm?id=700000000020"
    assert rec.title == "青山 户外冲锋衣 男女同款  防水透气"
    # the SKU prices' range, not reservePrice 599.00
    assert (rec.price.amount, rec.price_max.amount, rec.price.currency) == ("399", "459", "CNY")
    assert rec.original_price is None  # the promotion panel is empty (its sub-request failed)
    assert rec.review_count == 1862  # 累计评价, not the 39 Tmall points
    assert rec.sold_count is None  # 月销量 hidden and empty
    assert rec.seller.model_dump() == {"id": "3300000020", "handle": "青山户外旗舰店", "name": "青山户外旗舰店",
                                       "url": "https://qingshan.tmall.com"}
    assert rec.brand == "青山" and rec.location == "浙江"  # not the buyer's 杭州 上城区
    assert rec.availability == "in_stock"
    assert rec.images[0] == "https://img.alicdn.com/imgextra/i1/3300000020/O1CN01jacket1_!!3300000020.jpg"


def test_tmall_2020_page_with_a_punished_sub_request_is_not_blocked():
    html = (PAGES / "taobao" / "item_tmall_tshop_2020.html").read_text(encoding="utf-8")
    assert "_____tmd_____/punish" in html
    page = _page(html, _taobao_url("item_tmall_tshop_2020.html"))
    from crawler.parsers.taobao import TaobaoItemParser

    assert TaobaoItemParser().detect_block(page) is None
    assert [r.id for r in extract(page)] == ["700000000020"]
    # saved without its URL: recognised by content, Tmall because TShop is Tmall's
    assert [(r.platform, r.id) for r in extract(_page(html, ""))] == [("tmall", "700000000020")]


def test_tmall_2020_sold_count_when_shown_and_sold_out_skus():
    html = (PAGES / "taobao" / "item_tmall_tshop_2020.html").read_text(encoding="utf-8")
    html = html.replace('data-label="月销量" style="display: none;"', 'data-label="月销量"')
    html = html.replace('<span class="tm-count"></span>', '<span class="tm-count">3200+</span>')
    html = html.replace('"stock":12', '"stock":0').replace('"stock":3', '"stock":0')
    rec = extract(_page(html, _taobao_url("item_tmall_tshop_2020.html")))[0]
    assert rec.sold_count == 3200 and rec.availability == "out_of_stock"


def test_taobao_2019_g_config_layout_with_a_promotion():
    name = "item_taobao_gconfig_2019.html"
    rec = one(fixture_records("taobao", name, _taobao_url(name)), "listing", "700000000031")
    assert rec.platform == "taobao" and rec.url == "https://item.taobao.com/item.htm?id=700000000031"
    assert rec.title == "手工陶瓷茶杯 复古  粗陶"
    assert rec.price.amount == "29.9" and rec.original_price.amount == "35"  # shown promotion, struck panel price
    assert rec.seller.model_dump() == {"id": "2200000031", "handle": "陶然小窑", "name": "陶然小窑",
                                       "url": "https://shop500000031.taobao.com"}
    assert rec.sold_count is None  # "-" before the counter script runs
    assert rec.review_count == 146
    assert rec.availability == "in_stock"
    assert len(rec.images) == 2 and rec.images[0].startswith("https://gd1.alicdn.com/")


def test_mtop_getdetail_answer():
    name = "mtop_getdetail_v6.json"
    rec = one(fixture_records("taobao", name, _taobao_url(name)), "listing", "700000000041")
    assert rec.platform == "taobao" and rec.extractor == "api"
    assert rec.title == "便携榨汁杯 无线充电  小型"
    assert (rec.price.amount, rec.price_max.amount) == ("79", "99")  # apiStack esi price
    assert rec.sold_count == 5000 and rec.review_count == 3200
    assert rec.seller.model_dump() == {"id": "2200000041", "handle": "xianzha_life", "name": "鲜榨生活馆",
                                       "url": "https://shop500000041.taobao.com"}
    assert rec.location == "广东深圳" and rec.availability == "in_stock"
    body = (PAGES / "taobao" / name).read_bytes()
    assert [r.id for r in extract(Page(url="", body=body))] == ["700000000041"]  # sniffed by content


def test_mtop_wdetail_answer_is_read_whatever_its_status():
    name = "mtop_wdetail_itemInfoModel.json"
    rec = one(fixture_records("taobao", name, _taobao_url(name)), "listing", "700000000051")
    assert rec.price.amount == "18.8" and rec.sold_count == 236
    assert rec.seller.id == "2200000051" and rec.seller.name == "搪瓷之家" and rec.seller.handle == "tangci_jia"
    assert rec.location == "江西景德镇"
    assert rec.images == ["https://img.alicdn.com/bao/uploaded/i1/2200000051/TB2mug1.jpg"]


def test_mtop_item_answer_shapes_marked_tmall_by_seller_type():
    data = json.loads((PAGES / "taobao" / "mtop_getdetail_v6.json").read_text(encoding="utf-8"))
    data["data"]["seller"]["sellerType"] = "B"
    rec = extract(_page(json.dumps(data, ensure_ascii=False), _taobao_url("mtop_getdetail_v6.json")))[0]
    assert rec.platform == "tmall" and rec.url == "https://detail.tmall.com/item.htm?id=700000000041"


def test_mtop_item_answer_with_wrong_types_gives_nulls():
    data = {"ret": ["SUCCESS::ok"], "data": {"item": {"itemId": "700000000042", "title": {"x": 1}, "images": "no"},
                                             "seller": ["not", "a", "dict"], "rate": {"totalCount": []},
                                             "apiStack": [{"value": "{not json"}]}}
    rec = extract(_page(json.dumps(data), _taobao_url("mtop_getdetail_v6.json")))[0]
    assert rec.id == "700000000042" and rec.title is None and rec.price is None
    assert rec.seller is None and rec.review_count is None and rec.images == []


def test_mtop_pcdetail_answer_has_the_page_state_shape():
    page = _page((PAGES / "taobao" / "item_taobao_longjing.html").read_bytes())
    from crawler.parsers.taobao import item_data

    body = json.dumps({"api": "mtop.taobao.pcdetail.data.get", "ret": ["SUCCESS::调用成功"], "data": item_data(page)},
                      ensure_ascii=False)
    for url in ("https://h5api.m.taobao.com/h5/mtop.taobao.pcdetail.data.get/1.0/?jsv=2.7.2", ""):
        rec = one(extract(_page(body, url)), "listing", "700000000001")
        assert rec.extractor == "api" and rec.price.amount == "68" and rec.sold_count == 10000
