"""schema.org data in any syntax (crawler/helpers/structured.py), mapped by schema_org.listing_fields."""
import lxml.html
from parsel import Selector

from crawler.helpers.schema_org import listing_fields
from crawler.helpers.structured import (
    extractor_of, microdata, opengraph_product, rdfa, structured_items, structured_products,
)

BASE = "https://shop.example/p/lamp-a"

MICRODATA = """<html><body>
<div itemscope itemtype="https://schema.org/Product">
  <h1 itemprop="name">Desk Lamp  Model A</h1>
  <img itemprop="image" src="/img/lamp-a.jpg">
  <span itemprop="brand" itemscope itemtype="https://schema.org/Brand"><span itemprop="name">Lumo</span></span>
  <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
    <span itemprop="price" content="1299.00">1.299,00 €</span><meta itemprop="priceCurrency" content="EUR">
    <link itemprop="availability" href="https://schema.org/OutOfStock">
    <link itemprop="itemCondition" href="https://schema.org/RefurbishedCondition">
    <span itemprop="availableAtOrFrom">Porto, Portugal</span>
  </div>
  <div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">
    <span itemprop="ratingValue">8.6</span><meta itemprop="bestRating" content="10"><span itemprop="reviewCount">1,204</span>
  </div>
</div></body></html>"""

RDFA = """<html><body><div vocab="https://schema.org/" typeof="Product">
  <span property="name">Floor Lamp B</span><img property="image" src="https://cdn.example/b.jpg">
  <div property="offers" typeof="Offer"><meta property="priceCurrency" content="GBP">
    <span property="price" content="49.50">£49.50</span><link property="availability" href="https://schema.org/InStock"></div>
  <div property="aggregateRating" typeof="AggregateRating"><span property="ratingValue">4.5</span>
    <span property="reviewCount">10</span></div>
  <div property="brand" typeof="Brand"><span property="name">Lumo</span></div>
</div></body></html>"""

OPEN_GRAPH = """<html prefix="og: http://ogp.me/ns# product: http://ogp.me/ns/product#"><head>
<meta property="og:type" content="product"><meta property="og:title" content="Table Lamp C">
<meta property="og:image" content="https://cdn.example/c.jpg"><meta property="og:url" content="https://shop.example/p/c">
<meta property="product:price:amount" content="24.90"><meta property="product:price:currency" content="USD">
<meta property="product:original_price:amount" content="29.90"><meta property="product:original_price:currency" content="USD">
<meta property="product:availability" content="in stock"><meta property="product:condition" content="used">
<meta property="product:brand" content="Lumo"></head><body></body></html>"""


def test_microdata_product_is_normalised_and_mapped():
    products = structured_products(Selector(text=MICRODATA), BASE)
    assert [p["@type"] for p in products] == ["Product"] and extractor_of(products[0]) == "microdata"
    product = products[0]
    assert product["offers"]["@type"] == "Offer" and product["offers"]["price"] == "1299.00"
    fields = listing_fields(product, BASE)
    assert fields["title"] == "Desk Lamp  Model A"
    assert fields["price"].model_dump() == {"amount": "1299", "currency": "EUR"}  # the content attribute
    assert fields["availability"] == "out_of_stock" and fields["condition"] == "refurbished"
    assert fields["brand"] == "Lumo" and fields["location"] == "Porto, Portugal"
    assert fields["rating"] == 4.3 and fields["review_count"] == 1204  # 8.6 of 10 -> 4.3 of 5
    assert fields["images"] == ["https://shop.example/img/lamp-a.jpg"]


def test_rdfa_product_is_normalised_and_mapped():
    products = structured_products(Selector(text=RDFA), BASE)
    assert len(products) == 1 and products[0]["@syntax"] == "rdfa" and extractor_of(products[0]) == "microdata"
    fields = listing_fields(products[0], BASE)
    assert fields["title"] == "Floor Lamp B" and fields["brand"] == "Lumo"
    assert fields["price"].model_dump() == {"amount": "49.5", "currency": "GBP"}
    assert fields["availability"] == "in_stock" and fields["rating"] == 4.5 and fields["review_count"] == 10
    assert fields["images"] == ["https://cdn.example/b.jpg"]


def test_open_graph_product_tags():
    product = opengraph_product(Selector(text=OPEN_GRAPH))
    assert product["@syntax"] == "opengraph" and extractor_of(product) == "meta"
    fields = listing_fields(product, BASE)
    assert fields["title"] == "Table Lamp C"
    assert fields["price"].model_dump() == {"amount": "24.9", "currency": "USD"}
    assert fields["original_price"].model_dump() == {"amount": "29.9", "currency": "USD"}
    assert fields["availability"] == "in_stock" and fields["condition"] == "used" and fields["brand"] == "Lumo"
    # og:type "article" without a price tag is no product; og:title alone is not enough
    assert opengraph_product(None, {"og:type": "article", "og:title": "A post"}) is None
    assert opengraph_product(None, {"og:type": "product"}) is None
    # the RDFa reader does not turn Open Graph properties into nodes
    assert rdfa(Selector(text=OPEN_GRAPH), BASE) == []


def test_syntaxes_in_order_jsonld_first_open_graph_last():
    page = OPEN_GRAPH.replace("<body></body>", "<body>%s<script type='application/ld+json'>"
                              '{"@context":"https://schema.org","@type":"Product","name":"Lamp from JSON-LD",'
                              '"offers":{"@type":"Offer","price":"21.00","priceCurrency":"EUR"}}</script></body>'
                              % MICRODATA.split("<body>")[1].split("</body>")[0])
    products = structured_products(Selector(text=page), BASE)
    assert [(p["@syntax"], p["name"]) for p in products] == [
        ("jsonld", "Lamp from JSON-LD"), ("microdata", "Desk Lamp  Model A"), ("opengraph", "Table Lamp C")]
    assert {i["@syntax"] for i in structured_items(Selector(text=page), BASE)} == {"jsonld", "microdata", "opengraph"}
    only = structured_products(Selector(text=page), BASE, syntaxes=("microdata",))
    assert [p["name"] for p in only] == ["Desk Lamp  Model A"]


def test_lxml_root_is_accepted():
    root = lxml.html.fromstring(MICRODATA)
    assert [p["name"] for p in structured_products(root, BASE)] == ["Desk Lamp  Model A"]


def test_nested_microdata_items_and_lists():
    html = """<div itemscope itemtype="http://schema.org/Product"><span itemprop="name">Set</span>
      <div itemprop="offers" itemscope itemtype="http://schema.org/Offer"><span itemprop="price">10</span>
        <meta itemprop="priceCurrency" content="USD"></div>
      <div itemprop="offers" itemscope itemtype="http://schema.org/Offer"><span itemprop="price">15</span>
        <meta itemprop="priceCurrency" content="USD"></div></div>"""
    product = microdata(Selector(text=html), BASE)[0]
    assert [o["price"] for o in product["offers"]] == ["10", "15"]
    fields = listing_fields(product, BASE)
    assert (fields["price"].amount, fields["price_max"].amount) == ("10", "15")


def test_bad_markup_gives_nothing_never_an_exception():
    deep = "<div itemscope itemtype='http://schema.org/Thing'>" * 300 + "x" + "</div>" * 300
    assert isinstance(structured_items(Selector(text=deep), BASE), list)
    cyclic = """<div vocab="https://schema.org/" typeof="Product" resource="#a"><span property="name">A</span>
      <div property="isRelatedTo" typeof="Product" resource="#b"><span property="name">B</span>
      <link property="isRelatedTo" href="#a"></div></div>"""
    items = structured_items(Selector(text=cyclic), BASE)
    assert isinstance(items, list)
    for junk in ("", "<html>", "\x00\x01<div typeof=>", "<meta property='product:price:amount' content='x'>"):
        assert isinstance(structured_products(Selector(text=junk or "<html></html>"), BASE), list)
    assert structured_items(None) == [] and structured_products("not a selector") == []
