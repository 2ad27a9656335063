"""Units of the crawl layer: network guard, HAR files, page pool, backoff, exit codes, browser choice."""
from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from crawler import exitcodes
from crawler.browser import choose_browser, launch_options
from crawler.har import REDACTED, HarError, HarIndex, entry, load, scrub, write_har
from crawler.middlewares.blocks import BackoffMiddleware
from crawler.middlewares.guard import NetworkGuard, NetworkGuardMiddleware
from crawler.middlewares.pagepool import PagePool

TIKTOK = ["tiktok.com", "tiktokcdn.com"]


@pytest.mark.parametrize("url", [
    "https://www.tiktok.com/@a/video/1", "https://p16-sign.tiktokcdn.com/x.jpg", "https://tiktok.com/",
])
def test_guard_allows_platform_domains_and_cdns(url):
    assert NetworkGuard(TIKTOK, resolve=False).refusal(url) is None


@pytest.mark.parametrize("url,why", [
    ("http://169.254.169.254/latest/meta-data/", "private"),
    ("http://127.0.0.1:8080/", "private"), ("http://localhost/", "private"), ("http://[::1]/", "private"),
    ("http://10.0.0.7/", "private"), ("http://192.168.1.1/", "private"), ("http://[fe80::1]/", "private"),
    ("http://0.0.0.0/", "private"),
    ("https://evil.example/", "not a domain"), ("https://tiktok.com.evil.example/", "not a domain"),
    ("https://nottiktok.com/", "not a domain"), ("file:///etc/passwd", "scheme"), ("ftp://tiktok.com/", "scheme"),
])
def test_guard_refuses_private_addresses_and_other_domains(url, why):
    reason = NetworkGuard(TIKTOK, resolve=False).refusal(url)
    assert reason is not None and why in reason


@pytest.mark.parametrize("url", [
    "http://[::169.254.169.254]/", "http://[64:ff9b::7f00:1]/", "http://[64:ff9b:1::a00:1]/", "http://[::ffff:10.0.0.1]/",
    "http://[2002:7f00:1::]/", "http://100.64.0.1/", "http://[fc00::1]/", "http://224.0.0.251/",
])
def test_guard_refuses_every_ipv6_embedding_and_special_range(url):
    reason = NetworkGuard(TIKTOK, resolve=False).refusal(url)
    assert reason is not None and "private" in reason


def test_guard_middleware_refuses_redirect_targets_too():
    stats = SimpleNamespace(n=0, inc_value=lambda key: None)
    spider = SimpleNamespace(network_guard=NetworkGuard(TIKTOK, resolve=False))
    middleware = NetworkGuardMiddleware(SimpleNamespace(spider=spider, stats=stats))
    assert middleware.process_request(Request("https://www.tiktok.com/@a"), spider) is None
    redirected = Request("http://169.254.169.254/latest/", meta={"redirect_times": 1})
    with pytest.raises(IgnoreRequest, match="private address"):
        middleware.process_request(redirected, spider)


def test_browser_predicate_blocks_media_and_foreign_hosts():
    guard = NetworkGuard(TIKTOK, blocked_resource_types=("image", "font"), resolve=False)

    def ask(url, kind="document"):
        return asyncio.run(guard(SimpleNamespace(url=url, resource_type=kind)))

    assert ask("https://www.tiktok.com/") is False
    assert ask("https://p16.tiktokcdn.com/a.jpg", "image") is True
    assert ask("https://p16.tiktokcdn.com/a.js", "script") is False
    assert ask("https://tracker.example/t.js", "script") is True
    assert ask("http://169.254.169.254/", "xhr") is True
    replaying = NetworkGuard(TIKTOK, resolve=False, replay=True)
    assert asyncio.run(replaying(SimpleNamespace(url="https://www.tiktok.com/", resource_type="document"))) is True


def test_har_round_trip_and_lookup(tmp_path):
    path = write_har([entry("https://a.tiktok.com/x?y=1", "<html>ü</html>"),
                      entry("https://a.tiktok.com/img", b"\x89PNG\x00\xff", "image/png"),
                      entry("https://a.tiktok.com/api", '{"ok": 1}', "application/json", method="POST", post_data='{"q":1}')],
                     tmp_path / "x.har")
    index = HarIndex(path)
    page = index.get("GET", "https://a.tiktok.com/x?y=1#frag")
    assert page.body == "<html>ü</html>".encode() and page.status == 200
    assert ("Content-Type", "text/html; charset=utf-8") in page.headers
    assert index.get("GET", "https://a.tiktok.com/img").body == b"\x89PNG\x00\xff"  # binary kept (base64)
    assert index.get("POST", "https://a.tiktok.com/api").body == b'{"ok": 1}'
    assert index.get("GET", "https://a.tiktok.com/api") is None
    assert index.get("GET", "https://a.tiktok.com/other") is None


@pytest.mark.parametrize("content,message", [(None, "does not exist"), ("{not json", "not readable JSON"),
                                             ('{"log": {}}', "not a HAR")])
def test_har_load_errors(tmp_path, content, message):
    path = tmp_path / "x.har"
    if content is not None:
        path.write_text(content)
    with pytest.raises(HarError, match=message):
        load(path)


def test_scrub_removes_cookies_auth_and_tokens():
    har = {"log": {"entries": [{
        "request": {"url": "https://www.tiktok.com/api/post/item_list/?secUid=abc&msToken=SECRET&X-Bogus=SIG&count=30",
                    "cookies": [{"name": "sessionid", "value": "SECRET"}],
                    "headers": [{"name": "Cookie", "value": "sessionid=SECRET"}, {"name": "Authorization", "value": "Bearer SECRET"},
                                {"name": "Accept", "value": "*/*"}],
                    "queryString": [{"name": "msToken", "value": "SECRET"}, {"name": "count", "value": "30"}]},
        "response": {"cookies": [{"name": "ttwid", "value": "SECRET"}],
                     "headers": [{"name": "Set-Cookie", "value": "ttwid=SECRET"}, {"name": "Content-Type", "value": "x"}]},
    }]}}
    text = json.dumps(scrub(har))
    assert "SECRET" not in text and "SIG" not in text
    item = har["log"]["entries"][0]
    assert "secUid=abc" in item["request"]["url"] and "count=30" in item["request"]["url"]
    assert "msToken=" + REDACTED in item["request"]["url"]
    assert [h["name"] for h in item["request"]["headers"]] == ["Accept"]
    assert [h["name"] for h in item["response"]["headers"]] == ["Content-Type"]


class FakePage:
    def __init__(self):
        self.closed = False

    def is_closed(self):
        return self.closed

    async def close(self):
        self.closed = True


def test_page_pool_reuses_bounds_and_recycles():
    async def scenario():
        pool = PagePool(size=2, max_uses=2)
        assert await pool.acquire("c") is None and await pool.acquire("c") is None  # two may be opened
        waiter = asyncio.ensure_future(pool.acquire("c"))                         # the third waits
        await asyncio.sleep(0.01)
        assert not waiter.done()
        first = FakePage()
        await pool.release("c", first)
        assert await asyncio.wait_for(waiter, 1) is first                         # ... and gets a used page
        await pool.release("c", first)                                            # second use: spent, closed
        assert first.closed and pool.count["c"] == 1
        failed = FakePage()
        await pool.release("c", failed, healthy=False)
        assert failed.closed and pool.count["c"] == 0
        assert await pool.acquire("other") is None                                # contexts are separate
    asyncio.run(scenario())


def test_backoff_grows_and_is_bounded():
    backoff = BackoffMiddleware(base=2.0, maximum=10.0)
    assert all(1.0 <= backoff.delay(1) <= 2.0 for _ in range(50))
    assert all(4.0 <= backoff.delay(3) <= 8.0 for _ in range(50))
    assert all(5.0 <= backoff.delay(9) <= 10.0 for _ in range(50))


@pytest.mark.parametrize("stats,code", [
    ({"records/post": 3}, exitcodes.OK),
    ({"records/post": 3, "blocked/captcha": 2, "blocked/gave_up": 1}, exitcodes.PARTIAL),
    ({"records/listing": 1, "pages/failed": 1}, exitcodes.PARTIAL),
    ({"records/listing": 1, "spider_exceptions/count": 2}, exitcodes.PARTIAL),
    ({"blocked/captcha": 3, "blocked/gave_up": 1}, exitcodes.BLOCKED),
    ({"pages/failed": 2}, exitcodes.FAILED),
    ({"pages/search": 1}, exitcodes.EMPTY),
    ({"records/post": 3, "store/error": "bucket gone"}, exitcodes.STORAGE),
])
def test_exit_codes_from_stats(stats, code):
    got, cause = exitcodes.from_stats(stats)
    assert got == code and cause


def test_browser_choice_order(tmp_path, monkeypatch):
    fake = tmp_path / "chrome"
    fake.write_text("")
    monkeypatch.setenv("BROWSER_EXECUTABLE_PATH", str(fake))
    assert choose_browser() == (str(fake), "setting")
    assert launch_options()["executable_path"] == str(fake) and "--no-sandbox" in launch_options()["args"]
    monkeypatch.setenv("BROWSER_EXECUTABLE_PATH", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        choose_browser()
    monkeypatch.delenv("BROWSER_EXECUTABLE_PATH")
    own = tmp_path / "ms-playwright" / "chromium_headless_shell-1200" / "chrome-linux" / "headless_shell"
    own.parent.mkdir(parents=True)
    own.write_text("")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    assert choose_browser() == (None, "playwright")  # Playwright finds its own: no executable_path
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "empty"))
    path, source = choose_browser()
    assert source == "system" and path.endswith(("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"))
