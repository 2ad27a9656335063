"""Facebook Marketplace end to end, replayed from fixtures/facebook_marketplace/*.har: a search whose
second page arrives by POST /api/graphql/ as the feed scrolls, followed to the item pages; an item URL."""
from scrapy.utils.test import get_crawler

from spiders.facebook_marketplace import FacebookMarketplaceSpider
from tests.e2e.harness import crawl, fixture_har

IDS = ["4300000000000001", "4300000000000002", "4300000000000003", "4300000000000004"]


def test_search_scrolls_then_follows_to_items(tmp_path):
    result = crawl("facebook_marketplace", fixture_har("facebook_marketplace", "search"), tmp_path,
                   query="desk chair", city="saltlakecity")
    assert result.returncode == 0, result.stderr[-2000:]
    cards = [r for r in result.of("listing") if "/marketplace/item/" not in r["source_url"]]
    items = [r for r in result.of("listing") if "/marketplace/item/" in r["source_url"]]
    assert [r["id"] for r in cards] == IDS  # two from the server HTML, two from the scrolled GraphQL page
    assert [r["extractor"] for r in cards] == ["hydration", "hydration", "api", "api"]
    assert cards[2]["source_url"] == "https://www.facebook.com/api/graphql/"
    assert all(r["seller"] is None and r["evidence"] is None for r in cards)
    assert sorted(r["id"] for r in items) == IDS  # every card followed to its item page
    assert all(r["query"] == "desk chair" for r in result.records)
    chair = next(r for r in items if r["id"] == "4300000000000001")
    assert chair["seller"]["name"] == "Jordan Pike" and chair["seller"]["id"] == "100000000000301"
    assert chair["price"] == {"amount": "60", "currency": "USD"}
    assert chair["evidence"]["html_key"] and chair["evidence"]["screenshot_key"] and chair["evidence"]["sha256"]


def test_item_url(tmp_path):
    url = "https://www.facebook.com/marketplace/item/5200000000000007/"
    result = crawl("facebook_marketplace", fixture_har("facebook_marketplace", "item"), tmp_path, url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [r["id"] for r in result.records] == ["5200000000000007"]  # not the similar item
    bike = result.records[0]
    assert bike["query"] == url and bike["price"] == {"amount": "385", "currency": "GBP"}
    assert bike["seller"]["name"] == "Sam Rider" and bike["condition"] == "used"
    assert set(bike["evidence"]) >= {"html_key", "screenshot_key", "sha256", "captured_at"}


def test_city_of_a_bare_query(tmp_path):
    def url(settings=None, **args):
        crawler = get_crawler(FacebookMarketplaceSpider, {"STORE_URI": str(tmp_path / "store"), **(settings or {})})
        return FacebookMarketplaceSpider.from_crawler(crawler, query="desk chair", **args).search_url("desk chair")

    assert url() == "https://www.facebook.com/marketplace/nyc/search?query=desk%20chair"
    assert url({"FACEBOOK_MARKETPLACE_CITY": "chicago"}) == \
        "https://www.facebook.com/marketplace/chicago/search?query=desk%20chair"
    assert url({"FACEBOOK_MARKETPLACE_CITY": "chicago"}, city="saltlakecity").startswith(
        "https://www.facebook.com/marketplace/saltlakecity/search?")
