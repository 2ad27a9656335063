"""Lazada end to end: search, product, the catalog JSON and the slider captcha, replayed from fixtures/lazada/*.har.

The pages are synthetic server-rendered pages: the search page assigns ``window.pageData``, the
product pages pass their module data to ``app.run`` (or ``__moduleData__``), as Lazada's pages do.
"""
from tests.e2e.harness import crawl, fixture_har

SEARCH = "https://www.lazada.com.my/catalog/?q=power%20bank"
PRODUCT = "https://www.lazada.com.my/products/power-bank-20000mah-pd-225w-i3100000001-s6100000001.html"


def test_search_follows_results_to_product_pages(tmp_path):
    result = crawl("lazada", fixture_har("lazada", "search"), tmp_path, query="power bank", site="com.my")
    assert result.returncode == 0, result.stderr[-2000:]
    cards = {r["id"]: r for r in result.of("listing") if r["source_url"] == SEARCH}
    items = {r["id"]: r for r in result.of("listing") if r["source_url"] != SEARCH}
    assert sorted(cards) == sorted(items) == ["3100000001", "3100000002"]
    assert all(r["query"] == "power bank" for r in result.records)
    assert cards["3100000001"]["sold_count"] == 1200 and cards["3100000001"]["seller"]["url"] is None
    bank = items["3100000001"]
    assert bank["price"] == {"amount": "59.9", "currency": "MYR"} and bank["price_max"] == {"amount": "64.9", "currency": "MYR"}
    assert bank["seller"]["url"] == "https://www.lazada.com.my/shop/voltmart/"
    assert sorted(r["id"] for r in result.of("account")) == ["600001", "600002"]  # the sellers of the product pages


def test_product_url(tmp_path):
    result = crawl("lazada", fixture_har("lazada", "product"), tmp_path, url=PRODUCT)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "3100000001")
    assert item["query"] == PRODUCT and item["url"] == PRODUCT and item["brand"] == "Volt"
    assert result.one("account", "600001")["handle"] == "voltmart"


def test_catalog_json_url_without_the_browser(tmp_path):
    url = "https://www.lazada.co.id/catalog/?ajax=true&isFirstRequest=true&page=1&q=sepatu%20lari"
    result = crawl("lazada", fixture_har("lazada", "catalog_json"), tmp_path, url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [r["id"] for r in result.of("listing")] == ["3000000001", "3000000002", "3000000003"]
    assert result.of("listing")[0]["price"] == {"amount": "289000", "currency": "IDR"}


def test_punish_page_exits_blocked(tmp_path):
    result = crawl("lazada", fixture_har("lazada", "blocked"), tmp_path, settings={"BLOCK_RETRY_TIMES": 0},
                   query="sepatu", site="co.id")
    assert result.returncode == 3, result.stderr[-2000:]
    assert result.records == [] and "blocked/captcha" in result.stderr


def test_unknown_site_is_rejected(tmp_path):
    result = crawl("lazada", None, tmp_path, query="sepatu", site="co.uk")
    assert result.returncode == 2 and "unknown -a site=co.uk; one of:" in result.stderr
