import pytest

from crawler.errors import BlockedPage, PageChanged
from crawler.extract import extract
from tests.support import PAGES, fixture_records, one, page_from

NOTE_URL = "https://www.xiaohongshu.com/explore/65f0a1b2000000001203c4d5?xsec_token=ABxyz%3D&xsec_source=pc_feed"
VIDEO_URL = "https://www.xiaohongshu.com/discovery/item/6601c2d3000000001e00f0a1"
PROFILE_URL = "https://www.xiaohongshu.com/user/profile/5f1e2d3c000000000100abcd"


def _write(tmp_path, text, name="page.html"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


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
    note = extract(page_from(_write(tmp_path, text), VIDEO_URL))[0]
    assert note.duration_s == 41.96  # stream duration is in milliseconds


def test_profile():
    acc = one(fixture_records("xiaohongshu", "profile.html", PROFILE_URL), "account", "5f1e2d3c000000000100abcd")
    assert acc.url == PROFILE_URL and acc.extractor == "hydration"
    assert acc.handle == "95012345" and acc.name == "鞋柜小张 "
    assert acc.bio == "球鞋 | 潮玩\n合作请私信  "
    assert (acc.followers, acc.following, acc.likes_total) == (34000, 12, 100000)
    assert acc.posts_count is None and acc.verified is None
    assert acc.region == "广东"


def test_note_id_comes_from_the_url_not_the_first_entry(tmp_path):
    text = (PAGES / "xiaohongshu" / "note_images.html").read_text(encoding="utf-8")
    other = "https://www.xiaohongshu.com/explore/aaaaaaaaaaaaaaaaaaaaaaaa"
    with pytest.raises(PageChanged, match="aaaaaaaaaaaaaaaaaaaaaaaa not in note.noteDetailMap"):
        extract(page_from(_write(tmp_path, text), other))


def test_missing_state_is_page_changed(tmp_path):
    path = _write(tmp_path, "<html><head><title>小红书</title></head><body><div id=app></div></body></html>")
    with pytest.raises(PageChanged, match="__INITIAL_STATE__ not found"):
        extract(page_from(path, NOTE_URL))


def test_empty_note_map_is_page_changed(tmp_path):
    path = _write(tmp_path, '<script>window.__INITIAL_STATE__={"note":{"noteDetailMap":{},'
                            '"serverRequestInfo":{"state":"fail","errorCode":-510001,"errMsg":"笔记不存在"}}}</script>')
    with pytest.raises(PageChanged, match="笔记不存在"):
        extract(page_from(path, NOTE_URL))


def test_wrong_types_in_the_note_do_not_crash(tmp_path):
    text = (PAGES / "xiaohongshu" / "note_images.html").read_text(encoding="utf-8")
    text = text.replace('"interactInfo":{', '"interactInfo":{"x":1},"_old":{').replace('"imageList":[', '"imageList":"x","_l":[')
    text = text.replace('"user":{"userId"', '"user":"nobody","_u":{"userId"').replace('"time":1767240000000', '"time":"soon"')
    note = extract(page_from(_write(tmp_path, text), NOTE_URL))[0]
    assert note.metrics.likes is None and note.image_count is None and note.author.id is None
    assert note.created_at is None and note.media_type == "text"


def test_profile_without_basic_info_is_page_changed(tmp_path):
    path = _write(tmp_path, '<script>window.__INITIAL_STATE__={"user":{"userPageData":{}}}</script>')
    with pytest.raises(PageChanged, match="basicInfo"):
        extract(page_from(path, PROFILE_URL))


def test_captcha_redirect_is_blocked(tmp_path):
    path = _write(tmp_path, "<html><head><title>小红书</title></head><body><div id=app></div></body></html>")
    url = "https://www.xiaohongshu.com/website-login/captcha?redirectPath=https%3A%2F%2Fwww.xiaohongshu.com%2Fexplore%2F65f0a1b2000000001203c4d5"
    with pytest.raises(BlockedPage) as err:
        extract(page_from(path, url), "xiaohongshu")
    assert err.value.reason == "captcha"


def test_saved_note_without_url_is_sniffed():
    records = extract(page_from(PAGES / "xiaohongshu" / "note_images.html", ""))
    assert [r.id for r in records] == ["65f0a1b2000000001203c4d5"]
