"""Shopify stores, on any domain: product pages and the product JSON endpoints.

A product page (``/products/<handle>``, also under ``/collections/<c>/`` or a
locale prefix such as ``/es/``) is Shopify only when it carries Shopify's own
markers (``cdn.shopify.com``, ``Shopify.shop = ...``, ``ShopifyAnalytics.meta``,
the ``shopify-digital-wallet`` meta tag); any other ``/products/`` page falls to
the generic ``web`` parser. Where the data is:

- structured data of any syntax (``crawler.parsers.web.page_products``): JSON-LD
  ``Product`` (offers in MAJOR units, ``"173000.00"``) and often a ``ProductGroup``
  (``hasVariant``, ``aggregateRating``), merged and mapped by ``crawler.helpers.schema_org``;
  older themes' microdata (``itemprop="price" content="38.00"``); the node naming the
  page's handle, or the only product when it names no other handle;
- ``var meta = {"product": {"id", "vendor", "type", "variants": [{"id", "price", "sku"}]}}``
  (JSON or a single-quoted JS literal; else ``window.ShopifyAnalytics.meta = {...}``),
  copied into ``ShopifyAnalytics.meta``: prices in CENTS (17300000 = 173000.00);
  the currency in ``ShopifyAnalytics.meta.currency = 'COP'`` / ``Shopify.currency = {"active": "COP"}``;
- the ``/products/<handle>.js`` product object (cents, ``compare_at_price``) that
  themes and apps embed in scripts;
- ``og:price:amount`` is display-formatted ("173.000" in Colombia): read only when nothing
  else is there, through ``parse_money`` in the currency's locale (a partial "meta" record).

A page whose ``pageType`` or canonical URL says it is not a product page (a collection
or search under a product URL) is refused, never read as the URL's product.
``/products.json`` (a list, ``{"products": [...]}``) is read like ``.json``.

The shop is the seller: ``shopId`` (also in the digital-wallet meta path), the
``<name>.myshopify.com`` handle from ``Shopify.shop``, ``og:site_name``.

Endpoints: ``/products/<handle>.js`` (prices in cents, integers) and
``/products/<handle>.json`` (``{"product": ...}``, prices as decimal strings in
major units). Neither names its currency unless the variant carries
``presentment_prices`` / ``price_currency`` or the URL a ``currency=`` parameter;
without one the price is unknown (null).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit


from crawler.errors import PageChanged
from crawler.helpers.money import money, parse_money, scaled_money
from crawler.helpers.paths import as_bool, as_digits, as_list, as_str, pick, pick_first
from crawler.helpers.schema_org import canonical_url, images, listing_fields, product_id
from crawler.helpers.structured import extractor_of
from crawler.helpers.text import absolute_url, html_text
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.parsers.web import best_syntax, page_products, page_structured
from crawler.registry import register
from crawler.schema import Money

_MARKERS = re.compile(r"cdn\.shopify\.com|Shopify\.shop\s*=|ShopifyAnalytics\.meta|shopify-digital-wallet")
_PRODUCT_PATH = r"^https?://[^/?#]+/(?:[a-z]{2}(?:-[a-zA-Z]{2,4})?/)?(?:collections/[^/?#]+/)?products/(?P<handle>[^/?#]+?)"
_HANDLE = re.compile(r"/products/([^/?#]+?)(?:\.js|\.json)?/?(?:[?#]|$)")
_CURRENCY = re.compile(r"""ShopifyAnalytics\.meta\.currency\s*=\s*['"]([A-Z]{3})['"]""")
_SHOP_ID = re.compile(r"""["']?shopId["']?\s*:\s*["']?(\d+)|\bshop_id\s*:\s*(\d+)""")
_MYSHOPIFY = re.compile(r"""Shopify\.shop\s*=\s*["']([a-z0-9][a-z0-9-]*)\.myshopify\.com["']""")
_CODE = re.compile(r"^[A-Z]{3}$")


def _is_shopify(page: Page) -> bool:
    return not page.is_json and bool(_MARKERS.search(page.text))


def _page_type(page: Page) -> str | None:
    """``ShopifyAnalytics.meta.page.pageType`` ("product", "collection", "searchresults", ...), when said."""
    match = re.search(r'"pageType"\s*:\s*"([A-Za-z_]+)"', page.text)
    return match.group(1).lower() if match else None


def _handle(url: str | None) -> str | None:
    match = _HANDLE.search(url or "")
    return match.group(1) if match else None


def _cents(values: list[Any], currency: str | None) -> list[Money]:
    out = [scaled_money(v, currency, 100) for v in values if isinstance(v, int) and not isinstance(v, bool)]
    return [m for m in out if m is not None]


def _low_high(found: list[Money]) -> tuple[Money | None, Money | None]:
    if not found:
        return None, None
    low = min(found, key=lambda m: Decimal(m.amount))
    high = max(found, key=lambda m: Decimal(m.amount))
    return low, (high if Decimal(high.amount) > Decimal(low.amount) else None)


def _above(candidate: Money | None, price: Money | None) -> Money | None:
    """A strike-through price only when it is above what the buyer pays (Shopify sends 0 / null for none)."""
    if candidate is None or price is None or candidate.currency != price.currency:
        return None
    return candidate if Decimal(candidate.amount) > Decimal(price.amount) else None



def _trimmed_html(markup):
    return html_text(markup, trim=True)


def _product_objects(data: Any) -> list[dict]:
    """The products of a ``.js`` / ``.json`` answer, or of a ``/products.json`` list (``{"products": [...]}``)."""
    if isinstance(data, dict) and isinstance(data.get("products"), list):
        return [p for p in (_product_object(item) for item in data["products"]) if p is not None]
    product = _product_object(data)
    return [product] if product is not None else []


def _product_object(data: Any) -> dict | None:
    """The product of a ``.js`` (the object itself) or ``.json`` (``{"product": ...}``) answer."""
    product = data.get("product") if isinstance(data, dict) and isinstance(data.get("product"), dict) else data
    if isinstance(product, dict) and isinstance(product.get("variants"), list) and product.get("handle") \
            and product.get("id") is not None:
        return product
    return None


@register
class ShopifyProductParser(Parser):
    platform = "shopify"
    page_type = "product"
    url_pattern = _PRODUCT_PATH + r"/?(?:[?#]|$)"

    def accepts(self, page: Page) -> bool:
        return _is_shopify(page)

    def sniff(self, page: Page) -> bool:
        return _is_shopify(page) and (page.meta.get("og:type") == "product"
                                      or bool(re.search(r'"pageType"\s*:\s*"product"', page.text)))

    def parse(self, page: Page) -> Iterator:
        canonical = canonical_url(page.sel, page.meta, page.url)
        url = canonical or page.url
        if canonical and _handle(canonical) is None and _handle(page.url):
            raise self.changed("the page's canonical URL %r is not a product page" % canonical)
        page_type = _page_type(page)
        if page_type and page_type != "product":
            raise self.changed("the page is a %s page, not a product page" % page_type)
        handle = _handle(canonical) or _handle(page.url)
        meta = page.js_assignment("var meta") or page.js_assignment("window.ShopifyAnalytics.meta")
        analytics = pick(meta, "product") if isinstance(pick(meta, "product"), dict) else {}
        pid = pick_first(analytics, "id", coerce=as_digits)
        embedded = self._product_json(page, pid) or {}
        nodes = page_products(page)
        if analytics or embedded:  # the Open Graph tags are the last resort, after the page's own product data
            nodes = [n for n in nodes if extractor_of(n) != "meta"]
        node = self._main_product(nodes, handle)
        if node is None and not analytics and not embedded:
            raise self.changed("no product data (structured data naming this product, ShopifyAnalytics.meta "
                               "product or product JSON)")

        currency = self._currency(page)
        syntax_items = [i for i in page_structured(page) if node and i.get("@syntax") == node.get("@syntax")]
        fields = listing_fields(node, base_url=url, items=syntax_items, currency=currency) if node else {}
        if node is not None and extractor_of(node) == "meta":
            # og:price:amount is written in the shop's money format ("173.000" in Colombia)
            fields["price"] = parse_money(pick(node, "offers.price", as_str), currency)
        fields = {k: v for k, v in fields.items() if v not in (None, [])}
        if "price" not in fields:  # analytics and product JSON prices are cents
            variant_prices = [v.get("price") for v in as_list(analytics.get("variants")) if isinstance(v, dict)]
            variant_prices += [v.get("price") for v in as_list(embedded.get("variants")) if isinstance(v, dict)]
            low, high = _low_high(_cents(variant_prices or [embedded.get("price")], currency))
            fields.update({"price": low, "price_max": high})
        if "original_price" not in fields and embedded:
            compare = _cents([embedded.get("compare_at_price")], currency)
            fields["original_price"] = _above(compare[0] if compare else None, fields.get("price"))
        if "availability" not in fields and as_bool(embedded.get("available")) is not None:
            fields["availability"] = "in_stock" if embedded["available"] else "out_of_stock"
        fields.setdefault("title", as_str(embedded.get("title")) or pick(analytics, "variants.0.name", as_str))
        fields.setdefault("brand", as_str(analytics.get("vendor")) or as_str(embedded.get("vendor")))
        fields.setdefault("category", as_str(analytics.get("type")) or as_str(embedded.get("type")))
        fields.setdefault("images", images([absolute_url(as_str(i), url) for i in as_list(embedded.get("images"))]))
        fields["seller"] = self._shop(page, fields.get("seller"))

        record_id = pid or as_digits(embedded.get("id")) or (as_digits(node.get("productGroupID")) if node else None) \
            or (product_id(node) if node else None) or _handle(canonical)
        if not record_id:
            raise self.changed("no product id in the page's data (ShopifyAnalytics.meta, product JSON, "
                               "structured data) and no canonical product URL")
        if not url:
            raise self.changed("no canonical URL and no page URL")
        extractor = extractor_of(node) if node else "hydration"
        yield self.record(page, "listing", extractor=extractor, id=record_id, url=url,
                          partial=extractor == "meta" and not analytics and not embedded, **fields)

    @staticmethod
    def _main_product(nodes: list[dict], handle: str | None) -> dict | None:
        """The product this page is about: the node naming the page's handle, else the only product of the
        best syntax when it names no other handle (a list of other products is not this one)."""
        for node in nodes:
            if handle and handle in (_handle(as_str(node.get("url"))), _handle(as_str(node.get("@id")))):
                return node
        best = best_syntax(nodes)
        if len(best) == 1:
            named = {_handle(as_str(best[0].get("url"))), _handle(as_str(best[0].get("@id")))} - {None}
            if not named or not handle:
                return best[0]
        return None

    @staticmethod
    def _currency(page: Page) -> str | None:
        match = _CURRENCY.search(page.text)
        code = match.group(1) if match else pick(page.js_assignment("Shopify.currency"), "active", as_str)
        code = code or page.meta.get("og:price:currency") or page.meta.get("product:price:currency")
        return code.upper() if code and _CODE.match(code.upper()) else None

    @staticmethod
    def _product_json(page: Page, pid: str | None) -> dict | None:
        """The ``/products/<handle>.js`` object a theme or app embedded in a script, found by its product id."""
        if not pid:
            return None
        decoder = json.JSONDecoder()
        for match in re.finditer(r'\{"id"\s*:\s*%s\s*,' % pid, page.text):
            try:
                data, _end = decoder.raw_decode(page.text, match.start())
            except ValueError:
                continue
            if _product_object(data) is data and "price" in data:  # not the analytics product (no prices at its top)
                return data
        return None

    @staticmethod
    def _shop(page: Page, offer_seller: dict | None) -> dict | None:
        wallet = re.match(r"^/(\d+)/", page.meta.get("shopify-digital-wallet") or "")
        shop_id = _SHOP_ID.search(page.text)
        myshopify = _MYSHOPIFY.search(page.text)
        host = urlsplit(canonical_url(page.sel, page.meta, page.url) or page.url or "").hostname
        ref = {
            "id": (wallet.group(1) if wallet else None) or (next(g for g in shop_id.groups() if g) if shop_id else None),
            "handle": myshopify.group(1) if myshopify else None,
            "name": page.meta.get("og:site_name") or pick(offer_seller, "name", as_str),
            "url": "https://%s/" % host if host else None,
        }
        return ref if any(ref.values()) else None


@register
class ShopifyProductJsonParser(Parser):
    platform = "shopify"
    page_type = "product_json"
    url_pattern = (_PRODUCT_PATH + r"\.(?:js|json)(?:[?#]|$)"
                   r"|^https?://[^/?#]+/(?:[a-z]{2}(?:-[a-zA-Z]{2,4})?/)?(?:collections/[^/?#]+/)?products\.json(?:[?#]|$)")

    body = "json"

    def sniff(self, page: Page) -> bool:
        if not page.is_json or '"variants"' not in page.text or '"handle"' not in page.text:
            return False
        try:
            return bool(_product_objects(page.json))
        except PageChanged:
            return False

    def parse(self, page: Page) -> Iterator:
        found = _product_objects(page.json)
        if not found:
            if isinstance(page.json, dict) and page.json.get("products") == []:
                return  # an empty collection
            raise self.changed("no product object (id, handle, variants) in the response")
        if len(found) == 1:
            yield self._listing(page, found[0])
            return
        for product in found:  # a list: one broken product does not hide the others
            try:
                yield self._listing(page, product)
            except PageChanged:
                continue

    def _listing(self, page: Page, product: dict):
        variants = [v for v in product["variants"] if isinstance(v, dict)]
        currency = self._currency(page, variants)
        paid, compare = [], []
        for variant in variants:
            paid.append(self._money(variant.get("price"), currency))
            compare.append(self._money(variant.get("compare_at_price"), currency))
        if not variants:
            paid.append(self._money(product.get("price"), currency))
        low, high = _low_high([m for m in paid if m])
        originals = [m for m in (_above(c, p) for c, p in zip(compare, paid)) if m]
        available = [as_bool(v.get("available")) for v in variants] + [as_bool(product.get("available"))]
        available = [a for a in available if a is not None]
        pictures = [i.get("src") if isinstance(i, dict) else i for i in as_list(product.get("images"))]
        host = urlsplit(page.url or "").hostname
        handle = as_str(product.get("handle"))
        pid = as_digits(product.get("id"))
        if not pid or not handle:
            raise self.changed("the product has no numeric id or no handle")
        if not host:
            raise self.changed("no store host in the URL to build the product URL from")
        url = "https://%s/products/%s" % (host, handle)
        return self.record(
            page, "listing", extractor="api",
            id=pid,
            url=url,
            title=as_str(product.get("title")),
            description=_trimmed_html(as_str(product.get("body_html")) or as_str(product.get("description"))),
            price=low,
            price_max=high,
            original_price=min(originals, key=lambda m: Decimal(m.amount)) if originals else None,
            availability=("in_stock" if any(available) else "out_of_stock") if available else None,
            brand=as_str(product.get("vendor")),
            category=as_str(product.get("product_type")) or as_str(product.get("type")),
            images=images([absolute_url(as_str(p), url) for p in pictures], url),
            seller={"id": None, "handle": None, "name": None, "url": "https://%s/" % host},
        )

    @staticmethod
    def _money(value: Any, currency: str | None) -> Money | None:
        """``.js`` prices are integer cents; ``.json`` prices decimal strings in major units."""
        if isinstance(value, int) and not isinstance(value, bool):
            return scaled_money(value, currency, 100)
        if isinstance(value, str) and re.fullmatch(r"\d+(?:\.\d+)?", value.strip()):
            return money(value.strip(), currency)
        return None

    @staticmethod
    def _currency(page: Page, variants: list[dict]) -> str | None:
        for variant in variants:
            code = pick_first(variant, "price_currency", "presentment_prices.0.price.currency_code", coerce=as_str)
            if code and _CODE.match(code.upper()):
                return code.upper()
        code = (parse_qs(urlsplit(page.url or "").query).get("currency") or [""])[0].upper()
        return code if _CODE.match(code) else None
