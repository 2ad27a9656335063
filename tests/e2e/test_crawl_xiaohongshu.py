"""Xiaohongshu end to end, replayed from fixtures/xiaohongshu/*.har through headless Chromium:
a note page, a search whose cards come from the search/notes XHR (POST) and are followed to their
note pages, and a profile whose grid continues through the user_posted XHR."""
from tests.e2e.harness import crawl, fixture_har

NOTE_URL = "https://www.xiaohongshu.com/explore/65f0a1b2000000001203c4d5?xsec_token=ABxyz%3D&xsec_source=pc_feed"


def _by_extractor(result, extractor):
    return [r["id"] for r in result.of("post") if r["extractor"] == extractor]


def test_note(tmp_path):
    result = crawl("xiaohongshu", fixture_har("xiaohongshu", "note"), tmp_path, url=NOTE_URL)
    assert result.returncode == 0, result.stderr[-2000:]
    note = result.one("post", "65f0a1b2000000001203c4d5")
    assert note["query"] == NOTE_URL and note["title"] == "周末去了新开的球鞋集合店"
    assert note["metrics"]["likes"] == 12000 and note["hashtags"] == ["球鞋", "潮流穿搭"]
    assert note["evidence"]["html_key"] and note["evidence"]["screenshot_key"]


def test_search_follows_cards_to_note_pages(tmp_path):
    result = crawl("xiaohongshu", fixture_har("xiaohongshu", "search"), tmp_path, query="球鞋")
    assert result.returncode == 0, result.stderr[-2000:]
    assert all(r["query"] == "球鞋" for r in result.records)
    # the cards from the POST search/notes answer (the hot_query shelf is not a note)...
    assert sorted(_by_extractor(result, "api")) == ["65f0a1b2000000001203c4d5", "6601c2d3000000001e00f0a1"]
    card = [r for r in result.of("post") if r["extractor"] == "api" and r["id"] == "65f0a1b2000000001203c4d5"][0]
    assert card["evidence"] is None and card["text"] is None
    # ...then each note page, with the text, time and evidence the cards lack
    assert sorted(_by_extractor(result, "hydration")) == ["65f0a1b2000000001203c4d5", "6601c2d3000000001e00f0a1"]
    video = [r for r in result.of("post") if r["extractor"] == "hydration" and r["id"] == "6601c2d3000000001e00f0a1"][0]
    assert video["media_type"] == "video" and video["duration_s"] == 42.0 and video["created_at"] == "2024-03-25T18:30:00Z"
    assert video["evidence"]["html_key"] and video["evidence"]["screenshot_key"]


def test_account_profile_and_scrolled_notes(tmp_path):
    result = crawl("xiaohongshu", fixture_har("xiaohongshu", "account"), tmp_path, account="5f1e2d3c000000000100abcd")
    assert result.returncode == 0, result.stderr[-2000:]
    account = result.one("account", "5f1e2d3c000000000100abcd")
    assert account["handle"] == "95012345" and account["followers"] == 34000 and account["query"] == "5f1e2d3c000000000100abcd"
    # the first card from the profile state, the next from the user_posted XHR made on scroll
    cards = {r["id"]: r["extractor"] for r in result.of("post") if r["evidence"] is None}
    assert cards == {"65f0a1b2000000001203c4d5": "hydration", "6612cc03000000001c04d5e6": "api"}
    # both followed to their note pages
    pages = {r["id"]: r for r in result.of("post") if r["evidence"] is not None}
    assert sorted(pages) == ["65f0a1b2000000001203c4d5", "6612cc03000000001c04d5e6"]
    assert pages["6612cc03000000001c04d5e6"]["metrics"]["comments"] == 37
