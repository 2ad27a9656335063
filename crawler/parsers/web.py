"""Any other store: product pages read through their schema.org data, in any syntax.

The fallback for stores no platform parser knows. It has no URL pattern: it is
chosen when a page describes a Product and no platform parser claims the page
first (its priority is the lowest). The data is read by ``crawler.helpers.structured``
in the first syntax the page has, best first: JSON-LD, then microdata / RDFa,
then the Open Graph product tags (``og:type`` product, ``product:price:amount``);
``extractor`` says which ("jsonld", "microdata", "meta"). Every named Product-like
node of that syntax becomes a listing, mapped by ``crawler.helpers.schema_org``
(a ProductGroup merged with the Product that stands for the same page).

The id is the store's productID / sku / productGroupID / mpn, else the product's
URL. The page's own URL stands in only for a lone JSON-LD / microdata product
(it describes the page it is on); Open Graph tags describe an object only when
they name it (``og:url`` or a retailer item id), and give a partial record.

``page_products(page)`` (the page's Product nodes of every syntax, best first,
read once per page) is shared with the store parsers (shopify, etsy, mercadolibre).
"""
from __future__ import annotations

from collections.abc import Iterator

from crawler.helpers.schema_org import canonical_url, listing_fields, product_id, product_url, text
from crawler.helpers.structured import SYNTAXES, extractor_of, structured_items, structured_products
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register


def page_structured(page: Page) -> list[dict]:
    """Every schema.org node of the page, each tagged ``@syntax`` (read once per page)."""
    cache = page.__dict__
    if "_structured_items" not in cache:
        cache["_structured_items"] = [] if page.is_json else structured_items(page.sel, page.url or None)
    return cache["_structured_items"]


def page_products(page: Page) -> list[dict]:
    """The page's named Product-like nodes of every syntax, JSON-LD first, then microdata, RDFa, Open Graph."""
    cache = page.__dict__
    if "_structured_products" not in cache:
        nodes = [] if page.is_json else structured_products(page.sel, page.url or None, items=page_structured(page))
        cache["_structured_products"] = [n for n in nodes if text(n.get("name"))]
    return cache["_structured_products"]


def best_syntax(nodes: list[dict]) -> list[dict]:
    """The nodes of the best syntax present (JSON-LD, else microdata, else RDFa, else Open Graph)."""
    for syntax in SYNTAXES:
        group = [n for n in nodes if n.get("@syntax") == syntax]
        if group:
            return group
    return []


@register
class WebProductParser(Parser):
    platform = "web"
    page_type = "jsonld_product"
    url_pattern = None
    priority = -100  # platform parsers that sniff the same page win

    def sniff(self, page: Page) -> bool:
        return not page.is_json and bool(page_products(page))

    def parse(self, page: Page) -> Iterator:
        nodes = best_syntax(page_products(page))
        if not nodes:
            raise self.changed("no schema.org Product with a name (JSON-LD, microdata, RDFa or Open Graph)")
        items = page_structured(page)
        canonical = canonical_url(page.sel, page.meta, page.url)  # a URL the page itself names
        base = canonical or (page.url or None)
        currency = (page.meta.get("product:price:currency") or page.meta.get("og:price:currency") or "").upper() or None
        yielded = 0
        for node in nodes:
            extractor = extractor_of(node)
            own_url = product_url(node, base)
            if extractor == "meta":  # Open Graph: only when the tags name the object
                url = own_url or canonical
            else:
                url = own_url or (base if len(nodes) == 1 else None)
            # the id is the page's: the product's own id or URL, or the page's canonical URL; never the request URL
            ident = product_id(node) or own_url or (canonical if len(nodes) == 1 else None)
            if not url or not ident:
                continue  # a product with neither id nor URL of its own cannot be told apart from the others
            syntax_items = [i for i in items if i.get("@syntax") == node.get("@syntax")]
            yielded += 1
            yield self.record(
                page, "listing", extractor=extractor,
                id=ident,
                url=url,
                partial=extractor == "meta",
                **listing_fields(node, base_url=base, items=syntax_items, currency=currency),
            )
        if not yielded:
            raise self.changed("the product data names neither an id nor a URL of its own")
