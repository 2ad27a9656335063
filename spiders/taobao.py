"""Taobao: item pages and search, through the browser, with a logged-in storage state.

Taobao shows almost nothing to a visitor without a session: search and most item pages
redirect to login.taobao.com or a slider captcha (baxia / ``punish?x5secdata``). Give the
crawl a Playwright storage state of a logged-in session: the ``STORAGE_STATE`` setting or
the ``TAOBAO_STORAGE_STATE`` environment variable (``TMALL_STORAGE_STATE`` for the tmall
spider); the base spider loads it into every browser context. Login and captcha pages are
reported as blocked (exit 3 when nothing else came out).

- url, an item (``item.taobao.com/item.htm?id=...``; Tmall's ``detail.tmall.com`` too)
  (browser): the data is in the server HTML (``window.__ICE_APP_CONTEXT__``), but only a
  browser context carries the session cookies and runs the baxia anti-bot script that
  Taobao checks; a plain request gets the login redirect.
- query (``-a query=TERM``): ``https://s.taobao.com/search?q=TERM`` (browser). The page
  renders nothing server-side; it asks the mtop gateway
  (``h5api.m.taobao.com/h5/mtop.relationrecommend.wirelessrecommend.recommend/2.0/``, JSONP)
  for the cards, signed with the session's ``_m_h5_tk`` token. The spider captures that answer
  (``api_patterns``) instead of re-implementing the signing, and follows every card to its
  item page (sales, shipping, stock, the shop's id and URL).
- account: not supported. Shop pages (``shop<id>.taobao.com``, ``<name>.taobao.com``) are
  built from several mtop calls per shop template (no single answer lists a shop's items);
  search for the shop's name instead, or give the item URLs.
"""
from urllib.parse import quote

from crawler.spider import PlatformSpider


class TaobaoSpider(PlatformSpider):
    name = platform = "taobao"
    allowed_domains = ["taobao.com", "tmall.com", "tmall.hk"]
    cdn_domains = ["alicdn.com", "tbcdn.cn", "mmstat.com", "alibaba.com"]
    api_patterns = [r"^https://h5api\.m\.(?:taobao|tmall)\.com/h5/mtop\.relationrecommend\.wirelessrecommend\.recommend/"]
    scrolls = 1
    follow_kinds = ("listing",)
    search_tab = None  # "mall": Tmall items only

    def search_url(self, query):
        url = "https://s.taobao.com/search?q=%s" % quote(query)
        return url + "&tab=%s" % self.search_tab if self.search_tab else url
