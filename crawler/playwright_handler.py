"""scrapy-playwright's download handler, one instance for http and https.

Scrapy builds a handler per scheme at start-up; each scrapy-playwright handler starts its own
Playwright driver (a Node process, 80-95 MiB), one of them idle, and a crawl mixing http and
https URLs could launch two browsers. This subclass hands out a single instance per crawler.
"""
from __future__ import annotations

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class SharedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    @classmethod
    def from_crawler(cls, crawler):
        handler = getattr(crawler, "_shared_playwright_handler", None)
        if handler is None:
            handler = cls(crawler)
            handler._shared_closed = False
            crawler._shared_playwright_handler = handler
        return handler

    async def close(self) -> None:
        if not self._shared_closed:
            self._shared_closed = True
            await super().close()
