import pytest

from crawler.errors import BlockedPage, NoParser, PageChanged
from crawler.extract import extract
from crawler.parsers.instagram import InstagramPostParser, InstagramProfileParser, _shortcode_to_pk
from tests.support import PAGES, fixture_records, one, page_from, write_page

REEL_URL = "https://www.instagram.com/tenis.mas_mx/reel/CzAbCdEfGhI/"
POST_URL = "https://www.instagram.com/p/C1xYz-ab_9Q/?img_index=1"
PROFILE_URL = "https://www.instagram.com/tenis.mas_mx/"
PROFILE_RELAY_URL = "https://www.instagram.com/bolsas_outlet/?hl=es"


def test_reel_from_meta_and_route_props():
    post = one(fixture_records("instagram", "reel_meta.html", REEL_URL), "post", "3100000000000000001")
    assert post.extractor == "meta"
    assert post.url == "https://www.instagram.com/tenis.mas_mx/reel/CzAbCdEfGhI/"
    assert post.author.id == "48120000000" and post.author.handle == "tenis.mas_mx"
    assert post.author.name == "Tenis & Más 👟"  # entity-decoded
    # the quoted caption, U+2028 and the double space kept; the closing '". ' dropped
    assert post.text == "Nuevos tenis edición limitada 🔥\u2028Envíos a todo México\n\nDM para precio  #sneakers #réplica #AAA"
    assert post.hashtags == ["sneakers", "réplica", "AAA"]
    assert post.media_type == "video" and post.image_count is None and post.duration_s is None
    assert post.metrics.likes == 2345 and post.metrics.comments == 1100  # "1.1K" is rounded by Instagram
    assert post.metrics.views is None and post.metrics.shares is None and post.metrics.saves is None
    assert post.created_at is None  # the page gives a date without time or zone
    assert post.title is None


def test_post_from_relay_media_object():
    post = one(fixture_records("instagram", "post_relay.html", POST_URL), "post", "3200000000000000002")
    assert post.extractor == "hydration"
    assert post.url == "https://www.instagram.com/p/C1xYz-ab_9Q/"
    assert post.author.id == "48120000000" and post.author.name == "Tenis & Más 👟"
    assert post.text == "Stock nuevo 👜 #bolsas #lujo  "  # trailing spaces kept
    assert post.hashtags == ["bolsas", "lujo"]
    assert post.created_at == "2026-02-25T06:13:20Z"
    assert post.media_type == "images" and post.image_count == 3  # carousel
    assert post.metrics.likes == 4821 and post.metrics.comments == 0 and post.metrics.views is None
    assert post.location == "Guadalajara, Jalisco"


def test_profile_from_meta():
    acc = one(fixture_records("instagram", "profile_meta.html", PROFILE_URL), "account", "48120000000")
    assert acc.extractor == "meta" and acc.url == PROFILE_URL
    assert acc.handle == "tenis.mas_mx" and acc.name == "Tenis & Más 👟"
    assert acc.bio == "Tenis originales y réplicas AAA\n  WhatsApp +52 33 1234 5678"
    assert (acc.followers, acc.following, acc.posts_count) == (12500, 1002, 340)
    assert acc.likes_total is None and acc.verified is None


def test_profile_from_relay_user_object():
    acc = one(fixture_records("instagram", "profile_relay.html", PROFILE_RELAY_URL), "account", "55500000001")
    assert acc.extractor == "hydration" and acc.url == "https://www.instagram.com/bolsas_outlet/"
    assert acc.handle == "bolsas_outlet" and acc.name == "Bolsas Outlet"
    assert acc.bio == "Envíos gratis\nPedidos por DM"
    assert (acc.followers, acc.following, acc.posts_count) == (98012, 7, 1534)  # exact, not the meta's "98K"
    assert acc.verified is True
    assert acc.links == ["https://wa.me/5215500000000", "https://bolsas.example.com/"]


def test_korean_profile_counts(tmp_path):
    path = write_page(tmp_path, """<html><head><title>울산 (@ulsan.test) • Instagram 사진 및 동영상</title>
<meta property="og:title" content="울산 (@ulsan.test) • Instagram 사진 및 동영상">
<meta name="description" content="팔로워 1,234명, 팔로우 56명, 게시물 78개 - 울산(@ulsan.test)님의 Instagram 사진 및 동영상 보기">
</head><body></body></html>""")
    acc = extract(page_from(path, "https://www.instagram.com/ulsan.test/"))[0]
    assert (acc.followers, acc.following, acc.posts_count) == (1234, 56, 78)
    assert acc.id == "ulsan.test"  # no numeric id on the page: the handle
    assert acc.name == "울산" and acc.bio is None


def test_post_id_falls_back_to_the_app_link_then_the_shortcode(tmp_path):
    text = (PAGES / "instagram" / "reel_meta.html").read_text(encoding="utf-8")
    no_props = text.replace('"media_id": "3100000000000000001", ', "")
    assert extract(page_from(write_page(tmp_path, no_props), REEL_URL))[0].id == "3100000000000000001"
    no_app_link = no_props.replace("instagram://media?id=3100000000000000001", "instagram://media")
    assert extract(page_from(write_page(tmp_path, no_app_link), REEL_URL))[0].id == _shortcode_to_pk("CzAbCdEfGhI")


def test_shortcode_decodes_to_media_id():
    assert _shortcode_to_pk("DQwT90GjOcG") == "3760593499570628358"
    assert _shortcode_to_pk("not a code!") is None


@pytest.mark.parametrize("url,parser", [
    ("https://www.instagram.com/reel/CzAbCdEfGhI/", "instagram/post"),
    ("https://www.instagram.com/p/C1xYz-ab_9Q/", "instagram/post"),
    ("https://www.instagram.com/some.user/reel/CzAbCdEfGhI/?igsh=x", "instagram/post"),
    ("https://www.instagram.com/some.user/", "instagram/profile"),
    ("https://www.instagram.com/some_user?hl=ko", "instagram/profile"),
    ("https://www.instagram.com/some.user/tagged/", "instagram/profile"),
])
def test_url_routing(url, parser):
    matching = [p.name for p in (InstagramPostParser(), InstagramProfileParser()) if p.matches_url(url)]
    assert matching == [parser]


@pytest.mark.parametrize("url", [
    "https://www.instagram.com/explore/", "https://www.instagram.com/accounts/login/", "https://www.instagram.com/reels/",
    "https://www.instagram.com/p/", "https://www.instagram.com/stories/some.user/123/", "https://www.instagram.com/",
    "https://www.instagram.com/explore/tags/sneakers/", "https://www.instagram.com/direct/inbox/",
])
def test_instagram_own_pages_are_not_profiles(url):
    assert not InstagramProfileParser().matches_url(url) and not InstagramPostParser().matches_url(url)


def test_login_title_is_a_login_wall(tmp_path):
    path = write_page(tmp_path, "<html><head><title>Login • Instagram</title></head><body><div id=react-root></div></body></html>")
    with pytest.raises(BlockedPage) as err:
        extract(page_from(path, REEL_URL))
    assert err.value.reason == "login_wall"


def test_login_form_without_content_is_a_login_wall(tmp_path):
    path = write_page(tmp_path, """<html><head><title>Instagram</title></head><body>
<form id="loginForm" method="post"><input name="username"><input name="password" type="password"></form>
</body></html>""")
    for url in (REEL_URL, PROFILE_URL):
        with pytest.raises(BlockedPage) as err:
            extract(page_from(path, url))
        assert err.value.reason == "login_wall"


def test_content_page_with_a_login_form_is_not_blocked(tmp_path):
    text = (PAGES / "instagram" / "reel_meta.html").read_text(encoding="utf-8")
    text = text.replace("</body>", '<form id="loginForm"><input name="password"></form></body>')
    assert extract(page_from(write_page(tmp_path, text), REEL_URL))[0].id == "3100000000000000001"


def test_page_without_meta_or_json_is_page_changed(tmp_path):
    path = write_page(tmp_path, "<html><head><title>Instagram</title></head><body><div></div></body></html>")
    with pytest.raises(PageChanged, match="no post data"):
        extract(page_from(path, REEL_URL))
    with pytest.raises(PageChanged, match="no profile data"):
        extract(page_from(path, PROFILE_URL))


def test_relay_media_with_wrong_types_does_not_crash(tmp_path):
    text = (PAGES / "instagram" / "post_relay.html").read_text(encoding="utf-8")
    text = text.replace('"like_count": 4821', '"like_count": "lots"').replace('"taken_at": 1772000000', '"taken_at": [1]')
    text = text.replace('"caption": {', '"caption": "x", "_c": {').replace('"media_type": 8', '"media_type": "carousel"')
    post = extract(page_from(write_page(tmp_path, text), POST_URL))[0]
    assert post.metrics.likes is None and post.created_at is None and post.text is None
    assert post.id == "3200000000000000002"


def test_saved_pages_without_url_are_sniffed():
    assert extract(page_from(PAGES / "instagram" / "reel_meta.html", ""))[0].kind == "post"
    assert extract(page_from(PAGES / "instagram" / "profile_meta.html", ""))[0].kind == "account"


def test_other_platform_page_under_an_instagram_url(tmp_path):
    with pytest.raises((PageChanged, NoParser)):
        extract(page_from(PAGES / "xiaohongshu" / "note_images.html", REEL_URL), "instagram")


# ---- /api/v1/users/web_profile_info/: what the profile page fetches ----

PROFILE_API_URL = "https://www.instagram.com/api/v1/users/web_profile_info/?username=tenis.mas_mx"


def test_profile_api_account_and_posts():
    records = fixture_records("instagram", "web_profile_info.json", PROFILE_API_URL)
    assert [(r.kind, r.id) for r in records] == [("account", "48120000000"), ("post", "3100000000000000001"),
                                                 ("post", "3200000000000000002")]
    acc = records[0]
    assert acc.extractor == "api" and acc.url == "https://www.instagram.com/tenis.mas_mx/"
    assert (acc.followers, acc.following, acc.posts_count) == (12534, 1002, 340)  # exact, not "12.5K"
    assert acc.bio == "Tenis originales y réplicas AAA\n  WhatsApp +52 33 1234 5678"
    assert acc.verified is False and acc.links == ["https://wa.me/523312345678"]


def test_profile_api_reel_and_carousel():
    records = fixture_records("instagram", "web_profile_info.json", PROFILE_API_URL)
    reel = one(records, "post", "3100000000000000001")
    assert reel.extractor == "api" and reel.url == "https://www.instagram.com/reel/CzAbCdEfGhI/"  # product_type clips
    # the terse media owner is completed from the listed user
    assert (reel.author.id, reel.author.handle, reel.author.name) == ("48120000000", "tenis.mas_mx", "Tenis & Más 👟")
    assert reel.text.startswith("Nuevos tenis edición limitada 🔥\u2028") and reel.hashtags == ["sneakers", "réplica", "AAA"]
    assert reel.created_at == "2026-02-25T06:00:00Z" and reel.media_type == "video"
    assert (reel.metrics.views, reel.metrics.likes, reel.metrics.comments) == (98012, 2345, 1103)
    assert reel.location is None
    side = one(records, "post", "3200000000000000002")
    assert side.url == "https://www.instagram.com/p/C1xYz-ab_9Q/" and side.media_type == "images"
    assert side.image_count == 3 and side.metrics.views is None and side.location == "Guadalajara, Jalisco"
    assert side.text == "Stock nuevo 👜 #bolsas #lujo  "


@pytest.mark.parametrize("body,reason", [
    ('{"message":"Please wait a few minutes before you try again.","require_login":true,"status":"fail"}', "login_wall"),
    ('{"message":"Please wait a few minutes before you try again.","status":"fail"}', "rate_limited"),
])
def test_profile_api_refusal_is_a_block(tmp_path, body, reason):
    with pytest.raises(BlockedPage) as err:
        extract(page_from(write_page(tmp_path, body, "a.json"), PROFILE_API_URL), "instagram")
    assert err.value.reason == reason


@pytest.mark.parametrize("body", ['{"data":{"user":null},"status":"ok"}', '{"data":{}}', "[]",
                                  '{"data":{"user":{"id":"1"}},"status":"ok"}'])
def test_profile_api_without_user_is_page_changed(tmp_path, body):
    with pytest.raises(PageChanged, match="data.user"):
        extract(page_from(write_page(tmp_path, body, "a.json"), PROFILE_API_URL))


def test_profile_api_bad_timeline_is_skipped(tmp_path):
    body = ('{"data":{"user":{"id":"5","username":"x.y","edge_followed_by":{"count":"many"},'
            '"edge_owner_to_timeline_media":{"edges":[1,{"node":"x"},{"node":{"id":"9"}},'
            '{"node":{"shortcode":"AbC","id":"77","owner":"nobody","taken_at_timestamp":"soon"}}]}}}}')
    records = extract(page_from(write_page(tmp_path, body, "a.json"), PROFILE_API_URL))
    assert [(r.kind, r.id) for r in records] == [("account", "5"), ("post", "77")]
    assert records[0].followers is None
    assert records[1].author.id == "5" and records[1].author.handle == "x.y" and records[1].created_at is None


# ---- logged-in REST v1 feeds (modelled on capture #29: /api/v1/feed/saved/posts/) ----

SAVED_URL = "https://www.instagram.com/api/v1/feed/saved/posts/"


def test_v1_saved_feed_posts():
    records = fixture_records("instagram", "feed_saved_v1.json", SAVED_URL)
    assert [(r.kind, r.id) for r in records] == [("post", "3700000000000000101"), ("post", "3760000000000000202"),
                                                 ("post", "3763000000000000303"), ("post", "3667000000000000404")]
    reel = records[0]
    assert reel.extractor == "api" and reel.url == "https://www.instagram.com/reel/DNaaBbCcDd1/"
    assert (reel.author.id, reel.author.handle, reel.author.name) == ("61000000001", "frases.de.noche",
                                                                      "Frases  de Noche 🌙")
    assert reel.text == "Suelta lo que pesa 🍂\nSigue a @frases.de.noche \n.\n.\n#motivacion #frases"
    assert reel.hashtags == ["motivacion", "frases"]
    assert reel.created_at == "2025-09-16T05:20:00Z" and reel.media_type == "video" and reel.duration_s == 81.246
    # no comment_count in the feed: unknown, not 0; play_count (IG + FB) is the view count
    assert (reel.metrics.views, reel.metrics.likes, reel.metrics.comments) == (210402, 20471, None)
    assert reel.music.title == "Original audio" and reel.music.author == "frases.de.noche"


def test_v1_carousel_hidden_likes_and_edited_caption():
    records = fixture_records("instagram", "feed_saved_v1.json", SAVED_URL)
    carousel = one(records, "post", "3760000000000000202")
    assert carousel.media_type == "images" and carousel.image_count == 3  # children are parts, not posts
    assert carousel.metrics.views is None and carousel.location == "Kuala Lumpur, Malaysia"
    assert carousel.url == "https://www.instagram.com/p/DRabCD-efG2/"
    hidden = one(records, "post", "3763000000000000303")
    assert hidden.metrics.likes is None  # like_and_view_counts_disabled: the 3 sent is not the count
    assert hidden.metrics.views == 909756
    edited = one(records, "post", "3667000000000000404")
    assert edited.created_at == "2025-07-01T15:38:05Z"  # taken_at, not the caption's later edit time
    assert edited.media_type == "images" and edited.image_count == 1 and edited.author.name == "Rakhi  || Viajes 🇮🇳"


@pytest.mark.parametrize("url", ["https://i.instagram.com/api/v1/feed/timeline/", "https://www.instagram.com/api/v1/feed/user/61000000001/",
                                 "https://www.instagram.com/some/other/endpoint", ""])
def test_v1_media_are_read_on_any_endpoint_or_by_content(url):
    page = page_from(PAGES / "instagram" / "feed_saved_v1.json", url)
    from crawler.registry import all_parsers
    api = next(p for p in all_parsers() if p.name == "instagram/api")
    assert api.sniff(page)
    assert [r.id for r in extract(page)][:2] == ["3700000000000000101", "3760000000000000202"]


def test_v1_media_info_answer(tmp_path):
    import json as _json
    data = _json.loads((PAGES / "instagram" / "feed_saved_v1.json").read_text(encoding="utf-8"))
    body = {"items": [data["items"][1]["media"]], "num_results": 1, "more_available": False, "status": "ok"}
    path = write_page(tmp_path, _json.dumps(body), "info.json")
    records = extract(page_from(path, "https://i.instagram.com/api/v1/media/3760000000000000202/info/"))
    assert [(r.id, r.image_count, r.author.handle) for r in records] == [("3760000000000000202", 3, "mente.valle")]


def test_graphql_xdt_wrapper_of_v1_media():
    records = fixture_records("instagram", "graphql_user_timeline.json", "https://www.instagram.com/graphql/query")
    post = one(records, "post", "3800000000000000505")
    assert post.url == "https://www.instagram.com/reel/DSabcdefgh5/" and post.author.name == "Tenis & Más 👟"
    assert (post.metrics.views, post.metrics.likes, post.metrics.comments) == (15002, 812, 44)


def test_empty_v1_feed_is_no_record_not_an_error(tmp_path):
    path = write_page(tmp_path, '{"items": [], "num_results": 0, "more_available": false, "status": "ok"}', "e.json")
    assert extract(page_from(path, SAVED_URL)) == []


def test_v1_login_required_is_a_block(tmp_path):
    path = write_page(tmp_path, '{"message": "login_required", "status": "fail"}', "l.json")
    with pytest.raises(BlockedPage) as err:
        extract(page_from(path, SAVED_URL))
    assert err.value.reason == "login_wall"


# ---- the 2021 layouts: window._sharedData (capture #31) and __additionalDataLoaded ----

SHARED_PROFILE_URL = "https://www.instagram.com/viajes.demo/"


def test_shared_data_profile_account():
    records = fixture_records("instagram", "profile_shared_data_2021.html", SHARED_PROFILE_URL)
    acc = one(records, "account", "3640000001")
    assert acc.extractor == "hydration" and acc.handle == "viajes.demo" and acc.name == "Viajes Demo"
    assert acc.bio == "Donde los viajeros escapan. \nPlanifica tu viaje en la app.\n——"  # space before \n kept
    assert (acc.followers, acc.following, acc.posts_count) == (2187, 110, 142)
    assert acc.verified is False and acc.links == ["https://linkin.bio/viajes.demo"]
    assert ("email", "hola@viajes.example") in {(c.type, c.value) for c in acc.contacts}


def test_shared_data_profile_timeline_posts():
    records = fixture_records("instagram", "profile_shared_data_2021.html", SHARED_PROFILE_URL)
    posts = [r for r in records if r.kind == "post"]
    # the sidecar's children (they have shortcodes and owners too) are not posts
    assert [p.id for p in posts] == ["2590000000000000011", "2580000000000000022", "2570000000000000033"]
    side = posts[0]
    assert side.url == "https://www.instagram.com/p/CP5abcdefgh/" and side.media_type == "images" and side.image_count == 3
    assert side.created_at == "2021-06-09T12:41:01Z" and (side.metrics.likes, side.metrics.comments) == (16, 1)
    assert (side.author.id, side.author.handle, side.author.name) == ("3640000001", "viajes.demo", "Viajes Demo")
    assert side.location == "Reino Unido" and side.text == "¿Escapada de un día? \u2060\u2060\nDescarga la app."
    video = posts[2]
    assert video.media_type == "video" and video.metrics.views == 402


def test_shared_data_with_wrong_types_does_not_crash(tmp_path):
    text = (PAGES / "instagram" / "profile_shared_data_2021.html").read_text(encoding="utf-8")
    text = text.replace('"edge_followed_by": {"count": 2187}', '"edge_followed_by": "many"')
    text = text.replace('"biography": "Donde', '"biography": ["Donde"], "_b": "Donde')
    text = text.replace('"is_verified": false', '"is_verified": "nope"')
    text = text.replace('"taken_at_timestamp": 1623242461', '"taken_at_timestamp": {"t": 1}')
    text = text.replace('"edge_liked_by": {"count": 136}', '"edge_liked_by": {"count": "136 likes"}')
    text = text.replace('"business_email": "hola@viajes.example"', '"business_email": 42')
    records = extract(page_from(write_page(tmp_path, text), SHARED_PROFILE_URL))
    acc = one(records, "account", "3640000001")
    assert acc.followers is None and acc.bio is None and acc.verified is None and acc.following == 110
    assert one(records, "post", "2590000000000000011").created_at is None
    assert one(records, "post", "2580000000000000022").metrics.likes == 136


def test_additional_data_post_with_shortcode_media():
    records = fixture_records("instagram", "post_additional_data_2021.html", "https://www.instagram.com/p/CQabcdefgh4/")
    assert [(r.kind, r.id) for r in records] == [("post", "2600000000000000044")]
    post = records[0]
    assert post.extractor == "hydration" and post.url == "https://www.instagram.com/p/CQabcdefgh4/"
    assert (post.author.id, post.author.handle, post.author.name) == ("48120000000", "tenis.mas_mx", "Tenis & Más 👟")
    assert post.text == "Réplica 1:1 😱 pedidos por DM  #tenis #replica" and post.hashtags == ["tenis", "replica"]
    assert post.created_at == "2021-06-18T07:06:40Z" and post.media_type == "video" and post.duration_s == 29.5
    assert (post.metrics.views, post.metrics.likes, post.metrics.comments) == (15230, 1203, 87)
    assert post.location == "Ciudad de México"


def test_2021_pages_are_sniffed_without_url():
    assert [r.kind for r in extract(page_from(PAGES / "instagram" / "post_additional_data_2021.html", ""))] == ["post"]
    kinds = [r.kind for r in extract(page_from(PAGES / "instagram" / "profile_shared_data_2021.html", ""))]
    assert kinds[0] == "account" and kinds.count("post") == 3


# ---- pages that are not what their URL says ----

def test_reel_page_under_a_profile_url_is_a_post_not_that_account():
    records = extract(page_from(PAGES / "instagram" / "reel_meta.html", "https://www.instagram.com/someone.else/"))
    assert [(r.kind, r.id) for r in records] == [("post", "3100000000000000001")]
    assert records[0].author.handle == "tenis.mas_mx"
    assert not InstagramProfileParser().accepts(page_from(PAGES / "instagram" / "reel_meta.html",
                                                          "https://www.instagram.com/someone.else/"))


def test_profile_meta_naming_another_account_keeps_its_own_handle(tmp_path):
    text = (PAGES / "instagram" / "profile_meta.html").read_text(encoding="utf-8")
    records = extract(page_from(write_page(tmp_path, text), "https://www.instagram.com/someone.else/"))
    assert [(r.kind, r.handle) for r in records] == [("account", "tenis.mas_mx")]


@pytest.mark.parametrize("url", [REEL_URL, POST_URL])
def test_meta_title_only_page_is_not_a_post_built_from_the_url(tmp_path, url):
    path = write_page(tmp_path, '<html><head><title>Instagram</title><meta property="og:title" content="Instagram">'
                                '<meta property="og:site_name" content="Instagram"></head><body></body></html>')
    with pytest.raises((PageChanged, NoParser)):
        extract(page_from(path, url))


def test_post_meta_naming_no_media_is_not_a_post(tmp_path):
    text = (PAGES / "instagram" / "reel_meta.html").read_text(encoding="utf-8")
    for marker in ('"media_id": "3100000000000000001", ', "instagram://media?id=3100000000000000001",
                   'https://www.instagram.com/tenis.mas_mx/reel/CzAbCdEfGhI/', 'https://www.instagram.com/reel/CzAbCdEfGhI/'):
        text = text.replace(marker, "")
    text = text.replace('"shortcode": "CzAbCdEfGhI"', '"shortcode": null')
    with pytest.raises(PageChanged, match="no media id"):
        list(InstagramPostParser().parse(page_from(write_page(tmp_path, text), REEL_URL)))


def test_relay_profile_with_its_v1_timeline(tmp_path):
    import json as _json
    timeline = _json.loads((PAGES / "instagram" / "graphql_user_timeline.json").read_text(encoding="utf-8"))
    other = {"pk": "3800000000000000999", "code": "DSzzzzzzzz9", "taken_at": 1772500001, "media_type": 1,
             "user": {"pk": "77700000000", "username": "otra.cuenta"}, "like_count": 1}
    timeline["data"]["suggested"] = {"items": [other]}
    profile = (PAGES / "instagram" / "profile_meta.html").read_text(encoding="utf-8")
    user = {"pk": "48120000000", "username": "tenis.mas_mx", "full_name": "Tenis & Más 👟", "biography": "Tenis",
            "follower_count": 12534, "following_count": 1002, "media_count": 340, "is_verified": False}
    scripts = "".join('<script type="application/json" data-sjs>%s</script>' % _json.dumps(
        {"require": [["RelayPrefetchedStreamCache", "next", [], ["adp_x", {"__bbox": {"result": blob}}]]]})
        for blob in ({"data": {"user": user}}, timeline))
    path = write_page(tmp_path, profile.replace("</body>", scripts + "</body>"))
    records = extract(page_from(path, PROFILE_URL))
    # the account, exact counts, and its own posts only (not another account's media on the page)
    assert [(r.kind, r.id) for r in records] == [("account", "48120000000"), ("post", "3800000000000000505")]
    assert records[0].followers == 12534 and records[0].extractor == "hydration"
