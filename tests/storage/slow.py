"""A test-only Scrapy extension that slows a replayed crawl down (a replay answers at once), so that a
test can act in the middle of it: ``-s SLOW_ITEM_S=0.4`` sleeps that long after each scraped item."""
from __future__ import annotations

import time

from scrapy import signals


class SlowItems:
    def __init__(self, seconds: float):
        self.seconds = seconds

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.settings.getfloat("SLOW_ITEM_S", 0.0))
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def item_scraped(self, item, response, spider=None):
        time.sleep(self.seconds)
