"""Item pipeline that writes every record into the store (``STORE_URI``), through the spool.

Records go to gzip JSON Lines parts per platform and kind, sealed every ``PART_MAX_RECORDS``
records or ``PART_MAX_SECONDS`` seconds and uploaded in the background (crawler.storage.spool);
when the spider closes, the rest is uploaded and the crawl's manifest (parts with counts, bytes and
SHA-256, stats) is written last, within ``STORE_RETRY_SECONDS`` for a remote store. When the store
could not take everything, the stats get ``store/error`` (exit 4) and the spool keeps what is missing
for the next run or ``scrapy flush``.

Back-pressure: when the spool cannot take a record (``SPOOL_MIN_FREE_MB``), the record is dropped, the
crawl is stopped (no more pages fetched), and ``store/error`` names the spool and its free space.
``store/records`` counts the records fsynced in the spool: those are never lost. No exception of the
store or the spool reaches Scrapy.
"""
from __future__ import annotations

import logging

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import task, threads

from crawler.schema import utc_now
from crawler.storage import SpoolFull, writer_for
from crawler.storage.keys import manifest_key

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.writer = writer_for(crawler)
        self.store = self.writer.store
        self.started_at = utc_now()
        self._ticker = None
        self._stopping = False

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
        self._ticker = task.LoopingCall(self._tick)
        self._ticker.start(0.5, now=False)

    def _tick(self) -> None:
        self.writer.tick()
        if self.writer.full is not None:
            self._stop(self.writer.full)

    def process_item(self, item, spider=None):
        try:
            self.writer.write(item)
        except SpoolFull as exc:
            self._stop(exc)
            raise DropItem("not written: %s" % exc) from None
        except OSError as exc:  # the spool's disk failed otherwise (EIO, read-only ...)
            self._stop(self.writer._spool_failure(exc))
            raise DropItem("not written: %s" % exc) from None
        return item

    def _stop(self, exc: SpoolFull) -> None:
        """Back-pressure: stop fetching, keep what is in the spool, exit 4 naming the spool."""
        if self._stopping:
            return
        self._stopping = True
        stats = self.crawler.stats
        stats.set_value("store/spool_full", str(exc))
        logger.error("store: %s; stopping the crawl (what was written stays in the spool)", exc)
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason="spool_full"))

    async def close_spider(self, spider=None):
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        stats = {k: v for k, v in self.crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}
        try:
            # the final uploads are bounded by STORE_RETRY_SECONDS: off the reactor thread
            outcome = await maybe_deferred_to_future(threads.deferToThread(self.writer.finish, stats))
        except Exception as exc:  # never a "Scraper close failure": the spool keeps what was written
            logger.exception("store: the end of the crawl failed")
            from crawler.storage.spool import Outcome

            outcome = Outcome(errors=[str(exc) or type(exc).__name__])
        self._finished(outcome)

    def _finished(self, outcome) -> None:
        stats = self.crawler.stats
        key = manifest_key(self.writer.crawl_id)
        written = self.writer.records_written
        stats.set_value("store/records", written)
        stats.set_value("store/uploaded", outcome.uploaded)
        if key in outcome.committed:
            stats.set_value("store/manifest", self.store.location(key))
            logger.info("records written to %s (%d parts, manifest %s)", self.store.uri, len(self.writer.sealed), key)
        full = stats.get_value("store/spool_full")
        if full:
            where = ("committed to %s" % self.store.uri if key in outcome.committed
                     else "kept in the spool; `scrapy flush` uploads them once there is room")
            stats.set_value("store/error", "%s; the crawl stopped early; %d records written, %s" % (full, written, where))
        elif outcome.errors or key not in outcome.committed:
            cause = outcome.error or "the manifest was not committed"
            stats.set_value("store/error", "%s; %d records written; %d objects wait in the spool %s (scrapy flush "
                                           "uploads them)" % (cause, written, outcome.pending, self.writer.root))
        if stats.get_value("store/error"):
            logger.error("store %s: %s", self.store.uri, stats.get_value("store/error"))
