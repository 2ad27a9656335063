"""Any other store: product pages read through their schema.org JSON-LD.

The fallback for stores no platform parser knows. It has no URL pattern: it
is chosen when a page carries a JSON-LD ``Product`` (or ``ProductGroup``) and
no platform parser claims the page first (its priority is the lowest). Every
named Product-like node becomes a listing, mapped by
``crawler.helpers.schema_org``; a ProductGroup is merged with the Product that
stands for the same page. The id is the store's productID / sku /
productGroupID / mpn, else the product's URL.
"""
from __future__ import annotations

from collections.abc import Iterator

from crawler.helpers.schema_org import (canonical_url, has_product, listing_fields, product_id, product_url, products,
                                        text)
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register


@register
class WebProductParser(Parser):
    platform = "web"
    page_type = "jsonld_product"
    url_pattern = None
    priority = -100  # platform parsers that sniff the same page win

    def sniff(self, page: Page) -> bool:
        return not page.is_json and has_product(page.jsonld)

    def parse(self, page: Page) -> Iterator:
        items = page.jsonld
        nodes = [n for n in products(items) if text(n.get("name"))]
        if not nodes:
            raise self.changed("no schema.org Product with a name in the page's JSON-LD")
        base = canonical_url(page.sel, page.meta, page.url) or (page.url or None)
        currency = (page.meta.get("product:price:currency") or page.meta.get("og:price:currency") or "").upper() or None
        for node in nodes:
            url = product_url(node, base) or (base if len(nodes) == 1 else None)
            if not url:
                continue  # a product with neither id nor URL cannot be told apart from the others
            yield self.record(
                page, "listing", extractor="jsonld",
                id=product_id(node) or url,
                url=url,
                **listing_fields(node, base_url=base, items=items, currency=currency),
            )
