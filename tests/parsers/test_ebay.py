import pytest

from crawler.errors import PageChanged
from crawler.extract import extract
from tests.support import PAGES, by_kind, fixture_records, one, page_from, write_page

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


def test_item_page_without_title_or_product_is_a_layout_change(tmp_path):
    page = tmp_path / "item.html"
    page.write_text("<html><head><title>x | eBay</title></head><body><h1>Item</h1></body></html>")
    with pytest.raises(PageChanged, match="no item title"):
        extract(page_from(page, ITEM_URL))


# ---- item page layouts ----

EVO_URL = "https://www.ebay.com/itm/306612345001"


def test_item_2025_evo_layout_in_the_listing_currency():
    item = one(fixture_records("ebay", "item_evo_2025_eur_seller.html", EVO_URL), "listing", "306612345001")
    assert item.extractor == "jsonld"
    # the title span only: not the trailing "<span>-</span>" of the h1
    assert item.title == "Vintage Brass Telescope 1890  Restored"
    # the listing's own currency, not the "Approximately US $" conversion nor the JSON-LD's USD offer
    assert item.price.model_dump() == {"amount": "1250", "currency": "EUR"}
    assert item.shipping.model_dump() == {"amount": "41.5", "currency": "EUR"}
    assert item.condition == "used" and item.availability == "in_stock"
    assert item.location == "Lyon, France"
    assert item.category == "Antiques > Maritime"
    assert item.images == ["https://i.ebayimg.com/images/g/EVO1/s-l1600.jpg"]


def test_item_seller_name_without_its_feedback_count():
    item = one(fixture_records("ebay", "item_evo_2025_eur_seller.html", EVO_URL), "listing", "306612345001")
    # the card prints "antik_haendler77" immediately followed by "(482)" in another element
    assert item.seller.model_dump() == {"id": None, "handle": "antik_haendler77", "name": "antik_haendler77",
                                        "url": "https://www.ebay.com/usr/antik_haendler77"}


def test_item_sold_count_of_recommendation_cards_is_not_the_items():
    item = one(fixture_records("ebay", "item_evo_2025_eur_seller.html", EVO_URL), "listing", "306612345001")
    assert item.sold_count is None  # "740 sold" / "1,204 sold" belong to other listings


def test_seller_handle_from_the_member_link_when_the_name_is_not_there(tmp_path):
    html = (PAGES / "ebay" / "item_evo_2025_eur_seller.html").read_text(encoding="utf-8")
    html = html.replace('<span class="ux-textspans ux-textspans--BOLD">antik_haendler77</span>', "")
    rec = one(extract(page_from(write_page(tmp_path, html), EVO_URL)), "listing", "306612345001")
    assert rec.seller.handle == "antik_haendler77"  # /sch/<handle>/m.html


def test_item_2022_2024_layout_list_price_and_sold_count():
    url = "https://www.ebay.co.uk/itm/306612345002?hash=item4763&var=0"
    item = one(fixture_records("ebay", "item_2023_list_price.html", url), "listing", "306612345002")
    assert item.url == "https://www.ebay.co.uk/itm/306612345002"
    assert item.price.model_dump() == {"amount": "24.99", "currency": "GBP"}
    assert item.original_price.model_dump() == {"amount": "39.99", "currency": "GBP"}  # struck "List price"
    assert item.shipping.model_dump() == {"amount": "0", "currency": "GBP"}  # "Free Standard Delivery"
    assert item.sold_count == 1318  # "1,318 sold" of the item's own quantity block
    assert item.condition == "new" and item.brand == "Glowfield"
    # the seller's user id (title attribute), not the store name the link shows, nor "(12,400)"
    assert item.seller.handle == "glowfield_uk"


def test_item_2020_layout_from_microdata_and_dom():
    url = "https://www.ebay.com/itm/Oak-Rocking-Chair-Handmade-Natural-/306612345003"
    item = one(fixture_records("ebay", "item_2020_microdata.html", url), "listing", "306612345003")
    assert item.extractor == "microdata"
    assert item.url == "https://www.ebay.com/itm/306612345003"
    assert item.title == "Oak Rocking Chair Handmade  Natural"  # no hidden "Details about"
    assert item.price.model_dump() == {"amount": "189.5", "currency": "USD"}  # #prcIsum content
    assert item.original_price.model_dump() == {"amount": "240", "currency": "USD"}  # #orgPrc
    assert item.shipping.model_dump() == {"amount": "0", "currency": "USD"}  # FREE
    assert item.sold_count == 41  # not the "512 sold" of a related item
    assert item.condition == "used" and item.availability == "in_stock"
    assert item.seller.handle == "blueridge.wood"  # #mbgLink, without "(2210)"
    assert item.location == "Asheville, North Carolina, United States"
    assert item.brand == "Blue Ridge Woodworks"
    assert item.category == "Home & Garden > Chairs"  # category links only, not the catalogue "See more ..."
    assert item.images == ["https://i.ebayimg.com/images/g/OAK3/s-l300.jpg"]


def test_item_id_comes_from_the_page_not_only_the_url(tmp_path):
    # the page is another item than the URL says: its canonical link and item number name it
    records = extract(page_from(PAGES / "ebay" / "item_evo_2025_eur_seller.html", "https://www.ebay.com/itm/306600000999"))
    assert [r.id for r in records] == ["306612345001"]
    bare = "<html><body><h1 class='x-item-title__mainTitle'><span class='ux-textspans--BOLD'>Lamp</span></h1></body></html>"
    with pytest.raises(PageChanged, match="no item id on the page"):
        extract(page_from(write_page(tmp_path, bare), ITEM_URL))


def test_saved_item_pages_without_url_are_sniffed():
    from crawler.page import Page
    from crawler.registry import choose

    for name, item_id in (("item_evo_2025_eur_seller.html", "306612345001"), ("item_2020_microdata.html", "306612345003")):
        page = Page(url="", body=(PAGES / "ebay" / name).read_bytes())
        assert choose(page).name == "ebay/item"
        assert [r.id for r in extract(page)] == [item_id]


def test_search_page_under_an_item_url_is_read_as_a_search():
    records = fixture_records("ebay", "search_sold_scard.html", "https://www.ebay.com/itm/395512345678")
    assert [r.id for r in records] == ["305500000001", "305500000002", "305500000003"]


@pytest.mark.parametrize("text,expected", [
    ("Mar 7, 2026", "2026-03-07T00:00:00Z"), (" Oct  5, 2025", "2025-10-05T00:00:00Z"),
    ("12 Aug 2025", "2025-08-12T00:00:00Z"), ("Sept. 5, 2025", "2025-09-05T00:00:00Z"),
    ("Feb 30, 2026", None), ("yesterday", None), (None, None),
])
def test_display_dates(text, expected):
    from crawler.helpers.times import from_display_date

    assert from_display_date(text) == expected
