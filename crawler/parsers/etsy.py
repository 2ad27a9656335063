"""Etsy listing pages: ``www.etsy.com[/<lang>]/listing/<id>/<slug>``.

Where the data is:
- JSON-LD ``Product``: ``sku`` = listing id, ``name``, ``description``, images as
  ``ImageObject`` (``contentURL``), ``category`` ("Jewelry < Necklaces < ..."),
  ``aggregateRating`` (the shop's reviews, as Etsy attaches them), ``brand`` (the
  SHOP name, not a product brand) and ``offers``: an ``AggregateOffer``
  (``lowPrice``/``highPrice``, ``priceCurrency`` = the buyer's currency) or an
  ``Offer``, with ``shippingDetails.shippingOrigin.addressCountry``.
- the buy box (``[data-buy-box-region="price"]``): the strike-through original
  price, displayed in the page language (``<html lang>``) and the buyer's currency.
- page JSON: ``"shop_id":<id>,"shop_name":"<name>"``.

Trap: ``<meta property="product:price:amount">`` and the page JSON's
``listing_price`` are the seller's base price in the SHOP's currency (49.99
USD), not what this buyer pays: never read.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal

from crawler.helpers.money import parse_money
from crawler.helpers.paths import as_str
from crawler.helpers.schema_org import canonical_url, listing_fields, product_id, product_url, products, text
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

_LISTING = re.compile(r"etsy\.com/(?:[a-z]{2}(?:-[a-zA-Z]{2})?/)?listing/(\d+)")
_SHOP = re.compile(r'"shop_id"\s*:\s*(\d+)\s*,\s*"shop_name"\s*:\s*"((?:[^"\\]|\\.)*)"')
_SHOP_ID = re.compile(r'"shop_id"\s*:\s*(\d+)')
_MARKERS = re.compile(r"etsystatic\.com|etsy://listing/|www\.etsy\.com/listing/")


@register
class EtsyListingParser(Parser):
    platform = "etsy"
    page_type = "listing"
    url_pattern = r"^https?://(?:www\.)?etsy\.com/(?:[a-z]{2}(?:-[a-zA-Z]{2})?/)?listing/\d+"

    def accepts(self, page: Page) -> bool:
        return not page.is_json and bool(_MARKERS.search(page.text))

    def sniff(self, page: Page) -> bool:
        if page.is_json:
            return False
        marker = page.meta.get("og:url") or page.meta.get("twitter:app:url:iphone") or ""
        return bool(_LISTING.search(marker) or marker.startswith("etsy://listing/"))

    def parse(self, page: Page) -> Iterator:
        items = page.jsonld
        url = canonical_url(page.sel, page.meta, page.url)
        listing_id = self._listing_id(page.url) or self._listing_id(url)
        node = self._product(items, listing_id)
        if node is None:
            raise self.changed("no JSON-LD Product in the listing page")
        listing_id = listing_id or self._listing_id(product_url(node)) or product_id(node)
        if not listing_id:
            raise self.changed("no listing id in the URL or the JSON-LD Product")

        fields = listing_fields(node, base_url=url or page.url, items=items)
        shop_id, shop_name = self._shop(page)
        shop_name = shop_name or text(node.get("brand"))
        if fields["brand"] and fields["brand"] == shop_name:
            fields["brand"] = None  # Etsy puts the shop name in "brand": it is the seller, not a brand
        fields["seller"] = {
            "id": shop_id,
            "handle": shop_name,
            "name": shop_name,
            "url": "https://www.etsy.com/shop/%s" % shop_name if shop_name else None,
        } if shop_id or shop_name else fields["seller"]
        fields["original_price"] = fields["original_price"] or self._original_price(page, fields["price"])
        yield self.record(
            page, "listing", extractor="jsonld",
            id=listing_id,
            url=product_url(node, url) or url or "https://www.etsy.com/listing/%s" % listing_id,
            **fields,
        )

    @staticmethod
    def _listing_id(url: str | None) -> str | None:
        match = _LISTING.search(url or "")
        return match.group(1) if match else None

    @staticmethod
    def _product(items: list[dict], listing_id: str | None) -> dict | None:
        nodes = [n for n in products(items) if text(n.get("name"))]
        for node in nodes:
            if listing_id and listing_id in (product_id(node), EtsyListingParser._listing_id(as_str(node.get("url")))):
                return node
        return nodes[0] if nodes else None

    @staticmethod
    def _shop(page: Page) -> tuple[str | None, str | None]:
        match = _SHOP.search(page.text)
        if match:
            try:
                name = json.loads('"%s"' % match.group(2))
            except ValueError:
                name = None
            return match.group(1), name or None
        match = _SHOP_ID.search(page.text)
        return (match.group(1) if match else None), None

    @staticmethod
    def _original_price(page: Page, price):
        """The buy box's strike-through price, read in the page's language and the buyer's currency."""
        if price is None:
            return None
        box = page.sel.xpath('//*[@data-buy-box-region="price"]')
        shown = box.xpath('.//*[contains(concat(" ", normalize-space(@class), " "), " wt-text-strikethrough ")]')
        value = " ".join(shown[:1].xpath("string()").getall()).strip() if shown else ""
        lang = (page.sel.xpath("/html/@lang").get() or "").replace("-", "_") or None
        original = parse_money(value, price.currency, lang) if value else None
        if original is None or original.currency != price.currency:
            return None
        return original if Decimal(original.amount) > Decimal(price.amount) else None
