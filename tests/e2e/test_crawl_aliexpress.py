"""AliExpress end to end, replayed from fixtures/aliexpress/*.har through the browser: an item page and
a search followed to its item pages; store accounts are rejected."""
from tests.e2e.harness import crawl, fixture_har


def test_item_url(tmp_path):
    url = "https://www.aliexpress.com/item/1005007100000102.html"
    result = crawl("aliexpress", fixture_har("aliexpress", "item"), tmp_path, url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "1005007100000102")
    assert item["title"] == "Women Trail Running Shoes Lightweight" and item["query"] == url
    assert item["price"] == {"amount": "24.5", "currency": "USD"}
    assert item["seller"] == {"id": "1102000002", "handle": None, "name": "Lotus Step Store",
                              "url": "https://www.aliexpress.com/store/1102000002"}
    assert item["sold_count"] == 137 and item["review_count"] == 48 and item["availability"] == "out_of_stock"
    assert item["evidence"]["screenshot_key"] and item["evidence"]["html_key"]


def test_search_follows_results_to_item_pages(tmp_path):
    result = crawl("aliexpress", fixture_har("aliexpress", "search"), tmp_path, query="trail shoes")
    assert result.returncode == 0, result.stderr[-2000:]
    ids = ["1005007100000101", "1005007100000102", "1005007100000103"]
    cards = {r["id"]: r for r in result.of("listing") if r["evidence"] is None}
    items = {r["id"]: r for r in result.of("listing") if r["evidence"] is not None}
    assert sorted(cards) == sorted(items) == ids
    assert all(r["query"] == "trail shoes" for r in result.records)
    # the card lacks the store and the sold count; its item page has them
    assert cards["1005007100000102"]["seller"] is None and cards["1005007100000102"]["sold_count"] is None
    assert items["1005007100000102"]["seller"]["name"] == "Lotus Step Store"
    assert items["1005007100000102"]["sold_count"] == 137
    assert cards["1005007100000101"]["sold_count"] == 2000 and cards["1005007100000101"]["shipping"]["amount"] == "0"
    assert items["1005007100000103"]["original_price"]["amount"] == "14.2" and items["1005007100000103"]["price"]["amount"] == "9.99"
    assert all(r["evidence"]["screenshot_key"] for r in items.values())


def test_store_account_is_rejected(tmp_path):
    result = crawl("aliexpress", None, tmp_path, account="1102000001")
    assert result.returncode == 2
    assert "aliexpress does not support -a account" in result.stderr
    assert result.records == []
