"""TikTok Shop end to end: a product page, a store, a search and a captcha, replayed from fixtures/tiktok_shop/*.har.

Store and search pages are server-rendered product cards (read from __MODERN_ROUTER_DATA__), each followed
once to its product page, which says more (description, category, stock, shipping) and carries the evidence.
"""
import pytest

from crawler.exitcodes import BLOCKED
from crawler.spider import TargetError
from spiders.tiktok_shop import TikTokShopSpider
from tests.e2e.harness import crawl, fixture_har

SOCKS = "https://www.tiktok.com/shop/pdp/cotton-crew-socks-6-pack-by-sockhaus/1729000000000000001"
STORE = "https://www.tiktok.com/shop/store/sockhaus-outlet/7495000000000000002"
EVIDENCE_KEYS = {"html_key", "screenshot_key", "sha256", "captured_at"}


def _has_evidence(record):
    evidence = record["evidence"]
    return evidence is not None and all(evidence.get(k) for k in EVIDENCE_KEYS)


def _from(result, source_url):
    return {r["id"]: r for r in result.records if r["source_url"] == source_url}


def test_product_page(tmp_path):
    result = crawl("tiktok_shop", fixture_har("tiktok_shop", "product"), tmp_path, url=SOCKS)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "1729000000000000001")
    assert item["price"] == {"amount": "12.99", "currency": "USD"} and item["sold_count"] == 1288
    assert item["seller"]["id"] == "7495000000000000002" and item["category"].endswith("Crew Socks")
    assert item["query"] == SOCKS and _has_evidence(item)


def test_store_cards_are_followed_to_their_product_pages(tmp_path):
    result = crawl("tiktok_shop", fixture_har("tiktok_shop", "account"), tmp_path,
                   account="sockhaus-outlet/7495000000000000002")
    assert result.returncode == 0, result.stderr[-2000:]
    shop = result.one("account", "7495000000000000002")
    assert shop["name"] == "Sockhaus Outlet" and shop["url"] == STORE and shop["followers"] == 18400
    cards = _from(result, STORE)
    assert sorted(k for k, r in cards.items() if r["kind"] == "listing") == ["1729000000000000001", "1729000000000000004"]
    noshow = _from(result, "https://www.tiktok.com/shop/pdp/no-show-liner-socks-10-pack-by-sockhaus/1729000000000000004")
    detail = noshow["1729000000000000004"]
    assert detail["availability"] == "in_stock" and detail["shipping"]["amount"] == "3.99"
    assert detail["sold_count"] == 5120 and detail["query"] == "sockhaus-outlet/7495000000000000002"
    assert _has_evidence(detail) and cards["1729000000000000004"]["evidence"] is None
    assert len(result.of("listing")) == 4  # two cards, two product pages


def test_search_results_are_followed_to_their_product_pages(tmp_path):
    result = crawl("tiktok_shop", fixture_har("tiktok_shop", "search"), tmp_path, query="crew socks")
    assert result.returncode == 0, result.stderr[-2000:]
    cards = _from(result, "https://www.tiktok.com/shop/s/crew%20socks")
    assert sorted(cards) == ["1729000000000000001", "1729000000000000005"]  # the repeated card once
    assert cards["1729000000000000005"]["seller"] == {"id": "7495000000000000006", "name": "Trailfoot Supply",
                                                     "handle": None, "url": None}
    wool = _from(result, "https://www.tiktok.com/shop/pdp/merino-wool-hiking-socks-3-pack/1729000000000000005")
    detail = wool["1729000000000000005"]
    assert detail["original_price"]["amount"] == "32" and detail["description"].startswith("Soft combed")
    assert all(r["query"] == "crew socks" for r in result.records) and _has_evidence(detail)


def test_security_check_page_is_reported_blocked(tmp_path):
    result = crawl("tiktok_shop", fixture_har("tiktok_shop", "blocked"), tmp_path, url=SOCKS,
                   settings={"BLOCK_RETRY_TIMES": 0})
    assert result.returncode == BLOCKED, result.stderr[-2000:]
    assert result.records == []
    assert "every page was blocked (blocked/captcha=1)" in result.stderr


def test_account_target_must_name_a_store():
    TikTokShopSpider.check_targets({"account": "sockhaus-outlet/7495000000000000002"})
    TikTokShopSpider.check_targets({"account": STORE})
    with pytest.raises(TargetError, match="<store-slug>/<seller_id>"):
        TikTokShopSpider.check_targets({"account": "sockhaus"})
    spider = TikTokShopSpider(account="sockhaus-outlet/7495000000000000002")
    assert spider.account_url("sockhaus-outlet/7495000000000000002") == STORE
    assert spider.search_url("crew socks") == "https://www.tiktok.com/shop/s/crew%20socks"
