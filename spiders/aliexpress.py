"""AliExpress (aliexpress.com, aliexpress.us, aliexpress.ru): item pages and searches, through the browser.

- item (``-a url=https://www.aliexpress.com/item/<id>.html`` and the followed results): **the browser**.
  The parser reads ``window.runParams`` from the page, but AliExpress answers clients that do
  not run its scripts with the baxia slider ("punish" page, reported as a captcha block) far more
  often than a browser, and a detail page's evidence includes a full-page screenshot.
- search (``-a query=``: ``www.aliexpress.com/w/wholesale-<query>.html``): **the browser**, for
  the same reason. The first page of results is in the page's own state
  (``window._dida_config_._init_data_``; the rendered cards as a fallback). Cards often lack
  the store and the sold count, so each result is followed once to its item page, which has
  the store, sold count, rating, review count and stock.
- account: not supported. Store pages (``/store/<id>``) are a separate app the parsers do not
  read; pass the store's item URLs instead.

aliexpress.ru and aliexpress.us pages are URL targets (``-a url=https://aliexpress.ru/item/<id>.html``);
a bare query goes to aliexpress.com.
"""
from urllib.parse import quote

from crawler.spider import PlatformSpider


class AliexpressSpider(PlatformSpider):
    name = platform = "aliexpress"
    allowed_domains = ["aliexpress.com", "aliexpress.ru", "aliexpress.us"]
    # images and scripts (ae01.alicdn.com, g.alicdn.com ...), the newer image host
    cdn_domains = ["alicdn.com", "aliexpress-media.com"]
    follow_kinds = ("listing",)

    def search_url(self, query):
        # the site's own form: words joined by hyphens ("trail shoes" -> wholesale-trail-shoes.html)
        slug = "-".join(query.split())
        return "https://www.aliexpress.com/w/wholesale-%s.html" % quote(slug, safe="-")
