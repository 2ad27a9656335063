"""Lazada: searches, product pages and shops on any of its six sites (parsers: crawler/parsers/lazada.py).

Lazada's pages are server-rendered: a search page assigns its results to ``window.pageData``
(``mods.listItems``), a product page passes its module data to ``app.run({data: {root: {fields:
...}}})`` (or ``__moduleData__``). Alibaba's anti-bot (the slider "punish" page) answers plain HTTP
clients far more often than a browser, so pages go through Chromium; the catalog's JSON
(``?ajax=true``, what the page asks for the next pages) is captured when the page fetches it
(``api_patterns``) and fetched without the browser when given directly (``plain_pages``):

- query (``-a query=TERM``): ``https://www.lazada.<site>/catalog/?q=TERM`` (browser): the cards
  (id, name, price, original price, rating, reviews, sold count, seller, location); each result is
  followed to its product page.
- url, a product (``www.lazada.<site>/products/<slug>-i<itemId>[-s<skuId>].html``) (browser): the
  module data adds the description, the SKUs' price range, the brand, the category, the images and
  the seller (also an account record); the JSON-LD ``Product`` when the module data is missing.
- account (``-a account=SHOP``: the shop's slug): ``https://www.lazada.<site>/SHOP/?q=All-Products&
  from=wangpu&langFlag=en&pageTypeId=2`` (browser), the shop's item list, read and followed like
  a search.
- a catalog JSON URL (``...?ajax=true``) given directly: fetched without the browser.

The site: ``-a site=co.id`` (or ``com.my``, ``sg``, ``co.th``, ``vn``, ``com.ph``), else the
``LAZADA_SITE`` setting, else ``co.id`` (Indonesia); it applies to query and account targets, URL
targets carry their own host. The slider captcha page (``_____tmd_____/punish?x5secdata=...``)
counts as ``blocked/captcha`` and is retried with backoff.
"""
from urllib.parse import quote

from crawler.parsers.lazada import SITES
from crawler.spider import PlatformSpider
from crawler.targets import Option, site_choice

DEFAULT_SITE = "co.id"
SITE_NAMES = sorted(host[len("lazada."):] for host in SITES)


site_of = site_choice("lazada", SITE_NAMES)


class LazadaSpider(PlatformSpider):
    name = platform = "lazada"
    allowed_domains = sorted(SITES)
    cdn_domains = ["lazcdn.com", "slatic.net", "alicdn.com"]  # images, scripts (g.lazcdn.com, laz-g-cdn.alicdn.com)
    api_patterns = [r"[?&]ajax=true\b"]
    plain_pages = r"[?&]ajax=true\b"
    scrolls = 1
    follow_kinds = ("listing",)
    options = {"site": Option("the Lazada site of query and account targets", setting="LAZADA_SITE",
                              default=DEFAULT_SITE, parse=site_of)}

    def site_host(self) -> str:
        return "www.lazada.%s" % self.option("site")

    def search_url(self, query):
        return "https://%s/catalog/?q=%s" % (self.site_host(), quote(query))

    def account_url(self, handle):
        return "https://%s/%s/?q=All-Products&from=wangpu&langFlag=en&pageTypeId=2" % (
            self.site_host(), quote(handle.strip("/"), safe=""))
