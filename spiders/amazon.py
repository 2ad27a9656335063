"""Amazon (every marketplace: amazon.com, .co.uk, .de, .es, .co.jp ...): product pages, searches and seller storefronts.

Amazon renders everything the parsers read into the server HTML (no state script, no
XHR to capture), so the page type decides the path:

- search (``-a query=``: ``www.amazon.com/s?k=...``) and seller storefront (``-a account=<seller id>``:
  ``www.amazon.com/s?me=<seller id>``, the seller's own search page): **plain requests**. The result
  cards are in the HTML as served; a browser would add seconds per page and nothing to read, and
  no evidence is kept for list pages. Each result is followed once to its ``/dp/<ASIN>`` page,
  which alone names the seller, the availability, the brand and the buy-box condition.
- product (``-a url=.../dp/<ASIN>``, ``/gp/product/<ASIN>``, and the followed results): **the browser**,
  only because a detail page's evidence includes a full-page screenshot, which needs a rendered page.
  The record itself comes from the same server HTML.

Other marketplaces: pass their URLs (``-a url=https://www.amazon.de/dp/...``,
``-a account=https://www.amazon.de/s?me=<seller id>``); a bare query or seller id goes to amazon.com.
Short links (amzn.to, amzn.eu, a.co) are allowed: they redirect to a product page.
A robot check (``/errors/validateCaptcha``) is reported as a captcha block and retried.
"""
import re
from urllib.parse import quote, quote_plus

from crawler.spider import PlatformSpider

# every marketplace the parser reads prices for (crawler.parsers.amazon), plus the short-link hosts
MARKETPLACES = ["amazon.com", "amazon.ca", "amazon.com.mx", "amazon.com.br", "amazon.co.uk", "amazon.de",
                "amazon.fr", "amazon.it", "amazon.es", "amazon.nl", "amazon.se", "amazon.pl", "amazon.com.tr",
                "amazon.com.be", "amazon.ie", "amazon.ae", "amazon.sa", "amazon.eg", "amazon.in", "amazon.co.jp",
                "amazon.com.au", "amazon.sg", "amazon.cn"]
SHORT_LINKS = ["amzn.to", "amzn.eu", "amzn.asia", "a.co"]

# list pages (search, storefront): server HTML is enough
LIST_PAGE = re.compile(r"^https?://[^/]*\bamazon\.[a-z.]+/s(?:[/?]|$)")


class AmazonSpider(PlatformSpider):
    name = platform = "amazon"
    allowed_domains = MARKETPLACES + SHORT_LINKS
    cdn_domains = ["media-amazon.com", "ssl-images-amazon.com", "images-amazon.com"]
    follow_kinds = ("listing",)
    plain_pages = LIST_PAGE.pattern  # search and storefront cards are in the server HTML; no screenshot kept

    def search_url(self, query):
        return "https://www.amazon.com/s?k=%s" % quote_plus(query)

    def account_url(self, handle):
        return "https://www.amazon.com/s?me=%s" % quote(handle, safe="")

