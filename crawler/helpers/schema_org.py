"""schema.org Product data (JSON-LD) as listing fields, written once for every store parser.

Stores describe a product page with a ``Product`` (or a ``ProductGroup`` whose
``hasVariant`` are Products), its ``offers`` (``Offer``, a list of them, or an
``AggregateOffer`` with ``lowPrice``/``highPrice``), ``aggregateRating``,
``brand``, ``image``, ``itemCondition`` and ``availability``. This module maps
them to SCHEMA.md listing fields; platform parsers (web, shopify, etsy,
mercadolibre) then add what only their own page state knows.

- ``products(items)``: the Product-like nodes of a page's JSON-LD (``page.jsonld``),
  a ``ProductGroup`` merged with the ``Product`` that stands for the same page
  (Shopify emits both: the price on the Product, the rating on the group).
- ``listing_fields(product, base_url=..., items=...)``: title, description, price,
  price_max, original_price, shipping, seller, rating, review_count, condition,
  availability, brand, category, location, images.
- ``product_id(product)`` / ``product_url(product, base_url)``: the store's id and URL.
- ``breadcrumb(items, ...)``: a BreadcrumbList as "A > B > C".

Prices in JSON-LD are major units ("173000.00", 7499): never rescaled here.
Values are read defensively: a wrong type gives None, never an exception.
"""
from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from crawler.helpers.embedded import jsonld_of_type
from crawler.helpers.money import money, parse_money
from crawler.helpers.paths import as_count, as_float, as_str
from crawler.helpers.text import absolute_url
from crawler.schema import Money

PRODUCT_TYPES = ("Product", "ProductGroup", "IndividualProduct", "ProductModel", "SomeProducts", "Vehicle", "Car")

_CONDITIONS = (  # matched against the lower-cased value's last path segment
    ("refurbished", "refurbished"), ("used", "used"), ("damaged", "used"), ("new", "new"),
)
_IN_STOCK = {"instock", "limitedavailability", "onlineonly", "instoreonly", "in_stock", "in stock"}
_OUT_OF_STOCK = {"outofstock", "soldout", "discontinued", "out_of_stock", "out of stock"}
_ORIGINAL_PRICE_TYPES = {"strikethroughprice", "listprice", "srp", "msrp"}
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


# ---- small readers -------------------------------------------------------------

def types_of(node: Any) -> list[str]:
    kind = node.get("@type") if isinstance(node, dict) else None
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def is_product(node: Any) -> bool:
    return any(t in PRODUCT_TYPES for t in types_of(node))


def _string(value: Any) -> str | None:
    """A non-empty string, else None (numbers are not text or URLs)."""
    return value if isinstance(value, str) and value.strip() else None


def text(value: Any) -> str | None:
    """A schema.org text value as written (HTML entities decoded); a Thing gives its name."""
    if isinstance(value, list):
        value = next((v for v in value if v not in (None, "", [], {})), None)
    if isinstance(value, dict):
        value = value.get("name")
    value = _string(value)
    if value is None:
        return None
    return html.unescape(value) if _ENTITY.search(value) else value


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _enum(value: Any) -> str:
    """"https://schema.org/InStock" -> "instock"."""
    value = as_str(value) or ""
    return value.rstrip("/").rsplit("/", 1)[-1].strip().lower()


def _url_key(url: Any) -> str | None:
    url = as_str(url)
    if not url:
        return None
    parts = urlsplit(url)
    return parts.path.rstrip("/").lower() or None


def _https(url: str | None) -> str | None:
    if url and url.startswith("http://"):
        return "https://" + url[len("http://"):]
    return url


# ---- finding the products --------------------------------------------------------

def has_product(items: list[dict]) -> bool:
    """Whether the JSON-LD holds a Product-like node with a name."""
    return any(text(node.get("name")) for node in jsonld_of_type(items, *PRODUCT_TYPES))


def _merge(product: dict, group: dict) -> dict:
    """``product`` with the fields it lacks taken from its ``group``; variants kept for offers."""
    merged = dict(group)
    merged.update({k: v for k, v in product.items() if v not in (None, "", [], {})})
    merged["@type"] = product.get("@type", "Product")
    if group.get("hasVariant") is not None:
        merged["hasVariant"] = group["hasVariant"]
    if product.get("image") and group.get("image"):
        merged["image"] = _as_list(product["image"]) + _as_list(group["image"])
    if group.get("productGroupID") is not None:
        merged["productGroupID"] = group["productGroupID"]
    return merged


def products(items: list[dict]) -> list[dict]:
    """The page's Product-like nodes, in page order, each ProductGroup merged with its Product."""
    nodes = [n for n in jsonld_of_type(items, *PRODUCT_TYPES) if isinstance(n, dict)]
    groups = [n for n in nodes if "ProductGroup" in types_of(n)]
    singles = [n for n in nodes if "ProductGroup" not in types_of(n)]
    out: list[dict] = []
    used: set[int] = set()
    for node in singles:
        group = _group_of(node, groups, len(singles) == 1)
        if group is not None:
            used.add(id(group))
            out.append(_merge(node, group))
        else:
            out.append(node)
    out.extend(g for g in groups if id(g) not in used)
    return out


def _group_of(product: dict, groups: list[dict], only_product: bool) -> dict | None:
    keys = {_url_key(product.get("url")), _url_key(product.get("@id"))} - {None}
    parent = product.get("isVariantOf")
    parent_id = as_str(parent.get("@id")) if isinstance(parent, dict) else None
    for group in groups:
        group_keys = {_url_key(group.get("url")), _url_key(group.get("@id"))} - {None}
        if keys & group_keys or (parent_id and parent_id == as_str(group.get("@id"))):
            return group
        if as_str(group.get("productGroupID")) and as_str(group.get("productGroupID")) in (
                as_str(product.get("productGroupID")), as_str(product.get("inProductGroupWithID"))):
            return group
    if only_product and len(groups) == 1:
        name, group_name = text(product.get("name")), text(groups[0].get("name"))
        if name and group_name and name == group_name:
            return groups[0]
    return None


def product_id(product: dict) -> str | None:
    """The store's own id: productID, sku, productGroupID, mpn (as written)."""
    for key in ("productID", "sku", "productGroupID", "mpn"):
        value = product.get(key)
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            value = str(value).strip()
            if value and value.lower() not in ("n/a", "na", "null", "none", "undefined"):
                return value
    return None


def product_url(product: dict, base_url: str | None = None) -> str | None:
    for candidate in (product.get("url"), *[o.get("url") for o in _offers_of(product)], product.get("@id")):
        url = absolute_url(_string(candidate), base_url)
        if url:
            return url
    return None


# ---- offers ---------------------------------------------------------------------

def _offers_of(node: dict) -> list[dict]:
    return [o for o in _as_list(node.get("offers")) if isinstance(o, dict)]


def offers(product: dict) -> list[dict]:
    """The product's own offers, else its variants' offers (ProductGroup.hasVariant)."""
    own = _offers_of(product)
    if own:
        return own
    out: list[dict] = []
    for variant in _as_list(product.get("hasVariant")):
        if isinstance(variant, dict):
            out.extend(_offers_of(variant))
    return out


def amount(value: Any, currency: str | None) -> Money | None:
    """A JSON-LD price in major units: 7499, "173000.00", and the odd "1.299,00" read by the currency's locale."""
    if isinstance(value, bool) or value is None or not currency:
        return None
    if isinstance(value, (int, float, Decimal)):
        return money(value, currency)
    value = as_str(value)
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return money(value, currency)
    return parse_money(value, currency)


def _currency(offer: dict, default: str | None) -> str | None:
    for node in (offer, *[s for s in _as_list(offer.get("priceSpecification")) if isinstance(s, dict)]):
        code = _string(node.get("priceCurrency"))
        if code and re.fullmatch(r"[A-Za-z]{3}", code.strip()):
            return code.strip().upper()
    return default


def _offer_prices(offer: dict, default_currency: str | None) -> tuple[list[Money], list[Money]]:
    """(prices a buyer pays, list/strike-through prices) of one Offer or AggregateOffer."""
    currency = _currency(offer, default_currency)
    paid: list[Money] = []
    listed: list[Money] = []
    for key in ("price", "lowPrice", "highPrice"):
        found = amount(offer.get(key), currency)
        if found:
            paid.append(found)
    for spec in _as_list(offer.get("priceSpecification")):
        if not isinstance(spec, dict):
            continue
        found = amount(spec.get("price"), _currency(spec, currency))
        if not found:
            continue
        if _enum(spec.get("priceType")) in _ORIGINAL_PRICE_TYPES:
            listed.append(found)
        elif not paid:
            paid.append(found)
    return paid, listed


def prices(product: dict, currency: str | None = None) -> dict[str, Money | None]:
    """``price`` (lowest), ``price_max`` (highest, when it differs) and ``original_price``."""
    paid: list[Money] = []
    listed: list[Money] = []
    for offer in offers(product):
        low, strike = _offer_prices(offer, currency)
        paid.extend(low)
        listed.extend(strike)
    if not paid:
        return {"price": None, "price_max": None, "original_price": None}
    code = paid[0].currency
    paid = [m for m in paid if m.currency == code]
    low = min(paid, key=lambda m: Decimal(m.amount))
    high = max(paid, key=lambda m: Decimal(m.amount))
    listed = [m for m in listed if m.currency == code and Decimal(m.amount) > Decimal(low.amount)]
    return {
        "price": low,
        "price_max": high if Decimal(high.amount) > Decimal(low.amount) else None,
        "original_price": max(listed, key=lambda m: Decimal(m.amount)) if listed else None,
    }


def availability(value: Any) -> str | None:
    """schema.org ItemAvailability (or a plain word) -> "in_stock" / "out_of_stock" / None."""
    word = _enum(value)
    if word in _IN_STOCK:
        return "in_stock"
    if word in _OUT_OF_STOCK:
        return "out_of_stock"
    return None


def condition(value: Any) -> str | None:
    """schema.org OfferItemCondition (or a plain word) -> "new" / "used" / "refurbished" / None."""
    word = _enum(value)
    for needle, result in _CONDITIONS:
        if needle in word:
            return result
    return None


def _availability_of(product: dict) -> str | None:
    states = {availability(o.get("availability")) for o in offers(product)} - {None}
    if "in_stock" in states:
        return "in_stock"
    if "out_of_stock" in states:
        return "out_of_stock"
    return availability(product.get("availability"))


def _condition_of(product: dict) -> str | None:
    variants = [v for v in _as_list(product.get("hasVariant")) if isinstance(v, dict)]
    variant_offers = [o for v in variants for o in _offers_of(v)]
    for node in (*offers(product), product, *variant_offers, *variants):
        found = condition(node.get("itemCondition"))
        if found:
            return found
    return None


def _seller_of(product: dict, base_url: str | None) -> dict | None:
    for offer in offers(product):
        seller = offer.get("seller")
        if isinstance(seller, list):
            seller = next((s for s in seller if isinstance(s, dict)), None)
        if isinstance(seller, dict):
            ref = {
                "id": as_str(seller.get("identifier")) if not isinstance(seller.get("identifier"), dict) else None,
                "handle": None,
                "name": text(seller.get("name")),
                "url": absolute_url(_string(seller.get("url")), base_url),
            }
            if any(ref.values()):
                return ref
        elif isinstance(seller, str) and seller.strip():
            return {"id": None, "handle": None, "name": seller, "url": None}
    return None


def _shipping_of(product: dict, currency: str | None) -> Money | None:
    for offer in offers(product):
        for details in _as_list(offer.get("shippingDetails")):
            rate = details.get("shippingRate") if isinstance(details, dict) else None
            if isinstance(rate, dict):
                found = amount(rate.get("value"), _string(rate.get("currency")) or _currency(offer, currency))
                if found:
                    return found
    return None


def _location_of(product: dict) -> str | None:
    for offer in offers(product):
        for details in _as_list(offer.get("shippingDetails")):
            origin = details.get("shippingOrigin") if isinstance(details, dict) else None
            if isinstance(origin, dict):
                place = text(origin.get("addressCountry")) or text(origin.get("addressRegion"))
                if place:
                    return place
        where = offer.get("availableAtOrFrom")
        if isinstance(where, str) and not where.startswith(("http://", "https://")) and text(where):
            return text(where)  # microdata writes the place as text ("Rancho Cucamonga, California, United States")
        address = where.get("address") if isinstance(where, dict) else None
        if isinstance(address, dict):
            place = text(address.get("addressLocality")) or text(address.get("addressCountry"))
            if place:
                return place
    return None


def rating(aggregate: Any) -> tuple[float | None, int | None]:
    """(ratingValue on a 0-5 scale, ratingCount else reviewCount) of an AggregateRating."""
    if not isinstance(aggregate, dict):
        return None, None
    value = as_float(aggregate.get("ratingValue"))
    best = as_float(aggregate.get("bestRating"))
    if value is not None and best and best > 0 and best != 5:
        value = round(value * 5 / best, 4)
    if value is not None and not 0 <= value <= 5:
        value = None
    count = as_count(aggregate.get("ratingCount"))
    if count is None:
        count = as_count(aggregate.get("reviewCount"))
    return value, count


def images(value: Any, base_url: str | None = None) -> list[str]:
    """Absolute https image URLs of ``image`` (URL strings, lists, ImageObjects), each once."""
    out: dict[str, None] = {}
    for item in _as_list(value):
        if isinstance(item, dict):
            item = item.get("contentUrl") or item.get("contentURL") or item.get("url") or item.get("@id")
        url = _https(absolute_url(_string(item), base_url))
        if url:
            out[url] = None
    return list(out)


def breadcrumb(items: list[dict], exclude: tuple[str | None, ...] = (), exclude_url: str | None = None) -> str | None:
    """The first BreadcrumbList as "A > B > C", without the home link and the product itself
    (a crumb named ``exclude`` or linking to ``exclude_url``). Names are trimmed to be joined."""
    product_key = _url_key(exclude_url)
    for crumbs in jsonld_of_type(items, "BreadcrumbList"):
        entries = [e for e in _as_list(crumbs.get("itemListElement")) if isinstance(e, dict)]
        entries.sort(key=lambda e: as_float(e.get("position")) or 0)
        names = []
        for entry in entries:
            item = entry.get("item")
            name = text(entry.get("name")) or (text(item.get("name")) if isinstance(item, dict) else None)
            link = item.get("@id") if isinstance(item, dict) else item
            if not name or name.strip() in exclude:
                continue
            if as_str(link) and urlsplit(as_str(link)).path in ("", "/"):
                continue  # the home page
            if product_key and _url_key(link) == product_key:
                continue
            names.append(name.strip())
        if names:
            return " > ".join(names)
    return None


def category(product: dict, items: list[dict] | None = None) -> str | None:
    value = product.get("category")
    if isinstance(value, list):
        parts = [text(v) for v in value]
        value = " > ".join(p for p in parts if p) or None
    else:
        value = text(value)
    if value and not value.startswith(("http://", "https://")):
        return value
    return breadcrumb(items or [], exclude=(text(product.get("name")),), exclude_url=product_url(product))


# ---- the mapping -----------------------------------------------------------------

def listing_fields(product: dict, base_url: str | None = None, items: list[dict] | None = None,
                   currency: str | None = None) -> dict[str, Any]:
    """Listing fields of one schema.org Product (see the module docstring).

    ``base_url`` resolves relative URLs; ``items`` (all JSON-LD of the page) is
    used for the breadcrumb; ``currency`` is the page's currency for offers that
    do not name one.
    """
    rated, rated_count = rating(product.get("aggregateRating"))
    fields: dict[str, Any] = {
        "title": text(product.get("name")),
        "description": text(product.get("description")),
        **prices(product, currency),
        "shipping": _shipping_of(product, currency),
        "seller": _seller_of(product, base_url),
        "rating": rated,
        "review_count": rated_count,
        "condition": _condition_of(product),
        "availability": _availability_of(product),
        "brand": text(product.get("brand")) or text(product.get("manufacturer")),
        "category": category(product, items),
        "location": _location_of(product),
        "images": images(product.get("image"), base_url),
    }
    if not fields["images"]:
        for variant in _as_list(product.get("hasVariant")):
            if isinstance(variant, dict):
                fields["images"] = images(variant.get("image"), base_url)
                if fields["images"]:
                    break
    return fields


def canonical_url(sel: Any, meta: dict[str, str] | None = None, base_url: str | None = None) -> str | None:
    """The page's canonical URL: ``<link rel=canonical>``, else ``og:url``, else None."""
    href = sel.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href').get()
    for candidate in (href, (meta or {}).get("og:url")):
        url = absolute_url(_string(candidate), base_url)
        if url:
            return url
    return None
