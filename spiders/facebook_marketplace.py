"""Facebook Marketplace: search results and item pages, through the browser.

- query (``-a query=TERM``): ``https://www.facebook.com/marketplace/<city>/search?query=TERM``
  (browser). The first results are in the server HTML's ``<script data-sjs>`` Relay data;
  the next pages arrive by XHR (``POST /api/graphql/``, CometMarketplaceSearchContentPaginationQuery)
  as the feed is scrolled: the spider scrolls ``scrolls`` times, captures those answers
  (``api_patterns``) and reads them with the same listing finder (crawler.parsers.facebook_marketplace
  graphql). Search cards carry no seller and no description, so every result is followed to its
  item page.
- url, an item (``/marketplace/item/<id>/``) (browser): the item's Relay data
  (``marketplace_product_details_page``) with description, seller, condition and photos.
  The server HTML holds the same data, but Facebook answers a bare HTTP client with a login
  redirect far more often than a real browser, and the search needs the browser anyway.
- account: not supported (seller profiles, ``/marketplace/profile/<id>/``, need a login).

The city of a bare query: ``-a city=saltlakecity`` (Marketplace's own city slug, as in
``facebook.com/marketplace/<slug>/``: ``nyc``, ``la``, ``chicago``, ``london``, or a numeric
location id), else the ``FACEBOOK_MARKETPLACE_CITY`` setting, else ``nyc``.

Logged out, Facebook shows Marketplace search and items with a login overlay (not a block);
a login or checkpoint page instead of listings is reported as blocked. A storage state with a
logged-in session (``STORAGE_STATE`` or ``FACEBOOK_MARKETPLACE_STORAGE_STATE``) is used when given.
"""
import re
from urllib.parse import quote

from crawler.spider import PlatformSpider
from crawler.targets import Option

DEFAULT_CITY = "nyc"
_CITY = re.compile(r"^[a-z0-9][a-z0-9_.-]*$", re.I)


def city_of(value: str) -> str:
    city = value.strip().strip("/").lower()
    if not _CITY.match(city):
        raise ValueError("must be a Marketplace city slug like saltlakecity")
    return city


class FacebookMarketplaceSpider(PlatformSpider):
    name = platform = "facebook_marketplace"
    allowed_domains = ["facebook.com"]
    cdn_domains = ["fbcdn.net", "facebook.net", "fbsbx.com"]
    api_patterns = [r"^https://(?:www|web)\.facebook\.com/api/graphql/?(?:\?|$)"]
    scrolls = 2
    follow_kinds = ("listing",)

    options = {"city": Option("the Marketplace city of query targets (its URL slug)",
                              setting="FACEBOOK_MARKETPLACE_CITY", default=DEFAULT_CITY, parse=city_of)}

    def city(self) -> str:
        return self.option("city")

    def search_url(self, query):
        return "https://www.facebook.com/marketplace/%s/search?query=%s" % (quote(self.city()), quote(query))
