"""Tmall end to end (the Taobao spider with platform tmall), replayed from fixtures/tmall/*.har."""
from tests.e2e.harness import crawl, fixture_har


def test_item_url(tmp_path):
    url = "https://detail.tmall.com/item.htm?id=700000000002&skuId=5200000000001"
    result = crawl("tmall", fixture_har("tmall", "item"), tmp_path, url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    shoe = result.one("listing", "700000000002")
    assert shoe["platform"] == "tmall" and shoe["url"] == "https://detail.tmall.com/item.htm?id=700000000002"
    assert shoe["price"] == {"amount": "199", "currency": "CNY"} and shoe["seller"]["id"] == "3300000002"
    assert shoe["evidence"]["html_key"] and shoe["evidence"]["sha256"]


def test_search_on_the_tmall_tab_follows_to_items(tmp_path):
    result = crawl("tmall", fixture_har("tmall", "search"), tmp_path, query="跑步鞋")
    assert result.returncode == 0, result.stderr[-2000:]
    assert [(r["extractor"], r["id"]) for r in result.records] == [("api", "700000000002"), ("hydration", "700000000002")]
    assert all(r["platform"] == "tmall" and r["query"] == "跑步鞋" for r in result.records)
    card, item = result.records
    assert card["sold_count"] == 500 and card["location"] == "福建 泉州"
    assert item["location"] == "福建泉州" and item["evidence"]["screenshot_key"]
