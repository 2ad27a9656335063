"""Reuse a few long-lived browser pages instead of opening one per request.

Opening a page per URL costs more CPU than rendering on 2 cores (FIELD-NOTES: 0.36 s
against 0.21 s per page). With ``PAGE_POOL_SIZE = N`` (default 4, 0 turns it off)
at most N pages exist per context; a request takes a free page
(``meta["playwright_page"]``, which scrapy-playwright reuses), waits for one when
all are busy, or lets the handler open a new one while fewer than N exist. The
pool takes its pages back itself: ``PageReleaseMiddleware`` (a spider middleware) once the
callback's output is consumed, or on its error, and ``release_page`` for a request that failed to
download (the spider's errback). A page is closed when it failed; without a pool, pages are closed
after use. Never left open.

Memory, by measure: a renderer that navigates without pause never runs its idle-time garbage
collection, so every document it showed stays in its heap (measured on the benchmark pages: 2
documents and ~1.1 MiB of JS heap more per navigation, 380 MiB of renderer after 60 pages). So when a
page comes back, its JS heap is read over CDP (``Runtime.getHeapUsage``, ~1 ms) and, above
``PAGE_POOL_GC_HEAP_MB``, garbage is collected (``HeapProfiler.collectGarbage``, ~20 ms of renderer
time: back to one document, ~110 MiB of renderer); a page still above ``PAGE_POOL_MAX_HEAP_MB``
afterwards (a leak of the site's own) is closed and replaced. ``PAGE_POOL_MAX_USES`` still closes a
page after that many navigations: Playwright's driver and its Python client keep protocol objects of a
long-lived page (measured: both grow by ~150 MiB over 1000 pages on 4 pages), which only closing frees.
"""
from __future__ import annotations

import asyncio
from collections import defaultdict

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware


MIB = 1024 * 1024


class PagePool:
    def __init__(self, size: int, max_uses: int, gc_heap_mb: float = 0, max_heap_mb: float = 0, stats=None):
        self.size, self.max_uses = size, max_uses
        self.gc_heap, self.max_heap = gc_heap_mb * MIB, max_heap_mb * MIB
        self.stats = stats
        self.sessions: dict[int, object] = {}
        self.free: dict[str, list] = defaultdict(list)
        self.count: dict[str, int] = defaultdict(int)
        self.uses: dict[int, int] = defaultdict(int)
        self.changed = asyncio.Condition()

    async def acquire(self, context: str):
        """A free page of ``context``, or None when the handler may open a new one."""
        async with self.changed:
            while True:
                while self.free[context]:
                    page = self.free[context].pop()
                    if not page.is_closed():
                        return page
                    self.count[context] -= 1
                if self.count[context] < self.size:
                    self.count[context] += 1
                    return None
                await self.changed.wait()

    async def trim(self, page) -> bool:
        """Collect the page's garbage when its JS heap is large; False when it stays too large to keep."""
        if not self.gc_heap:
            return True
        try:
            session = self.sessions.get(id(page))
            if session is None:
                session = self.sessions[id(page)] = await page.context.new_cdp_session(page)
            used = (await session.send("Runtime.getHeapUsage"))["usedSize"]
            if used < self.gc_heap:
                return True
            await session.send("HeapProfiler.collectGarbage")
            used = (await session.send("Runtime.getHeapUsage"))["usedSize"]
        except Exception:  # not Chromium, or the page went away: keep the count-based limit only
            return True
        if self.stats is not None:
            self.stats.inc_value("page_pool/gc")
        if self.max_heap and used > self.max_heap:
            if self.stats is not None:
                self.stats.inc_value("page_pool/recycled_heap")
            return False
        return True

    async def release(self, context: str, page, healthy: bool = True) -> None:
        """Give ``page`` back (or close it when spent, failed, too large or already closed)."""
        keep = healthy and page is not None and not page.is_closed() and self.uses[id(page)] + 1 < self.max_uses
        if keep:
            keep = await self.trim(page)  # outside the lock: other pages come and go meanwhile
        async with self.changed:
            if page is not None:
                self.uses[id(page)] += 1
                if keep and not page.is_closed():
                    self.free[context].append(page)
                else:
                    self.uses.pop(id(page), None)
                    self.sessions.pop(id(page), None)
                    self.count[context] -= 1
                    if not page.is_closed():
                        await page.close()
            else:  # the handler never produced the page it was allowed to open
                self.count[context] -= 1
            self.changed.notify_all()

    async def close(self) -> None:
        for pages in self.free.values():
            for page in pages:
                if not page.is_closed():
                    await page.close()
        self.free.clear()


class PagePoolMiddleware:
    def __init__(self, crawler, size: int, max_uses: int, gc_heap_mb: float = 0, max_heap_mb: float = 0):
        self.pool = PagePool(size, max_uses, gc_heap_mb, max_heap_mb)
        crawler.page_pool = self.pool
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        self.crawler = crawler

    def spider_opened(self, spider=None):
        self.pool.stats = self.crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        size = settings.getint("PAGE_POOL_SIZE", 4)
        if size <= 0:
            raise NotConfigured
        return cls(crawler, size, settings.getint("PAGE_POOL_MAX_USES", 100),
                   settings.getfloat("PAGE_POOL_GC_HEAP_MB", 0), settings.getfloat("PAGE_POOL_MAX_HEAP_MB", 0))

    async def process_request(self, request, spider=None):
        if request.meta.get("playwright") and request.meta.get("playwright_include_page") \
                and "playwright_page" not in request.meta and not request.meta.get("page_pool_checked"):
            request.meta["page_pool_checked"] = True
            page = await self.pool.acquire(request.meta.get("playwright_context", "default"))
            if page is not None:
                request.meta["playwright_page"] = page
        return None

    async def spider_closed(self, spider=None):
        await self.pool.close()


async def release_page(crawler, meta: dict, healthy: bool) -> None:
    """Give a request's page back to the pool when it came from there; close it otherwise."""
    page = meta.pop("playwright_page", None)
    pool = getattr(crawler, "page_pool", None)
    if pool is not None and meta.get("page_pool_checked"):
        meta.pop("page_pool_checked", None)
        await pool.release(meta.get("playwright_context", "default"), page, healthy)
    elif page is not None and not page.is_closed():
        await page.close()


class PageReleaseMiddleware(BaseSpiderMiddleware):
    """Releases a response's browser page once the callback is done with it (all its output consumed),
    as unhealthy when the callback failed for another reason than a block."""

    async def process_spider_output_async(self, response, result, spider=None):
        healthy = False
        try:
            async for output in result:
                yield output
            healthy = True
        except Exception as exc:
            from crawler.middlewares.blocks import PageBlocked

            healthy = isinstance(exc, PageBlocked)
            raise
        finally:
            if response.meta.get("playwright_page") is not None:
                await release_page(self.crawler, response.meta, healthy)

    def process_spider_output(self, response, result, spider=None):  # sync callbacks hold no page
        yield from result
