"""Tmall: the Taobao flows (spiders/taobao.py) with platform tmall.

Tmall items live on ``detail.tmall.com/item.htm?id=...`` with the same server-rendered page as
Taobao's (browser, read by crawler.parsers.taobao); Tmall search is Taobao's search with the
Tmall tab (``s.taobao.com/search?q=TERM&tab=mall``: list.tmall.com redirects there), captured from
its mtop JSONP answer and followed to the item pages. The login storage state is ``STORAGE_STATE``
or ``TMALL_STORAGE_STATE`` (a Taobao session works: Tmall shares the login). No account target.
"""
from spiders.taobao import TaobaoSpider


class TmallSpider(TaobaoSpider):
    name = platform = "tmall"
    search_tab = "mall"
