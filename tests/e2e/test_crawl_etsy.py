"""Etsy end to end, replayed from fixtures/etsy/*.har, all through the browser (DataDome): a listing
page, a search followed to its listing pages, a shop's listings followed the same way."""
from tests.e2e.harness import by_source, crawl, fixture_har, has_screenshot


def test_listing_url(tmp_path):
    url = "https://www.etsy.com/es/listing/4012345678/anillo-de-plata-con-luna-grabada"
    result = crawl("etsy", fixture_har("etsy", "listing"), tmp_path, url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "4012345678")
    assert item["query"] == url and item["extractor"] == "jsonld"
    assert item["price"] == {"amount": "1234.5", "currency": "EUR"}  # not the shop's 35.00 USD base price
    assert item["original_price"] == {"amount": "1543.13", "currency": "EUR"}
    assert item["seller"]["id"] == "55501234" and item["seller"]["handle"] == "LunaPlataStudio"
    assert has_screenshot(item)


def test_search_follows_results_to_listing_pages(tmp_path):
    result = crawl("etsy", fixture_har("etsy", "search"), tmp_path, query="anillo luna")
    assert result.returncode == 0, result.stderr[-3000:]
    cards, items = by_source(result, "https://www.etsy.com/search?q=anillo+luna")
    assert list(cards) == ["4012345678", "4012345999"]
    assert sorted(items) == ["4012345678", "4012345999"]  # each result followed once
    assert all(r["query"] == "anillo luna" for r in result.records)
    card = cards["4012345999"]
    assert card["price"] == {"amount": "89", "currency": "EUR"} and card["seller"]["id"] == "66602345"
    assert card["seller"]["name"] == "OroFinoAtelier" and card["evidence"] is None
    item = items["4012345999"]  # the listing page adds the price range, rating, category, ship-from country
    assert item["price_max"] == {"amount": "129", "currency": "EUR"} and item["rating"] == 4.6
    assert item["review_count"] == 212 and item["location"] == "GR" and item["description"].startswith("Oro macizo 14k.")
    assert all(has_screenshot(r) for r in items.values())


def test_shop_listings(tmp_path):
    result = crawl("etsy", fixture_har("etsy", "shop"), tmp_path, account="LunaPlataStudio")
    assert result.returncode == 0, result.stderr[-3000:]
    cards, items = by_source(result, "https://www.etsy.com/shop/LunaPlataStudio")
    assert list(cards) == ["4012345678", "4012345680"] and sorted(items) == sorted(cards)
    assert all(r["seller"]["handle"] == "LunaPlataStudio" for r in result.records)  # named by the shop page
    assert cards["4012345680"]["extractor"] == "dom" and cards["4012345680"]["price"]["amount"] == "42"
    assert items["4012345680"]["original_price"] == {"amount": "52.5", "currency": "EUR"}
    assert all(r["query"] == "LunaPlataStudio" for r in result.records)
