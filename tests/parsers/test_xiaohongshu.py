import pytest

from crawler.errors import BlockedPage, PageChanged
from crawler.extract import extract
from tests.support import PAGES, fixture_records, one, page_from, write_page

NOTE_URL = "https://www.xiaohongshu.com/explore/65f0a1b2000000001203c4d5?xsec_token=ABxyz%3D&xsec_source=pc_feed"
VIDEO_URL = "https://www.xiaohongshu.com/discovery/item/6601c2d3000000001e00f0a1"
PROFILE_URL = "https://www.xiaohongshu.com/user/profile/5f1e2d3c000000000100abcd"


def test_image_note():
    note = one(fixture_records("xiaohongshu", "note_images.html", NOTE_URL), "post", "65f0a1b2000000001203c4d5")
    assert note.platform == "xiaohongshu" and note.extractor == "hydration"
    assert note.url == "https://www.xiaohongshu.com/explore/65f0a1b2000000001203c4d5"
    assert note.author.id == "5f1e2d3c000000000100abcd"
    assert note.author.name == "鞋柜小张 "  # trailing space kept as written
    assert note.author.handle is None  # no red id on note pages
    assert note.author.url == "https://www.xiaohongshu.com/user/profile/5f1e2d3c000000000100abcd"
    assert note.title == "周末去了新开的球鞋集合店"
    # desc as written: XHS topic markup, U+FEFF and the trailing space stay
    assert note.text == "全场 1:1 复刻，私信 wx 了解\n\ufeff#球鞋[话题]#\ufeff \ufeff#潮流穿搭[话题]#\ufeff "
    assert note.hashtags == ["球鞋", "潮流穿搭"]  # from tagList
    assert note.created_at == "2026-01-01T04:00:00Z"  # epoch milliseconds
    assert note.media_type == "images" and note.image_count == 3 and note.duration_s is None
    assert note.location == "广东"
    m = note.metrics
    assert (m.views, m.likes, m.saves, m.comments, m.shares) == (None, 12000, 356, 0, 10)  # "1.2万", "0", "10+"


def test_video_note():
    note = one(fixture_records("xiaohongshu", "note_video.html", VIDEO_URL), "post", "6601c2d3000000001e00f0a1")
    assert note.media_type == "video" and note.duration_s == 42.0 and note.image_count is None
    assert note.title is None  # empty title is unknown, not ""
    assert note.location is None  # `undefined` in the literal
    assert note.hashtags == ["新品"]  # no tagList: the closed "#tag[话题]#" markup of desc
    assert note.created_at == "2024-03-25T18:30:00Z"
    assert (note.metrics.likes, note.metrics.saves, note.metrics.comments, note.metrics.shares) == (88, 9, 3, 2)


def test_video_duration_from_stream_when_capa_missing(tmp_path):
    text = (PAGES / "xiaohongshu" / "note_video.html").read_text(encoding="utf-8").replace('"capa":{"duration":42},', "")
    note = extract(page_from(write_page(tmp_path, text), VIDEO_URL))[0]
    assert note.duration_s == 41.96  # stream duration is in milliseconds


def test_profile():
    acc = one(fixture_records("xiaohongshu", "profile.html", PROFILE_URL), "account", "5f1e2d3c000000000100abcd")
    assert acc.url == PROFILE_URL and acc.extractor == "hydration"
    assert acc.handle == "95012345" and acc.name == "鞋柜小张 "
    assert acc.bio == "球鞋 | 潮玩\n合作请私信  "
    assert (acc.followers, acc.following, acc.likes_total) == (34000, 12, 100000)
    assert acc.posts_count is None and acc.verified is None
    assert acc.region == "广东"


def test_note_url_serving_another_note_gives_the_page_note_not_the_url_id(tmp_path):
    text = (PAGES / "xiaohongshu" / "note_images.html").read_text(encoding="utf-8")
    other = "https://www.xiaohongshu.com/explore/aaaaaaaaaaaaaaaaaaaaaaaa"
    records = extract(page_from(write_page(tmp_path, text), other))
    assert [(r.kind, r.id) for r in records] == [("post", "65f0a1b2000000001203c4d5")]
    assert records[0].title == "周末去了新开的球鞋集合店"


def test_missing_state_is_page_changed(tmp_path):
    path = write_page(tmp_path, "<html><head><title>小红书</title></head><body><div id=app></div></body></html>")
    with pytest.raises(PageChanged, match="__INITIAL_STATE__ not found"):
        extract(page_from(path, NOTE_URL))


def test_empty_note_map_is_page_changed(tmp_path):
    path = write_page(tmp_path, '<script>window.__INITIAL_STATE__={"note":{"noteDetailMap":{},'
                            '"serverRequestInfo":{"state":"fail","errorCode":-510001,"errMsg":"笔记不存在"}}}</script>')
    with pytest.raises(PageChanged, match="笔记不存在"):
        extract(page_from(path, NOTE_URL))


def test_wrong_types_in_the_note_do_not_crash(tmp_path):
    text = (PAGES / "xiaohongshu" / "note_images.html").read_text(encoding="utf-8")
    text = text.replace('"interactInfo":{', '"interactInfo":{"x":1},"_old":{').replace('"imageList":[', '"imageList":"x","_l":[')
    text = text.replace('"user":{"userId"', '"user":"nobody","_u":{"userId"').replace('"time":1767240000000', '"time":"soon"')
    note = extract(page_from(write_page(tmp_path, text), NOTE_URL))[0]
    assert note.metrics.likes is None and note.image_count is None and note.author.id is None
    assert note.created_at is None and note.media_type == "text"


def test_profile_without_basic_info_is_page_changed(tmp_path):
    path = write_page(tmp_path, '<script>window.__INITIAL_STATE__={"user":{"userPageData":{}}}</script>')
    with pytest.raises(PageChanged, match="basicInfo"):
        extract(page_from(path, PROFILE_URL))


def test_captcha_redirect_is_blocked(tmp_path):
    path = write_page(tmp_path, "<html><head><title>小红书</title></head><body><div id=app></div></body></html>")
    url = "https://www.xiaohongshu.com/website-login/captcha?redirectPath=https%3A%2F%2Fwww.xiaohongshu.com%2Fexplore%2F65f0a1b2000000001203c4d5"
    with pytest.raises(BlockedPage) as err:
        extract(page_from(path, url), "xiaohongshu")
    assert err.value.reason == "captcha"


def test_saved_note_without_url_is_sniffed():
    records = extract(page_from(PAGES / "xiaohongshu" / "note_images.html", ""))
    assert [r.id for r in records] == ["65f0a1b2000000001203c4d5"]


# ---- note cards: profile state and the web API ----

SEARCH_API_URL = "https://edith.xiaohongshu.com/api/sns/web/v1/search/notes"
USER_POSTED_URL = ("https://edith.xiaohongshu.com/api/sns/web/v1/user_posted?num=30&cursor=65f0a1b2000000001203c4d5"
                   "&user_id=5f1e2d3c000000000100abcd&image_formats=jpg,webp,avif")
PLAIN_URL = "https://www.xiaohongshu.com/explore/6612cc03000000001c04d5e6?xsec_token=ABpost2%3D&xsec_source=pc_user"


def test_profile_state_note_cards_are_posts():
    records = fixture_records("xiaohongshu", "profile.html", PROFILE_URL)
    assert [(r.kind, r.id) for r in records] == [("account", "5f1e2d3c000000000100abcd"),
                                                 ("post", "65f0a1b2000000001203c4d5")]
    card = records[1]
    assert card.extractor == "hydration" and card.title == "周末去了新开的球鞋集合店" and card.text is None
    # the card's link keeps its xsec_token: XHS refuses the note page without it
    assert card.url == ("https://www.xiaohongshu.com/explore/65f0a1b2000000001203c4d5"
                        "?xsec_token=ABprof1%3D&xsec_source=pc_user")
    assert card.author.id == "5f1e2d3c000000000100abcd" and card.author.name == "鞋柜小张 "
    assert card.metrics.likes == 12000 and card.metrics.comments is None and card.created_at is None


def test_search_api_cards():
    records = fixture_records("xiaohongshu", "search_notes.json", SEARCH_API_URL)
    # the "hot_query" suggestion shelf is not a note; the repeated card is dropped
    assert [r.id for r in records] == ["65f0a1b2000000001203c4d5", "6601c2d3000000001e00f0a1"]
    first, video = records
    assert first.extractor == "api" and first.query is None
    assert first.url == ("https://www.xiaohongshu.com/explore/65f0a1b2000000001203c4d5"
                         "?xsec_token=ABsrch1%3D&xsec_source=pc_search")
    assert first.media_type == "images" and first.image_count == 3
    m = first.metrics
    assert (m.views, m.likes, m.saves, m.comments, m.shares) == (None, 12000, 356, 0, 10)
    assert first.created_at is None  # "3天前" is relative: unknown
    assert video.media_type == "video" and video.image_count is None and video.title is None  # "" title
    assert video.author.id == "60aa11bb0000000001002233" and video.author.name == "开箱君"
    assert video.author.url == "https://www.xiaohongshu.com/user/profile/60aa11bb0000000001002233"


def test_user_posted_api_cards():
    post = one(fixture_records("xiaohongshu", "user_posted.json", USER_POSTED_URL), "post", "6612cc03000000001c04d5e6")
    assert post.extractor == "api" and post.title == "鞋盒收纳分享 "
    assert post.url.endswith("?xsec_token=ABpost2%3D&xsec_source=pc_user")
    assert post.metrics.likes == 1000 and post.metrics.saves is None and post.media_type == "images"


def test_plain_note_page():
    note = one(fixture_records("xiaohongshu", "note_plain.html", PLAIN_URL), "post", "6612cc03000000001c04d5e6")
    assert note.url == "https://www.xiaohongshu.com/explore/6612cc03000000001c04d5e6"
    assert note.text == "30 个鞋盒怎么放 #收纳[话题]#" and note.hashtags == ["收纳"]
    assert note.image_count == 2 and note.created_at == "2024-04-01T19:33:20Z"
    assert (note.metrics.likes, note.metrics.saves, note.metrics.comments) == (1000, 412, 37)


@pytest.mark.parametrize("code,reason", [(300012, "ip_blocked"), (461, "captcha"), (-100, "login_wall")])
def test_api_refusal_is_a_block(tmp_path, code, reason):
    path = write_page(tmp_path, '{"code":%d,"success":false,"msg":"访问频次异常","data":{}}' % code, "a.json")
    with pytest.raises(BlockedPage) as err:
        extract(page_from(path, SEARCH_API_URL), "xiaohongshu")
    assert err.value.reason == reason


@pytest.mark.parametrize("body,match", [
    ('{"code":0,"success":true,"data":{"has_more":false}}', "data.items"),
    ('{"code":-1,"success":false,"msg":"系统错误"}', "no data object"),
    ('[1, 2]', "not an object"),
])
def test_search_api_without_items_is_page_changed(tmp_path, body, match):
    with pytest.raises(PageChanged, match=match):
        extract(page_from(write_page(tmp_path, body, "a.json"), SEARCH_API_URL))


def test_search_api_bad_items_are_skipped(tmp_path):
    body = ('{"code":0,"data":{"items":[1,"x",{"id":"aa","note_card":"x"},{"note_card":{"type":"normal"}},'
            '{"id":"6620aaaa000000001203c4d5","note_card":{"type":"normal","user":"x","interact_info":[]}}]}}')
    records = extract(page_from(write_page(tmp_path, body, "a.json"), SEARCH_API_URL))
    assert [r.id for r in records] == ["6620aaaa000000001203c4d5"]
    assert records[0].author.id is None and records[0].metrics.likes is None
    assert records[0].url == "https://www.xiaohongshu.com/explore/6620aaaa000000001203c4d5"  # no token: bare URL


def test_user_posted_without_notes_is_page_changed(tmp_path):
    with pytest.raises(PageChanged, match="data.notes"):
        extract(page_from(write_page(tmp_path, '{"code":0,"data":{"cursor":""}}', "a.json"), USER_POSTED_URL))


# ---- API shapes and state layouts read by content (issue 10) ----

FEED_API_URL = "https://edith.xiaohongshu.com/api/sns/web/v1/feed"
SEARCH_PAGE_URL = "https://www.xiaohongshu.com/search_result?keyword=%E9%98%B2%E6%99%92&source=web_explore_feed"


def test_feed_api_note_card_is_a_whole_note():
    note = one(fixture_records("xiaohongshu", "api_feed.json", FEED_API_URL), "post", "6650aa00000000001e03b1c2")
    assert note.extractor == "api" and note.partial is False
    assert note.title == "平价替代到底香不香" and note.text == "实测三款替代品\n#平替[话题]# #护肤[话题]#"
    assert note.hashtags == ["平替", "护肤"] and note.location == "上海"
    assert note.created_at == "2024-05-18T02:40:00Z" and note.media_type == "images" and note.image_count == 2
    assert note.author.id == "60ff00aa000000000101cdef" and note.author.name == "测评小鹿"
    m = note.metrics
    assert (m.views, m.likes, m.saves, m.comments, m.shares) == (None, 23000, 5012, 318, 77)  # "2.3万"


def test_api_answers_without_their_url_are_recognised():
    for name, first in (("api_feed.json", "6650aa00000000001e03b1c2"), ("search_notes.json", "65f0a1b2000000001203c4d5"),
                        ("user_posted.json", "6612cc03000000001c04d5e6")):
        records = extract(page_from(PAGES / "xiaohongshu" / name, "https://capture.example/%s" % name))
        assert records[0].id == first and {r.platform for r in records} == {"xiaohongshu"}


def test_non_zero_code_with_data_is_read(tmp_path):
    text = (PAGES / "xiaohongshu" / "search_notes.json").read_text(encoding="utf-8")
    text = text.replace('"code":0,"success":true', '"code":300012,"success":false', 1)
    assert '"code":300012' in text
    records = extract(page_from(write_page(tmp_path, text, "a.json"), SEARCH_API_URL))
    assert [r.id for r in records] == ["65f0a1b2000000001203c4d5", "6601c2d3000000001e00f0a1"]


def test_note_gone_code_without_data_is_explained(tmp_path):
    path = write_page(tmp_path, '{"code":-510000,"success":false,"msg":"笔记不存在","data":{}}', "a.json")
    with pytest.raises(PageChanged, match="-510000.*笔记不存在"):
        extract(page_from(path, FEED_API_URL))


def test_search_page_state_feeds_cards():
    records = fixture_records("xiaohongshu", "search_page_state.html", SEARCH_PAGE_URL)
    assert [r.id for r in records] == ["6660bb00000000001203d4e5", "6660bb00000000001203d4e6"]  # hot_query skipped
    first, second = records
    assert first.partial is True and first.text is None and first.media_type == "video"
    assert first.title == "防晒喷雾对比" and first.metrics.likes == 999  # "999+"
    assert first.url.endswith("6660bb00000000001203d4e5?xsec_token=ABsp1%3D&xsec_source=pc_search")
    assert second.title is None and second.author.name == "小林"  # `undefined` title is unknown


def test_profile_id_comes_from_the_page_data_not_the_url(tmp_path):
    text = (PAGES / "xiaohongshu" / "profile.html").read_text(encoding="utf-8")
    other = "https://www.xiaohongshu.com/user/profile/bbbbbbbbbbbbbbbbbbbbbbbb"
    records = extract(page_from(write_page(tmp_path, text), other))
    assert "bbbbbbbbbbbbbbbbbbbbbbbb" not in {r.id for r in records}
    assert one(records, "account").id == "5f1e2d3c000000000100abcd"
