"""The base of every platform spider: targets in, pages through Chromium, records out.

A platform spider (``spiders/<platform>.py``) only declares how the platform works:

- ``allowed_domains`` / ``cdn_domains``: what the network guard lets it fetch;
- ``search_url(query)`` / ``account_url(handle)``: where a search term or an account
  is read (return None, or leave unset, when the platform has no such page);
- ``api_patterns``: regexes of the JSON API responses the page itself fetches while
  it is scrolled (``scrolls`` times); they are captured and parsed like pages;
- ``follow_kinds``: record kinds found on listing pages whose detail page says more
  (they are followed once each, up to ``max_items``);
- ``browser``: False for platforms whose data is already in the server HTML;
  ``plain_pages``: a regex of the URLs fetched without it (list pages that keep no screenshot);
- ``allow_target_hosts``: for stores on their own domains (Shopify, ``web``), the network
  guard also allows the hosts of the given URLs (never private addresses).

Targets: ``-a url=URL[,URL...]``, ``-a query=TERM``, ``-a account=HANDLE_OR_URL``,
``-a max_items=N``. Every page's records come from ``crawler.extract`` (the same
code as ``scrapy extract``); blocked pages count as ``blocked/<reason>``, are retried
with backoff (on another proxy when there are several) and then reported.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response

from crawler.browser import launch_options
from crawler.errors import BlockedPage, ExtractionError
from crawler.extract import extract_page
from crawler.middlewares.guard import NetworkGuard
from crawler.page import Page
from crawler.records import to_dict
from crawler.schema import Evidence, utc_now
from crawler.watchlist import WatchlistError, load_watchlist
from crawler.sharding import attach as attach_shard
from crawler.storage import evidence_key, writer_for

logger = logging.getLogger(__name__)

TARGETS = ("url", "query", "account")
BROWSER_GONE = re.compile(r"Target (page, context or browser )?(has been )?closed|Browser has been closed|"
                          r"crash|disconnected", re.I)
API_URL = re.compile(r"/api/|/ajax/|/oembed\b|\.json(?:$|\?)")


class TargetError(ValueError):
    """A target the spider cannot crawl (one line, for the crawl command to print)."""


class PlatformSpider(scrapy.Spider):
    platform: str = ""
    allowed_domains: list[str] = []
    cdn_domains: list[str] = []
    api_patterns: list[str] = []
    scrolls: int = 0
    scroll_wait_ms: int = 800
    screenshot_timeout_ms: int = 30_000
    follow_kinds: tuple[str, ...] = ()
    browser: bool = True
    # URLs whose data is in the server HTML and that keep no screenshot: fetched without the browser
    plain_pages: str | None = None
    # stores that live on their own domains (Shopify, any schema.org store): the guard also allows the targets' hosts
    allow_target_hosts: bool = False
    blocked_resource_types: tuple[str, ...] | None = None

    # ---- what a platform declares ----
    def search_url(self, query: str) -> str | None:
        return None

    def account_url(self, handle: str) -> str | None:
        return None

    # ---- targets ----
    @classmethod
    def supported_targets(cls) -> list[str]:
        supported = ["url"]
        if cls.search_url is not PlatformSpider.search_url:
            supported.append("query")
        if cls.account_url is not PlatformSpider.account_url:
            supported.append("account")
        return supported

    @classmethod
    def check_targets(cls, args: dict[str, Any]) -> None:
        """Raise TargetError naming what the platform supports, before anything starts."""
        given = [t for t in TARGETS if args.get(t)]
        supported = cls.supported_targets()
        if not given and not args.get("watchlist"):
            raise TargetError("%s: give a target: %s" % (cls.name, ", ".join("-a %s=..." % t for t in supported)))
        for target in given:
            if target not in supported:
                raise TargetError("%s does not support -a %s; it supports: %s" % (
                    cls.name, target, ", ".join("-a %s=..." % t for t in supported)))
        max_items = args.get("max_items")
        if max_items is not None and not str(max_items).isdigit():
            raise TargetError("%s: -a max_items must be a whole number, got %r" % (cls.name, max_items))
        if args.get("watchlist"):
            try:
                targets = cls.watchlist_targets(load_watchlist(args["watchlist"]))
            except WatchlistError as exc:
                raise TargetError(str(exc)) from None
            if not any(targets.values()):
                raise TargetError("watchlist %s lists no target %s can crawl (it supports: %s)" % (
                    args["watchlist"], cls.name, ", ".join(supported)))

    @classmethod
    def watchlist_targets(cls, watchlist) -> dict[str, list[str]]:
        """The watchlist's URLs, terms and accounts for this platform (those the platform supports)."""
        supported = cls.supported_targets()
        domains = list(cls.allowed_domains)
        return {"url": watchlist.urls_for(cls.platform, domains),
                "query": watchlist.terms_for(cls.platform) if "query" in supported else [],
                "account": watchlist.accounts_for(cls.platform) if "account" in supported else []}

    def __init__(self, url: str = "", query: str = "", account: str = "", max_items: str | int | None = None,
                 *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.check_targets({"url": url, "query": query, "account": account, "max_items": max_items,
                            "watchlist": kwargs.get("watchlist")})
        self.target_urls = [u.strip() for u in url.split(",") if u.strip()]
        self.query = query or None
        self.account = account or None
        # -a watchlist=FILE (crawler.watchlist): its targets for this platform join the others; its brands
        # and reference prices go to extraction (signals.brand_mentions, signals.price_ratio)
        self.watchlist = load_watchlist(kwargs["watchlist"]) if kwargs.get("watchlist") else None
        listed = self.watchlist_targets(self.watchlist) if self.watchlist else {"url": [], "query": [], "account": []}
        self.target_urls += [u for u in listed["url"] if u not in self.target_urls]
        self.queries = list(dict.fromkeys(([self.query] if self.query else []) + listed["query"]))
        self.accounts = list(dict.fromkeys(([self.account] if self.account else []) + listed["account"]))
        self.max_items = int(max_items) if max_items not in (None, "") else None
        self.crawl_id = kwargs.get("crawl_id") or "%s-%s" % (utc_now().replace(":", "").replace("-", "")[:15], uuid.uuid4().hex[:8])
        self.targets_description = {"url": self.target_urls, "query": self.query, "account": self.account,
                                    "max_items": self.max_items}
        if self.watchlist is not None:
            self.targets_description["watchlist"] = {"file": str(kwargs["watchlist"]), **listed}
        self.primary_ids: set[tuple[str, str]] = set()
        self.retired_contexts: set[str] = set()
        self._proxy_turn = 0

    @classmethod
    def update_settings(cls, settings) -> None:
        super().update_settings(settings)
        # the browser: chosen once per crawl (setting, Playwright's own, or a system Chromium)
        options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
        try:
            options.update(launch_options(settings.get("BROWSER_EXECUTABLE_PATH")))
        except FileNotFoundError as exc:
            logger.error("%s", exc)
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority="spider")
        if not cls.browser:  # no Playwright driver at all for spiders that never render
            plain = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"
            settings.set("DOWNLOAD_HANDLERS", {"http": plain, "https": plain}, priority="spider")
        # the network guard; scrapy-playwright asks it about every request a page makes
        blocked = cls.blocked_resource_types
        if blocked is None:
            blocked = tuple(settings.getlist("BLOCKED_RESOURCE_TYPES"))
        guard = NetworkGuard(
            list(cls.allowed_domains) + list(cls.cdn_domains) + settings.getlist("GUARD_EXTRA_DOMAINS"),
            blocked_resource_types=blocked,
            allow_private=settings.getbool("GUARD_ALLOW_PRIVATE"),
            resolve=not settings.get("REPLAY_HAR"),
            replay=bool(settings.get("REPLAY_HAR")),
        )
        settings.set("PLAYWRIGHT_ABORT_REQUEST", guard, priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.network_guard = settings["PLAYWRIGHT_ABORT_REQUEST"]
        if cls.allow_target_hosts:
            hosts = {(urlsplit(u).hostname or "").lower() for u in spider.target_urls}
            spider.network_guard.domains += tuple(sorted(h for h in hosts if h))
        crawler.signals.connect(spider.opened, signal=signals.spider_opened)
        spider.store_writer = writer_for(crawler)  # the crawl's one writer, shared with the pipeline
        spider.store = spider.store_writer.store
        spider.evidence_enabled = settings.getbool("EVIDENCE_ENABLED", True)
        spider.proxies = settings.getlist("PROXIES")
        spider.block_retry_times = settings.getint("BLOCK_RETRY_TIMES", 2)
        spider.storage_state = settings.get("STORAGE_STATE") or os.environ.get("%s_STORAGE_STATE" % cls.platform.upper())
        spider.record_har = settings.get("RECORD_HAR")
        attach_shard(spider, settings)  # spider.shard, spider.run_id (crawler.sharding)
        return spider

    def opened(self, spider=None) -> None:
        self.network_guard.stats = self.crawler.stats
        self.crawler.stats.set_value("crawl_id", self.crawl_id)
        self.crawler.stats.set_value("run_id", self.run_id)
        self.crawler.stats.set_value("shard/index", self.shard.index)
        self.crawler.stats.set_value("shard/count", self.shard.count)

    # ---- requests ----
    async def start(self) -> AsyncIterator[scrapy.Request]:
        """This crawl's shard of the targets (crawler.sharding): each start request is one target
        (URL, search term or account; the watchlist's too), kept when the shard owns its key."""
        async for request in self.shard.filter(self.start_targets(), self.crawler.stats):
            yield request

    async def start_targets(self) -> AsyncIterator[scrapy.Request]:
        """One request per target, before sharding."""
        for url in self.target_urls:
            yield self.page_request(url, role="url")
        for term in self.queries:
            yield self.page_request(self.search_url(term), role="search", query=term)
        for handle in self.accounts:
            url = handle if re.match(r"^https?://", handle) else self.account_url(handle.lstrip("@"))
            yield self.page_request(url, role="account", query=handle)

    def context_for(self, attempt: int = 0) -> tuple[str, dict]:
        """The browser context for a request: one per proxy (retired ones skipped), recording and login state."""
        kwargs: dict[str, Any] = {}
        name = "default"
        if self.proxies:
            live = [i for i in range(len(self.proxies)) if "proxy-%d" % i not in self.retired_contexts]
            if not live:
                live = list(range(len(self.proxies)))
            index = live[(self._proxy_turn + attempt) % len(live)]
            self._proxy_turn += 1
            name = "proxy-%d" % index
            kwargs["proxy"] = proxy_settings(self.proxies[index])
        if self.storage_state:
            kwargs["storage_state"] = self.storage_state
        if self.record_har:
            kwargs["record_har_path"] = "%s.%s.part" % (self.record_har, name)
            kwargs["record_har_content"] = "embed"
        return name, kwargs

    def page_request(self, url: str, role: str, query: str | None = None, attempt: int = 0, **meta: Any) -> scrapy.Request:
        meta.update({"role": role, "query": query if query is not None else self.query_for(url), "attempt": attempt})
        if attempt:
            meta["backoff_attempt"] = attempt
        context, context_kwargs = self.context_for(attempt)
        if self.uses_browser(url):
            meta.update({"playwright": True, "playwright_include_page": True, "playwright_context": context,
                         "playwright_context_kwargs": context_kwargs,
                         "playwright_page_init_callback": self.page_init})
        elif self.proxies:
            meta["proxy"] = self.proxies[int(context.split("-")[1])] if context.startswith("proxy-") else None
        return scrapy.Request(url, callback=self.parse_page, errback=self.page_failed, meta=meta,
                              dont_filter=bool(attempt) or role != "detail")

    def uses_browser(self, url: str) -> bool:
        """JSON APIs are fetched without a browser (a browser would wrap them in HTML), and so are
        the spider's ``plain_pages``."""
        if self.plain_pages and re.search(self.plain_pages, url):
            return False
        return self.browser and not API_URL.search(url)

    def query_for(self, url: str) -> str | None:
        return self.query or self.account or (url if url in self.target_urls else None)

    async def page_init(self, page, request) -> None:
        """Before navigation: keep the main document as the server sent it (scripts may rewrite the
        DOM: a reviews app deleting the theme's JSON-LD) and the JSON API responses the page fetches
        itself. Pages are reused (crawler.middlewares.pagepool): the previous request's listener goes first."""
        previous = getattr(page, "_crawler_on_response", None)
        if previous is not None:
            page.remove_listener("response", previous)
        patterns = [re.compile(p) for p in self.api_patterns]
        documents: list = request.meta.setdefault("server_documents", [])
        captured: list = request.meta.setdefault("api_responses", [])
        pending: list = request.meta.setdefault("api_pending", [])

        async def keep(response, into: list) -> None:
            try:
                into.append((response.url, response.status, await response.body()))
            except Exception as exc:  # the page navigated on or closed first: nothing to keep
                logger.debug("response %s lost: %s", response.url, exc)

        def on_response(response) -> None:
            try:
                main = response.frame == page.main_frame and response.request.is_navigation_request()
            except Exception:  # a detached frame
                return
            if main and not 300 <= response.status < 400:
                pending.append(asyncio.ensure_future(keep(response, documents)))
            elif any(p.search(response.url) for p in patterns):
                pending.append(asyncio.ensure_future(keep(response, captured)))

        page.on("response", on_response)
        page._crawler_on_response = on_response

    # ---- responses ----
    async def parse_page(self, response: Response):
        page = response.meta.get("playwright_page")
        screenshot = None
        healthy = False
        try:
            if page is not None:
                for _ in range(self.scrolls if response.meta.get("role") in ("search", "account") else 0):
                    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                    await page.wait_for_timeout(self.scroll_wait_ms)
                pending = response.meta.get("api_pending") or []
                if pending:
                    await asyncio.wait(pending, timeout=10)
                if self.evidence_enabled and response.meta.get("role") in ("url", "detail"):
                    screenshot = await self.take_screenshot(page, response)
            healthy = True
        finally:
            if page is not None:
                await self.release_page(response.meta, page, healthy)
        for item in self.records_of(response, screenshot):
            yield item

    def records_of(self, response: Response, screenshot: bytes | None):
        stats = self.crawler.stats
        refused = self.network_guard.refusal(response.url) if not self.network_guard.replay else None
        if refused:
            # Playwright routes do not see the hops of a redirect chain: the final URL is checked here,
            # and a page that ended somewhere it may not go is discarded
            stats.inc_value("guard/refused_redirect")
            logger.error("%s: the page ended at %s, which the network guard refuses (%s); discarded",
                         response.request.url, response.url, refused)
            return
        stats.inc_value("pages/%s" % response.meta.get("role", "url"))
        if response.status in (403, 429):
            yield from self.blocked(response, "http_%d" % response.status)
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        # the rendered page, the same page as the server sent it, then the API answers it fetched;
        # each is read, and of the records they share the one that says most is kept (``richest``)
        sources = [(response.url, response.body, content_type, "page")]
        sources += [(url, body, content_type, "served") for url, status, body in self.served_documents(response)]
        sources += [(url, body, "application/json", "api") for url, status, body in response.meta.get("api_responses", [])
                    if status == 200]
        evidence = self.keep_evidence(response, screenshot)
        records, blocked, failure = [], None, None
        for url, body, ctype, origin in sources:
            page = Page(url=url, body=body, content_type=ctype or None, fetched_at=utc_now(),
                        crawl_id=self.crawl_id, query=response.meta.get("query"))
            try:
                extraction = extract_page(page, self.platform, self.watchlist)
            except BlockedPage as exc:
                blocked = blocked or exc.reason
                continue
            except ExtractionError as exc:
                if origin == "api":
                    stats.inc_value("extract/api_unread")
                    logger.debug("%s: %s", url, exc)
                elif failure is None:
                    failure = (url, exc)
                continue
            for record in extraction.records:
                if evidence is not None:  # the rendered page is the evidence of what it showed, XHR data included
                    record.evidence = evidence
                records.append((record, extraction.parser))
        if not records and not blocked and failure is not None:
            if _looks_empty(response):
                blocked = "empty_shell"
            else:
                stats.inc_value("extract/error")
                logger.error("%s: %s", *failure)
        if not records and blocked:
            yield from self.blocked(response, blocked)
            return
        for record, parser in richest(records):
            if self.is_primary(record) and not self.within_budget(record):
                continue  # past -a max_items: neither kept nor followed
            if self.should_follow(record, parser, response) and record.url != response.url:
                yield self.page_request(record.url, role="detail", query=response.meta.get("query"))
            stats.inc_value("records/%s" % record.kind)
            yield to_dict(record)

    @staticmethod
    def served_documents(response: Response) -> list:
        """The main document's bytes as the server sent them, when the browser rendered something else."""
        return [(url, status, body) for url, status, body in response.meta.get("server_documents") or []
                if 200 <= status < 300 and body and body != response.body
                and url.split("#")[0] == response.url.split("#")[0]][-1:]

    def should_follow(self, record, parser, response: Response) -> bool:
        """Follow a record found on a search or account page to its own page (``follow_kinds``)."""
        return record.kind in self.follow_kinds and response.meta.get("role") in ("search", "account")

    def within_budget(self, record) -> bool:
        """``max_items`` counts distinct objects: a search card and its followed detail page are one."""
        key = (record.kind, record.id)
        if key in self.primary_ids:
            return True
        if self.max_items is not None and len(self.primary_ids) >= self.max_items:
            return False
        self.primary_ids.add(key)
        return True

    def is_primary(self, record) -> bool:
        return record.kind in ("post", "listing", "live")

    def blocked(self, response: Response, reason: str):
        stats = self.crawler.stats
        stats.inc_value("blocked/%s" % reason)
        context = response.meta.get("playwright_context")
        if context and context.startswith("proxy-"):
            self.retired_contexts.add(context)  # a blocked proxy is retired; the retry takes another
        attempt = response.meta.get("attempt", 0) + 1
        if attempt <= self.block_retry_times:
            logger.warning("%s: blocked (%s), retry %d of %d", response.url, reason, attempt, self.block_retry_times)
            yield self.page_request(response.request.url, role=response.meta.get("role", "url"),
                                    query=response.meta.get("query"), attempt=attempt)
        else:
            stats.inc_value("blocked/gave_up")
            logger.error("%s: blocked (%s) after %d retries; giving up on this page", response.url, reason,
                         self.block_retry_times)

    async def take_screenshot(self, page, response: Response) -> bytes | None:
        """Best effort: a page whose screenshot fails (too tall, too slow) keeps its records and HTML evidence."""
        try:
            return await page.screenshot(full_page=True, type="png", timeout=self.screenshot_timeout_ms)
        except Exception as exc:
            self.crawler.stats.inc_value("evidence/screenshot_failed")
            logger.warning("%s: no screenshot (%s)", response.url, str(exc).splitlines()[0] if str(exc) else exc)
            return None

    async def release_page(self, meta: dict, page, healthy: bool) -> None:
        """Back to the page pool when there is one; closed otherwise. Never left open."""
        pool = getattr(self.crawler, "page_pool", None)
        if pool is not None and meta.get("page_pool_checked"):
            await pool.release(meta.get("playwright_context", "default"), page, healthy)
        elif page is not None and not page.is_closed():
            await page.close()

    async def page_failed(self, failure):
        """A page that failed to load: its browser page is closed, never left open; a crashed or
        closed browser (scrapy-playwright restarts it) gets the request retried."""
        request = failure.request
        page = request.meta.get("playwright_page")
        if request.meta.get("playwright"):
            await self.release_page(request.meta, page, healthy=False)
        message = failure.getErrorMessage()
        if request.meta.get("playwright") and BROWSER_GONE.search(message):
            retry = get_retry_request(request, spider=self, reason="browser_crashed", max_retry_times=2)
            if retry is not None:
                retry.meta.pop("playwright_page", None)
                retry.meta.pop("page_pool_checked", None)
                self.crawler.stats.inc_value("browser/retried")
                logger.warning("%s: the browser went away (%s); retrying", request.url, message)
                yield retry
                return
        self.crawler.stats.inc_value("pages/failed")
        logger.error("%s: %s", request.url, message)

    # ---- evidence ----
    def keep_evidence(self, response: Response, screenshot: bytes | None) -> Evidence | None:
        """The page's HTML and screenshot, content-addressed: spooled and uploaded once per content hash
        (crawler.storage.spool), however many records or pages refer to them."""
        if not self.evidence_enabled or response.meta.get("role") not in ("url", "detail"):
            return None
        digest = hashlib.sha256(response.body).hexdigest()
        html_key = evidence_key(digest, "html")
        self.store_writer.put_object(html_key, response.body)
        screenshot_key = None
        if screenshot:
            screenshot_key = evidence_key(hashlib.sha256(screenshot).hexdigest(), "png")
            self.store_writer.put_object(screenshot_key, screenshot)
        self.crawler.stats.inc_value("evidence/pages")
        return Evidence(html_key=html_key, screenshot_key=screenshot_key, sha256=digest, captured_at=utc_now())


def _filled(value) -> int:
    if isinstance(value, dict):
        return sum(_filled(v) for v in value.values())
    if isinstance(value, list):
        return 1 if value else 0
    return 0 if value is None else 1


def richest(records: list) -> list:
    """One record per (kind, id) among a page and the API answers it fetched: the one that says most
    (a profile's post tiles carry views only; the same posts from the list API are complete)."""
    best: dict[tuple[str, str], tuple] = {}
    for record, parser in records:
        key = (record.kind, record.id)
        score = _filled(record.model_dump(exclude={"evidence", "source_url", "extractor"}))
        if key not in best or score > best[key][2]:
            best[key] = (record, parser, score, best.get(key, (None, None, None, len(best)))[3])
    return [(record, parser) for record, parser, _score, _order in sorted(best.values(), key=lambda item: item[3])]


def _looks_empty(response: Response) -> bool:
    """An SPA shell: a page whose visible text is almost nothing (the app never rendered)."""
    try:
        text = " ".join(response.xpath("//body//text()[not(ancestor::script)][not(ancestor::style)]").getall())
    except (AttributeError, ValueError):
        return False
    return len(text.split()) < 5


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
