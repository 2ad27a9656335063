"""RECORD_HAR records a live crawl (here: answered by a local proxy) into a HAR that replays it, secrets scrubbed."""
from __future__ import annotations

import json

from tests.e2e.harness import crawl
from tests.e2e.server import LocalServer
from tests.support import PAGES

URL = "http://www.tiktok.com/@glowshop.demo/video/7400000000000000001"


def test_record_then_replay_gives_the_same_records(tmp_path):
    page = (PAGES / "tiktok" / "video_page.html").read_text(encoding="utf-8")
    page = page.replace("</body>", '<script>fetch("/api/related/item_list/?itemID=1&msToken=" + "SECRET" + "TOKEN")</script></body>')
    routes = {
        URL: (200, {"Content-Type": "text/html; charset=utf-8", "Set-Cookie": "sessionid=SECRETCOOKIE; Path=/"},
              page.encode("utf-8")),
        "http://www.tiktok.com/api/related/item_list/?itemID=1&msToken=SECRETTOKEN":
            (200, {"Content-Type": "application/json"}, b'{"itemList": []}'),
    }
    recording = tmp_path / "recorded.har"
    with LocalServer(routes) as proxy:
        live = crawl("tiktok", None, tmp_path / "live", url=URL, own_browser=True,
                     settings={"PROXIES": proxy.url, "RECORD_HAR": recording, "EVIDENCE_ENABLED": "0"})
        assert live.returncode == 0, live.stderr[-3000:]
        assert any(url == URL for _m, url, _h in proxy.requests)  # it really went through the "network"
    text = recording.read_text(encoding="utf-8")
    assert "SECRETCOOKIE" not in text and "SECRETTOKEN" not in text
    har = json.loads(text)
    urls = [e["request"]["url"] for e in har["log"]["entries"]]
    assert URL in urls
    assert not list(tmp_path.glob("recorded.har.*.part"))  # the context's parts were merged and removed

    # a browser launched by Playwright (as in production): the shared test Chromium lacks its launch flags
    # and upgrades these http:// URLs to https, which the recording does not hold
    replayed = crawl("tiktok", recording, tmp_path / "replay", url=URL, settings={"EVIDENCE_ENABLED": "0"}, own_browser=True)
    assert replayed.returncode == 0, replayed.stderr[-3000:]
    drop = ("fetched_at", "crawl_id")
    assert [{k: v for k, v in r.items() if k not in drop} for r in replayed.records] == \
           [{k: v for k, v in r.items() if k not in drop} for r in live.records]
    assert replayed.one("post", "7400000000000000001")["author"]["handle"] == "glowshop.demo"
