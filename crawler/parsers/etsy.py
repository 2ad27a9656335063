"""Etsy listing pages ``www.etsy.com[/<lang>]/listing/<id>/<slug>``, search results and shop pages.

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

Search (``/search?q=``, ``/market/<term>``) and shop pages (``/shop/<name>``): see
``EtsySearchParser`` (result cards with ``data-listing-id`` + the JSON-LD ``ItemList``).

Trap: ``<meta property="product:price:amount">`` and the page JSON's
``listing_price`` are the seller's base price in the SHOP's currency (49.99
USD), not what this buyer pays: never read.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import unquote

from crawler.helpers.money import parse_money
from crawler.helpers.embedded import parse_json
from crawler.helpers.paths import as_digits, as_str, find_dicts
from crawler.helpers.schema_org import (
    canonical_url,
    images,
    is_product,
    listing_fields,
    product_id,
    product_url,
    products,
    text,
)
from crawler.helpers.text import absolute_url
from crawler.helpers.structured import extractor_of
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.parsers.web import best_syntax, page_products, page_structured
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
        url = canonical_url(page.sel, page.meta, page.url)
        named = self._listing_id(url) or self._listing_id(page.meta.get("og:url")) or self._app_listing_id(page)
        node = self._product(page_products(page), named or self._listing_id(page.url))
        if node is None:
            raise self.changed("no structured Product (JSON-LD, microdata) of this listing in the page")
        extractor = extractor_of(node)
        listing_id = self._listing_id(product_url(node)) or (product_id(node) if extractor != "meta" else None)
        listing_id = listing_id if listing_id and listing_id.isdigit() else named
        if not listing_id:
            raise self.changed("no listing id in the page's own data (structured Product, canonical URL)")

        if extractor == "meta":  # Open Graph: product:price is the SHOP's base price, not the buyer's
            node = {k: v for k, v in node.items() if k != "offers"}
        syntax_items = [i for i in page_structured(page) if i.get("@syntax") == node.get("@syntax")]
        fields = listing_fields(node, base_url=url or page.url, items=syntax_items)
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
        own = product_url(node, url) if extractor != "meta" else None
        yield self.record(
            page, "listing", extractor=extractor,
            id=listing_id,
            url=(own or url or "https://www.etsy.com/listing/%s" % listing_id).split("?")[0].split("#")[0],
            partial=extractor == "meta",
            **fields,
        )

    @staticmethod
    def _listing_id(url: str | None) -> str | None:
        match = _LISTING.search(url or "")
        return match.group(1) if match else None

    @staticmethod
    def _app_listing_id(page: Page) -> str | None:
        match = re.match(r"etsy://listing/(\d+)", page.meta.get("twitter:app:url:iphone") or "")
        return match.group(1) if match else None

    @staticmethod
    def _product(nodes: list[dict], listing_id: str | None) -> dict | None:
        """The listing's Product: the node naming the listing id, else the only product of the best syntax
        when it names no other listing (a page of other listings is not this one)."""
        for node in nodes:
            if listing_id and listing_id in (product_id(node), EtsyListingParser._listing_id(as_str(node.get("url")))):
                return node
        best = best_syntax(nodes)
        if len(best) == 1:
            other = EtsyListingParser._listing_id(as_str(best[0].get("url")))
            if other is None or other == listing_id or listing_id is None:
                return best[0]
        return None

    @staticmethod
    def _shop(page: Page) -> tuple[str | None, str | None]:
        match = _SHOP.search(page.text)
        if match:
            try:
                name = parse_json('"%s"' % match.group(2))
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


_LIST_PAGE = r"^https?://(?:www\.)?etsy\.com/(?:[a-z]{2}(?:-[a-zA-Z]{2})?/)?(?:search|market/[^/?#]+|shop/[^/?#]+)"
_SHOP_PATH = re.compile(r"etsy\.com/(?:[a-z]{2}(?:-[a-zA-Z]{2})?/)?shop/([^/?#]+)")
_CARD = ('//*[@data-listing-id][descendant-or-self::a[contains(@href, "/listing/")]]')
_STRUCK = 'contains(concat(" ", normalize-space(@class), " "), " wt-text-strikethrough ")'


@register
class EtsySearchParser(Parser):
    """Search results (``/search?q=``, ``/market/<term>``) and a shop's listings (``/shop/<name>``).

    Where the data is: the result cards (any element with ``data-listing-id`` holding a link to
    ``/listing/<id>/<slug>``: title in the link's ``title`` / the card heading, the price as
    ``currency-symbol`` + ``currency-value`` with the strike-through original apart, the shop id in
    ``data-shop-id``) and the JSON-LD ``ItemList`` of ``Product`` (exact price and currency, the
    shop as ``brand``, rating, image), matched to the cards by listing id. On a shop page every
    card is that shop's. Cards are followed to their listing pages for the rest."""
    platform = "etsy"
    page_type = "search"
    url_pattern = _LIST_PAGE

    def accepts(self, page: Page) -> bool:
        return not page.is_json and bool(_MARKERS.search(page.text))

    def sniff(self, page: Page) -> bool:
        if page.is_json or not _MARKERS.search(page.text):
            return False
        return any("ItemList" in str(i.get("@type")) for i in page.jsonld) and bool(page.sel.xpath(_CARD))

    def parse(self, page: Page) -> Iterator:
        by_id = self._jsonld_by_id(page)
        cards: dict[str, object] = {}
        for card in page.sel.xpath(_CARD):
            listing_id = as_str(card.attrib.get("data-listing-id"))
            if listing_id and listing_id.isdigit() and listing_id not in cards:
                cards[listing_id] = card
        if not cards and not by_id:
            if page.sel.xpath('//*[@data-search-results-container or @data-listings-container]'):
                return  # the page says it has no results
            raise self.changed("neither listing cards (data-listing-id) nor a JSON-LD ItemList found")
        shop = _SHOP_PATH.search(page.url or "")
        shop_name = unquote(shop.group(1)) if shop else None
        if shop_name and shop_name not in page.text:
            shop_name = None  # the URL's shop name only where the page itself shows it
        lang = (page.sel.xpath("/html/@lang").get() or "").replace("-", "_") or None
        for listing_id in list(cards) + [i for i in by_id if i not in cards]:
            yield self._record(page, listing_id, cards.get(listing_id), by_id.get(listing_id), shop_name, lang)

    @staticmethod
    def _jsonld_by_id(page: Page) -> dict[str, dict]:
        out: dict[str, dict] = {}
        lists = [i for i in page.jsonld if "ItemList" in str(i.get("@type"))]
        for node in products(page.jsonld) + [d for d in find_dicts(lists, is_product)]:
            listing_id = EtsyListingParser._listing_id(product_url(node))
            if listing_id and text(node.get("name")) and listing_id not in out:
                out[listing_id] = node
        return out

    def _record(self, page: Page, listing_id: str, card, node: dict | None, shop_name: str | None, lang: str | None):
        fields = listing_fields(node, base_url="https://www.etsy.com/", currency=None) if node else {}
        link = None
        if card is not None:
            link = card.xpath('descendant-or-self::a[contains(@href, "/listing/")]/@href').get()
        url = product_url(node) if node else None
        url = (url or absolute_url(link, "https://www.etsy.com/") or "https://www.etsy.com/listing/%s" % listing_id)
        url = url.split("?")[0].split("#")[0]
        title = fields.get("title")
        price, original = fields.get("price"), fields.get("original_price")
        shop_id = None
        if card is not None:
            title = title or self._card_title(card)
            shown = self._card_money(card, "not(ancestor-or-self::*[%s])" % _STRUCK, price, lang)
            price = price or shown
            struck = self._card_money(card, "ancestor-or-self::*[%s]" % _STRUCK, price or shown, lang)
            original = original or _above(struck, price)
            shop_id = as_digits(card.attrib.get("data-shop-id")) or \
                as_digits(card.xpath("descendant::*/@data-shop-id").get())
        seller_name = text(node.get("brand")) if node else None
        seller_name = seller_name or shop_name
        brand = fields.get("brand")
        if brand and brand == seller_name:
            brand = None  # Etsy's "brand" is the shop
        seller = {"id": shop_id, "handle": seller_name, "name": seller_name,
                  "url": "https://www.etsy.com/shop/%s" % seller_name if seller_name else None} \
            if shop_id or seller_name else None
        return self.record(
            page, "listing", extractor="jsonld" if node else "dom",
            id=listing_id,
            url=url,
            title=title,
            price=price,
            price_max=fields.get("price_max"),
            original_price=original,
            seller=seller,
            rating=fields.get("rating"),
            review_count=fields.get("review_count"),
            availability=fields.get("availability"),
            brand=brand,
            images=fields.get("images") or images(card.xpath(".//img/@src").getall()[:1] if card is not None else []),
        )

    @staticmethod
    def _card_title(card) -> str | None:
        heading = " ".join(card.xpath("(.//h2|.//h3)[1]//text()").getall()).strip()
        return heading or as_str(card.xpath('descendant-or-self::a[contains(@href, "/listing/")]/@title').get())

    @staticmethod
    def _card_money(card, where: str, reference, lang: str | None):
        """The card's first ``currency-value`` matching ``where``, with its ``currency-symbol``."""
        value = card.xpath('.//*[contains(concat(" ", normalize-space(@class), " "), " currency-value ")][%s]' % where)
        if not value:
            return None
        amount = " ".join(value[0].xpath(".//text()").getall()).strip()
        symbol = " ".join(value[0].xpath('preceding-sibling::*[contains(@class, "currency-symbol")][1]//text()'
                                         ).getall()).strip()
        found = parse_money("%s%s" % (symbol, amount), reference.currency if reference else None, lang)
        if found is None or (reference is not None and found.currency != reference.currency):
            return None
        return found


def _above(candidate, price):
    if candidate is None or price is None or candidate.currency != price.currency:
        return None
    return candidate if Decimal(candidate.amount) > Decimal(price.amount) else None
