"""Shopee: search results, items and shops, read from the JSON API calls the web app makes itself.

Shopee's pages are an SPA shell: the server HTML holds no product data, and the
``/api/v4/...`` endpoints answer a bare request with the anti-bot error 90309999
unless the browser's own security headers (af-ac-enc-dat etc., computed by the
app's scripts) come with it. So every page type goes through Chromium and the
spider captures the responses the page fetches (``api_patterns``) instead of
re-implementing that signing:

- query (``-a query=TERM``): ``https://shopee.<site>/search?keyword=TERM`` (browser);
  the page fetches ``/api/v4/search/search_items?by=relevancy&keyword=...``
  (parsed by crawler.parsers.shopee search); every result is followed to its item page.
- url, an item (``shopee.<site>/<slug>-i.<shopid>.<itemid>`` or ``/product/<shopid>/<itemid>``)
  (browser): the page fetches ``/api/v4/pdp/get_pc?item_id=..&shop_id=..``, which adds the
  description, the shop's name and username and the review numbers to what search shows.
- account (``-a account=USERNAME``): ``https://shopee.<site>/USERNAME`` (browser); the shop
  page fetches ``/api/v4/shop/get_shop_base?...&username=...`` (the shop, an account record)
  and then ``/api/v4/search/search_items?...&match_id=<shopid>&page_type=shop`` (its items,
  followed to their item pages like search results).
- an ``/api/v4/...`` URL given directly is fetched without a browser (it usually answers
  90309999 that way).

The country site: ``-a site=co.id`` (or ``com.my``, ``sg``, ``ph``, ``co.th``, ``vn``, ``tw``,
``com.br``, ...), else the ``SHOPEE_SITE`` setting, else ``co.id`` (Indonesia). It applies to
query and account targets; URL targets carry their own host.

An API answer ``{"error": 90309999}`` is Shopee's bot check: the parser reports it as blocked
("verification"), the spider retries with backoff, then the crawl exits 3.
"""
from urllib.parse import quote

from crawler.parsers.shopee import COUNTRIES
from crawler.spider import PlatformSpider
from crawler.targets import Option, site_choice

DEFAULT_SITE = "co.id"
SITES = sorted(host[len("shopee."):] for host in COUNTRIES)


site_of = site_choice("shopee", SITES)


class ShopeeSpider(PlatformSpider):
    name = platform = "shopee"
    allowed_domains = ["shopee.%s" % site for site in SITES]
    cdn_domains = ["susercontent.com", "shopeemobile.com", "shopee.io"]
    api_patterns = [r"/api/v4/search/search_items\b", r"/api/v4/pdp/get_pc\b", r"/api/v4/item/get\b",
                    r"/api/v4/shop/get_shop_base\b"]
    scrolls = 1  # lazy parts of the page (and the shop's item list, fetched after the shop) load on scroll
    follow_kinds = ("listing",)

    options = {"site": Option("the country site of query and account targets", setting="SHOPEE_SITE",
                              default=DEFAULT_SITE, parse=site_of)}

    def site_host(self) -> str:
        return "shopee.%s" % self.option("site")

    def search_url(self, query):
        return "https://%s/search?keyword=%s" % (self.site_host(), quote(query))

    def account_url(self, handle):
        return "https://%s/%s" % (self.site_host(), quote(handle))
