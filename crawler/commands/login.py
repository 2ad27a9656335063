"""``scrapy login <platform> [--output FILE]``: sign in once in a visible browser, keep the session.

Opens Chromium (headed) at the platform's login page, waits until you press Enter in
the terminal (or ``--wait`` seconds pass), then saves Playwright's storage state
(cookies and local storage) to FILE with owner-only permissions. Crawls use it with
``-s STORAGE_STATE=FILE`` or the ``<PLATFORM>_STORAGE_STATE`` environment variable.
The state is a credential: it is never printed, logged, or written into records or HARs.
"""
from __future__ import annotations

import argparse
import os
import sys
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
        return "<platform> [--output FILE] [--url URL] [--wait SECONDS]"

    def short_desc(self) -> str:
        return "Sign in to a platform in a visible browser and save the session (storage state)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--output", default=None, help="where to save the storage state")
        parser.add_argument("--url", default=None, help="login page (default: the platform's)")
        parser.add_argument("--wait", type=float, default=None,
                            help="save after this many seconds instead of waiting for Enter")
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
        self.exitcode = save_login(url, path, opts.wait, headless=opts.headless)
        if self.exitcode == 0:
            print("saved the %s session to %s; crawl with -s STORAGE_STATE=%s or %s_STORAGE_STATE=%s"
                  % (platform, path, path, platform.upper(), path))


def save_login(url: str, path: Path, wait: float | None, headless: bool = False) -> int:
    from playwright.sync_api import sync_playwright

    path.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options(headless=headless))
        try:
            context = browser.new_context()
            page = context.new_page()
            page.goto(url)
            if wait is None:
                input("Sign in in the browser window, then press Enter here to save the session... ")
            else:
                page.wait_for_timeout(wait * 1000)
            state = context.storage_state()
        finally:
            browser.close()
    import json

    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f)
    os.chmod(path, 0o600)
    return 0
