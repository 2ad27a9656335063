import json

import pytest

from crawler.errors import BlockedPage, PageChanged
from crawler.extract import extract
from crawler.page import Page
from crawler.parsers.facebook_marketplace import FacebookMarketplaceItemParser
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one

SEARCH_URL = "https://www.facebook.com/marketplace/phoenix/search?query=vintage%20lamp&exact=false"
ITEM_URL = "https://www.facebook.com/marketplace/item/5200000000000007/"


def _page(html: str, url: str = SEARCH_URL) -> Page:
    return Page(url=url, body=html.encode("utf-8"), fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _sjs(data) -> str:
    return '<script type="application/json" data-sjs>%s</script>' % json.dumps(data)


def test_search_gives_every_card_once():
    records = fixture_records("facebook_marketplace", "search_vintage_lamp.html", SEARCH_URL)
    # the first listing comes in two Relay pieces: merged, not repeated; photo ids are not listings
    assert [r.id for r in records] == ["4100000000000001", "4100000000000002", "4100000000000003"]
    lamp = one(records, "listing", "4100000000000001")
    assert lamp.platform == "facebook_marketplace" and lamp.extractor == "hydration"
    assert lamp.url == "https://www.facebook.com/marketplace/item/4100000000000001/"
    assert lamp.title == "Brass desk lamp, works great"
    assert (lamp.price.amount, lamp.price.currency) == ("45", "USD")  # "$45" with no code: USD
    assert lamp.original_price is None and lamp.price_max is None
    assert lamp.seller is None  # search results carry no seller
    assert lamp.location == "Tempe, AZ"  # reverse_geocode, not city_page
    assert lamp.availability == "in_stock" and lamp.sold_at is None
    assert lamp.images == ["https://scontent-lax3-1.xx.fbcdn.net/v/t45.5328-4/0001_n.jpg?stp=dst-jpg_p261x260"]


def test_search_card_details():
    records = fixture_records("facebook_marketplace", "search_vintage_lamp.html", SEARCH_URL)
    floor = one(records, "listing", "4100000000000002")
    assert floor.title == "Mid-century floor lamp "  # trailing space kept as written
    assert floor.original_price.amount == "150" and floor.original_price.currency == "USD"  # strikethrough_price
    assert floor.location == "Mesa, AZ"  # city_page says Gilbert: the card shows Mesa
    free = one(records, "listing", "4100000000000003")
    assert (free.price.amount, free.price.currency) == ("0", "USD")  # "Free": the page's currency
    assert free.availability == "out_of_stock"  # is_sold


def test_item_page_gives_only_its_listing():
    records = fixture_records("facebook_marketplace", "item_road_bike.html", ITEM_URL)
    assert [r.id for r in records] == ["5200000000000007"]  # the similar item is not emitted
    bike = records[0]
    assert bike.title == "Road bike 54cm, barely used"
    assert bike.description == "Aluminium frame, Shimano 105.\nCollection only  -  no offers before Saturday."
    assert (bike.price.amount, bike.price.currency) == ("385", "GBP")
    assert bike.seller.id == "100000000000042" and bike.seller.name == "Sam Rider"
    assert bike.seller.url == "https://www.facebook.com/marketplace/profile/100000000000042/"
    assert bike.condition == "used"
    assert bike.location == "Bristol, United Kingdom"
    assert bike.images == ["https://scontent-lhr8-1.xx.fbcdn.net/v/t45.5328-4/a1_n.jpg",
                           "https://scontent-lhr8-1.xx.fbcdn.net/v/t45.5328-4/a2_n.jpg"]


def test_pages_without_url_are_recognised_by_content():
    for name, page_type in (("search_vintage_lamp.html", "search"), ("item_road_bike.html", "item")):
        page = Page(url="", body=(PAGES / "facebook_marketplace" / name).read_bytes())
        assert choose(page).name == "facebook_marketplace/" + page_type
    records = extract(Page(url="", body=(PAGES / "facebook_marketplace" / "item_road_bike.html").read_bytes()))
    assert [r.id for r in records] == ["5200000000000007"]


def test_login_page_is_a_block():
    html = ('<html><head><title>Log into Facebook</title></head><body>'
            '<form id="login_form" action="/login/device-based/regular/login/"></form></body></html>')
    with pytest.raises(BlockedPage) as err:
        extract(_page(html))
    assert err.value.reason == "login_wall"


def test_logged_out_page_with_listings_is_not_a_block():
    # the real logged-out search page carries a login form AND the listings
    records = fixture_records("facebook_marketplace", "search_vintage_lamp.html", SEARCH_URL)
    assert len(records) == 3


def test_relay_data_without_listings_is_a_changed_page():
    html = "<html><head><title>Facebook</title></head><body>%s</body></html>" % _sjs(
        {"require": [["RelayPrefetchedStreamCache", "next", [], ["adp_x", {"__bbox": {"result": {"data": {"viewer": {}}}}}]]]})
    with pytest.raises(PageChanged, match="GroupCommerceProductItem"):
        extract(_page(html))


def test_item_page_without_its_listing_is_a_changed_page():
    html = "<html><body>%s</body></html>" % _sjs(
        {"data": {"listing": {"__typename": "GroupCommerceProductItem", "id": "999", "marketplace_listing_title": "x"}}})
    with pytest.raises(PageChanged, match="5200000000000007"):
        list(FacebookMarketplaceItemParser().parse(_page(html, ITEM_URL)))
    # what the page does hold is read as itself: never as the URL's item
    records = extract(_page(html, ITEM_URL))
    assert [(r.id, r.title) for r in records] == [("999", "x")]


def test_broken_listing_fields_give_nulls_not_errors():
    listing = {"__typename": "GroupCommerceProductItem", "id": "4100000000000077", "marketplace_listing_title": ["x"],
               "listing_price": {"amount": "many", "formatted_amount": 12}, "strikethrough_price": "old",
               "location": {"reverse_geocode": "Tempe"}, "is_sold": "maybe", "primary_listing_photo": {"image": {"uri": 5}},
               "marketplace_listing_seller": {"id": "not-an-id"}}
    records = extract(_page("<html><body>%s</body></html>" % _sjs({"data": {"listing": listing}})))
    assert len(records) == 1
    rec = records[0]
    assert rec.id == "4100000000000077"
    assert rec.title is None and rec.price is None and rec.original_price is None
    assert rec.location is None and rec.availability is None and rec.images == [] and rec.seller is None


def test_currency_from_code_or_symbol():
    cards = [
        {"__typename": "GroupCommerceProductItem", "id": "61", "marketplace_listing_title": "a",
         "listing_price": {"amount": "10.00", "currency": "dollars", "formatted_amount": "€10"}},
        {"__typename": "GroupCommerceProductItem", "id": "62", "marketplace_listing_title": "b",
         "listing_price": {"amount": "40.00", "formatted_amount": "CA$40"}},
        {"__typename": "GroupCommerceProductItem", "id": "63", "marketplace_listing_title": "c",
         "listing_price": {"amount": "5.00", "currency": "MXN", "formatted_amount": "$5"}},
    ]
    records = extract(_page("<html><body>%s</body></html>" % _sjs({"data": {"edges": cards}})))
    assert [(r.id, r.price.amount, r.price.currency) for r in records] == [
        ("61", "10", "EUR"), ("62", "40", "CAD"), ("63", "5", "MXN")]


GRAPHQL_URL = "https://www.facebook.com/api/graphql/"


def test_graphql_next_page_of_a_search():
    records = fixture_records("facebook_marketplace", "graphql_search_desk_chair_page2.json", GRAPHQL_URL)
    assert [r.id for r in records] == ["4300000000000003", "4300000000000004"]
    free, stool = records
    assert free.extractor == "api" and free.url == "https://www.facebook.com/marketplace/item/4300000000000003/"
    assert (free.price.amount, free.price.currency) == ("0", "USD")  # "Free": the answer's currency ($35)
    assert free.availability == "out_of_stock" and free.location == "Sandy, UT" and free.seller is None
    assert stool.title == "Drafting stool " and (stool.price.amount, stool.price.currency) == ("35", "USD")


def test_graphql_streamed_parts_and_guard():
    data = json.loads((PAGES / "facebook_marketplace" / "graphql_search_desk_chair_page2.json").read_text(encoding="utf-8"))
    edges = data["data"]["marketplace_search"]["feed_units"]["edges"]
    part1 = {"data": {"marketplace_search": {"feed_units": {"edges": edges[:1]}}}}
    part2 = {"label": "CometMarketplaceSearchContentPaginationQuery$defer$1", "path": ["marketplace_search"],
             "data": {"feed_units": {"edges": edges[1:]}}}
    body = "for (;;);" + json.dumps(part1) + "\r\n" + json.dumps(part2)
    records = extract(Page(url=GRAPHQL_URL, body=body.encode(), fetched_at="2026-01-01T00:00:00Z", crawl_id="t"))
    assert [r.id for r in records] == ["4300000000000003", "4300000000000004"]


def test_graphql_without_listings_is_a_changed_page():
    page = Page(url=GRAPHQL_URL, body=b'{"errors": [{"message": "Rate limit exceeded", "code": 1675004}]}')
    with pytest.raises(PageChanged, match="Rate limit exceeded"):
        extract(page)
    with pytest.raises(PageChanged):
        extract(Page(url=GRAPHQL_URL, body=b'{"data": {"viewer": {"actor": null}}}'))
    with pytest.raises(PageChanged):
        extract(Page(url=GRAPHQL_URL, body=b'{"data": {"marketplace_search": '))


def test_graphql_answer_is_recognised_without_url():
    page = Page(url="", body=(PAGES / "facebook_marketplace" / "graphql_search_desk_chair_page2.json").read_bytes())
    assert choose(page).name == "facebook_marketplace/graphql"


def test_followed_item_page_has_seller_and_description():
    url = "https://www.facebook.com/marketplace/item/4300000000000001/"
    records = fixture_records("facebook_marketplace", "item_4300000000000001.html", url)
    chair = one(records, "listing", "4300000000000001")
    assert chair.seller.name == "Jordan Pike" and chair.condition == "used"
    assert chair.description == "Adjustable arms and lumbar support.\nPick up in Murray."


def test_graphql_item_answer_gives_only_its_target():
    records = fixture_records("facebook_marketplace", "graphql_item_pdp.json", GRAPHQL_URL)
    assert [r.id for r in records] == ["5300000000000009"]  # the related listing is not emitted
    mixer = records[0]
    assert mixer.extractor == "api" and mixer.title == "Stand mixer 5 qt, tilt head"
    assert (mixer.price.amount, mixer.price.currency) == ("120", "CAD")  # only formatted_price "CA$120"
    assert mixer.description == "Works perfectly.\nBowl and whisk included."
    assert mixer.seller.id == "100000000000077" and mixer.seller.name == "Alex Baker"
    assert mixer.condition == "used" and mixer.location == "Toronto, ON" and mixer.availability == "in_stock"
    assert choose(Page(url="", body=(PAGES / "facebook_marketplace" / "graphql_item_pdp.json").read_bytes())).name \
        == "facebook_marketplace/graphql"


def test_no_currency_anywhere_gives_no_price():
    card = {"__typename": "GroupCommerceProductItem", "id": "71", "marketplace_listing_title": "lamp",
            "listing_price": {"amount": "20.00", "formatted_amount": "20"}}
    records = extract(_page("<html><body>%s</body></html>" % _sjs({"data": {"edges": [card]}})))
    assert [(r.id, r.price) for r in records] == [("71", None)]  # an amount without a currency is not invented one


def test_item_page_shows_its_own_target_when_the_url_names_another():
    target = {"__typename": "GroupCommerceProductItem", "id": "5300000000000011", "marketplace_listing_title": "Desk",
              "listing_price": {"amount": "60.00", "currency": "USD", "formatted_amount": "$60"}}
    html = "<html><body>%s</body></html>" % _sjs(
        {"data": {"viewer": {"marketplace_product_details_page": {"target": target}}}})
    records = extract(_page(html, ITEM_URL))
    assert [(r.id, r.title, r.price.amount) for r in records] == [("5300000000000011", "Desk", "60")]


def test_relay_listing_in_a_plain_json_script_is_read():
    card = {"__typename": "GroupCommerceProductItem", "id": "72", "marketplace_listing_title": "chair",
            "listing_price": {"amount": 35, "formatted_amount": "$35"}}
    html = '<html><body><script type="application/json">%s</script></body></html>' % json.dumps({"data": {"x": [card]}})
    records = extract(_page(html, ""))
    assert [(r.id, r.price.amount, r.price.currency) for r in records] == [("72", "35", "USD")]
