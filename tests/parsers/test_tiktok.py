import json
import re

import pytest

from crawler.errors import BlockedPage, NoParser, PageChanged
from crawler.extract import extract
from crawler.registry import all_parsers
from tests.support import PAGES, by_kind, fixture_records, one, page_from

TT = PAGES / "tiktok"
URLS = json.loads((TT / "urls.json").read_text(encoding="utf-8"))
VIDEO_URL = URLS["video_page.html"]
REFLOW_URL = URLS["reflow_photo.html"]
LIVE_URL = URLS["live_room.html"]
PROFILE_URL = URLS["profile.html"]
OEMBED_URL = URLS["oembed.json"]
POST_LIST_URL = URLS["post_item_list.json"]
GENERAL_URL = URLS["search_general.json"]
ITEMS_URL = URLS["search_item.json"]
USERS_URL = URLS["search_user.json"]
API_FIXTURES = ("post_item_list.json", "search_general.json", "search_item.json", "search_user.json")


def _records(name: str) -> list:
    return fixture_records("tiktok", name, URLS[name])


def _rewritten(tmp_path, name: str, old: str, new: str, count: int = 1):
    """A copy of fixture ``name`` with ``old`` replaced by ``new`` (must occur)."""
    text = (TT / name).read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def test_video_page_gives_the_post_and_its_author():
    records = _records("video_page.html")
    assert [r.kind for r in records] == ["post", "account"]
    post = one(records, "post", "7400000000000000001")
    assert post.url == "https://www.tiktok.com/@glowshop.demo/video/7400000000000000001"  # seo.abtest.canonical
    assert post.extractor == "hydration" and post.platform == "tiktok"
    assert post.author.id == "6900000000000000001" and post.author.handle == "glowshop.demo"
    assert post.author.name == "Glow Shop Demo" and post.author.url == "https://www.tiktok.com/@glowshop.demo"
    assert post.text == "Unboxing the new serum 🧴 #skincare #GlowUp "  # trailing space kept
    assert post.title is None
    assert post.hashtags == ["skincare", "GlowUp"]  # as written in the caption
    assert post.created_at == "2025-01-01T12:00:00Z"  # createTime is a string of epoch seconds
    assert post.media_type == "video" and post.duration_s == 31 and post.image_count is None
    m = post.metrics
    assert (m.views, m.likes, m.comments, m.shares, m.saves) == (250000, 12500, 87, 340, 1203)  # collectCount "1203"
    assert post.music.title == "original sound" and post.music.author == "Glow Shop Demo"
    assert post.location == "US"
    account = one(records, "account", "6900000000000000001")
    assert account.handle == "glowshop.demo" and account.url == "https://www.tiktok.com/@glowshop.demo"
    assert account.bio == "Skincare finds daily ✨\nDM for collabs"
    assert (account.followers, account.following, account.likes_total, account.posts_count) == (48200, 150, 910000, 233)
    assert account.verified is True and account.region is None and account.links == []


def test_reflow_photo_post():
    records = _records("reflow_photo.html")
    post = one(records, "post", "7500000000000000002")
    # the page's canonical has an empty handle ("/@/video/<id>"): the URL is built from the author instead
    assert post.url == "https://www.tiktok.com/@bepnhaminh/photo/7500000000000000002"
    assert post.media_type == "images" and post.image_count == 3
    assert post.duration_s is None  # video.duration 0 on a photo post means no video
    assert post.title is None  # imagePost.title is ""
    assert post.text == "Ba món canh dễ nấu #nauan #comnha "
    assert post.hashtags == ["nauan", "comnha"]
    assert post.created_at == "2025-02-19T21:20:00Z"
    m = post.metrics
    assert (m.views, m.likes, m.comments, m.shares, m.saves) == (61000, 4100, 35, 220, 990)
    assert post.music.title == "Chill Lofi" and post.music.author == "Lofi Studio"
    assert post.author.name == "Bếp Nhà Minh 🍲"
    account = one(records, "account", "7300000000000000002")
    assert (account.followers, account.following, account.likes_total, account.posts_count) == (5300, 12, 88000, 61)
    assert account.verified is False


def test_video_page_url_with_a_reflow_scope_is_still_read(tmp_path):
    # a /photo/ URL may be answered with the share page's scope: the video parser reads either
    records = extract(page_from(TT / "reflow_photo.html", "https://www.tiktok.com/@bepnhaminh/photo/7500000000000000002"))
    assert one(records, "post").image_count == 3


def test_live_room():
    records = _records("live_room.html")
    live = one(records, "live", "7550000000000000003")
    assert live.url == "https://www.tiktok.com/@antik.pazar/live"
    assert live.host.id == "7100000000000000003" and live.host.handle == "antik.pazar"
    assert live.host.name == "Antik Pazar"
    assert live.status == "live"  # liveRoom.status 2
    assert live.title is None  # "" is unknown, not a title
    assert live.started_at == "2025-06-15T15:06:40Z"
    assert live.viewers == 42 and live.total_viewers == 1300 and live.likes is None
    account = one(records, "account", "7100000000000000003")
    assert account.followers == 9150 and account.following == 210
    assert account.likes_total is None and account.posts_count is None  # not on the LIVE page
    assert account.bio == "Canlı satış her akşam"


def test_live_page_of_a_host_off_air_gives_only_the_account(tmp_path):
    path = _rewritten(tmp_path, "live_room.html", '"roomId": "7550000000000000003"', '"roomId": ""')
    text = path.read_text(encoding="utf-8")
    text = re.sub(r', "liveRoom": \{.*?"userCount": 42\}\}', "", text)
    path.write_text(text, encoding="utf-8")
    records = extract(page_from(path, LIVE_URL))
    assert [r.kind for r in records] == ["account"]


def test_ended_live_room(tmp_path):
    path = _rewritten(tmp_path, "live_room.html", '"startTime": 1750000000, "status": 2', '"startTime": 1750000000, "status": 4')
    assert one(extract(page_from(path, LIVE_URL)), "live").status == "ended"


def test_profile_gives_the_account_and_its_grid_tiles():
    records = _records("profile.html")
    account = one(records, "account", "6800000000000000004")
    assert account.url == "https://www.tiktok.com/@sneaker.vault"
    assert account.handle == "sneaker.vault" and account.name == "Sneaker Vault"
    assert account.bio == "Rare kicks 👟\nOrders via link below"
    assert (account.followers, account.following, account.likes_total, account.posts_count) == (12700, 31, 402000, 118)
    assert account.verified is False and account.region == "GB"
    assert account.links == ["https://linktr.ee/sneakervault.demo"]
    posts = by_kind(records, "post")
    # repeated tiles once; the suggested post of another account is not this account's
    assert [p.id for p in posts] == ["7410000000000000011", "7410000000000000012"]
    video, photo = posts
    assert video.extractor == "dom" and video.metrics.views == 1200000
    assert video.metrics.likes is None and video.metrics.comments is None and video.text is None
    assert video.author.id == "6800000000000000004" and video.author.handle == "sneaker.vault"
    assert video.url == "https://www.tiktok.com/@sneaker.vault/video/7410000000000000011"
    assert photo.media_type == "images" and photo.metrics.views == 3456
    assert photo.url == "https://www.tiktok.com/@sneaker.vault/photo/7410000000000000012"  # query dropped


def test_oembed_gives_a_caption_only_post():
    post = one(_records("oembed.json"), "post", "7420000000000000005")
    assert post.extractor == "api"
    assert post.url == "https://www.tiktok.com/@deals.daily/video/7420000000000000005"
    assert post.author.id is None  # oEmbed has no numeric user id
    assert post.author.handle == "deals.daily" and post.author.name == "Daily Deals, Ana"
    assert post.title is None and post.text == "Best budget earbuds this month #deals #earbuds "
    assert post.hashtags == ["deals", "earbuds"]
    assert post.created_at is None and post.duration_s is None
    m = post.metrics
    assert (m.views, m.likes, m.comments, m.shares, m.saves) == (None, None, None, None, None)  # not 0


def test_oembed_error_answer_is_reported(tmp_path):
    bad = tmp_path / "err.json"
    bad.write_text(json.dumps({"code": 400, "message": "Something went wrong", "status_msg": "Something went wrong"}))
    with pytest.raises(PageChanged, match="Something went wrong"):
        extract(page_from(bad, OEMBED_URL))


def test_pages_without_url_are_recognised_by_content():
    kinds = {name: [r.kind for r in extract(page_from(TT / name))] for name in URLS if name not in API_FIXTURES}
    assert kinds == {
        "video_page.html": ["post", "account"],
        "reflow_photo.html": ["post", "account"],
        "live_room.html": ["live", "account"],
        "profile.html": ["account", "post", "post"],
        "oembed.json": ["post"],
        "sigi_video.html": ["account", "post"],
        "sigi_persisted_profile.html": ["account", "post", "post"],
        "api_item_detail.json": ["post", "account"],
        "api_user_detail.json": ["account"],
        "mobile_feed.json": ["post", "account", "post", "account"],
        "webcast_room_info.json": ["live"],
    }


def _without_item(tmp_path, name: str, status: str, new_status: str, item_id: str):
    """A copy of ``name`` with its status replaced and its item's id emptied (no data left)."""
    text = (TT / name).read_text(encoding="utf-8")
    assert status in text and (not item_id or item_id in text)
    text = text.replace(status, new_status, 1)
    if item_id:
        text = text.replace('"id": "%s"' % item_id, '"id": ""', 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("code", [10222, 10204, 10216, 10000, 12345])
def test_error_status_with_data_is_still_read(tmp_path, code):
    path = _rewritten(tmp_path, "video_page.html", '"statusCode": 0', '"statusCode": %d' % code)
    post = one(extract(page_from(path, VIDEO_URL)), "post", "7400000000000000001")
    assert post.metrics.likes == 12500


@pytest.mark.parametrize("code,meaning", [(10222, "private account"), (10204, "video does not exist"),
                                          (10216, "video private"), (12345, "unknown status")])
def test_error_status_without_data_names_the_code(tmp_path, code, meaning):
    path = _without_item(tmp_path, "video_page.html", '"statusCode": 0', '"statusCode": %d' % code, "7400000000000000001")
    with pytest.raises(PageChanged, match=r"statusCode %d \(%s" % (code, meaning)):
        extract(page_from(path, VIDEO_URL))


def test_error_status_on_reflow_and_profile(tmp_path):
    path = _without_item(tmp_path, "reflow_photo.html", '"statusCode": 0, "statusMessage": ""',
                         '"statusCode": 10204, "statusMessage": "item not found"', "7500000000000000002")
    with pytest.raises(PageChanged, match="10204.*item not found"):
        extract(page_from(path, REFLOW_URL))
    # a private account (10222) whose userInfo is still served: the account is read
    path = _rewritten(tmp_path, "profile.html", '"statusCode": 0', '"statusCode": 10222')
    assert one(extract(page_from(path, PROFILE_URL)), "account").followers == 12700
    path.write_text(path.read_text(encoding="utf-8").replace('"uniqueId": "sneaker.vault"', '"uniqueName": "x"'),
                    encoding="utf-8")
    with pytest.raises(PageChanged, match="10222 \\(private account"):
        extract(page_from(path, PROFILE_URL))


@pytest.mark.parametrize("code,reason", [(10000, "captcha"), (10113, "captcha"), (10102, "login_wall")])
def test_verification_status_without_data_is_a_block(tmp_path, code, reason):
    path = _without_item(tmp_path, "video_page.html", '"statusCode": 0', '"statusCode": %d' % code, "7400000000000000001")
    with pytest.raises(BlockedPage) as info:
        extract(page_from(path, VIDEO_URL))
    assert info.value.reason == reason


@pytest.mark.parametrize("url", [VIDEO_URL, REFLOW_URL, PROFILE_URL, LIVE_URL])
def test_waf_challenge_page_is_blocked(url):
    with pytest.raises(BlockedPage) as info:
        extract(page_from(TT / "waf_challenge.html", url))
    assert info.value.reason == "verification"


def test_hidden_play_count_is_null_but_a_real_zero_stays(tmp_path):
    path = _rewritten(tmp_path, "video_page.html", '"playCount": 250000', '"playCount": 0')
    path.write_text(path.read_text(encoding="utf-8").replace('"playCount": "250000"', '"playCount": "0"'), encoding="utf-8")
    assert one(extract(page_from(path, VIDEO_URL)), "post").metrics.views is None  # 0 plays yet 12500 likes: hidden
    text = path.read_text(encoding="utf-8")
    for key, value in (("diggCount", "12500"), ("commentCount", "87"), ("shareCount", "340")):
        text = text.replace('"%s": %s' % (key, value), '"%s": 0' % key).replace('"%s": "%s"' % (key, value), '"%s": "0"' % key)
    path.write_text(text, encoding="utf-8")
    assert one(extract(page_from(path, VIDEO_URL)), "post").metrics.views == 0  # a new post, really unseen


def test_missing_state_script_is_page_changed(tmp_path):
    bare = tmp_path / "bare.html"
    bare.write_text("<html><head><title>TikTok</title></head><body><div id='app'></div></body></html>")
    for url in (VIDEO_URL, REFLOW_URL, PROFILE_URL):
        with pytest.raises(PageChanged, match="__UNIVERSAL_DATA_FOR_REHYDRATION__"):
            extract(page_from(bare, url))
    with pytest.raises(PageChanged, match="SIGI_STATE"):
        extract(page_from(bare, LIVE_URL))


def test_missing_item_or_user_is_page_changed(tmp_path):
    # the item is found by its shape, under whatever key
    path = _rewritten(tmp_path, "video_page.html", '"itemStruct"', '"itemStructure"')
    assert one(extract(page_from(path, VIDEO_URL)), "post").id == "7400000000000000001"
    path = _rewritten(tmp_path, "video_page.html", '"createTime"', '"createdOn"')
    with pytest.raises(PageChanged, match="itemInfo.itemStruct"):
        extract(page_from(path, VIDEO_URL))
    path = _rewritten(tmp_path, "profile.html", '"webapp.user-detail"', '"webapp.user-detail-v2"')
    assert one(extract(page_from(path, PROFILE_URL)), "account").handle == "sneaker.vault"  # found by shape
    path = _rewritten(tmp_path, "profile.html", '"userInfo"', '"userSummary"')
    path.write_text(path.read_text(encoding="utf-8").replace('"stats"', '"counts"'), encoding="utf-8")
    with pytest.raises(PageChanged, match="userInfo"):
        extract(page_from(path, PROFILE_URL))
    path = _rewritten(tmp_path, "live_room.html", '"liveRoomUserInfo"', '"roomUser"')
    with pytest.raises(PageChanged, match="liveRoomUserInfo.user not found"):
        extract(page_from(path, LIVE_URL))


def test_wrong_types_in_the_item_never_crash(tmp_path):
    path = _rewritten(tmp_path, "video_page.html", '"duration": 31', '"duration": "long"')
    path.write_text(path.read_text(encoding="utf-8").replace('"stats": {', '"stats": ["x"], "old": {')
                    .replace('"author": {', '"author": "someone", "x": {', 1), encoding="utf-8")
    post = one(extract(page_from(path, VIDEO_URL)), "post")
    assert post.duration_s is None and post.author.id is None
    assert post.metrics.likes == 12500  # still read from statsV2
    assert post.url == "https://www.tiktok.com/@glowshop.demo/video/7400000000000000001"  # canonical


def test_url_patterns():
    tiktok = [p for p in all_parsers() if p.platform == "tiktok"]

    def names(url):
        # the first URL match; the generic API parser matches every /api/ path after the specific ones
        return [p.page_type for p in tiktok if p.matches_url(url)][:1]

    assert names("https://www.tiktok.com/@a.b/video/7400000000000000001?is_from_webapp=1") == ["video"]
    assert names("https://www.tiktok.com/@a.b/photo/7400000000000000001") == ["video"]
    assert names("https://m.tiktok.com/v/7400000000000000001.html") == ["reflow"]
    assert names("https://www.tiktok.com/@a.b/live") == ["live"]
    assert names("https://www.tiktok.com/@a.b") == ["profile"]
    assert names("https://www.tiktok.com/@a.b?lang=en") == ["profile"]
    assert names("https://www.tiktok.com/oembed?url=https://www.tiktok.com/@a/video/1") == ["oembed"]
    assert names("https://www.tiktok.com/api/post/item_list/?aid=1988&secUid=x&cursor=0") == ["post_list"]
    assert names("https://www.tiktok.com/api/search/general/full/?keyword=a") == ["search_general"]
    assert names("https://www.tiktok.com/api/search/item/full/?keyword=a") == ["search_items"]
    assert names("https://www.tiktok.com/api/search/user/full/?keyword=a") == ["search_users"]
    assert names("https://www.tiktok.com/api/item/detail/?itemId=1") == ["api"]
    assert names("https://api16-normal-c-useast1a.tiktokv.com/aweme/v1/feed/?count=6") == ["mobile_api"]
    assert names("https://www.tiktok.com/search?q=a") == []  # the search page itself holds no results
    # TikTok Shop pages belong to the tiktok_shop parsers
    assert names("https://www.tiktok.com/shop/pdp/some-product-slug/1729000000000000000?source=x") == []
    assert names("https://shop.tiktok.com/view/product/1729000000000000000") == []


# ---- web API answers (what the spider captures on profile and search pages) ----

def test_post_item_list_gives_full_posts_and_their_author():
    records = _records("post_item_list.json")
    assert [(r.kind, r.id) for r in records] == [
        ("post", "7410000000000000013"), ("account", "6800000000000000004"), ("post", "7410000000000000014")]
    video = one(records, "post", "7410000000000000013")
    assert video.extractor == "api" and video.source_url == POST_LIST_URL
    assert video.url == "https://www.tiktok.com/@sneaker.vault/video/7410000000000000013"
    assert video.text == "Restock drop this Friday 🔥 #sneakers #restock " and video.hashtags == ["sneakers", "restock"]
    assert video.created_at == "2024-12-12T10:40:00Z"  # createTime as a number here
    assert video.duration_s == 18 and video.media_type == "video" and video.location == "GB"
    m = video.metrics
    assert (m.views, m.likes, m.comments, m.shares, m.saves) == (98000, 5400, 310, 120, 640)
    assert video.music.title == "original sound" and video.music.author == "Sneaker Vault"
    photo = one(records, "post", "7410000000000000014")
    assert photo.media_type == "images" and photo.image_count == 4 and photo.duration_s is None
    assert photo.url == "https://www.tiktok.com/@sneaker.vault/photo/7410000000000000014"
    assert photo.music.title == "Night Drive" and photo.music.author == "Synth Demo"
    account = one(records, "account", "6800000000000000004")
    assert account.extractor == "api" and account.handle == "sneaker.vault"
    assert (account.followers, account.following, account.likes_total, account.posts_count) == (12700, 31, 402000, 118)


def test_search_general_gives_posts_and_the_accounts_card():
    records = _records("search_general.json")
    assert [(r.kind, r.id) for r in records] == [
        ("post", "7430000000000000021"), ("account", "6900000000000000001"),
        ("account", "7000000000000000031"), ("post", "7430000000000000022")]
    top = one(records, "post", "7430000000000000021")
    assert top.url == "https://www.tiktok.com/@glowshop.demo/video/7430000000000000021"
    assert top.text == "Glow serum vs the dupe: 7 days later #glowserum #skincare "
    assert top.created_at == "2025-01-03T10:26:40Z" and top.duration_s == 47
    m = top.metrics
    assert (m.views, m.likes, m.comments, m.shares, m.saves) == (640000, 22100, 455, 810, 3900)
    assert one(records, "account", "6900000000000000001").verified is True  # author{verified}
    # the user card: snake_case user_info; what it does not carry stays unknown
    card = one(records, "account", "7000000000000000031")
    assert card.extractor == "api" and card.url == "https://www.tiktok.com/@serum.dupes"
    assert card.handle == "serum.dupes" and card.name == "Serum Dupes" and card.bio == "Cheaper twins of cult products"
    assert (card.followers, card.likes_total) == (3300, 51000)
    assert card.following is None and card.posts_count is None and card.verified is None
    # an author without authorStats gives no account of its own (the card above is the only one)
    other = one(records, "post", "7430000000000000022")
    assert other.author.handle == "serum.dupes" and other.author.id == "7000000000000000031"


def test_search_items():
    records = _records("search_item.json")
    post = one(records, "post", "7430000000000000023")
    assert post.url == "https://www.tiktok.com/@kbeauty.haul/photo/7430000000000000023"
    assert post.media_type == "images" and post.image_count == 2 and post.location == "KR"
    assert post.author.name == "K-Beauty Haul 🇰🇷"
    assert one(records, "account", "7000000000000000032").followers == 880


def test_search_users():
    records = _records("search_user.json")
    assert [r.id for r in records] == ["6900000000000000001", "7000000000000000033"]
    shop, lookalike = records
    assert shop.kind == "account" and shop.handle == "glowshop.demo" and shop.bio == "Skincare finds daily ✨\nDM for collabs"
    assert (shop.followers, shop.likes_total) == (48200, 910000)
    assert lookalike.handle == "glowserum.offical" and lookalike.name == "glow serum official?"
    assert lookalike.bio is None  # "" is unknown
    assert lookalike.followers == 12 and lookalike.likes_total == 0  # a real zero stays 0


@pytest.mark.parametrize("name", ["post_item_list.json", "search_general.json", "search_item.json",
                                  "search_user.json"])
def test_api_answers_are_recognised_without_their_url(name):
    with_url = [(r.kind, r.id) for r in _records(name)]
    for url in ("", "https://proxy.example/capture/1.json"):
        records = extract(page_from(TT / name, url))
        assert [(r.kind, r.id) for r in records] == with_url and all(r.platform == "tiktok" for r in records)


def test_api_error_status_is_page_changed_or_a_block(tmp_path):
    bad = tmp_path / "err.json"
    bad.write_text(json.dumps({"statusCode": 10201, "status_code": 10201, "status_msg": "user not found"}))
    with pytest.raises(PageChanged, match="10201.*user not found"):
        extract(page_from(bad, POST_LIST_URL))
    bad.write_text(json.dumps({"status_code": 10000, "status_msg": "", "data": []}))
    with pytest.raises(BlockedPage) as info:
        extract(page_from(bad, GENERAL_URL))
    assert info.value.reason == "captcha"


def test_api_empty_and_malformed_answers(tmp_path):
    bad = tmp_path / "answer.json"
    # an account without posts: no itemList, hasMore false: no record, no error
    bad.write_text(json.dumps({"cursor": "0", "hasMore": False, "statusCode": 0, "status_code": 0}))
    assert extract(page_from(bad, POST_LIST_URL)) == []
    bad.write_text(json.dumps({"statusCode": 0, "something": []}))
    with pytest.raises(PageChanged, match="itemList not found"):
        extract(page_from(bad, POST_LIST_URL))
    bad.write_text(json.dumps({"status_code": 0, "item_list": {"0": {}}, "has_more": 0}))
    with pytest.raises(PageChanged, match="item_list is not a list"):
        extract(page_from(bad, ITEMS_URL))
    bad.write_text(json.dumps([1, 2]))
    with pytest.raises(PageChanged, match="not a JSON object"):
        extract(page_from(bad, USERS_URL))
    bad.write_text("{\"status_code\": 0, \"data\": [")
    with pytest.raises(PageChanged, match="expected a JSON response"):
        extract(page_from(bad, GENERAL_URL))


def test_api_items_without_ids_or_of_wrong_types_are_skipped(tmp_path):
    data = json.loads((TT / "search_general.json").read_text(encoding="utf-8"))
    data["data"][0]["item"]["id"] = "not-an-id"
    data["data"][1]["user_list"][0]["user_info"] = "someone"
    data["data"].append("junk")
    path = tmp_path / "general.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert [(r.kind, r.id) for r in extract(page_from(path, GENERAL_URL))] == [("post", "7430000000000000022")]


# ---- layouts and API shapes read by content (issue 10) ----

def test_legacy_sigi_state_item_module_with_its_user_module():
    records = _records("sigi_video.html")
    post = one(records, "post", "7150000000000000101")
    assert post.extractor == "hydration" and post.url == "https://www.tiktok.com/@retro.finds/video/7150000000000000101"
    # ItemModule's author is a handle: the user comes from UserModule.users
    assert (post.author.id, post.author.handle, post.author.name) == ("6750000000000000101", "retro.finds", "Retro Finds")
    assert post.text == "Old layout haul #haul #vintage " and post.hashtags == ["haul", "vintage"]
    assert post.created_at == "2022-10-05T20:00:00Z" and post.duration_s == 24 and post.location == "DE"
    m = post.metrics
    assert (m.views, m.likes, m.comments, m.shares, m.saves) == (52000, 3100, 61, 45, None)
    account = one(records, "account", "6750000000000000101")
    assert (account.followers, account.following, account.likes_total, account.posts_count) == (8800, 42, 190000, 77)
    assert account.bio == "Second-hand gems" and account.verified is False


def test_sigi_persisted_data_js_literal_profile():
    records = _records("sigi_persisted_profile.html")
    assert [(r.kind, r.id) for r in records] == [
        ("account", "6750000000000000101"), ("post", "7150000000000000102"), ("post", "7150000000000000103")]
    account = records[0]
    assert account.bio == "Second-hand gems\nShips EU" and account.verified is True and account.links == []
    assert records[1].text == "Flea market Sunday" and records[1].metrics.views == 15000
    assert records[2].metrics.views is None and records[2].metrics.likes == 1500  # playCount 0 beside likes: hidden


def test_api_item_detail_and_a_non_zero_status_with_data_is_read(tmp_path):
    url = URLS["api_item_detail.json"]
    post = one(_records("api_item_detail.json"), "post", "7440000000000000201")
    assert post.extractor == "api" and post.url == "https://www.tiktok.com/@dermadeals/video/7440000000000000201"
    assert (post.metrics.views, post.metrics.saves, post.duration_s) == (9100, 80, 15)
    path = _rewritten(tmp_path, "api_item_detail.json", '"statusCode":0', '"statusCode":10204')
    assert one(extract(page_from(path, url)), "post").id == "7440000000000000201"


def test_api_user_detail_of_a_private_account_is_read_despite_its_status(tmp_path):
    url = URLS["api_user_detail.json"]
    account = one(_records("api_user_detail.json"), "account", "6900000000000000202")
    assert account.handle == "private.closet" and (account.followers, account.following, account.posts_count) == (640, 80, 12)
    # without userInfo the status explains the answer
    path = _rewritten(tmp_path, "api_user_detail.json", '"userInfo"', '"userInfoGone"')
    path.write_text(path.read_text(encoding="utf-8").replace('"uniqueId"', '"handle"'), encoding="utf-8")
    with pytest.raises(PageChanged, match=r"statusCode 10222 \(private account"):
        extract(page_from(path, url))


def test_mobile_api_aweme_list():
    records = _records("mobile_feed.json")
    assert [(r.kind, r.id) for r in records] == [
        ("post", "7460000000000000301"), ("account", "7010000000000000301"),
        ("post", "7460000000000000302"), ("account", "7010000000000000302")]
    video = records[0]
    assert video.platform == "tiktok" and video.extractor == "api"
    assert video.url == "https://www.tiktok.com/@kick.checker/video/7460000000000000301"
    assert video.author.id == "7010000000000000301" and video.author.handle == "kick.checker"
    assert video.text == "Fake sneakers vs real 👟 #legitcheck" and video.hashtags == ["legitcheck"]
    assert video.created_at == "2025-01-16T04:00:00Z" and video.duration_s == 27.8  # milliseconds
    m = video.metrics
    assert (m.views, m.likes, m.comments, m.shares, m.saves) == (48000, 2600, 140, 95, 310)
    assert records[1].followers is None  # the feed's author counts are zero-filled: unknown
    photo = records[2]
    assert photo.media_type == "images" and photo.image_count == 2 and photo.duration_s is None
    assert photo.url == "https://www.tiktok.com/@style.notes/photo/7460000000000000302"
    assert photo.metrics.views is None and photo.metrics.likes == 410


def test_mobile_api_with_an_error_status_but_data_is_read(tmp_path):
    path = _rewritten(tmp_path, "mobile_feed.json", '"status_code":0', '"status_code":8,"status_msg":"busy"')
    assert len(extract(page_from(path, URLS["mobile_feed.json"]))) == 4
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"status_code": 2190, "status_msg": "server is busy"}))
    with pytest.raises(PageChanged, match="2190.*server is busy"):
        extract(page_from(empty, URLS["mobile_feed.json"]))


def test_aweme_answers_go_to_the_platform_whose_hosts_they_link():
    tiktok = extract(page_from(TT / "mobile_feed.json", "https://capture.example/1.json"))
    assert {r.platform for r in tiktok} == {"tiktok"}
    douyin = extract(page_from(PAGES / "douyin" / "iesdouyin_iteminfo.json", "https://capture.example/2.json"))
    assert {r.platform for r in douyin} == {"douyin"}


def test_video_url_serving_a_profile_gives_the_profile_not_the_url_id():
    url = "https://www.tiktok.com/@sneaker.vault/video/7999999999999999999"
    records = extract(page_from(TT / "profile.html", url))
    assert records and "7999999999999999999" not in {r.id for r in records}
    assert one(records, "account").handle == "sneaker.vault"


def test_video_url_serving_another_video_gives_that_video():
    url = "https://www.tiktok.com/@someone.else/video/7999999999999999999"
    records = extract(page_from(TT / "video_page.html", url))
    assert [r.id for r in records if r.kind == "post"] == ["7400000000000000001"]


def test_a_meta_only_page_under_a_video_url_gives_no_record(tmp_path):
    page = tmp_path / "meta.html"
    page.write_text('<html><head><meta property="og:title" content="TikTok - Make Your Day">'
                    '<meta property="og:url" content="https://www.tiktok.com/@x/video/7999999999999999999"></head>'
                    '<body></body></html>')
    with pytest.raises((PageChanged, NoParser)):
        extract(page_from(page, "https://www.tiktok.com/@x/video/7999999999999999999"), "tiktok")


def test_webcast_room_info_api(tmp_path):
    url = URLS["webcast_room_info.json"]
    live = one(_records("webcast_room_info.json"), "live", "7470000000000000501")
    assert live.extractor == "api" and live.url == "https://www.tiktok.com/@unbox.live/live"
    assert (live.host.id, live.host.handle, live.host.name) == ("6950000000000000501", "unbox.live", "Unbox Live")
    assert live.status == "live" and live.started_at == "2025-01-27T17:46:40Z"
    assert (live.viewers, live.total_viewers, live.likes) == (312, 5120, 20400)
    assert live.title == "Live unboxing 📦 ask me anything"
    gone = tmp_path / "gone.json"
    gone.write_text(json.dumps({"data": {"message": "room not found", "prompts": ""}, "status_code": 4003110}))
    with pytest.raises(PageChanged, match="4003110: room not found"):
        extract(page_from(gone, url))
