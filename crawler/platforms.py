"""What the project knows of each platform beyond its parsers: its domains, how to build the URL of
an object from its ids, and the currency of each regional site.

Also how a crawl behaves towards it (``crawler.spider`` applies these): the locale and time zone
its browser presents (one identity, ``crawler.browser.Identity``), and politeness: at most
``concurrency`` requests at once to one of its hosts and at least ``delay_s`` seconds between them
(Scrapy's download slots; AutoThrottle then adapts the delay to the platform's latency).

Read by the shape reader (``crawler/shape.py``) to name the platform of an answer from a host it
does not model and to give its records canonical URLs, and by the registry to tell whether a URL
belongs to a platform at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Platform:
    slug: str
    domains: tuple[str, ...]  # registrable domains (a host matches itself and its subdomains)
    post_url: str | None = None  # templates over {id}, {code}, {handle}, {author_id}, {shop_id}
    listing_url: str | None = None
    account_url: str | None = None
    currencies: dict[str, str] = field(default_factory=dict)  # host suffix -> ISO 4217
    locale: str = "en-US"             # navigator.languages / Accept-Language of its browser
    timezone: str = "America/New_York"  # Intl's time zone of its browser
    concurrency: int = 2              # requests at once per host (a download slot per host)
    delay_s: float = 1.0              # least seconds between two requests to one host (AutoThrottle's floor)


_SEA = {".co.id": "IDR", ".com.my": "MYR", ".sg": "SGD", ".co.th": "THB", ".vn": "VND", ".ph": "PHP",
        ".tw": "TWD", ".com.br": "BRL", ".cl": "CLP", ".com.co": "COP", ".com.mx": "MXN"}

PLATFORMS: dict[str, Platform] = {p.slug: p for p in (
    Platform("tiktok", ("tiktok.com", "tiktokv.com", "tiktokv.us", "tiktokapi.com"),
             post_url="https://www.tiktok.com/@{handle}/video/{id}", account_url="https://www.tiktok.com/@{handle}",
             delay_s=2.0),
    Platform("tiktok_shop", ("shop.tiktok.com",), listing_url="https://shop.tiktok.com/view/product/{id}"),
    Platform("douyin", ("douyin.com", "iesdouyin.com", "amemv.com", "snssdk.com"),
             post_url="https://www.douyin.com/video/{id}", account_url="https://www.douyin.com/user/{author_id}",
             locale="zh-CN", timezone="Asia/Shanghai", delay_s=2.0),
    Platform("kuaishou", ("kuaishou.com", "gifshow.com"), post_url="https://www.kuaishou.com/short-video/{id}",
             locale="zh-CN", timezone="Asia/Shanghai", delay_s=2.0),
    Platform("xiaohongshu", ("xiaohongshu.com", "rednote.com", "xhslink.com"),
             post_url="https://www.xiaohongshu.com/explore/{id}",
             account_url="https://www.xiaohongshu.com/user/profile/{author_id}", locale="zh-CN", timezone="Asia/Shanghai", concurrency=1, delay_s=3.0),
    Platform("weibo", ("weibo.com", "weibo.cn"), post_url="https://m.weibo.cn/detail/{id}",
             account_url="https://weibo.com/u/{author_id}", locale="zh-CN", timezone="Asia/Shanghai"),
    Platform("instagram", ("instagram.com",), post_url="https://www.instagram.com/p/{code}/",
             account_url="https://www.instagram.com/{handle}/", concurrency=1, delay_s=3.0),
    Platform("youtube", ("youtube.com", "youtu.be"), post_url="https://www.youtube.com/shorts/{id}"),
    Platform("facebook_marketplace", ("facebook.com",),
             listing_url="https://www.facebook.com/marketplace/item/{id}/", concurrency=1, delay_s=3.0),
    Platform("taobao", ("taobao.com",), listing_url="https://item.taobao.com/item.htm?id={id}", currencies={"": "CNY"},
             locale="zh-CN", timezone="Asia/Shanghai", concurrency=1, delay_s=3.0),
    Platform("tmall", ("tmall.com", "tmall.hk"), listing_url="https://detail.tmall.com/item.htm?id={id}",
             currencies={"": "CNY"}, locale="zh-CN", timezone="Asia/Shanghai", concurrency=1, delay_s=3.0),
    Platform("amazon", ("amazon.com", "amazon.co.uk", "amazon.de", "amazon.fr", "amazon.es", "amazon.it",
                        "amazon.co.jp", "amazon.ca", "amazon.com.mx", "amazon.com.br", "amazon.in", "amazon.com.au",
                        "amazon.nl", "amazon.se", "amazon.pl", "amazon.sg", "amazon.ae", "amazon.sa",
                        "amazon.com.tr", "amazon.eg", "amazon.com.be")),
    Platform("ebay", ("ebay.com", "ebay.co.uk", "ebay.de", "ebay.fr", "ebay.es", "ebay.it", "ebay.ca",
                      "ebay.com.au", "ebay.at", "ebay.ch", "ebay.ie", "ebay.nl", "ebay.pl", "ebay.be",
                      "ebay.com.hk", "ebay.com.sg", "ebay.com.my", "ebay.ph", "ebay.in"),
             listing_url="https://www.ebay.com/itm/{id}"),
    Platform("shopee", ("shopee.co.id", "shopee.com.my", "shopee.sg", "shopee.co.th", "shopee.vn", "shopee.ph",
                        "shopee.tw", "shopee.com.br", "shopee.cl", "shopee.com.co", "shopee.com.mx"),
             listing_url="https://{host}/product/{shop_id}/{id}", currencies=_SEA, concurrency=1, delay_s=2.0),
    Platform("aliexpress", ("aliexpress.com", "aliexpress.ru", "aliexpress.us"),
             listing_url="https://www.aliexpress.com/item/{id}.html"),
    Platform("mercadolibre", ("mercadolibre.com", "mercadolibre.com.mx", "mercadolibre.com.ar",
                              "mercadolibre.com.co", "mercadolibre.cl", "mercadolibre.com.pe", "mercadolibre.com.uy",
                              "mercadolivre.com.br")),
    Platform("etsy", ("etsy.com",), listing_url="https://www.etsy.com/listing/{id}"),
    Platform("shopify", ("myshopify.com",)),
    Platform("tokopedia", ("tokopedia.com",), currencies={"": "IDR"}, locale="id-ID", timezone="Asia/Jakarta"),
    Platform("lazada", ("lazada.co.id", "lazada.com.my", "lazada.sg", "lazada.co.th", "lazada.vn", "lazada.com.ph"),
             currencies=_SEA),
)}


def host_of(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


def platform_of_host(url: str | None) -> str | None:
    """The slug whose domains the URL's host belongs to (the longest matching domain wins), else None."""
    host = host_of(url)
    best, best_len = None, 0
    for platform in PLATFORMS.values():
        for domain in platform.domains:
            if (host == domain or host.endswith("." + domain)) and len(domain) > best_len:
                best, best_len = platform.slug, len(domain)
    return best


def site_currency(slug: str, url: str | None) -> str | None:
    """The currency a regional site prices in (shopee.co.id -> IDR), when the site says it."""
    platform = PLATFORMS.get(slug)
    if not platform:
        return None
    host = host_of(url)
    for suffix, code in sorted(platform.currencies.items(), key=lambda kv: -len(kv[0])):
        if host.endswith(suffix):
            return code
    return None
