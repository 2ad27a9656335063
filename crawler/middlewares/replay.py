"""``REPLAY_HAR=FILE``: every request of the crawl is answered from a HAR, nothing touches the network.

- Plain requests get the HAR's response, or fail (``IgnoreRequest``) when the HAR lacks them.
- Browser requests get a page init callback that first aborts every route, then serves the
  HAR through Playwright's ``route_from_har(not_found="abort")``. Should that callback fail,
  scrapy-playwright's own route still asks the network guard, which in replay refuses
  everything (crawler.middlewares.guard): replay fails closed, never live.
- A missing or unreadable HAR stops the crawl before its first request (``HarError``).
"""
from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from crawler.har import HarIndex

logger = logging.getLogger(__name__)


async def _abort(route):
    await route.abort()


def page_init_callback(har_path: str, then=None):
    """Routes the page to the HAR, then runs the spider's own init callback.

    scrapy-playwright removes every "**" route of a reused page before each request
    (``page.unroute("**")``), so both routes are registered again every time; they are
    "**" routes themselves, so they never pile up."""
    async def init(page, request):
        await page.route("**", _abort)
        await page.route_from_har(har_path, not_found="abort")
        if then is not None:
            await then(page, request)
    return init


class HarReplayMiddleware:
    def __init__(self, crawler, har_path: str):
        self.crawler = crawler
        self.har_path = har_path
        self.index = HarIndex(har_path)  # raises HarError: the crawl does not start
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("REPLAY_HAR")
        if not path:
            raise NotConfigured
        return cls(crawler, path)

    def spider_opened(self, spider):
        logger.info("replaying %d responses from %s; nothing else is fetched", len(self.index), self.har_path)
        self.crawler.stats.set_value("replay/har_entries", len(self.index))

    def process_request(self, request, spider=None):
        stats = self.crawler.stats
        if request.meta.get("playwright"):
            if not request.meta.get("replay_routed"):
                request.meta["replay_routed"] = True
                request.meta["playwright_page_init_callback"] = page_init_callback(
                    self.har_path, request.meta.get("playwright_page_init_callback"))
            return None
        found = self.index.get(request.method, request.url)
        if found is None:
            stats.inc_value("replay/missing")
            raise IgnoreRequest("replay: %s %s is not in %s" % (request.method, request.url, self.har_path))
        stats.inc_value("replay/served")
        headers = Headers(found.headers)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=found.body)
        return cls(url=request.url, status=found.status, headers=headers, body=found.body, request=request,
                   flags=["replay"])
