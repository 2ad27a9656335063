"""TikTok Shop: the product detail page (PDP), the store page and the search page, as listings.

Pages: ``www.tiktok.com/shop/pdp/<slug>/<product_id>`` (also with a region
segment, ``/shop/<cc>/pdp/...``) and the older share form
``shop.tiktok.com/view/product/<product_id>``. The state is in
``<script id="__MODERN_ROUTER_DATA__">`` → ``loaderData[<route>]`` →
``page_config.components_map[]``: a list of components (user_info,
bread_crumbs, product_info, feed_list shelves, ...). The product is the
component whose ``component_data.product_info`` holds ``product_base``; it is
found by that meaning, never by its index, because the list order changes
with the page template. ``page_config.global_data.product_info.product_info``
is a two-field stub (ids only) and is deliberately not taken for the product.

The router state is also served as a JavaScript literal (single quotes, unquoted keys) in the same
script, or assigned to ``window.__MODERN_ROUTER_DATA__`` in a plain script; and ``components_map``
may be a dict of named components or a list in any order: components are found by meaning.
Pages and JSON answers of this shape are recognised by content (``sniff``) without their URL.

Traps (see the capture's expected.json notes):
- ``product_base.price.original_price`` may be ``""``; the strike-through
  price is ``min_sku_original_price``.
- A price range (``is_interval_price``) gives ``price`` (low) and
  ``price_max`` (high).
- The feed_list shelves (similar items, more from this shop) are empty shells
  in server HTML: exactly one listing per page.
- There is no brand field; the URL slug's "by-<shop>" is not a brand.

Store pages (``www.tiktok.com/shop/store/<store-slug>/<seller_id>``) and search
pages (``www.tiktok.com/shop/s/<query>``, ``/shop/search?q=``, ``/shop/k/<slug>``,
``shop.tiktok.com/<cc>/s?q=``) keep the same ``__MODERN_ROUTER_DATA__`` state:
their first page of results is server-rendered as product cards, a list
``component_data.products[]`` (the search feed's component is named
``feed_list_search_word``) of ``{product_id, title, image.url_list,
product_price_info{sale_price_decimal, origin_price_decimal, currency_name},
sold_info.sold_count, rate_info{score, review_count}, seller_info{seller_id,
shop_name}, brand_info.brand_name, seo_url{canonical_url, slug}}``. Cards are
found by that meaning (a dict with a product id, a title and a price info), in
whatever component holds them. A card says less than the PDP (no description,
category, stock or shipping): the spider follows each card to its PDP.

TikTok Shop answers bot traffic with a "Security Check" page
(``oec-ttweb-captcha`` loader, ``<script id="captcha-config">``): that is a
block, recognised in ``detect_block`` even where the title is localised.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from crawler.errors import PageChanged
from crawler.helpers.embedded import js_property, script_text, parse_json
from crawler.helpers.money import money, parse_money
from crawler.helpers.paths import as_count, as_digits, as_float, as_int, as_list, as_str, pick, pick_first, walk
from crawler.helpers.text import absolute_url
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

_ROUTER_SCRIPT = "__MODERN_ROUTER_DATA__"
# TikTok Shop's own captcha page: its loader script and its config/container
_CAPTCHA = re.compile(r"oec-ttweb-captcha|<script[^>]+id=\"captcha-config\"|id=\"captcha_container\"")


def _router(page: Page) -> dict | None:
    """The router state, wherever the page keeps it: ``<script id="__MODERN_ROUTER_DATA__">`` JSON, the
    same script as a JavaScript literal (single quotes, unquoted keys), ``window.__MODERN_ROUTER_DATA__ =
    {...}`` in another script, or a JSON answer of the same shape."""
    if page.is_json:
        try:
            data = page.json
        except PageChanged:
            return None
        return data if isinstance(data, dict) else None
    data = page.script_json(_ROUTER_SCRIPT)
    if not isinstance(data, dict):
        text = script_text(page.sel, _ROUTER_SCRIPT)
        if text and text.strip()[:1] in "{[":
            data = js_property("{__router__: %s}" % text.strip().rstrip(";"), "__router__")
    if not isinstance(data, dict) and _ROUTER_SCRIPT in page.text:
        data = page.js_assignment("window.%s" % _ROUTER_SCRIPT)
    return data if isinstance(data, dict) else None


def _product_components(router: object) -> list[dict]:
    """``component_data`` dicts whose ``product_info`` is a product (has ``product_base``)."""
    found = []
    for node in walk(router):
        data = node.get("component_data")
        if isinstance(data, dict) and isinstance(data.get("product_info"), dict):
            found.append(data)
    return found


def _decimal(value: object) -> Decimal | None:
    text = as_str(value) if not isinstance(value, float) else repr(value)
    if text is None:
        return None
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _description(desc_detail: object) -> str | None:
    """Text of the rich description (a JSON string of blocks: text, ul, image)."""
    blocks = desc_detail
    if isinstance(desc_detail, str):
        try:
            blocks = parse_json(desc_detail)
        except ValueError:
            return desc_detail if desc_detail.strip() else None
    lines: list[str] = []
    for block in as_list(blocks):
        if not isinstance(block, dict):
            continue
        if isinstance(block.get("text"), str):
            lines.append(block["text"])
        for item in as_list(block.get("content")):
            if isinstance(item, str):
                lines.append(item)
    lines = [line for line in lines if line.strip()]
    return "\n".join(lines) if lines else None


def _category(categories: object) -> str | None:
    """The category path, top level first: "Womenswear & Underwear > ... > Pants & Top Sets"."""
    levels = [c for c in as_list(categories) if isinstance(c, dict) and as_str(c.get("category_name"))]
    levels.sort(key=lambda c: as_int(c.get("level")) or 0)
    names = [c["category_name"] for c in levels]
    return " > ".join(names) if names else None


def _availability(product: dict) -> str | None:
    """in_stock when any SKU has stock; out_of_stock when every SKU says 0; None when stock is not given."""
    stocks = [as_int(sku.get("stock")) for sku in as_list(product.get("skus")) if isinstance(sku, dict)]
    stocks = [s for s in stocks if s is not None]
    if not stocks:
        return None
    return "in_stock" if any(s > 0 for s in stocks) else "out_of_stock"


def _shipping(product: dict, currency: str | None):
    """The default delivery option's fee (0 when it ships free)."""
    options = [product.get("logistic")] + as_list(pick(product, "shipping.logistics"))
    options = [o for o in options if isinstance(o, dict)]
    if not options:
        return None
    option = next((o for o in options if o.get("is_default") is True), options[0])
    fee = option.get("shipping_fee")
    if isinstance(fee, dict):
        cur = as_str(fee.get("currency")) or currency
        amount = money(pick(fee, "price_val"), cur)
        if amount is not None:
            return amount
        return parse_money(as_str(fee.get("price_str")), cur)
    if option.get("free_shipping") is True and currency:
        return money(0, currency)
    return None


@register
class TikTokShopProductParser(Parser):
    platform = "tiktok_shop"
    page_type = "product"
    # only shop URLs: the video/profile/live pages under www.tiktok.com/@... belong to the tiktok parser
    url_pattern = (r"^https?://(?:(?:www|m)\.tiktok\.com/(?:shop/(?:[a-z]{2}/)?pdp/|view/product/\d)"
                   r"|shop(?:-[a-z]{2})?\.tiktok\.com/view/product/\d)")

    priority = 1  # a PDP also carries shelves of product cards: the product comes first

    def sniff(self, page: Page) -> bool:
        text = page.text
        return "product_base" in text and (page.is_json or _ROUTER_SCRIPT in text) and "component_data" in text

    def detect_block(self, page: Page) -> str | None:
        if page.is_json:
            return None
        text = page.text
        if _CAPTCHA.search(text) and "product_base" not in text:
            return "captcha"
        return None

    def parse(self, page: Page) -> Iterator:
        router = _router(page)
        if not isinstance(router, dict):
            raise self.changed("no <script id=%s> with JSON" % _ROUTER_SCRIPT)
        components = _product_components(router.get("loaderData", router))
        products = [c for c in components if isinstance(c["product_info"].get("product_base"), dict)]
        if not products:
            failed = next((c for c in components if as_int(c.get("error_code"))), None)
            if failed is not None:
                raise self.changed("the product_info component answered error_code %s (%s)" % (
                    failed.get("error_code"), as_str(failed.get("error_message")) or "no message"))
            raise self.changed("no component whose product_info has product_base")
        component = products[0]
        yield self._listing(page, component, router)

    def _listing(self, page: Page, component: dict, router: dict):
        product = component["product_info"]
        base = product["product_base"]
        product_id = pick_first(product, "product_id", "product_base.product_id", coerce=as_digits)
        if not product_id:
            raise self.changed("product_info without a numeric product_id")
        price_info = base.get("price") if isinstance(base.get("price"), dict) else {}
        currency = as_str(price_info.get("currency"))
        low = _decimal(price_info.get("min_sku_price"))
        high = _decimal(price_info.get("max_sku_price"))
        price = money(low, currency) if low is not None else parse_money(as_str(price_info.get("real_price")), currency)
        price_max = money(high, currency) if high is not None and low is not None and high > low else None
        # original_price is often "" (the trap); the per-SKU strike-through low end is min_sku_original_price
        original = _decimal(price_info.get("min_sku_original_price"))
        if original is None:
            shown = parse_money(as_str(price_info.get("original_price")), currency)
            original = _decimal(shown.amount) if shown else None
        original_price = money(original, currency) if original is not None and (low is None or original > low) else None
        seller = product.get("seller") if isinstance(product.get("seller"), dict) else {}
        seller_id = pick_first(seller, "seller_id", coerce=as_digits) or as_digits(product.get("seller_id"))
        review = product.get("product_detail_review") if isinstance(product.get("product_detail_review"), dict) else {}
        rating = as_float(review.get("product_rating"))
        return self.record(
            page, "listing", extractor="hydration",
            id=product_id,
            url=self._url(page, router, product_id),
            title=as_str(base.get("title")),
            description=_description(base.get("desc_detail")),
            price=price,
            price_max=price_max,
            original_price=original_price,
            shipping=_shipping(product, currency),
            seller={
                "id": seller_id,
                "name": as_str(seller.get("name")),
            } if seller_id or seller.get("name") else None,
            sold_count=as_count(base.get("sold_count")),
            rating=rating if rating is not None and 0 <= rating <= 5 else None,
            review_count=as_count(review.get("review_count")),
            availability=_availability(product),
            category=_category(component.get("categories")),
            location=as_str(seller.get("seller_location")),
            images=self._images(base),
        )

    @staticmethod
    def _images(base: dict) -> list[str]:
        images: list[str] = []
        for image in as_list(base.get("images")):
            url = absolute_url(pick(image, "url_list.0")) if isinstance(image, dict) else None
            if url and url not in images:
                images.append(url)
        return images

    @staticmethod
    def _url(page: Page, router: dict, product_id: str) -> str:
        """The page's canonical URL (og:url next) when it names this product, else one built from the ids."""
        for candidate in (page.sel.xpath('//link[@rel="canonical"]/@href').get(), page.meta.get("og:url")):
            url = absolute_url(candidate)
            if url and product_id in url:
                return url
        slug = next((as_str(node.get("route_product_name_slug")) for node in walk(router)
                     if as_str(node.get("route_product_name_slug"))), None)
        if slug and re.fullmatch(r"[\w-]+", slug):
            return "https://www.tiktok.com/shop/pdp/%s/%s" % (slug, product_id)
        return "https://shop.tiktok.com/view/product/%s" % product_id


# ---- product cards: store and search pages ----

def _is_card(node: dict) -> bool:
    return (as_digits(node.get("product_id")) is not None and as_str(node.get("title")) is not None
            and isinstance(node.get("product_price_info"), dict))


def _card_lists(state: object) -> list[list]:
    """Every ``products`` list of product cards in the page state (each list once)."""
    found = []
    for node in walk(state):
        products = node.get("products")
        if isinstance(products, list) and any(isinstance(p, dict) and _is_card(p) for p in products):
            found.append(products)
    return found


def _card_url(card: dict, product_id: str) -> str:
    seo = card.get("seo_url")
    url = absolute_url(pick_first(seo, "canonical_url", "pdp_url", coerce=as_str) if isinstance(seo, dict)
                       else as_str(seo), "https://www.tiktok.com/")
    if url and product_id in url:
        return url
    slug = pick(seo, "slug", coerce=as_str) if isinstance(seo, dict) else None
    if slug and re.fullmatch(r"[\w-]+", slug):
        return "https://www.tiktok.com/shop/pdp/%s/%s" % (slug, product_id)
    return "https://www.tiktok.com/shop/pdp/%s" % product_id


class _CardsParser(Parser):
    """Store and search pages: product cards to listings (the PDP says more; the spider follows)."""

    platform = "tiktok_shop"

    detect_block = TikTokShopProductParser.detect_block

    def sniff(self, page: Page) -> bool:
        text = page.text
        return ("product_price_info" in text and (page.is_json or _ROUTER_SCRIPT in text)
                and ("route_seller_id" in text) == (self.page_type == "store"))

    def router(self, page: Page) -> dict:
        router = _router(page)
        if not isinstance(router, dict):
            raise self.changed("no <script id=%s> with JSON" % _ROUTER_SCRIPT)
        return router

    def cards(self, router: dict) -> list[dict]:
        """The product cards, in page order, each product once; [] when the page lists none."""
        lists = _card_lists(router.get("loaderData", router))
        cards, seen = [], set()
        for products in lists:
            for card in products:
                if isinstance(card, dict) and _is_card(card) and card["product_id"] not in seen:
                    seen.add(card["product_id"])
                    cards.append(card)
        return cards

    def listing(self, page: Page, card: dict):
        product_id = as_digits(card["product_id"])
        price_info = card["product_price_info"]
        currency = pick_first(price_info, "currency_name", "currency", coerce=as_str)
        currency = currency if currency and re.fullmatch(r"[A-Z]{3}", currency) else None
        sale = _decimal(price_info.get("sale_price_decimal"))
        price = money(sale, currency) if sale is not None else \
            parse_money(pick_first(price_info, "sale_price_format", "sale_price", coerce=as_str), currency)
        origin = _decimal(price_info.get("origin_price_decimal"))
        original_price = money(origin, currency) if origin is not None and (sale is None or origin > sale) else None
        seller = card.get("seller_info") if isinstance(card.get("seller_info"), dict) else {}
        seller_id = pick_first(seller, "seller_id", "shop_id", coerce=as_digits)
        seller_name = pick_first(seller, "shop_name", "seller_name", coerce=as_str)
        rating = pick(card, "rate_info.score", coerce=as_float)
        image = absolute_url(pick(card, "image.url_list.0", coerce=as_str))
        return self.record(
            page, "listing", extractor="hydration",
            id=product_id,
            url=_card_url(card, product_id),
            title=as_str(card.get("title")),
            price=price,
            original_price=original_price,
            seller={"id": seller_id, "name": seller_name} if seller_id or seller_name else None,
            sold_count=pick(card, "sold_info.sold_count", coerce=as_count),
            rating=rating if rating is not None and 0 < rating <= 5 else None,  # 0 = no reviews yet
            review_count=pick(card, "rate_info.review_count", coerce=as_count),
            brand=pick(card, "brand_info.brand_name", coerce=as_str) or None,
            images=[image] if image else [],
        )


@register
class TikTokShopStoreParser(_CardsParser):
    """``/shop/store/<slug>/<seller_id>``: the shop (an account record) and its product cards."""

    page_type = "store"
    url_pattern = r"^https?://(?:www\.|shop\.)?tiktok\.com/shop/(?:[a-z]{2}/)?store/[^/?#]+/\d+"
    _SELLER_IN_URL = re.compile(r"/store/([^/?#]+)/(\d+)")

    def parse(self, page: Page) -> Iterator:
        router = self.router(page)
        match = self._SELLER_IN_URL.search(page.url or "")
        seller_id = match.group(2) if match else None
        state = router.get("loaderData", router)
        if seller_id is None:  # saved without its URL: the route says which store it is
            seller_id = next((as_digits(n.get("route_seller_id")) for n in walk(state)
                              if as_digits(n.get("route_seller_id"))), None)
        cards = self.cards(router)
        # the store header; else the seller_info of the store's own cards (same id and name, nothing more)
        in_cards = {id(card.get("seller_info")) for card in cards}
        shops = [n for n in walk(state) if as_str(n.get("shop_name")) and as_digits(n.get("seller_id"))
                 and (seller_id is None or as_digits(n.get("seller_id")) == seller_id) and not _is_card(n)]
        shop = next((n for n in shops if id(n) not in in_cards), shops[0] if shops else None)
        if shop is None and not cards:
            raise self.changed("neither a shop (seller_id + shop_name) nor product cards in the state")
        if shop is not None:
            seller_id = seller_id or as_digits(shop.get("seller_id"))
            yield self.record(
                page, "account", extractor="hydration",
                id=seller_id,
                url=self._store_url(page, match, seller_id),
                name=as_str(shop.get("shop_name")),
                followers=pick_first(shop, "followers_count", "follower_count", coerce=as_count),
            )
        for card in cards:
            yield self.listing(page, card)

    @staticmethod
    def _store_url(page: Page, match, seller_id: str) -> str:
        if match:
            return "https://www.tiktok.com/shop/store/%s/%s" % (match.group(1), seller_id)
        canonical = absolute_url(page.sel.xpath('//link[@rel="canonical"]/@href').get())
        return canonical if canonical and seller_id in canonical else "https://www.tiktok.com/shop/store/-/%s" % seller_id


@register
class TikTokShopSearchParser(_CardsParser):
    """Search and keyword pages: the server-rendered first page of results (``feed_list_search_word``)."""

    page_type = "search"
    url_pattern = (r"^https?://(?:www\.|shop\.)?tiktok\.com/(?:shop/)?(?:[a-z]{2}/)?"
                   r"(?:s/[^/?#]+|s\?|search\?|k/[^/?#]+)")

    def parse(self, page: Page) -> Iterator:
        router = self.router(page)
        state = router.get("loaderData", router)
        feeds = [n for n in walk(state) if isinstance(n.get("component_data"), dict)
                 and isinstance(n["component_data"].get("products"), list)]
        if not feeds:
            raise self.changed("no component with a products list (the search feed)")
        for card in self.cards(router):
            yield self.listing(page, card)
