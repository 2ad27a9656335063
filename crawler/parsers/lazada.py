"""Lazada (lazada.co.id, .com.my, .sg, .co.th, .vn, .com.ph): search lists and product pages.

Page types:
- search: the catalog's JSON (``/catalog/?ajax=true&q=...``, ``/tag/...?ajax=true``, a shop's
  ``/<shop>/?ajax=true&from=wangpu...``) and the same object the search HTML assigns to
  ``window.pageData``: ``mods.listItems[]`` {itemId / nid, name, price "1234.00", priceShow
  "Rp1.234", originalPrice, ratingScore "4.6", review "123", location, sellerName, sellerId,
  brandName, itemUrl / productUrl "//www.lazada.../products/...-i123-s456.html", image,
  itemSoldCntShow "1.2K sold" / "1,2 RB Terjual", inStock}. ``price`` is in major units.
- product (``/products/...-i<itemId>[-s<skuId>].html``): the page module data, passed to
  ``app.run({data: {root: {fields: {...}}}})`` or assigned to ``__moduleData__``: ``fields``
  {primaryKey{itemId, skuId}, product{title, brand{name}, desc, highlights, link, rating{score,
  total}}, skuInfos{<skuId>: {price{salePrice{value}, originalPrice{value}}, stock, dataLayer{
  pdt_category[], core{currencyCode}}}}, skuGalleries{"0": [{src, type}]}, seller{sellerId, name,
  url}, globalConfig{currency}}; a listing and its seller as an account. Without the module
  data the page's JSON-LD ``Product`` is read when its URL or sku names the item id (``partial``).

The currency is the page's own (``globalConfig.currency``, the data layer's ``currencyCode``),
else the site's, else the symbol of the displayed price ("Rp", "RM", "₱", "฿", "₫").
"No Brand" is Lazada's placeholder for no brand. Modelled on public extractors of these
structures (listItems fields as read by Lazada/Daraz catalog scrapers; the ``app.run`` module
data of a Daraz (Lazada group) product page, github.com/haruBlank00/cherry-client
src/scripts/Untitled-1.js).

Alibaba's anti-bot (the slider "punish" page ``/_____tmd_____/punish?x5secdata=...``, the mtop
answer ``ret: ["FAIL_SYS_USER_VALIDATE", "RGV587_ERROR::SM::..."]``) is a "captcha" block.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit


from crawler.helpers.embedded import js_property
from crawler.helpers.money import currency_of, money, parse_money
from crawler.helpers.paths import as_bool, as_count, as_digits, as_float, as_list, as_str, pick, pick_first
from crawler.helpers.schema_org import canonical_url, listing_fields, product_id, product_url, products, text
from crawler.helpers.text import absolute_url, html_text
from crawler.blocks import ALIBABA_PUNISH
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

SITES = {"lazada.co.id": "IDR", "lazada.com.my": "MYR", "lazada.sg": "SGD", "lazada.co.th": "THB",
         "lazada.vn": "VND", "lazada.com.ph": "PHP"}
_HOSTS = r"(?:[\w-]+\.)*(?:%s)" % "|".join(re.escape(h) for h in SITES)
_ITEM_ID = re.compile(r"-i(\d+)(?:-s\d+)?\.html")
# Alibaba's slider captcha ("baxia"), shared by Lazada: the punish URL and the mtop answer codes
_NO_BRAND = {"no brand", "nobrand", "oem"}


def site_of(url: str | None) -> str | None:
    host = (urlsplit(url or "").hostname or "").lower()
    for site in sorted(SITES, key=len, reverse=True):
        if host == site or host.endswith("." + site):
            return site
    return None


def _canonical(url: Any, base: str | None = None) -> str | None:
    url = absolute_url(as_str(url), base)
    if not url:
        return None
    parts = urlsplit(url)
    return urlunsplit(("https", parts.netloc, parts.path, "", ""))


def _amount(value: Any, currency: str | None):
    """Lazada prices: numbers and "1234.00" in major units; displayed text through the currency's locale."""
    if isinstance(value, bool) or value is None or not currency:
        return None
    if isinstance(value, (int, float)):
        found = money(value, currency)
    else:
        value = as_str(value)
        if value is None:
            return None
        value = value.strip()
        found = money(value, currency) if re.fullmatch(r"\d+(?:\.\d+)?", value) else parse_money(value, currency)
    return found if found is not None and Decimal(found.amount) > 0 else None


def _above(original, price):
    if original is None or price is None or original.currency != price.currency:
        return None
    return original if Decimal(original.amount) > Decimal(price.amount) else None


def _brand(value: Any) -> str | None:
    brand = as_str(value)
    return None if brand is None or brand.strip().lower() in _NO_BRAND else brand


def _rating(value: float | None, reviews: int | None) -> float | None:
    if value is None or not 0 <= value <= 5 or (value == 0 and not reviews):
        return None
    return value


def _punished(page: Page) -> bool:
    if ALIBABA_PUNISH.search(page.url or ""):
        return True
    if page.is_json:
        ret = " ".join(a for a in as_list(pick(_json(page), "ret")) if isinstance(a, str))
        return bool(ALIBABA_PUNISH.search(ret) or ALIBABA_PUNISH.search(pick(_json(page), "data.url", as_str) or ""))
    return len(page.body) < 100_000 and bool(ALIBABA_PUNISH.search(page.text))  # the punish page is small


def _json(page: Page) -> Any:
    try:
        return page.json
    except Exception:  # PageChanged for a truncated answer
        return None


class _LazadaParser(Parser):
    platform = "lazada"

    def currency(self, page: Page, *hints: Any) -> str | None:
        for hint in hints:
            code = as_str(hint)
            if code and re.fullmatch(r"[A-Z]{3}", code.strip()):
                return code.strip()
        return SITES.get(site_of(page.url) or "")


# ---- search ------------------------------------------------------------------------

def search_state(page: Page) -> dict | None:
    """The search object: the JSON answer itself, or ``window.pageData`` of the HTML."""
    key = "_lazada_search"
    if key not in page.__dict__:
        state = _json(page) if page.is_json else page.js_assignment("window.pageData")
        page.__dict__[key] = state if isinstance(state, dict) and isinstance(state.get("mods"), dict) else None
    return page.__dict__[key]


@register
class LazadaSearchParser(_LazadaParser):
    page_type = "search"
    url_pattern = r"^https?://%s/(?:catalog/|tag/|[\w.-]+/?\?(?:.*&)?(?:ajax=true|from=wangpu|q=All-Products))|[?&]ajax=true" % _HOSTS

    def accepts(self, page: Page) -> bool:
        return site_of(page.url) is not None and (page.is_json or "pageData" in page.text)

    def sniff(self, page: Page) -> bool:
        text_ = page.text
        return '"listItems"' in text_ and '"mods"' in text_ and ('"itemId"' in text_ or '"nid"' in text_)

    def detect_block(self, page: Page) -> str | None:
        if search_state(page) is not None:
            return None
        return "captcha" if _punished(page) else None

    def parse(self, page: Page) -> Iterator:
        state = search_state(page)
        if state is None:
            raise self.changed("no search object (mods) in the %s" % ("answer" if page.is_json else "page's window.pageData"))
        items = pick(state, "mods.listItems")
        if items is None:
            if pick(state, "mainInfo.totalResults", as_count) == 0:
                return  # a search with no result: no listItems, and the page says it found 0
            raise self.changed("no mods.listItems in the search object")
        if not isinstance(items, list):
            raise self.changed("mods.listItems is not a list")
        base = "https://www.%s/" % (site_of(page.url) or "lazada.com")
        extractor = "api" if page.is_json else "hydration"
        for item in items:
            if isinstance(item, dict):
                record = self.item(page, item, base, extractor)
                if record is not None:
                    yield record

    def item(self, page: Page, item: dict, base: str, extractor: str):
        item_id = pick_first(item, "itemId", "nid", coerce=as_digits)
        title = pick(item, "name", as_str)
        url = _canonical(pick_first(item, "itemUrl", "productUrl", coerce=as_str), base)
        if not item_id or not title or not url:
            return None
        shown = pick(item, "priceShow", as_str)
        currency = self.currency(page, pick(item, "currency")) or (currency_of(shown) if shown else None)
        price = _amount(pick(item, "price"), currency) or _amount(shown, currency)
        reviews = pick(item, "review", as_count)
        in_stock = as_bool(item.get("inStock"))
        seller = {"id": pick(item, "sellerId", as_digits), "handle": None, "name": pick(item, "sellerName", as_str), "url": None}
        return self.record(
            page, "listing", extractor=extractor,
            id=item_id, url=url, title=title,
            price=price,
            original_price=_above(_amount(pick(item, "originalPrice"), currency), price),
            seller=seller if any(seller.values()) else None,
            sold_count=pick(item, "itemSoldCntShow", as_count),
            rating=_rating(pick(item, "ratingScore", as_float), reviews),
            review_count=reviews,
            availability=None if in_stock is None else ("in_stock" if in_stock else "out_of_stock"),
            brand=_brand(pick(item, "brandName")),
            location=pick(item, "location", as_str),
            images=[u for u in [absolute_url(pick(item, "image", as_str))] if u],
        )


# ---- product ---------------------------------------------------------------------------

def module_fields(page: Page) -> dict | None:
    """``root.fields`` of the product page's module data (``app.run({...})`` or ``__moduleData__``)."""
    key = "_lazada_fields"
    if key in page.__dict__:
        return page.__dict__[key]
    found = None
    if not page.is_json:
        candidates = [page.js_assignment("__moduleData__")]
        for script in page.sel.xpath("//script/text()").getall():
            if "app.run(" in script or "__moduleData__" in script:
                candidates += [js_property(script, "data"), js_property(script, "root")]
        for candidate in candidates:
            fields = pick_first(candidate, "data.root.fields", "root.fields", "fields")
            if isinstance(fields, dict) and (isinstance(fields.get("skuInfos"), dict) or isinstance(fields.get("product"), dict)):
                found = fields
                break
    page.__dict__[key] = found
    return found


def _seller_ref(seller: Any, base: str) -> dict:
    url = _canonical(pick(seller, "url", as_str), base)
    match = re.search(r"/shop/([^/?#]+)", url or "")
    return {"id": pick_first(seller, "sellerId", "userId", coerce=as_digits), "handle": match.group(1) if match else None,
            "name": pick(seller, "name", as_str), "url": url}



def _description(value):
    return html_text(as_str(value), trim=True)


@register
class LazadaProductParser(_LazadaParser):
    page_type = "product"
    url_pattern = r"^https?://%s/products/[^?#]*-i\d+(?:-s\d+)?\.html" % _HOSTS

    body = "html"

    def sniff(self, page: Page) -> bool:
        if page.is_json:
            return False
        text_ = page.text
        return ("app.run(" in text_ or "__moduleData__" in text_) and "skuInfos" in text_ and "primaryKey" in text_

    def detect_block(self, page: Page) -> str | None:
        if module_fields(page) is not None:
            return None
        return "captcha" if _punished(page) else None

    def parse(self, page: Page) -> Iterator:
        fields = module_fields(page)
        if fields is None:
            yield from self.jsonld(page)
            return
        site = site_of(page.url)
        base = "https://www.%s/" % (site or "lazada.com")
        sku_infos = {k: v for k, v in (fields.get("skuInfos") or {}).items() if isinstance(v, dict)} \
            if isinstance(fields.get("skuInfos"), dict) else {}
        sku_id = pick(fields, "primaryKey.skuId", as_str)
        chosen = sku_infos.get(sku_id or "") or sku_infos.get("0") or next(iter(sku_infos.values()), {})
        item_id = pick_first(fields, "primaryKey.itemId", coerce=as_digits) or pick(chosen, "itemId", as_digits)
        title = pick(fields, "product.title", as_str) or pick(chosen, "dataLayer.pdt_name", as_str)
        url = _canonical(pick_first(fields, "product.link", "htmlRender.msiteShare.url", coerce=as_str), base)
        if url is None and item_id:
            found = canonical_url(page.sel, page.meta, page.url or base) or page.url
            match = _ITEM_ID.search(found or "")
            url = _canonical(found) if match and match.group(1) == item_id else None
        if not item_id or not title or not url:
            raise self.changed("module data without primaryKey.itemId, product.title and the product's link")
        currency = self.currency(page, pick(fields, "globalConfig.currency"), pick(chosen, "dataLayer.core.currencyCode"))
        offers = []
        for info in sku_infos.values():
            sale = _amount(pick(info, "price.salePrice.value"), currency) or _amount(pick(info, "price.salePrice.text", as_str), currency)
            if sale is not None:
                original = _amount(pick(info, "price.originalPrice.value"), currency) or _amount(
                    pick(info, "price.originalPrice.text", as_str), currency)
                offers.append((sale, _above(original, sale)))
        offers.sort(key=lambda o: Decimal(o[0].amount))
        price = offers[0][0] if offers else None
        price_max = _above(offers[-1][0], price) if offers else None
        reviews = pick_first(fields, "product.rating.total", "review.ratings.rateCount", coerce=as_count)
        rating = _rating(pick_first(fields, "product.rating.score", "review.ratings.average", coerce=as_float), reviews)
        seller = fields.get("seller") if isinstance(fields.get("seller"), dict) else {}
        ref = _seller_ref(seller, base)
        gallery = [g for g in as_list(pick(fields, ("skuGalleries", "0"))) if isinstance(g, dict)]
        images = [absolute_url(pick(g, "src", as_str)) for g in gallery if pick(g, "type", as_str) in (None, "img", "image")]
        images = [i for i in images if i] or [u for u in [absolute_url(pick(chosen, "image", as_str))] if u]
        crumbs = [c for c in as_list(pick(chosen, "dataLayer.pdt_category")) if isinstance(c, str) and c.strip()]
        stock = pick(chosen, "stock", as_count)
        yield self.record(
            page, "listing", extractor="hydration",
            id=item_id, url=url, title=title,
            description=_description(pick(fields, "product.desc")) or _description(pick(fields, "product.highlights")),
            price=price, price_max=price_max,
            original_price=offers[0][1] if offers else None,
            seller=ref if any(ref.values()) else None,
            rating=rating, review_count=reviews,
            availability="in_stock" if stock else None,
            brand=_brand(pick(fields, "product.brand.name")) or _brand(pick(chosen, "dataLayer.brand_name")),
            category=" > ".join(crumbs) or None,
            images=list(dict.fromkeys(images)),
        )
        if ref["id"] and ref["url"]:
            yield self.record(page, "account", extractor="hydration", id=ref["id"], url=ref["url"],
                              handle=ref["handle"], name=ref["name"])

    def jsonld(self, page: Page) -> Iterator:
        """The product's JSON-LD, when its URL or sku names the item id; partial (no seller, no SKUs)."""
        nodes = [n for n in products(page.jsonld) if text(n.get("name"))]
        if len(nodes) != 1:
            raise self.changed("no module data (app.run / __moduleData__) and no single JSON-LD Product")
        node = nodes[0]
        url = _canonical(product_url(node, page.url or None))
        match = _ITEM_ID.search(url or "")
        sku = product_id(node) or ""
        item_id = match.group(1) if match else (re.match(r"(\d+)_", sku).group(1) if re.match(r"(\d+)_", sku) else None)
        if not item_id or not url:
            raise self.changed("the JSON-LD Product names no Lazada item id (-i<id>.html URL or <id>_ sku)")
        fields = listing_fields(node, base_url=url, items=page.jsonld, currency=self.currency(page))
        fields["brand"] = _brand(fields.get("brand"))
        yield self.record(page, "listing", extractor="jsonld", partial=True, id=item_id, url=url, **fields)
