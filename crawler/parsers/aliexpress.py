"""AliExpress: search / category pages and item pages on aliexpress.com, .ru and .us.

Search pages (``/w/wholesale-<q>.html``, ``/wholesale``, ``/popular/<q>``,
``/category/<id>/<name>.html``) are read from the page's own state when it holds
the result list - ``window._dida_config_._init_data_`` (aliexpress.com, products
under ``mods.itemList.content``) or ``window.runParams`` - and otherwise from the
rendered product cards: elements carrying ``data-product-id`` (aliexpress.ru's
snippets), else links to ``/item/<id>.html``. aliexpress.ru's ``__AER_DATA__``
holds no product data.

Cards are read by meaning: the current price (``priceNew`` / ``price-sale``), the
struck-through original price, a "N sold" / "N продано" count, a one-decimal
star rating, a "free" delivery badge. Each snippet repeats its price block in an
"aside" copy: the first value is taken. A recommendation shelf next to the
results is left out when the cards say which are search results. Placeholder
titles ("No products available", "no goods") are null.

Prices are in the currency the page is shown in (``currencyCode`` in the page
state, else the ``c_tp`` cookie echo, else the site's own) and are parsed with
the page's locale ("4.68 GEL" in en_US, "4,68 ₾" in ru_RU).

Item pages (``/item/<id>.html``) and the mtop ``pdp.pc.query`` answer: see
``AliexpressItemParser`` (``runParams``, ``__INIT_DATA__``/``_init_data_``, the mtop
components, ``_d_c_.DCData``; Open Graph only when ``og:url`` names the item).

Both parsers read only AliExpress's own content (``_is_aliexpress``: its state
globals, its scripts or a canonical URL on its hosts): another store's page under
an AliExpress URL is not labelled aliexpress, and a list page under an item URL
is read as the list (its records carry their own ids and URLs), never as the item.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from parsel import Selector

from crawler.helpers.counts import parse_count
from crawler.errors import PageChanged
from crawler.helpers.embedded import js_assignment, loads_lenient
from crawler.helpers.money import currency_of, money, parse_money
from crawler.helpers.paths import as_digits, as_float, as_list, as_str, find_dicts, pick, pick_first
from crawler.helpers.text import absolute_url
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

_HOST = r"^https?://(?:[a-z]{2,3}\.)?aliexpress\.(?:com|ru|us)"
_ITEM_LINK = re.compile(r"/item/(?:[^/?#]*/)?(\d{6,})\.html")
_SITE_DEFAULTS = {"ru": ("RUB", "ru_RU"), "com": ("USD", "en_US"), "us": ("USD", "en_US")}
_PLACEHOLDER_TITLES = {"no products available", "no goods", "нет товаров", "товар не найден", "товар недоступен"}
_STATE_NAMES = ("window._dida_config_._init_data_", "window.runParams", "window.__INIT_DATA__")

_SOLD = re.compile(r"^(?:(?P<n1>[\d\s.,]+\+?\s*(?:[KkMm]|тыс\.?)?\+?)\s*(?:sold|продано|продан[оа]?|продаж[аи]?|"
                   r"vendidos?|vendus?|verkauft|venduti)|(?:продано|sold)\s*:?\s*(?P<n2>[\d\s.,]+\+?))$", re.I)
_RATING = re.compile(r"^[0-5][.,]\d$")
_FREE = re.compile(r"^(?:free|free shipping|free delivery|бесплатно|бесплатная доставка|envío gratis|frete grátis)$", re.I)


def _collapsed(text: str | None) -> str:
    return " ".join((text or "").split())


def _rating(value) -> float | None:
    number = as_float(value)
    return number if number is not None and 0 < number <= 5 else None


def _clean_title(text: str | None) -> str | None:
    text = as_str(text)
    if text is None or not text.strip() or _collapsed(text).lower() in _PLACEHOLDER_TITLES:
        return None
    return text


def _site(page: Page) -> str:
    host = page.host if "aliexpress." in page.host and not re.match(r"^(?:acs|gw|mtop|h5api)\.", page.host) else ""
    if not host:
        canonical = page.sel.xpath("//link[@rel='canonical']/@href").get() or page.meta.get("og:url") or ""
        host = (urlsplit(absolute_url(canonical) or "").hostname or "").lower()
    return host if "aliexpress." in host else "www.aliexpress.com"


def _item_url(host: str, item_id: str) -> str:
    return "https://%s/item/%s.html" % (host, item_id)


def _currency_and_locale(page: Page, host: str) -> tuple[str, str]:
    """The page's display currency and locale, from its state or cookie echo, else the site's defaults."""
    currency, locale = _SITE_DEFAULTS.get(host.rsplit(".", 1)[-1], ("USD", "en_US"))
    text = page.text
    found = re.search(r'"currencyCode"\s*:\s*"([A-Z]{3})"', text) or re.search(r"c_tp(?:%25|%)3D([A-Z]{3})", text) \
        or re.search(r'(?:&quot;|")currency(?:&quot;|")\s*:\s*(?:&quot;|")([A-Z]{3})', text)
    if found:
        currency = found.group(1)
    found = re.search(r'"(?:locale|lang)"\s*:\s*"([a-z]{2}_[A-Z]{2})"', text) \
        or re.search(r"b_locale(?:%25|%)3D([a-z]{2}_[A-Z]{2})", text)
    if found:
        locale = found.group(1)
    return currency, locale


def _price(text, currency: str, locale: str):
    """A displayed price in the page's currency (or the one its text names), read in the page's locale."""
    if not isinstance(text, str):
        return None
    return parse_money(text, currency_of(text, currency), locale)


def _is_aliexpress(page: Page) -> bool:
    """The content is AliExpress's own: its state globals, its scripts, or a canonical URL on its hosts
    (a dropshipping store that links to or shows AliExpress images is not)."""
    if page.is_json:
        return False
    text = page.text
    if re.search(r"window\.runParams\s*=|_dida_config_|window\._d_c_|__AER_DATA__|window\.__INIT_DATA__\s*=\s*\{", text):
        return not re.search(r"ShopifyAnalytics\.meta|Shopify\.shop\s*=", text) or "runParams" in text
    canonical = page.sel.xpath("//link[@rel='canonical']/@href").get() or page.meta.get("og:url") or ""
    if re.search(r"^(?:https?:)?//(?:[\w-]+\.)*aliexpress\.(?:com|ru|us)(?:[/:?#]|$)", canonical.strip()):
        return True
    return bool(page.sel.xpath("//script[contains(@src, 'aliexpress') or contains(@src, 'ae-fe/') "
                               "or contains(@src, 'aer-static')]"))


class _AliexpressParser(Parser):
    platform = "aliexpress"

    def accepts(self, page: Page) -> bool:
        return _is_aliexpress(page)

    def detect_block(self, page: Page) -> str | None:
        if "_____tmd_____/punish" in page.text[:20000] or page.sel.css("#baxia-punish, .baxia-punish"):
            return "captcha"
        return None


@register
class AliexpressSearchParser(_AliexpressParser):
    page_type = "search"
    url_pattern = _HOST + r"/(?:w/wholesale|wholesale|popular/|category/|af/|premium/|gcp/)"

    def sniff(self, page: Page) -> bool:
        if not _is_aliexpress(page):
            return False
        return bool(page.sel.xpath("//*[@data-product-id]")) or "_init_data_" in page.text

    def parse(self, page: Page) -> Iterator:
        host = _site(page)
        currency, locale = _currency_and_locale(page, host)
        products = self._state_products(page)
        if products:
            for product in products:
                listing = self._from_state(page, product, host, currency, locale)
                if listing is not None:
                    yield listing
            return
        cards = self._cards(page)
        if not cards:
            raise self.changed("no product list in the page state and no product card (data-product-id or /item/ link)")
        for item_id, card in cards:
            yield self._from_card(page, item_id, card, host, currency, locale)

    # ---- page state ----

    @staticmethod
    def _state_products(page: Page) -> list[dict]:
        for name in _STATE_NAMES:
            state = js_assignment(page.text, name)
            if state is None:
                continue
            products = find_dicts(state, lambda d: as_digits(d.get("productId")) is not None
                                  and ("title" in d or "prices" in d or "price" in d))
            if products:
                return products
        return []

    def _from_state(self, page: Page, product: dict, host: str, currency: str, locale: str):
        item_id = as_digits(product.get("productId"))
        title = pick_first(product, "title.displayTitle", "title.seoTitle", "title", "displayTitle", coerce=as_str)
        code = pick_first(product, "prices.salePrice.currencyCode", "prices.originalPrice.currencyCode",
                          coerce=as_str) or currency

        def amount(*paths):
            value = pick_first(product, *paths)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return money(value, code)
            return _price(as_str(value), code, locale)

        store = product.get("store") if isinstance(product.get("store"), dict) else {}
        store_id = pick_first(store, "storeId", "aliMemberId", coerce=as_str)
        store_name = as_str(store.get("storeName")) or as_str(product.get("storeName"))
        selling = " | ".join(as_str(pick(p, "tagContent.tagText")) or "" for p in as_list(product.get("sellingPoints")))
        image = pick_first(product, "image.imgUrl", "imageUrl", "imgUrl", coerce=as_str)
        return self.record(
            page, "listing", extractor="hydration",
            id=item_id,
            url=_item_url(host, item_id),
            title=_clean_title(title),
            price=amount("prices.salePrice.minPrice", "prices.salePrice.formattedPrice", "price",
                         "salePrice.formattedPrice"),
            original_price=amount("prices.originalPrice.minPrice", "prices.originalPrice.formattedPrice",
                                  "originalPrice", "oriMinPrice"),
            shipping=money(0, code) if re.search(r"free shipping|free delivery|бесплатная доставка", selling, re.I)
            else None,
            seller={"id": store_id, "handle": None, "name": store_name,
                    "url": absolute_url(as_str(store.get("storeUrl")))} if store_id or store_name else None,
            sold_count=pick_first(product, "trade.tradeDesc", "tradeDesc", "trade.realTradeCount", coerce=parse_count),
            rating=pick_first(product, "evaluation.starRating", "starRating", coerce=_rating),
            images=[u for u in [absolute_url(image)] if u],
        )

    # ---- rendered cards ----

    @staticmethod
    def _cards(page: Page) -> list[tuple[str, Selector]]:
        """(product id, card) pairs: data-product-id elements (search results only when marked), else item links."""
        marked = page.sel.xpath("//*[@data-product-id]")
        results = [c for c in marked if "search_results" in (c.attrib.get("data-w-spm-c"), c.attrib.get("data-w-page-area"))]
        cards = [(as_digits(c.attrib.get("data-product-id")), c) for c in (results or marked)]
        if not cards:
            seen: set[str] = set()
            for link in page.sel.xpath("//a[contains(@href,'/item/')][not(ancestor::a)]"):
                match = _ITEM_LINK.search(link.attrib.get("href", ""))
                if match and match.group(1) not in seen:
                    seen.add(match.group(1))
                    cards.append((match.group(1), link))
        return [(item_id, card) for item_id, card in cards if item_id]

    def _from_card(self, page: Page, item_id: str, card: Selector, host: str, currency: str, locale: str):
        main = "[not(ancestor::*[contains(@class,'aside')])]"
        now = card.xpath(".//*[contains(@class,'priceNew') or contains(@class,'price-sale') or contains(@class,'price-current')]"
                         + main).xpath("string()").get()
        was = card.xpath(".//*[contains(@class,'strikethrough')]" + main).xpath("string()").get() \
            or card.xpath(".//*[contains(@class,'price-original') or contains(@class,'price-del')]" + main
                          ).xpath("string()").get()
        title_node = card.xpath(".//*[contains(@class,'__title__') or contains(@class,'titleText')"
                                " or contains(@class,'item-title')]")
        title = (title_node[0].attrib.get("title") or title_node[0].xpath("string()").get()) if title_node \
            else card.xpath(".//img/@alt").get()
        texts = [_collapsed(t) for t in card.xpath(
            ".//text()[not(ancestor::*[contains(@class,'price') or contains(@class,'Price') or contains(@class,'aside')"
            " or contains(@class,'__title__') or contains(@class,'titleText')])]").getall()]
        sold = next((m.group("n1") or m.group("n2") for t in texts if (m := _SOLD.match(t))), None)
        delivery = [_collapsed(t) for t in card.xpath(
            ".//*[contains(@class,'delivery') or contains(@class,'Delivery') or contains(@class,'shipping')]"
            + main).xpath("string()").getall()]
        shipping = None
        if any(_FREE.match(d) for d in delivery):
            shipping = money(0, currency)
        link = card.xpath("descendant-or-self::a/@href").get() or ""
        link_host = (urlsplit(absolute_url(link, "https://%s/" % host) or "").hostname or "").lower()
        images: list[str] = []
        for src in card.xpath(".//img/@src | .//source/@srcset").getall():
            url = absolute_url(src.split(" ")[0])
            if url and "/kf/" in url and url not in images:
                images.append(url)
        return self.record(
            page, "listing", extractor="dom",
            id=item_id,
            url=_item_url(link_host if "aliexpress." in link_host else host, item_id),
            title=_clean_title(title),
            price=_price(_collapsed(now), currency, locale),
            original_price=_price(_collapsed(was), currency, locale),
            shipping=shipping,
            seller=None,
            sold_count=parse_count(sold) if sold else None,
            rating=next((_rating(t) for t in texts if _RATING.match(t)), None),
            images=images,
        )


_ITEM_DATA_KEYS = ("productInfoComponent", "priceComponent", "titleModule", "priceModule", "imageModule",
                   "PRODUCT_TITLE", "PRICE", "GLOBAL_DATA", "HEADER_IMAGE_PC", "SHOP_CARD_PC")
_ITEM_STATES = ("window.runParams", "window.__INIT_DATA__", "window._dida_config_._init_data_", "window._d_c_.DCData")


def _item_data(page: Page) -> tuple[dict, str | None]:
    """The item's data block (old ``*Module``, newer ``*Component`` or the mtop ``PRODUCT_TITLE``/``PRICE``
    components), from whichever state the page has, and the name of that state."""
    states: list[tuple[str, object]] = []
    if page.is_json:
        try:
            states.append(("api", page.json))
        except PageChanged:
            pass
    else:
        jsonp = re.match(r"^\s*[\w$.]+\((\{.*\})\)\s*;?\s*$", page.text[:10_000_000], re.S)
        if jsonp:
            states.append(("api", loads_lenient(jsonp.group(1))))
        for name in _ITEM_STATES:
            state = js_assignment(page.text, name)
            if state is not None:
                states.append((name, state))
    for name, state in states:
        found = find_dicts(state, lambda d: sum(k in d for k in _ITEM_DATA_KEYS) >= 2)
        if found:
            return found[0], name
        if name == "window._d_c_.DCData" and isinstance(state, dict) and (
                state.get("imagePathList") or state.get("productId")):
            return state, name  # DCData: the gallery (and sometimes the id) before the app fetches the rest
    return {}, None


def _money_value(value, currency: str, locale: str):
    """An amount as the item state gives it: {"value", "currency"}, {"formatedAmount"}, a number or a text."""
    if isinstance(value, dict):
        code = pick_first(value, "currency", "currencyCode", coerce=as_str) or currency
        found = money(value.get("value"), code) if isinstance(value.get("value"), (int, float, str)) \
            and not isinstance(value.get("value"), bool) and re.fullmatch(r"\d+(?:\.\d+)?", str(value.get("value"))) \
            else None
        return found or _price(pick_first(value, "formatedAmount", "formattedAmount", coerce=as_str), code, locale)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return money(value, currency)
    return _price(as_str(value), currency, locale)


@register
class AliexpressItemParser(_AliexpressParser):
    """Item pages (``/item/<id>.html``) and the mtop ``pdp.pc.query`` answer the page fetches.

    The item data is found wherever the page keeps it: ``window.runParams.data`` (old ``*Module`` and
    newer ``*Component`` blocks), ``window.__INIT_DATA__`` / ``_init_data_`` and the mtop result
    (``PRODUCT_TITLE``, ``PRICE.targetSkuPriceInfo``, ``GLOBAL_DATA.globalData``, ``SHOP_CARD_PC``,
    ``HEADER_IMAGE_PC``, ``PC_RATING``, ``QUANTITY_PC``), ``window._d_c_.DCData`` (gallery). The id
    is the data's own; the URL's only when the page names it too. Open Graph tags are the last
    resort, when ``og:url`` names the item. A list page under an item URL is refused."""
    page_type = "item"
    url_pattern = _HOST + r"/item/(?:[^/?#]*/)?\d+\.html"

    def sniff(self, page: Page) -> bool:
        if not _is_aliexpress(page) and not page.is_json:
            return False
        if page.is_json and "PRODUCT_TITLE" not in page.text and "productInfoComponent" not in page.text:
            return False
        data, _name = _item_data(page)
        return bool(data) and any(k in data for k in ("PRODUCT_TITLE", "productInfoComponent", "titleModule"))

    def accepts(self, page: Page) -> bool:
        return _is_aliexpress(page) or (page.is_json and "PRODUCT_TITLE" in page.text)

    def parse(self, page: Page) -> Iterator:
        data, _name = _item_data(page)
        url_match = _ITEM_LINK.search(page.url or "")
        named = _ITEM_LINK.search(page.meta.get("og:url", "")) or _ITEM_LINK.search(
            page.sel.xpath("//link[@rel='canonical']/@href").get() or "") if not page.is_json else None
        item_id = pick_first(data, "productInfoComponent.id", "actionModule.productId", "commonModule.productId",
                             "pageModule.productId", "GLOBAL_DATA.globalData.productId", "productId",
                             "PRODUCT_TITLE.productId", coerce=as_digits) if data else None
        item_id = item_id or (named.group(1) if named else None)
        if not item_id and url_match and data and url_match.group(1) in page.text:
            item_id = url_match.group(1)  # the page's own data names the URL's item
        title = pick_first(data, "productInfoComponent.subject", "titleModule.subject", "PRODUCT_TITLE.text",
                           "pageModule.title", "subject", coerce=as_str) if data else None
        from_state = title is not None
        if not data or (title is None and not item_id):
            if AliexpressSearchParser._state_products(page) or len(AliexpressSearchParser._cards(page)) > 1:
                raise self.changed("a list of products, not an item page")
        if title is None:
            title = page.meta.get("og:title") if named else None
            if not title:
                raise self.changed("no item data (window.runParams, __INIT_DATA__, mtop result) and no og:title "
                                   "naming the item")
        if not item_id:
            raise self.changed("no product id in the page's own data")
        host = _site(page)
        currency, locale = _currency_and_locale(page, host)
        currency = pick(data, "GLOBAL_DATA.globalData.currencyCode", as_str) or currency

        def amount(*paths):
            for path in paths:
                found = _money_value(pick(data, path), currency, locale)
                if found is not None:
                    return found
            return None

        images = pick_first(data, "imageComponent.imagePathList", "imageModule.imagePathList",
                            "HEADER_IMAGE_PC.imagePathList", "imagePathList") or [page.meta.get("og:image")]
        store_id = pick_first(data, "sellerComponent.storeNum", "storeModule.storeNum", "SHOP_CARD_PC.sellerInfo.storeNum",
                              "SHOP_CARD_PC.storeNum", "GLOBAL_DATA.globalData.storeId", "sellerComponent.sellerAdminSeq",
                              "storeModule.sellerAdminSeq", "GLOBAL_DATA.globalData.sellerId", coerce=as_str)
        store_name = pick_first(data, "sellerComponent.storeName", "storeModule.storeName", "SHOP_CARD_PC.storeName",
                                "SHOP_CARD_PC.sellerInfo.storeName", coerce=as_str)
        store_url = pick_first(data, "sellerComponent.storeURL", "storeModule.storeURL", "SHOP_CARD_PC.sellerInfo.storeURL",
                               "SHOP_CARD_PC.storeURL", coerce=as_str)
        stock = pick_first(data, "inventoryComponent.totalAvailQuantity", "quantityModule.totalAvailQuantity",
                           "QUANTITY_PC.totalAvailableInventory", coerce=parse_count)
        price = amount("priceComponent.discountPrice.minActivityAmount", "priceModule.minActivityAmount",
                       "priceModule.formatedActivityPrice", "PRICE.targetSkuPriceInfo.salePrice",
                       "PRICE.targetSkuPriceInfo.salePriceString", "priceComponent.origPrice.minAmount",
                       "priceModule.minAmount", "priceModule.formatedPrice")
        price_max = amount("priceComponent.discountPrice.maxActivityAmount", "priceModule.maxActivityAmount")
        original = amount("priceComponent.origPrice.minAmount", "priceModule.minAmount", "priceModule.formatedPrice",
                          "PRICE.targetSkuPriceInfo.originalPrice")
        return iter([self.record(
            page, "listing", extractor=("api" if _name == "api" else "hydration") if from_state else "meta",
            id=item_id,
            url=_item_url(host, item_id),
            partial=not from_state or price is None,
            title=title,
            price=price,
            price_max=price_max if price_max != price else None,
            original_price=original if original != price else None,  # no discount: the list price is the price
            seller={"id": store_id, "handle": None, "name": store_name, "url": absolute_url(store_url)}
            if store_id or store_name else None,
            sold_count=pick_first(data, "tradeComponent.formatTradeCount", "titleModule.formatTradeCount",
                                  "titleModule.tradeCount", "TRADE.formatTradeCount", "TRADE.tradeCount",
                                  coerce=parse_count),
            rating=pick_first(data, "feedbackComponent.evarageStar", "titleModule.feedbackRating.averageStar",
                              "PC_RATING.rating", coerce=_rating),
            review_count=pick_first(data, "feedbackComponent.totalValidNum",
                                    "titleModule.feedbackRating.totalValidNum", "PC_RATING.totalValidNum",
                                    coerce=parse_count),
            availability=None if stock is None else ("in_stock" if stock > 0 else "out_of_stock"),
            images=[u for u in (absolute_url(i) for i in as_list(images) if isinstance(i, str)) if u],
        )])
