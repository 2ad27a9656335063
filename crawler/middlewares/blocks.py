"""Blocked pages: classified once, retried with backoff on another browser context, then reported.

What decides that a page is blocked is ``crawler/blocks.py`` (the one classifier, asked by
``crawler.extract`` only about pages that gave no record), plus HTTP 403/429 and an SPA shell that
never rendered. The spider raises ``PageBlocked(reason)`` from its callback; this middleware then

- counts ``blocked/<reason>``;
- retires the browser context that got blocked when it is a proxy's (``context_blocked`` signal,
  heard by ``crawler.middlewares.contexts``), so the retry goes out through another;
- retries the page through Scrapy's ``get_retry_request`` (``BLOCK_RETRY_TIMES``), the retry
  waiting ``min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2**(n-1)) * uniform(0.5, 1)`` seconds in
  ``BackoffMiddleware`` (only that request waits, the crawl goes on);
- gives up after that, counting ``blocked/gave_up`` (exit 3 when nothing else came of the crawl).
"""
from __future__ import annotations

import asyncio
import logging
import random

from scrapy.downloadermiddlewares.retry import get_retry_request

logger = logging.getLogger(__name__)

# sent when a context got blocked: handlers take ``context`` (its name)
context_blocked = object()
# meta keys that belong to one attempt, never copied to the retry
_ATTEMPT_META = ("playwright_page", "page_pool_checked", "playwright_context", "playwright_context_kwargs",
                 "server_documents", "api_responses", "api_pending", "contexts_assigned", "proxy")


class PageBlocked(Exception):
    """Raised by a spider callback: the page is a block (captcha, login wall, HTTP 403 ...)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__("blocked (%s)" % reason)


class BlockMiddleware:
    """Spider middleware: PageBlocked → stats, proxy retirement, retry with backoff, give up."""

    def __init__(self, crawler, retry_times: int):
        self.crawler = crawler
        self.retry_times = retry_times

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getint("BLOCK_RETRY_TIMES", 2))

    def process_spider_exception(self, response, exception, spider=None):
        if not isinstance(exception, PageBlocked):
            return None
        stats = self.crawler.stats
        reason = exception.reason
        stats.inc_value("blocked/%s" % reason)
        request = response.request
        context = request.meta.get("playwright_context")
        if context and context.startswith("proxy-"):
            self.crawler.signals.send_catch_log(context_blocked, context=context)
        retry = get_retry_request(request, spider=self.crawler.spider, reason="blocked/%s" % reason,
                                  max_retry_times=self.retry_times)
        if retry is None:
            stats.inc_value("blocked/gave_up")
            logger.error("%s: blocked (%s) after %d retries; giving up on this page", response.url, reason,
                         self.retry_times)
            return []
        for key in _ATTEMPT_META:
            retry.meta.pop(key, None)
        retry.meta["attempt"] = retry.meta["backoff_attempt"] = retry.meta["retry_times"]
        logger.warning("%s: blocked (%s), retry %d of %d", response.url, reason, retry.meta["attempt"],
                       self.retry_times)
        return [retry]


class BackoffMiddleware:
    """Downloader middleware: a retried blocked page waits before it is sent."""

    def __init__(self, base: float, maximum: float):
        self.base, self.maximum = base, maximum

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getfloat("BACKOFF_BASE_S", 2.0), crawler.settings.getfloat("BACKOFF_MAX_S", 60.0))

    def delay(self, attempt: int) -> float:
        return min(self.maximum, self.base * 2 ** max(0, attempt - 1)) * random.uniform(0.5, 1.0)

    async def process_request(self, request, spider=None):
        attempt = request.meta.get("backoff_attempt")
        if attempt:
            await asyncio.sleep(self.delay(attempt))
        return None
