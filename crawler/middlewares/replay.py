"""``REPLAY_HAR=FILE``: every request of the crawl is answered from a HAR, nothing touches the network.

- Plain requests get the HAR's response, or fail (``IgnoreRequest``) when the HAR lacks them.
- Browser requests get a page init callback that first aborts every route, then serves the
  HAR through Playwright's ``route_from_har(not_found="abort")``. Should that callback fail,
  the abort-all route is already in place: replay fails closed, never live.
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


def page_init_callback(har_path: str):
    async def init(page, request):
        await page.route("**/*", _abort)
        await page.route_from_har(har_path, not_found="abort")
    return init


class HarReplayMiddleware:
    def __init__(self, crawler, har_path: str):
        self.crawler = crawler
        self.har_path = har_path
        self.index = HarIndex(har_path)  # raises HarError: the crawl does not start
        self.init = page_init_callback(har_path)
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
            request.meta["playwright_page_init_callback"] = self.init
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
