"""Logins: `scrapy login` saves a storage state; a crawl uses it without ever printing it."""
from __future__ import annotations

import json
import stat
import subprocess
import sys

from tests.e2e.harness import crawl
from tests.e2e.server import LocalServer
from tests.support import PAGES, ROOT

URL = "https://www.tiktok.com/@glowshop.demo/video/7400000000000000001"


def test_login_saves_storage_state_owner_only(tmp_path):
    page = b"<html><body><script>document.cookie='sessionid=SECRETSESSION; path=/';" \
           b"localStorage.setItem('token','SECRETLOCAL')</script>signed in</body></html>"
    with LocalServer({"/login": (200, {"Content-Type": "text/html"}, page)}) as server:
        out = tmp_path / "state.json"
        proc = subprocess.run([sys.executable, "-m", "scrapy", "login", "tiktok", "--url", server.url + "/login",
                               "--output", str(out), "--wait", "0.5", "--headless"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "SECRET" not in proc.stdout + proc.stderr
    state = json.loads(out.read_text())
    assert {c["name"]: c["value"] for c in state["cookies"]}["sessionid"] == "SECRETSESSION"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_crawl_uses_storage_state_and_never_logs_it(tmp_path):
    live_url = URL.replace("https://", "http://")
    state = tmp_path / "tiktok-state.json"
    state.write_text(json.dumps({"cookies": [{"name": "sessionid", "value": "SECRETSESSION", "domain": ".tiktok.com",
                                              "path": "/", "expires": -1, "httpOnly": True, "secure": False,
                                              "sameSite": "Lax"}], "origins": []}))
    page = (PAGES / "tiktok" / "video_page.html").read_bytes()
    with LocalServer({live_url: (200, {"Content-Type": "text/html; charset=utf-8"}, page)}) as proxy:
        result = crawl("tiktok", None, tmp_path, url=live_url,
                       settings={"STORAGE_STATE": state, "PROXIES": proxy.url, "LOG_LEVEL": "DEBUG"})
        sent = [headers.get("Cookie", "") for _m, url, headers in proxy.requests if url == live_url]
    assert result.returncode == 0, result.stderr[-2000:]
    assert sent and "sessionid=SECRETSESSION" in sent[0]      # the session went with the request
    assert "SECRETSESSION" not in result.stderr                # ... and nowhere into the log
    assert all("SECRETSESSION" not in json.dumps(r) for r in result.records)
    assert result.one("post", "7400000000000000001")


def test_blocked_proxy_is_retired_and_the_page_retried_on_another(tmp_path):
    live_url = URL.replace("https://", "http://")
    captcha = (PAGES / "blocked" / "security_check.html").read_bytes()
    page = (PAGES / "tiktok" / "video_page.html").read_bytes()
    with LocalServer({live_url: (200, {"Content-Type": "text/html"}, captcha)}) as bad, \
            LocalServer({live_url: (200, {"Content-Type": "text/html"}, page)}) as good:
        result = crawl("tiktok", None, tmp_path, url=live_url,
                       settings={"PROXIES": "%s,%s" % (bad.url, good.url), "BACKOFF_BASE_S": "0.1"})
        asked_bad, asked_good = len(bad.requests), len(good.requests)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.one("post", "7400000000000000001")
    assert asked_bad == 1 and asked_good == 1  # the blocked proxy was not asked again
    assert "blocked (captcha), retry 1 of 2" in result.stderr


def test_unknown_login_platform_is_a_one_line_error():
    proc = subprocess.run([sys.executable, "-m", "scrapy", "login", "myspace"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "no login page known" in proc.stderr and "Traceback" not in proc.stderr
