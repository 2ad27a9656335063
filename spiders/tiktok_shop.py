"""TikTok Shop: product pages, store (seller) pages and product search, through the browser.

Every TikTok Shop page keeps its data in the server HTML (``<script id="__MODERN_ROUTER_DATA__">``),
but www.tiktok.com answers a first, cookie-less visit with its WAF challenge (a proof-of-work page
that sets a cookie and reloads) or the "Security Check" captcha page; only a real browser passes
the former and gets the cookies (ttwid, msToken) that make the latter rarer. So every page type
goes through Chromium:

- url (``/shop/pdp/<slug>/<product_id>``, ``shop.tiktok.com/view/product/<id>``): the PDP state,
  one listing with description, category, stock, shipping and seller.
- account (``/shop/store/<store-slug>/<seller_id>``; ``-a account=<store-slug>/<seller_id>`` or the
  store URL): the shop (an account record) and its server-rendered product cards, each followed to
  its PDP (the card has no description, category, stock or shipping).
- query (``/shop/s/<query>``): the search page's first page of results is server-rendered
  (``feed_list_search_word`` cards, ~15-30 of them) and read from the page state; each card is
  followed to its PDP. Deeper pages are fetched by the app through a signed load-more XHR whose
  shape is not verified from any capture, so they are not read (no api_patterns): a search gives
  its first page only.
- A "Security Check" captcha page is reported as blocked/captcha (the parsers' detect_block).
"""
from urllib.parse import quote

from crawler.spider import PlatformSpider


class TikTokShopSpider(PlatformSpider):
    name = platform = "tiktok_shop"
    allowed_domains = ["tiktok.com"]
    cdn_domains = ["tiktokcdn.com", "tiktokcdn-us.com", "tiktokcdn-eu.com", "ttcdn-us.com", "ttwstatic.com",
                   "ibytedtos.com", "ibyteimg.com", "byteoversea.com"]
    follow_kinds = ("listing",)

    @classmethod
    def check_target(cls, kind, value):
        account = value.strip()
        if kind == "account" and not account.startswith(("http://", "https://")) and not _store_handle(account):
            return ("-a account takes a store as <store-slug>/<seller_id> (e.g. sockhaus-outlet/7495000000000000002) "
                    "or its /shop/store/ URL, got %r" % account)
        return None

    def search_url(self, query):
        return "https://www.tiktok.com/shop/s/%s" % quote(query, safe="")

    def account_url(self, handle):
        slug, seller_id = _store_handle(handle)
        return "https://www.tiktok.com/shop/store/%s/%s" % (quote(slug, safe="-_"), seller_id)


def _store_handle(handle: str):
    """(store slug, seller id) from "<slug>/<seller_id>", else None."""
    parts = handle.strip().lstrip("@").strip("/").split("/")
    if len(parts) == 2 and parts[0] and parts[1].isdigit():
        return parts[0], parts[1]
    return None
