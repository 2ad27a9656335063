"""Etsy: listing pages, searches and shops, all through the browser.

Etsy sits behind DataDome: plain HTTP clients get its 403 captcha page far more often than a
browser that runs the DataDome script as a visitor's browser does, so every page type goes
through Chromium (the parsers are in crawler/parsers/etsy.py):

- listing (``-a url=https://www.etsy.com[/<lang>]/listing/<id>/<slug>``, and the followed results)
  (browser): the JSON-LD ``Product`` (price in the buyer's currency, shop, rating, category) and the
  buy box (strike-through original price); the detail page's evidence includes a full-page screenshot.
- search (``-a query=TERM``: ``www.etsy.com/search?q=TERM``) (browser): the result cards in the
  server HTML (``data-listing-id`` cards, the JSON-LD ``ItemList``) give id, title, price and shop;
  each result is followed once to its listing page, which alone has the description, the
  category, the rating, the ship-from country and the original price.
- shop (``-a account=SHOPNAME``: ``www.etsy.com/shop/SHOPNAME``) (browser): the shop's listing
  cards, read like search cards and followed the same way.

Locale: Etsy answers in the visitor's language and currency (``/es/listing/...``, EUR); pass the
URLs as they should be read. A DataDome captcha or an empty SPA shell counts as ``blocked/<reason>``
and is retried with backoff.
"""
from urllib.parse import quote, quote_plus

from crawler.spider import PlatformSpider


class EtsySpider(PlatformSpider):
    name = platform = "etsy"
    allowed_domains = ["etsy.com", "etsy.me"]  # etsy.me: share links that redirect to a listing
    cdn_domains = ["etsystatic.com"]
    follow_kinds = ("listing",)

    def search_url(self, query):
        return "https://www.etsy.com/search?q=%s" % quote_plus(query)

    def account_url(self, handle):
        return "https://www.etsy.com/shop/%s" % quote(handle, safe="")
