"""Douyin: posts from share pages and from the web app's own XHRs (search, account, video pages).

- url, share pages (``www.iesdouyin.com/share/video|note/<id>/``): a PLAIN REQUEST. The post is in the
  server HTML (``window._ROUTER_DATA`` → ``videoInfoRes.item_list``), no script has to run and no
  signature is involved, so a browser adds nothing but cost. The share page is the mobile site: the
  request is sent with a mobile User-Agent (a desktop one is sent on to www.douyin.com/video/<id>,
  whose server HTML no longer holds the post).
- url, web pages (``www.douyin.com/video/<id>``, ``/note/<id>``): the BROWSER. The server HTML's
  RENDER_DATA has ``aweme: null``; the app fetches the post from ``/aweme/v1/web/aweme/detail/``
  (signed with a_bogus/msToken by the page's own script). That JSON response is captured and read
  (``aweme_detail``), instead of re-implementing the signature.
- query (``www.douyin.com/search/<query>``): the BROWSER; results come by XHR from
  ``/aweme/v1/web/general/search/single/`` (the "综合" tab) or ``/aweme/v1/web/search/item/`` (the
  video tab), more as the page scrolls: ``data[].aweme_info``. A search result is already the full
  post (stats, author, music), so nothing is followed.
- account (``www.douyin.com/user/<sec_uid>``; ``-a account=<sec_uid>``): the BROWSER; the profile from
  ``/aweme/v1/web/user/profile/other/`` (``user``) and the posts from ``/aweme/v1/web/aweme/post/``
  (``aweme_list``), more as the page scrolls.

Douyin detects automated Chromium and asks for a slider captcha (MediaCrawler #266): logged-in state
(``DOUYIN_STORAGE_STATE``) helps; a search answered with ``search_nil_info.search_nil_type``
"verify_check" is counted as blocked/captcha.
"""
import re
from urllib.parse import quote

from crawler.spider import PlatformSpider

SHARE_PAGE = re.compile(r"^https?://(?:www\.|m\.)?(?:iesdouyin|douyin)\.com/share/(?:video|note|slides)/\d+")
MOBILE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


class DouyinSpider(PlatformSpider):
    name = platform = "douyin"
    allowed_domains = ["douyin.com", "iesdouyin.com"]
    cdn_domains = ["douyinstatic.com", "douyinpic.com", "douyinvod.com", "douyincdn.com", "zjcdn.com",
                   "bytescm.com", "byteimg.com", "bytetos.com", "snssdk.com", "amemv.com", "pstatp.com"]
    api_patterns = [r"/aweme/v1/web/aweme/detail/", r"/aweme/v1/web/general/search/single/",
                    r"/aweme/v1/web/search/item/", r"/aweme/v1/web/aweme/post/", r"/aweme/v1/web/user/profile/other/"]
    scrolls = 2
    follow_kinds = ()
    plain_pages = SHARE_PAGE.pattern  # share pages carry the post in the server HTML

    def search_url(self, query):
        return "https://www.douyin.com/search/%s" % quote(query, safe="")

    def account_url(self, handle):
        return "https://www.douyin.com/user/%s" % quote(handle, safe="")

    def page_request(self, url, role, query=None, attempt=0, **meta):
        request = super().page_request(url, role, query=query, attempt=attempt, **meta)
        if SHARE_PAGE.match(url):
            request.headers["User-Agent"] = MOBILE_UA
        return request
