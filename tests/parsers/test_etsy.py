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


def test_missing_json_ld_is_page_changed():
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", _html(), flags=re.S)
    with pytest.raises(PageChanged):
        extract(_page(html))


def test_a_non_etsy_page_on_an_etsy_url_is_not_read():
    html = (PAGES / "web" / "store_product.html").read_text(encoding="utf-8")
    with pytest.raises(NoParser):
        extract(_page(html), "etsy")
