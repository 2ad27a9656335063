"""Instagram end to end, replayed from fixtures/instagram/*.har through headless Chromium:
a reel page (meta tags), a post page (Relay data) and a profile whose posts come from the
web_profile_info XHR the page makes. There is no logged-out search."""
import subprocess
import sys


from tests.e2e.harness import crawl, fixture_har
from tests.support import ROOT

REEL_URL = "https://www.instagram.com/tenis.mas_mx/reel/CzAbCdEfGhI/"
POST_URL = "https://www.instagram.com/p/C1xYz-ab_9Q/?img_index=1"


def test_reel_and_post(tmp_path):
    reel = crawl("instagram", fixture_har("instagram", "reel"), tmp_path / "reel", url=REEL_URL)
    assert reel.returncode == 0, reel.stderr[-2000:]
    record = reel.one("post", "3100000000000000001")
    assert record["extractor"] == "meta" and record["media_type"] == "video" and record["query"] == REEL_URL
    assert record["author"]["handle"] == "tenis.mas_mx" and record["metrics"]["likes"] == 2345
    assert record["evidence"]["html_key"] and record["evidence"]["screenshot_key"]

    post = crawl("instagram", fixture_har("instagram", "post"), tmp_path / "post", url=POST_URL)
    assert post.returncode == 0, post.stderr[-2000:]
    record = post.one("post", "3200000000000000002")
    assert record["extractor"] == "hydration" and record["image_count"] == 3
    assert record["created_at"] == "2026-02-25T06:13:20Z" and record["evidence"]["sha256"]


def test_account_from_page_and_web_profile_info(tmp_path):
    result = crawl("instagram", fixture_har("instagram", "account"), tmp_path, account="tenis.mas_mx")
    assert result.returncode == 0, result.stderr[-2000:]
    # the page's meta tags and the API's user object are one account: the API's, with exact counts
    account = result.one("account", "48120000000")
    assert account["extractor"] == "api" and account["followers"] == 12534 and account["posts_count"] == 340
    assert account["links"] == ["https://wa.me/523312345678"]
    assert all(r["query"] == "tenis.mas_mx" for r in result.records)
    reel = result.one("post", "3100000000000000001")
    assert reel["extractor"] == "api" and reel["metrics"]["views"] == 98012
    assert reel["url"] == "https://www.instagram.com/reel/CzAbCdEfGhI/" and reel["evidence"] is None
    assert result.one("post", "3200000000000000002")["location"] == "Guadalajara, Jalisco"


def test_search_is_rejected_in_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "instagram", "-a", "query=tenis"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "instagram does not support -a query; it supports: -a url=..., -a account=..." in proc.stderr
