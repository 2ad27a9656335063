"""Shopify end to end, replayed from fixtures/shopify/*.har: a product page on the store's own domain
(browser, screenshot evidence), the product JSON endpoints (plain requests), and a page whose reviews
app deletes the JSON-LD in the browser (the record is read from the HTML as served)."""
import json

from tests.e2e.harness import crawl, fixture_har

URL = "https://www.velasdelsur.example/products/vela-lavanda"


def _has_screenshot(record):
    evidence = record["evidence"]
    return bool(evidence and evidence["html_key"] and evidence["screenshot_key"] and evidence["sha256"])


def test_product_page_on_the_store_domain(tmp_path):
    result = crawl("shopify", fixture_har("shopify", "product"), tmp_path, url=URL)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "9001122334455")
    assert item["extractor"] == "jsonld" and item["query"] == URL and item["url"] == URL
    assert item["price"] == {"amount": "45000", "currency": "COP"} and item["price_max"]["amount"] == "69000"
    assert item["seller"] == {"id": "71234567890", "handle": "velas-del-sur", "name": "Velas del Sur",
                              "url": "https://www.velasdelsur.example/"}
    assert item["rating"] == 4.8 and item["review_count"] == 15
    assert _has_screenshot(item)


def test_product_json_endpoints_without_browser(tmp_path):
    urls = [URL + ".js?currency=COP", URL + ".json"]
    result = crawl("shopify", fixture_har("shopify", "product_json"), tmp_path, url=",".join(urls))
    assert result.returncode == 0, result.stderr[-2000:]
    records = result.of("listing")
    assert sorted(r["source_url"] for r in records) == sorted(urls)
    for record in records:
        assert record["id"] == "9001122334455" and record["extractor"] == "api" and record["url"] == URL
        assert record["price"] == {"amount": "45000", "currency": "COP"}
        assert record["original_price"] == {"amount": "52000", "currency": "COP"}
        assert record["evidence"]["screenshot_key"] is None  # a JSON API: plain request, no rendering
    assert "playwright/page_count" not in result.stderr  # no browser page was opened


def test_served_html_is_read_when_an_app_rewrites_the_page(tmp_path):
    result = crawl("shopify", fixture_har("shopify", "review_app"), tmp_path, url=URL)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "9001122334455")
    # JSON-LD only: the reviews app removed it from the DOM, the served HTML still has it
    assert item["extractor"] == "jsonld" and item["rating"] == 4.8
    assert item["description"] == "Vela de cera de soja.\nAroma lavanda."
    assert item["title"] == "Vela Lavanda"
    # the evidence is the rendered page (what a visitor saw), not the served bytes
    rendered = (tmp_path / "store" / item["evidence"]["html_key"]).read_text(encoding="utf-8")
    assert "Vela Lavanda (15 opiniones)" in rendered and '"@type": "ProductGroup"' not in rendered
    assert _has_screenshot(item)


def test_query_and_account_are_not_supported(tmp_path):
    result = crawl("shopify", None, tmp_path, query="velas")
    assert result.returncode == 2 and "shopify does not support -a query" in result.stderr
    assert not json.dumps(result.records).count("listing")
