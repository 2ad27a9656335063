"""Facebook Marketplace: listings from the Relay data embedded in the page.

Facebook ships its GraphQL results inside ``<script type="application/json"
data-sjs>`` blobs (``require -> ScheduledServerJS -> __bbox ->
RelayPrefetchedStreamCache -> __bbox.result.data``). The nesting moves, so
listings are found by meaning: objects with ``__typename``
``GroupCommerceProductItem`` (or a ``marketplace_listing_title``), merged by id
because Relay may send one listing in several partial pieces.

Page types:
- search and category pages (``/marketplace/<city>/search?query=...``,
  ``/marketplace/<city>/<category>``): every listing card
  (``marketplace_search.feed_units.edges[].node.listing`` today);
- the search's next pages (``POST /api/graphql/``, fetched as the results are
  scrolled; ``CometMarketplaceSearchContentPaginationQuery``): the same
  ``marketplace_search.feed_units.edges[].node.listing`` objects, as JSON;
- item pages (``/marketplace/item/<id>/``): the one listing of the URL
  (``marketplace_product_details_page.target``), with description, seller,
  condition and photos; the "similar items" around it are not emitted. When the
  URL's id is not on the page, the page's own ``target`` is the listing it shows;
- the item page's GraphQL answer (``MarketplacePDPContainerQuery``, JSON): its
  ``target`` only; any other GraphQL answer carrying listing objects: every one.

Pages are recognised by content too (a Relay script with ``GroupCommerceProductItem``
or ``marketplace_listing_title``), whatever the URL.

Search cards carry no currency code, only ``formatted_amount`` ("$20", "€15",
"CA$40"): the currency comes from that symbol ("$" alone is USD, as on the US
pages these cards come from); a price that names neither a code nor a symbol and
whose page names none either has no currency, so no price. The seller is null in
search results.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from crawler.errors import PageChanged
from crawler.helpers.embedded import json_scripts, loads_lenient, parse_json
from crawler.helpers.money import currency_of, money, parse_money
from crawler.helpers.paths import as_bool, as_digits, as_list, as_str, find_dicts, pick, pick_first
from crawler.helpers.text import absolute_url
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

_LISTING_TYPES = ("GroupCommerceProductItem", "MarketplaceProductItem")
_ITEM_URL = re.compile(r"/marketplace/item/(\d+)")
_LOGIN_TITLE = re.compile(r"log ?in|log into|sign up", re.I)
_LOGIN_FORM = re.compile(r'id="login_form"|action="[^"]*/login/')


def _has_listing_marker(text: str) -> bool:
    return "GroupCommerceProductItem" in text or '"marketplace_listing_title"' in text


def _is_listing(d: dict) -> bool:
    if as_digits(d.get("id")) is None:
        return False
    return d.get("__typename") in _LISTING_TYPES or isinstance(d.get("marketplace_listing_title"), str)


def _details_targets(blobs) -> list[str]:
    """Ids of the listings item pages show (``marketplace_product_details_page.target``)."""
    ids = []
    for blob in blobs:
        for details in find_dicts(blob, lambda d: isinstance(d.get("marketplace_product_details_page"), dict)):
            found = pick(details, "marketplace_product_details_page.target.id", as_digits)
            if found and found not in ids:
                ids.append(found)
    return ids


def listings_of(page: Page) -> dict[str, dict]:
    """Every listing object on the page, id -> fields merged over its pieces (first non-null wins)."""
    return merge_listings(json_scripts(page.sel))


def graphql_payloads(page: Page) -> list:
    """The JSON payloads of a ``/api/graphql/`` answer: one object, or one per line when Relay streams
    (@defer/@stream parts); an optional ``for (;;);`` guard is skipped."""
    text = page.text.lstrip()
    if text.startswith("for (;;);"):
        text = text[len("for (;;);"):]
    payloads = []
    for line in text.splitlines():
        if line.strip():
            payloads.append(loads_lenient(line))
    if not payloads or any(p is None for p in payloads):
        try:
            return [parse_json(text)]
        except ValueError:
            raise PageChanged("the GraphQL answer is not JSON (nor JSON lines)") from None
    return payloads


def merge_listings(blobs) -> dict[str, dict]:
    merged: dict[str, dict] = {}
    for blob in blobs:
        for found in find_dicts(blob, _is_listing):
            target = merged.setdefault(as_digits(found["id"]), {})
            for key, value in found.items():
                if target.get(key) is None:
                    target[key] = value
    return merged


def _currency_code(price, default: str | None = None) -> str | None:
    """The ISO code a price object names (item pages), else the one its formatted amount shows ("$20" -> USD)."""
    code = as_str(pick(price, "currency"))
    if code and re.fullmatch(r"[A-Z]{3}", code):
        return code
    return currency_of(as_str(pick(price, "formatted_amount")) or "", default)


def _condition(listing: dict) -> str | None:
    values = [listing.get("condition")]
    for attribute in as_list(listing.get("attribute_data")):
        if isinstance(attribute, dict) and str(attribute.get("attribute_name", "")).lower() == "condition":
            values.append(attribute.get("value"))
    for value in values:
        text = as_str(value)
        if not text:
            continue
        text = text.lower()
        if "refurb" in text:
            return "refurbished"
        if text.startswith("new"):
            return "new"
        if text.startswith("used"):
            return "used"
    return None


def _location(listing: dict) -> str | None:
    geo = pick(listing, "location.reverse_geocode")
    parts = [as_str(pick(geo, "city")), as_str(pick(geo, "state"))]
    if parts[0]:
        return ", ".join(p for p in parts if p)
    return pick_first(listing, "location.reverse_geocode.city_page.display_name", "location_text.text", coerce=as_str)


class _MarketplaceParser(Parser):
    platform = "facebook_marketplace"
    extractor = "hydration"

    body = "html"

    def detect_block(self, page: Page) -> str | None:
        """A login or checkpoint page instead of listings (the logged-out page with listings is not a block)."""
        if "marketplace_listing_title" in page.text or "GroupCommerceProductItem" in page.text:
            return None
        if "/checkpoint/" in urlsplit(page.url).path:
            return "verification"
        if _LOGIN_TITLE.search(page.title) or _LOGIN_FORM.search(page.text):
            return "login_wall"
        return None

    def _currency(self, listings: dict[str, dict]) -> str | None:
        """The page's currency: the first price that names one (for "Free" cards that do not)."""
        for listing in listings.values():
            code = _currency_code(listing.get("listing_price"))
            if code:
                return code
        return None

    def _money(self, price, default: str | None):
        if not isinstance(price, dict):
            return None
        amount = price.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, (str, int, float)):
            return None
        return money(amount, _currency_code(price, default))

    def _listing(self, page: Page, listing: dict, currency: str | None, extractor: str = "hydration"):
        listing_id = as_digits(listing.get("id"))
        title = pick_first(listing, "marketplace_listing_title", "custom_title", coerce=as_str)
        if not listing_id:
            return None
        price = self._money(listing.get("listing_price"), currency)
        if price is None:  # item pages may show only the formatted price ("£385")
            price = parse_money(pick_first(listing, "formatted_price.text", "listing_price.formatted_amount",
                                           coerce=as_str), currency)
        low = self._money(listing.get("min_listing_price"), currency)
        high = self._money(listing.get("max_listing_price"), currency)
        if price is None:
            price = low
        price_max = high if high is not None and price is not None and high != price else None
        seller = listing.get("marketplace_listing_seller")
        seller_id = pick_first(seller, "id", coerce=as_digits)
        photos = [pick(listing, "primary_listing_photo.image.uri")]
        photos += [pick(p, "image.uri") for p in as_list(listing.get("listing_photos"))]
        images = []
        for uri in photos:
            url = absolute_url(as_str(uri))
            if url and url not in images:
                images.append(url)
        sold = as_bool(listing.get("is_sold"))
        return self.record(
            page, "listing", extractor=extractor,
            id=listing_id,
            url="https://www.facebook.com/marketplace/item/%s/" % listing_id,
            title=title,
            description=pick(listing, "redacted_description.text", as_str),
            price=price,
            price_max=price_max,
            original_price=self._money(listing.get("strikethrough_price"), currency),
            seller={
                "id": seller_id,
                "name": pick(seller, "name", as_str),
                "url": "https://www.facebook.com/marketplace/profile/%s/" % seller_id if seller_id else None,
            } if isinstance(seller, dict) and (seller_id or pick(seller, "name", as_str)) else None,
            condition=_condition(listing),
            availability=None if sold is None else ("out_of_stock" if sold else "in_stock"),
            location=_location(listing),
            images=images,
        )


@register
class FacebookMarketplaceSearchParser(_MarketplaceParser):
    page_type = "search"
    url_pattern = r"^https?://(?:[\w-]+\.)?facebook\.com/marketplace/(?!item/)"

    def sniff(self, page: Page) -> bool:
        return not page.is_json and _has_listing_marker(page.text) and "application/json" in page.text

    def parse(self, page: Page) -> Iterator:
        listings = listings_of(page)
        if not listings:
            raise self.changed("no listing object (GroupCommerceProductItem) in the page's Relay data")
        currency = self._currency(listings)
        for listing in listings.values():
            record = self._listing(page, listing, currency, self.extractor)
            if record is not None:
                yield record


@register
class FacebookMarketplaceItemParser(_MarketplaceParser):
    page_type = "item"
    url_pattern = r"^https?://(?:[\w-]+\.)?facebook\.com/marketplace/item/\d+"
    priority = 5

    def sniff(self, page: Page) -> bool:
        return not page.is_json and "marketplace_product_details_page" in page.text

    def _item_ids(self, page: Page) -> list[str]:
        """The URL's item id, then the ids of the listings the page itself shows."""
        match = _ITEM_URL.search(urlsplit(page.url).path)
        ids = [match.group(1)] if match else []
        blobs = json_scripts(page.sel, contains="marketplace_product_details_page")
        return ids + [i for i in _details_targets(blobs) if i not in ids]

    def parse(self, page: Page) -> Iterator:
        item_ids = self._item_ids(page)
        if not item_ids:
            raise self.changed("no item id in the URL or in marketplace_product_details_page")
        listings = listings_of(page)
        item_id = next((i for i in item_ids if i in listings), item_ids[0])
        listing = listings.get(item_id)
        if listing is None:
            raise self.changed("listing %s not found in the page's Relay data" % item_id)
        record = self._listing(page, listing, self._currency(listings))
        if record is None:
            raise self.changed("listing %s has no usable fields" % item_id)
        yield record



@register
class FacebookMarketplaceGraphQLParser(_MarketplaceParser):
    """The JSON the search page fetches as it scrolls: the same listing objects as the page's Relay data.
    Other GraphQL answers captured with it (the page fires many) have no listing: a changed page."""
    page_type = "graphql"
    extractor = "api"
    url_pattern = r"^https?://(?:[\w-]+\.)?facebook\.com/api/graphql/?(?:[?#]|$)"

    def accepts(self, page: Page) -> bool:
        return page.is_json or page.text.lstrip().startswith("for (;;);")

    def sniff(self, page: Page) -> bool:
        return self.accepts(page) and _has_listing_marker(page.text) and (
            "marketplace_search" in page.text or "marketplace_product_details_page" in page.text
            or '"marketplace_listing_title"' in page.text)

    def detect_block(self, page: Page) -> str | None:
        return None

    def parse(self, page: Page) -> Iterator:
        payloads = graphql_payloads(page)
        listings = merge_listings(payloads)
        if not listings:
            errors = [pick(p, "errors.0.message", as_str) for p in payloads]
            message = next((e for e in errors if e), None)
            raise self.changed("no listing in the GraphQL answer" + (" (error: %s)" % message if message else ""))
        currency = self._currency(listings)
        targets = [i for i in _details_targets(payloads) if i in listings]
        for listing_id, listing in listings.items():
            if targets and listing_id not in targets:
                continue  # an item's answer: its "similar items" are not emitted
            record = self._listing(page, listing, currency, self.extractor)
            if record is not None:
                yield record
