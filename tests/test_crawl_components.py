"""The crawl's Scrapy components, without a browser: targets and spider options (crawler.targets),
the max_items budget, the block middleware (retry with backoff, proxy retirement, giving up),
browser contexts per proxy, extraction from several sources of one page (``richest``), the browser
identity, requests as data, login expiry, evidence objects and the record ledger of resumed crawls."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import signals
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


# ---- live readiness: identity, requests as data, login expiry, evidence and the record ledger ----

def test_identity_follows_the_real_version_and_chromiums_brand_order():
    from crawler.browser import Identity

    identity = Identity("150.0.7871.100", "de-DE", "Europe/Berlin")
    assert identity.user_agent == ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                                   "Chrome/150.0.0.0 Safari/537.36")
    # what Chromium 150 itself sends (tests/e2e/test_fingerprint.py checks it against the browser)
    assert identity.client_hints()["sec-ch-ua"] == '"Not;A=Brand";v="8", "Chromium";v="150"'
    assert identity.context_kwargs() == {"user_agent": identity.user_agent, "locale": "de-DE",
                                         "timezone_id": "Europe/Berlin"}
    assert Identity("151.0.1.2").brands()[0] == ("Chromium", "151")  # odd versions put the real brand first


def test_context_middleware_sets_attempt_meta_at_download_time_and_schedules_data_only():
    import pickle

    crawler = _crawler(BROWSER_IDENTITY={"user_agent": "UA", "locale": "en-US", "timezone_id": "UTC"})
    crawler.spider.page_init = lambda page, request: None
    middleware = BrowserContextMiddleware.from_crawler(crawler)
    request = Request("https://shopee.sg/x", meta={"playwright": True, "role": "url", "evidence": True})
    middleware.process_request(request)
    assert request.meta["playwright_page_init_callback"] is crawler.spider.page_init
    assert request.meta["playwright_context_kwargs"] == {"user_agent": "UA", "locale": "en-US", "timezone_id": "UTC"}
    request.meta.update(playwright_page=object(), api_pending=[object()], frontier_token="0-1")
    retry = request.copy()
    crawler.signals.send_catch_log(signals.request_scheduled, request=retry)
    assert retry.meta == {"playwright": True, "role": "url", "evidence": True}
    pickle.dumps(retry.to_dict())  # what JOBDIR's queues store


def test_an_expired_login_state_warns_once_without_its_content(tmp_path, caplog):
    state = tmp_path / "state.json"
    state.write_text('{"cookies": [{"name": "SPC_EC", "value": "SECRET", "domain": ".shopee.sg", "path": "/", '
                     '"expires": 1700000000, "httpOnly": true, "secure": true, "sameSite": "Lax"}], "origins": []}')
    crawler = _crawler(STORAGE_STATE=str(state))
    with caplog.at_level("WARNING"):
        middleware = BrowserContextMiddleware.from_crawler(crawler)
    [line] = [r.getMessage() for r in caplog.records]
    assert "expired on 2023-11-14" in line and "scrapy login shopee" in line and "SECRET" not in line
    crawler.signals.send_catch_log(signals.spider_opened)
    assert crawler.stats["session/expired"] == middleware.session_expired
    state.write_text(state.read_text().replace("1700000000", "4102444800"))
    caplog.clear()
    assert BrowserContextMiddleware.from_crawler(_crawler(STORAGE_STATE=str(state))).session_expired is None
    assert not caplog.records


class _Writer:
    def __init__(self):
        self.objects, self.written = {}, {}

    def put_object(self, key, data):
        self.objects[key] = data


def _jpeg(color) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    image = Image.new("RGB", (120, 80), color)
    image.paste((255, 255, 255), (0, 0, 60, 40))
    image.save(out, "JPEG")
    return out.getvalue()


def test_evidence_is_content_addressed_with_image_hashes_and_written_once():
    import hashlib
    import json

    from crawler.evidence import EvidenceWriter, PageEvidence, image_hashes

    photo = _jpeg((200, 30, 30))
    evidence = PageEvidence(url="https://shopee.sg/x", html=b"<html>x</html>", screenshot=b"JPEGDATA",
                            images=[("https://cf.shopee.sg/a.jpg", "image/jpeg", photo),
                                    ("https://cf.shopee.sg/b.svg", "image/svg+xml", b"<svg/>")])
    writer, stats = _Writer(), _Stats()
    EvidenceWriter(writer, stats).write(evidence)
    sha = hashlib.sha256(b"<html>x</html>").hexdigest()
    assert evidence.schema().html_key == "evidence/sha256/%s/%s.html" % (sha[:2], sha)
    assert evidence.schema().screenshot_key.endswith("%s.jpg" % hashlib.sha256(b"JPEGDATA").hexdigest())
    index = json.loads(writer.objects[evidence.index_key])
    [image] = index["images"]  # the SVG is not an image Pillow decodes: not kept
    assert image["sha256"] == hashlib.sha256(photo).hexdigest() and len(image["phash"]) == 16
    assert writer.objects[image["key"]] == photo and image["key"].endswith(".jpg")
    # the same photo re-encoded by another seller: a few bits apart, a different SHA-256
    import imagehash

    other = _jpeg((205, 35, 30))
    assert hashlib.sha256(other).hexdigest() != image["sha256"]
    assert imagehash.hex_to_hash(image["phash"]) - imagehash.hex_to_hash(image_hashes(other)["phash"]) <= 4
    assert stats["evidence/images"] == 1 and stats["evidence/pages"] == 1


def test_record_ledger_lists_a_record_only_once_the_spool_has_fsynced_it(tmp_path):
    from crawler.frontier import records_durable
    from crawler.pipelines import RecordLedger

    writer, signals_ = _Writer(), _Signals()
    durable = []
    signals_.connect(lambda tokens: durable.extend(tokens), signal=records_durable)
    ledger = RecordLedger(writer, tmp_path / "records.done", signals_)
    ledger.open()
    record = {"source_url": "https://shopee.sg/s", "platform": "shopee", "kind": "listing", "id": "1"}
    ledger.written(record, "0-1")
    ledger.written({**record, "id": "2"}, "0-1")
    assert durable == [] and (tmp_path / "records.done").read_text() == ""  # buffered in the spool only
    writer.written["listing"] = 1  # the spool fsynced the first
    ledger.confirm()
    assert durable == ["0-1"] and (tmp_path / "records.done").read_text().count("\n") == 1
    again = RecordLedger(writer, tmp_path / "records.done", signals_)
    again.open()
    assert again.already(record) and not again.already({**record, "id": "2"})


def test_page_pool_collects_garbage_by_measured_heap_and_replaces_a_page_that_stays_large():
    import asyncio

    from crawler.middlewares.pagepool import MIB, PagePool

    class Session:
        def __init__(self, heaps):
            self.heaps, self.sent = list(heaps), []

        async def send(self, method, params=None):
            self.sent.append(method)
            return {"usedSize": self.heaps.pop(0)} if method == "Runtime.getHeapUsage" else {}

    class Page:
        def __init__(self, heaps):
            self.session, self.closed = Session(heaps), False
            self.context = SimpleNamespace(new_cdp_session=self._session)

        async def _session(self, page):
            return self.session

        def is_closed(self):
            return self.closed

        async def close(self):
            self.closed = True

    async def run():
        pool = PagePool(size=2, max_uses=1000, gc_heap_mb=24, max_heap_mb=192, stats=_Stats())
        small, garbage, leaking = Page([10 * MIB]), Page([300 * MIB, 5 * MIB]), Page([400 * MIB, 250 * MIB])
        pool.count["default"] = 3  # the handler opened three pages for the pool
        for page in (small, garbage, leaking):
            await pool.release("default", page)
        assert small.session.sent == ["Runtime.getHeapUsage"]  # small heap: nothing to do
        assert "HeapProfiler.collectGarbage" in garbage.session.sent and not garbage.closed
        assert leaking.closed and pool.free["default"] == [small, garbage] and pool.count["default"] == 2
        assert pool.stats == {"page_pool/gc": 2, "page_pool/recycled_heap": 1}

    asyncio.run(run())


def test_richest_drops_a_partial_reading_of_an_object_read_whole_elsewhere():
    from crawler.schema import Listing

    def listing(id_, partial, extractor):
        return Listing(platform="web", id=id_, url="https://velas.example/products/vela", source_url="https://velas.example/products/vela",
                       fetched_at="2026-01-01T00:00:00Z", crawl_id="t", extractor=extractor, partial=partial, title="Vela")

    meta, whole = listing("https://velas.example/products/vela", True, "meta"), listing("VL-200", False, "jsonld")
    assert [r.id for r, _ in richest([(meta, "page"), (whole, "served")])] == ["VL-200"]
    other = listing("VL-300", True, "meta").model_copy(update={"url": "https://velas.example/products/otra"})
    assert [r.id for r, _ in richest([(meta, "page"), (other, "page")])] == [meta.id, "VL-300"]


def test_blocked_resource_types_get_an_empty_answer_not_an_abort():
    """An aborted image fires onerror; a page whose handler swaps in an aborted placeholder never loads."""
    import asyncio

    from crawler.capture import _empty_answer

    class Route:
        def __init__(self):
            self.calls = []

        async def fallback(self):
            self.calls.append(("fallback",))

        async def fulfill(self, **kwargs):
            self.calls.append(("fulfill", kwargs.get("status"), kwargs.get("content_type"), kwargs["body"][:6]))

    answer = _empty_answer(frozenset({"image", "font"}))
    seen = {}
    for kind in ("image", "font", "document", "script"):
        route = Route()
        asyncio.run(answer(route, SimpleNamespace(resource_type=kind)))
        seen[kind] = route.calls
    assert seen["image"] == [("fulfill", 200, "image/gif", b"GIF89a")]
    assert seen["font"] == [("fulfill", 200, None, b"")]
    assert seen["document"] == seen["script"] == [("fallback",)]
