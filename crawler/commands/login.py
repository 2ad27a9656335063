"""``scrapy login <platform> [--output FILE]``: sign in once, keep the session.

Three ways, each saving Playwright's storage state (cookies and local storage) to FILE with owner-only
permissions; crawls use it with ``-s STORAGE_STATE=FILE`` or the ``<PLATFORM>_STORAGE_STATE``
environment variable:

- on a desktop: opens Chromium (headed) at the platform's login page and waits until you press Enter in
  the terminal (or ``--wait`` seconds pass);
- ``--cookies FILE``: imports the cookies you exported from your own browser, as a Netscape
  ``cookies.txt`` or a JSON export (a list of cookies as browser extensions write them, or a storage
  state) — what works on a server without a display;
- ``--cdp-url URL``: attaches to a Chrome you started with ``--remote-debugging-port`` (on your desktop,
  reached through an SSH tunnel say), opens the login page there, and takes its session.

Without a display and without either option, the command says so in one line (exit 2).

A saved state carries ``crawler.expires_at``: when the last of the platform's cookies expires (session
cookies do not count); a crawl with an expired state warns (crawler.middlewares.contexts). The state is a
credential: it is never printed, logged, or written into records or HARs.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.browser import launch_options

LOGIN_URLS = {
    "tiktok": "https://www.tiktok.com/login", "tiktok_shop": "https://www.tiktok.com/login",
    "douyin": "https://www.douyin.com/", "xiaohongshu": "https://www.xiaohongshu.com/explore",
    "weibo": "https://passport.weibo.com/sso/signin", "instagram": "https://www.instagram.com/accounts/login/",
    "facebook_marketplace": "https://www.facebook.com/login/", "taobao": "https://login.taobao.com/",
    "tmall": "https://login.tmall.com/", "amazon": "https://www.amazon.com/ap/signin",
    "ebay": "https://signin.ebay.com/", "shopee": "https://shopee.co.id/buyer/login",
    "aliexpress": "https://login.aliexpress.com/", "mercadolibre": "https://www.mercadolibre.com/jms/mlm/lgz/login",
    "etsy": "https://www.etsy.com/signin",
}


def default_path(platform: str) -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "social-commerce-crawler" / ("%s.storage-state.json" % platform)


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "<platform> [--output FILE] [--url URL] [--wait SECONDS] [--cookies FILE | --cdp-url URL]"

    def short_desc(self) -> str:
        return "Sign in to a platform in a visible browser and save the session (storage state)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--output", default=None, help="where to save the storage state")
        parser.add_argument("--url", default=None, help="login page (default: the platform's)")
        parser.add_argument("--wait", type=float, default=None,
                            help="save after this many seconds instead of waiting for Enter")
        parser.add_argument("--cookies", default=None, metavar="FILE",
                            help="import cookies exported from your browser (Netscape cookies.txt or JSON)")
        parser.add_argument("--cdp-url", default=None, metavar="URL",
                            help="attach to a running Chrome (--remote-debugging-port) and take its session")
        parser.add_argument("--headless", action="store_true", help=argparse.SUPPRESS)  # for tests

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one platform: scrapy login tiktok")
        platform = args[0]
        url = opts.url or LOGIN_URLS.get(platform)
        if not url:
            sys.stderr.write("scrapy login: no login page known for %r (known: %s); give --url\n"
                             % (platform, ", ".join(sorted(LOGIN_URLS))))
            self.exitcode = 2
            return
        path = Path(opts.output) if opts.output else default_path(platform)
        try:
            if opts.cookies:
                state = state_from_cookies(Path(opts.cookies))
            elif opts.cdp_url:
                state = state_over_cdp(opts.cdp_url, url, opts.wait)
            elif not opts.headless and not has_display():
                sys.stderr.write(NO_DISPLAY % {"platform": platform})
                self.exitcode = 2
                return
            else:
                state = browser_login(url, opts.wait, headless=opts.headless)
        except (OSError, ValueError) as exc:
            sys.stderr.write("scrapy login: %s\n" % (str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
            self.exitcode = 2
            return
        except Exception as exc:  # Playwright: no browser at the CDP URL, a closed window ...
            sys.stderr.write("scrapy login: %s\n" % (str(exc).strip().splitlines()[0] if str(exc).strip()
                                                     else type(exc).__name__))
            self.exitcode = 1
            return
        expires = save_state(state, path, platform)
        self.exitcode = 0
        if not any(_platform_cookie(c, platform) for c in state.get("cookies", [])):
            sys.stderr.write("scrapy login: warning: no cookie of %s in the session\n" % platform)
        if expires:
            print("the session's cookies last until %s" % expires)
        if self.exitcode == 0:
            print("saved the %s session to %s; crawl with -s STORAGE_STATE=%s or %s_STORAGE_STATE=%s"
                  % (platform, path, path, platform.upper(), path))


NO_DISPLAY = ("scrapy login: no display here to open a browser in; on a server, import the cookies you exported "
              "from your own browser (scrapy login %(platform)s --cookies cookies.txt, Netscape or JSON) or attach "
              "to a Chrome you run with --remote-debugging-port (scrapy login %(platform)s --cdp-url "
              "http://127.0.0.1:9222)\n")


def has_display() -> bool:
    if sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def browser_login(url: str, wait: float | None, headless: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options(headless=headless))
        try:
            context = browser.new_context()
            page = context.new_page()
            page.goto(url)
            _wait(page, wait)
            return context.storage_state()
        finally:
            browser.close()


def state_over_cdp(cdp_url: str, url: str, wait: float | None) -> dict:
    """The session of a running Chrome: its first context, after you sign in on a page opened there."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.connect_over_cdp(cdp_url)
        context = browser.contexts[0] if browser.contexts else browser.new_context()
        page = context.new_page()
        try:
            page.goto(url)
            _wait(page, wait)
            return context.storage_state()
        finally:
            page.close()  # the user's browser stays as it was


def _wait(page, wait: float | None) -> None:
    if wait is None:
        input("Sign in in the browser window, then press Enter here to save the session... ")
    else:
        page.wait_for_timeout(wait * 1000)


_SAME_SITE = {"lax": "Lax", "strict": "Strict", "none": "None", "no_restriction": "None", "unspecified": "Lax"}


def state_from_cookies(path: Path) -> dict:
    """A storage state from exported cookies: a Netscape cookies.txt, a JSON list of cookies (browser
    extensions' exports: ``expirationDate``, ``sameSite`` ...) or a storage state."""
    text = path.read_text(encoding="utf-8-sig")
    if text.lstrip().startswith(("[", "{")):
        data = json.loads(text)
        if isinstance(data, dict) and "cookies" in data:
            return {"cookies": [_cookie(c) for c in data["cookies"]], "origins": data.get("origins", [])}
        if isinstance(data, list):
            return {"cookies": [_cookie(c) for c in data], "origins": []}
        raise ValueError("%s: not a cookie export (a JSON list of cookies or a storage state)" % path)
    jar = http.cookiejar.MozillaCookieJar()
    try:
        jar.load(str(path), ignore_discard=True, ignore_expires=True)
    except http.cookiejar.LoadError as exc:
        raise ValueError("%s: not a Netscape cookies.txt (%s)" % (path, exc)) from None
    return {"cookies": [{"name": c.name, "value": c.value or "", "domain": c.domain, "path": c.path or "/",
                         "expires": float(c.expires) if c.expires else -1, "httpOnly": c.has_nonstandard_attr(http.cookiejar.HTTPONLY_ATTR),
                         "secure": bool(c.secure), "sameSite": "Lax"} for c in jar], "origins": []}


def _cookie(c: dict) -> dict:
    if not isinstance(c, dict) or "name" not in c or "domain" not in c:
        raise ValueError("a cookie without a name or a domain in the export")
    expires = c.get("expires", c.get("expirationDate"))
    domain = c["domain"]
    if c.get("hostOnly") is False and not domain.startswith("."):
        domain = "." + domain
    return {"name": c["name"], "value": str(c.get("value", "")), "domain": domain, "path": c.get("path") or "/",
            "expires": float(expires) if expires not in (None, "") and not c.get("session") else -1,
            "httpOnly": bool(c.get("httpOnly")), "secure": bool(c.get("secure")),
            "sameSite": _SAME_SITE.get(str(c.get("sameSite") or "lax").lower(), "Lax")}


def _platform_cookie(cookie: dict, platform: str) -> bool:
    from crawler.platforms import PLATFORMS

    spec = PLATFORMS.get(platform)
    if spec is None:
        return True
    host = cookie.get("domain", "").lstrip(".").lower()
    return any(host == d or host.endswith("." + d) for d in spec.domains)


def state_expiry(state: dict, platform: str | None = None) -> float | None:
    """When the last of the platform's persistent cookies expires (epoch seconds); None when none has a date."""
    dates = [c["expires"] for c in state.get("cookies", []) if isinstance(c.get("expires"), (int, float))
             and c["expires"] > 0 and (platform is None or _platform_cookie(c, platform))]
    return max(dates) if dates else None


def save_state(state: dict, path: Path, platform: str) -> str | None:
    """Writes the state owner-only, with ``crawler.expires_at``; returns that expiry (ISO) or None."""
    expires = state_expiry(state, platform)
    iso = datetime.fromtimestamp(expires, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if expires else None
    state = {**state, "crawler": {"platform": platform, "expires_at": iso,
                                  "saved_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f)
    os.chmod(path, 0o600)
    return iso
