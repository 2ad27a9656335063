"""Instagram: posts, reels and profiles through the browser (the logged-out web, or a logged-in session).

Instagram's HTML carries little without its app: logged out, post and profile pages have meta tags
(rounded counts) and route props, and the app fetches the rest itself. So pages are opened in
Chromium and read where the app puts the data:

- url (``/p/<code>/``, ``/reel/<code>/``, ``/<user>/reel/<code>/``): browser; the page's Relay data
  (``<script data-sjs>``) when present, else its meta tags and route props.
- account (``/<username>/``): browser; the page's meta tags plus the JSON the page fetches by XHR,
  ``/api/v1/users/web_profile_info/?username=<username>`` (exact counts, bio links and the latest
  12 posts with captions, times, likes, comments and reel views), captured as the page loads and
  scrolls. The posts there say more than their logged-out pages, so they are not followed.
- query: not supported. Logged out, Instagram has no search page (search and hashtag pages
  redirect to the login page), so ``-a query`` is rejected.

Instagram shows a login wall after a few logged-out pages (reported as ``blocked/login_wall``).
Most data needs a session: give a Playwright storage state of a logged-in browser with
``-s STORAGE_STATE=FILE`` or the ``INSTAGRAM_STORAGE_STATE`` environment variable (the base
spider loads it into every browser context).
"""
from urllib.parse import quote

from crawler.spider import PlatformSpider


class InstagramSpider(PlatformSpider):
    name = platform = "instagram"
    allowed_domains = ["instagram.com"]
    cdn_domains = ["cdninstagram.com", "fbcdn.net"]
    api_patterns = [r"/api/v1/users/web_profile_info/"]
    scrolls = 1
    follow_kinds = ()

    def account_url(self, handle):
        return "https://www.instagram.com/%s/" % quote(handle)
