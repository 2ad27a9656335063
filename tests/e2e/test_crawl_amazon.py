"""Amazon end to end: product pages, a search and a seller storefront, replayed from fixtures/amazon/*.har.

Search and storefront pages are plain requests; results are followed once each to their /dp/ page,
read through the browser for the evidence screenshot.
"""
import pytest

from crawler.middlewares.guard import NetworkGuard
from crawler.parsers.amazon import _MARKETS
from spiders.amazon import AmazonSpider
from tests.e2e.harness import crawl, fixture_har

US_URL = "https://www.amazon.com/gp/product/B0FAKEUS02?th=1"
DE_URL = "https://www.amazon.de/Nordlicht-Funk-Kopfhoerer-NK-500/dp/B0FAKEDE01/ref=sr_1_1?keywords=kopfh%C3%B6rer"
EVIDENCE_KEYS = {"html_key", "screenshot_key", "sha256", "captured_at"}


def _by_source(result, source_url):
    return {r["id"]: r for r in result.of("listing") if r["source_url"] == source_url}


def _has_evidence(record):
    evidence = record["evidence"]
    return evidence is not None and all(evidence.get(k) for k in EVIDENCE_KEYS)


# ---- the network guard: every marketplace, the image CDNs, nothing else (no crawl) ----

def _guard():
    return NetworkGuard(AmazonSpider.allowed_domains + AmazonSpider.cdn_domains, resolve=False)


@pytest.mark.parametrize("suffix", sorted(_MARKETS))
def test_every_marketplace_the_parser_knows_is_allowed(suffix):
    assert _guard().refusal("https://www.amazon.%s/dp/B0FAKEUS02" % suffix) is None


@pytest.mark.parametrize("url", [
    "https://m.media-amazon.com/images/I/61FakeUs1cL._AC_SX679_.jpg",
    "https://images-na.ssl-images-amazon.com/images/G/01/x.js",
    "https://images-eu.ssl-images-amazon.com/images/I/x.css",
    "https://amzn.to/3FakeLk",
    "https://smile.amazon.co.uk/dp/B0FAKEUS02",
])
def test_cdns_and_short_links_are_allowed(url):
    assert _guard().refusal(url) is None


@pytest.mark.parametrize("url", ["https://www.amazon-deals.example/dp/B0FAKEUS02", "https://amazon.com.evil.example/",
                                 "https://notamazon.com/s?k=x"])
def test_lookalike_hosts_are_refused(url):
    assert _guard().refusal(url) is not None


def test_list_pages_are_plain_requests_detail_pages_use_the_browser():
    spider = AmazonSpider(url=US_URL)
    assert not spider.uses_browser("https://www.amazon.com/s?k=bookshelf+speakers")
    assert not spider.uses_browser("https://www.amazon.de/s?me=A3FAKESELLER9&marketplaceID=A1PA6795UKMFR9")
    assert spider.uses_browser("https://www.amazon.com/dp/B0FAKEUS03")
    assert spider.uses_browser(DE_URL)


# ---- crawls ----

def test_product_pages_on_two_marketplaces(tmp_path):
    result = crawl("amazon", fixture_har("amazon", "product"), tmp_path, url="%s,%s" % (US_URL, DE_URL))
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(r["id"] for r in result.of("listing")) == ["B0FAKEDE01", "B0FAKEUS02"]
    us = result.one("listing", "B0FAKEUS02")
    assert us["price"] == {"amount": "1049.99", "currency": "USD"}
    assert us["seller"]["name"] == "Amazon.com" and us["brand"] == "Acme Audio" and us["availability"] == "in_stock"
    assert us["query"] == US_URL and us["source_url"] == US_URL
    de = result.one("listing", "B0FAKEDE01")
    assert de["price"] == {"amount": "89.9", "currency": "EUR"}
    assert de["seller"]["id"] == "A3FAKESELLER9" and de["url"] == "https://www.amazon.de/Nordlicht-Funk-Kopfhoerer-NK-500/dp/B0FAKEDE01"
    assert _has_evidence(us) and _has_evidence(de)


def test_search_follows_each_result_to_its_product_page(tmp_path):
    result = crawl("amazon", fixture_har("amazon", "search"), tmp_path, query="bookshelf speakers")
    assert result.returncode == 0, result.stderr[-2000:]
    cards = _by_source(result, "https://www.amazon.com/s?k=bookshelf+speakers")
    assert list(cards) == ["B0FAKEUS02", "B0FAKEUS03", "B0FAKEUS04"]
    assert all(r["query"] == "bookshelf speakers" and r["evidence"] is None for r in cards.values())
    assert cards["B0FAKEUS03"]["price"] == {"amount": "89.99", "currency": "USD"} and cards["B0FAKEUS03"]["seller"] is None
    assert cards["B0FAKEUS04"]["signals"] == {"sponsored": True}

    details = {r["id"]: r for r in result.of("listing") if "/dp/" in r["source_url"]}
    assert sorted(details) == ["B0FAKEUS02", "B0FAKEUS03", "B0FAKEUS04"]  # each result followed once
    third_party = details["B0FAKEUS03"]
    assert third_party["source_url"] == "https://www.amazon.com/dp/B0FAKEUS03"
    assert third_party["seller"]["id"] == "A3FAKESELLER01" and third_party["seller"]["name"] == "Harbor Audio Outlet"
    assert third_party["brand"] == "Northwind Sound" and third_party["availability"] == "in_stock"
    assert third_party["condition"] == "new" and third_party["original_price"] == {"amount": "119.99", "currency": "USD"}
    assert details["B0FAKEUS04"]["availability"] == "out_of_stock" and details["B0FAKEUS04"]["price"] is None
    assert all(r["query"] == "bookshelf speakers" and _has_evidence(r) for r in details.values())


def test_seller_storefront_by_seller_id(tmp_path):
    result = crawl("amazon", fixture_har("amazon", "account"), tmp_path, account="A3FAKESELLER01")
    assert result.returncode == 0, result.stderr[-2000:]
    cards = _by_source(result, "https://www.amazon.com/s?me=A3FAKESELLER01")
    assert list(cards) == ["B0FAKEUS03", "B0FAKEUS05"]
    assert cards["B0FAKEUS05"]["price"] == {"amount": "34.5", "currency": "USD"}
    details = {r["id"]: r for r in result.of("listing") if "/dp/" in r["source_url"]}
    assert sorted(details) == ["B0FAKEUS03", "B0FAKEUS05"]
    assert {r["seller"]["id"] for r in details.values()} == {"A3FAKESELLER01"}
    assert details["B0FAKEUS05"]["brand"] == "StandRight"
    assert all(r["query"] == "A3FAKESELLER01" for r in result.of("listing"))
    assert all(_has_evidence(r) for r in details.values()) and all(r["evidence"] is None for r in cards.values())
