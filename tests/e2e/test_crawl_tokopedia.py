"""Tokopedia end to end: search, product, shop and the WAF challenge, replayed from fixtures/tokopedia/*.har.

The pages are synthetic server-rendered pages carrying the Apollo cache (``window.__cache`` on
product and shop pages, ``__APOLLO_STATE__`` on the search page) as Tokopedia's pages do.
"""
from tests.e2e.harness import crawl, fixture_har, has_screenshot

SEARCH = "https://www.tokopedia.com/search?st=product&q=sepatu%20lari"
PRODUCT = "https://www.tokopedia.com/tokosepatu-jkt/sepatu-lari-pria-ringan-original"


def test_search_follows_results_to_product_pages(tmp_path):
    result = crawl("tokopedia", fixture_har("tokopedia", "search"), tmp_path, query="sepatu lari")
    assert result.returncode == 0, result.stderr[-2000:]
    cards = {r["id"]: r for r in result.of("listing") if r["source_url"] == SEARCH}
    items = {r["id"]: r for r in result.of("listing") if r["source_url"] != SEARCH}
    assert sorted(cards) == sorted(items) == ["2000000001", "2000000002"]  # every result followed once
    assert all(r["query"] == "sepatu lari" for r in result.records)
    assert cards["2000000001"]["signals"]["sponsored"] is True and cards["2000000001"]["description"] is None
    shoe = items["2000000001"]
    assert shoe["price"] == {"amount": "289000", "currency": "IDR"} and shoe["sold_count"] == 1523
    assert shoe["description"].startswith("Sepatu lari ringan") and shoe["condition"] == "new"
    assert items["2000000002"]["availability"] == "out_of_stock"


def test_product_url(tmp_path):
    result = crawl("tokopedia", fixture_har("tokopedia", "product"), tmp_path, url=PRODUCT)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "2000000001")
    assert item["query"] == PRODUCT and item["url"] == PRODUCT and item["extractor"] == "hydration"
    assert item["seller"] == {"id": "9000001", "handle": "tokosepatu-jkt", "name": "Toko Sepatu JKT",
                              "url": "https://www.tokopedia.com/tokosepatu-jkt"}
    assert has_screenshot(item)


def test_shop_account_and_its_items(tmp_path):
    result = crawl("tokopedia", fixture_har("tokopedia", "account"), tmp_path, account="tokosepatu-jkt")
    assert result.returncode == 0, result.stderr[-2000:]
    shop = result.one("account", "9000001")
    assert shop["handle"] == "tokosepatu-jkt" and shop["followers"] == 12800 and shop["query"] == "tokosepatu-jkt"
    listings = result.of("listing")
    assert [r["id"] for r in listings] == ["2000000001", "2000000001"]  # the shop's card, then its product page
    assert listings[1]["source_url"] == PRODUCT and listings[1]["seller"]["name"] == "Toko Sepatu JKT"


def test_waf_challenge_exits_blocked(tmp_path):
    result = crawl("tokopedia", fixture_har("tokopedia", "blocked"), tmp_path, settings={"BLOCK_RETRY_TIMES": 0},
                   query="tas")
    assert result.returncode == 3, result.stderr[-2000:]
    assert result.records == [] and "blocked/verification" in result.stderr
