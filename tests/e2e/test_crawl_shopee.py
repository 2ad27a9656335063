"""Shopee end to end: search, item, shop and the bot-check answer, replayed from fixtures/shopee/*.har.

The pages are synthetic SPA shells whose scripts fetch the /api/v4 endpoints like the web app;
the records come from those captured API answers.
"""
from tests.e2e.harness import crawl, fixture_har


def test_search_follows_results_to_item_pages(tmp_path):
    result = crawl("shopee", fixture_har("shopee", "search"), tmp_path, query="power bank", site="com.my")
    assert result.returncode == 0, result.stderr[-2000:]
    ids = ["23000000001", "23000000002", "23000000003"]
    searched = [r for r in result.of("listing") if "/search/search_items" in r["source_url"]]
    detailed = [r for r in result.of("listing") if "/pdp/get_pc" in r["source_url"]]
    assert [r["id"] for r in searched] == ids
    assert sorted(r["id"] for r in detailed) == ids  # every result followed to its item page
    assert all(r["query"] == "power bank" for r in result.records)
    ad = next(r for r in searched if r["id"] == "23000000001")
    assert ad["price"] == {"amount": "59.9", "currency": "MYR"} and ad["signals"] == {"sponsored": True, "discount_ratio": 0.6663}
    assert ad["seller"]["name"] is None  # search shows no shop name ...
    item = next(r for r in detailed if r["id"] == "23000000001")
    assert item["seller"] == {"id": "300000001", "handle": "voltmart.my", "name": "VoltMart MY",
                              "url": "https://shopee.com.my/shop/300000001"}  # ... the item page does
    assert item["description"].startswith("20000mAh") and item["sold_count"] == 1532


def test_item_url(tmp_path):
    url = "https://shopee.co.th/Silicone-Case-iPhone-15-i.400000009.24000000009"
    result = crawl("shopee", fixture_har("shopee", "product"), tmp_path, url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "24000000009")
    assert item["query"] == url and item["url"] == "https://shopee.co.th/product/400000009/24000000009"
    assert item["price"] == {"amount": "89", "currency": "THB"}
    assert item["price_max"] == {"amount": "129", "currency": "THB"}
    assert item["seller"]["handle"] == "casehouse.th" and item["review_count"] == 1203


def test_shop_account_and_its_items(tmp_path):
    result = crawl("shopee", fixture_har("shopee", "account"), tmp_path, account="tokolampu.terang")
    assert result.returncode == 0, result.stderr[-2000:]
    shop = result.one("account", "500000001")
    assert shop["handle"] == "tokolampu.terang" and shop["followers"] == 15400 and shop["posts_count"] == 2
    assert shop["query"] == "tokolampu.terang"
    listings = result.of("listing")
    assert sorted({r["id"] for r in listings}) == ["25000000001", "25000000002"]
    assert len(listings) == 4  # two from the shop's item list, two from their item pages
    detailed = [r for r in listings if "/pdp/get_pc" in r["source_url"]]
    assert {r["seller"]["name"] for r in detailed} == {"Toko Lampu Terang"}
    assert next(r for r in detailed if r["id"] == "25000000001")["price"] == {"amount": "89900", "currency": "IDR"}


def test_bot_check_answer_exits_blocked(tmp_path):
    result = crawl("shopee", fixture_har("shopee", "blocked"), tmp_path, settings={"BLOCK_RETRY_TIMES": 0},
                   query="sepatu")
    assert result.returncode == 3, result.stderr[-2000:]
    assert result.records == []
    assert "blocked/verification" in result.stderr


def test_unknown_site_is_rejected(tmp_path):
    result = crawl("shopee", None, tmp_path, query="sepatu", site="co.uk")
    assert result.returncode == 2 and "unknown -a site=co.uk" in result.stderr
