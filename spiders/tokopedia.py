"""Tokopedia: searches, product pages and shops, through the browser (parsers: crawler/parsers/tokopedia.py).

Tokopedia's web app is server-rendered with its Apollo cache in the page (``window.__cache`` /
``__APOLLO_STATE__``: the answers of the GraphQL queries the server ran), then asks
``gql.tokopedia.com/graphql/<OperationName>`` for more as the visitor scrolls. The GraphQL
endpoint wants the app's own headers (X-Source, X-Tkpd-*, a device fingerprint) and a POST body per
operation, so the spider does not call it: every page type goes through Chromium, the cache in the
served HTML is read, and the GraphQL answers the page fetches itself are captured (``api_patterns``)
and read by the same code:

- query (``-a query=TERM``): ``https://www.tokopedia.com/search?st=product&q=TERM`` (browser); the
  results (``ace_search_product_v4`` / ``searchProductV5``: id, name, price, rating, review count,
  shop, "terjual" label) come from the cache and from ``SearchProductQueryV4`` /
  ``SearchProductV5Query`` answers while scrolling; each result is followed to its product page.
- url, a product (``www.tokopedia.com/<shop>/<product-slug>``) (browser): ``pdpGetLayout`` in the
  cache (or the ``PDPGetLayoutQuery`` answer) adds the description, condition, sold count, category
  and images; the JSON-LD ``Product`` is read when the cache is missing (a partial record).
- account (``-a account=SHOPDOMAIN``): ``https://www.tokopedia.com/SHOPDOMAIN`` (browser): the
  shop (``shopInfoByID``, an account record) and its item list (``GetShopProduct``), whose items are
  followed to their product pages.

Prices are rupiah (IDR, no minor unit). A verification (WAF challenge) page counts as
``blocked/verification`` and is retried with backoff.
"""
from urllib.parse import quote

from crawler.spider import PlatformSpider


class TokopediaSpider(PlatformSpider):
    name = platform = "tokopedia"
    allowed_domains = ["tokopedia.com"]  # www., m., gql. (the GraphQL answers the page fetches), ta. (ad clicks)
    cdn_domains = ["tokopedia.net"]  # images.tokopedia.net, assets.tokopedia.net
    api_patterns = [r"gql\.tokopedia\.com/graphql/(?:SearchProductQueryV\d|SearchProductV\d+Query|SearchResult/|"
                    r"PDPGetLayoutQuery|ProductDetails/|ShopInfoCore|ShopProducts|GetShopProduct)"]
    scrolls = 1  # the next results and a shop's item list load on scroll
    follow_kinds = ("listing",)

    def search_url(self, query):
        return "https://www.tokopedia.com/search?st=product&q=%s" % quote(query)

    def account_url(self, handle):
        return "https://www.tokopedia.com/%s" % quote(handle.strip("/"), safe="")
