"""Xiaohongshu (RedNote): notes, search results and profiles, all through the browser.

XHS serves nothing useful without its web app: note and profile pages need its cookies and
``xsec_token`` links, and its API answers only requests signed by the app (X-S / X-T headers).
So every page is opened in Chromium and the data is read where the app itself puts it:

- url (``/explore/<noteId>``, ``/discovery/item/<noteId>``): browser; the note's server-rendered
  state (``window.__INITIAL_STATE__`` → ``note.noteDetailMap``).
- query (``/search_result?keyword=...``): browser; the result cards arrive by XHR, POST
  ``edith.xiaohongshu.com/api/sns/web/v1/search/notes``, captured as the page loads and scrolls
  (no re-implementation of the request signing). Cards have no text, time or location, so each
  found note is followed to its note page (with the card's ``xsec_token``, which XHS requires).
- account (``/user/profile/<userId>``): browser; the profile state (``user.userPageData`` and the
  first note cards in ``user.notes``) plus the next cards from the ``/api/sns/web/v1/user_posted``
  XHR the grid makes as it is scrolled; the notes are followed to their note pages too.

XHS redirects automated or logged-out visitors to ``/website-login/captcha`` quickly; a logged-in
Playwright storage state (``-s STORAGE_STATE=FILE`` or ``XIAOHONGSHU_STORAGE_STATE``) helps.
"""
from urllib.parse import quote

from crawler.spider import PlatformSpider


class XiaohongshuSpider(PlatformSpider):
    name = platform = "xiaohongshu"
    allowed_domains = ["xiaohongshu.com"]  # www. pages, edith. API
    cdn_domains = ["xhscdn.com", "xhscdn.net", "xiaohongshu.net"]
    api_patterns = [r"/api/sns/web/v1/search/notes", r"/api/sns/web/v1/user_posted"]
    scrolls = 2
    follow_kinds = ("post",)

    def search_url(self, query):
        return "https://www.xiaohongshu.com/search_result?keyword=%s&source=web_search_result_notes" % quote(query)

    def account_url(self, handle):
        return "https://www.xiaohongshu.com/user/profile/%s" % quote(handle)
