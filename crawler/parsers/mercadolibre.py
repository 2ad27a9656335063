"""Mercado Libre / Mercado Livre: search pages and item pages, every country site.

Sites and currencies: the item id prefix is the site (MLM-123 is Mexico), the
currency comes from the page (``priceCurrency``, ``currency_id``) and, failing
that, from the site (MLM -> MXN, MLA -> ARS, MLB -> BRL on mercadolivre.com.br,
MLC -> CLP, MCO -> COP, ...).

Search (``listado.mercadolibre.com.<tld>/<query>``, ``lista.mercadolivre.com.br/...``):
- ``<script id="__PRELOADED_STATE__">`` -> ``pageState.initialState.results[]``:
  one ``polycard`` per card, ``metadata{id (item), product_id (catalog), url}``
  and ``components[]`` by ``type``: title, price (``current_price`` /
  ``previous_price``), seller ("Por <name> {icon}"), reviews, brand, shipping,
  shipped_from. ``ads_promotions`` marks "Promocionado" product ads (real
  listings; their URL is a click tracker, so the item URL is built from the id).
  A ``buy_box`` component is ANOTHER offer ("Otra opción de compra") with its own
  prices: never read as this card's price.
- JSON-LD ``@graph`` of ``Product`` (the organic results only): exact prices
  (12445.16 where the card shows 12,445), Title-Cased names, brand, and the ITEM's
  aggregateRating (cards of catalog products show the catalog's rating instead).
  Matched to cards by item id (``#wid=`` in catalog URLs, ``MLM-<digits>`` in
  articulo URLs). Used alone when the state is missing.
Catalog cards link to ``/p/<catalog id>#wid=<item id>``: the record id is the item id.

Item (``articulo.mercadolibre.com.<tld>/MLM-<digits>-...``, ``www.mercadolibre.com.<tld>/.../p/MLM<digits>``):
- JSON-LD ``Product``: name, offers.price / priceCurrency, availability,
  itemCondition, brand, aggregateRating (ratingCount = ratings, reviewCount =
  those with text), BreadcrumbList (names carry trailing spaces);
- ``__PRELOADED_STATE__`` -> ``pageState.initialState.components``: ``header``
  (title, subtitle "Nuevo  |  +100 vendidos"), ``price`` (value, original_value,
  currency_id), ``seller_experiment.seller{id, name}``, ``description.content``,
  ``gallery`` (pictures + URL template); ``track`` (``free_shipping``).
The reviews and the carousels (ads, related products) are not listings.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from crawler.helpers.counts import parse_count
from crawler.helpers.money import money
from crawler.helpers.paths import as_float, as_list, as_str, find_dicts, pick, pick_first, walk
from crawler.helpers.schema_org import breadcrumb, canonical_url, images, listing_fields, product_url, products, text
from crawler.helpers.text import absolute_url
from crawler.helpers.structured import extractor_of
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.parsers.web import best_syntax, page_products, page_structured
from crawler.registry import register
from crawler.schema import Money

SITE_CURRENCY = {
    "MLA": "ARS", "MLB": "BRL", "MLM": "MXN", "MLC": "CLP", "MCO": "COP", "MLU": "UYU", "MPE": "PEN",
    "MLV": "VES", "MEC": "USD", "MPA": "USD", "MCR": "CRC", "MRD": "DOP", "MBO": "BOB", "MPY": "PYG",
    "MGT": "GTQ", "MHN": "HNL", "MNI": "NIO", "MSV": "USD",
}
DOMAIN_SITE = {
    "com.ar": "MLA", "com.br": "MLB", "com.mx": "MLM", "cl": "MLC", "com.co": "MCO", "com.uy": "MLU",
    "com.pe": "MPE", "com.ve": "MLV", "com.ec": "MEC", "com.pa": "MPA", "co.cr": "MCR", "com.do": "MRD",
    "com.bo": "MBO", "com.py": "MPY", "com.gt": "MGT", "com.hn": "MHN", "com.ni": "MNI", "com.sv": "MSV",
}
_HOST = r"^https?://(?:[a-z0-9-]+\.)*mercado(?:libre|livre)\.(?:com\.[a-z]{2}|co\.[a-z]{2}|[a-z]{2})"
_ITEM_ID = re.compile(r"\b(M[A-Z]{2})-?(\d{5,})\b")
_WID = re.compile(r"[#?&](?:wid=|pdp_filters=item_id[:%]3?A?)(M[A-Z]{2}\d{5,})")
_SITE_HOST = re.compile(r"mercado(?:libre|livre)\.((?:com?\.)?[a-z]{2})$")
_CONDITION_WORDS = {"nuevo": "new", "novo": "new", "usado": "used", "reacondicionado": "refurbished",
                    "recondicionado": "refurbished", "restaurado": "refurbished"}
_FREE = re.compile(r"(?i)\bgr[aá]tis\b")


def _is_meli(page: Page) -> bool:
    """The content is Mercado Libre's (its image CDN, or a canonical URL on its domains)."""
    if page.is_json:
        return False
    return "mlstatic.com" in page.text or bool(re.search(_HOST, canonical_url(page.sel, page.meta) or ""))


def _state(page: Page) -> dict:
    state = page.script_json("__PRELOADED_STATE__")
    return state if isinstance(state, dict) else {}


def _site(page: Page, state: dict) -> str | None:
    site = pick(state, "pageState.siteId", as_str)
    if site:
        return site
    host = urlsplit(canonical_url(page.sel, page.meta, page.url) or page.url or "").hostname or ""
    match = _SITE_HOST.search(host)
    return DOMAIN_SITE.get(match.group(1)) if match else None


def item_id(url: str | None) -> str | None:
    """The item id a URL names: ``#wid=MLM123`` (catalog pages), else ``MLM-123`` (articulo pages)."""
    if not url:
        return None
    match = _WID.search(url)
    if match:
        return match.group(1)
    path = urlsplit(url).path
    if "/p/" in path or "/up/" in path:
        return None  # a catalog product id, not an item
    match = _ITEM_ID.search(path)
    return match.group(1) + match.group(2) if match else None


def _item_code(value: Any) -> str | None:
    """An item id as the page data writes it ("MLM3382859800", "MLM-3382859800"), normalised; else None."""
    match = _ITEM_ID.fullmatch(as_str(value) or "")
    return match.group(1) + match.group(2) if match else None


def _catalog_id(url: str | None) -> str | None:
    match = re.search(r"/p/(M[A-Z]{2}\d{5,})", url or "")
    return match.group(1) if match else None


def _item_url(site_host: str, item: str) -> str:
    """The item's articulo URL (the ``-_JM`` suffix stands for the missing title slug)."""
    sub = "produto" if "mercadolivre" in site_host else "articulo"
    return "https://%s.%s/%s-%s-_JM" % (sub, site_host, item[:3], item[3:])


def _site_host(page: Page) -> str:
    host = urlsplit(canonical_url(page.sel, page.meta, page.url) or page.url or "").hostname or ""
    match = re.search(r"mercado(?:libre|livre)\.(?:com?\.)?[a-z]{2}$", host)
    return match.group(0) if match else "mercadolibre.com.mx"


def _above(original: Money | None, price: Money | None) -> Money | None:
    """A strike-through price only when it is above the price paid, in the same currency."""
    if original is None or price is None or original.currency != price.currency:
        return None
    return original if Decimal(original.amount) > Decimal(price.amount) else None


def _card_money(value: Any, currency: str | None) -> Money | None:
    """A polycard price ``{"value": 7499, "currency": "MXN"}`` (major units)."""
    if not isinstance(value, dict):
        return None
    return money(value.get("value"), pick(value, "currency", as_str) or currency)


def _placeholders_out(value: str | None) -> str | None:
    """"Por Supergamer {icon_cockade}" -> "Supergamer"."""
    if not value:
        return None
    value = re.sub(r"\{[^{}]*\}", "", value).strip()
    value = re.sub(r"(?i)^(?:vendido\s+)?por\s+", "", value).strip()
    return value or None


@register
class MercadoLibreSearchParser(Parser):
    platform = "mercadolibre"
    page_type = "search"
    url_pattern = r"^https?://(?:listado\.mercadolibre|lista\.mercadolivre)\.(?:com\.[a-z]{2}|co\.[a-z]{2}|[a-z]{2})/"

    def accepts(self, page: Page) -> bool:
        return _is_meli(page)

    def sniff(self, page: Page) -> bool:
        if not _is_meli(page):
            return False
        return bool(pick(_state(page), "pageState.initialState.results")) or \
            any("SearchResultsPage" in str(i.get("@type")) for i in page.jsonld)

    def parse(self, page: Page) -> Iterator:
        state = _state(page)
        if isinstance(pick(state, "pageState.initialState.components"), (dict, list)) \
                and not isinstance(pick(state, "pageState.initialState.results"), list):
            raise self.changed("an item page, not a search page")
        site = _site(page, state)
        currency = pick_first(state, "pageState.initialState.currency.id", "pageState.country.currency_id",
                              coerce=as_str) or SITE_CURRENCY.get(site or "")
        by_item = self._jsonld_by_item(page)
        results = pick_first(state, "pageState.initialState.results", "pageStoreState.search.results")
        if not isinstance(results, list):
            results = [d for d in find_dicts(state, lambda d: isinstance(d.get("polycard"), dict))]
        cards = [r.get("polycard") for r in results if isinstance(r, dict) and isinstance(r.get("polycard"), dict)]
        if cards:
            context = pick(state, "pageState.initialState.polycard_context")
            for card in cards:
                record = self._card(page, card, by_item, currency, context if isinstance(context, dict) else {})
                if record is not None:
                    yield record
            return
        if by_item:
            for item, node in by_item.items():
                yield self._jsonld_record(page, item, node, currency)
            return
        if isinstance(results, list) and pick(state, "pageState.initialState") is not None:
            return  # the page says it has no results
        raise self.changed("neither __PRELOADED_STATE__ results nor JSON-LD products found")

    def _jsonld_by_item(self, page: Page) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for node in products(page.jsonld):
            url = product_url(node)
            key = item_id(url) or _catalog_id(url)
            if key and text(node.get("name")) and key not in out:
                out[key] = node
        return out

    def _jsonld_record(self, page: Page, item: str, node: dict, currency: str | None):
        fields = listing_fields(node, base_url="https://www.%s/" % _site_host(page), currency=currency)
        url = product_url(node) or _item_url(_site_host(page), item)
        return self.record(page, "listing", extractor="jsonld", id=item, url=self._clean_url(url), **fields)

    @staticmethod
    def _clean_url(url: str) -> str:
        """Drop the search tracking from a result URL, keep ``#wid=`` (it names the item)."""
        base, _, fragment = url.partition("#")
        wid = re.search(r"(?:^|&)wid=(M[A-Z]{2}\d+)", fragment)
        return base + ("#wid=" + wid.group(1) if wid else "")

    def _card(self, page: Page, card: dict, by_item: dict[str, dict], currency: str | None, context: dict):
        meta = card.get("metadata") if isinstance(card.get("metadata"), dict) else {}
        item = as_str(meta.get("id"))
        if not item or not re.fullmatch(r"M[A-Z]{2}\d+", item):
            return None
        parts = {c.get("type"): c for c in as_list(card.get("components")) if isinstance(c, dict)}
        part = lambda kind, path: pick(parts.get(kind), "%s.%s" % (kind, path))  # noqa: E731
        node = by_item.get(item)
        ld = listing_fields(node, currency=currency) if node else {}
        shown = _card_money(part("price", "current_price"), currency)
        original = _card_money(part("price", "previous_price"), currency)  # the main block's "Antes:", not the buy box
        rating, count = ld.get("rating"), ld.get("review_count")
        if rating is None:  # the card's own stars: the catalog product's, for catalog cards
            rating, count = as_float(part("reviews", "rating_average")), parse_count(part("reviews", "total"))
        ships = as_str(part("shipping", "text"))
        origin = re.match(r"(?i)^env[ií]os?\s+desde\s+(.+)$", as_str(part("shipped_from", "text")) or "")
        seller = _placeholders_out(as_str(part("seller", "text")))
        url = self._card_url(page, meta, item)
        return self.record(
            page, "listing", extractor="hydration",
            id=item,
            url=url,
            title=as_str(part("title", "text")) or ld.get("title"),
            price=ld.get("price") or shown,
            original_price=_above(original, shown),
            shipping=money(0, (shown.currency if shown else currency)) if ships and _FREE.search(ships) else None,
            seller={"id": None, "handle": None, "name": seller, "url": None} if seller else None,
            rating=rating,
            review_count=count,
            availability=ld.get("availability"),
            brand=ld.get("brand") or as_str(part("brand", "text")),
            location=origin.group(1).strip() if origin else None,
            images=ld.get("images") or self._pictures(card, context),
            signals={"sponsored": True} if card.get("ads_promotions") else {},
        )

    def _card_url(self, page: Page, meta: dict, item: str) -> str:
        link = as_str(meta.get("url"))
        url = absolute_url("https://" + link if link and not link.startswith(("http", "//")) else link)
        if not url or "/mclics/" in url or (urlsplit(url).hostname or "click").startswith("click"):
            return _item_url(_site_host(page), item)  # ads link to a click tracker
        if "/p/" in urlsplit(url).path:
            return url + "#wid=" + item
        return url

    @staticmethod
    def _pictures(card: dict, context: dict) -> list[str]:
        template = as_str(context.get("picture_template"))
        pictures = pick(card, "pictures.pictures")
        if not template or not isinstance(pictures, list):
            return []
        square = pick(card, "pictures.square", as_str) or as_str(context.get("picture_square_default")) or "Q"
        size = as_str(context.get("picture_size_default")) or "V"
        urls = []
        for picture in pictures:
            pid = pick(picture, "id", as_str)
            if pid:
                urls.append(template.replace("{square}", square).replace("{2x}", "").replace("{id}", pid)
                            .replace("{size}", size).replace("{sanitized_title}", ""))
        return images(urls)


@register
class MercadoLibreItemParser(Parser):
    platform = "mercadolibre"
    page_type = "item"
    url_pattern = (r"^https?://(?:articulo\.mercadolibre|produto\.mercadolivre)\.[a-z.]+/M[A-Z]{2}-?\d+"
                   r"|" + _HOST + r"/(?:[^?#]*/)?(?:p|up)/M[A-Z]{2}U?\d+")

    def accepts(self, page: Page) -> bool:
        return _is_meli(page)

    def sniff(self, page: Page) -> bool:
        if not _is_meli(page):
            return False
        return isinstance(pick(_state(page), "pageState.initialState.components"), (dict, list))

    def parse(self, page: Page) -> Iterator:
        state = _state(page)
        initial = pick(state, "pageState.initialState")
        initial = initial if isinstance(initial, dict) else {}
        if isinstance(initial.get("results"), list) or any(
                "SearchResultsPage" in str(i.get("@type")) for i in page.jsonld):
            raise self.changed("a search results page, not an item page")
        canonical = canonical_url(page.sel, page.meta, page.url)
        nodes = best_syntax(page_products(page))
        node = self._main_product(nodes, item_id(canonical) or item_id(page.url))
        if node is None and len(nodes) > 1:
            raise self.changed("several products and none of them this item (a list page)")
        if node is None and not isinstance(initial.get("components"), (dict, list)):
            raise self.changed("neither a structured Product (JSON-LD, microdata) nor __PRELOADED_STATE__ components")
        items = [i for i in page_structured(page) if node is not None and i.get("@syntax") == node.get("@syntax")]

        comps = initial.get("components")
        header = self._component(comps, "header")
        price_part = self._component(comps, "price")
        site = _site(page, state)
        currency = pick(price_part, "price.currency_id", as_str) or SITE_CURRENCY.get(site or "")
        url = canonical_url(page.sel, page.meta, page.url) or pick(initial, "metadata.url_canonical", as_str) or page.url
        fields = listing_fields(node, base_url=url, items=items, currency=currency) if node else {}

        ident = self._tracked_item(price_part) or _item_code(initial.get("id")) or item_id(canonical) \
            or (item_id(product_url(node)) or _item_code(node.get("productID")) or _item_code(node.get("sku"))
                if node else None)
        if not ident and item_id(page.url) and item_id(page.url)[3:] in page.text:
            ident = item_id(page.url)  # the page's own data names the URL's item
        if not ident:
            raise self.changed("no item id in the page's state, canonical URL or structured data")
        price = fields.get("price") or money(pick(price_part, "price.value"), currency)
        original = money(pick(price_part, "price.original_value"), currency)
        subtitle = pick_first(header, "subtitle", "subtitle_label.text", coerce=as_str) or ""
        words = [w.strip() for w in subtitle.split("|")]
        sold = next((parse_count(w) for w in words if re.search(r"(?i)vendid|vendas|vendido", w)), None)
        state_condition = next((_CONDITION_WORDS[w.lower()] for w in words if w.lower() in _CONDITION_WORDS), None)
        rating, count = fields.get("rating"), fields.get("review_count")
        if rating is None:
            rating, count = pick(header, "reviews.rating", as_float), pick(header, "reviews.amount", parse_count)
        free = pick(initial, "track.melidata_event.event_data.free_shipping")
        description = pick(self._component(comps, "description"), "content", as_str)

        yield self.record(
            page, "listing", extractor="hydration" if initial else extractor_of(node),
            id=ident,
            url=url or _item_url(_site_host(page), ident),
            title=pick(header, "title", as_str) or fields.get("title"),
            description=description or fields.get("description"),
            price=price,
            price_max=fields.get("price_max"),
            original_price=_above(original, price),
            shipping=money(0, price.currency) if free is True and price else None,
            seller=self._seller(comps, initial),
            sold_count=sold,
            rating=rating,
            review_count=count,
            condition=fields.get("condition") or state_condition,
            availability=fields.get("availability"),
            brand=fields.get("brand"),
            category=fields.get("category") or breadcrumb(items),
            images=self._gallery(comps) or fields.get("images") or [],
        )

    @staticmethod
    def _main_product(nodes: list[dict], ident: str | None) -> dict | None:
        """The item's Product: the node naming the item, else the only one when it names no other item."""
        for node in nodes:
            if ident and ident in (item_id(product_url(node)), _item_code(node.get("productID")),
                                   _item_code(node.get("sku"))):
                return node
        if len(nodes) == 1:
            other = item_id(product_url(nodes[0]))
            if other is None or ident is None or other == ident:
                return nodes[0]
        return None

    @staticmethod
    def _component(comps: Any, name: str) -> dict:
        """A component by its id (``components[name]``, else anywhere in the component tree)."""
        if isinstance(comps, dict) and isinstance(comps.get(name), dict):
            return comps[name]
        for d in walk(comps):
            if (d.get("component_id") == name or d.get("id") == name) and d.get("state") != "HIDDEN":
                return d
        return {}

    @staticmethod
    def _tracked_item(price_part: dict) -> str | None:
        for d in walk(price_part):
            value = as_str(d.get("item_id"))
            if value and re.fullmatch(r"M[A-Z]{2}\d+", value):
                return value
        return None

    def _seller(self, comps: Any, initial: dict) -> dict | None:
        for d in walk(comps):
            seller = d.get("seller")
            if isinstance(seller, dict) and seller.get("id") is not None and as_str(seller.get("name")):
                return {"id": as_str(seller["id"]), "handle": None, "name": as_str(seller["name"]),
                        "url": self._seller_url(comps)}
        seller_id = pick(initial, "track.melidata_event.event_data.seller_id", as_str)
        return {"id": seller_id, "handle": None, "name": None, "url": self._seller_url(comps)} if seller_id else None

    @staticmethod
    def _seller_url(comps: Any) -> str | None:
        for d in walk(MercadoLibreItemParser._component(comps, "seller_data")):
            target = as_str(d.get("target"))
            if target and re.search(r"/(?:pagina|tienda|loja)/", target):
                return absolute_url(target.split("?")[0].split("#")[0])
        return None

    @staticmethod
    def _gallery(comps: Any) -> list[str]:
        gallery = MercadoLibreItemParser._component(comps, "gallery")
        template = pick_first(gallery, "picture_config.template", coerce=as_str)
        pictures = gallery.get("pictures")
        if not template or not isinstance(pictures, list):
            return []
        urls = []
        for picture in pictures:
            pid = pick(picture, "id", as_str)
            if pid:
                slug = pick(picture, "sanitized_title", as_str) or ""
                urls.append(template.replace("{id}", pid).replace("{sanitizedTitle}", slug))
        return images(urls)

