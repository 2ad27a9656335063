import json
import re

import pytest

from crawler.errors import PageChanged
from crawler.extract import extract
from crawler.page import Page
from crawler.parsers.mercadolibre import item_id
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one

SEARCH_URL = "https://listado.mercadolibre.com.ar/zapatillas-trail"
ITEM_URL = "https://produto.mercadolivre.com.br/MLB-4100000001-tenis-corrida-leve-azul-_JM"
_STATE = re.compile(r'(<script[^>]*id="__PRELOADED_STATE__">)(.*?)(</script>)', re.S)


def _page(html: str, url: str) -> Page:
    return Page(url=url, body=html.encode("utf-8"), fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _html(name: str) -> str:
    return (PAGES / "mercadolibre" / name).read_text(encoding="utf-8")


def _with_state(html: str, edit) -> str:
    match = _STATE.search(html)
    state = json.loads(match.group(2))
    edit(state)
    return html[:match.start(2)] + json.dumps(state) + html[match.end(2):]


# ---- search ----

def test_search_gives_every_card_ads_included():
    records = fixture_records("mercadolibre", "search_zapatillas_trail.html", SEARCH_URL)
    assert [r.id for r in records] == ["MLA1500000001", "MLA1500000002", "MLA1500000003"]
    assert all(r.platform == "mercadolibre" and r.extractor == "hydration" for r in records)


def test_search_promoted_card():
    ad = one(fixture_records("mercadolibre", "search_zapatillas_trail.html", SEARCH_URL), "listing", "MLA1500000001")
    assert ad.signals == {"sponsored": True}
    assert ad.url == "https://articulo.mercadolibre.com.ar/MLA-1500000001-_JM"  # not the click tracker
    assert ad.title == "Medias Running Compresión X3 "
    assert ad.price.model_dump() == {"amount": "8999.5", "currency": "ARS"}
    assert ad.shipping.model_dump() == {"amount": "0", "currency": "ARS"}  # "Envío gratis"
    assert ad.location == "Brasil"
    assert ad.images == ["https://http2.mlstatic.com/D_Q_NP_600001-MLA80000000001_012025-V.webp"]
    assert ad.rating is None and ad.brand is None and ad.seller is None


def test_search_catalog_card_prefers_item_data_and_ignores_the_other_offer():
    card = one(fixture_records("mercadolibre", "search_zapatillas_trail.html", SEARCH_URL), "listing", "MLA1500000002")
    assert card.url == "https://www.mercadolibre.com.ar/zapatillas-trail-montana-pro/p/MLA2000000002#wid=MLA1500000002"
    assert card.title == "Zapatillas Trail  MONTAÑA Pro GTX"  # the card's casing and double space
    assert card.price.model_dump() == {"amount": "154999.99", "currency": "ARS"}  # JSON-LD cents the card hides
    assert card.original_price.model_dump() == {"amount": "189999", "currency": "ARS"}  # not the buy box's 199999
    assert card.rating == 4.8 and card.review_count == 12  # the item's JSON-LD rating, not the catalog's 4.6/230
    assert card.brand == "Montaña" and card.availability == "in_stock"
    assert card.seller.name == "Deportes Andinos" and card.seller.id is None
    assert card.images == ["https://http2.mlstatic.com/D_600002-MLA80000000002_012025-C.jpg"]  # http -> https


def test_search_articulo_card():
    card = one(fixture_records("mercadolibre", "search_zapatillas_trail.html", SEARCH_URL), "listing", "MLA1500000003")
    assert card.url == "https://articulo.mercadolibre.com.ar/MLA-1500000003-zapatillas-trail-hombre-_JM"
    assert card.availability == "out_of_stock" and card.shipping is None and card.original_price is None
    assert card.rating == 4.1 and card.review_count == 9  # no JSON-LD rating: the card's own


def test_search_without_state_falls_back_to_json_ld():
    html = _STATE.sub("", _html("search_zapatillas_trail.html"))
    records = extract(_page(html, SEARCH_URL))
    assert [r.id for r in records] == ["MLA1500000002", "MLA1500000003"]
    assert records[0].extractor == "jsonld"
    assert records[0].title == "Zapatillas Trail Montaña Pro Gtx"
    assert records[0].url == "https://www.mercadolibre.com.ar/zapatillas-trail-montana-pro/p/MLA2000000002#wid=MLA1500000002"


def test_search_with_no_results_gives_no_records():
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", _html("search_zapatillas_trail.html"), flags=re.S)
    html = _with_state(html, lambda s: s["pageState"]["initialState"].update(results=[]))
    assert extract(_page(html, SEARCH_URL)) == []


def test_search_without_state_or_json_ld_is_page_changed():
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", _html("search_zapatillas_trail.html"), flags=re.S)
    with pytest.raises(PageChanged):
        extract(_page(_STATE.sub("", html), SEARCH_URL))


def test_search_card_with_broken_types_is_skipped_not_crashed():
    def damage(state):
        cards = state["pageState"]["initialState"]["results"]
        cards[0]["polycard"]["metadata"]["id"] = 12345
        cards[1]["polycard"]["components"] = "nope"
    records = extract(_page(_with_state(_html("search_zapatillas_trail.html"), damage), SEARCH_URL))
    assert [r.id for r in records] == ["MLA1500000002", "MLA1500000003"]
    assert records[0].title == "Zapatillas Trail Montaña Pro Gtx"  # the JSON-LD still knows it


# ---- item ----

def test_item_values():
    rec = one(fixture_records("mercadolibre", "item_MLB4100000001.html", ITEM_URL), "listing", "MLB4100000001")
    assert rec.url == ITEM_URL and rec.extractor == "hydration"
    assert rec.title == "Tênis Corrida Leve Azul "  # the header, as written
    assert rec.price.model_dump() == {"amount": "299.9", "currency": "BRL"}
    assert rec.original_price.model_dump() == {"amount": "349.9", "currency": "BRL"}
    assert rec.shipping.model_dump() == {"amount": "0", "currency": "BRL"}
    assert rec.sold_count == 5000  # "+5 mil vendidos"
    assert rec.condition == "used"
    assert rec.rating == 4.3 and rec.review_count == 1520  # ratingCount, not the 311 with text
    assert rec.seller.model_dump() == {"id": "998877", "handle": None, "name": "LOJA ESPORTE SUL",
                                       "url": "https://www.mercadolivre.com.br/pagina/lojaesportesul"}
    assert rec.brand == "Corre Leve" and rec.category == "Calçados, Roupas e Bolsas > Tênis"
    assert rec.description == "Tênis leve para corrida.\n\nGarantia de 30 dias."
    assert rec.images == [
        "https://http2.mlstatic.com/D_NQ_NP_700001-MLB90000000001_022025-O-tenis-corrida-leve-azul.webp",
        "https://http2.mlstatic.com/D_NQ_NP_700002-MLB90000000002_022025-O-tenis-corrida-leve-azul.webp"]


def test_item_currency_comes_from_the_site_when_the_page_names_none():
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", _html("item_MLB4100000001.html"), flags=re.S)
    html = _with_state(html, lambda s: s["pageState"]["initialState"]["components"]["short_description"][1]["price"]
                       .pop("currency_id"))
    rec = extract(_page(html, ITEM_URL))[0]
    assert rec.price.model_dump() == {"amount": "299.9", "currency": "BRL"}  # MLB -> BRL
    assert rec.condition == "used" and rec.rating == 4.3 and rec.review_count == 1520  # from the header


def test_item_without_state_uses_json_ld():
    rec = extract(_page(_STATE.sub("", _html("item_MLB4100000001.html")), ITEM_URL))[0]
    assert rec.extractor == "jsonld" and rec.id == "MLB4100000001"
    assert rec.title == "Tênis Corrida Leve Azul" and rec.price.amount == "299.9"
    assert rec.original_price is None and rec.sold_count is None and rec.seller is None


def test_item_with_neither_is_page_changed():
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", _html("item_MLB4100000001.html"), flags=re.S)
    with pytest.raises(PageChanged):
        extract(_page(_STATE.sub("", html), ITEM_URL))


def test_urls_and_ids():
    assert item_id("https://articulo.mercadolibre.com.mx/MLM-3382859800-tenis-_JM") == "MLM3382859800"
    assert item_id("https://www.mercadolibre.com.mx/x/p/MLM41420314#wid=MLM3490400866&sid=search") == "MLM3490400866"
    assert item_id("https://www.mercadolibre.com.mx/x/p/MLM41420314") is None  # a catalog product, not an item
    item = _html("item_MLB4100000001.html")
    assert choose(_page(item, "https://www.mercadolibre.com.co/tenis/p/MCO123456789")).name == "mercadolibre/item"
    assert choose(_page(item, "")).name == "mercadolibre/item"
    search = _html("search_zapatillas_trail.html")
    assert choose(_page(search, "https://lista.mercadolivre.com.br/tenis")).name == "mercadolibre/search"
    assert choose(_page(search, "")).name == "mercadolibre/search"


def test_search_page_under_an_item_url_gives_the_list_not_the_item():
    html = (PAGES / "mercadolibre" / "search_zapatillas_trail.html").read_text(encoding="utf-8")
    url = "https://articulo.mercadolibre.com.ar/MLA-1599999999-otra-cosa-_JM"
    records = extract(_page(html, url))
    ids = [r.id for r in records]
    assert ids[:3] == ["MLA1500000001", "MLA1500000002", "MLA1500000003"]
    assert "MLA1599999999" not in ids
    trail = one(records, "listing", "MLA1500000003")
    assert trail.url == "https://articulo.mercadolibre.com.ar/MLA-1500000003-zapatillas-trail-hombre-_JM"
    assert trail.price.model_dump() == {"amount": "49999", "currency": "ARS"}


def test_search_json_ld_alone_under_an_item_url_is_not_that_item():
    html = _STATE.sub(r"\1{}\3", (PAGES / "mercadolibre" / "search_zapatillas_trail.html").read_text(encoding="utf-8"))
    records = extract(_page(html, "https://articulo.mercadolibre.com.ar/MLA-1599999999-otra-cosa-_JM"))
    assert records and "MLA1599999999" not in {r.id for r in records}


def test_item_microdata_when_json_ld_is_missing():
    html = ('<html lang="pt-BR"><head><link rel="canonical" href="https://produto.mercadolivre.com.br/MLB-4100000077-'
            'garrafa-termica-_JM"><link rel="preconnect" href="https://http2.mlstatic.com"></head><body>'
            '<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Garrafa Térmica 1L</h1>'
            '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="129.9">'
            '<meta itemprop="priceCurrency" content="BRL"><link itemprop="availability" href="https://schema.org/InStock">'
            '</div></div></body></html>')
    rec = one(extract(_page(html, "https://produto.mercadolivre.com.br/MLB-4100000077-garrafa-termica-_JM")),
              "listing", "MLB4100000077")
    assert rec.extractor == "microdata" and rec.title == "Garrafa Térmica 1L"
    assert rec.price.model_dump() == {"amount": "129.9", "currency": "BRL"} and rec.availability == "in_stock"


def test_item_page_under_a_search_url_is_read_as_the_item():
    html = (PAGES / "mercadolibre" / "item_MLB4100000001.html").read_text(encoding="utf-8")
    records = extract(_page(html, "https://lista.mercadolivre.com.br/tenis-corrida"))
    assert [r.id for r in records] == ["MLB4100000001"]
    assert records[0].extractor == "hydration"  # the item parser (state components), not a one-card search
