"""Browser contexts and proxies, per request (downloader middleware).

- ``PROXIES=http://u:p@host:port,...``: one browser context per proxy (``proxy-0``, ``proxy-1`` ...),
  taken in turn; a context that got blocked is retired (``context_blocked`` from
  ``crawler.middlewares.blocks``) and its retries go out through another. Plain requests (no
  browser) take the same proxy through ``meta["proxy"]``.
- ``STORAGE_STATE`` (or ``<PLATFORM>_STORAGE_STATE``): the login state every context starts from.
- ``RECORD_HAR``: each context records into ``<RECORD_HAR>.<context>.part`` (``crawler.recording``
  joins and scrubs the parts when the crawl ends).

Without proxies every browser request shares the ``default`` context.
"""
from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from crawler.middlewares.blocks import context_blocked


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

    def __init__(self, proxies: list[str], storage_state: str | None = None, record_har: str | None = None):
        self.proxies = proxies
        self.storage_state = storage_state
        self.record_har = record_har
        self.retired: set[str] = set()
        self._turn = 0

    def retire(self, context: str) -> None:
        self.retired.add(context)

    def choose(self, attempt: int = 0) -> tuple[str, dict[str, Any], str | None]:
        """(context name, Playwright context kwargs, proxy URL) for the next request."""
        kwargs: dict[str, Any] = {}
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

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        platform = getattr(crawler.spidercls, "platform", "") or ""
        storage_state = settings.get("STORAGE_STATE") or os.environ.get("%s_STORAGE_STATE" % platform.upper())
        return cls(crawler, Contexts(settings.getlist("PROXIES"), storage_state, settings.get("RECORD_HAR")))

    def context_blocked(self, context: str) -> None:
        self.contexts.retire(context)

    def process_request(self, request, spider=None):
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
