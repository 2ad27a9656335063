"""Taobao and Tmall item pages (``item.taobao.com/item.htm?id=...``, ``detail.tmall.com/item.htm?id=...``).

The PC detail page is server-rendered by Alibaba's ICE framework: a script
builds ``window.__ICE_APP_CONTEXT__`` from a literal (``var b = {...}; ...
window.__ICE_APP_CONTEXT__ = b``), and the item is under
``loaderData.home.data.res``: ``item`` (itemId, title, images, vagueSellCount),
``seller`` (sellerId, sellerNick, shopName, shopId, sellerType "B" = Tmall),
``componentsVO`` (priceVO, titleVO, rateVO, deliveryVO, extensionInfoVO) and
``skuCore.sku2info`` (per-SKU price and stock, key "0" = the whole item).

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
from urllib.parse import parse_qs, urlsplit

import json

from w3lib.html import remove_tags

from crawler.helpers.embedded import js_assignment
from crawler.helpers.money import money, parse_money, parse_money_range
from crawler.helpers.paths import as_bool, as_count, as_digits, as_int, as_list, as_str, pick, pick_first
from crawler.helpers.text import absolute_url
from crawler.page import Page
from crawler.parsers.base import Parser, require
from crawler.registry import register

_CONTEXT = "__ICE_APP_CONTEXT__"
_VAR = re.compile(r"\bvar\s+([A-Za-z_$][\w$]*)\s*=\s*\{")
_PUNISH = re.compile(r"punish\?x5secdata|_____tmd_____/punish|x5secdata=|FAIL_SYS_USER_VALIDATE|RGV587_ERROR|"
                     r"baxia-dialog|\"action\"\s*:\s*\"captcha\"")
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


@register
class TaobaoItemParser(Parser):
    platform = "taobao"
    page_type = "item"
    url_pattern = r"^https?://(?:[\w-]+\.)*(?:item\.taobao\.com|detail\.tmall\.(?:com|hk))/+item\.htm"
    priority = 5

    @property
    def platforms(self) -> tuple[str, ...]:
        return ("taobao", "tmall")

    def platform_for(self, page: Page) -> str:
        host = page.host
        if "tmall." in host:
            return "tmall"
        if "taobao." in host:
            return "taobao"
        if pick(item_data(page), "seller.sellerType") == "B":
            return "tmall"
        return "taobao"

    def sniff(self, page: Page) -> bool:
        return not page.is_json and _CONTEXT in page.text and '"sku2info"' in page.text

    def detect_block(self, page: Page) -> str | None:
        if _PUNISH.search(page.url or ""):
            return "captcha"
        if item_data(page) is not None:
            return None
        return "captcha" if _PUNISH.search(page.text) else None

    def parse(self, page: Page) -> Iterator:
        if page.is_json:
            raise self.changed("expected the HTML item page, got a JSON answer")
        res = require(item_data(page), self, "window.__ICE_APP_CONTEXT__ loaderData.home.data.res.item")
        item, seller, components = res["item"], res.get("seller"), res.get("componentsVO")
        url_id = as_digits((parse_qs(urlsplit(page.url).query).get("id") or [None])[0])
        item_id = require(pick(item, "itemId", as_digits) or url_id, self, "item.itemId")
        platform = self.platform_for(page)
        host = "detail.tmall.com" if platform == "tmall" else "item.taobao.com"

        price_text = pick_first(components, "priceVO.price.priceText", coerce=as_str) or pick_first(
            res, ("skuCore", "sku2info", "0", "price", "priceText"), coerce=as_str)
        price, price_max = parse_money_range(price_text, "CNY")
        seller_id = pick_first(seller, "sellerId", "userId", coerce=as_digits)
        shop_url = absolute_url(pick_first(seller, "pcShopUrl", coerce=as_str)) or absolute_url(
            pick(components, "storeCardVO.shopUrl", as_str))
        images = [absolute_url(u) for u in as_list(item.get("images")) or as_list(pick(components, "headImageVO.images"))]
        yield self.record(
            page, "listing", extractor="hydration",
            id=item_id,
            url="https://%s/item.htm?id=%s" % (host, item_id),
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


_JSONP = re.compile(r"^\s*[A-Za-z_$][\w$.]*\s*\((.*)\)\s*;?\s*$", re.S)
_MTOP_LOGIN = ("FAIL_SYS_SESSION_EXPIRED", "FAIL_SYS_LOGIN", "FAIL_SYS_TOKEN_EMPTY")
_MTOP_CAPTCHA = ("FAIL_SYS_USER_VALIDATE", "RGV587_ERROR", "FAIL_SYS_ILLEGAL_ACCESS")


def mtop_answer(page: Page):
    """An mtop answer, JSON or JSONP (``mtopjsonp3({...})``); None when it is neither."""
    if "_mtop" not in page.__dict__:
        text = page.text
        match = _JSONP.match(text) if not page.is_json else None
        try:
            page.__dict__["_mtop"] = json.loads(match.group(1) if match else text)
        except ValueError:
            page.__dict__["_mtop"] = None
    return page.__dict__["_mtop"]


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
