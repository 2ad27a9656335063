"""Sharding as a spider middleware: of the spider's start requests (one per target), only those
this shard owns go out (crawler.sharding: rendezvous hashing over SHARD_INDEX/SHARD_COUNT).

The spider has its shard and run id from ``crawler.sharding.attach`` when it is made; this
middleware filters ``start()`` and counts ``shard/targets`` and ``shard/skipped``.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.spidermiddlewares.base import BaseSpiderMiddleware


class ShardMiddleware(BaseSpiderMiddleware):
    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        shard = getattr(self.crawler.spider, "shard", None)
        if shard is None:
            async for request in start:
                yield request
            return
        async for request in shard.filter(start, self.crawler.stats):
            yield request
