"""scrapy-playwright's download handler, one instance for http and https, and the browser's egress.

Scrapy builds a handler per scheme at start-up; each scrapy-playwright handler starts its own
Playwright driver (a Node process, 80-95 MiB), one of them idle, and a crawl mixing http and
https URLs could launch two browsers. This subclass hands out a single instance per crawler.

Egress (``crawler.egress``): the browser is launched behind the crawl's enforcing proxy on
127.0.0.1 (``--proxy-server``, loopback proxied too, ``--host-resolver-rules`` so that Chromium
resolves nothing itself, its background services off); every context it creates, whatever
``playwright_context_kwargs`` asked, gets the local listener as its proxy (a ``PROXIES`` proxy
becomes the listener's upstream), service workers blocked and downloads refused, a context-level
route (popups and any page without the handler's route) and a WebSocket route that refuse what the
network guard refuses, and everything in replay. The launch flags are amended here, not in
``crawler.browser``, so that no launch path can forget them.
"""
from __future__ import annotations

import glob
import logging
import os
import re

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.egress import egress_for, launch_options

logger = logging.getLogger(__name__)


def _upstream_url(proxy: dict | None) -> str | None:
    """The ``http://user:pass@host:port`` a Playwright proxy dict describes (the contexts middleware's)."""
    if not proxy or not proxy.get("server"):
        return None
    from urllib.parse import quote, urlsplit

    parts = urlsplit(proxy["server"] if "://" in proxy["server"] else "http://" + proxy["server"])
    auth = ""
    if proxy.get("username"):
        auth = "%s:%s@" % (quote(proxy["username"], safe=""), quote(proxy.get("password") or "", safe=""))
    return "%s://%s%s" % (parts.scheme or "http", auth, parts.netloc.rsplit("@", 1)[-1])


class SharedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.crawler = crawler
        self.egress = egress_for(crawler)
        self.replay = bool(crawler.settings.get("REPLAY_HAR"))
        if not (self.config.cdp_url or self.config.connect_url):
            self.config.launch_options = launch_options(self.config.launch_options, self.egress.proxy_for(None).url)

    @classmethod
    def from_crawler(cls, crawler):
        handler = getattr(crawler, "_shared_playwright_handler", None)
        if handler is None:
            handler = cls(crawler)
            handler._shared_closed = False
            crawler._shared_playwright_handler = handler
        return handler

    async def _launch(self) -> None:
        await self.egress.start()
        # RECORD_HAR: the Playwright driver writes the context recordings; started with umask 077, it
        # creates them owner-only (they hold cookies until crawler.recording scrubs them)
        old = os.umask(0o077) if self.crawler.settings.get("RECORD_HAR") else None
        try:
            await super()._launch()
        finally:
            if old is not None:
                os.umask(old)

    async def _create_browser_context(self, name, context_kwargs, spider=None):
        kwargs = dict(context_kwargs or {})
        listener = self.egress.proxy_for(_upstream_url(kwargs.pop("proxy", None)))
        await listener.start()
        kwargs["proxy"] = {"server": listener.url, "bypass": "<-loopback>"}
        kwargs.setdefault("service_workers", "block")
        kwargs["accept_downloads"] = False
        wrapper = await super()._create_browser_context(name, kwargs, spider)
        context = wrapper.context
        await context.route("**/*", self._context_route)
        await context.route_web_socket(re.compile(r".*"), self._websocket_route)
        return wrapper

    async def _context_route(self, route) -> None:
        """Requests no page route handled: popups (``window.open``), new pages. Refused in replay,
        else asked to the network guard like the handler's own route."""
        request = route.request
        guard = self.abort_request
        refuse = self.replay or (guard is not None and await _maybe_await(guard(request)))
        if refuse:
            self.crawler.stats.inc_value("egress/route_refused")
            await route.abort()
        else:
            await route.continue_()

    async def _websocket_route(self, ws) -> None:
        url = ws.url
        guard = self.abort_request
        http_url = re.sub(r"^ws", "http", url)
        reason = "replay" if self.replay else (guard.refusal(http_url) if hasattr(guard, "refusal") else None)
        if reason:
            self.crawler.stats.inc_value("egress/websocket_refused")
            logger.warning("egress: WebSocket to %s refused (%s)", _host_of(url), reason)
            await ws.close(code=1008, reason="refused")
            return
        ws.connect_to_server()

    async def close(self) -> None:
        if not self._shared_closed:
            self._shared_closed = True
            try:
                await super().close()
            finally:
                await self.egress.close()
                record = self.crawler.settings.get("RECORD_HAR")
                for part in glob.glob(glob.escape(record) + ".*.part") if record else []:
                    os.chmod(part, 0o600)


def _host_of(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc.rsplit("@", 1)[-1]


async def _maybe_await(value):
    if hasattr(value, "__await__"):
        return await value
    return value
