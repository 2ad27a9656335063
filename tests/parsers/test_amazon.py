import re

import pytest

from crawler.errors import BlockedPage, NoParser, PageChanged
from crawler.extract import extract
from crawler.page import Page
from crawler.parsers.amazon import _rating
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one

SEARCH_URL = "https://www.amazon.de/s?k=kopfh%C3%B6rer"
DE_URL = "https://www.amazon.de/Nordlicht-Funk-Kopfhoerer-NK-500/dp/B0FAKEDE01/ref=sr_1_1"
US_URL = "https://www.amazon.com/gp/product/B0FAKEUS02?th=1"


def _page(html: str, url: str) -> Page:
    return Page(url=url, body=html.encode("utf-8"), fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _fixture_text(name: str) -> str:
    return (PAGES / "amazon" / name).read_text(encoding="utf-8")


# ---- search ----

def test_search_reads_every_real_card_and_skips_placeholders():
    records = fixture_records("amazon", "search_de_kopfhoerer.html", SEARCH_URL)
    assert [r.id for r in records] == ["B0FAKE0001", "B0FAKE0002", "B0FAKE0003", "B0FAKE0004"]
    assert all(r.kind == "listing" and r.platform == "amazon" and r.extractor == "dom" for r in records)


def test_search_card_values_in_the_marketplace_locale():
    first = one(fixture_records("amazon", "search_de_kopfhoerer.html", SEARCH_URL), "listing", "B0FAKE0001")
    assert first.url == "https://www.amazon.de/dp/B0FAKE0001"
    assert first.title == "Nordlicht Funk-Kopfhörer NK-500, Over-Ear"
    assert first.price.model_dump() == {"amount": "1299", "currency": "EUR"}  # "1.299,00 €": dot = thousands on .de
    assert first.original_price.model_dump() == {"amount": "1499.99", "currency": "EUR"}
    assert first.rating == 4.5  # "4,5 von 5 Sternen"
    assert first.review_count == 1234  # "1.234 Bewertungen"
    assert first.images == ["https://m.media-amazon.com/images/I/11FakeOne1L._AC_UY218_.jpg"]
    assert first.brand is None and first.seller is None and first.availability is None
    assert first.signals == {"discount_ratio": 0.866}  # 1299 / 1499.99 (crawler.signals)


def test_card_without_price_does_not_borrow_its_neighbours():
    records = fixture_records("amazon", "search_de_kopfhoerer.html", SEARCH_URL)
    no_offer = one(records, "listing", "B0FAKE0002")
    # only "59,97 € (2 neue Angebote)" from other sellers, and the next card has 24,99 €
    assert no_offer.price is None and no_offer.original_price is None
    assert no_offer.rating is None and no_offer.review_count is None


def test_other_format_in_the_card_is_not_its_price():
    book = one(fixture_records("amazon", "search_de_kopfhoerer.html", SEARCH_URL), "listing", "B0FAKE0003")
    assert book.price.amount == "24.99"
    assert book.original_price is None  # the struck 29,99 € belongs to the Kindle format below


def test_sponsored_card_is_kept_flagged_with_brand_apart_from_title():
    ad = one(fixture_records("amazon", "search_de_kopfhoerer.html", SEARCH_URL), "listing", "B0FAKE0004")
    assert ad.signals == {"sponsored": True}
    assert ad.title == "In-Ear Kopfhörer Sport"  # not the aria-label's "Gesponserte Anzeige – " prefix
    assert ad.brand == "Klangwerk"
    assert ad.review_count == 12057 and ad.rating == 3.9
    assert ad.price.model_dump() == {"amount": "9.49", "currency": "EUR"}


def test_search_without_cards_is_a_changed_page():
    html = "<html><head><title>Amazon.de : x</title></head><body><div class='s-main-slot'></div></body></html>"
    with pytest.raises(PageChanged, match="search result cards"):
        extract(_page(html, SEARCH_URL))


# ---- product ----

def test_product_de_buy_box_and_details():
    rec = one(fixture_records("amazon", "product_de_B0FAKEDE01.html", DE_URL), "listing", "B0FAKEDE01")
    assert rec.url == "https://www.amazon.de/Nordlicht-Funk-Kopfhoerer-NK-500/dp/B0FAKEDE01"  # canonical
    assert rec.title == "Nordlicht Funk-Kopfhörer NK-500, Over-Ear, 40 Std. Akku"  # markup indentation stripped
    # the NEW offer of the buying-options JSON, not the USED one listed first, nor the per-unit 44,95 €
    assert rec.price.model_dump() == {"amount": "89.9", "currency": "EUR"}
    assert rec.condition == "new"
    assert rec.original_price.model_dump() == {"amount": "119.9", "currency": "EUR"}  # UVP strike price
    assert rec.price_max is None and rec.shipping is None and rec.sold_count is None
    assert rec.rating == 4.6 and rec.review_count == 2345
    assert rec.brand == "Nordlicht"  # "Besuche den Nordlicht-Store"
    assert rec.availability == "in_stock"
    assert rec.category == "Elektronik & Foto > Kopfhörer"
    assert rec.seller.model_dump() == {
        "id": "A3FAKESELLER9", "handle": None, "name": "Klangkiste Handels GmbH",
        "url": "https://www.amazon.de/gp/help/seller/at-a-glance.html/ref=dp_merchant_link?ie=UTF8&seller=A3FAKESELLER9&asin=B0FAKEDE01",
    }
    assert rec.description == "40 Stunden Akkulaufzeit mit einer Ladung\nAktive Geräuschunterdrückung"
    assert rec.images == ["https://m.media-amazon.com/images/I/71FakeDe1aL._AC_SL1500_.jpg",
                          "https://m.media-amazon.com/images/I/41FakeDe2bL._AC_.jpg"]  # hiRes, else large


def test_product_com_dom_price_only():
    rec = one(fixture_records("amazon", "product_com_B0FAKEUS02.html", US_URL), "listing", "B0FAKEUS02")
    assert rec.url == "https://www.amazon.com/dp/B0FAKEUS02"  # no canonical link: rebuilt from the ASIN
    assert rec.title == "Acme Audio Bookshelf Speakers, Pair - 2-Way, 50W RMS"
    assert rec.price.model_dump() == {"amount": "1049.99", "currency": "USD"}  # visible parts of .priceToPay
    assert rec.original_price is None
    assert rec.condition is None  # the page does not say which offer type the price is
    assert rec.rating == 4.2 and rec.review_count == 3081  # "(3,081)"
    assert rec.brand == "Acme Audio"  # "Visit the Acme Audio Store" (not the store slug "AcmeAudio")
    assert rec.seller.name == "Amazon.com" and rec.seller.id == "ATVPDKIKX0DER" and rec.seller.url is None
    assert rec.availability == "in_stock"
    assert rec.category == "Electronics > Home Audio > Bookshelf Speakers"
    assert rec.description == 'Two-way bookshelf speakers with a 5" woofer.'
    assert rec.images == ["https://m.media-amazon.com/images/I/61FakeUs1cL._AC_SX679_.jpg"]  # largest dynamic image


def test_product_brand_from_byline_link_and_out_of_stock():
    html = _fixture_text("product_com_B0FAKEUS02.html")
    html = html.replace('href="/stores/AcmeAudio/page/0F0F0F0F-1111-4222-8333-444444444444?ref_=ast_bln">Visit the Acme Audio Store',
                        'href="/s/ref=bl_dp_s_web?ie=UTF8&amp;field-brandtextbin=Acme+%26+Sons+Audio">Brand: Acme &amp; Sons Audio')
    html = html.replace('<span id="submit.buy-now"><input id="buy-now-button" name="submit.buy-now" type="submit"></span>',
                        '<div id="outOfStock"><span class="a-color-price">Currently unavailable.</span></div>')
    html = html.replace('id="corePriceDisplay_desktop_feature_div"', 'id="somethingElse"')  # no price block
    rec = one(extract(_page(html, US_URL)), "listing", "B0FAKEUS02")
    assert rec.brand == "Acme & Sons Audio"
    assert rec.availability == "out_of_stock"
    assert rec.price is None  # unknown, never 0


def test_product_locale_follows_the_host():
    html = ('<html><head><title>x</title></head><body><span id="productTitle"> 卓上ライト </span>'
            '<input type="hidden" id="ASIN" value="B0FAKEJP03">'
            '<div id="corePrice_feature_div"><span class="a-price"><span class="a-offscreen">￥1,980</span></span></div>'
            '<span id="acrPopover" title="5つ星のうち4.3"></span><span id="acrCustomerReviewText">1,024個の評価</span>'
            '</body></html>')
    rec = one(extract(_page(html, "https://www.amazon.co.jp/gp/product/B0FAKEJP03")), "listing", "B0FAKEJP03")
    assert rec.price.model_dump() == {"amount": "1980", "currency": "JPY"}
    assert rec.rating == 4.3 and rec.review_count == 1024
    assert rec.url == "https://www.amazon.co.jp/dp/B0FAKEJP03"
    assert rec.seller is None and rec.brand is None and rec.images == [] and rec.availability is None


def test_product_asin_from_the_page_not_only_the_url():
    url = "https://www.amazon.com.mx/Lampara/dp/B0FAKEMX04/ref=x"
    # the URL's ASIN is used only when the page names it too (here the buy box's data-asin)
    html = '<html><body><span id="productTitle">Lamp</span><div data-asin="B0FAKEMX04"></div></body></html>'
    rec = one(extract(_page(html, url)), "listing", "B0FAKEMX04")
    assert rec.price is None and rec.rating is None and rec.review_count is None
    # a page that names no ASIN at all is not built from the URL
    with pytest.raises(PageChanged, match="no ASIN on the page"):
        extract(_page('<html><body><span id="productTitle">Lamp</span></body></html>', url))
    # the canonical link names the product when the URL is another one's
    html = ('<html><head><link rel="canonical" href="https://www.amazon.com.mx/Lampara/dp/B0FAKEMX05"></head>'
            '<body><span id="productTitle">Lamp</span></body></html>')
    assert [r.id for r in extract(_page(html, url))] == ["B0FAKEMX05"]


# ---- buy box offers and locales ----

def test_used_only_buy_box_gives_the_used_price_not_the_per_unit_one():
    url = "https://www.amazon.in/dp/B0FAKEIN06"
    rec = one(fixture_records("amazon", "product_in_used_only_B0FAKEIN06.html", url), "listing", "B0FAKEIN06")
    assert rec.price.model_dump() == {"amount": "123450", "currency": "INR"}  # "₹1,23,450.00", not "₹61,725.00 / lens"
    assert rec.condition == "used"
    assert rec.original_price is None
    assert rec.review_count == 104512  # "1,04,512 ratings" (lakh grouping)
    assert rec.rating == 3.8 and rec.brand == "Lumiflex"
    assert rec.url == "https://www.amazon.in/Retro-Film-Camera-35mm-Black/dp/B0FAKEIN06"


def test_old_used_only_box_in_the_german_locale():
    url = "https://www.amazon.de/Schreibtischlampe-Messing/dp/B0FAKEDE07"
    rec = one(fixture_records("amazon", "product_de_old_used_only_B0FAKEDE07.html", url), "listing", "B0FAKEDE07")
    assert rec.price.model_dump() == {"amount": "1234.56", "currency": "EUR"}  # "1.234,56 €"; not "617,28 € / Stück"
    assert rec.condition == "used"
    assert rec.title == "Schreibtischlampe Messing, Vintage" and rec.brand == "Lichtwerk"


def test_new_offer_wins_over_a_used_row_in_the_dom():
    html = _fixture_text("product_in_used_only_B0FAKEIN06.html").replace(
        '<div id="usedAccordionRow"',
        '<div id="newAccordionRow_0"><div data-csa-c-buying-option-type="NEW"><span class="a-price priceToPay">'
        '<span class="a-offscreen">₹1,49,999.00</span></span></div></div><div id="usedAccordionRow"')
    rec = one(extract(_page(html, "https://www.amazon.in/dp/B0FAKEIN06")), "listing", "B0FAKEIN06")
    assert rec.price.model_dump() == {"amount": "149999", "currency": "INR"} and rec.condition == "new"


def test_search_page_under_a_product_url_is_read_as_a_search():
    url = "https://www.amazon.de/Nordlicht-Funk-Kopfhoerer-NK-500/dp/B0FAKEDE01"
    records = fixture_records("amazon", "search_de_kopfhoerer.html", url)
    # the cards, never a product B0FAKEDE01 with the first card's title and price
    assert [r.id for r in records] == ["B0FAKE0001", "B0FAKE0002", "B0FAKE0003", "B0FAKE0004"]
    assert all(r.id != "B0FAKEDE01" for r in records)
    page = _page(_fixture_text("search_de_kopfhoerer.html"), url)
    from crawler.parsers.amazon import AmazonProductParser

    with pytest.raises(PageChanged, match="search result page"):
        list(AmazonProductParser().parse(page))


def test_product_without_title_is_a_changed_page():
    html = _fixture_text("product_de_B0FAKEDE01.html").replace('id="productTitle"', 'id="somethingElse"')
    with pytest.raises(PageChanged, match="productTitle"):
        extract(_page(html, DE_URL))


def test_broken_buying_options_json_falls_back_to_the_dom():
    html = _fixture_text("product_de_B0FAKEDE01.html")
    html = re.sub(r'(twister-plus-buying-options-price-data">)\{.*?\}\]\}', r"\1{not json", html, flags=re.S)
    rec = one(extract(_page(html, DE_URL)), "listing", "B0FAKEDE01")
    assert rec.price.model_dump() == {"amount": "89.9", "currency": "EUR"}  # .priceToPay "89,90€"
    assert rec.condition == "new"  # data-csa-c-buying-option-type of the core price block


def test_json_at_an_amazon_url_is_a_changed_page():
    with pytest.raises(PageChanged):
        extract(_page('{"ok": 1}', DE_URL))


@pytest.mark.parametrize("text,expected", [
    ("4.5 out of 5 stars", 4.5), ("4,3 de 5 estrellas", 4.3), ("5.0 out of 5 stars", 5.0),
    ("5 out of 5 stars", 5.0), ("5つ星のうち4.3", 4.3), ("4 von 5 Sternen", 4.0), (None, None), ("stars", None),
])
def test_rating_text(text, expected):
    assert _rating(text) == expected


# ---- blocks ----

ROBOT_CHECK = """<!doctype html><html><head><title dir="ltr">Amazon.com</title></head><body>
<div class="a-container"><h4>Enter the characters you see below</h4>
<p class="a-last">Sorry, we just need to make sure you're not a robot.</p>
<form method="get" action="/errors/validateCaptcha" name="">
<input type=hidden name="amzn" value="FAKEtoken==" /><input type=hidden name="amzn-r" value="&#047;dp&#047;B0FAKEUS02" />
<img src="https://images-na.ssl-images-amazon.com/captcha/fake/Captcha_abcdef.jpg">
<input autocomplete="off" spellcheck="false" placeholder="Type characters" id="captchacharacters" name="field-keywords" type="text">
<button type="submit" class="a-button-text">Continue shopping</button>
</form></div>%s</body></html>"""


@pytest.mark.parametrize("url", [US_URL, SEARCH_URL, ""])
def test_robot_check_is_a_captcha_block(url):
    with pytest.raises(BlockedPage) as err:
        extract(_page(ROBOT_CHECK % "", url))
    assert err.value.reason == "captcha"


def test_large_robot_check_is_still_a_block():
    padding = "<!-- %s -->" % ("x" * 80_000)  # beyond the generic check's small-page limit
    with pytest.raises(BlockedPage) as err:
        extract(_page(ROBOT_CHECK % padding, US_URL))
    assert err.value.reason == "captcha"


def test_robot_check_title_is_a_captcha_block():
    html = "<html><head><title>Robot Check</title></head><body><p>Type the characters</p></body></html>"
    with pytest.raises(BlockedPage) as err:
        extract(_page(html, DE_URL))
    assert err.value.reason == "captcha"


# ---- parser choice ----

def test_urls_choose_the_right_parser():
    body = b"<html></html>"
    for url, name in [
        ("https://www.amazon.com/s?k=persona+3", "amazon/search"),
        ("https://www.amazon.co.uk/s?k=lamp&ref=nb_sb_noss", "amazon/search"),
        ("https://www.amazon.es/Hercules-DJMonitor-32/dp/B07JH148DF", "amazon/product"),
        ("https://www.amazon.com.mx/dp/B07JH148DF?th=1", "amazon/product"),
        ("https://www.amazon.co.jp/gp/product/B07JH148DF/ref=ox_sc", "amazon/product"),
    ]:
        assert choose(Page(url=url, body=body)).name == name


def test_saved_pages_without_url_are_sniffed():
    search = (PAGES / "amazon" / "search_de_kopfhoerer.html").read_bytes()
    product = (PAGES / "amazon" / "product_de_B0FAKEDE01.html").read_bytes()
    assert choose(Page(url="", body=search)).name == "amazon/search"
    assert choose(Page(url="", body=product)).name == "amazon/product"
    rec = one(extract(Page(url="", body=product)), "listing", "B0FAKEDE01")
    assert rec.price.model_dump() == {"amount": "89.9", "currency": "EUR"}  # marketplace from the canonical link


def test_non_amazon_url_is_not_taken():
    with pytest.raises(NoParser):
        choose(Page(url="https://www.example.com/s?k=x", body=b"<html><body>nothing</body></html>"))


def test_js_property_reads_a_literal_after_a_key():
    from crawler.helpers.embedded import js_property

    script = "var data = {'enable': false, 'colorImages': { 'initial': [{\"hiRes\": null, \"large\": \"https://x/a.jpg\"}]}, n: 1};"
    assert js_property(script, "colorImages") == {"initial": [{"hiRes": None, "large": "https://x/a.jpg"}]}
    assert js_property(script, "missing") is None
    assert js_property("{'colorImages': {broken", "colorImages") is None
