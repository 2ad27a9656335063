"""Item pipeline that writes every record into the store (``STORE_URI``), through the spool.

Records go to gzip JSON Lines parts per platform and kind, sealed every ``PART_MAX_RECORDS``
records or ``PART_MAX_SECONDS`` seconds and uploaded in the background (crawler.storage.spool);
when the spider closes, the rest is uploaded and the crawl's manifest (parts with counts, bytes and
SHA-256, stats) is written last. When the store could not take everything, the stats get
``store/error`` (exit 4) and the spool keeps what is missing for the next run or ``scrapy flush``.
"""
from __future__ import annotations

import logging

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task, threads

from crawler.schema import utc_now
from crawler.storage import writer_for

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.writer = writer_for(crawler)
        self.store = self.writer.store
        self.started_at = utc_now()
        self._ticker = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        shard = getattr(spider, "shard", None)
        self.writer.open(spider.crawl_id, spider=spider.name, targets=getattr(spider, "targets_description", {}),
                         started_at=self.started_at,
                         # the scheduled run this crawl is one shard of (crawler.sharding): top-level in the manifest
                         run_id=getattr(spider, "run_id", spider.crawl_id),
                         shard=shard.as_dict() if shard is not None else {"index": 0, "count": 1})
        self._ticker = task.LoopingCall(self.writer.tick)
        self._ticker.start(0.5, now=False)

    def process_item(self, item, spider=None):
        self.writer.write(item)
        return item

    async def close_spider(self, spider=None):
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        stats = {k: v for k, v in self.crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}
        # the final uploads may wait on retries: off the reactor thread
        outcome = await maybe_deferred_to_future(threads.deferToThread(self.writer.finish, stats))
        self._finished(outcome)

    def _finished(self, outcome) -> None:
        stats = self.crawler.stats
        key = "crawls/%s/manifest.json" % self.writer.crawl_id
        stats.set_value("store/records", sum(p["records"] for p in self.writer.sealed.values()))
        stats.set_value("store/uploaded", outcome.uploaded)
        if key in outcome.committed:
            stats.set_value("store/manifest", self.store.location(key))
            logger.info("records written to %s (%d parts, manifest %s)", self.store.uri, len(self.writer.sealed), key)
        if outcome.errors or key not in outcome.committed:
            cause = outcome.error or "the manifest was not committed"
            stats.set_value("store/error", "%s; %d objects wait in the spool %s (scrapy flush uploads them)" % (
                cause, outcome.pending, self.writer.root))
            logger.error("store %s: %s", self.store.uri, stats.get_value("store/error"))
