"""Item pipeline that writes every record into the store (``STORE_URI``), through the spool, and the
evidence of the page it came from (crawler.evidence: HTML, screenshot, product images and their hashes).

Resumable crawls (``JOBDIR``, crawler.frontier): each record remembers the request it came from; once
the spool has fsynced it, it is listed in ``<JOBDIR>/records.done`` and the frontier is told (a page is
done when all its records are), and a page crawled again after a kill skips the records listed there.

One pipeline owns the crawl's writer: a record carries its page's evidence in a transient field
(``crawler.evidence.EVIDENCE_FIELD``), written here first (once per page, content-addressed) and taken
off before the record is written and exported, as Scrapy's FilesPipeline does with files.

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
from collections import defaultdict, deque
from pathlib import Path

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import task, threads

from crawler.evidence import EVIDENCE_FIELD, EvidenceWriter
from crawler.frontier import FRONTIER_FIELD, records_durable
from crawler.schema import utc_now
from crawler.storage import SpoolFull, writer_for
from crawler.storage.keys import manifest_key

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.writer = writer_for(crawler)
        self.store = self.writer.store
        self.evidence = EvidenceWriter(self.writer, crawler.stats)
        jobdir = crawler.settings.get("JOBDIR")
        self.ledger = RecordLedger(self.writer, Path(jobdir) / "records.done", crawler.signals) if jobdir else None
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
        if self.ledger is not None:
            self.ledger.open()
        self._ticker = task.LoopingCall(self._tick)
        self._ticker.start(0.5, now=False)

    def _tick(self) -> None:
        self.writer.tick()
        if self.ledger is not None:
            self.ledger.confirm()
        if self.writer.full is not None:
            self._stop(self.writer.full)

    def process_item(self, item, spider=None):
        evidence = item.pop(EVIDENCE_FIELD, None) if isinstance(item, dict) else None
        token = item.pop(FRONTIER_FIELD, None) if isinstance(item, dict) else None
        if self.ledger is not None and token is not None and self.ledger.already(item):
            self.ledger.skipped(token)
            raise DropItem("written by an earlier run of this JOBDIR", log_level="DEBUG")
        try:
            if evidence is not None:
                self.evidence.write(evidence)
            self.writer.write(item)
            if self.ledger is not None:  # every record, tagged or not: the writer counts them all
                self.ledger.written(item, token)
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
        if self.ledger is not None:
            self.ledger.confirm()
        stats = {k: v for k, v in self.crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}
        try:
            # the final uploads are bounded by STORE_RETRY_SECONDS: off the reactor thread
            outcome = await maybe_deferred_to_future(threads.deferToThread(self.writer.finish, stats))
        except Exception as exc:  # never a "Scraper close failure": the spool keeps what was written
            logger.exception("store: the end of the crawl failed")
            from crawler.storage.spool import Outcome

            outcome = Outcome(errors=[str(exc) or type(exc).__name__])
        if self.ledger is not None:
            self.ledger.confirm()  # the end of the crawl fsynced every open part
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


class RecordLedger:
    """Which records of a ``JOBDIR`` crawl are in the spool for good: ``records.done`` (request fingerprint,
    kind, id), appended and flushed once the spool has fsynced them. A record is confirmed when the writer's
    fsynced count of its kind reaches it (the records of a kind are fsynced in the order written)."""

    def __init__(self, writer, path: Path, signals):
        self.writer = writer
        self.path = path
        self.signals = signals
        self.done: set[str] = set()
        self.pending: dict[str, deque] = defaultdict(deque)  # kind -> (line, token), in write order
        self.confirmed: dict[str, int] = defaultdict(int)
        self.file = None

    @staticmethod
    def key(item: dict) -> str:
        return "%s\t%s\t%s\t%s" % (item.get("source_url") or item.get("url"), item.get("platform"), item.get("kind"),
                                    item.get("id"))

    def open(self) -> None:
        if self.path.exists():
            self.done = set(self.path.read_text(encoding="utf-8").splitlines())
        self.file = self.path.open("a", encoding="utf-8")

    def already(self, item: dict) -> bool:
        return self.key(item) in self.done

    def skipped(self, token: str) -> None:
        self.signals.send_catch_log(records_durable, tokens=[token])

    def written(self, item: dict, token: str | None) -> None:
        self.pending[item["kind"]].append((self.key(item), token))
        self.confirm()

    def confirm(self) -> None:
        tokens = []
        for kind, queue in self.pending.items():
            synced = self.writer.written.get(kind, 0)
            while queue and self.confirmed[kind] < synced:
                line, token = queue.popleft()
                self.confirmed[kind] += 1
                if token is not None:
                    self.file.write(line + "\n")
                    tokens.append(token)
        if tokens:
            self.file.flush()
            self.signals.send_catch_log(records_durable, tokens=tokens)
