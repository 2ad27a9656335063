import copy
import json
import re
from urllib.parse import quote, unquote

import pytest

from crawler.errors import BlockedPage, ExtractionError, PageChanged
from crawler.extract import extract
from crawler.page import Page
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one, wrong_types

SHARE_VIDEO = "https://www.iesdouyin.com/share/video/7600000000000000011/"
SHARE_NOTE = "https://www.iesdouyin.com/share/note/7600000000000000022/"
WEB_VIDEO = "https://www.douyin.com/video/7600000000000000033"
_ROUTER = re.compile(r"(window\._ROUTER_DATA = )(.*?)(</script>)", re.S)
_RENDER = re.compile(r'(<script id="RENDER_DATA" type="application/json">)(.*?)(</script>)', re.S)


def _html(name: str) -> str:
    return (PAGES / "douyin" / name).read_text(encoding="utf-8")


def _router(name: str) -> dict:
    return json.loads(_ROUTER.search(_html(name)).group(2))


def _share_page(name: str, router: dict, url: str) -> Page:
    html = _ROUTER.sub(lambda m: m.group(1) + json.dumps(router, ensure_ascii=False) + m.group(3), _html(name))
    return Page(url=url, body=html.encode("utf-8"), fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _render() -> dict:
    return json.loads(unquote(_RENDER.search(_html("web_video_render_data.html")).group(2)))


def _web_page(render: dict, url: str = WEB_VIDEO) -> Page:
    encoded = quote(json.dumps(render, ensure_ascii=False), safe="")
    html = _RENDER.sub(lambda m: m.group(1) + encoded + m.group(3), _html("web_video_render_data.html"))
    return Page(url=url, body=html.encode("utf-8"), fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _items(router: dict) -> list:
    return next(v for v in router["loaderData"].values() if v)["videoInfoRes"]["item_list"]


def test_share_video_page():
    records = fixture_records("douyin", "share_video.html", SHARE_VIDEO)
    assert sorted(r.kind for r in records) == ["account", "post"]
    post = one(records, "post", "7600000000000000011")
    assert post.url == "https://www.douyin.com/video/7600000000000000011"
    assert post.text == "新款球鞋到货 #球鞋 #莆田 联系微信 shoes888"
    assert post.hashtags == ["球鞋", "莆田"]
    assert post.created_at == "2026-01-01T00:00:00Z"
    assert post.media_type == "video" and post.image_count is None
    assert post.duration_s == 15.36  # video.duration is milliseconds (music.duration 15 is not used)
    assert post.metrics.views is None  # play_count 0 is Douyin's "hidden"
    assert (post.metrics.likes, post.metrics.comments, post.metrics.shares, post.metrics.saves) == (1204, 58, 33, 97)
    assert post.author.id == "MS4wLjABAAAAsynthSecUidVideo_01"
    assert post.author.handle == "shoes_wh" and post.author.name == "鞋仓批发"
    assert post.author.url == "https://www.douyin.com/user/MS4wLjABAAAAsynthSecUidVideo_01"
    assert post.music.title == "@鞋仓批发创作的原声"
    account = one(records, "account", "MS4wLjABAAAAsynthSecUidVideo_01")
    assert account.bio == "一手货源 支持验货" and account.posts_count == 321
    # share pages zero-fill these: unknown, not 0
    assert account.followers is None and account.following is None and account.likes_total is None


def test_share_note_page():
    records = fixture_records("douyin", "share_note.html", SHARE_NOTE)
    assert sorted(r.kind for r in records) == ["account", "post"]  # the comments are not records
    post = one(records, "post", "7600000000000000022")
    assert post.url == "https://www.douyin.com/note/7600000000000000022"
    assert post.media_type == "images" and post.image_count == 3
    assert post.duration_s is None  # the cover-only video has duration 0
    assert post.text == "三张实拍图，喜欢的私信\n#穿搭 #ootd"
    assert post.hashtags == ["穿搭", "ootd"]  # type 7/8 text_extra with empty names are not hashtags
    assert post.author.handle == "90000000002"  # unique_id "" -> short_id
    assert post.author.name == "小鹿🦌的衣橱 "  # kept as written
    assert post.metrics.shares == 0  # a shown 0 stays 0


def test_share_page_item_is_found_by_meaning():
    router = _router("share_note.html")
    page_data = router["loaderData"].pop("note_(id)/page")
    router["loaderData"]["some_new_route/page"] = {"data": {"detailRes": page_data["videoInfoRes"]},
                                                   "commentListData": page_data["commentListData"]}
    records = extract(_share_page("share_note.html", router, SHARE_NOTE))
    assert [r.id for r in records if r.kind == "post"] == ["7600000000000000022"]


def test_deleted_item_gives_no_record_and_empty_list_is_reported():
    router = _router("share_video.html")
    res = next(v for v in router["loaderData"].values() if v)["videoInfoRes"]
    res["item_list"] = []
    res["filter_list"] = [{"aweme_id": "7600000000000000011", "filter_reason": "status_deleted",
                           "detail_msg": "因作品权限或已被删除，无法观看，去看看其他作品吧"}]
    assert extract(_share_page("share_video.html", router, SHARE_VIDEO)) == []
    res["filter_list"] = []
    with pytest.raises(PageChanged, match="empty item_list"):
        extract(_share_page("share_video.html", router, SHARE_VIDEO))


def test_hashtags_from_text_and_visible_play_count():
    router = _router("share_video.html")
    item = _items(router)[0]
    item["text_extra"] = None
    item["desc"] = "到货了 #球鞋 #莆田"
    item["statistics"]["play_count"] = 5120
    post = one(extract(_share_page("share_video.html", router, SHARE_VIDEO)), "post")
    assert post.hashtags == ["球鞋", "莆田"]
    assert post.metrics.views == 5120


def test_web_video_render_data():
    records = fixture_records("douyin", "web_video_render_data.html", WEB_VIDEO)
    # the related video in the same RENDER_DATA is not this page's post
    assert sorted((r.kind, r.id) for r in records) == [
        ("account", "MS4wLjABAAAAsynthSecUidWeb_03"), ("post", "7600000000000000033")]
    post = one(records, "post")
    assert post.text == "开箱测评 #数码 #耳机 同款链接在橱窗" and post.hashtags == ["数码", "耳机"]
    assert post.created_at == "2026-01-03T00:00:00Z" and post.duration_s == 48.12
    assert post.metrics.views is None and post.metrics.likes == 15200 and post.metrics.saves == 1800
    assert post.author.handle == "shuma_wang" and post.location == "广东"
    assert post.products == ["3700000000000000001"]
    account = one(records, "account")
    assert (account.followers, account.following, account.likes_total, account.posts_count) == (52300, 120, 880000, 410)


def test_web_video_stats_beside_detail_and_no_url():
    render = _render()
    aweme = render["41"]["aweme"]
    aweme["stats"] = aweme["detail"].pop("stats")  # some builds keep stats next to detail
    records = extract(_web_page(render, url=""))  # saved without its URL: sniffed, the detail is the post
    post = one(records, "post")
    assert post.id == "7600000000000000033" and post.metrics.likes == 15200


def test_web_video_loaded_client_side_is_reported():
    render = _render()
    render["41"]["aweme"] = None
    with pytest.raises(PageChanged, match="client-side"):
        extract(_web_page(render))


def test_sdk_glue_captcha_url_is_not_a_block_but_a_loaded_captcha_is():
    # every Douyin page lists .../captcha/index.js in its SDK config; the fixtures carry that snippet
    assert "captcha/index.js" in _html("share_video.html")
    assert extract(Page(url=SHARE_VIDEO, body=_html("share_video.html").encode()))
    verify = ('<html><head><title>抖音</title><script src="https://lf-rc1.example.com/obj/rc-verifycenter/'
              'sec_sdk_build/4.0.10/captcha/index.js"></script></head><body><div id="app"></div></body></html>')
    with pytest.raises(BlockedPage):
        extract(Page(url=SHARE_VIDEO, body=verify.encode()))
    with pytest.raises(BlockedPage):
        extract(Page(url=SHARE_VIDEO, body="<html><head><title>验证码中间页</title></head></html>".encode()))


def test_url_patterns():
    body = _html("share_video.html").encode()
    for url in (SHARE_VIDEO, SHARE_NOTE, "https://m.douyin.com/share/video/7600000000000000011",
                "https://www.iesdouyin.com/share/slides/7600000000000000011/?from_ssr=1"):
        assert choose(Page(url=url, body=body)).name == "douyin/share_page", url
    web = _html("web_video_render_data.html").encode()
    for url in (WEB_VIDEO, "https://www.douyin.com/note/7600000000000000033?previous_page=app_code_link"):
        assert choose(Page(url=url, body=web)).name == "douyin/web_video", url
    assert choose(Page(url="", body=body)).name == "douyin/share_page"




def _negative(state: dict) -> dict:
    text = json.dumps(state, ensure_ascii=False)
    return json.loads(re.sub(r'("(?:duration|digg_count|diggCount|create_time|createTime)": ?)(\d+)', r"\1-\2", text))


@pytest.mark.parametrize("mutate", [wrong_types, _negative])
@pytest.mark.parametrize("name,url", [("share_video.html", SHARE_VIDEO), ("share_note.html", SHARE_NOTE),
                                      ("web_video_render_data.html", WEB_VIDEO)])
def test_odd_state_never_crashes(mutate, name, url):
    if name.startswith("share"):
        page = _share_page(name, mutate(copy.deepcopy(_router(name))), url)
    else:
        page = _web_page(mutate(_render()), url)
    try:
        records = extract(page)
    except ExtractionError:
        return
    for record in records:
        assert record.id and record.id not in ("many", "yes")


# ---- the web app's JSON APIs ----

_URLS = json.loads((PAGES / "douyin" / "urls.json").read_text(encoding="utf-8"))
BRAND = "MS4wLjABAAAAsynthSecUidBrand_07"


def _api(name: str) -> dict:
    return json.loads((PAGES / "douyin" / name).read_text(encoding="utf-8"))


def _api_page(name: str, data, url: str | None = None) -> Page:
    return Page(url=url or _URLS[name], body=json.dumps(data, ensure_ascii=False).encode("utf-8"),
                fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def test_aweme_detail_api():
    records = fixture_records("douyin", "api_aweme_detail.json", _URLS["api_aweme_detail.json"])
    post = one(records, "post", "7600000000000000044")
    assert post.extractor == "api" and post.url == "https://www.douyin.com/video/7600000000000000044"
    assert post.text == "新款跑鞋上脚测评 #跑鞋 #测评" and post.hashtags == ["跑鞋", "测评"]
    assert post.created_at == "2026-01-04T00:00:00Z" and post.duration_s == 36.48
    assert (post.metrics.views, post.metrics.likes, post.metrics.saves) == (None, 8920, 1506)
    assert post.author.id == BRAND and post.author.handle == "chaoxie_lab" and post.location == "上海"
    assert post.products == ["3700000000000000002"]
    account = one(records, "account", BRAND)
    assert account.followers is None and account.likes_total is None  # zero-filled on embedded authors


def test_search_api_reads_aweme_info_cards_only():
    records = fixture_records("douyin", "api_search_single.json", _URLS["api_search_single.json"])
    assert [r.id for r in records if r.kind == "post"] == ["7600000000000000051", "7600000000000000052"]
    assert sorted(r.id for r in records if r.kind == "account") == [BRAND, "MS4wLjABAAAAsynthSecUidResell_08"]
    resell = one(records, "post", "7600000000000000051")
    assert resell.author.handle == "90000000008"  # unique_id "" -> short_id
    assert resell.metrics.comments == 19 and resell.duration_s == 12.04


def test_search_api_verify_check_is_a_captcha():
    data = {"status_code": 0, "data": [], "search_nil_info": {"search_nil_type": "verify_check",
                                                             "search_nil_item": "verify_check"}}
    with pytest.raises(BlockedPage) as info:
        extract(_api_page("api_search_single.json", data))
    assert info.value.reason == "captcha"


def test_search_item_endpoint_is_read_too():
    url = "https://www.douyin.com/aweme/v1/web/search/item/?aid=6383&keyword=x&offset=0&count=10"
    records = extract(_api_page("api_search_single.json", _api("api_search_single_page2.json"), url))
    assert [r.id for r in records if r.kind == "post"] == ["7600000000000000053"]


def test_post_list_api_gives_posts_without_account_records():
    records = fixture_records("douyin", "api_aweme_post.json", _URLS["api_aweme_post.json"])
    assert [(r.kind, r.id) for r in records] == [("post", "7600000000000000061"), ("post", "7600000000000000062")]
    note = one(records, "post", "7600000000000000062")
    assert note.media_type == "images" and note.image_count == 3 and note.duration_s is None
    assert note.url == "https://www.douyin.com/note/7600000000000000062"


def test_post_list_of_an_account_without_posts_is_empty():
    assert extract(_api_page("api_aweme_post.json", {"status_code": 0, "aweme_list": None, "has_more": 0})) == []


def test_user_profile_api():
    account = one(fixture_records("douyin", "api_user_profile.json", _URLS["api_user_profile.json"]), "account", BRAND)
    assert account.url == "https://www.douyin.com/user/" + BRAND and account.extractor == "api"
    assert (account.handle, account.name, account.bio) == ("chaoxie_lab", "潮鞋研究所", "正品鞋类测评 合作私信")
    assert (account.followers, account.following, account.likes_total, account.posts_count) == (152300, 87, 2430000, 386)


@pytest.mark.parametrize("name", ["api_aweme_detail.json", "api_search_single.json", "api_aweme_post.json",
                                  "api_user_profile.json"])
def test_api_error_status_is_a_changed_answer(name):
    with pytest.raises(PageChanged, match="status_code 2053"):
        extract(_api_page(name, {"status_code": 2053, "status_msg": "请求太频繁"}))


@pytest.mark.parametrize("name,data,match", [
    ("api_aweme_detail.json", {"status_code": 0}, "aweme_detail"),
    ("api_aweme_detail.json", {"status_code": 0, "aweme_detail": {"aweme_id": "1"}}, "no aweme_detail aweme"),
    ("api_search_single.json", {"status_code": 0, "data": None}, "data"),
    ("api_aweme_post.json", {"status_code": 0}, "aweme_list"),
    ("api_user_profile.json", {"status_code": 0, "user": {"nickname": "x"}}, "sec_uid"),
    ("api_user_profile.json", [], "not an object"),
])
def test_api_missing_parts_are_changed(name, data, match):
    with pytest.raises(PageChanged, match=match):
        extract(_api_page(name, data))


def test_deleted_item_detail_gives_no_post():
    assert extract(_api_page("api_aweme_detail.json", {"status_code": 0, "aweme_detail": None,
                                                      "filter_detail": {"filter_reason": "status_deleted"}})) == []


def test_web_video_shell_defers_to_the_xhr():
    page = Page(url="https://www.douyin.com/video/7600000000000000044",
                body=(PAGES / "douyin" / "web_video_shell.html").read_bytes())
    with pytest.raises(PageChanged, match="aweme null"):
        extract(page)


# ---- API answers read by content and whatever their status (issue 10) ----

def _fixture_json(name: str):
    return json.loads((PAGES / "douyin" / name).read_text(encoding="utf-8"))


def test_iesdouyin_iteminfo_api_item_list():
    records = fixture_records("douyin", "iesdouyin_iteminfo.json", _URLS["iesdouyin_iteminfo.json"])
    assert [(r.kind, r.id) for r in records] == [("post", "7610000000000000401"),
                                                 ("account", "MS4wLjABAAAAsynthDouyin401")]
    post = records[0]
    assert post.extractor == "api" and post.text == "开箱新款跑鞋 #跑鞋" and post.hashtags == ["跑鞋"]
    assert post.duration_s == 15.2 and post.created_at == "2026-02-13T16:26:40Z"
    assert (post.metrics.views, post.metrics.likes, post.metrics.saves) == (None, 523, 66)  # play_count 0: hidden
    assert post.author.handle == "88000401"  # unique_id "": the short_id


@pytest.mark.parametrize("name", ["api_aweme_detail.json", "api_search_single.json", "api_aweme_post.json",
                                  "iesdouyin_iteminfo.json"])
def test_non_zero_status_with_data_is_read(name):
    data = _fixture_json(name)
    expected = [(r.kind, r.id) for r in extract(_api_page(name, data))]
    data["status_code"], data["status_msg"] = 2483, "请求异常"
    assert [(r.kind, r.id) for r in extract(_api_page(name, data))] == expected and expected


def test_status_without_data_is_explained():
    with pytest.raises(PageChanged, match="status_code 2483"):
        extract(_api_page("iesdouyin_iteminfo.json", {"status_code": 2483, "status_msg": "请求异常"}))


def test_api_answers_are_recognised_by_content_on_any_host():
    for name in ("api_aweme_detail.json", "api_aweme_post.json", "api_user_profile.json", "iesdouyin_iteminfo.json"):
        with_url = [(r.kind, r.id) for r in extract(_api_page(name, _fixture_json(name)))]
        for url in ("", "https://aweme.snssdk.com/aweme/v1/aweme/detail/?aweme_id=1", "https://proxy.example/x.json"):
            records = extract(_api_page(name, _fixture_json(name), url or " "))
            assert {r.platform for r in records} == {"douyin"}
            assert {(r.kind, r.id) for r in records} >= {pair for pair in with_url if pair[0] == "post"} or \
                name == "api_user_profile.json"


def test_web_video_url_naming_another_post_gives_the_page_post():
    records = extract(_web_page(_render(), "https://www.douyin.com/video/7999999999999999999"))
    posts = [r.id for r in records if r.kind == "post"]
    assert posts == ["7600000000000000033"]
