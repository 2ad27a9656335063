import pytest

from crawler.errors import PageChanged
from crawler.extract import extract
from tests.support import PAGES, by_kind, fixture_records, one, page_from

SOLD_URL = "https://www.ebay.com/sch/i.html?_nkw=retro+sneakers&LH_Sold=1&LH_Complete=1"
SELLER_URL = "https://www.ebay.co.uk/sch/i.html?_ssn=kicks*vault&_ipg=60"
ITEM_URL = "https://www.ebay.com/itm/395512345678"


def test_sold_search_skips_the_placeholder_and_repeats():
    records = fixture_records("ebay", "search_sold_scard.html", SOLD_URL)
    assert [r.id for r in records] == ["305500000001", "305500000002", "305500000003"]
    assert all(r.kind == "listing" and r.platform == "ebay" and r.extractor == "dom" for r in records)


def test_sold_card_fields():
    first = one(fixture_records("ebay", "search_sold_scard.html", SOLD_URL), "listing", "305500000001")
    assert first.url == "https://www.ebay.com/itm/305500000001"
    # the image alt is the seller's title as typed: runs of spaces kept, no fitment suffix, no hidden text
    assert first.title == "Retro Runner  OG Sneakers Size 10 (box worn)"
    assert first.price.amount == "1249.5" and first.price.currency == "USD"
    assert first.original_price.amount == "1400"
    assert first.shipping.amount == "0"
    assert first.sold_at == "2025-10-05T00:00:00Z"  # "Sold  Oct 5, 2025"
    assert first.availability == "out_of_stock"
    assert first.condition == "used"  # "Pre-Owned", found after a seller's own subtitle
    assert first.location == "United States"
    assert first.seller.handle == "sole_trader_9" and first.seller.url == "https://www.ebay.com/usr/sole_trader_9"
    assert first.rating == 4.5 and first.review_count == 12
    assert first.images == ["https://i.ebayimg.com/images/g/AAAAAA/s-l500.webp"]
    assert first.sold_count is None and first.price_max is None


def test_best_offer_accepted_hides_the_sale_price():
    offer = one(fixture_records("ebay", "search_sold_scard.html", SOLD_URL), "listing", "305500000002")
    assert offer.price is None
    assert offer.original_price.amount == "85"
    assert offer.shipping.amount == "12" and offer.condition == "new" and offer.location == "Canada"


def test_ended_card_is_not_sold_and_reads_a_price_range():
    ended = one(fixture_records("ebay", "search_sold_scard.html", SOLD_URL), "listing", "305500000003")
    assert ended.sold_at is None and ended.availability == "out_of_stock"
    assert (ended.price.amount, ended.price_max.amount) == ("10", "24.99")
    assert ended.shipping.amount == "33.96"  # "+$33.96 shipping estimate"
    assert ended.condition == "refurbished" and ended.sold_count == 1204
    assert ended.seller is None and ended.rating is None


def test_seller_page_old_layout_and_account():
    records = fixture_records("ebay", "seller_items_sitem.html", SELLER_URL)
    account = one(records, "account")
    assert account.id == "kicks*vault" and account.handle == "kicks*vault" and account.followers == 1500
    assert account.url == "https://www.ebay.co.uk/usr/kicks*vault"
    listings = by_kind(records, "listing")
    assert [r.id for r in listings] == ["204400000011", "204400000012"]
    sold = listings[0]
    assert sold.url == "https://www.ebay.co.uk/itm/204400000011"
    assert sold.title == "Vintage Hi-Top Trainers  UK 9"  # no "New listing" badge, no hidden text
    assert sold.price.amount == "1299.99" and sold.price.currency == "GBP"
    assert sold.original_price.amount == "1500"
    assert sold.shipping.amount == "4.5" and sold.location == "Ireland" and sold.sold_count == 37
    assert sold.sold_at == "2025-08-12T00:00:00Z" and sold.condition == "used"
    assert sold.seller.handle == "kicks*vault"
    live = listings[1]
    assert (live.price.amount, live.price_max.amount) == ("15", "18.5")
    assert live.shipping.amount == "0" and live.condition == "new"
    assert live.sold_at is None and live.availability is None
    # no seller row on the card: the _ssn filter of the URL names the seller
    assert live.seller.handle == "kicks*vault" and live.seller.name is None


def test_item_page_from_jsonld():
    item = one(fixture_records("ebay", "item_jsonld.html", ITEM_URL), "listing", "395512345678")
    assert item.extractor == "jsonld"
    assert item.title == "Retro Runner OG Sneakers  Size 10"
    assert item.price.amount == "149.99" and item.price.currency == "USD"
    assert item.shipping.amount == "8.5"
    assert item.condition == "used" and item.availability == "in_stock"
    assert item.brand == "RetroRun" and item.rating == 4.7 and item.review_count == 23
    assert item.seller.handle == "sole_trader_9"
    assert len(item.images) == 2


def test_search_without_cards_is_a_layout_change(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>retro | eBay</title></head><body><ul class='srp-results'></ul></body></html>")
    with pytest.raises(PageChanged, match="no result card"):
        extract(page_from(page, SOLD_URL))


def test_zero_results_is_empty_not_an_error(tmp_path):
    page = tmp_path / "none.html"
    page.write_text("<html><body><h1 class='srp-controls__count-heading'>0 results for zzqx</h1></body></html>")
    assert extract(page_from(page, SOLD_URL)) == []


def test_card_without_price_or_seller_keeps_nulls(tmp_path):
    html = (PAGES / "ebay" / "search_sold_scard.html").read_text(encoding="utf-8")
    html = html.replace("$1,249.50", "").replace("99.1% positive (2.3K)", "").replace("Free delivery", "")
    page = tmp_path / "stripped.html"
    page.write_text(html, encoding="utf-8")
    first = one(extract(page_from(page, SOLD_URL)), "listing", "305500000001")
    assert first.price is None and first.seller is None and first.shipping is None
    assert first.original_price.amount == "1400"


def test_item_page_without_jsonld_is_a_layout_change(tmp_path):
    page = tmp_path / "item.html"
    page.write_text("<html><head><title>x | eBay</title></head><body><h1>Item</h1></body></html>")
    with pytest.raises(PageChanged, match="JSON-LD Product"):
        extract(page_from(page, ITEM_URL))


@pytest.mark.parametrize("text,expected", [
    ("Mar 7, 2026", "2026-03-07T00:00:00Z"), (" Oct  5, 2025", "2025-10-05T00:00:00Z"),
    ("12 Aug 2025", "2025-08-12T00:00:00Z"), ("Sept. 5, 2025", "2025-09-05T00:00:00Z"),
    ("Feb 30, 2026", None), ("yesterday", None), (None, None),
])
def test_display_dates(text, expected):
    from crawler.helpers.times import from_display_date

    assert from_display_date(text) == expected
