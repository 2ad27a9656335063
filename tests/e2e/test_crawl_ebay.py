"""eBay end to end, replayed from fixtures/ebay/*.har: an item page (browser, with screenshot evidence),
a search followed to its item pages, a seller's items with the store card, a sold search as a URL target
(list pages by plain requests)."""
from tests.e2e.harness import crawl, fixture_har


def _by_extractor(result, extractor):
    return {r["id"]: r for r in result.of("listing") if r["extractor"] == extractor}


def _has_screenshot(record):
    evidence = record["evidence"]
    return bool(evidence and evidence["html_key"] and evidence["screenshot_key"] and evidence["sha256"])


def test_item_url(tmp_path):
    url = "https://www.ebay.com/itm/306600000102"
    result = crawl("ebay", fixture_har("ebay", "item"), tmp_path, url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "306600000102")
    assert item["extractor"] == "jsonld" and item["query"] == url
    assert item["title"] == "Trail Runner Womens 7.5 Grey"
    assert item["price"] == {"amount": "38", "currency": "USD"} and item["shipping"]["amount"] == "9.95"
    assert item["condition"] == "used" and item["seller"]["handle"] == "maple_soles"
    assert _has_screenshot(item)  # a detail page goes through the browser


def test_search_follows_results_to_item_pages(tmp_path):
    result = crawl("ebay", fixture_har("ebay", "search"), tmp_path, query="trail runner")
    assert result.returncode == 0, result.stderr[-2000:]
    cards, items = _by_extractor(result, "dom"), _by_extractor(result, "jsonld")
    ids = ["306600000101", "306600000102", "306600000103"]
    assert sorted(cards) == ids  # the "Shop on eBay" placeholder is skipped
    assert sorted(items) == ids  # every result followed once to its /itm/ page
    assert all(r["query"] == "trail runner" for r in result.records)
    card = cards["306600000101"]
    assert card["sold_count"] == 212 and card["seller"]["handle"] == "ridge_outfitters"
    assert card["evidence"] is None  # list page: plain request, no evidence
    item = items["306600000101"]
    assert item["description"] == "Waterproof trail runner, size 9 US." and item["brand"] == "Ridgeline"
    assert item["rating"] == 4.8 and item["review_count"] == 41 and item["availability"] == "in_stock"
    assert cards["306600000103"]["price_max"]["amount"] == "27.5"
    assert all(_has_screenshot(r) for r in items.values())


def test_seller_account(tmp_path):
    result = crawl("ebay", fixture_har("ebay", "account"), tmp_path, account="ridge_outfitters")
    assert result.returncode == 0, result.stderr[-2000:]
    account = result.one("account", "ridge_outfitters")
    assert account["followers"] == 2200 and account["url"] == "https://www.ebay.com/usr/ridge_outfitters"
    cards, items = _by_extractor(result, "dom"), _by_extractor(result, "jsonld")
    assert sorted(cards) == sorted(items) == ["306600000101", "306600000104"]
    assert all(r["seller"]["handle"] == "ridge_outfitters" for r in cards.values())  # from the _ssn filter
    assert cards["306600000104"]["sold_count"] == 57 and items["306600000104"]["availability"] == "out_of_stock"
    assert all(r["query"] == "ridge_outfitters" for r in result.records)


def test_sold_search_url(tmp_path):
    url = "https://www.ebay.com/sch/i.html?_nkw=retro+sneakers&LH_Sold=1&LH_Complete=1"
    result = crawl("ebay", fixture_har("ebay", "sold"), tmp_path, url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [r["id"] for r in result.of("listing")] == ["305500000001", "305500000002", "305500000003"]
    sold = result.one("listing", "305500000001")
    assert sold["sold_at"] == "2025-10-05T00:00:00Z" and sold["availability"] == "out_of_stock"
    assert sold["price"]["amount"] == "1249.5" and sold["query"] == url
    assert result.one("listing", "305500000002")["price"] is None  # best offer accepted: sale price hidden
    # a URL target keeps evidence; a list page is a plain request, so the HTML without a screenshot
    assert sold["evidence"]["html_key"] and sold["evidence"]["screenshot_key"] is None
