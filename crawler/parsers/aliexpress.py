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

Item pages (``/item/<id>.html``) are read from ``window.runParams.data`` (the
``*Module`` and newer ``*Component`` blocks), with Open Graph tags as a last resort.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from parsel import Selector

from crawler.helpers.counts import parse_count
from crawler.helpers.embedded import js_assignment
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
    host = page.host if "aliexpress." in page.host else ""
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


class _AliexpressParser(Parser):
    platform = "aliexpress"

    def detect_block(self, page: Page) -> str | None:
        if "_____tmd_____/punish" in page.text[:20000] or page.sel.css("#baxia-punish, .baxia-punish"):
            return "captcha"
        return None


@register
class AliexpressSearchParser(_AliexpressParser):
    page_type = "search"
    url_pattern = _HOST + r"/(?:w/wholesale|wholesale|popular/|category/|af/|premium/|gcp/)"

    def sniff(self, page: Page) -> bool:
        if page.is_json or "aliexpress" not in page.text[:20000].lower():
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


@register
class AliexpressItemParser(_AliexpressParser):
    page_type = "item"
    url_pattern = _HOST + r"/item/(?:[^/?#]*/)?\d+\.html"

    def parse(self, page: Page) -> Iterator:
        match = _ITEM_LINK.search(page.url) or _ITEM_LINK.search(page.meta.get("og:url", ""))
        state = js_assignment(page.text, "window.runParams")
        data = pick(state, "data") if isinstance(pick(state, "data"), dict) else state
        data = data if isinstance(data, dict) else {}
        item_id = (match.group(1) if match else None) or pick_first(
            data, "productInfoComponent.id", "actionModule.productId", "commonModule.productId",
            "pageModule.productId", coerce=as_digits)
        if not item_id:
            raise self.changed("no product id in the URL or the page state")
        host = _site(page)
        currency, locale = _currency_and_locale(page, host)
        title = pick_first(data, "productInfoComponent.subject", "titleModule.subject", "pageModule.title",
                           coerce=as_str) or page.meta.get("og:title")
        if not data and not title:
            raise self.changed("no window.runParams product data and no og:title on the item page")

        def amount(*paths):
            for path in paths:
                value = pick(data, path)
                if isinstance(value, dict):
                    found = money(value.get("value"), as_str(value.get("currency")) or currency)
                elif isinstance(value, str):
                    found = _price(value, currency, locale)
                else:
                    found = None
                if found is not None:
                    return found
            return None

        images = pick_first(data, "imageComponent.imagePathList", "imageModule.imagePathList") or [page.meta.get("og:image")]
        store_id = pick_first(data, "sellerComponent.storeNum", "storeModule.storeNum", "sellerComponent.sellerAdminSeq",
                              "storeModule.sellerAdminSeq", coerce=as_str)
        store_name = pick_first(data, "sellerComponent.storeName", "storeModule.storeName", coerce=as_str)
        store_url = pick_first(data, "sellerComponent.storeURL", "storeModule.storeURL", coerce=as_str)
        stock = pick_first(data, "inventoryComponent.totalAvailQuantity", "quantityModule.totalAvailQuantity",
                           coerce=parse_count)
        price = amount("priceComponent.discountPrice.minActivityAmount", "priceModule.minActivityAmount",
                       "priceModule.formatedActivityPrice", "priceComponent.origPrice.minAmount",
                       "priceModule.minAmount", "priceModule.formatedPrice")
        price_max = amount("priceComponent.discountPrice.maxActivityAmount", "priceModule.maxActivityAmount")
        original = amount("priceComponent.origPrice.minAmount", "priceModule.minAmount", "priceModule.formatedPrice")
        return iter([self.record(
            page, "listing", extractor="hydration" if data else "meta",
            id=item_id,
            url=_item_url(host, item_id),
            title=title,
            price=price,
            price_max=price_max if price_max != price else None,
            original_price=original if original != price else None,  # no discount: the list price is the price
            seller={"id": store_id, "handle": None, "name": store_name, "url": absolute_url(store_url)}
            if store_id or store_name else None,
            sold_count=pick_first(data, "tradeComponent.formatTradeCount", "titleModule.formatTradeCount",
                                  "titleModule.tradeCount", coerce=parse_count),
            rating=pick_first(data, "feedbackComponent.evarageStar", "titleModule.feedbackRating.averageStar",
                              coerce=_rating),
            review_count=pick_first(data, "feedbackComponent.totalValidNum",
                                    "titleModule.feedbackRating.totalValidNum", coerce=parse_count),
            availability=None if stock is None else ("in_stock" if stock > 0 else "out_of_stock"),
            images=[u for u in (absolute_url(i) for i in as_list(images) if isinstance(i, str)) if u],
        )])
