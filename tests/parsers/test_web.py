"""The generic `web` parser and the shared schema.org mapping (crawler.helpers.schema_org)."""
import json

import pytest

from crawler.errors import NoParser, PageChanged
from crawler.extract import extract
from crawler.helpers import schema_org
from crawler.page import Page
from crawler.registry import choose
from tests.support import PAGES, fixture_records, one

URL = "https://www.zapatos-ejemplo.es/tienda/zapatilla-runner-azul"


def _page(html: str, url: str = URL) -> Page:
    return Page(url=url, body=html.encode("utf-8"), fetched_at="2026-01-01T00:00:00Z", crawl_id="test")


def _ld(*nodes) -> str:
    scripts = "".join('<script type="application/ld+json">%s</script>' % json.dumps(n) for n in nodes)
    return "<html><head>%s</head><body></body></html>" % scripts


def test_store_product_page_maps_every_schema_org_field():
    rec = one(fixture_records("web", "store_product.html", URL), "listing", "ZR-4471")
    assert rec.platform == "web" and rec.extractor == "jsonld"
    assert rec.url == URL
    assert rec.title == "Zapatilla Runner Azul  (talla 42) "  # kept as written: inner and trailing spaces
    assert rec.description == "Zapatilla ligera & transpirable 👟\nSuela de goma."  # &amp; decoded
    assert rec.price.model_dump() == {"amount": "59.9", "currency": "EUR"}  # lowest of two offers
    assert rec.price_max.model_dump() == {"amount": "64.9", "currency": "EUR"}
    assert rec.original_price.model_dump() == {"amount": "79.9", "currency": "EUR"}  # StrikethroughPrice
    assert rec.shipping.model_dump() == {"amount": "4.95", "currency": "EUR"}
    assert rec.rating == pytest.approx(4.6)  # 9.2 of bestRating 10, on the 0-5 scale
    assert rec.review_count == 31  # ratingCount (ratings), not reviewCount (texts)
    assert rec.condition == "used"
    assert rec.availability == "in_stock"  # one offer in stock is enough
    assert rec.brand == "Runnex"
    assert rec.category == "Calzado > Running"  # without the home link and the product crumb
    assert rec.location == "ES"
    assert rec.seller.name == "Zapatos Ejemplo SL" and rec.seller.url == "https://www.zapatos-ejemplo.es/"
    assert rec.images == ["https://www.zapatos-ejemplo.es/media/zr-4471-1.jpg",
                          "https://cdn.zapatos-ejemplo.es/zr-4471-2.jpg"]  # relative, // and http:// -> one https URL
    assert rec.sold_count is None


def test_web_is_chosen_last_and_takes_any_url():
    html = (PAGES / "web" / "store_product.html").read_text(encoding="utf-8")
    assert choose(_page(html, "https://shop.example.org/item/77")).platform == "web"
    assert choose(_page(html, "")).platform == "web"
    # a /products/ page without Shopify markers is not Shopify
    assert choose(_page(html, "https://shop.example.org/products/zapatilla")).platform == "web"


def test_page_without_a_product_is_not_web():
    with pytest.raises(NoParser):
        extract(_page(_ld({"@type": "Organization", "name": "X"})))


def test_product_without_id_uses_the_url_the_page_names_and_unknowns_stay_null():
    html = _ld({"@context": "https://schema.org", "@type": "Product", "name": "Lámpara",
                "offers": {"@type": "Offer", "price": "12", "priceCurrency": "usd"}})
    named = html.replace("<head>", '<head><link rel="canonical" href="https://lamparas.example/p/lampara">')
    rec = extract(_page(named, "https://lamparas.example/p/lampara?utm_source=x"))[0]
    assert rec.id == "https://lamparas.example/p/lampara" and rec.url == rec.id
    # nothing on the page names the product: its id is not made up from the request URL
    with pytest.raises(PageChanged):
        extract(_page(html, "https://lamparas.example/p/lampara"))
    assert rec.price.model_dump() == {"amount": "12", "currency": "USD"}
    assert rec.availability is None and rec.condition is None and rec.rating is None and rec.review_count is None
    assert rec.brand is None and rec.images == [] and rec.price_max is None


def test_wrong_types_in_json_ld_give_nulls_not_crashes():
    html = _ld({"@type": "Product", "name": "Cosa", "sku": ["x"], "brand": 5, "image": {"url": 3},
                "aggregateRating": {"ratingValue": "muy bien", "reviewCount": "muchas"},
                "offers": [{"price": None, "priceCurrency": 7}, "gratis", {"@type": "AggregateOffer", "lowPrice": "n/a"}]})
    rec = extract(_page(html.replace("<head>", '<head><meta property="og:url" content="%s">' % URL)))[0]
    assert rec.title == "Cosa" and rec.id == URL
    assert rec.price is None and rec.rating is None and rec.review_count is None and rec.brand is None
    assert rec.images == []


def test_schema_org_enums():
    assert schema_org.availability("https://schema.org/InStock") == "in_stock"
    assert schema_org.availability("http://schema.org/SoldOut") == "out_of_stock"
    assert schema_org.availability("https://schema.org/PreOrder") is None
    assert schema_org.condition("https://schema.org/RefurbishedCondition") == "refurbished"
    assert schema_org.condition("NewCondition") == "new"
    assert schema_org.condition("https://schema.org/DamagedCondition") == "used"
    assert schema_org.condition(None) is None


def test_product_group_merges_with_its_product():
    group = {"@type": "ProductGroup", "name": "Taza", "url": "https://t.example/products/taza", "productGroupID": "55",
             "aggregateRating": {"ratingValue": 4.5, "reviewCount": 3},
             "hasVariant": [{"@type": "Product", "offers": {"price": "10.00", "priceCurrency": "EUR"}},
                            {"@type": "Product", "offers": {"price": "14.00", "priceCurrency": "EUR"}}]}
    product = {"@type": "Product", "name": "Taza", "url": "https://t.example/products/taza",
               "offers": {"price": "10.00", "priceCurrency": "EUR"}}
    merged = schema_org.products([product, group])
    assert len(merged) == 1
    fields = schema_org.listing_fields(merged[0])
    assert fields["rating"] == 4.5 and fields["review_count"] == 3 and fields["price_max"] is None
    alone = schema_org.listing_fields(schema_org.products([group])[0])  # the group alone: its variants' range
    assert alone["price"].amount == "10" and alone["price_max"].amount == "14"


def _urls() -> dict:
    return json.loads((PAGES / "web" / "urls.json").read_text(encoding="utf-8"))


def test_microdata_product():
    rec = one(fixture_records("web", "microdata_product.html", _urls()["microdata_product.html"]), "listing", "WR-3501")
    assert rec.extractor == "microdata" and rec.partial is False
    assert rec.url == "https://www.bergladen-beispiel.de/p/wanderrucksack-alpin-35"  # canonical, not ?ref=
    assert rec.title == "Wanderrucksack Alpin 35" and rec.brand == "Gipfelwerk"
    assert rec.price.model_dump() == {"amount": "89.95", "currency": "EUR"}  # content attribute, not "89,95 €"
    assert rec.rating == pytest.approx(4.4) and rec.review_count == 27
    assert rec.availability == "in_stock" and rec.condition == "new"
    assert rec.images == ["https://www.bergladen-beispiel.de/bilder/wr-3501.jpg"]


def test_rdfa_product():
    rec = one(fixture_records("web", "rdfa_product.html", _urls()["rdfa_product.html"]), "listing", "OST-220")
    assert rec.extractor == "microdata"  # RDFa is reported with microdata (structured markup in the DOM)
    assert rec.title == "Oak Side Table" and rec.url == "https://woodshop.example/tables/oak-side-table"
    assert rec.price.model_dump() == {"amount": "145", "currency": "GBP"} and rec.availability == "out_of_stock"


def test_open_graph_product_is_a_partial_record_naming_itself():
    rec = one(fixture_records("web", "og_product.html", _urls()["og_product.html"]), "listing", "MUG-BL-01")
    assert rec.extractor == "meta" and rec.partial is True
    assert rec.url == "https://mugs.example/item/ceramic-mug-blue"
    assert rec.price.model_dump() == {"amount": "18.5", "currency": "USD"}
    assert rec.images == ["https://mugs.example/img/mug-blue.jpg"] and rec.rating is None


def test_open_graph_that_names_nothing_gives_no_record():
    html = ('<html><head><meta property="og:type" content="product"><meta property="og:title" content="Mug">'
            '<meta property="product:price:amount" content="3"></head><body></body></html>')
    with pytest.raises(PageChanged, match="neither an id nor a URL"):
        extract(_page(html, "https://mugs.example/item/other"))


def test_json_ld_wins_over_microdata_on_the_same_page():
    html = (PAGES / "web" / "microdata_product.html").read_text(encoding="utf-8").replace(
        "</head>", '<script type="application/ld+json">{"@type": "Product", "name": "Rucksack LD", "sku": "LD-1",'
                   ' "offers": {"price": "80.00", "priceCurrency": "EUR"}}</script></head>')
    records = extract(_page(html, "https://www.bergladen-beispiel.de/p/wanderrucksack-alpin-35"))
    assert [(r.id, r.extractor, r.price.amount) for r in records] == [("LD-1", "jsonld", "80")]
