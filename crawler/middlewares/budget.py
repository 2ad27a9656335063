"""``-a max_items=N`` as a spider middleware (like Scrapy's CloseSpider, but counting objects).

A crawl keeps at most N distinct posts, listings and lives; a search card and its followed detail
page are one object (same kind and id). A record past the budget is dropped and so is the request
that would follow it to its detail page (``meta["follows"] = (kind, id)``). Accounts ride along
and are not counted. Drops are counted as ``budget/dropped``; the records that leave the spider
as ``records/<kind>``.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

PRIMARY = ("post", "listing", "live")


class Budget:
    """The distinct objects admitted so far, against a limit (None: no limit)."""

    def __init__(self, limit: int | None):
        self.limit = limit
        self.admitted: set[tuple[str, str]] = set()

    def admit(self, key: tuple[str, str]) -> bool:
        if key in self.admitted:
            return True
        if self.limit is not None and len(self.admitted) >= self.limit:
            return False
        self.admitted.add(key)
        return True


class ItemBudgetMiddleware(BaseSpiderMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.budget: Budget | None = None

    def _budget(self) -> Budget:
        if self.budget is None:
            targets = getattr(self.crawler.spider, "targets", None)
            self.budget = Budget(getattr(targets, "max_items", None))
        return self.budget

    def _keep(self, output: Any) -> bool:
        budget = self._budget()
        if isinstance(output, Request):
            follows = output.meta.get("follows")
            return follows is None or tuple(follows) in budget.admitted
        if isinstance(output, dict) and output.get("kind"):
            if output["kind"] in PRIMARY and not budget.admit((output["kind"], output.get("id"))):
                return False
            self.crawler.stats.inc_value("records/%s" % output["kind"])
        return True

    async def process_spider_output_async(self, response, result: AsyncIterator[Any], spider=None):
        async for output in result:
            if self._keep(output):
                yield output
            else:
                self.crawler.stats.inc_value("budget/dropped")

    def process_spider_output(self, response, result, spider=None):
        for output in result:
            if self._keep(output):
                yield output
            else:
                self.crawler.stats.inc_value("budget/dropped")
