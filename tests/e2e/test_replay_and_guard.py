"""Replay fails closed and never touches the network; targets and bad settings get one-line errors."""
from __future__ import annotations

from crawler import exitcodes
from crawler.har import entry, write_har
from tests.e2e.harness import crawl
from tests.e2e.server import LocalServer
from tests.support import PAGES

VIDEO_URL = "https://www.tiktok.com/@glowshop.demo/video/7400000000000000001"


def _video_page_with_leaks(server_url: str) -> bytes:
    """The TikTok fixture page, plus everything a page could use to reach elsewhere."""
    page = (PAGES / "tiktok" / "video_page.html").read_text(encoding="utf-8")
    leaks = (
        '<img src="%(s)s/img.png"><link rel="stylesheet" href="%(s)s/style.css">'
        '<script src="%(s)s/app.js"></script><iframe src="%(s)s/frame"></iframe>'
        '<img src="http://169.254.169.254/latest/meta-data/">'
        '<script>fetch("%(s)s/api/leak").catch(() => 0); fetch("https://www.tiktok.com/api/not-in-har/").catch(() => 0);'
        'navigator.sendBeacon && navigator.sendBeacon("%(s)s/beacon", "x");</script>' % {"s": server_url}
    )
    return page.replace("</body>", leaks + "</body>").encode("utf-8")


def test_replay_requests_nothing_outside_the_har(tmp_path):
    with LocalServer() as server:
        har = write_har([entry(VIDEO_URL, _video_page_with_leaks(server.url))], tmp_path / "leaky.har")
        result = crawl("tiktok", har, tmp_path, url=VIDEO_URL)
        assert result.returncode == 0, result.stderr[-2000:]
        assert server.requests == []  # not one request left the HAR
    assert result.one("post", "7400000000000000001")["author"]["handle"] == "glowshop.demo"


def test_url_missing_from_the_har_is_aborted_not_fetched(tmp_path):
    with LocalServer() as server:
        har = write_har([entry(VIDEO_URL, (PAGES / "tiktok" / "video_page.html").read_bytes())], tmp_path / "one.har")
        missing = "%s/@someone/video/7400000000000000009" % server.url
        result = crawl("tiktok", har, tmp_path, url=missing, settings={"GUARD_ALLOW_PRIVATE": "1"})
        assert server.requests == []
    assert result.returncode == exitcodes.FAILED
    assert result.records == []
    assert "no record" in result.stderr


def test_missing_har_fails_closed_before_the_first_request(tmp_path):
    result = crawl("tiktok", tmp_path / "nope.har", tmp_path, url=VIDEO_URL)
    assert result.returncode == exitcodes.BAD_CONFIG
    assert result.stderr.strip().splitlines()[-1] == "scrapy crawl: REPLAY_HAR file %s does not exist" % (tmp_path / "nope.har")
    assert result.records == []


def test_unreadable_har_fails_closed(tmp_path):
    bad = tmp_path / "bad.har"
    bad.write_text('{"log": {"entries": [')
    result = crawl("tiktok", bad, tmp_path, url=VIDEO_URL)
    assert result.returncode == exitcodes.BAD_CONFIG
    assert "is not readable JSON" in result.stderr.strip().splitlines()[-1]


def test_unsupported_target_names_what_is_supported(tmp_path):
    result = crawl("weibo", None, tmp_path, url="", max_items="x", query="nike")
    assert result.returncode == exitcodes.BAD_CONFIG
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("scrapy crawl: weibo") and "max_items" in line


def test_no_target_is_a_one_line_error(tmp_path):
    result = crawl("tiktok", None, tmp_path)
    assert result.returncode == exitcodes.BAD_CONFIG
    assert "give a target" in result.stderr.strip().splitlines()[-1]


def test_unknown_platform(tmp_path):
    result = crawl("myspace", None, tmp_path, url=VIDEO_URL)
    assert result.returncode == exitcodes.BAD_CONFIG and "unknown platform" in result.stderr


def test_redirect_to_a_private_address_is_never_followed_by_plain_requests(tmp_path):
    api = "http://weibo.com/ajax/statuses/mymblog?uid=1&page=1&feature=0"
    with LocalServer() as target, LocalServer({api: (302, {"Location": target.url + "/latest/meta-data/"}, b"")}) as proxy:
        result = crawl("weibo", None, tmp_path, url=api, settings={"PROXIES": proxy.url})
        assert target.requests == []  # the redirect hop to 127.0.0.1 was refused before it was sent
    assert result.returncode != 0 and result.records == []
    assert "'guard/refused': 1" in result.stderr


def test_browser_redirect_hop_to_a_private_address_is_never_sent(tmp_path):
    url = "http://www.tiktok.com/@glowshop.demo/video/7400000000000000001"
    page = (PAGES / "tiktok" / "video_page.html").read_bytes()
    with LocalServer() as proxy, LocalServer({"/secret": (200, {"Content-Type": "text/html"}, page)}) as internal:
        proxy.routes[url] = (302, {"Location": internal.url + "/secret"}, b"")
        result = crawl("tiktok", None, tmp_path, url=url, settings={"PROXIES": proxy.url}, own_browser=True)
        hops = [u for _m, u, _h in proxy.requests + internal.requests if "/secret" in u]
    # the hop goes through the crawl's egress proxy like every connection, and is refused there, unsent
    assert hops == []
    assert result.records == [] and result.returncode != 0
    assert "egress refused 127.0.0.1:%d" % internal.port in result.stderr
