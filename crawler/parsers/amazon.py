"""Amazon (any marketplace: amazon.com, .es, .de, .co.uk, .com.mx, .co.jp ...): search results and product pages.

Amazon keeps its data in the server-rendered DOM, not in a state script:

- search (``/s?k=...``): one ``div[data-component-type="s-search-result"][data-asin]``
  per result. Each card is read on its own (a card without a price must not
  borrow its neighbour's); inside it the ``data-cy`` recipes name the parts:
  ``title-recipe`` (the linked ``h2``; an unlinked ``h2`` above it is the
  brand), ``reviews-block`` (stars and ratings count) and ``price-recipe`` (the
  card's own first format; other formats listed below it are not its price).
  Cards with an empty ``data-asin`` are placeholders; sponsored cards are real
  products and are kept, flagged ``signals.sponsored``.
- product (``/dp/<ASIN>``, ``/gp/product/<ASIN>``): ``#productTitle``; the ASIN
  from the page itself (``input#ASIN``, canonical link, ``data-asin``; the URL's
  only when the page names it too). The buy box: its offers in
  ``.twister-plus-buying-options-price-data`` (JSON with ``priceAmount`` and
  ``buyingOptionType`` NEW/USED), the add-to-cart form's ``customerVisiblePrice``
  inputs, the accordion rows' price blocks (``data-csa-c-buying-option-type``)
  and the older ``#usedOnlyBuybox`` / ``#usedBuySection``: the NEW offer when
  there is one, else the offer there is (a used-only buy box gives the used
  price and condition "used"); then the ``#corePrice...`` blocks (strike price
  ``data-a-strike`` = list price; per-unit ``.a-text-price`` is never the price);
  ``#acrPopover`` / ``#acrCustomerReviewText``, ``#bylineInfo`` (brand),
  ``#availability`` / add-to-cart button, ``#merchantInfoFeature_feature_div`` /
  ``#sellerProfileTriggerId`` (seller), ``#wayfinding-breadcrumbs_feature_div``
  and the image block's ``colorImages`` (else ``#landingImage``).

Displayed money is parsed in the marketplace's own locale ("52,41 €" on
amazon.es, "1.234,56 €" on amazon.de, "￥1,980" on amazon.co.jp, "₹1,23,450.00"
on amazon.in, "$13.99" on amazon.com). A search page served under a product URL
is not a product: the product parser refuses it (PageChanged) and the search
parser, which recognises the result cards by content, reads it. The robot check page (a form posting to
``/errors/validateCaptcha``) is reported as a captcha block.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit

from parsel import Selector

from crawler.helpers.counts import parse_count
from crawler.helpers.embedded import js_property, parse_json
from crawler.helpers.money import currency_of, money, parse_money
from crawler.helpers.paths import as_float, as_list, as_str, find_dicts, pick
from crawler.helpers.text import absolute_url
from crawler.page import Page
from crawler.parsers.base import Parser, require
from crawler.registry import register

_HOST = r"^https?://(?:www\.|smile\.|m\.)?amazon\.(?:com|ca|com\.mx|com\.br|co\.uk|de|fr|it|es|nl|se|pl|com\.tr|com\.be|ie|ae|sa|eg|in|co\.jp|com\.au|sg|cn)"

# marketplace suffix -> (currency, locale its prices are written in)
_MARKETS = {
    "com": ("USD", "en_US"), "ca": ("CAD", "en_CA"), "com.mx": ("MXN", "es_MX"), "com.br": ("BRL", "pt_BR"),
    "co.uk": ("GBP", "en_GB"), "de": ("EUR", "de_DE"), "fr": ("EUR", "fr_FR"), "it": ("EUR", "it_IT"),
    "es": ("EUR", "es_ES"), "nl": ("EUR", "nl_NL"), "ie": ("EUR", "en_IE"), "com.be": ("EUR", "fr_BE"),
    "se": ("SEK", "sv_SE"), "pl": ("PLN", "pl_PL"), "com.tr": ("TRY", "tr_TR"), "ae": ("AED", "en_AE"),
    "sa": ("SAR", "en_US"), "eg": ("EGP", "en_US"), "in": ("INR", "en_IN"), "co.jp": ("JPY", "ja_JP"),
    "com.au": ("AUD", "en_AU"), "sg": ("SGD", "en_SG"), "cn": ("CNY", "zh_CN"),
}
_ASIN = re.compile(r"^[A-Z0-9]{10}$")
_ASIN_IN_URL = re.compile(r"/(?:dp|gp/product|gp/aw/d|exec/obidos/ASIN)/([A-Z0-9]{10})(?=[/?#]|$)", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")

# the byline's wording per language, when its link does not name the brand itself
_BYLINE = [re.compile(p, re.I) for p in (
    r"^(?:brand|marca|marke|marque|merk|marka|märke|ブランド)\s*[:：]\s*(.+)$",
    r"^visit the (.+) store$", r"^visita la tienda de (.+)$", r"^besuchen? (?:sie )?den (.+)-store$",
    r"^visiter la boutique (.+)$", r"^visita lo store di (.+)$", r"^bezoek de (.+)-winkel$",
    r"^visite a loja (?:da |de |do )?(.+)$", r"^(.+)のストアを表示$", r"^odwiedź sklep (.+)$", r"^besök (.+)-butiken$",
)]
_CONDITIONS = {"NEW": "new", "USED": "used", "REFURBISHED": "refurbished", "RENEWED": "refurbished"}


def _market(page: Page) -> tuple[str, str, str]:
    """(host, currency, locale) of the page's marketplace; amazon.com when the URL names none."""
    host = page.host
    if "amazon." not in host:
        canonical = page.sel.css('link[rel="canonical"]::attr(href)').get() or page.meta.get("og:url") or ""
        host = (urlsplit(canonical).hostname or "").lower()
    if "amazon." not in host:
        host = "www.amazon.com"
    suffix = host.split("amazon.", 1)[1]
    currency, locale = _MARKETS.get(suffix, _MARKETS["com"])
    return host, currency, locale


def _text(node) -> str | None:
    """An element's text as written, without the markup's indentation around it (``#productTitle``)."""
    if node is None:
        return None
    text = "".join(node.css("::text").getall()).strip()
    return text or None


def _first(sel: Selector, *queries: str):
    for query in queries:
        found = sel.css(query)
        if found:
            return found[0]
    return None


def _rating(text: str | None) -> float | None:
    """"4.5 out of 5 stars", "4,3 de 5 estrellas", "5つ星のうち4.3": the number that is not the scale's 5."""
    if not text:
        return None
    numbers = _NUMBER.findall(text)
    if "5" in numbers and len(numbers) > 1:
        numbers.remove("5")
    value = as_float(numbers[0]) if numbers else None
    return value if value is not None and 0 <= value <= 5 else None


def _count(text: str | None) -> int | None:
    """A ratings count as any marketplace groups it: "2,345", "1.234", "1,04,512" (parse_count reads them all)."""
    return parse_count(text) if text else None


def _price_text(node) -> str | None:
    """A ``.a-price``'s text: its screen-reader copy, else the visible whole/fraction/symbol parts."""
    if node is None:
        return None
    offscreen = "".join(node.css(".a-offscreen::text").getall()).strip()
    if offscreen:
        return offscreen
    visible = "".join(node.css('[aria-hidden="true"] ::text').getall()).strip()
    return visible or None


def _blocked(page: Page) -> str | None:
    if page.is_json:
        return None
    if page.sel.css('form[action*="/errors/validateCaptcha"], input#captchacharacters'):
        return "captcha"
    return None


@register
class AmazonSearchParser(Parser):
    platform = "amazon"
    page_type = "search"
    url_pattern = _HOST + r"/s(?:[/?]|$)"
    priority = 10

    def sniff(self, page: Page) -> bool:
        return not page.is_json and 'data-component-type="s-search-result"' in page.text

    def detect_block(self, page: Page) -> str | None:
        return _blocked(page)

    def parse(self, page: Page) -> Iterator:
        if page.is_json:
            raise self.changed("expected an HTML search page, got JSON")
        cards = page.sel.css('div[data-component-type="s-search-result"]')
        require(cards, self, 'search result cards (div[data-component-type="s-search-result"])')
        host, currency, locale = _market(page)
        for card in cards:
            asin = as_str((card.attrib.get("data-asin") or "").strip())
            if not asin or not _ASIN.match(asin):
                continue  # placeholder card
            yield self._card(page, card, asin, host, currency, locale)

    def _card(self, page: Page, card: Selector, asin: str, host: str, currency: str, locale: str):
        title_h2 = _first(card, '[data-cy="title-recipe"] a h2', "a h2", "h2[aria-label]", "h2")
        linked = card.css('[data-cy="title-recipe"] a h2')
        brand_h2 = card.xpath('.//*[@data-cy="title-recipe"]//h2[not(ancestor::a)]') if linked else []
        price, original = self._prices(card, currency, locale)
        rating = _rating(_text(_first(card, '[data-cy="reviews-ratings-slot"] .a-icon-alt',
                                      '[data-cy="reviews-block"] .a-icon-alt', "i[class*='a-star'] .a-icon-alt")))
        sponsored = bool(card.css(".AdHolder, .puis-sponsored-label-text")) or "AdHolder" in card.attrib.get("class", "")
        image = absolute_url(card.css('[data-component-type="s-product-image"] img::attr(src), img.s-image::attr(src)').get())
        return self.record(
            page, "listing", extractor="dom",
            id=asin,
            url="https://%s/dp/%s" % (host, asin),
            title=_text(title_h2),
            brand=_text(brand_h2[0]) if brand_h2 else None,
            price=price,
            original_price=original,
            rating=rating,
            review_count=self._review_count(card),
            images=[image] if image else [],
            signals={"sponsored": True} if sponsored else {},
        )

    @staticmethod
    def _prices(card: Selector, currency: str, locale: str):
        """Price and strike price of the card's own first format (``price-recipe``) only."""
        block = card.css('[data-cy="price-recipe"]')
        scope = block[0] if block else card
        now = _first(scope, '.a-price:not([data-a-strike="true"]):not(.a-text-price)')  # a-text-price: per-unit, strike
        if now is None:
            return None, None
        was = scope.css('.a-price[data-a-strike="true"]')
        price = parse_money(_price_text(now), currency, locale)
        original = parse_money(_price_text(was[0]), currency, locale) if was else None
        return price, original

    @staticmethod
    def _review_count(card: Selector) -> int | None:
        for link in card.css('[data-cy="reviews-block"] a:not([role="button"]), '
                             '[data-csa-c-content-id="alf-customer-ratings-count-component"] a'):
            count = _count(link.attrib.get("aria-label")) or _count(_text(link))
            if count is not None:
                return count
        return None


@register
class AmazonProductParser(Parser):
    platform = "amazon"
    page_type = "product"
    url_pattern = _HOST + r"/(?:[^?#]*/)?(?:dp|gp/product|gp/aw/d)/[A-Z0-9]{10}"
    priority = 10

    def sniff(self, page: Page) -> bool:
        return (not page.is_json and 'id="productTitle"' in page.text
                and ("media-amazon.com" in page.text or "amazon." in page.host))

    def detect_block(self, page: Page) -> str | None:
        return _blocked(page)

    def parse(self, page: Page) -> Iterator:
        if page.is_json:
            raise self.changed("expected an HTML product page, got JSON")
        sel = page.sel
        if not sel.css("#productTitle, #ebooksProductTitle") and sel.css('div[data-component-type="s-search-result"]'):
            raise self.changed("a search result page, not a product page")
        title = require(_text(_first(sel, "#productTitle", "#ebooksProductTitle")), self, "#productTitle")
        asin = self._asin(page)
        host, currency, locale = _market(page)
        price, condition = self._offer(sel, currency, locale)
        yield self.record(
            page, "listing", extractor="dom",
            id=asin,
            url=self._url(page, host, asin),
            title=title,
            description=self._description(sel),
            price=price,
            original_price=self._original_price(sel, currency, locale),
            seller=self._seller(page),
            rating=_rating(_text(_first(sel, "#acrPopover .a-icon-alt")) or sel.css("#acrPopover::attr(title)").get()),
            review_count=_count(_text(_first(sel, "#acrCustomerReviewText", '[data-hook="total-review-count"]'))),
            condition=condition,
            availability=self._availability(sel),
            brand=self._brand(sel),
            category=" > ".join(t for t in (_text(a) for a in sel.css("#wayfinding-breadcrumbs_feature_div a")) if t) or None,
            images=self._images(page),
        )

    def _asin(self, page: Page) -> str:
        """The product's ASIN from the page itself (``input#ASIN``, the canonical link, the product's own
        ``data-asin``); the URL's ASIN only when the page names it too."""
        sel = page.sel
        for value in sel.css('#ASIN::attr(value), input[name="ASIN"]::attr(value)').getall():
            if _ASIN.match(value.strip()):
                return value.strip()
        for link in (sel.css('link[rel="canonical"]::attr(href)').get(), page.meta.get("og:url")):
            match = _ASIN_IN_URL.search(link or "")
            if match:
                return match.group(1).upper()
        match = _ASIN_IN_URL.search(page.url or "")
        url_asin = match.group(1).upper() if match else None
        if url_asin and sel.xpath("//*[@data-asin=$a or @data-csa-c-asin=$a]", a=url_asin):
            return url_asin
        raise self.changed("no ASIN on the page (input#ASIN, canonical link, data-asin)")

    @staticmethod
    def _url(page: Page, host: str, asin: str) -> str:
        canonical = absolute_url(page.sel.css('link[rel="canonical"]::attr(href)').get())
        match = _ASIN_IN_URL.search(canonical or "")
        if canonical and match and match.group(1).upper() == asin:
            return canonical
        return "https://%s/dp/%s" % (host, asin)

    @staticmethod
    def _json_offers(sel: Selector) -> list[dict]:
        """The buy box's offers from the buying-options JSON, when the page has it."""
        for raw in sel.css(".twister-plus-buying-options-price-data::text").getall():
            try:
                data = parse_json(raw)
            except ValueError:
                continue
            offers = find_dicts(data, lambda d: "priceAmount" in d)
            if offers:
                return offers
        return []

    @staticmethod
    def _dom_offers(sel: Selector, currency: str, locale: str) -> list[tuple[str | None, object]]:
        """(buying option type, price) of each offer block of the buy box: the accordion rows
        (``data-csa-c-buying-option-type`` NEW / USED ...) and the older used-only boxes."""
        out = []
        blocks = sel.xpath(  # the buy box's own rows, not the all-offers layer, "more buying choices" or carousels
            "//*[@data-csa-c-buying-option-type][not(.//*[@data-csa-c-buying-option-type])]"
            "[not(ancestor::*[@id='aod-container' or @id='all-offers-display' or @id='mbc' or @id='olp_feature_div'"
            " or contains(@class, 'a-carousel')])]")
        for block in blocks:
            node = _first(block, ".priceToPay", ".apexPriceToPay", '.a-price:not(.a-text-price):not([data-a-strike="true"])')
            found = parse_money(_price_text(node), currency, locale) if node is not None else None
            if found is not None:
                out.append((block.attrib.get("data-csa-c-buying-option-type", "").upper() or None, found))
        for box in sel.css("#usedOnlyBuybox, #usedBuySection, #usedbuyBox"):
            node = _first(box, ".a-price:not(.a-text-price)", ".offer-price", "#usedPrice", ".a-color-price")
            text = _price_text(node) if node is not None and node.css(".a-offscreen") else _text(node)
            found = parse_money(text, currency, locale)
            if found is not None:
                out.append(("USED", found))
        return out

    def _offer(self, sel: Selector, currency: str, locale: str):
        """(price, condition) of the buy box: its NEW offer when it has one, else the offer it has (a
        used-only buy box gives the used price, condition "used"). Per-unit prices are never the price."""
        offers = self._json_offers(sel)
        if offers:
            offer = next((o for o in offers if o.get("buyingOptionType") == "NEW"), offers[0])
            code = currency_of(as_str(offer.get("currencySymbol")) or "", currency)
            found = money(offer.get("priceAmount"), code)
            if found:
                return found, _CONDITIONS.get((as_str(offer.get("buyingOptionType")) or "").upper())
        dom_offers = self._dom_offers(sel, currency, locale)
        kinds = [k for k, _ in dom_offers]
        amount = sel.css('input[name$="[customerVisiblePrice][amount]"]::attr(value)').get()
        code = sel.css('input[name$="[customerVisiblePrice][currencyCode]"]::attr(value)').get()
        if amount and code and re.fullmatch(r"[A-Z]{3}", code.strip()):
            found = money(amount.strip(), code.strip())
            if found:
                kind = "NEW" if "NEW" in kinds else (kinds[0] if kinds else None)
                return found, _CONDITIONS.get(kind or "")
        if dom_offers:
            kind, found = next(((k, p) for k, p in dom_offers if k == "NEW"), dom_offers[0])
            return found, _CONDITIONS.get(kind or "")
        node = _first(sel, "#corePriceDisplay_desktop_feature_div .priceToPay", "#corePrice_feature_div .a-price:not(.a-text-price)",
                      "#corePrice_desktop .a-price:not([data-a-strike])", "#apex_desktop .priceToPay",
                      "#priceblock_dealprice", "#priceblock_ourprice", "#price_inside_buybox")
        text = _price_text(node) if node is not None and node.css(".a-offscreen, [aria-hidden]") else _text(node)
        return parse_money(text, currency, locale), None

    @staticmethod
    def _original_price(sel: Selector, currency: str, locale: str):
        node = _first(sel, '#corePriceDisplay_desktop_feature_div .a-price[data-a-strike="true"]',
                      '#corePrice_desktop .a-price[data-a-strike="true"]', '#corePrice_feature_div .a-price[data-a-strike="true"]',
                      '#apex_desktop .a-price[data-a-strike="true"]', "#listPrice", ".priceBlockStrikePriceString")
        text = _price_text(node) if node is not None and node.css(".a-offscreen") else _text(node)
        return parse_money(text, currency, locale)

    @staticmethod
    def _condition(sel: Selector, offer: dict | None) -> str | None:
        kind = as_str(offer.get("buyingOptionType")) if offer else None
        kind = kind or sel.css("#corePrice_feature_div [data-csa-c-buying-option-type]::attr(data-csa-c-buying-option-type)").get()
        return _CONDITIONS.get((kind or "").upper())

    @staticmethod
    def _availability(sel: Selector) -> str | None:
        if sel.css("#outOfStock"):
            return "out_of_stock"
        if sel.css("#add-to-cart-button, #buy-now-button, #availability .a-color-success"):
            return "in_stock"
        return None

    @staticmethod
    def _brand(sel: Selector) -> str | None:
        byline = sel.css("#bylineInfo")
        href = byline.attrib.get("href", "") if byline else ""
        named = parse_qs(urlsplit(href).query).get("field-brandtextbin")
        if named and named[0].strip():
            return named[0].strip()
        text = _text(byline[0]) if byline else None
        for pattern in _BYLINE:
            match = pattern.match(text or "")
            if match:
                return match.group(1).strip()
        overview = _text(_first(sel, "#productOverview_feature_div tr.po-brand td:last-child"))
        if overview:
            return overview
        store = re.search(r"/stores/([^/?#]+)/", href)
        return unquote_plus(unquote(store.group(1))) if store else None

    @staticmethod
    def _seller(page: Page) -> dict | None:
        sel = page.sel
        trigger = sel.css("#sellerProfileTriggerId")
        name = _text(trigger[0]) if trigger else None
        name = name or _text(_first(sel, "#merchantInfoFeature_feature_div .offer-display-feature-text-message"))
        if not name:
            return None
        href = trigger[0].attrib.get("href") if trigger else None
        seller_id = (parse_qs(urlsplit(href or "").query).get("seller") or [None])[0]
        seller_id = seller_id or as_str(sel.css("#merchantID::attr(value)").get())
        url = absolute_url(href, "https://%s/" % _market(page)[0]) if href else None
        return {"id": seller_id, "name": name, "url": url}

    @staticmethod
    def _description(sel: Selector) -> str | None:
        node = _first(sel, "#productDescription")
        description = " ".join(t.strip() for t in node.css("::text").getall() if t.strip()) if node is not None else None
        if description:
            return description
        bullets = [t for t in (_text(li) for li in sel.css("#feature-bullets li")) if t]
        return "\n".join(bullets) or None

    @staticmethod
    def _images(page: Page) -> list[str]:
        images: list[str] = []
        gallery = js_property(page.text, "colorImages")
        for item in as_list(pick(gallery, "initial")):
            url = absolute_url(pick(item, "hiRes", as_str) or pick(item, "large", as_str))
            if url and url not in images:
                images.append(url)
        if images:
            return images
        landing = page.sel.css("#landingImage, #imgBlkFront")
        if landing:
            url = absolute_url(landing[0].attrib.get("data-old-hires"))
            if not url:
                try:
                    sizes = parse_json(landing[0].attrib.get("data-a-dynamic-image") or "{}")
                except ValueError:
                    sizes = {}
                if isinstance(sizes, dict) and sizes:
                    url = absolute_url(max(sizes, key=lambda u: sum(v for v in as_list(sizes[u]) if isinstance(v, int))))
            url = url or absolute_url(landing[0].attrib.get("src"))
            if url:
                images.append(url)
        return images
