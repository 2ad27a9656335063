import json

import pytest

from crawler.errors import BlockedPage, PageChanged
from tests.support import PAGES, fixture_records, one, page_from
from crawler.extract import extract
from crawler.parsers.weibo import WeiboStatusParser

URL = "https://weibo.com/ajax/statuses/mymblog?uid=6543210987&page=1&feature=0"
M_SHOW_URL = "https://m.weibo.cn/statuses/show?id=Qa1bC2dE3"
M_SEARCH_URL = ("https://m.weibo.cn/api/container/getIndex?containerid=100103type%3D1%26q%3D%E8%80%90%E5%85%8B"
                "&page_type=searchall&page=2")


def test_status_list_gives_every_status():
    records = fixture_records("weibo", "mymblog_list.json", URL)
    assert [r.id for r in records] == ["5012345678901234", "5012345678900001"]
    first = one(records, "post", "5012345678901234")
    assert first.url == "https://weibo.com/6543210987/Pq7rStUvW"
    assert first.author.id == "6543210987" and first.author.name == "潮鞋小铺"
    assert first.author.handle == "潮鞋小铺"  # empty domain falls back to the screen name
    assert first.created_at == "2026-03-02T01:15:00Z"  # +0800 converted to UTC
    assert first.text.startswith("莆田纯原 1:1 复刻")  # text_raw, not the HTML text
    assert first.hashtags == ["耐克", "球鞋"]  # Weibo closes tags: "#tag#", "#tag[超话]#"
    assert first.media_type == "images" and first.image_count == 3
    assert first.metrics.comments == 12000 and first.metrics.likes == 4031 and first.metrics.shares == 12
    assert first.metrics.views is None and first.metrics.saves is None
    assert first.location == "发布于 福建"
    video = one(records, "post", "5012345678900001")
    assert video.media_type == "video" and video.duration_s == 31.5 and video.image_count is None
    assert video.author.handle == "chaoxie"
    assert video.created_at == "2026-03-01T15:59:59Z"


def test_error_answer_is_reported_not_empty(tmp_path):
    bad = tmp_path / "err.json"
    bad.write_text(json.dumps({"ok": 0, "msg": "参数错误"}))
    with pytest.raises(PageChanged, match="ok=0"):
        extract(page_from(bad, URL))


@pytest.mark.parametrize("body", [{"ok": 0, "msg": "请先登录"},
                                  {"ok": -100, "url": "https://passport.weibo.cn/signin/welcome?entry=mweibo"}])
def test_login_answers_are_login_walls(tmp_path, body):
    bad = tmp_path / "login.json"
    bad.write_text(json.dumps(body, ensure_ascii=False))
    with pytest.raises(BlockedPage) as err:
        extract(page_from(bad, M_SHOW_URL))
    assert err.value.reason == "login_wall"


def test_missing_user_drops_nothing_silently(tmp_path):
    data = json.loads((PAGES / "weibo" / "mymblog_list.json").read_text())
    del data["data"]["list"][0]["user"]
    bad = tmp_path / "nouser.json"
    bad.write_text(json.dumps(data))
    records = extract(page_from(bad, URL))
    # a status without a user is not a status we can attribute: only the intact one remains
    assert [r.id for r in records] == ["5012345678900001"]


# ---- m.weibo.cn (modelled on capture #30: /statuses/show?id=<bid>) ----

def test_m_weibo_status_with_bid_and_html_text():
    records = fixture_records("weibo", "m_statuses_show.json", M_SHOW_URL)
    assert [(r.kind, r.id) for r in records] == [("post", "5100000000000001"), ("account", "6200000001")]
    post = records[0]
    assert post.url == "https://weibo.com/6200000001/Qa1bC2dE3"  # bid is the slug (no mblogid here)
    assert post.author.id == "6200000001"  # an integer in the JSON, a string in the record
    assert post.author.name == "猫咪日记_"
    # HTML only: emoji image as its alt text, <br /> as a newline, links as their words, &amp; decoded
    assert post.text == "今天也很困[笑cry]\n#猫# 猫咪日记_的微博视频 & 更多"
    assert post.hashtags == ["猫"]
    assert post.created_at == "2026-03-07T12:05:09Z"
    assert post.media_type == "video" and post.duration_s == 12 and post.image_count is None
    assert (post.metrics.views, post.metrics.likes, post.metrics.comments, post.metrics.shares) == (50000, 11000, 230, 12)


def test_m_weibo_author_account():
    acc = one(fixture_records("weibo", "m_statuses_show.json", M_SHOW_URL), "account", "6200000001")
    assert acc.url == "https://weibo.com/u/6200000001" and acc.name == "猫咪日记_"
    assert acc.followers == 31000  # the display string "3.1万"
    assert (acc.following, acc.posts_count, acc.verified) == (88, 1520, True)
    assert acc.bio == "每天一只猫 🐱  合作请私信"


def test_m_weibo_search_cards_and_reposts():
    records = fixture_records("weibo", "m_container_search.json", M_SEARCH_URL)
    posts = [r for r in records if r.kind == "post"]
    assert [p.id for p in posts] == ["5100000000000002", "5100000000000003", "5100000000000004"]
    first = posts[0]
    assert first.media_type == "images" and first.image_count == 2 and first.location == "发布于 福建"
    assert first.text == "#耐克# 莆田纯原 加V: abc12345\n看图" and first.hashtags == ["耐克"]
    original = posts[2]  # the reposted status is a status of its own, with its own author
    assert original.author.id == "7300000002" and original.url == "https://weibo.com/7300000002/Td4eF5gH6"
    assert original.metrics.likes == 1000000  # "100万+" is a lower bound
    assert sorted(r.id for r in records if r.kind == "account") == ["7300000002", "7300000003"]


def test_statuses_are_found_by_content_without_url():
    records = extract(page_from(PAGES / "weibo" / "m_statuses_show.json", ""))
    assert [r.kind for r in records] == ["post", "account"]


def test_comments_answer_holds_no_post(tmp_path):
    body = {"ok": 1, "data": {"data": [{"created_at": "Sat Mar 07 21:00:00 +0800 2026", "id": "5100000000009999",
                                        "rootid": "5100000000009999", "text": "好可爱", "like_count": 3,
                                        "user": {"id": 7300000009, "screen_name": "评论者", "followers_count": 5}}],
                              "total_number": 1, "max_id": 0}}
    path = tmp_path / "hotflow.json"
    path.write_text(json.dumps(body, ensure_ascii=False))
    page = page_from(path, "https://m.weibo.cn/comments/hotflow?id=5100000000000001&mid=5100000000000001")
    assert WeiboStatusParser().matches_url(page.url)
    assert list(WeiboStatusParser().parse(page)) == []  # comments are not statuses, their writers not authors


def test_data_is_read_whatever_ok_says(tmp_path):
    data = json.loads((PAGES / "weibo" / "m_statuses_show.json").read_text(encoding="utf-8"))
    data["ok"] = 0
    path = tmp_path / "ok0.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    assert [r.id for r in extract(page_from(path, M_SHOW_URL))][0] == "5100000000000001"


def test_detail_page_render_data(tmp_path):
    data = json.loads((PAGES / "weibo" / "m_statuses_show.json").read_text(encoding="utf-8"))["data"]
    html = ("<html><head><title>微博</title></head><body><script>var $render_data = [{\"status\": %s, "
            "\"call\": \"\", \"hotScheme\": \"sinaweibo://detail?mblogid=5100000000000001\"}][0] || {};"
            "</script></body></html>" % json.dumps(data, ensure_ascii=False))
    path = tmp_path / "detail.html"
    path.write_text(html, encoding="utf-8")
    records = extract(page_from(path, "https://m.weibo.cn/detail/5100000000000001"))
    assert [(r.kind, r.id) for r in records][0] == ("post", "5100000000000001")


def test_wrong_types_inside_a_status(tmp_path):
    data = json.loads((PAGES / "weibo" / "m_statuses_show.json").read_text(encoding="utf-8"))
    data["data"]["user"]["followers_count"] = ["many"]
    data["data"]["user"]["followers_count_str"] = {"v": "3.1万"}
    data["data"]["attitudes_count"] = {"n": 1}
    data["data"]["page_info"] = "video"
    data["data"]["created_at"] = 12.5
    data["data"]["text"] = ["x"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    post, acc = extract(page_from(path, M_SHOW_URL))
    assert post.metrics.likes is None and post.text is None and post.media_type == "text"
    assert acc.followers is None and acc.following == 88
    data["data"]["user"]["id"] = "not-a-number"
    path.write_text(json.dumps(data, ensure_ascii=False))
    with pytest.raises(PageChanged, match="user id"):
        list(WeiboStatusParser().parse(page_from(path, M_SHOW_URL)))


@pytest.mark.parametrize("url,body", [
    ("https://weibo.com/ajax/profile/info?uid=7300000002",
     {"ok": 1, "data": {"user": {"id": 7300000002, "idstr": "7300000002", "screen_name": "球鞋小铺", "domain": "qiuxie",
                                 "followers_count": 321, "friends_count": 10, "statuses_count": 88,
                                 "description": "正品保证", "verified": False, "location": "福建 莆田"}}}),
    ("https://m.weibo.cn/api/container/getIndex?type=uid&value=7300000002&containerid=1005057300000002",
     {"ok": 1, "data": {"isVideoCoverStyle": 0, "userInfo": {"id": 7300000002, "screen_name": "球鞋小铺",
                                                             "domain": "qiuxie", "followers_count": "321",
                                                             "follow_count": 10, "statuses_count": 88,
                                                             "description": "正品保证", "verified": False},
                        "tabsInfo": {"tabs": []}}}),
])
def test_profile_answers_give_the_account(tmp_path, url, body):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(body, ensure_ascii=False))
    records = extract(page_from(path, url))
    assert [(r.kind, r.id, r.handle, r.followers, r.following, r.posts_count, r.bio, r.verified) for r in records] == [
        ("account", "7300000002", "qiuxie", 321, 10, 88, "正品保证", False)]
