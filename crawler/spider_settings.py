"""What a platform spider brings to its crawl's settings (``PlatformSpider.update_settings``).

- the browser: chosen once per crawl (``BROWSER_EXECUTABLE_PATH``, Playwright's own, a system Chromium:
  ``crawler.browser``), and no Playwright driver at all for spiders that never render;
- one identity from the real browser version (``crawler.browser.Identity``) with the platform's locale and
  time zone (``crawler.platforms``), for the browser and plain requests alike;
- politeness: the platform's concurrency per host and least delay, AutoThrottle above that floor;
- the network guard of the spider's domains, asked by scrapy-playwright about every browser request.
"""
from __future__ import annotations

import logging

from crawler.browser import identity_for, launch_options
from crawler.middlewares.guard import NetworkGuard
from crawler.platforms import PLATFORMS

logger = logging.getLogger(__name__)


def configure(cls, settings) -> None:
    """The settings a platform spider brings to its crawl (its ``update_settings``)."""
    options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
    try:  # the browser: chosen once per crawl (setting, Playwright's own, or a system Chromium)
        options.update(launch_options(settings.get("BROWSER_EXECUTABLE_PATH")))
    except FileNotFoundError as exc:
        logger.error("%s", exc)
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority="spider")
    apply_identity(cls, settings, options)
    apply_politeness(cls, settings)
    if not cls.browser:  # no Playwright driver at all for spiders that never render
        plain = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"
        settings.set("DOWNLOAD_HANDLERS", {"http": plain, "https": plain}, priority="spider")
    settings.set("PLAYWRIGHT_ABORT_REQUEST", NetworkGuard.for_spider(cls, settings), priority="spider")


def apply_identity(cls, settings, options: dict) -> None:
    """One identity from the real browser version: Playwright context options (BROWSER_IDENTITY, used by
    crawler.middlewares.contexts) and the same User-Agent and client hints for plain requests."""
    if settings.get("PLAYWRIGHT_CDP_URL") or settings.get("PLAYWRIGHT_CONNECT_URL"):
        return  # a browser started elsewhere: its version cannot be told before connecting
    platform = PLATFORMS.get(cls.platform)
    identity = identity_for(options, settings.get("BROWSER_LOCALE") or (platform.locale if platform else None),
                            settings.get("BROWSER_TIMEZONE") or (platform.timezone if platform else None))
    if identity is None:
        logger.warning("browser version unknown: the crawl keeps Playwright's default identity")
        return
    settings.set("BROWSER_IDENTITY", identity.context_kwargs(), priority="spider")
    settings.set("USER_AGENT", identity.user_agent, priority="spider")
    headers = dict(settings.getdict("DEFAULT_REQUEST_HEADERS"))
    headers.update(identity.plain_headers())
    settings.set("DEFAULT_REQUEST_HEADERS", headers, priority="spider")


def apply_politeness(cls, settings) -> None:
    """The platform's concurrency per host and least delay (crawler.platforms); AutoThrottle adapts
    above that floor. Not in replay: nothing is fetched from the platform. ``-s`` overrides either."""
    if settings.get("REPLAY_HAR"):
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")  # no platform to be polite to
        return
    platform = PLATFORMS.get(cls.platform)
    if platform is None or not settings.getbool("POLITENESS_ENABLED", True):
        return
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", platform.concurrency, priority="spider")
    settings.set("DOWNLOAD_DELAY", platform.delay_s, priority="spider")
    settings.set("AUTOTHROTTLE_START_DELAY", max(platform.delay_s, 1.0), priority="spider")
