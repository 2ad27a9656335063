"""Shopee: the JSON the web app fetches (any endpoint, found by content), and its web pages.

Hosts: every country's (shopee.co.id, shopee.com.my, shopee.sg, shopee.com.br, ...).
Items are recognised by what they carry, wherever the endpoint puts them:

- search (``/api/v4/search/search_items``): ``items[].item_basic`` {itemid, shopid,
  name, price, price_min, price_max, price_before_discount, currency, stock,
  historical_sold, item_rating{rating_star, rating_count}, brand, shop_location,
  images}; an entry with ``adsid`` is a paid placement (kept, ``signals.sponsored``);
- the newer card shape (search, recommend shelves, ``centralize_item_card.item_cards``):
  ``{itemid, shopid, item_data{item_card_display_price{price, strikethrough_price},
  item_card_display_sold_count{historical_sold_count}, item_rating, shop_data,
  is_sold_out}, item_card_displayed_asset{name, image, images, shop_location}}``;
  a virtual item (``item_identities`` has "vitem") stands for ``real_items[0]``;
- product: ``/api/v4/pdp/get_pc`` (``data.item`` plus ``data.product_price``,
  ``data.product_review``, ``data.shop_detailed``, ``data.product_images``) and
  ``/api/v4/item/get`` (``data`` is an item_basic-like object);
- shop: ``/api/v4/shop/get_shop_base`` and ``get_shop_detail`` (``data`` {shopid,
  name, description, follower_count, item_count, account{username}, ...}) as an account.

Prices are integers in 1/100000 of the currency everywhere (459900000000 -> 4599000
IDR): one scaling, in ``_scaled``. The currency is the item's own ``currency``,
else the host's country. ``price_before_discount`` 0 (or equal to the price) means
no discount; ``historical_sold`` is the all-time count (``sold`` a recent one); a
``rating_star`` of 0 with no ratings is "not rated" (null).

The ``error`` field does not gate reading: data present is read whatever it says.
An answer with an error and no data is a changed page, except Shopee's anti-bot
code 90309999, reported as a block ("verification").

Web pages (``shopee.<tld>/<slug>-i.<shopid>.<itemid>``, ``/product/...``, ``/search``,
shop pages) are an app shell; product pages served to crawlers carry a JSON-LD
``Product`` (major units), read here. Walls: ``detect_block`` recognises Shopee's
own error screen (the ``ID: <tracking id>`` line under the message) and the
``/verify/`` and ``/buyer/login`` paths; the words of the message are the shared
classifier's.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from crawler.errors import PageChanged
from crawler.helpers.money import scaled_money
from crawler.helpers.paths import as_bool, as_count, as_digits, as_float, as_int, as_list, as_str, pick, pick_first
from crawler.helpers.schema_org import listing_fields, product_id, product_url, products, text
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

SCALE = 100_000
ANTI_BOT_ERRORS = {90309999}

# host suffix -> (currency, image CDN region); longest suffix first when matching
COUNTRIES = {
    "shopee.co.id": ("IDR", "id"), "shopee.com.my": ("MYR", "my"), "shopee.sg": ("SGD", "sg"),
    "shopee.ph": ("PHP", "ph"), "shopee.co.th": ("THB", "th"), "shopee.vn": ("VND", "vn"),
    "shopee.tw": ("TWD", "tw"), "shopee.com.br": ("BRL", "br"), "shopee.com.mx": ("MXN", "mx"),
    "shopee.com.co": ("COP", "co"), "shopee.cl": ("CLP", "cl"), "shopee.com.ar": ("ARS", "ar"),
    "shopee.pl": ("PLN", "pl"), "shopee.in": ("INR", "in"), "shopee.es": ("EUR", "es"),
}
_HOST_OF_CURRENCY = {currency: host for host, (currency, _cc) in COUNTRIES.items()}

_HOSTS = r"(?:[\w-]+\.)?(?:%s)" % "|".join(re.escape(host) for host in COUNTRIES)
_ITEM_PATH = re.compile(r"-i\.(\d+)\.(\d+)(?:[/?#]|$)|/product/(\d+)/(\d+)(?:[/?#]|$)")
_MAX_DEPTH = 40


def country_host(page: Page, currency: str | None = None) -> str | None:
    """The shop's country host ("shopee.co.id"): from the URL, else from the currency."""
    host = page.host
    for suffix in sorted(COUNTRIES, key=len, reverse=True):
        if host == suffix or host.endswith("." + suffix):
            return suffix
    return _HOST_OF_CURRENCY.get(currency or "")


def error_code(data) -> int | None:
    """The API's error code when it is one (0 and null mean success)."""
    code = as_int(pick(data, "error"))
    return code if code else None


def _currency(value: Any) -> str | None:
    code = as_str(value)
    return code if code and len(code) == 3 and code.isalpha() and code.isupper() else None


def _brand(*values: Any) -> str | None:
    for value in values:
        brand = as_str(value)
        if brand and brand.strip() and brand.replace(" ", "").lower() not in ("nobrand", "0"):
            return brand
    return None


# ---- finding items and shops by meaning -----------------------------------------------

def _ids(obj: Any) -> tuple[str | None, str | None]:
    return (pick_first(obj, "itemid", "item_id", coerce=as_digits),
            pick_first(obj, "shopid", "shop_id", coerce=as_digits))


def _is_item(d: dict) -> bool:
    """An item object: item and shop ids plus a name, a price or a card's parts."""
    item, shop = _ids(d)
    if not item or not shop:
        return False
    return any(k in d for k in ("name", "title", "price", "price_min", "item_basic", "item_data",
                                "item_card_displayed_asset", "item_card_display_price", "images"))


def _is_shop(d: dict) -> bool:
    shop = pick_first(d, "shopid", "shop_id", coerce=as_digits)
    return bool(shop) and not pick_first(d, "itemid", "item_id") and any(
        k in d for k in ("follower_count", "item_count", "account", "shop_location", "is_official_shop"))


class _Card:
    """One item as Shopee sent it, whatever the shape: the parts each field is read from."""

    def __init__(self, entry: dict, extra: dict | None = None):
        self.entry = entry
        basic = entry.get("item_basic") if isinstance(entry.get("item_basic"), dict) else None
        data = entry.get("item_data") if isinstance(entry.get("item_data"), dict) else {}
        self.basic = basic or entry
        self.data = data
        self.asset = next((a for a in (entry.get("item_card_displayed_asset"), data.get("item_card_displayed_asset"),
                                       self.basic.get("item_card_displayed_asset")) if isinstance(a, dict)), {})
        self.extra = extra or {}
        self.parts = (self.basic, data, entry)

    def first(self, *paths, coerce=None):
        for part in self.parts:
            value = pick_first(part, *paths, coerce=coerce)
            if value is not None:
                return value
        return None

    def ids(self) -> tuple[str | None, str | None]:
        identities = [as_str(i) for i in as_list(self.entry.get("item_identities"))]
        real = pick(self.entry, "real_items.0")
        if "vitem" in identities and isinstance(real, dict):
            return _ids(real)  # a virtual card stands for the real item it lists
        item, shop = _ids(self.basic)
        if self.basic is not self.entry and any(k in self.basic for k in ("itemid", "item_id")):
            return item, shop  # the item's own ids, even unreadable: never its wrapper's
        if not item or not shop:
            item, shop = self.first("itemid", "item_id", coerce=as_digits), \
                self.first("shopid", "shop_id", coerce=as_digits)
        return item, shop


def _cards(data: Any) -> list[_Card]:
    """Every item of an answer, top down: a card is read whole, never its nested parts again."""
    out: list[_Card] = []
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        cur, depth = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(cur, list):
            stack.extend((v, depth + 1) for v in reversed(cur))
            continue
        if not isinstance(cur, dict):
            continue
        item = cur.get("item")
        if isinstance(item, dict) and _is_item(item) and any(
                isinstance(cur.get(k), dict) for k in ("product_price", "product_review", "shop_detailed")):
            extra = {k: cur[k] for k in ("product_price", "product_review", "shop_detailed", "product_images")
                     if isinstance(cur.get(k), dict)}
            out.append(_Card(item, extra))  # pdp/get_pc
            continue
        if _is_item(cur) or (isinstance(cur.get("item_basic"), dict) and _is_item(cur["item_basic"])) \
                or (isinstance(cur.get("item_data"), dict) and _is_item(cur["item_data"])):
            out.append(_Card(cur))
            continue
        stack.extend((v, depth + 1) for v in reversed(list(cur.values())))
    return out


def _has_empty_list(data: Any) -> bool:
    """The answer says "no result": an empty (or null with a 0 total) result list where Shopee puts one."""
    for path in ("items", "data.items", "data.item_cards", "data.centralize_item_card.item_cards",
                 "centralize_item_card.item_cards", "data.units", "data.sections.0.data.item"):
        if pick(data, path) == []:
            return True
    return pick(data, "items") is None and pick_first(data, "total_count", "data.total_count", coerce=as_int) == 0


class _ShopeeParser(Parser):
    platform = "shopee"
    what = "items list"

    body = "json"

    def detect_block(self, page: Page) -> str | None:
        if not page.is_json:
            return None
        try:
            data = page.json
        except PageChanged:  # a truncated answer is the parser's PageChanged, not a block
            return None
        if _cards(data):  # complete data with an anti-bot code is data, not a block
            return None
        return "verification" if error_code(data) in ANTI_BOT_ERRORS else None

    def _fail(self, data, what: str):
        code = error_code(data)
        if code:
            return self.changed("the API answered error %s (%s) with no %s" % (
                code, as_str(pick(data, "error_msg")) or "no message", what))
        return self.changed("no %s in the response" % what)

    def parse(self, page: Page) -> Iterator:
        data = page.json
        records = [r for r in (self._listing(page, card) for card in _cards(data)) if r is not None]
        if records:
            yield from records
            return
        shop = self._shop_object(data)
        if shop is not None:
            yield self._account(page, shop)
            return
        if not error_code(data) and _has_empty_list(data):
            return  # a search with no result
        raise self._fail(data, self.what)

    @staticmethod
    def _shop_object(data: Any) -> dict | None:
        for path in ("data", "data.shop", "shop", ""):
            obj = pick(data, path) if path else data
            if isinstance(obj, dict) and _is_shop(obj):
                return obj
        return None

    # ---- records ----

    def _listing(self, page: Page, card: _Card):
        item_id, shop_id = card.ids()
        currency = _currency(card.first("currency"))
        host = country_host(page, currency)
        if not item_id or not shop_id or host is None:
            return None  # without a country neither the URL nor the currency is known
        currency, region = currency or COUNTRIES[host][0], COUNTRIES[host][1]

        def scaled(obj, *paths):
            """The first positive value of ``paths`` as Money (0 and -1 are how Shopee says "none")."""
            for path in paths:
                value = pick(obj, path, as_int)
                if value is not None and value > 0:
                    return scaled_money(value, currency, SCALE)
            return None

        display = card.first("item_card_display_price") or {}
        prices = card.extra.get("product_price")
        if prices is not None:  # pdp/get_pc: single_value is -1 when the item has a price range
            price = scaled(prices, "price.single_value", "price.range_min")
            price_max = scaled(prices, "price.range_max")
            original = scaled(prices, "price_before_discount.single_value", "price_before_discount.range_min")
        else:
            price = scaled(card.basic, "price", "price_min") or scaled(display, "price", "price_min")
            price_max = scaled(card.basic, "price_max") or scaled(display, "price_max")
            original = scaled(card.basic, "price_before_discount", "price_min_before_discount") \
                or scaled(display, "strikethrough_price", "original_price", "price_before_discount")
        price_max = None if price_max == price else price_max
        original = None if original == price else original  # 0 or equal: no discount

        review = card.extra.get("product_review")
        if review is not None:
            reviews = pick_first(review, "total_rating_count", "rating_count.0", coerce=as_count)
            rating = pick(review, "rating_star", as_float)
            sold = pick_first(review, "historical_sold", "global_sold", coerce=as_count)
        else:
            reviews = card.first("item_rating.rating_count.0", "item_rating.rating_count", "cmt_count",
                                 coerce=as_count)
            rating = card.first("item_rating.rating_star", coerce=as_float)
            if rating is None:
                rating = pick(card.asset, "rating.rating_text", as_float)
            sold = card.first("historical_sold", "global_sold_count", "item_card_display_sold_count.historical_sold_count",
                              coerce=as_count)
            if sold is None:
                sold = card.first("item_card_display_sold_count.historical_sold_count_text",
                                  "item_card_display_sold_count.rounded_display_sold_count_text", coerce=as_count)
        if rating is not None and (reviews == 0 or (reviews is None and rating == 0) or not 0 <= rating <= 5):
            rating = None  # 0 stars with no ratings is "not rated yet"

        shop = card.extra.get("shop_detailed")
        stock = card.first("stock", coerce=as_int)
        sold_out = card.first("is_sold_out", coerce=as_bool)
        if stock is not None:
            availability = "in_stock" if stock > 0 else "out_of_stock"
        else:
            availability = None if sold_out is None else ("out_of_stock" if sold_out else "in_stock")
        pictures = as_list(pick(card.extra.get("product_images"), "images")) or as_list(card.basic.get("images")) \
            or as_list(card.asset.get("images")) or [card.basic.get("image"), card.asset.get("image")]
        title = pick_first(card.basic, "name", "title", coerce=as_str) or pick(card.asset, "name", as_str)
        sponsored = bool(as_int(card.entry.get("adsid")) or as_int(card.basic.get("adsid")))
        if title is None and price is None:
            return None  # ids alone are not a listing
        missing = title is None or price is None
        return self.record(
            page, "listing", extractor="api",
            id=item_id,
            url="https://%s/product/%s/%s" % (host, shop_id, item_id),
            partial=missing,
            title=title,
            description=pick(card.basic, "description", as_str),
            price=price,
            price_max=price_max,
            original_price=original,
            seller={
                "id": shop_id,
                "handle": pick(shop, "account.username", as_str),
                "name": pick(shop, "name", as_str) or card.first("shop_name", "shop_data.shop_name", coerce=as_str),
                "url": "https://%s/shop/%s" % (host, shop_id),
            },
            sold_count=sold,
            rating=rating,
            review_count=reviews,
            availability=availability,
            brand=_brand(card.basic.get("brand"), pick(card.data, "global_brand.display_name")),
            location=card.first("shop_location", "shop_data.shop_location", coerce=as_str)
            or pick(card.asset, "shop_location", as_str) or pick(shop, "shop_location", as_str),
            images=["https://down-%s.img.susercontent.com/file/%s" % (region, i) if not i.startswith("http") else i
                    for i in dict.fromkeys(map(_image_id, pictures)) if i],
            signals={"sponsored": True} if sponsored else {},
        )

    def _account(self, page: Page, shop: dict):
        shop_id = pick_first(shop, "shopid", "shop_id", coerce=as_digits)
        host = country_host(page)
        if host is None:
            raise self.changed("no Shopee country host in the URL %r" % page.url)
        flags = [pick(shop, key) for key in ("is_official_shop", "is_shopee_verified")]
        flags = [flag for flag in flags if isinstance(flag, bool)]
        return self.record(
            page, "account", extractor="api",
            id=shop_id,
            url="https://%s/shop/%s" % (host, shop_id),
            handle=pick(shop, "account.username", as_str),
            name=pick(shop, "name", as_str),
            bio=pick(shop, "description", as_str),
            followers=pick(shop, "follower_count", as_count),
            following=pick(shop, "account.following_count", as_count),
            posts_count=pick(shop, "item_count", as_count),
            verified=any(flags) if flags else None,
            region=pick(shop, "shop_location", as_str),
        )


def _image_id(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("image_id") or value.get("image")
    value = as_str(value)
    return value if value and not value.isspace() else None


def _text_of(page: Page) -> str:
    return page.text if page.is_json else ""


@register
class ShopeeSearchParser(_ShopeeParser):
    page_type = "search"
    url_pattern = r"^https?://%s/api/v\d+/search/" % _HOSTS

    def sniff(self, page: Page) -> bool:
        text = _text_of(page)
        return ('"item_basic"' in text or '"item_card_displayed_asset"' in text or '"item_cards"' in text) \
            and '"itemid"' in text and '"shopid"' in text


@register
class ShopeeProductParser(_ShopeeParser):
    page_type = "product"
    url_pattern = r"^https?://%s/api/v\d+/(?:pdp/get_pc|item/get|pdp/)" % _HOSTS
    what = "data object"

    def sniff(self, page: Page) -> bool:
        text = _text_of(page)
        return '"shop_id"' in text and ('"shop_detailed"' in text or '"product_price"' in text)


@register
class ShopeeShopParser(_ShopeeParser):
    """A shop's profile (``/api/v4/shop/get_shop_base?username=...`` or ``get_shop_detail?shopid=``):
    ``data`` {shopid, userid, name, description, follower_count, item_count, rating_star,
    shop_location, is_official_shop, is_shopee_verified, account{username, following_count}}.
    The shop's items come from ``search_items?match_id=<shopid>&page_type=shop`` (the search parser)."""
    page_type = "shop"
    url_pattern = r"^https?://%s/api/v\d+/shop/get_shop_(?:base|detail)\b" % _HOSTS
    what = "shop (data.shopid)"

    def sniff(self, page: Page) -> bool:
        text = _text_of(page)
        return '"shopid"' in text and '"follower_count"' in text and '"item_basic"' not in text


@register
class ShopeeApiParser(_ShopeeParser):
    """Any other Shopee endpoint (recommend shelves, flash sales, collections, ...): items found by content."""
    page_type = "api"
    url_pattern = r"^https?://%s/api/v\d+/" % _HOSTS
    priority = -10
    what = "item (itemid, shopid)"

    def sniff(self, page: Page) -> bool:
        text = _text_of(page)
        if '"itemid"' not in text and '"item_id"' not in text:
            return False
        if '"shopid"' not in text and '"shop_id"' not in text:
            return False
        try:
            return bool(_cards(page.json))
        except PageChanged:
            return False


@register
class ShopeeWebParser(Parser):
    """Shopee's web pages: the product page's JSON-LD ``Product``; walls recognised by their own markup."""
    platform = "shopee"
    page_type = "web"
    url_pattern = r"^https?://%s/(?!api/)" % _HOSTS

    body = "html"

    def detect_block(self, page: Page) -> str | None:
        if page.is_json:
            return None
        path = re.sub(r"^https?://[^/]+", "", page.url or "")
        if re.match(r"^/verify/", path):
            return "verification"
        if re.match(r"^/buyer/login", path):
            return "login_wall"
        if not _is_shopee_html(page):
            return None
        # Shopee's error screen: a message, its buttons and an "ID: <tracking id>" line, no product data
        tracking = page.sel.xpath('//div[not(*)][re:test(normalize-space(.), '
                                  '"^ID: [0-9a-f]{6,}(?:-[0-9a-f]{4,}){3,}$")]',
                                  namespaces={"re": "http://exslt.org/regular-expressions"})
        if tracking and tracking[0].xpath("preceding::button | ancestor::div[1]/preceding-sibling::*//button"):
            return "login_wall"
        return None

    def parse(self, page: Page) -> Iterator:
        nodes = [n for n in products(page.jsonld) if text(n.get("name"))]
        if not nodes:
            raise self.changed("no product data (JSON-LD Product) in the Shopee page; the app loads it from the API")
        for node in nodes:
            url = product_url(node, page.url)
            match = _ITEM_PATH.search(url or "")
            item_id = (match.group(2) or match.group(4)) if match else None
            item_id = item_id or as_digits(product_id(node))
            if not item_id or not url:
                continue
            fields = listing_fields(node, base_url=page.url, items=page.jsonld)
            if match:
                shop_id = match.group(1) or match.group(3)
                seller = fields.get("seller") or {"id": None, "handle": None, "name": None, "url": None}
                fields["seller"] = dict(seller, id=shop_id)
            yield self.record(page, "listing", extractor="jsonld", id=item_id, url=url, **fields)


def _is_shopee_html(page: Page) -> bool:
    head = page.text[:200_000]
    return "shopeemobile.com" in head or "susercontent.com" in head or "window.__APP_ID__" in head
