"""The base of every platform spider: targets in, pages through Chromium, records out.

A platform spider (``spiders/<platform>.py``) only declares how the platform works:

- ``allowed_domains`` / ``cdn_domains``: what the network guard lets it fetch;
- ``search_url(query)`` / ``account_url(handle)``: where a search term or an account
  is read (leave unset when the platform has no such page);
- ``options``: its own ``-a`` arguments (``crawler.targets.Option``), e.g. Shopee's ``site``;
  ``check_target(kind, value)``: a one-line problem with a target, or None;
- ``api_patterns``: regexes of the JSON API responses the page itself fetches while
  it is scrolled (``scrolls`` times); they are read like pages;
- ``follow_kinds``: record kinds found on list pages whose detail page says more;
- ``browser``: False for platforms whose data is already in the server HTML;
  ``plain_pages``: a regex of the URLs fetched without it (list pages that keep no screenshot);
- ``allow_target_hosts``: for stores on their own domains (Shopify, ``web``), the network
  guard also allows the hosts of the given URLs (never private addresses).

The rest is Scrapy components, enabled in ``crawler/settings.py``: targets parsed once
(``crawler.targets``), sharding of the start requests (``middlewares/sharding.py``), the network
guard (``middlewares/guard.py``), contexts and proxies (``middlewares/contexts.py``), the page
pool (``middlewares/pagepool.py``), blocks retried with backoff (``middlewares/blocks.py``), the
``max_items`` budget (``middlewares/budget.py``), evidence captured by ``crawler.evidence`` and written
with the records by the item pipeline (``crawler/pipelines.py``).

What it says it is (one browser identity) and how hard it goes (the platform's concurrency and delay
with AutoThrottle) are the settings it brings to its crawl: ``crawler.spider_settings``. What a browser
page keeps for extraction (the served document, the API answers it fetches, evidence images) and the
sources of one page: ``crawler.capture``.

Requests are data (callbacks are spider methods, meta holds no live object) so that ``-s JOBDIR=DIR``
can persist them; what one attempt needs (the page init callback, the page) is set at download time
(crawler.middlewares.contexts). What a page holds is decided by ``crawler.extract`` (the same code as
``scrapy extract``), from every source of the page at once (``extract_sources``).
"""
from __future__ import annotations

import logging
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response

from crawler import capture
from crawler.evidence import EVIDENCE_FIELD, Capture, PageEvidence
from crawler.extract import extract_sources
from crawler.middlewares.blocks import PageBlocked
from crawler.middlewares.guard import RefusedFinalUrl
from crawler.middlewares.pagepool import release_page
from crawler.records import to_dict
from crawler.schema import utc_now
from crawler.sharding import attach as attach_shard
from crawler.spider_settings import configure
from crawler.targets import Targets, TargetError, describe_options, is_url, supported, watchlist_targets

logger = logging.getLogger(__name__)

__all__ = ["PlatformSpider", "TargetError"]

BROWSER_GONE = re.compile(r"Target (page, context or browser )?(has been )?closed|Browser has been closed|"
                          r"crash|disconnected", re.I)
API_URL = re.compile(r"/api/|/ajax/|/oembed\b|\.json(?:$|\?)")


class PlatformSpider(scrapy.Spider):
    platform: str = ""
    allowed_domains: list[str] = []
    cdn_domains: list[str] = []
    api_patterns: list[str] = []
    options: dict = {}
    scrolls: int = 0
    scroll_wait_ms: int = 800
    follow_kinds: tuple[str, ...] = ()
    browser: bool = True
    plain_pages: str | None = None
    allow_target_hosts: bool = False
    blocked_resource_types: tuple[str, ...] | None = None
    resumable: bool = False

    # ---- what a platform declares ----
    def search_url(self, query: str) -> str | None:
        return None

    def account_url(self, handle: str) -> str | None:
        return None

    # ---- targets (crawler.targets) ----
    @classmethod
    def supported_targets(cls) -> list[str]:
        return supported(cls)

    @classmethod
    def check_targets(cls, args: dict[str, Any], settings=None) -> Targets:
        """The crawl's targets, or TargetError naming what the platform supports, before anything starts."""
        return Targets.parse(cls, args, settings)

    @classmethod
    def watchlist_targets(cls, watchlist) -> dict[str, list[str]]:
        return watchlist_targets(cls, watchlist)

    @classmethod
    def help(cls) -> str:
        return describe_options(cls)

    def __init__(self, *args: Any, **kwargs: Any):
        arguments = {k: kwargs.pop(k) for k in list(kwargs) if k in ("url", "query", "account", "max_items",
                                                                    "watchlist") or k in self.options}
        super().__init__(*args, **kwargs)
        self.arguments = arguments
        self.targets = Targets.parse(type(self), arguments)  # again with settings in from_crawler
        self.crawl_id = kwargs.get("crawl_id") or "%s-%s" % (
            utc_now().replace(":", "").replace("-", "")[:15], uuid.uuid4().hex[:8])
        __import__("crawler.ids").ids.check_id(self.crawl_id, "crawl_id")  # egress issue: crawl_id becomes a path

    # the targets as the rest of the project reads them
    query = property(lambda self: self.targets.query_arg)
    account = property(lambda self: self.targets.account_arg)
    watchlist = property(lambda self: self.targets.watchlist)
    queries = property(lambda self: self.targets.queries)
    accounts = property(lambda self: self.targets.accounts)
    target_urls = property(lambda self: self.targets.urls)
    max_items = property(lambda self: self.targets.max_items)
    targets_description = property(lambda self: self.targets.describe())

    def option(self, name: str) -> Any:
        return self.targets.options.get(name)

    @classmethod
    def update_settings(cls, settings) -> None:
        super().update_settings(settings)
        configure(cls, settings)  # browser, identity, politeness, network guard: crawler.spider_settings

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.targets = Targets.parse(cls, spider.arguments, settings)  # settings give option defaults
        spider.network_guard = settings["PLAYWRIGHT_ABORT_REQUEST"]
        if cls.allow_target_hosts:
            hosts = {(urlsplit(u).hostname or "").lower() for u in spider.target_urls}
            spider.network_guard.domains += tuple(sorted(h for h in hosts if h))
        crawler.signals.connect(spider.opened, signal=signals.spider_opened)
        spider.resumable = bool(settings.get("JOBDIR"))
        spider.evidence = Capture(settings, guard=spider.network_guard)  # its stats once the crawl starts
        attach_shard(spider, settings)  # spider.shard, spider.run_id (crawler.sharding)
        return spider

    def opened(self, spider=None) -> None:
        stats = self.crawler.stats
        self.network_guard.stats = stats
        self.evidence.stats = stats
        for key, value in (("crawl_id", self.crawl_id), ("run_id", self.run_id), ("shard/index", self.shard.index),
                           ("shard/count", self.shard.count)):
            stats.set_value(key, value)

    # ---- requests ----
    async def start(self) -> AsyncIterator[scrapy.Request]:
        """One request per target (URL, search term, account; the watchlist's too): sharded by
        crawler.middlewares.sharding."""
        for url in self.target_urls:
            yield self.page_request(url, role="url")
        for term in self.queries:
            yield self.page_request(self.search_url(term), role="search", query=term)
        for handle in self.accounts:
            url = handle if is_url(handle) else self.account_url(handle.lstrip("@"))
            yield self.page_request(url, role="account", query=handle)

    def page_request(self, url: str, role: str, query: str | None = None, attempt: int = 0, **meta: Any) -> scrapy.Request:
        meta.update({"role": role, "query": query if query is not None else self.query_for(url), "attempt": attempt})
        if self.uses_browser(url):
            # the page init callback (self.page_init) is set at download time (crawler.middlewares.contexts)
            meta.update({"playwright": True, "playwright_include_page": True})
            if self.evidence.keeps(role):
                meta["evidence"] = True
        # targets are fetched even when seen before in this crawl, except in a resumed one (JOBDIR), where
        # the fingerprints of the last run say which are done
        return scrapy.Request(url, callback=self.parse_page, errback=self.page_failed, meta=meta,
                              dont_filter=bool(attempt) or (role != "detail" and not self.resumable))

    def uses_browser(self, url: str) -> bool:
        """JSON APIs are fetched without a browser (a browser would wrap them in HTML), and so are
        the spider's ``plain_pages``."""
        if self.plain_pages and re.search(self.plain_pages, url):
            return False
        return self.browser and not API_URL.search(url)

    def query_for(self, url: str) -> str | None:
        return self.targets.query_arg or self.targets.account_arg or (url if url in self.target_urls else None)

    async def page_init(self, page, request) -> None:
        """Before navigation (set at download time by crawler.middlewares.contexts): crawler.capture.watch."""
        evidence = self.evidence if request.meta.get("evidence") else None
        await capture.watch(page, request, self.api_patterns, evidence, self.network_guard.blocked_resource_types)

    # ---- responses ----
    async def parse_page(self, response: Response):
        page = response.meta.get("playwright_page")  # given back by crawler.middlewares.pagepool
        evidence = None
        if page is not None:
            await capture.settle(page, response, self.scrolls, self.scroll_wait_ms)
            if response.meta.get("evidence"):
                evidence = await self.evidence.capture(page, response, response.meta.get("evidence_images") or [])
        elif self.evidence.keeps(response.meta.get("role", "url")):
            evidence = PageEvidence(url=response.url, html=response.body)  # a plain page: its HTML
        for item in self.records_of(response, evidence):
            yield item

    def records_of(self, response: Response, evidence=None):
        stats = self.crawler.stats
        stats.inc_value("pages/%s" % response.meta.get("role", "url"))
        if response.status in (403, 429):
            raise PageBlocked("http_%d" % response.status)
        found = extract_sources(capture.sources_of(response, self.crawl_id), self.platform, self.watchlist)
        for status in found.statuses or []:
            stats.inc_value("extract/api_status/%s" % status)
        if found.unread_api:
            stats.inc_value("extract/api_unread", found.unread_api)
        if not found.records:
            if found.blocked:
                raise PageBlocked(found.blocked)
            if found.failure is not None:
                if _looks_empty(response):
                    raise PageBlocked("empty_shell")
                stats.inc_value("extract/error")
                logger.error("%s: %s", *found.failure)
            return
        for record, _parser in found.records:
            if evidence is not None:  # the rendered page is the evidence of what it showed, XHR data included
                record.evidence = evidence.schema()
            item = to_dict(record)
            if evidence is not None:
                item[EVIDENCE_FIELD] = evidence  # written by the item pipeline, then taken off
            yield item
            if record.kind in self.follow_kinds and response.meta.get("role") in ("search", "account") \
                    and record.url != response.url:
                yield self.page_request(record.url, role="detail", query=response.meta.get("query"),
                                        follows=(record.kind, record.id))

    async def page_failed(self, failure):
        """A page that failed to load: its browser page is given back, never left open; a crashed or
        closed browser (scrapy-playwright restarts it) gets the request retried."""
        request = failure.request
        if request.meta.get("playwright"):
            await release_page(self.crawler, request.meta, healthy=False)
        if failure.check(RefusedFinalUrl):  # counted and logged by the network guard
            return
        message = failure.getErrorMessage()
        if request.meta.get("playwright") and BROWSER_GONE.search(message):
            retry = get_retry_request(request, spider=self, reason="browser_crashed", max_retry_times=2)
            if retry is not None:
                retry.meta.pop("page_pool_checked", None)
                self.crawler.stats.inc_value("browser/retried")
                logger.warning("%s: the browser went away (%s); retrying", request.url, message)
                yield retry
                return
        self.crawler.stats.inc_value("pages/failed")
        logger.error("%s: %s", request.url, message)


def _looks_empty(response: Response) -> bool:
    """An SPA shell: a page whose visible text is almost nothing (the app never rendered)."""
    try:
        text = " ".join(response.xpath("//body//text()[not(ancestor::script)][not(ancestor::style)]").getall())
    except (AttributeError, ValueError):
        return False
    return len(text.split()) < 5
