"""Taobao end to end, replayed from fixtures/taobao/*.har: an item page, a search whose cards come
from the mtop JSONP answer and are followed to the item pages, and a search without a session."""
from tests.e2e.harness import crawl, fixture_har


def test_item_url(tmp_path):
    url = "https://item.taobao.com/item.htm?id=700000000001&spm=a21n57.1.item.1"
    result = crawl("taobao", fixture_har("taobao", "item"), tmp_path, url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "700000000001")
    assert item["platform"] == "taobao" and item["query"] == url
    assert item["price"] == {"amount": "68", "currency": "CNY"} and item["sold_count"] == 10000
    assert item["seller"]["id"] == "2200000001" and item["shipping"] == {"amount": "0", "currency": "CNY"}
    assert set(item["evidence"]) >= {"html_key", "screenshot_key", "sha256"} and item["evidence"]["html_key"]


def test_search_follows_cards_to_items(tmp_path):
    result = crawl("taobao", fixture_har("taobao", "search"), tmp_path, query="龙井")
    assert result.returncode == 0, result.stderr[-2000:]
    cards = [r for r in result.records if r["extractor"] == "api"]
    items = [r for r in result.records if r["extractor"] == "hydration"]
    assert [r["id"] for r in cards] == ["700000000001", "700000000003"]
    assert sorted(r["id"] for r in items) == ["700000000001", "700000000003"]
    assert all(r["query"] == "龙井" and r["platform"] == "taobao" for r in result.records)
    assert cards[0]["signals"] == {"sponsored": True} and cards[0]["evidence"] is None
    farm = next(r for r in items if r["id"] == "700000000003")
    assert farm["price"] == {"amount": "39", "currency": "CNY"} and farm["sold_count"] == 800
    assert farm["seller"]["url"] == "https://shop500000003.taobao.com"  # the item page knows the shop
    assert farm["availability"] == "in_stock" and farm["evidence"]["screenshot_key"]


def test_search_without_session_exits_blocked(tmp_path):
    result = crawl("taobao", fixture_har("taobao", "search_login"), tmp_path, settings={"BLOCK_RETRY_TIMES": 0},
                   query="龙井")
    assert result.returncode == 3, result.stderr[-2000:]
    assert result.records == [] and "blocked/login_wall" in result.stderr


def test_account_is_not_supported(tmp_path):
    result = crawl("taobao", None, tmp_path, account="chayeshop88")
    assert result.returncode == 2 and "taobao does not support -a account" in result.stderr
