"""Browser contexts and proxies, per request (downloader middleware).

- ``PROXIES=http://u:p@host:port,...``: one browser context per proxy (``proxy-0``, ``proxy-1`` ...),
  taken in turn; a context that got blocked is retired (``context_blocked`` from
  ``crawler.middlewares.blocks``) and its retries go out through another. Plain requests (no
  browser) take the same proxy through ``meta["proxy"]``.
- ``STORAGE_STATE`` (or ``<PLATFORM>_STORAGE_STATE``): the login state every context starts from; a
  state whose cookies have all expired (``crawler.expires_at``, written by ``scrapy login``, or the
  cookies' own dates) gets one warning line and ``session/expired`` in the stats.
- ``RECORD_HAR``: each context records into ``<RECORD_HAR>.<context>.part`` (``crawler.recording``
  joins and scrubs the parts when the crawl ends).

- ``BROWSER_IDENTITY`` (set by the spider base from the real browser version, crawler.browser.Identity):
  every context's User-Agent, locale and time zone.

Without proxies every browser request shares the ``default`` context.

What belongs to one attempt is set here, at download time, never when the request is made: the
context, and the spider's page init callback (a bound method, which ``JOBDIR`` could not persist). A
request that goes (back) to the scheduler, a retry say, leaves every per-attempt key behind
(``ATTEMPT_META``, on ``request_scheduled``): what the scheduler keeps is plain data, so ``-s JOBDIR=DIR``
can write it to disk.
"""
from __future__ import annotations

import json
import logging
import os
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals

from crawler.middlewares.blocks import context_blocked

# meta keys that belong to one attempt (live pages, futures, callbacks, captured bodies): never scheduled
ATTEMPT_META = ("playwright_page", "page_pool_checked", "playwright_context", "playwright_context_kwargs",
                "playwright_page_init_callback", "replay_routed", "server_documents", "api_responses", "api_pending",
                "evidence_images", "evidence_budget", "contexts_assigned", "proxy",
                "frontier_token")


logger = logging.getLogger(__name__)


def warn_if_expired(path: str, platform: str) -> str | None:
    """One warning line when the login state has expired (never its content); when it expired, or None."""
    from crawler.commands.login import state_expiry

    try:
        with open(path, encoding="utf-8") as f:
            state = json.load(f)
    except (OSError, ValueError):
        return None  # Playwright reports a missing or broken state itself when the context opens
    expires = state_expiry(state, platform or None)
    if expires is None or expires > time.time():
        return None
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(expires))
    logger.warning("the login state %s expired on %s: pages may show a login wall; sign in again with "
                   "`scrapy login %s`", path, when, platform or "<platform>")
    return when


def proxy_settings(url: str) -> dict:
    """Playwright's proxy dict from ``scheme://user:pass@host:port``."""
    parts = urlsplit(url)
    server = "%s://%s:%s" % (parts.scheme or "http", parts.hostname, parts.port) if parts.port else \
        "%s://%s" % (parts.scheme or "http", parts.hostname)
    out = {"server": server}
    if parts.username:
        out["username"] = parts.username
    if parts.password:
        out["password"] = parts.password
    return out


class Contexts:
    """Which context a request takes (one per proxy, retired ones skipped), and with what options."""

    def __init__(self, proxies: list[str], storage_state: str | None = None, record_har: str | None = None,
                 identity: dict | None = None):
        self.identity = dict(identity or {})
        self.proxies = proxies
        self.storage_state = storage_state
        self.record_har = record_har
        self.retired: set[str] = set()
        self._turn = 0

    def retire(self, context: str) -> None:
        self.retired.add(context)

    def choose(self, attempt: int = 0) -> tuple[str, dict[str, Any], str | None]:
        """(context name, Playwright context kwargs, proxy URL) for the next request."""
        kwargs: dict[str, Any] = dict(self.identity)
        name, proxy = "default", None
        if self.proxies:
            live = [i for i in range(len(self.proxies)) if "proxy-%d" % i not in self.retired]
            if not live:
                live = list(range(len(self.proxies)))  # all retired: keep going rather than stop
            index = live[(self._turn + attempt) % len(live)]
            self._turn += 1
            name, proxy = "proxy-%d" % index, self.proxies[index]
            kwargs["proxy"] = proxy_settings(proxy)
        if self.storage_state:
            kwargs["storage_state"] = self.storage_state
        if self.record_har:
            kwargs["record_har_path"] = "%s.%s.part" % (self.record_har, name)
            kwargs["record_har_content"] = "embed"
        return name, kwargs, proxy


class BrowserContextMiddleware:
    def __init__(self, crawler, contexts: Contexts):
        self.crawler = crawler
        self.contexts = contexts
        crawler.signals.connect(self.context_blocked, signal=context_blocked)
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        self.session_expired: str | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        platform = getattr(crawler.spidercls, "platform", "") or ""
        storage_state = settings.get("STORAGE_STATE") or os.environ.get("%s_STORAGE_STATE" % platform.upper())
        middleware = cls(crawler, Contexts(settings.getlist("PROXIES"), storage_state, settings.get("RECORD_HAR"),
                                           settings.getdict("BROWSER_IDENTITY")))
        middleware.session_expired = warn_if_expired(str(storage_state), platform) if storage_state else None
        return middleware

    def spider_opened(self, spider=None) -> None:
        if self.session_expired:
            self.crawler.stats.set_value("session/expired", self.session_expired)

    def request_scheduled(self, request, spider=None) -> None:
        """A request going to the scheduler (a new one, or a retry copied from a finished attempt) is data only."""
        for key in ATTEMPT_META:
            request.meta.pop(key, None)

    def context_blocked(self, context: str) -> None:
        self.contexts.retire(context)

    def process_request(self, request, spider=None):
        if request.meta.get("playwright") and "playwright_page_init_callback" not in request.meta:
            init = getattr(spider or self.crawler.spider, "page_init", None)
            if init is not None:
                request.meta["playwright_page_init_callback"] = init
        if "playwright_context" in request.meta or request.meta.get("contexts_assigned"):
            return None
        request.meta["contexts_assigned"] = True
        name, kwargs, proxy = self.contexts.choose(request.meta.get("attempt", 0))
        if request.meta.get("playwright"):
            request.meta["playwright_context"] = name
            request.meta["playwright_context_kwargs"] = kwargs
        elif proxy:
            request.meta["proxy"] = proxy
        return None
