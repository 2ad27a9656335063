"""The crawl's Scrapy components, without a browser: targets and spider options (crawler.targets),
the max_items budget, the block middleware (retry with backoff, proxy retirement, giving up),
browser contexts per proxy, and extraction from several sources of one page (``richest``)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings

from crawler.extract import extract_sources, richest
from crawler.middlewares.blocks import BlockMiddleware, PageBlocked, context_blocked
from crawler.middlewares.budget import Budget, ItemBudgetMiddleware
from crawler.middlewares.contexts import BrowserContextMiddleware, Contexts
from crawler.page import Page
from crawler.targets import Targets, TargetError
from spiders.facebook_marketplace import FacebookMarketplaceSpider
from spiders.shopee import ShopeeSpider
from spiders.tiktok_shop import TikTokShopSpider
from tests.support import PAGES


class _Stats(dict):
    def inc_value(self, key, count=1, start=0):
        self[key] = self.get(key, start) + count

    def set_value(self, key, value):
        self[key] = value


class _Signals:
    def __init__(self):
        self.handlers = []

    def connect(self, handler, signal):
        self.handlers.append((signal, handler))

    def send_catch_log(self, signal, **kwargs):
        for sig, handler in self.handlers:
            if sig is signal:
                handler(**kwargs)


def _crawler(**settings):
    crawler = SimpleNamespace(stats=_Stats(), signals=_Signals(), settings=Settings(settings),
                              spidercls=SimpleNamespace(platform="shopee"))
    crawler.spider = SimpleNamespace(name="t", settings=crawler.settings, crawler=crawler)
    return crawler


# ---- targets and options ----

def test_option_from_argument_then_setting_then_default():
    assert Targets.parse(ShopeeSpider, {"query": "tas"}).options == {"site": "co.id"}
    assert Targets.parse(ShopeeSpider, {"query": "tas"}, Settings({"SHOPEE_SITE": "shopee.sg"})).options["site"] == "sg"
    assert Targets.parse(ShopeeSpider, {"query": "tas", "site": "https://shopee.vn/"},
                         Settings({"SHOPEE_SITE": "sg"})).options["site"] == "vn"
    with pytest.raises(TargetError, match=r"^shopee: unknown -a site=co.uk; one of: .*co\.id"):
        Targets.parse(ShopeeSpider, {"query": "tas", "site": "co.uk"})
    with pytest.raises(TargetError, match="city slug"):
        Targets.parse(FacebookMarketplaceSpider, {"query": "mixer", "city": "New York!"})


def test_targets_checked_once_with_one_line_errors():
    with pytest.raises(TargetError, match="give a target"):
        Targets.parse(ShopeeSpider, {})
    with pytest.raises(TargetError, match="does not support -a account"):
        Targets.parse(FacebookMarketplaceSpider, {"account": "x"})
    with pytest.raises(TargetError, match="max_items must be a whole number"):
        Targets.parse(ShopeeSpider, {"query": "x", "max_items": "ten"})
    with pytest.raises(TargetError, match="<store-slug>/<seller_id>"):
        Targets.parse(TikTokShopSpider, {"account": "sockhaus"})
    targets = Targets.parse(ShopeeSpider, {"url": "https://shopee.sg/a-i.1.2, https://shopee.sg/b-i.1.3",
                                           "max_items": "5"})
    assert targets.urls == ["https://shopee.sg/a-i.1.2", "https://shopee.sg/b-i.1.3"] and targets.max_items == 5
    assert targets.describe()["url"] == targets.urls


def test_spider_arguments_reach_the_spider():
    spider = ShopeeSpider(query="tas kw", site="ph")
    assert spider.site_host() == "shopee.ph" and spider.queries == ["tas kw"]
    assert spider.search_url("tas kw") == "https://shopee.ph/search?keyword=tas%20kw"


# ---- the budget ----

def test_budget_counts_distinct_objects_and_drops_their_follow_requests():
    crawler = _crawler()
    crawler.spider.targets = SimpleNamespace(max_items=2)
    middleware = ItemBudgetMiddleware(crawler)
    output = [{"kind": "listing", "id": "1"}, Request("https://x/1", meta={"follows": ("listing", "1")}),
              {"kind": "account", "id": "s"}, {"kind": "listing", "id": "2"}, {"kind": "listing", "id": "1"},
              {"kind": "listing", "id": "3"}, Request("https://x/3", meta={"follows": ("listing", "3")}),
              Request("https://x/next")]
    kept = list(middleware.process_spider_output(None, output))
    assert [o["id"] if isinstance(o, dict) else o.url for o in kept] == ["1", "https://x/1", "s", "2", "1", "https://x/next"]
    assert crawler.stats["budget/dropped"] == 2
    assert crawler.stats["records/listing"] == 3 and crawler.stats["records/account"] == 1
    assert Budget(None).admit(("post", "9"))


# ---- blocks ----

def _blocked_response(meta=None, url="https://shopee.sg/x"):
    request = Request(url, meta=dict(meta or {}))
    return HtmlResponse(url, body=b"<html></html>", request=request)


def test_block_middleware_retries_with_backoff_then_gives_up():
    crawler = _crawler(RETRY_TIMES=5)
    middleware = BlockMiddleware(crawler, retry_times=2)
    response = _blocked_response({"playwright_context": "proxy-1", "playwright_page": object(), "attempt": 0})
    retired = []
    crawler.signals.connect(lambda context: retired.append(context), signal=context_blocked)
    (retry,) = middleware.process_spider_exception(response, PageBlocked("captcha"))
    assert retired == ["proxy-1"]
    assert retry.meta["attempt"] == retry.meta["backoff_attempt"] == 1
    assert "playwright_page" not in retry.meta and "playwright_context" not in retry.meta
    assert retry.dont_filter
    (second,) = middleware.process_spider_exception(_blocked_response(retry.meta), PageBlocked("captcha"))
    assert second.meta["attempt"] == 2
    assert middleware.process_spider_exception(_blocked_response(second.meta), PageBlocked("captcha")) == []
    assert crawler.stats["blocked/captcha"] == 3 and crawler.stats["blocked/gave_up"] == 1
    assert middleware.process_spider_exception(response, ValueError("not a block")) is None


# ---- contexts ----

def test_contexts_rotate_over_proxies_and_skip_retired_ones():
    contexts = Contexts(["http://u:p@10.0.0.1:8080", "http://10.0.0.2:8080"], storage_state="state.json")
    name, kwargs, proxy = contexts.choose()
    assert name == "proxy-0" and kwargs["proxy"] == {"server": "http://10.0.0.1:8080", "username": "u", "password": "p"}
    assert kwargs["storage_state"] == "state.json" and proxy == "http://u:p@10.0.0.1:8080"
    assert contexts.choose()[0] == "proxy-1"
    contexts.retire("proxy-0")
    assert {contexts.choose()[0] for _ in range(4)} == {"proxy-1"}
    contexts.retire("proxy-1")
    assert contexts.choose()[0] in ("proxy-0", "proxy-1")  # all retired: go on rather than stop
    assert Contexts([]).choose() == ("default", {}, None)


def test_context_middleware_assigns_browser_and_plain_requests():
    crawler = _crawler(PROXIES=["http://10.0.0.1:8080"])
    middleware = BrowserContextMiddleware.from_crawler(crawler)
    browser = Request("https://shopee.sg/x", meta={"playwright": True})
    plain = Request("https://shopee.sg/api/v4/x")
    middleware.process_request(browser)
    middleware.process_request(plain)
    assert browser.meta["playwright_context"] == "proxy-0" and plain.meta["proxy"] == "http://10.0.0.1:8080"
    crawler.signals.send_catch_log(context_blocked, context="proxy-0")
    assert middleware.contexts.retired == {"proxy-0"}


# ---- several sources of one page ----

def _source(name: str, url: str, platform_dir: str) -> Page:
    return Page(url=url, body=(PAGES / platform_dir / name).read_bytes(), fetched_at="2026-01-01T00:00:00Z")


def test_sources_keep_the_richest_record_never_a_mix():
    import json
    urls = json.loads((PAGES / "tiktok" / "urls.json").read_text())
    page = _source("profile.html", urls["profile.html"], "tiktok")
    api = _source("post_item_list.json", urls["post_item_list.json"], "tiktok")
    found = extract_sources([(page, "page"), (api, "api")], "tiktok")
    ids = [(r.kind, r.id) for r, _ in found.records]
    assert len(ids) == len(set(ids)) and found.blocked is None
    from_api = {r.id: r for r, _ in richest([(r, None) for r in
                                             __import__("crawler.extract", fromlist=["extract"]).extract(api, "tiktok")])}
    for record, _parser in found.records:
        if record.id in from_api and record.kind == "post":
            assert record.model_dump() == from_api[record.id].model_dump() or record.source_url == page.url


def test_sources_a_block_counts_only_without_records_and_api_failures_are_not_page_failures():
    blocked = Page(url="https://www.tiktok.com/@x/video/1", body=(PAGES / "blocked" / "security_check.html").read_bytes())
    broken_api = Page(url="https://www.tiktok.com/api/post/item_list/?x=1", body=b'{"statusCode": 0, "itemList": "x"}')
    found = extract_sources([(blocked, "page"), (broken_api, "api")], "tiktok")
    assert found.records == [] and found.blocked == "captcha" and found.failure is None
