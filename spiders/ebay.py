"""eBay (ebay.com, .co.uk, .de, .com.au ... every site the parser knows): items, searches, sellers.

eBay renders everything the parsers read into the server HTML (result cards in the DOM,
the item's JSON-LD ``Product`` and seller card), so the page type decides the path:

- search (``-a query=``: ``www.ebay.com/sch/i.html?_nkw=<query>``) and seller (``-a account=<seller>``:
  ``www.ebay.com/sch/i.html?_ssn=<seller>``, the seller's items; its store card is the account
  record): **plain requests**. The cards are in the HTML as served; a browser would add seconds
  per page and nothing to read, and no screenshot is kept for list pages. Each result is followed
  once to its ``/itm/<id>`` page, which alone has the description, brand, rating and availability
  and names the seller on every card (seller pages: the ``_ssn`` filter names it on the cards).
- sold / completed searches are URL targets (``-a url=https://www.ebay.com/sch/i.html?_nkw=...&LH_Sold=1&LH_Complete=1``):
  also plain requests, read as they are (ended listings are not followed: their cards carry
  the sale date and price, which the item page does not). Their evidence is the HTML only.
- item (``-a url=https://www.ebay.com/itm/<id>`` and the followed results): **the browser**, only
  because a detail page's evidence includes a full-page screenshot, which needs a rendered page.
  The record itself comes from the same server HTML.

Other eBay sites: pass their URLs (``-a url=https://www.ebay.de/itm/...``, ``-a account=https://www.ebay.co.uk/sch/i.html?_ssn=...``);
a bare query or seller goes to ebay.com. A ``/splashui/captcha`` page is reported as a captcha block and retried.
"""
import re
from urllib.parse import quote_plus

from crawler.spider import PlatformSpider

# the sites the parser reads prices for (crawler.parsers.ebay), plus the ebay.us share links
SITES = ["ebay.com", "ebay.ca", "ebay.co.uk", "ebay.com.au", "ebay.de", "ebay.fr", "ebay.it", "ebay.es", "ebay.at",
         "ebay.ch", "ebay.ie", "ebay.nl", "ebay.be", "ebay.pl", "ebay.com.sg", "ebay.com.my", "ebay.ph", "ebay.com.hk",
         "ebay.in", "ebay.us"]

# list pages (search, seller's items, stores, browse): server HTML is enough
LIST_PAGE = re.compile(r"^https?://[^/]*\bebay\.[a-z.]+/(?:sch|str|b)/")


class EbaySpider(PlatformSpider):
    name = platform = "ebay"
    allowed_domains = SITES
    # images, static assets, the item description iframe
    cdn_domains = ["ebayimg.com", "ebaystatic.com", "ebaydesc.com"]
    follow_kinds = ("listing",)
    plain_pages = LIST_PAGE.pattern  # list pages: cards in the server HTML, no screenshot kept

    def search_url(self, query):
        return "https://www.ebay.com/sch/i.html?_nkw=%s" % quote_plus(query)

    def account_url(self, handle):
        return "https://www.ebay.com/sch/i.html?_ssn=%s" % quote_plus(handle, safe="*")

