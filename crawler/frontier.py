"""Resumable crawls: ``-s JOBDIR=DIR`` survives a kill, SIGKILL included, and every record is written once
across the runs.

Scrapy's own JOBDIR keeps the frontier on disk, but only a graceful stop leaves it readable: its queue
index (``requests.queue/active.json``) and the seen-request fingerprints are written at close (or sit in
a file buffer), and a request taken off the queue is gone. Here, with ``JOBDIR`` set:

- the queues are Scrapy's SQLite disk queues (``SCHEDULER_DISK_QUEUE``: one committed transaction per
  push and pop) and ``DurableScheduler`` rewrites ``active.json`` whenever the set of queues changes;
- ``DurableDupeFilter`` flushes every new fingerprint to ``requests.seen`` at once;
- a request taken off the queue is journaled (``inflight.sqlite``) until its page is done: its callback's
  output consumed (follow-up requests already queued) and each of its records fsynced in the spool
  (crawler.pipelines confirms them). A run that finds journaled requests queues them again first;
- the records a run got into the spool are listed in ``records.done`` (request fingerprint, kind, id);
  a page crawled again after a kill skips the records it had already written (crawler.pipelines).

So a killed page is read again, and its records are written once. A page whose download failed stays
journaled and is tried again by the next run; a crawl that finishes clears the journal.
"""
from __future__ import annotations

import json
import logging
import pickle
import sqlite3
from collections import defaultdict
from itertools import count
from pathlib import Path

from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.pqueues import DownloaderAwarePriorityQueue
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.request import request_from_dict

logger = logging.getLogger(__name__)

FRONTIER_FIELD = "_frontier"     # transient field of a record: the token of the request it came from
TOKEN_META = "frontier_token"    # per attempt (crawler.middlewares.contexts.ATTEMPT_META)

# custom signals (sent through crawler.signals)
page_output_done = object()      # token, items: the callback's output is consumed, ``items`` records yielded
records_durable = object()       # tokens: one per record now fsynced in the spool (or already there before)


class DurableDupeFilter(RFPDupeFilter):
    """Scrapy's fingerprint filter, each new fingerprint flushed to ``requests.seen`` at once."""

    def request_seen(self, request) -> bool:
        seen = super().request_seen(request)
        if not seen and self.file:
            self.file.flush()
        return seen


class Journal:
    """Requests taken off the queue whose pages are not done yet (SQLite, committed per change)."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS inflight (token TEXT PRIMARY KEY, request BLOB)")

    def add(self, token: str, data: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO inflight VALUES (?, ?)", (token, data))

    def remove(self, token: str) -> None:
        self.db.execute("DELETE FROM inflight WHERE token = ?", (token,))

    def all(self) -> list[tuple[str, bytes]]:
        return list(self.db.execute("SELECT token, request FROM inflight ORDER BY rowid"))

    def clear(self) -> None:
        self.db.execute("DELETE FROM inflight")

    def close(self) -> None:
        self.db.close()


class DurableScheduler(Scheduler):
    """Scrapy's scheduler whose JOBDIR state holds after a SIGKILL (see the module docstring)."""

    def open(self, spider):
        result = super().open(spider)
        self.journal = None
        if self.dqdir:
            jobdir = Path(self.dqdir).parent
            self.journal = Journal(jobdir / "inflight.sqlite")
            self._tokens = count()
            self._prefix = "%d-" % len(list(jobdir.glob("run-*")))  # tokens unique across runs
            (jobdir / ("run-%s" % self._prefix.rstrip("-"))).touch()
            self._outstanding: dict[str, int] = defaultdict(int)  # token -> records not yet durable
            self._expected: dict[str, int] = {}                   # token -> records yielded (output done)
            self._state = None
            signals = self.crawler.signals
            signals.connect(self._output_done, signal=page_output_done)
            signals.connect(self._durable, signal=records_durable)
            self._requeue()
            self._save_state()
        return result

    def _requeue(self) -> None:
        """Requests a killed run had taken off the queue go back on it, before anything else."""
        rows = self.journal.all()
        for _token, data in rows:
            try:
                request = request_from_dict(pickle.loads(data), spider=self.spider)
            except Exception as exc:  # a request this code can no longer rebuild
                logger.warning("resume: a journaled request could not be restored (%s)", exc)
                continue
            request.dont_filter = True  # its fingerprint is in requests.seen already
            if not self._dqpush(request):
                self._mqpush(request)
        if rows:
            logger.info("resume: %d pages the last run had started are queued again", len(rows))
            self.crawler.stats.set_value("frontier/requeued", len(rows))
        self.journal.clear()

    # ---- the queue state, kept current on disk ----
    def _current_state(self):
        dqs = self.dqs
        if dqs is None:
            return None
        if isinstance(dqs, DownloaderAwarePriorityQueue):
            return {slot: sorted(set(pq.queues) | set(pq._start_queues)) for slot, pq in dqs.pqueues.items()}
        return sorted(set(dqs.queues) | set(dqs._start_queues))

    def _save_state(self) -> None:
        if not self.dqdir:
            return
        state = self._current_state()
        if state != self._state:
            tmp = Path(self.dqdir, "active.json.tmp")
            tmp.write_text(json.dumps(state), encoding="utf-8")
            tmp.replace(Path(self.dqdir, "active.json"))
            self._state = state

    def enqueue_request(self, request) -> bool:
        queued = super().enqueue_request(request)
        if queued and self.journal is not None:
            self._save_state()
        return queued

    def next_request(self):
        request = super().next_request()
        if request is not None and self.journal is not None:
            self._save_state()
            token = "%s%d" % (self._prefix, next(self._tokens))
            request.meta[TOKEN_META] = token
            try:
                data = pickle.dumps(request.to_dict(spider=self.spider), protocol=4)
            except Exception:  # not serializable: it could not have been resumed anyway
                request.meta.pop(TOKEN_META, None)
            else:
                self.journal.add(token, data)
        return request

    # ---- pages done ----
    def _output_done(self, token: str, items: int) -> None:
        self._expected[token] = items
        self._check(token)

    def _durable(self, tokens: list[str]) -> None:
        for token in tokens:
            self._outstanding[token] += 1
            self._check(token)

    def _check(self, token: str) -> None:
        expected = self._expected.get(token)
        if expected is not None and self._outstanding.get(token, 0) >= expected:
            self._expected.pop(token, None)
            self._outstanding.pop(token, None)
            self.journal.remove(token)

    def close(self, reason: str):
        result = super().close(reason)
        if self.journal is not None:
            if reason == "finished":
                self.journal.clear()  # nothing to resume
            self.journal.close()
        return result


class FrontierMiddleware(BaseSpiderMiddleware):
    """Outermost spider middleware: tags each record with its request's token and says when the
    callback's output is consumed (crawler.frontier). Does nothing without JOBDIR."""

    async def process_spider_output_async(self, response, result, spider=None):
        token = response.request.meta.get(TOKEN_META) if response.request is not None else None
        if token is None:
            async for output in result:
                yield output
            return
        items = 0
        async for output in result:
            if isinstance(output, dict):
                output[FRONTIER_FIELD] = token
                items += 1
            yield output
        self.crawler.signals.send_catch_log(page_output_done, token=token, items=items)

    def process_spider_output(self, response, result, spider=None):
        yield from result
