"""TikTok: videos, photo posts, LIVE rooms and profiles through the browser.

- url / account: the page's own state (__UNIVERSAL_DATA_FOR_REHYDRATION__, SIGI_STATE), rendered in Chromium.
- query: the search page; its results arrive by XHR (/api/search/.../full/) as the page scrolls,
  and are read from those JSON responses instead of re-implementing request signing.
- profile lists: /api/post/item_list/ responses, captured the same way.
"""
from urllib.parse import quote

from crawler.spider import PlatformSpider


class TikTokSpider(PlatformSpider):
    name = platform = "tiktok"
    allowed_domains = ["tiktok.com"]
    cdn_domains = ["tiktokcdn.com", "tiktokcdn-us.com", "tiktokcdn-eu.com", "ttwstatic.com", "tiktokv.com",
                   "byteoversea.com", "ibytedtos.com", "ibyteimg.com", "muscdn.com"]
    api_patterns = [r"/api/search/(?:general|item|user)/full/", r"/api/post/item_list/"]
    scrolls = 3
    follow_kinds = ()

    def search_url(self, query):
        return "https://www.tiktok.com/search?q=%s" % quote(query)

    def account_url(self, handle):
        return "https://www.tiktok.com/@%s" % quote(handle)
