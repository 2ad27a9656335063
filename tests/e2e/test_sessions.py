"""Logins: `scrapy login` saves a storage state; a crawl uses it without ever printing it."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time

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


# ---- login on a server: no display, cookie import, a Chrome over CDP; expiry ----

def _login(*args, env=None):
    return subprocess.run([sys.executable, "-m", "scrapy", "login", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env)


def test_login_without_a_display_says_so_in_one_line_and_offers_the_ways_that_work():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = _login("tiktok", env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "no display" in proc.stderr
    assert "--cookies" in proc.stderr and "--cdp-url" in proc.stderr


NETSCAPE = """# Netscape HTTP Cookie File
.tiktok.com\tTRUE\t/\tTRUE\t%(later)d\tsessionid\tSECRETSESSION
#HttpOnly_www.tiktok.com\tFALSE\t/\tTRUE\t%(sooner)d\tcsrf\tSECRETCSRF
.example.org\tTRUE\t/\tFALSE\t%(latest)d\tother\tx
"""


def test_login_imports_a_netscape_cookie_file_with_its_expiry(tmp_path):
    now = int(time.time())
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(NETSCAPE % {"later": now + 86400 * 30, "sooner": now + 3600, "latest": now + 86400 * 900})
    out = tmp_path / "state.json"
    proc = _login("tiktok", "--cookies", str(cookies), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "SECRET" not in proc.stdout + proc.stderr
    state = json.loads(out.read_text())
    by_name = {c["name"]: c for c in state["cookies"]}
    assert by_name["sessionid"]["value"] == "SECRETSESSION" and by_name["sessionid"]["domain"] == ".tiktok.com"
    assert by_name["csrf"]["httpOnly"] is True and by_name["csrf"]["secure"] is True
    # the last tiktok cookie's expiry (the unrelated domain does not count)
    assert state["crawler"]["expires_at"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 86400 * 30))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_login_imports_a_json_cookie_export(tmp_path):
    export = [{"domain": "www.xiaohongshu.com", "hostOnly": False, "name": "web_session", "value": "SECRETWEB",
               "path": "/", "expirationDate": 4102444800.5, "httpOnly": True, "secure": True,
               "sameSite": "no_restriction", "session": False}]
    source = tmp_path / "export.json"
    source.write_text(json.dumps(export))
    out = tmp_path / "state.json"
    proc = _login("xiaohongshu", "--cookies", str(source), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    [cookie] = json.loads(out.read_text())["cookies"]
    assert cookie == {"name": "web_session", "value": "SECRETWEB", "domain": ".www.xiaohongshu.com", "path": "/",
                      "expires": 4102444800.5, "httpOnly": True, "secure": True, "sameSite": "None"}


def test_login_takes_the_session_of_a_chrome_over_cdp(tmp_path):
    from crawler.browser import CHROMIUM_ARGS, launch_options

    page = b"<html><body><script>document.cookie='sessionid=SECRETCDP; path=/; max-age=86400'</script>in</body></html>"
    profile = tmp_path / "profile"
    with LocalServer({"/login": (200, {"Content-Type": "text/html"}, page)}) as server:
        chrome = subprocess.Popen([launch_options()["executable_path"], "--headless=new", "--remote-debugging-port=0",
                                   "--remote-debugging-address=127.0.0.1", "--user-data-dir=%s" % profile,
                                   *CHROMIUM_ARGS, "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            port_file = profile / "DevToolsActivePort"
            deadline = time.monotonic() + 30
            while not port_file.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            port = port_file.read_text().split()[0]
            out = tmp_path / "state.json"
            proc = _login("tiktok", "--cdp-url", "http://127.0.0.1:%s" % port, "--url", server.url + "/login",
                          "--wait", "0.5", "--output", str(out))
        finally:
            chrome.terminate()
            chrome.wait(timeout=20)
    assert proc.returncode == 0, proc.stderr
    state = json.loads(out.read_text())
    assert {c["name"]: c["value"] for c in state["cookies"]}["sessionid"] == "SECRETCDP"
