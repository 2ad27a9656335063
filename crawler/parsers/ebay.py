"""eBay: search result pages (``/sch/i.html``) and item pages (``/itm/<id>``).

Search pages, including sold/completed searches (``LH_Sold=1``, ``LH_Complete=1``)
and a seller's items (``_ssn=<seller>``), carry no product state in JSON: the
listings are the DOM cards, ``li.s-card`` (the current layout) or ``li.s-item``
(the older one). A card is read by meaning, not by position:

- its id is the card's ``data-listingid`` or the ``/itm/<id>`` of its link; the
  "Shop on eBay" placeholder eBay puts first (a fake ``/itm/123456`` link under
  another listing id) is skipped;
- its rows are classified by what they say: "Sold  Mar 7, 2026" / "Ended ..."
  (sold_at, availability), "Pre-Owned" / "Brand New" (condition), "Free delivery"
  / "+$12.00 delivery" (shipping), "Located in ..." (location), "NN% positive (n)"
  (seller), "N sold"; a struck-through price is the original price, and on a
  "Best offer accepted" sale the real price is hidden (price null).

Prices are in the site's currency (ebay.com USD, ebay.co.uk GBP, ebay.de EUR...)
unless the text names another. A seller's items page also yields the seller's
account record from its store card.

Item pages (2025 evo, 2022-2024 and 2020 layouts) are read from their schema.org
Product (JSON-LD or microdata, ``crawler.helpers.structured``) and their own DOM;
see ``EbayItemParser``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, quote, urlsplit

from parsel import Selector

from crawler.helpers.counts import parse_count
from crawler.helpers import schema_org
from crawler.helpers.structured import extractor_of as structured_extractor
from crawler.helpers.structured import structured_items, structured_products
from crawler.helpers.money import money, parse_money, parse_money_range
from crawler.helpers.paths import as_float, as_str
from crawler.helpers.text import absolute_url
from crawler.helpers.times import from_display_date
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

_HOST = r"^https?://(?:www\.|m\.)?ebay\.(?:com|ca|co\.uk|com\.au|de|fr|it|es|at|ch|ie|nl|be|pl|com\.sg|com\.my|ph|com\.hk|in)"

# the site's currency and number locale, from the host's suffix
_SITES = {
    "com": ("USD", "en_US"), "ca": ("CAD", "en_CA"), "co.uk": ("GBP", "en_GB"), "com.au": ("AUD", "en_AU"),
    "de": ("EUR", "de_DE"), "fr": ("EUR", "fr_FR"), "it": ("EUR", "it_IT"), "es": ("EUR", "es_ES"),
    "at": ("EUR", "de_AT"), "ie": ("EUR", "en_IE"), "nl": ("EUR", "nl_NL"), "be": ("EUR", "fr_BE"),
    "ch": ("CHF", "de_CH"), "pl": ("PLN", "pl_PL"), "com.sg": ("SGD", "en_SG"), "com.my": ("MYR", "en_MY"),
    "ph": ("PHP", "en_PH"), "com.hk": ("HKD", "zh_HK"), "in": ("INR", "en_IN"),
}

_ITEM_ID = re.compile(r"/itm/(?:[^/?#]+/)?(\d{6,})")
_PLACEHOLDER_TITLES = ("shop on ebay",)

# what a card's rows say, matched on their whitespace-collapsed text
_SOLD = re.compile(r"^(?:Sold|Verkauft|Vendu|Venduto|Vendido|Sprzedane)\s+(.+)$", re.I)
_ENDED = re.compile(r"^(?:Ended|Beendet|Terminé|Terminato|Finalizado|Zakończone)\b", re.I)
_FREE_SHIPPING = re.compile(r"^(?:Free|Kostenlos|Gratis|Gratuit|Livraison gratuite|Spedizione gratuita|Envío gratis)"
                            r"(?:\s+(?:\w+\s+)?(?:delivery|shipping|postage|Versand|Lieferung))?$", re.I)
_PAID_SHIPPING = re.compile(r"^\+?\s*(.*\d.*?)\s+(?:delivery|shipping|postage|Versand|livraison|spedizione|envío)"
                            r"(?:\s+estimate)?$", re.I)
_LOCATION = re.compile(r"^(?:Located in|from|Standort:?|Aus|Lieu où se trouve l'objet\s*:)\s+(.+)$", re.I)
_SOLD_COUNT = re.compile(r"^([\d.,\s]+\+?\s*[KkMm]?)\s+sold$", re.I)
_SELLER_NEW = re.compile(r"^(\S+)\s+(\d+(?:[.,]\d+)?)%\s+positive(?:\s+feedback)?\s*\(([\d.,]+\s*[KkMm]?)\)$", re.I)
_SELLER_OLD = re.compile(r"^(\S+)\s+\(([\d.,]+\s*[KkMm]?)\)\s+(\d+(?:[.,]\d+)?)%$")
_BEST_OFFER_ACCEPTED = re.compile(r"^Best offer accepted$", re.I)
_LAST_ONE = re.compile(r"^(?:Last one|Only \d+ left|\d+ available|More than \d+ available)$", re.I)
_STARS = re.compile(r"(\d(?:[.,]\d)?) out of 5 stars", re.I)
_RATINGS = re.compile(r"^([\d.,]+\s*[KkMm]?) product ratings?$", re.I)
_FITMENT = re.compile(r" \(For: [^()]*\)$")

# condition words eBay prints under the title, lower-cased
_CONDITIONS = {
    "brand new": "new", "new": "new", "new (other)": "new", "new other": "new", "new with tags": "new",
    "new without tags": "new", "new with box": "new", "new without box": "new", "open box": "new",
    "neu": "new", "neuf": "new", "nuovo": "new", "nuevo": "new", "nowy": "new",
    "pre-owned": "used", "used": "used", "for parts or not working": "used", "parts only": "used",
    "gebraucht": "used", "d'occasion": "used", "occasion": "used", "usato": "used", "usado": "used",
    "de segunda mano": "used", "używany": "used",
    "refurbished": "refurbished", "certified - refurbished": "refurbished", "seller refurbished": "refurbished",
    "excellent - refurbished": "refurbished", "very good - refurbished": "refurbished",
    "good - refurbished": "refurbished", "manufacturer refurbished": "refurbished",
    "generalüberholt": "refurbished", "reconditionné": "refurbished", "ricondizionato": "refurbished",
}


def _collapsed(text: str | None) -> str:
    return " ".join((text or "").split())


def _site(url: str) -> tuple[str, str, str]:
    """(origin, currency, locale) of the eBay site a URL is on; ebay.com when unknown."""
    host = (urlsplit(url).hostname or "").lower() if url else ""
    match = re.search(r"(?:^|\.)ebay\.([a-z.]+)$", host)
    suffix = match.group(1) if match and match.group(1) in _SITES else "com"
    currency, locale = _SITES[suffix]
    return "https://www.ebay.%s" % suffix, currency, locale


def _page_url(page: Page) -> str:
    return page.url or page.meta.get("og:url") or ""


def _condition(text: str) -> str | None:
    return _CONDITIONS.get(_collapsed(text).lower())


def _rating(value) -> float | None:
    """A rating on the 0 to 5 scale, None for anything else."""
    number = as_float(value)
    return number if number is not None and 0 <= number <= 5 else None


def _classes(node: Selector) -> str:
    return node.attrib.get("class", "")


class _EbayParser(Parser):
    platform = "ebay"

    def detect_block(self, page: Page) -> str | None:
        if "/splashui/captcha" in page.url or page.sel.css("#captcha_form, form[action*='captcha']"):
            return "captcha"
        return None


@register
class EbaySearchParser(_EbayParser):
    page_type = "search"
    url_pattern = _HOST + r"/(?:sch/|str/|b/)"

    def sniff(self, page: Page) -> bool:
        if page.is_json:
            return False
        # result cards that link to eBay items (the head of a rendered page may be all CSS variables)
        return "ebay" in page.text and bool(page.sel.xpath(
            '//li[contains(@class, "s-card") or contains(@class, "s-item")]'
            '//a[contains(@href, "ebay.") and contains(@href, "/itm/")]'))

    def parse(self, page: Page) -> Iterator:
        url = _page_url(page)
        origin, currency, locale = _site(url)
        seller_filter = (parse_qs(urlsplit(url).query).get("_ssn") or [None])[0]
        account = self._account(page, origin)
        if account is not None:
            yield account
        cards = page.sel.css("li.s-card, li.s-item")
        if not cards:
            heading = _collapsed(page.sel.css(".srp-controls__count-heading, .srp-save-null-search").xpath("string()").get())
            if re.match(r"^0\s+results\b", heading) or "no exact matches" in page.text.lower():
                return
            raise self.changed("no result card (li.s-card or li.s-item) on the search page")
        for card in cards:
            listing = self._listing(page, card, origin, currency, locale, seller_filter)
            if listing is not None:
                yield listing

    # ---- one card ----

    def _listing(self, page: Page, card: Selector, origin: str, currency: str, locale: str, seller_filter: str | None):
        link_ids = [m.group(1) for href in card.css("a::attr(href)").getall() if (m := _ITEM_ID.search(href))]
        link_id = link_ids[0] if link_ids else None
        listing_id = card.attrib.get("data-listingid")
        listing_id = listing_id if listing_id and listing_id.isdigit() else None
        item_id = listing_id or link_id
        title = self._title(card)
        if not item_id or (link_id and listing_id and link_id != listing_id):
            return None  # the "Shop on eBay" placeholder links a fake /itm/123456 under another id
        if title is not None and _collapsed(title).lower() in _PLACEHOLDER_TITLES:
            return None

        rows = [_collapsed(t) for t in self._row_texts(card)]
        price, price_max, original = self._prices(card, currency, locale)
        if any(_BEST_OFFER_ACCEPTED.match(r) for r in rows):
            # the sale price is hidden; what is shown is the asking price
            original, price, price_max = original or price, None, None

        sold_at, ended = None, False
        for row in rows:
            sold = _SOLD.match(row)
            if sold:
                sold_at, ended = from_display_date(sold.group(1)), True
                break
            if _ENDED.match(row):
                ended = True
                break
        availability = "out_of_stock" if ended else ("in_stock" if any(_LAST_ONE.match(r) for r in rows) else None)

        seller = self._seller(rows, origin) or (
            {"handle": seller_filter, "name": None, "url": "%s/usr/%s" % (origin, quote(seller_filter, safe="*-_."))}
            if seller_filter else None)
        rating_text = _collapsed(card.css(".x-star-rating, .s-card__reviews, .s-item__reviews").xpath("string()").get())
        stars = _STARS.search(rating_text)
        return self.record(
            page, "listing", extractor="dom",
            id=item_id,
            url="%s/itm/%s" % (origin, item_id),
            title=title,
            price=price,
            price_max=price_max,
            original_price=original,
            shipping=self._shipping(rows, currency, locale),
            seller=seller,
            sold_count=next((parse_count(m.group(1)) for r in rows if (m := _SOLD_COUNT.match(r))), None),
            rating=_rating(stars.group(1)) if stars else None,
            review_count=next((parse_count(m.group(1)) for t in card.css(".s-card__reviews, .s-item__reviews")
                               .xpath(".//text()").getall() if (m := _RATINGS.match(_collapsed(t)))), None),
            condition=next((c for t in card.css(".s-card__subtitle, .s-item__subtitle").xpath("string()").getall()
                            for c in [_condition(t)] if c), None),
            availability=availability,
            location=next((m.group(1) for r in rows if (m := _LOCATION.match(r))), None),
            images=self._images(card),
            sold_at=sold_at,
        )

    @staticmethod
    def _title(card: Selector) -> str | None:
        """The image's alt (the seller's title as typed), else the heading without eBay's additions."""
        alt = card.css("img::attr(alt)").get()
        if alt and alt.strip():
            return alt
        heading = card.css(".s-card__title, .s-item__title")
        if not heading:
            return None
        parts = heading[0].xpath(
            ".//text()[not(ancestor::*[contains(@class,'clipped') or contains(@class,'LIGHT_HIGHLIGHT')"
            " or contains(@class,'s-item__title--tag')])]").getall()
        text = _FITMENT.sub("", "".join(parts).strip())
        return text or None

    @staticmethod
    def _row_texts(card: Selector) -> list[str]:
        """The card's short text rows (captions, subtitles, attribute rows, old-layout details)."""
        tokens = ("s-card__caption", "s-card__attribute-row", "s-item__caption", "s-item__caption--signal",
                  "s-item__detail", "s-item__title--tagblock", "s-item__seller-info-text", "s-item__hotness",
                  "s-item__shipping", "s-item__location", "s-item__bids")
        test = " or ".join("contains(concat(' ', normalize-space(@class), ' '), ' %s ')" % t for t in tokens)
        return card.xpath(".//*[%s]" % test).xpath("string()").getall()

    @staticmethod
    def _prices(card: Selector, currency: str, locale: str):
        """(price, price_max, original_price): the shown price, a range's high end, the struck one."""
        price = price_max = original = None
        for node in card.xpath(".//*[contains(@class,'s-card__price') or contains(@class,'s-item__price')"
                               " or contains(translate(@class,'STRIKETHROUGH','strikethrough'),'strikethrough')]"):
            text = _collapsed(node.xpath("string()").get())
            if not re.search(r"\d", text):
                continue
            struck = "strikethrough" in _classes(node).lower()
            if struck:
                if original is None:
                    original = parse_money(text, currency, locale)
            elif price is None:
                low, high = _money_range(text, currency, locale)
                price, price_max = low, high
        return price, price_max, original

    @staticmethod
    def _shipping(rows: list[str], currency: str, locale: str):
        for row in rows:
            if _FREE_SHIPPING.match(row):
                return money(0, currency)
            paid = _PAID_SHIPPING.match(row)
            if paid:
                amount = parse_money(paid.group(1), currency, locale)
                if amount is not None:
                    return amount
        return None

    @staticmethod
    def _seller(rows: list[str], origin: str) -> dict | None:
        for row in rows:
            match = _SELLER_NEW.match(row) or _SELLER_OLD.match(row)
            if match:
                handle = match.group(1)
                return {"handle": handle, "name": handle, "url": "%s/usr/%s" % (origin, quote(handle, safe="*-_."))}
        return None

    @staticmethod
    def _images(card: Selector) -> list[str]:
        out: list[str] = []
        for img in card.css("img"):
            src = absolute_url(img.attrib.get("data-defer-load") or img.attrib.get("src"))
            if src and "ebayimg.com" in src and src not in out:
                out.append(src)
        return out

    # ---- the seller's store card (seller item pages) ----

    def _account(self, page: Page, origin: str):
        card = page.sel.css(".str-seller-card")
        if not card:
            return None
        card = card[0]
        handle = as_str(_collapsed(card.css(".str-seller-card__store-name").xpath("string()").get()))
        profile = card.css("a[href*='/usr/']::attr(href)").get()
        if not handle and profile:
            handle = profile.rsplit("/usr/", 1)[-1].split("?")[0] or None
        if not handle:
            return None
        stats = {_collapsed(t).lower(): t for t in card.css(".str-seller-card__store-stats-content div").xpath("string()").getall()}
        followers = next((parse_count(text) for key, text in stats.items() if key.endswith("followers")), None)
        return self.record(
            page, "account", extractor="dom",
            id=handle,
            url=absolute_url(profile) or "%s/usr/%s" % (origin, quote(handle, safe="*-_.")),
            handle=handle,
            name=handle,
            followers=followers,
        )


def _money_range(text: str, currency: str, locale: str):
    """Both ends of "$10.00 to $20.00" (eBay writes ranges with "to"), or of "$10.00 - $20.00"."""
    parts = re.split(r"\s+(?:to|bis|à|a|do)\s+", text, maxsplit=1)
    if len(parts) == 2:
        return parse_money(parts[0], currency, locale), parse_money(parts[1], currency, locale)
    return parse_money_range(text, currency, locale)


def _texts(node: Selector) -> list[str]:
    """The collapsed, non-empty text nodes under ``node`` (scripts and eBay's screen-reader copies left out)."""
    parts = node.xpath(".//text()[not(ancestor::script) and not(ancestor::style)"
                       " and not(ancestor::*[contains(concat(' ', @class, ' '), ' clipped ')])]").getall()
    return [c for c in (_collapsed(t) for t in parts) if c]


def _own_text(node: Selector | None) -> str | None:
    """An element's visible text as written, without hidden prefixes ("Details about") and its outer whitespace."""
    if node is None:
        return None
    parts = node.xpath(".//text()[not(ancestor::*[contains(concat(' ', @class, ' '), ' g-hdn ')"
                       " or contains(concat(' ', @class, ' '), ' clipped ')])]").getall()
    text = "".join(parts).strip()
    return text or None


def _first_node(sel: Selector, *queries: str) -> Selector | None:
    for query in queries:
        found = sel.css(query)
        if found:
            return found[0]
    return None


# where eBay links a member: /usr/<handle>, /sch/<handle>/m.html (the seller's other items)
_MEMBER_LINK = re.compile(r"/(?:usr/([^/?#]+)|sch/([^/?#]+)/m\.html)")
_FEEDBACK_COUNT = re.compile(r"^\(?\s*[\d.,]+\s*[KkMm]?\s*\)?$")
_LOCATED = re.compile(r"^(?:Located in|Item location|Artikelstandort|Lieu où se trouve l'objet|Posizione dell'oggetto|"
                      r"Ubicado en|Ubicación del artículo)\s*:\s*(.+)$", re.I)
_FREE = re.compile(r"^(?:free|kostenlos|gratis|gratuit)\b", re.I)


@register
class EbayItemParser(_EbayParser):
    """An item page, whatever its layout, from its schema.org data and its own DOM.

    - 2025 "evo" layout (``vi-evo``, ``#mainContent``) and 2022-2024 layout:
      ``h1.x-item-title__mainTitle`` (the title span; a trailing ``<span>-</span>``
      is not title), ``.x-price-primary`` (the price in the listing's currency;
      the "Approximately US $..." conversion beside it is not used), struck
      ``.ux-textspans--STRIKETHROUGH`` (list price), ``.ux-labels-values--shipping``,
      "Located in: ..." under the shipping section, ``.x-item-condition-text``,
      ``.x-quantity__availability`` ("294 sold"), the seller card
      ``.x-sellercard-atf`` whose name link is apart from the "(113)" feedback count;
      plus a JSON-LD Product (often in US dollars, converted).
    - 2020 layout: microdata Product (``itemprop`` price/priceCurrency/itemCondition/
      availableAtOrFrom), ``#itemTitle`` (its hidden "Details about" span is not
      title), ``#prcIsum`` / ``#mm-saleDscPrc`` (price), ``#orgPrc`` /
      ``#mm-saleOrgPrc`` (list price), ``#fshippingCost``, ``.vi-qtyS-hot-red``
      ("294 sold"), ``#mbgLink`` (seller), ``#itemLocation``.

    The DOM of the item's own summary wins over the structured data for price,
    shipping, title, condition and location (it is what the buyer sees, in the
    listing currency); "N sold" is read only from the item's quantity block, never
    from recommendation cards. The id must be on the page (canonical link, og:url,
    "eBay item number", offer URL), not only in the URL.
    """

    page_type = "item"
    url_pattern = _HOST + r"/itm/"

    def sniff(self, page: Page) -> bool:
        if page.is_json:
            return False
        head = page.text[:20000]
        return "ebay" in head.lower() and bool(page.sel.css("h1.x-item-title__mainTitle, h1#itemTitle"))

    def parse(self, page: Page) -> Iterator:
        if page.is_json:
            raise self.changed("expected an HTML item page, got JSON")
        sel = page.sel
        url = _page_url(page)
        origin, site_currency, locale = _site(url)
        syntaxes = ("jsonld", "microdata", "rdfa")
        items = structured_items(sel, url, syntaxes)
        products = structured_products(sel, url, syntaxes, items=items)
        product = products[0] if products else None
        title = _own_text(_first_node(sel, "h1.x-item-title__mainTitle .ux-textspans--BOLD",
                                      "h1.x-item-title__mainTitle > span", "h1#itemTitle"))
        fields = schema_org.listing_fields(product, url, items=None, currency=site_currency) if product else {}
        title = title or fields.get("title")
        if not title:
            if sel.css("li.s-card, li.s-item"):
                raise self.changed("a search result page, not an item page")
            raise self.changed("no item title (h1.x-item-title__mainTitle, h1#itemTitle) nor schema.org Product")
        item_id = self._item_id(page, product)
        price, price_max = self._price(sel, site_currency, locale)
        if price is None:
            price, price_max = fields.get("price"), fields.get("price_max")
        currency = price.currency if price else site_currency
        original = self._original_price(sel, currency, locale) or fields.get("original_price")
        images = fields.get("images") or [u for u in [absolute_url(sel.css("#icImg::attr(src)").get()),
                                                      absolute_url(page.meta.get("og:image"))] if u][:1]
        return iter([self.record(
            page, "listing", extractor=structured_extractor(product) if product else "dom",
            id=item_id,
            url="%s/itm/%s" % (origin, item_id),
            title=title,
            description=fields.get("description"),
            price=price,
            price_max=price_max,
            original_price=original,
            shipping=self._shipping(sel, currency, locale) or fields.get("shipping"),
            seller=self._seller(sel, origin),
            sold_count=self._sold_count(sel),
            rating=fields.get("rating"),
            review_count=fields.get("review_count"),
            condition=_condition(_own_text(_first_node(
                sel, ".x-item-condition-text .ux-textspans", "#vi-itm-cond")) or "") or fields.get("condition"),
            availability=fields.get("availability"),
            brand=fields.get("brand"),
            category=_breadcrumb(sel) or fields.get("category"),
            location=self._location(sel) or fields.get("location"),
            images=[i for i in images if i],
        )])

    def _item_id(self, page: Page, product: dict | None) -> str:
        sel = page.sel
        found: list[str] = []
        links = [sel.css('link[rel="canonical"]::attr(href)').get(), page.meta.get("og:url"),
                 *[o.get("url") for o in (schema_org.offers(product) if product else [])]]
        for link in links:
            match = _ITEM_ID.search(as_str(link) or "")
            if match:
                found.append(match.group(1))
        for text in sel.css(".ux-layout-section__textual-display--itemId .ux-textspans--BOLD::text, "
                            "#descItemNumber::text").getall():
            if text.strip().isdigit():
                found.append(text.strip())
        url_match = _ITEM_ID.search(page.url or "")
        url_id = url_match.group(1) if url_match else None
        if url_id and (url_id in found or (not found and re.search(r"(?<!\d)%s(?!\d)" % url_id, page.text))):
            return url_id
        if found:
            return found[0]
        raise self.changed("no item id on the page (canonical link, og:url, item number)")

    @staticmethod
    def _price(sel: Selector, currency: str, locale: str):
        node = _first_node(sel, "#mainContent .x-price-primary", ".x-price-section .x-price-primary", ".x-price-primary",
                           "#prcIsum", "#mm-saleDscPrc", "#prcIsum_bidPrice")
        if node is None:
            return None, None
        text = _collapsed(" ".join(_texts(node)))
        low, high = _money_range(text, currency, locale)
        content = node.attrib.get("content")
        if low is not None and content and re.fullmatch(r"\d+(?:\.\d+)?", content.strip()) and high is None:
            low = money(content.strip(), low.currency)
        return low, high

    @staticmethod
    def _original_price(sel: Selector, currency: str, locale: str):
        node = _first_node(sel, ".x-price-section .ux-textspans--STRIKETHROUGH",
                           ".x-additional-info .ux-textspans--STRIKETHROUGH", "#orgPrc", "#mm-saleOrgPrc")
        return parse_money(_collapsed(" ".join(_texts(node))), currency, locale) if node is not None else None

    @staticmethod
    def _shipping(sel: Selector, currency: str, locale: str):
        node = _first_node(sel, ".ux-labels-values--shipping .ux-labels-values__values", "#fshippingCost")
        if node is None:
            return None
        texts = _texts(node)
        first = texts[0] if texts else ""
        if _FREE.match(first):
            return money(0, currency)
        return parse_money(first, currency, locale) if re.search(r"\d", first) else None

    @staticmethod
    def _seller(sel: Selector, origin: str) -> dict | None:
        """The seller's user id from its own link/attribute; the feedback count beside it is another element."""
        box = _first_node(sel, ".x-sellercard-atf__info__about-seller", ".ux-seller-section__item--seller",
                          "#mbgLink", ".mbg")
        if box is None:
            return None
        handle = as_str((box.attrib.get("title") or "").strip())
        link = box if box.root.tag == "a" else _first_node(box, "a")
        if not handle and link is not None:
            name = _own_text(_first_node(link, ".mbg-nw", ".ux-textspans") or link)
            handle = name if name and not _FEEDBACK_COUNT.match(name) else None
        if not handle and link is not None:
            member = _MEMBER_LINK.search(link.attrib.get("href", ""))
            handle = member and (member.group(1) or member.group(2))
        if not handle:
            return None
        return {"handle": handle, "name": handle, "url": "%s/usr/%s" % (origin, quote(handle, safe="*-_."))}

    @staticmethod
    def _sold_count(sel: Selector) -> int | None:
        """ "294 sold" in the item's own quantity block (never a recommendation card's)."""
        for node in sel.css(".x-quantity__availability, #qtyAvailability, .vi-qtyS-hot-red, .vi-qtyS-hot, #qtySubTxt"):
            for text in _texts(node):
                match = _SOLD_COUNT.match(text)
                if match:
                    return parse_count(match.group(1))
        return None

    @staticmethod
    def _location(sel: Selector) -> str | None:
        for text in sel.xpath("//*[contains(@class,'shipping') or @id='itemLocation' or contains(@class,'itemLocation')]"
                              "//text()[not(ancestor::script)]").getall():
            match = _LOCATED.match(_collapsed(text))
            if match:
                return match.group(1)
        return as_str(_own_text(_first_node(sel, "#itemLocation [itemprop=availableAtOrFrom]",
                                            "#itemLocation .iti-eu-bld-gry")))


def _breadcrumb(sel: Selector) -> str | None:
    """The item's category path from the breadcrumb links (links only: eBay's last "See more ..." crumb is not one)."""
    names = [_collapsed(" ".join(_texts(a))) for a in sel.css(
        "nav.breadcrumbs a, .seo-breadcrumbs-container a, #vi-VR-brumb-lnkLst a, .vi-VR-brumb-hasNoPrdlnks a")
        if re.search(r"/(?:sch|b)/[^?#]*\d", a.attrib.get("href", ""))]  # category pages, not the catalogue product
    return " > ".join(n for n in names if n) or None
