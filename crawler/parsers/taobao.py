"""Taobao and Tmall item pages (``item.taobao.com/item.htm?id=...``, ``detail.tmall.com/item.htm?id=...``).

The PC detail page is server-rendered by Alibaba's ICE framework: a script
builds ``window.__ICE_APP_CONTEXT__`` from a literal (``var b = {...}; ...
window.__ICE_APP_CONTEXT__ = b``), and the item is under
``loaderData.home.data.res``: ``item`` (itemId, title, images, vagueSellCount),
``seller`` (sellerId, sellerNick, shopName, shopId, sellerType "B" = Tmall),
``componentsVO`` (priceVO, titleVO, rateVO, deliveryVO, extensionInfoVO) and
``skuCore.sku2info`` (per-SKU price and stock, key "0" = the whole item).

Older layouts still served (and saved pages of them) are read too: the
pre-2021 Tmall page (``TShop.Setup({itemDO, valItemInfo.skuMap, propertyPics})``
plus the DOM's shop name and 累计评价 counter) and the pre-2021 Taobao page
(``g_config`` with ``idata`` and ``Hub.config.set('sku', {valItemInfo})``), see
``legacy_state``; and the mtop item answers (``mtop.taobao.pcdetail.data.get``,
``mtop.taobao.detail.getdetail`` with its ``apiStack`` JSON string,
``mtop.wdetail.getItemDetail`` with ``itemInfoModel``), whatever their ``ret``
status says when the data is there. A page whose item parses is never a block,
even when a failed sub-request left punish/login iframe markup in it.

Taobao and Tmall share the page, so one parser serves both slugs; the host (or,
without a URL, the seller type) says which.

Prices: ``priceVO.price`` is the price every buyer sees (掌柜推荐 / 优惠前);
``priceVO.extraPrice`` (平台加补后) is a subsidy price that depends on the
viewer's coupons and ``pcTrade.pcBuyParams.current_price`` is never shown, so
neither is used. ``storeCardVO.overallScore`` and ``seller.evaluates`` are SHOP
scores: the page has no item rating, so rating stays null.

A slider captcha ("punish?x5secdata", mtop ``FAIL_SYS_USER_VALIDATE``,
``RGV587_ERROR``) served for an item URL is reported as blocked.

Search (``s.taobao.com/search?q=...``, logged in only) renders nothing server-side: the
page asks the mtop gateway ``h5api.m.taobao.com/h5/mtop.relationrecommend.wirelessrecommend.recommend/2.0/``
by JSONP (``mtopjsonpN({...})``). The answer's ``data.itemsArray[]`` holds the cards
{item_id, title (with ``<span class=H>`` highlight tags), price, realSales "1万+人付款",
nick / shopInfo{title, url}, procity, pic_path, auctionURL, isTmall}; ``ret`` says
whether it worked ("SUCCESS::..."; "FAIL_SYS_SESSION_EXPIRED::..." = not logged in,
"FAIL_SYS_USER_VALIDATE::..." / "RGV587_ERROR::..." = slider captcha).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from decimal import Decimal
from urllib.parse import unquote

from w3lib.html import remove_tags

from crawler.helpers.embedded import js_assignment, js_property, loads_lenient, parse_json
from crawler.helpers.money import money, parse_money, parse_money_range
from crawler.helpers.paths import as_bool, as_count, as_digits, as_int, as_list, as_str, pick, pick_first
from crawler.helpers.text import absolute_url
from crawler.blocks import ALIBABA_PUNISH
from crawler.page import Page
from crawler.parsers.base import Parser, require
from crawler.registry import register

_CONTEXT = "__ICE_APP_CONTEXT__"
_VAR = re.compile(r"\bvar\s+([A-Za-z_$][\w$]*)\s*=\s*\{")
_FREE_SHIPPING = ("免运费", "包邮")


def app_context(page: Page) -> dict | None:
    """``window.__ICE_APP_CONTEXT__``: assigned directly, or built from a ``var x = {...}`` in the same script."""
    direct = page.js_assignment("window." + _CONTEXT)
    if isinstance(direct, dict) and "loaderData" in direct:
        return direct
    for script in page.sel.xpath("//script/text()").getall():
        if _CONTEXT not in script or "loaderData" not in script:
            continue
        for name in dict.fromkeys(_VAR.findall(script)):
            value = js_assignment(script, "var " + name)
            if isinstance(value, dict) and "loaderData" in value:
                return value
    return None


def item_data(page: Page) -> dict | None:
    """``loaderData.home.data.res`` when it holds an item; read once per page (block check, platform, parse)."""
    if "_taobao_res" not in page.__dict__:
        res = None if page.is_json else pick(app_context(page), "loaderData.home.data.res")
        page.__dict__["_taobao_res"] = res if isinstance(res, dict) and isinstance(res.get("item"), dict) else None
    return page.__dict__["_taobao_res"]


def _base_props(res: dict) -> dict[str, str]:
    """The 参数 (item properties) table: {"品牌": "...", "产地": "..."}."""
    out: dict[str, str] = {}
    for info in as_list(pick(res, "componentsVO.extensionInfoVO.infos")):
        if pick(info, "type") != "BASE_PROPS":
            continue
        for row in as_list(pick(info, "items")):
            title = as_str(pick(row, "title"))
            values = [v for v in as_list(pick(row, "text")) if isinstance(v, str)]
            if title and values:
                out.setdefault(title, ",".join(values))
    for row in as_list(pick(res, "plusViewVO.industryParamVO.enhanceParamList")):
        name, value = as_str(pick(row, "propertyName")), as_str(pick(row, "valueName"))
        if name and value:
            out.setdefault(name, value)
    return out


def _availability(res: dict) -> str | None:
    skus = pick(res, "skuCore.sku2info")
    if not isinstance(skus, dict):
        return None
    entries = [skus["0"]] if isinstance(skus.get("0"), dict) else [v for v in skus.values() if isinstance(v, dict)]
    quantities = [q for q in (as_int(e.get("quantity")) for e in entries) if q is not None]
    if not quantities:
        return None
    return "in_stock" if any(q > 0 for q in quantities) else "out_of_stock"


def _shipping(res: dict):
    freight = pick(res, "componentsVO.deliveryVO.freight")
    if not isinstance(freight, str):
        return None
    if any(word in freight for word in _FREE_SHIPPING):
        return money(0, "CNY")
    low, _high = parse_money_range(freight.split(":", 1)[-1].split("：", 1)[-1], "CNY")
    return low


_JSONP = re.compile(r"^\s*[A-Za-z_$][\w$.]*\s*\((.*)\)\s*;?\s*$", re.S)
_MTOP_LOGIN = ("FAIL_SYS_SESSION_EXPIRED", "FAIL_SYS_LOGIN", "FAIL_SYS_TOKEN_EMPTY")
_MTOP_CAPTCHA = ("FAIL_SYS_USER_VALIDATE", "RGV587_ERROR", "FAIL_SYS_ILLEGAL_ACCESS")


def mtop_answer(page: Page):
    """An mtop answer, JSON or JSONP (``mtopjsonp3({...})``); None when it is neither."""
    if "_mtop" not in page.__dict__:
        text = page.text
        match = _JSONP.match(text) if not page.is_json else None
        try:
            page.__dict__["_mtop"] = parse_json(match.group(1) if match else text)
        except ValueError:
            page.__dict__["_mtop"] = None
    return page.__dict__["_mtop"]


# ---- pre-2021 PC pages: Tmall ``TShop.Setup({...})``, Taobao ``g_config`` / ``Hub.config.set('sku', {...})`` ----

_CONFIG_FIELD = re.compile(r"""['"]?\b(itemId|sellerId|shopId|shopUrl|sellerNick)['"]?\s*:\s*['"]([^'"]*)['"]""")
_SIZE_SUFFIX = re.compile(r"_(?:\d+x\d+|sum)(?:q\d+)?\.(?:jpg|png|webp)(?:_\.webp)?$", re.I)


def legacy_state(page: Page) -> dict | None:
    """The item of an older PC detail page, or None.

    Tmall (to 2020): ``TShop.Setup({"itemDO": {itemId, title, userId, brand, prov,
    sellerNickName (URL-encoded), reservePrice}, "valItemInfo": {"skuMap": {";pvs;":
    {price, stock, skuId}}}, "propertyPics": {...}, "rateConfig": {...}})``.
    Taobao (to 2020): ``g_config = {itemId, sellerId, shopId, sellerNick, idata: {item:
    {id, title, price, auctionImages}, shop: {url}}}`` and ``Hub.config.set('sku',
    {valItemInfo: {skuMap}})``. The DOM adds the shop name and the counters.
    """
    if "_taobao_legacy" in page.__dict__:
        return page.__dict__["_taobao_legacy"]
    state = None
    text = page.text if not page.is_json else ""
    if any(marker in text for marker in ("TShop.Setup", "Hub.config", "g_config")):
        config: dict[str, str] = {}
        for script in page.sel.xpath("//script[contains(., 'g_config')]/text()").getall():
            for key, value in _CONFIG_FIELD.findall(script):
                config.setdefault(key, value)
        item = js_property(text, "itemDO")
        idata = js_property(text, "idata")
        item = item if isinstance(item, dict) else pick(idata, "item")
        item = item if isinstance(item, dict) else {}
        item_id = pick_first(item, "itemId", "id", coerce=as_digits) or as_digits(config.get("itemId"))
        if item_id:
            state = {"id": item_id, "item": item, "idata": idata if isinstance(idata, dict) else {},
                     "sku": js_property(text, "valItemInfo"), "config": config,
                     "pics": js_property(text, "propertyPics"), "tmall": "TShop.Setup" in text}
    page.__dict__["_taobao_legacy"] = state
    return state


def _sku_prices(sku_info) -> tuple[list, list[int]]:
    """(prices, stocks) of every SKU in ``skuMap``."""
    prices, stocks = [], []
    sku_map = pick(sku_info, "skuMap")
    for entry in (sku_map.values() if isinstance(sku_map, dict) else []):
        found = parse_money(pick(entry, "price", as_str), "CNY")
        if found is not None:
            prices.append(found)
        stock = pick(entry, "stock", as_int)
        if stock is not None:
            stocks.append(stock)
    return prices, stocks


def _dom_text(page: Page, *queries: str) -> str | None:
    for query in queries:
        text = "".join(page.sel.css(query).xpath(".//text()").getall()).strip()
        if text:
            return text
    return None


def _dom_count(page: Page, query: str) -> int | None:
    """A counter of the item's indicator bar, None when it is hidden (``display: none``) or empty ("-")."""
    for node in page.sel.css(query):
        hidden = node.xpath("ancestor-or-self::*[contains(translate(@style, ' ', ''), 'display:none')]")
        if hidden:
            continue
        count = as_count(_collapsed_text(node))
        if count is not None:
            return count
    return None


def _collapsed_text(node) -> str:
    return " ".join("".join(node.xpath(".//text()").getall()).split())


# ---- mtop item answers (JSON/JSONP): pcdetail (the SSR shape), getdetail v6 (apiStack), wdetail (itemInfoModel) ----

def _mtop_detail(page: Page) -> dict | None:
    """{"data": ..., "esi": the decoded apiStack/mockData value} of an mtop item answer, or None."""
    answer = mtop_answer(page)
    data = pick(answer, "data")
    if not isinstance(data, dict) or not pick_first(data, "item.itemId", "itemInfoModel.itemId", coerce=as_digits):
        return None
    esi = None
    for entry in as_list(data.get("apiStack")):
        value = pick(entry, "value")
        esi = loads_lenient(value) if isinstance(value, str) else value
        if isinstance(esi, dict):
            break
    if not isinstance(esi, dict) and isinstance(data.get("mockData"), str):
        esi = loads_lenient(data["mockData"])
    return {"data": data, "esi": esi if isinstance(esi, dict) else {}}


@register
class TaobaoItemParser(Parser):
    """Item pages and item answers, whatever the layout:

    - the current PC page (``__ICE_APP_CONTEXT__``, real capture #12);
    - the pre-2021 Tmall page (``TShop.Setup``, real capture #34) and Taobao page
      (``g_config``/``Hub.config``), see ``legacy_state``;
    - mtop item answers: ``mtop.taobao.pcdetail.data.get`` (``data`` has the SSR
      ``res`` shape), ``mtop.taobao.detail.getdetail`` (``data.item``/``data.seller``
      and the JSON string ``data.apiStack[0].value``) and the older
      ``mtop.wdetail.getItemDetail`` (``data.itemInfoModel``).
    """

    platform = "taobao"
    page_type = "item"
    url_pattern = (r"^https?://(?:[\w-]+\.)*(?:(?:item\.taobao\.com|detail\.tmall\.(?:com|hk))/+item\.htm"
                   r"|h5api\.m\.(?:taobao|tmall)\.com/h5/mtop\.(?:taobao\.(?:pcdetail\.data\.get|detail\.getdetail)"
                   r"|wdetail\.getitemdetail)/)")
    priority = 5

    @property
    def platforms(self) -> tuple[str, ...]:
        return ("taobao", "tmall")

    def platform_for(self, page: Page) -> str:
        host = page.host
        if "tmall." in host and not host.startswith("h5api."):
            return "tmall"
        if "taobao." in host and not host.startswith("h5api."):
            return "taobao"
        seller_type = pick(item_data(page), "seller.sellerType")
        if page.is_json:
            detail = _mtop_detail(page)
            seller_type = pick_first(detail, "data.seller.sellerType", "esi.seller.sellerType", "data.seller.shopType")
        legacy = None if page.is_json or seller_type else legacy_state(page)
        if seller_type == "B" or (legacy and legacy["tmall"]):
            return "tmall"
        return "taobao"

    def sniff(self, page: Page) -> bool:
        if page.is_json:
            return ('"itemInfoModel"' in page.text or '"apiStack"' in page.text or '"componentsVO"' in page.text) \
                and _mtop_detail(page) is not None
        text = page.text
        if _CONTEXT in text and '"sku2info"' in text:
            return True
        return ("TShop.Setup" in text or "Hub.config" in text) and ("alicdn.com" in text) and legacy_state(page) is not None

    def detect_block(self, page: Page) -> str | None:
        if ALIBABA_PUNISH.search(page.url or ""):
            return "captcha"
        if page.is_json:
            ret = _mtop_ret(mtop_answer(page))
            if any(code in ret for code in _MTOP_CAPTCHA):
                return "captcha"
            if any(code in ret for code in _MTOP_LOGIN):
                return "login_wall"
            return None if _mtop_detail(page) else ("captcha" if ALIBABA_PUNISH.search(page.text) else None)
        if item_data(page) is not None or legacy_state(page) is not None:
            return None
        return "captcha" if ALIBABA_PUNISH.search(page.text) else None

    def parse(self, page: Page) -> Iterator:
        if page.is_json:
            detail = _mtop_detail(page)
            if detail is None:
                raise self.changed("no data.item / data.itemInfoModel in the item answer")
            data = detail["data"]
            if isinstance(data.get("componentsVO"), dict) or isinstance(data.get("skuCore"), dict):
                yield self._from_res(page, data, "api")
            else:
                yield self._from_mtop(page, detail)
            return
        res = item_data(page)
        if res is not None:
            yield self._from_res(page, res, "hydration")
            return
        legacy = legacy_state(page)
        if legacy is not None:
            yield self._from_legacy(page, legacy)
            return
        raise self.changed("no item state (window.__ICE_APP_CONTEXT__ loaderData.home.data.res.item, "
                           "TShop.Setup itemDO, g_config idata)")

    def _url(self, page: Page, item_id: str) -> str:
        host = "detail.tmall.com" if self.platform_for(page) == "tmall" else "item.taobao.com"
        return "https://%s/item.htm?id=%s" % (host, item_id)

    def _from_res(self, page: Page, res: dict, extractor: str):
        item, seller, components = res.get("item"), res.get("seller"), res.get("componentsVO")
        item_id = require(pick(item, "itemId", as_digits), self, "item.itemId")  # the page's, never the URL's
        price_text = pick_first(components, "priceVO.price.priceText", coerce=as_str) or pick_first(
            res, ("skuCore", "sku2info", "0", "price", "priceText"), coerce=as_str)
        price, price_max = parse_money_range(price_text, "CNY")
        seller_id = pick_first(seller, "sellerId", "userId", coerce=as_digits)
        shop_url = absolute_url(pick_first(seller, "pcShopUrl", coerce=as_str)) or absolute_url(
            pick(components, "storeCardVO.shopUrl", as_str))
        images = [absolute_url(u) for u in as_list(pick(item, "images")) or as_list(pick(components, "headImageVO.images"))]
        return self.record(
            page, "listing", extractor=extractor,
            id=item_id,
            url=self._url(page, item_id),
            title=pick_first(item, "title", coerce=as_str) or pick(components, "titleVO.title.title", as_str),
            price=price,
            price_max=price_max,
            shipping=_shipping(res),
            seller={
                "id": seller_id,
                "handle": pick(seller, "sellerNick", as_str),
                "name": pick_first(seller, "shopName", "sellerNick", coerce=as_str),
                "url": shop_url,
            } if isinstance(seller, dict) else None,
            sold_count=pick_first(item, "vagueSellCount", coerce=as_count) or pick(
                components, "titleVO.salesDesc", as_count),
            review_count=pick(components, "rateVO.totalCount", as_count),
            availability=_availability(res),
            brand=_base_props(res).get("品牌"),
            location=pick(components, "deliveryVO.deliveryFromAddr", as_str),
            images=[u for u in images if u],
        )

    def _from_mtop(self, page: Page, detail: dict):
        data, esi = detail["data"], detail["esi"]
        item_id = pick_first(data, "item.itemId", "itemInfoModel.itemId", coerce=as_digits)
        price_text = pick_first(esi, "price.price.priceText", ("skuCore", "sku2info", "0", "price", "priceText"),
                                "itemInfoModel.priceUnits.0.price", coerce=as_str)
        price, price_max = parse_money_range(price_text, "CNY")
        seller = data.get("seller") if isinstance(data.get("seller"), dict) else {}
        seller_id = pick_first(seller, "userId", "sellerId", "userNumId", coerce=as_digits)
        name = pick_first(seller, "shopName", "shopTitle", "sellerNick", "nick", coerce=as_str)
        stock = pick_first(esi, "item.quantity", "skuCore.sku2info.0.quantity", coerce=as_int)
        images = as_list(pick(data, "item.images")) or as_list(pick(data, "itemInfoModel.picsPath"))
        images = [re.sub(r"^http://", "https://", i) if isinstance(i, str) else None for i in images]
        return self.record(
            page, "listing", extractor="api",
            id=item_id,
            url=self._url(page, item_id),
            title=pick_first(data, "item.title", "itemInfoModel.title", coerce=as_str),
            price=price,
            price_max=price_max,
            seller={"id": seller_id, "handle": pick_first(seller, "sellerNick", "nick", coerce=as_str), "name": name,
                    "url": absolute_url(pick_first(seller, "shopUrl", "taoShopUrl", coerce=as_str))}
            if seller_id or name else None,
            sold_count=pick_first(esi, "item.sellCount", "itemInfoModel.totalSoldQuantity", coerce=as_count),
            review_count=pick_first(data, "rate.totalCount", coerce=as_count),
            availability=None if stock is None else ("in_stock" if stock > 0 else "out_of_stock"),
            location=pick_first(esi, "delivery.from", "itemInfoModel.location", coerce=as_str) or pick(
                data, "itemInfoModel.location", as_str),
            images=[u for u in (absolute_url(as_str(i)) for i in images) if u],
        )

    def _from_legacy(self, page: Page, legacy: dict):
        item, idata, config = legacy["item"], legacy["idata"], legacy["config"]
        item_id = legacy["id"]
        prices, stocks = _sku_prices(legacy["sku"])
        if prices:
            price = min(prices, key=lambda m: Decimal(m.amount))
            high = max(prices, key=lambda m: Decimal(m.amount))
            price_max = high if Decimal(high.amount) > Decimal(price.amount) else None
        else:
            price, price_max = parse_money_range(_dom_text(page, "#J_StrPriceModBox .tm-price", "#J_StrPrice .tb-rmb-num")
                                                 or pick(item, "price", as_str), "CNY")
        original = None
        promo_low, promo_high = parse_money_range(_dom_text(page, "#J_PromoPrice .tm-price", "#J_PromoPriceNum"), "CNY")
        if promo_low is not None:  # a shown promotion: the panel price is the struck one
            original, price, price_max = price, promo_low, promo_high
        nick = pick(item, "sellerNickName", as_str) or config.get("sellerNick")
        nick = unquote(nick) if nick else None
        seller_id = pick(item, "userId", as_digits) or as_digits(config.get("sellerId")) or pick(idata, "seller.id", as_digits)
        shop_name = _dom_text(page, ".slogo-shopname", ".tb-shop-name a", ".shop-name-link", ".tb-shop-name") or nick
        shop_url = absolute_url(page.sel.css(".slogo-shopname::attr(href), .tb-shop-name a::attr(href)").get()) \
            or absolute_url(config.get("shopUrl") or pick(idata, "shop.url", as_str))
        images = as_list(pick(legacy["pics"], "default")) or as_list(pick(item, "auctionImages"))
        if not images:
            images = [_SIZE_SUFFIX.sub("", src) for src in page.sel.css("#J_UlThumb img::attr(src)").getall()]
        brand = pick(item, "brand", as_str)
        if not brand:
            for row in page.sel.css("#J_AttrUL li, .attributes-list li"):
                label, _, value = _collapsed_text(row).partition(":")
                if label.strip() == "品牌" and value.strip():
                    brand = value.strip()
                    break
        quantity = pick(item, "quantity", as_int)
        stock_known = stocks or ([quantity] if quantity is not None else [])
        return self.record(
            page, "listing", extractor="hydration",
            id=item_id,
            url=self._url(page, item_id),
            title=pick(item, "title", as_str) or _dom_text(page, ".tb-detail-hd h1", ".tb-main-title"),
            price=price,
            price_max=price_max,
            original_price=original,
            seller={"id": seller_id, "handle": nick, "name": shop_name, "url": shop_url}
            if seller_id or shop_name else None,
            sold_count=_dom_count(page, "li.tm-ind-sellCount .tm-count, #J_SellCounter"),
            review_count=_dom_count(page, "li.tm-ind-reviewCount .tm-count, #J_RateCounter"),
            availability=None if not stock_known else ("in_stock" if any(q > 0 for q in stock_known) else "out_of_stock"),
            brand=brand,
            location=pick(item, "prov", as_str),
            images=[u for u in (absolute_url(as_str(i)) for i in images) if u],
        )


def _mtop_ret(answer) -> str:
    return " ".join(r for r in as_list(pick(answer, "ret")) if isinstance(r, str))


@register
class TaobaoSearchParser(Parser):
    """Search cards from the mtop answer the search page loads (JSONP); Tmall items are marked tmall."""
    platform = "taobao"
    page_type = "search"
    url_pattern = r"^https?://h5api\.m\.(?:taobao|tmall)\.com/h5/mtop\.relationrecommend\.wirelessrecommend\.recommend/"

    @property
    def platforms(self) -> tuple[str, ...]:
        return ("taobao", "tmall")

    def accepts(self, page: Page) -> bool:
        return isinstance(mtop_answer(page), dict)

    def sniff(self, page: Page) -> bool:
        return '"itemsArray"' in page.text and "mtop.relationrecommend" in page.text and self.accepts(page)

    def detect_block(self, page: Page) -> str | None:
        ret = _mtop_ret(mtop_answer(page))
        if any(code in ret for code in _MTOP_CAPTCHA):
            return "captcha"
        if any(code in ret for code in _MTOP_LOGIN):
            return "login_wall"
        return None

    def parse(self, page: Page) -> Iterator:
        answer = mtop_answer(page)
        items = pick(answer, "data.itemsArray")
        if not isinstance(items, list):
            ret = _mtop_ret(answer)
            raise self.changed("no data.itemsArray in the mtop answer" + (" (ret %s)" % ret if ret else ""))
        for card in items:
            item_id = pick_first(card, "item_id", "itemId", "nid", coerce=as_digits)
            if not item_id:
                continue
            link = absolute_url(pick(card, "auctionURL", as_str)) or ""
            tmall = as_bool(pick(card, "isTmall")) or "tmall." in urlsplit(link).netloc
            title = pick_first(card, "title", "raw_title", coerce=as_str)
            price = pick(card, "price", as_str)
            shop_url = absolute_url(pick(card, "shopInfo.url", as_str))
            seller_id = pick_first(card, "userId", "user_id", coerce=as_digits)
            seller_name = pick_first(card, "shopInfo.title", "nick", coerce=as_str)
            yield self.record(
                page, "listing", extractor="api",
                platform="tmall" if tmall else "taobao",
                id=item_id,
                url="https://%s/item.htm?id=%s" % ("detail.tmall.com" if tmall else "item.taobao.com", item_id),
                title=remove_tags(title) if title else None,
                price=parse_money(price, "CNY") if price else None,
                seller={"id": seller_id, "handle": pick(card, "nick", as_str), "name": seller_name,
                        "url": shop_url} if seller_id or seller_name else None,
                sold_count=pick(card, "realSales", as_count),
                location=pick(card, "procity", as_str),
                images=[u for u in [absolute_url(pick(card, "pic_path", as_str))] if u],
                signals={"sponsored": True} if as_bool(pick(card, "isP4p")) else {},
            )
