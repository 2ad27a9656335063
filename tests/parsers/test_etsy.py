import re

import pytest

from crawler.errors import NoParser, PageChanged
from crawler.extract import extract
from crawler.page import Page
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one

URL = "https://www.etsy.com/es/listing/4012345678/anillo-de-plata-con-luna-grabada"


def _page(html: str, url: str = URL) -> Page:
    return Page(url=url, body=html.encode("utf-8"), fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _html() -> str:
    return (PAGES / "etsy" / "listing_es.html").read_text(encoding="utf-8")


def test_listing_values():
    rec = one(fixture_records("etsy", "listing_es.html", URL), "listing", "4012345678")
    assert rec.platform == "etsy" and rec.extractor == "jsonld"
    assert rec.url == "https://www.etsy.com/listing/4012345678/anillo-de-plata-con-luna-grabada"
    assert rec.title == "Anillo de plata con luna grabada – regalo 🌙"  # JSON-LD \ud83c\udf19 escapes decoded
    assert rec.price.model_dump() == {"amount": "1234.5", "currency": "EUR"}  # AggregateOffer lowPrice
    assert rec.price_max.model_dump() == {"amount": "1399", "currency": "EUR"}
    # buy box "1.543,13 €+" read in the page language (es-ES: comma decimal), not the 99,00 € of another card
    assert rec.original_price.model_dump() == {"amount": "1543.13", "currency": "EUR"}
    assert rec.seller.model_dump() == {"id": "55501234", "handle": "LunaPlataStudio", "name": "LunaPlataStudio",
                                       "url": "https://www.etsy.com/shop/LunaPlataStudio"}
    assert rec.brand is None  # JSON-LD "brand" is the shop name
    assert rec.rating == 4.9 and rec.review_count == 1287
    assert rec.category == "Joyería < Anillos < Anillos de banda"
    assert rec.location == "PT" and rec.availability == "in_stock" and rec.condition is None
    assert len(rec.images) == 2 and rec.images[0].endswith("il_fullxfull.7000000001_abcd.jpg")


def test_shop_base_price_meta_is_never_the_price():
    # product:price:amount 35.00 USD is the shop's base price; without JSON-LD offers there is no price
    html = re.sub(r'"offers":\{.*?\}\}\},', "", _html(), count=1)
    rec = extract(_page(html))[0]
    assert rec.price is None and rec.original_price is None
    assert all(m is None or m.currency != "USD" for m in (rec.price, rec.price_max, rec.original_price))


def test_english_page_reads_dot_decimals():
    html = _html().replace('lang="es-ES"', 'lang="en-US"').replace("1.543,13 €+", "€1,543.13+")
    assert extract(_page(html))[0].original_price.amount == "1543.13"


def test_listing_urls_with_and_without_language():
    html = _html()
    for url in (URL, "https://www.etsy.com/listing/4012345678/anillo", "https://etsy.com/de/listing/4012345678"):
        assert choose(_page(html, url)).name == "etsy/listing"
    assert choose(_page(html, "")).name == "etsy/listing"  # og:url says Etsy


def test_missing_json_ld_leaves_a_partial_open_graph_record_without_the_shop_price():
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", _html(), flags=re.S)
    rec = one(extract(_page(html)), "listing", "4012345678")
    assert rec.extractor == "meta" and rec.partial is True
    assert rec.title == "Anillo de plata con luna grabada - Etsy España"  # og:title as written
    assert rec.url == "https://www.etsy.com/es/listing/4012345678/anillo-de-plata-con-luna-grabada"
    assert rec.price is None  # product:price:amount 35.00 USD is the shop's base price
    html = re.sub(r'<meta property="og:[^>]*>', "", html)
    with pytest.raises(PageChanged):
        extract(_page(html))


def test_search_page_under_a_listing_url_is_not_that_listing():
    records = extract(_page(_search_html(), "https://www.etsy.com/listing/4099999999/otro-anillo"))
    assert [r.id for r in records] == ["4012345678", "4012345999"]  # the list, with its own ids and urls
    assert records[0].url == "https://www.etsy.com/es/listing/4012345678/anillo-de-plata-con-luna-grabada"


def test_listing_data_of_another_listing_keeps_its_own_id():
    rec = extract(_page(_html(), "https://www.etsy.com/listing/4099999999/otro-anillo"))[0]
    assert rec.id == "4012345678" and rec.url == "https://www.etsy.com/listing/4012345678/anillo-de-plata-con-luna-grabada"


def test_microdata_listing():
    html = ('<html lang="en-US"><head><link rel="canonical" href="https://www.etsy.com/listing/4012345111/mug">'
            '<link rel="preconnect" href="https://i.etsystatic.com"></head><body>'
            '<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Moon Mug</h1>'
            '<meta itemprop="sku" content="4012345111">'
            '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="22.40">'
            '<meta itemprop="priceCurrency" content="GBP"></div></div></body></html>')
    rec = one(extract(_page(html, "https://www.etsy.com/listing/4012345111/mug")), "listing", "4012345111")
    assert rec.extractor == "microdata" and rec.title == "Moon Mug"
    assert rec.price.model_dump() == {"amount": "22.4", "currency": "GBP"}


def test_a_non_etsy_page_on_an_etsy_url_is_not_read():
    html = (PAGES / "web" / "store_product.html").read_text(encoding="utf-8")
    with pytest.raises(NoParser):
        extract(_page(html), "etsy")


SEARCH_URL = "https://www.etsy.com/search?q=anillo+luna"
SHOP_URL = "https://www.etsy.com/shop/LunaPlataStudio"


def _search_html(name: str = "search_anillo_luna.html") -> str:
    return (PAGES / "etsy" / name).read_text(encoding="utf-8")


def test_search_cards_joined_with_the_item_list():
    records = fixture_records("etsy", "search_anillo_luna.html", SEARCH_URL)
    assert [r.id for r in records] == ["4012345678", "4012345999"]
    rec = one(records, "listing", "4012345678")
    assert rec.extractor == "jsonld" and rec.title == "Anillo de plata con luna grabada – regalo"
    assert rec.url == "https://www.etsy.com/es/listing/4012345678/anillo-de-plata-con-luna-grabada"
    assert rec.price.model_dump() == {"amount": "1234.5", "currency": "EUR"}  # ItemList offer, exact
    assert rec.original_price.model_dump() == {"amount": "1543.13", "currency": "EUR"}  # the card's strike-through
    assert rec.seller.model_dump() == {"id": "55501234", "handle": "LunaPlataStudio", "name": "LunaPlataStudio",
                                       "url": "https://www.etsy.com/shop/LunaPlataStudio"}
    assert rec.brand is None and rec.rating == 4.9 and rec.review_count == 1287
    other = one(records, "listing", "4012345999")
    assert other.original_price is None and other.rating is None and other.seller.id == "66602345"


def test_search_cards_alone_read_from_the_dom():
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", _search_html(), flags=re.S)
    records = extract(_page(html, SEARCH_URL))
    rec = one(records, "listing", "4012345678")
    assert rec.extractor == "dom" and rec.title == "Anillo de plata con luna grabada – regalo"
    # "1234,50" with the € symbol, read in the page language (es-ES)
    assert rec.price.model_dump() == {"amount": "1234.5", "currency": "EUR"}
    assert rec.original_price.model_dump() == {"amount": "1543.13", "currency": "EUR"}
    assert rec.seller.model_dump() == {"id": "55501234", "handle": None, "name": None, "url": None}
    assert rec.images == ["https://i.etsystatic.com/55501234/r/il/aa11bb/7000000001/il_340x270.7000000001_abcd.jpg"]


def test_shop_page_names_the_seller_of_every_card():
    records = fixture_records("etsy", "shop_lunaplatastudio.html", SHOP_URL)
    assert [r.id for r in records] == ["4012345678", "4012345680"]
    assert all(r.seller.handle == "LunaPlataStudio" and r.seller.id == "55501234" for r in records)
    assert one(records, "listing", "4012345680").price.model_dump() == {"amount": "42", "currency": "EUR"}


def test_search_with_no_results_gives_no_records():
    html = re.sub(r"<li .*?</li>", "", _search_html(), flags=re.S)
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    assert extract(_page(html.replace("<head>", '<head><link rel="preconnect" href="https://i.etsystatic.com">'),
                         SEARCH_URL)) == []


def test_search_without_cards_or_item_list_is_page_changed():
    html = '<html><body><img src="https://i.etsystatic.com/x.jpg"><div class="grid"></div></body></html>'
    with pytest.raises(PageChanged):
        extract(_page(html, SEARCH_URL))


def test_search_card_with_broken_values_is_read_without_them():
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", _search_html(), flags=re.S)
    html = html.replace('<span class="currency-value">89,00</span>', '<span class="currency-value">gratis</span>')
    html = html.replace('data-shop-id="66602345"', 'data-shop-id="n/a"')
    rec = one(extract(_page(html, SEARCH_URL)), "listing", "4012345999")
    assert rec.price is None and rec.seller is None and rec.title == "Anillo luna creciente en oro 14k"


def test_search_and_shop_urls_choose_the_search_parser():
    html = _search_html()
    for url in (SEARCH_URL, "https://www.etsy.com/es/search?q=luna", SHOP_URL, "https://www.etsy.com/market/moon_ring"):
        assert choose(_page(html, url)).name == "etsy/search"
    assert choose(_page(html, "")).name == "etsy/search"  # sniffed: an ItemList and listing cards
