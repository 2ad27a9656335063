"""TikTok end to end: each flow crawled through headless Chromium, replayed from fixtures/tiktok/<flow>.har.

The account and search pages fetch their lists from the web API (/api/post/item_list/,
/api/search/general|item/full/) as the real app does; the spider captures those answers.
"""
from crawler import exitcodes
from tests.e2e.harness import crawl, fixture_har


def _has_evidence(record):
    evidence = record["evidence"]
    return bool(evidence and evidence["html_key"] and evidence["screenshot_key"] and evidence["sha256"])


def test_video_url_gives_the_post_and_its_author(tmp_path):
    url = "https://www.tiktok.com/@glowshop.demo/video/7400000000000000001"
    result = crawl("tiktok", fixture_har("tiktok", "video"), tmp_path, url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [(r["kind"], r["id"]) for r in result.records] == [("post", "7400000000000000001"),
                                                              ("account", "6900000000000000001")]
    post = result.one("post", "7400000000000000001")
    assert post["url"] == url and post["query"] == url and post["extractor"] == "hydration"
    assert post["author"]["handle"] == "glowshop.demo" and post["text"] == "Unboxing the new serum 🧴 #skincare #GlowUp "
    assert post["metrics"] == {"views": 250000, "likes": 12500, "comments": 87, "shares": 340, "saves": 1203}
    assert _has_evidence(post)
    assert result.one("account", "6900000000000000001")["followers"] == 48200


def test_photo_share_page(tmp_path):
    result = crawl("tiktok", fixture_har("tiktok", "photo"), tmp_path, url="https://m.tiktok.com/v/7500000000000000002.html")
    assert result.returncode == 0, result.stderr[-2000:]
    post = result.one("post", "7500000000000000002")
    assert post["url"] == "https://www.tiktok.com/@bepnhaminh/photo/7500000000000000002"
    assert post["media_type"] == "images" and post["image_count"] == 3 and post["duration_s"] is None
    assert post["metrics"]["views"] == 61000 and _has_evidence(post)
    assert result.one("account", "7300000000000000002")["posts_count"] == 61


def test_live_room_and_its_host(tmp_path):
    result = crawl("tiktok", fixture_har("tiktok", "live"), tmp_path, url="https://www.tiktok.com/@antik.pazar/live")
    assert result.returncode == 0, result.stderr[-2000:]
    live = result.one("live", "7550000000000000003")
    assert live["status"] == "live" and live["viewers"] == 42 and live["total_viewers"] == 1300
    assert live["host"]["handle"] == "antik.pazar" and live["started_at"] == "2025-06-15T15:06:40Z"
    assert _has_evidence(live)
    assert result.one("account", "7100000000000000003")["followers"] == 9150


def test_account_profile_and_its_scrolled_post_list(tmp_path):
    result = crawl("tiktok", fixture_har("tiktok", "account"), tmp_path, account="@sneaker.vault")
    assert result.returncode == 0, result.stderr[-2000:]
    assert all(r["query"] == "@sneaker.vault" for r in result.records)
    # the profile's own state (hydration) and tiles (dom), then the item_list answer fetched on scroll (api)
    assert [(r["id"], r["extractor"]) for r in result.of("post")] == [
        ("7410000000000000011", "dom"), ("7410000000000000012", "dom"),
        ("7410000000000000013", "api"), ("7410000000000000014", "api")]
    scrolled = result.one("post", "7410000000000000013")
    assert scrolled["text"] == "Restock drop this Friday 🔥 #sneakers #restock "
    assert scrolled["metrics"] == {"views": 98000, "likes": 5400, "comments": 310, "shares": 120, "saves": 640}
    assert scrolled["source_url"].startswith("https://www.tiktok.com/api/post/item_list/")
    photo = result.one("post", "7410000000000000014")
    assert photo["media_type"] == "images" and photo["image_count"] == 4
    assert photo["url"] == "https://www.tiktok.com/@sneaker.vault/photo/7410000000000000014"
    accounts = result.of("account")
    assert {a["id"] for a in accounts} == {"6800000000000000004"}
    assert accounts[0]["extractor"] == "hydration" and accounts[0]["followers"] == 12700
    assert all(r["evidence"] is None for r in result.records)  # a listing page, not a detail page


def test_search_reads_the_api_answers_the_page_fetches(tmp_path):
    result = crawl("tiktok", fixture_har("tiktok", "search"), tmp_path, query="glow serum")
    assert result.returncode == 0, result.stderr[-2000:]
    assert all(r["query"] == "glow serum" and r["extractor"] == "api" for r in result.records)
    # Top results on load (general/full), more videos on scroll (item/full)
    assert [r["id"] for r in result.of("post")] == ["7430000000000000021", "7430000000000000022", "7430000000000000023"]
    top = result.one("post", "7430000000000000021")
    assert top["author"]["handle"] == "glowshop.demo" and top["metrics"]["views"] == 640000
    assert top["hashtags"] == ["glowserum", "skincare"] and top["duration_s"] == 47
    photo = result.one("post", "7430000000000000023")
    assert photo["media_type"] == "images" and photo["location"] == "KR"
    assert "/api/search/item/full/" in photo["source_url"]
    # authors with stats, and the matching-accounts card of the Top tab
    assert sorted(a["id"] for a in result.of("account")) == ["6900000000000000001", "7000000000000000031",
                                                             "7000000000000000032"]
    card = result.one("account", "7000000000000000031")
    assert card["handle"] == "serum.dupes" and card["followers"] == 3300 and card["likes_total"] == 51000


def test_waf_challenge_is_reported_as_blocked(tmp_path):
    result = crawl("tiktok", fixture_har("tiktok", "blocked"), tmp_path, settings={"BLOCK_RETRY_TIMES": 0},
                   url="https://www.tiktok.com/@glowshop.demo/video/7400000000000000009")
    assert result.returncode == exitcodes.BLOCKED, result.stderr[-2000:]
    assert result.records == []
    assert "blocked/verification" in result.stderr
