"""TikTok: videos, photo posts, LIVE rooms, profiles and search, through the browser.

Per page type (the parsers are in crawler/parsers/tiktok.py):

- video / photo page ``/@handle/video|photo/<id>``, share page ``m.tiktok.com/v/<id>.html``,
  short links ``vm.tiktok.com/...`` (browser): the post is in the server HTML
  (``__UNIVERSAL_DATA_FOR_REHYDRATION__``), but TikTok answers plain clients more and more with
  its WAF proof-of-work page (``#cs``/``#wci``) and sets the ``ttwid``/``msToken`` cookies from
  script; Chromium runs both as a visitor's browser does, and short links redirect to the post.
- LIVE room ``/@handle/live`` (browser): ``SIGI_STATE.LiveRoom`` in the HTML; same reasons.
- account ``-a account=HANDLE`` -> ``/@handle`` (browser): the profile's own state gives the
  account; its posts come from ``/api/post/item_list/``, which the page fetches (signed with
  ``X-Bogus``/``msToken``) as the grid is scrolled. Those JSON answers are captured (``api_patterns``)
  and parsed, instead of re-implementing the request signing. Tiles already rendered in the DOM
  are read too (id and views).
- search ``-a query=TERM`` -> ``/search?q=TERM`` (browser): the page holds no results; it fetches
  ``/api/search/general/full/`` (Top: posts and matching accounts) and, as it scrolls,
  ``/api/search/item/full/`` (more videos); ``/api/search/user/full/`` (the Users tab) is read
  the same way when the page fetches it. The answers carry full itemStructs (caption, counts,
  author, author stats), the same data as a video page, so results are not followed
  (``follow_kinds`` empty: following would only cost one more challenge-prone page per post).
- oEmbed ``/oembed?url=...`` given as a URL (plain request): a JSON API, no browser needed.

Blocks: the WAF page, the captcha/login statusCodes (10000, 10113, 10102...) and empty SPA shells
count as ``blocked/<reason>`` and are retried with backoff.
"""
from urllib.parse import quote

from crawler.spider import PlatformSpider


class TikTokSpider(PlatformSpider):
    name = platform = "tiktok"
    allowed_domains = ["tiktok.com"]
    cdn_domains = ["tiktokcdn.com", "tiktokcdn-us.com", "tiktokcdn-eu.com", "ttwstatic.com", "tiktokv.com",
                   "byteoversea.com", "ibytedtos.com", "ibyteimg.com", "muscdn.com"]
    # the JSON answers the web app fetches itself: search tabs and a profile's post list
    api_patterns = [r"/api/search/(?:general|item|user)/full/", r"/api/post/item_list/"]
    scrolls = 3
    follow_kinds = ()

    def search_url(self, query):
        return "https://www.tiktok.com/search?q=%s" % quote(query)

    def account_url(self, handle):
        return "https://www.tiktok.com/@%s" % quote(handle)
