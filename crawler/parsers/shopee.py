"""Shopee: the JSON the web app fetches, on any country's host (shopee.co.id, shopee.com.my, shopee.sg, ...).

Page types:
- search (``/api/v4/search/search_items?keyword=...``): ``items[].item_basic``
  {itemid, shopid, name, price, price_min, price_max, price_before_discount,
  currency, stock, historical_sold, item_rating{rating_star, rating_count},
  brand, shop_location, images}; an entry with ``adsid`` is a paid placement
  (kept, marked ``signals.sponsored``);
- shop (``/api/v4/shop/get_shop_base?username=...``): the shop as an account
  (its items are ``search_items?match_id=<shopid>&page_type=shop``, read as a search);
- product (``/api/v4/item/get?itemid&shopid``: ``data`` is an item_basic-like
  object; ``/api/v4/pdp/get_pc?item_id&shop_id``: ``data.item`` plus
  ``data.product_price``, ``data.product_review`` and ``data.shop_detailed``).

Prices are integers in 1/100000 of the currency (459900000000 -> 4599000 IDR).
The currency is the item's own ``currency`` field, else the host's country.
``price_before_discount`` 0 (or equal to the price) means no discount.
``historical_sold`` is the all-time count; ``sold`` is a recent-period one.
A ``rating_star`` of 0 with no ratings is "not rated" (null).

An answer with an error code and no item is not an empty result: Shopee's
anti-bot code 90309999 is reported as a block ("verification"), any other as a
changed page.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from crawler.errors import PageChanged
from crawler.helpers.money import scaled_money
from crawler.helpers.paths import as_count, as_digits, as_float, as_int, as_list, as_str, pick, pick_first
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


def _brand(basic: dict) -> str | None:
    brand = pick(basic, "brand", as_str)
    return None if brand is None or brand.replace(" ", "").lower() == "nobrand" else brand


class _ShopeeParser(Parser):
    platform = "shopee"

    def accepts(self, page: Page) -> bool:
        return page.is_json

    def detect_block(self, page: Page) -> str | None:
        if not page.is_json:
            return None
        try:
            data = page.json
        except PageChanged:  # a truncated answer is the parser's PageChanged, not a block
            return None
        return "verification" if error_code(data) in ANTI_BOT_ERRORS else None

    def _fail(self, data, what: str):
        code = error_code(data)
        if code:
            return self.changed("the API answered error %s (%s) with no %s" % (
                code, as_str(pick(data, "error_msg")) or "no message", what))
        return self.changed("no %s in the response" % what)

    def _listing(self, page: Page, basic: dict, sponsored: bool = False, extra: dict | None = None):
        """One listing from an item_basic-like object; ``extra`` holds get_pc's side objects."""
        extra = extra or {}
        item_id = pick_first(basic, "itemid", "item_id", coerce=as_digits)
        shop_id = pick_first(basic, "shopid", "shop_id", coerce=as_digits)
        currency = as_str(basic.get("currency"))
        if currency is not None and not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
            currency = None
        host = country_host(page, currency)
        if not item_id or not shop_id or host is None:
            return None  # without a country neither the URL nor the currency is known
        currency, region = currency or COUNTRIES[host][0], COUNTRIES[host][1]

        def scaled(*paths, obj=basic):
            """The first positive value of ``paths`` as Money (0 and -1 are how Shopee says "none")."""
            for path in paths:
                value = pick(obj, path, as_int)
                if value is not None and value > 0:
                    return scaled_money(value, currency, SCALE)
            return None

        prices = extra.get("product_price")
        if prices is not None:  # pdp/get_pc: single_value is -1 when the item has a price range
            price = scaled("price.single_value", "price.range_min", obj=prices)
            price_max = scaled("price.range_max", obj=prices)
            original = scaled("price_before_discount.single_value", "price_before_discount.range_min", obj=prices)
        else:
            price = scaled("price", "price_min")
            price_max = scaled("price_max")
            original = scaled("price_before_discount")
        price_max = None if price_max == price else price_max
        original = None if original == price else original  # 0 or equal: no discount

        review = extra.get("product_review")
        if review is not None:
            reviews = pick_first(review, "total_rating_count", "rating_count.0", coerce=as_count)
            rating = pick(review, "rating_star", as_float)
            sold = pick_first(review, "historical_sold", "global_sold", coerce=as_count)
        else:
            reviews = pick_first(basic, "item_rating.rating_count.0", "cmt_count", coerce=as_count)
            rating = pick(basic, "item_rating.rating_star", as_float)
            sold = pick_first(basic, "historical_sold", "global_sold_count", coerce=as_count)
        if rating is not None and (reviews == 0 or (reviews is None and rating == 0) or not 0 <= rating <= 5):
            rating = None  # 0 stars with no ratings is "not rated yet"

        shop = extra.get("shop_detailed")
        stock = pick(basic, "stock", as_int)
        images = as_list(pick(extra.get("product_images"), "images")) or as_list(basic.get("images")) or [basic.get("image")]
        return self.record(
            page, "listing", extractor="api",
            id=item_id,
            url="https://%s/product/%s/%s" % (host, shop_id, item_id),
            title=pick_first(basic, "name", "title", coerce=as_str),
            description=pick(basic, "description", as_str),
            price=price,
            price_max=price_max,
            original_price=original,
            seller={
                "id": shop_id,
                "handle": pick(shop, "account.username", as_str),
                "name": pick(shop, "name", as_str) or pick(basic, "shop_name", as_str),
                "url": "https://%s/shop/%s" % (host, shop_id),
            },
            sold_count=sold,
            rating=rating,
            review_count=reviews,
            availability=None if stock is None else ("in_stock" if stock > 0 else "out_of_stock"),
            brand=_brand(basic),
            location=pick(basic, "shop_location", as_str) or pick(shop, "shop_location", as_str),
            images=["https://down-%s.img.susercontent.com/file/%s" % (region, i) for i in map(as_str, images) if i],
            signals={"sponsored": True} if sponsored else {},
        )


@register
class ShopeeSearchParser(_ShopeeParser):
    page_type = "search"
    url_pattern = r"^https?://%s/api/v\d+/search/search_items" % _HOSTS

    def sniff(self, page: Page) -> bool:
        return page.is_json and '"item_basic"' in page.text and '"itemid"' in page.text

    def parse(self, page: Page) -> Iterator:
        data = page.json
        items = pick(data, "items")
        if not isinstance(items, list):
            if items is None and not error_code(data) and pick(data, "total_count", as_int) == 0:
                return  # a search with no result
            raise self._fail(data, "items list")
        for entry in items:
            basic = pick(entry, "item_basic")
            if not isinstance(basic, dict):
                continue
            record = self._listing(page, basic, sponsored=bool(as_int(pick(entry, "adsid"))))
            if record is not None:
                yield record


@register
class ShopeeProductParser(_ShopeeParser):
    page_type = "product"
    url_pattern = r"^https?://%s/api/v\d+/(?:pdp/get_pc|item/get)\b" % _HOSTS

    def sniff(self, page: Page) -> bool:
        text = page.text
        return page.is_json and '"shop_id"' in text and ('"shop_detailed"' in text or '"product_price"' in text)

    def parse(self, page: Page) -> Iterator:
        data = page.json
        body = pick(data, "data")
        if not isinstance(body, dict):
            raise self._fail(data, "data object")
        if isinstance(body.get("item"), dict):  # pdp/get_pc
            extra = {k: body[k] for k in ("product_price", "product_review", "shop_detailed", "product_images")
                     if isinstance(body.get(k), dict)}
            record = self._listing(page, body["item"], extra=extra)
        else:  # item/get: data is the item itself
            record = self._listing(page, body)
        if record is None:
            raise self.changed("no item with itemid, shopid and a known country in the response")
        yield record


@register
class ShopeeShopParser(_ShopeeParser):
    """A shop's profile (``/api/v4/shop/get_shop_base?username=...``), what a shop page fetches first:
    ``data`` {shopid, userid, name, description, follower_count, item_count, rating_star,
    shop_location, is_official_shop, is_shopee_verified, account{username, following_count}}.
    The shop's items come from ``search_items?match_id=<shopid>&page_type=shop`` (the search parser)."""
    page_type = "shop"
    url_pattern = r"^https?://%s/api/v\d+/shop/get_shop_base\b" % _HOSTS

    def sniff(self, page: Page) -> bool:
        text = page.text
        return page.is_json and '"shopid"' in text and '"follower_count"' in text and '"item_basic"' not in text

    def parse(self, page: Page) -> Iterator:
        data = page.json
        shop = pick(data, "data")
        shop_id = pick_first(shop, "shopid", "shop_id", coerce=as_digits)
        if not isinstance(shop, dict) or not shop_id:
            raise self._fail(data, "shop (data.shopid)")
        host = country_host(page)
        if host is None:
            raise self.changed("no Shopee country host in the URL %r" % page.url)
        flags = [pick(shop, key) for key in ("is_official_shop", "is_shopee_verified")]
        flags = [flag for flag in flags if isinstance(flag, bool)]
        yield self.record(
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
