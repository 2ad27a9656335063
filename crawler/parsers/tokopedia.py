"""Tokopedia (www.tokopedia.com): the GraphQL answers the web app fetches, and the same data in its pages.

The web app asks ``gql.tokopedia.com/graphql/<OperationName>`` (POST, usually a batch: the
answer is a JSON list of ``{"data": {...}}``, or one such object). The server-rendered pages
carry the same answers in the app's Apollo cache: ``window.__cache`` (Apollo 2: flat keys
``"$ROOT_QUERY.pdpGetLayout({...})"``, references ``{"type": "id", "id": "..."}``) or
``__APOLLO_STATE__`` (Apollo 3: ``ROOT_QUERY``, references ``{"__ref": "..."}``, also inside
``__NEXT_DATA__``). The cache is resolved into the shape of the answer's ``data`` and read by
the same code, so a page and its API answer give the same records.

Page types:
- search (``SearchProductQueryV4`` -> ``ace_search_product_v4.data.products[]`` {id, name, url,
  price "Rp1.234.000", priceInt, priceRange, originalPrice, rating, ratingAverage, countReview,
  imageUrl, categoryName, shop{shopId|id, name, url, city}, labelGroups[{position, title}],
  ads{adsId}}; ``SearchProductV5Query`` / ``SearchResult/getProductResult`` ->
  ``searchProductV5.data.products[]`` {id, name, url, price{text, number, range, original},
  mediaURL{image, image700}, rating "4.9", category{name}, shop{...}, labelGroups, ads{id}};
  a shop's item list ``GetShopProduct.data[]`` {product_id, name, product_url, price{text_idr},
  stats{reviewCount, rating, averageRating}, label_groups, primary_image{original}}).
  Cards of an operation not modelled are still found by their shape (id, name, product URL,
  price). A card with ``ads`` set is a paid placement (``signals.sponsored``). The sold count
  is the label whose position is "integrity" or whose title says "terjual" ("100+ terjual",
  "1 rb+ terjual": a lower bound).
- product (``PDPGetLayoutQuery`` / ``ProductDetails/getPDPLayout`` -> ``pdpGetLayout``
  {basicInfo{productID, shopID, shopName, url, category{name, detail[]}, txStats{countSold},
  stats{rating, countReview}, shopMultilocation{cityName}, status}, components[{name, data[]}]}:
  ``product_content`` {name, price{value, currency, slashPriceFmt}, campaign{originalPrice},
  stock{value}}, ``product_media`` {media[{type, URLOriginal}]}, ``product_detail``
  {content[{title "Deskripsi" / "Kondisi" / "Merek", subtitle}]}); the product page without its
  cache falls back to its JSON-LD ``Product`` when that names the product's id (``partial``).
- shop (``ShopInfoCore`` -> ``shopInfoByID.result[]`` {shopCore{shopID, name, domain,
  description}, location, favoriteData{totalFavorite}, goldOS{isOfficial}}): an account.

Prices are rupiah with no minor unit: ``priceInt`` 1234000 and "Rp1.234.000" are both 1234000 IDR
(the text is read with the Indonesian locale: "." groups thousands). Modelled on public clients of
these operations (github.com/hilmiazizi/tokopaedi search.py / get_product.py; the
SearchProductQueryV4 field list of github.com/uluumbch/TOKOPEDIA-API-SCRAPING).

A GraphQL answer with ``errors`` and no data is a changed page, whatever its status; the TikTok
WAF challenge page (Tokopedia runs on the same infrastructure since 2024) is "verification".
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from crawler.errors import PageChanged
from crawler.helpers.counts import parse_count
from crawler.helpers.money import money, parse_money, parse_money_range
from crawler.helpers.paths import as_bool, as_count, as_digits, as_float, as_int, as_list, as_str, find_dicts, pick, pick_first, walk
from crawler.helpers.schema_org import listing_fields, product_id, product_url, products, text
from crawler.helpers.text import absolute_url
from crawler.blocks import bytedance_waf
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

CURRENCY = "IDR"
SITE = "https://www.tokopedia.com"
_HOST = r"^https?://(?:[\w-]+\.)*tokopedia\.com"
_GQL = _HOST + r"/graphql/"
_ARGS = re.compile(r"\(.*\)$", re.S)
_SEARCH_ROOT = re.compile(r"^(?:ace_search_product_v\d+|searchProductV\d+|searchProduct)$", re.I)
_SHOP_PRODUCTS_ROOT = re.compile(r"^GetShopProduct$", re.I)
_SOLD = re.compile(r"terjual|\bsold\b", re.I)
_MAX_DEPTH = 60



# ---- where the data is -------------------------------------------------------------

def gql_data(value: Any) -> list[dict]:
    """The ``data`` objects of a GraphQL answer: one answer or a batch (a list of answers)."""
    answers = value if isinstance(value, list) else [value]
    return [a["data"] for a in answers if isinstance(a, dict) and isinstance(a.get("data"), dict)]


def gql_errors(value: Any) -> list[str]:
    answers = value if isinstance(value, list) else [value]
    out = []
    for answer in answers:
        for error in as_list(pick(answer, "errors")):
            message = pick(error, "message", as_str)
            if message:
                out.append(message)
    return out


def _resolve(cache: dict, value: Any, stack: tuple = (), depth: int = 0, done: dict | None = None) -> Any:
    """``value`` with the Apollo cache's references replaced by the objects they name (each resolved once)."""
    done = {} if done is None else done
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, dict):
        ref = value.get("__ref") if len(value) == 1 else None
        if ref is None and value.get("type") == "id" and isinstance(value.get("id"), str):
            ref = value["id"]
        if isinstance(ref, str):
            if ref in stack or not isinstance(cache.get(ref), dict):
                return None
            if ref not in done:
                done[ref] = _resolve(cache, cache[ref], stack + (ref,), depth + 1, done)
            return done[ref]
        if value.get("type") == "json" and "json" in value and len(value) <= 3:
            return value["json"]
        return {k: _resolve(cache, v, stack, depth + 1, done) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(cache, v, stack, depth + 1, done) for v in value]
    return value


def _fields(obj: Any) -> dict:
    """A resolved root object with the arguments dropped from its field names."""
    if not isinstance(obj, dict):
        return {}
    return {_ARGS.sub("", k): v for k, v in obj.items() if isinstance(k, str)}


def _apollo_cache(page: Page) -> dict | None:
    for name in ("window.__cache", "window.__APOLLO_STATE__"):
        state = page.js_assignment(name)
        if isinstance(state, dict) and any(k == "ROOT_QUERY" or str(k).startswith("$ROOT_QUERY.") for k in state):
            return state
    next_data = page.script_json("__NEXT_DATA__")
    for node in walk(next_data):
        if isinstance(node.get("ROOT_QUERY"), dict):
            return node
    return None


def page_data(page: Page) -> list[dict]:
    """The GraphQL ``data`` the page holds: the answer itself, or its Apollo cache resolved."""
    key = "_tokopedia_data"
    if key in page.__dict__:
        return page.__dict__[key]
    found: list[dict] = []
    if page.is_json:
        try:
            found = [_fields(d) for d in gql_data(page.json)]
        except PageChanged:
            found = []
    else:
        cache = _apollo_cache(page)
        if cache is not None:
            root = cache.get("ROOT_QUERY")
            if not isinstance(root, dict):  # Apollo 2 without a ROOT_QUERY object: the "$ROOT_QUERY.x(...)" keys
                root = {k[len("$ROOT_QUERY."):]: {"type": "id", "id": k} for k in cache
                        if isinstance(k, str) and k.startswith("$ROOT_QUERY.") and "." not in _ARGS.sub("", k[len("$ROOT_QUERY."):])}
            found = [_fields(_resolve(cache, root))]
    page.__dict__[key] = found
    return found


def _roots(datas: list[dict], pattern: re.Pattern) -> list:
    return [value for data in datas for name, value in data.items() if pattern.match(name)]


# ---- small readers -------------------------------------------------------------------

def _canonical(url: Any) -> str | None:
    """An absolute https Tokopedia URL without its tracking query."""
    url = absolute_url(as_str(url), SITE)
    if not url:
        return None
    parts = urlsplit(url)
    return urlunsplit(("https", parts.netloc, parts.path, "", ""))


def _is_product_url(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    return bool(re.fullmatch(r"(?:www\.|m\.)?tokopedia\.com", parts.netloc)) and len([p for p in parts.path.split("/") if p]) >= 2


def shop_handle(url: str | None) -> str | None:
    """The shop's domain: the first path segment of its (or its product's) www.tokopedia.com URL."""
    if not url:
        return None
    parts = urlsplit(url)
    if not re.fullmatch(r"(?:www\.|m\.)?tokopedia\.com", parts.netloc):
        return None
    segments = [p for p in parts.path.split("/") if p]
    return segments[0] if segments else None


def _idr(value: Any) -> Any:
    """A rupiah amount: numbers as they are, "Rp1.234.000" through the Indonesian locale."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return money(value, CURRENCY) if value > 0 else None
    text_value = as_str(value)
    if text_value is None:
        return None
    if re.fullmatch(r"\d+", text_value.strip()):
        return money(text_value.strip(), CURRENCY) if int(text_value) > 0 else None
    found = parse_money(text_value, CURRENCY)
    return found if found is not None and Decimal(found.amount) > 0 else None


def _above(original, price):
    if original is None or price is None or original.currency != price.currency:
        return None
    return original if Decimal(original.amount) > Decimal(price.amount) else None


def _rating(value: float | None, reviews: int | None) -> float | None:
    if value is None or not 0 <= value <= 5:
        return None
    if value == 0 and not reviews:
        return None  # 0 stars and no review: not rated yet
    return value


def _sold(labels: list) -> int | None:
    for label in labels:
        title = pick(label, "title", as_str)
        if title and (pick(label, "position", as_str) == "integrity" or _SOLD.search(title)):
            count = parse_count(title)
            if count is not None:
                return count
    return None


def _looks_like_card(d: dict) -> bool:
    """A product card of an operation not modelled: an id, a name, a product URL and a price."""
    return (pick_first(d, "id", "product_id", "productID", coerce=as_digits) is not None
            and pick_first(d, "name", "product_name", coerce=as_str) is not None
            and _is_product_url(_canonical(pick_first(d, "url", "product_url", "productUrl", coerce=as_str)))
            and any(k in d for k in ("price", "priceInt", "price_int")))


def search_cards(datas: list[dict]) -> list[dict] | None:
    """The answer's cards; None when it holds no list of them at all."""
    lists = [pick(root, "data.products") for root in _roots(datas, _SEARCH_ROOT)]
    lists += [pick(root, "products") for root in _roots(datas, _SEARCH_ROOT)]
    lists += [pick(root, "data") for root in _roots(datas, _SHOP_PRODUCTS_ROOT)]
    lists = [lst for lst in lists if isinstance(lst, list)]
    if lists:
        return [c for lst in lists for c in lst if isinstance(c, dict)]
    shaped = find_dicts(datas, _looks_like_card)
    return shaped or None


# ---- the parsers -------------------------------------------------------------------

class _TokopediaParser(Parser):
    platform = "tokopedia"

    def detect_block(self, page: Page) -> str | None:
        if page_data(page):
            return None
        return "verification" if bytedance_waf(page) else None

    def _fail(self, page: Page, what: str) -> PageChanged:
        errors = []
        if page.is_json:
            try:
                errors = gql_errors(page.json)
            except PageChanged:
                errors = []
        if errors:
            return self.changed("the GraphQL answer has errors (%s) and no %s" % ("; ".join(errors[:2]), what))
        return self.changed("no %s in the page" % what)

    def card(self, page: Page, card: dict, extractor: str):
        """One listing from a search / shop card, or None when it lacks an id, a name or a URL."""
        pid = pick_first(card, "id", "product_id", "productID", coerce=as_digits)
        url = _canonical(pick_first(card, "url", "product_url", "productUrl", coerce=as_str))
        title = pick_first(card, "name", "product_name", coerce=as_str)
        if not pid or not title or not _is_product_url(url):
            return None
        price = _idr(pick_first(card, "priceInt", "price_int", "price.number"))
        price_text = pick_first(card, "price", "price.text", "price.text_idr", "priceStr", "price_str", coerce=as_str)
        if price is None:
            price = _idr(price_text)
        price_max = None
        range_text = pick_first(card, "priceRange", "price.range", coerce=as_str)
        if range_text:
            low, high = parse_money_range(range_text, CURRENCY)
            price = price or low
            price_max = _above(high, price)
        original = _above(_idr(pick_first(card, "originalPrice", "original_price", "price.original", coerce=as_str)), price)
        reviews = pick_first(card, "countReview", "count_review", "stats.reviewCount", coerce=as_count)
        rating = _rating(pick_first(card, "ratingAverage", "rating_average", "stats.averageRating", "rating", "stats.rating",
                                    coerce=as_float), reviews)
        shop = card.get("shop") if isinstance(card.get("shop"), dict) else {}
        shop_url = _canonical(pick(shop, "url", as_str))
        seller = {
            "id": pick_first(shop, "shopId", "id", "shop_id", coerce=as_digits),
            "handle": shop_handle(shop_url),
            "name": pick(shop, "name", as_str),
            "url": shop_url,
        }
        image = pick_first(card, "mediaURL.image700", "mediaURL.image", "imageUrl", "image_url", "imageURL",
                           "primary_image.original", coerce=as_str)
        ad = pick_first(card, "ads.adsId", "ads.id", coerce=as_str)
        return self.record(
            page, "listing", extractor=extractor,
            id=pid, url=url, title=title,
            price=price, price_max=price_max, original_price=original,
            seller=seller if any(seller.values()) else None,
            sold_count=_sold(as_list(card.get("labelGroups")) or as_list(card.get("label_groups")))
            or pick_first(card, "stock.sold", "countSold", coerce=as_count),
            rating=rating, review_count=reviews,
            category=pick_first(card, "categoryName", "category.name", "category_name", coerce=as_str),
            location=pick(shop, "city", as_str),
            images=[absolute_url(image)] if absolute_url(image) else [],
            signals={"sponsored": True} if ad and ad != "0" else {},
        )


@register
class TokopediaSearchParser(_TokopediaParser):
    """Search results and a shop's item list, from their GraphQL answers (or a page's Apollo cache)."""
    page_type = "search"
    url_pattern = _GQL + r"(?:SearchProductQueryV\d+|SearchProductV\d+Query|SearchResult/\w+|ShopProducts|GetShopProduct)\b"

    body = "json"

    def sniff(self, page: Page) -> bool:
        head = page.text[:4000]
        return page.is_json and ('"ace_search_product_v' in page.text or '"searchProductV' in page.text
                                 or '"GetShopProduct"' in head)

    def parse(self, page: Page) -> Iterator:
        datas = page_data(page)
        cards = search_cards(datas)
        if cards is None:
            raise self._fail(page, "product list (ace_search_product_v4 / searchProductV5 / GetShopProduct)")
        for card in cards:
            record = self.card(page, card, "api" if page.is_json else "hydration")
            if record is not None:
                yield record


def _component_data(layout: dict, *names: str) -> list[dict]:
    out = []
    for component in as_list(layout.get("components")):
        if pick(component, "name", as_str) in names or pick(component, "type", as_str) in names:
            out += [d for d in as_list(pick(component, "data")) if isinstance(d, dict)]
    return out


def _detail_rows(layout: dict) -> dict[str, str]:
    """The product_detail rows: {"Kondisi": "Baru", "Deskripsi": "...", ...} (first of each title)."""
    rows: dict[str, str] = {}
    for row in find_dicts(_component_data(layout, "product_detail", "product_info"),
                          lambda d: isinstance(d.get("title"), str) and isinstance(d.get("subtitle"), str)):
        rows.setdefault(row["title"].strip().lower(), row["subtitle"])
    return rows


_CONDITIONS = {"baru": "new", "new": "new", "bekas": "used", "used": "used"}


def pdp_listing(parser: Parser, page: Page, layout: dict, extractor: str):
    basic = layout.get("basicInfo") if isinstance(layout.get("basicInfo"), dict) else {}
    pid = pick_first(basic, "productID", "id", coerce=as_digits)
    url = _canonical(pick(basic, "url", as_str))
    contents = find_dicts(_component_data(layout, "product_content"),
                          lambda d: isinstance(d.get("price"), dict) and isinstance(d.get("name"), str))
    if not contents:  # a layout that renamed the component: the object with a name and a price value by shape
        contents = find_dicts(layout.get("components"), lambda d: isinstance(d.get("name"), str)
                              and isinstance(d.get("price"), dict) and "value" in d["price"])
    content = contents[0] if contents else {}
    title = pick(content, "name", as_str)
    if not pid or not title or not _is_product_url(url):
        return None
    price = _idr(pick(content, "price.value"))
    original = _above(_idr(pick(content, "campaign.originalPrice")) or _idr(pick(content, "price.slashPriceFmt", as_str)), price)
    reviews = pick(basic, "stats.countReview", as_count)
    rows = _detail_rows(layout)
    stock = pick(content, "stock.value", as_int)
    details = [d for d in as_list(pick(basic, "category.detail")) if isinstance(d, dict)]
    category = " > ".join(n for n in (pick(d, "name", as_str) for d in details) if n) or pick(basic, "category.name", as_str)
    media = find_dicts(_component_data(layout, "product_media"), lambda d: isinstance(d.get("URLOriginal"), str))
    images = [absolute_url(m["URLOriginal"]) for m in media if pick(m, "type", as_str) in (None, "image")]
    handle = shop_handle(url)
    brand = rows.get("merek") or rows.get("brand")
    return parser.record(
        page, "listing", extractor=extractor,
        id=pid, url=url, title=title,
        description=rows.get("deskripsi") or rows.get("description"),
        price=price, original_price=original,
        seller={"id": pick(basic, "shopID", as_digits), "handle": handle, "name": pick(basic, "shopName", as_str),
                "url": "%s/%s" % (SITE, handle) if handle else None},
        sold_count=pick_first(basic, "txStats.countSold", "txStats.itemSoldFmt", coerce=as_count),
        rating=_rating(pick(basic, "stats.rating", as_float), reviews),
        review_count=reviews,
        condition=_CONDITIONS.get((rows.get("kondisi") or rows.get("condition") or "").strip().lower()),
        availability=None if stock is None else ("in_stock" if stock > 0 else "out_of_stock"),
        brand=brand,
        category=category,
        location=pick(basic, "shopMultilocation.cityName", as_str),
        images=list(dict.fromkeys(i for i in images if i)),
    )


@register
class TokopediaProductParser(_TokopediaParser):
    """A product: the ``pdpGetLayout`` answer."""
    page_type = "product"
    url_pattern = _GQL + r"(?:PDPGetLayoutQuery|ProductDetails/getPDPLayout|PDP\w*Layout\w*)\b"

    body = "json"

    markers = ('"pdpGetLayout"', '"basicInfo"')

    def parse(self, page: Page) -> Iterator:
        layouts = [r for r in _roots(page_data(page), re.compile(r"^pdpGetLayout$", re.I)) if isinstance(r, dict)]
        if not layouts:
            raise self._fail(page, "pdpGetLayout")
        for layout in layouts:
            record = pdp_listing(self, page, layout, "api")
            if record is None:
                raise self.changed("pdpGetLayout without basicInfo.productID, basicInfo.url and a product_content name")
            yield record


def shop_account(parser: Parser, page: Page, shop: dict, extractor: str):
    core = shop.get("shopCore") if isinstance(shop.get("shopCore"), dict) else {}
    shop_id = pick_first(core, "shopID", "shopId", coerce=as_digits)
    handle = pick(core, "domain", as_str)
    if not shop_id or not handle:
        return None
    official = [as_bool(pick(shop, path)) for path in ("goldOS.isOfficial", "goldOS.isGold")]
    return parser.record(
        page, "account", extractor=extractor,
        id=shop_id, url="%s/%s" % (SITE, handle),
        handle=handle, name=pick(core, "name", as_str),
        bio=pick_first(core, "description", "tagLine", coerce=as_str),
        followers=pick_first(shop, "favoriteData.totalFavorite", "shopStats.favoriteCount", coerce=as_count),
        verified=official[0],
        region=pick_first(shop, "location", "shopCore.location", coerce=as_str),
    )


@register
class TokopediaShopParser(_TokopediaParser):
    """A shop: the ``shopInfoByID`` answer (operation ShopInfoCore), as an account."""
    page_type = "shop"
    url_pattern = _GQL + r"(?:ShopInfoCore|ShopInfo\w*)\b"

    body = "json"

    markers = ('"shopInfoByID"', '"shopCore"')

    def parse(self, page: Page) -> Iterator:
        results = [s for root in _roots(page_data(page), re.compile(r"^shopInfoByID$", re.I))
                   for s in as_list(pick(root, "result")) if isinstance(s, dict)]
        records = [r for r in (shop_account(self, page, s, "api") for s in results) if r is not None]
        if not records:
            raise self._fail(page, "shop (shopInfoByID.result[].shopCore with shopID and domain)")
        yield from records


_APP_LINK = re.compile(r"^tokopedia://product/(\d+)\b")


@register
class TokopediaPageParser(_TokopediaParser):
    """Server-rendered pages (product, search, shop): the Apollo cache, else the product's JSON-LD."""
    page_type = "page"
    url_pattern = _HOST + r"/(?!graphql/)"

    body = "html"

    def sniff(self, page: Page) -> bool:
        if page.is_json:
            return False
        text_ = page.text
        return ("window.__cache" in text_ or "__APOLLO_STATE__" in text_) and (
            "pdpGetLayout" in text_ or "ace_search_product" in text_ or "searchProductV" in text_ or "shopInfoByID" in text_)

    def parse(self, page: Page) -> Iterator:
        datas = page_data(page)
        records = []
        for layout in _roots(datas, re.compile(r"^pdpGetLayout$", re.I)):
            if isinstance(layout, dict):
                records.append(pdp_listing(self, page, layout, "hydration"))
        for root in _roots(datas, re.compile(r"^shopInfoByID$", re.I)):
            for shop in as_list(pick(root, "result")):
                if isinstance(shop, dict):
                    records.append(shop_account(self, page, shop, "hydration"))
        cards = search_cards(datas) if datas else None
        for card in cards or []:
            records.append(self.card(page, card, "hydration"))
        records = [r for r in records if r is not None]
        if records:
            yield from records
            return
        if datas and cards == []:
            return  # a search page whose result list is empty
        yield from self.jsonld(page)

    def jsonld(self, page: Page) -> Iterator:
        """The product's JSON-LD, when it names the product's id (productID / sku, or the page's app link)."""
        nodes = [n for n in products(page.jsonld) if text(n.get("name"))]
        if len(nodes) != 1:
            raise self.changed("no Apollo cache (window.__cache / __APOLLO_STATE__) and no single JSON-LD Product")
        node = nodes[0]
        app_link = next((m.group(1) for m in (_APP_LINK.match(page.meta.get(k) or "") for k in
                                               ("al:android:url", "al:ios:url", "twitter:app:url:googleplay")) if m), None)
        pid = as_digits(product_id(node)) or app_link
        url = _canonical(product_url(node, page.url or SITE))
        if not pid or not _is_product_url(url):
            raise self.changed("the JSON-LD Product names no numeric product id or no product URL")
        fields = listing_fields(node, base_url=url, items=page.jsonld, currency=CURRENCY)
        yield self.record(page, "listing", extractor="jsonld", partial=True, id=pid, url=url, **fields)
