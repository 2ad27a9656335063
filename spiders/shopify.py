"""Shopify stores, on their own domains: product pages and the product JSON endpoints.

Every Shopify store lives on its own domain, so the network guard allows the hosts of the
``-a url=`` targets (``allow_target_hosts``) plus Shopify's CDNs; the parsers
(crawler/parsers/shopify.py) tell a Shopify page by its own markers, whatever the domain.

- product page (``-a url=https://<store>/products/<handle>``, also under ``/collections/<c>/``
  or a locale prefix) (browser): the record comes from the server HTML (JSON-LD ``Product`` /
  ``ProductGroup``, ``ShopifyAnalytics.meta``, the shop id and ``.myshopify.com`` handle); the
  browser is used because a detail page's evidence includes a full-page screenshot, and because
  stores behind a bot wall (Cloudflare and the like) let a browser through more often.
- product endpoint (``-a url=https://<store>/products/<handle>.js`` or ``.json``) (plain request):
  a JSON API; a browser would only wrap it in HTML. ``.js`` prices are cents, ``.json`` prices
  major units; neither names the currency unless the URL has ``?currency=XXX`` (else the price is null).

Store apps rewrite the page: review apps (Trustoo, Judge.me ...) delete the theme's JSON-LD
``Product`` to put their own rating in. The base spider reads every browser page both as rendered
and as served (the main document's bytes), and keeps the record that says most; the evidence is
the rendered page and its screenshot (what a visitor saw).

Not supported: ``-a query`` and ``-a account``. Shopify has no marketplace search nor seller
page: every store is its own site. To crawl a store, give its product URLs (several, comma
separated); a brand-wide search belongs to the ``web`` spider's URL list or to the marketplaces.
"""
import logging
import re

from crawler.spider import PlatformSpider

logger = logging.getLogger(__name__)

# the product JSON endpoints: /products/<handle>.js and .json
PRODUCT_JSON = re.compile(r"/products/[^/?#]+\.js(?:on)?(?:[?#]|$)")


class ShopifySpider(PlatformSpider):
    name = platform = "shopify"
    allowed_domains = ["myshopify.com"]  # a store's own domain comes from its -a url= targets
    allow_target_hosts = True
    # theme assets and images, the storefront scripts (shopifycloud), analytics (monorail)
    cdn_domains = ["cdn.shopify.com", "shopifycdn.net", "shopifysvc.com", "shopifycloud.com"]
    plain_pages = PRODUCT_JSON.pattern  # the product JSON endpoints: a browser would only wrap them in HTML
