"""The crawl's writer: records and evidence go to the crawl's own spool folder first (crawler.storage.spool.
layout), then to the store, losing nothing and never hanging.

- Back-pressure: a write the spool cannot take with ``SPOOL_MIN_FREE_MB`` to spare raises ``SpoolFull``
  (the pipeline stops the crawl); what was fsynced stays, and only fsynced records count as written.
- Bounds: the end-of-crawl upload and the commit end within ``STORE_RETRY_SECONDS`` (in flight too: a
  request that hangs is left behind); what did not make it stays in the spool for ``scrapy flush``.
- Sharing: each crawl owns its folder (locked); a dead crawl's folder is adopted by the next run or flush.
"""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from crawler.schema import utc_now
from crawler.storage import default_spool_dir, open_store, store_options
from crawler.storage.base import Deadline
from crawler.storage.durable import fsync_dir, write_durably
from crawler.storage.errors import SpoolFull, StoreError
from crawler.storage.keys import manifest_key
from crawler.storage.spool.commit import build_manifest, commit_crawl, write_manifest
from crawler.storage.spool.layout import CrawlDir, store_slug
from crawler.storage.spool.merge import merge_duplicates
from crawler.storage.spool.parts import BUFFER, OpenPart, SpaceGuard, open_name
from crawler.storage.spool.recovery import adopt_dead, flush_legacy, prepare
from crawler.storage.spool.uploader import Seal, Upload, Uploader

logger = logging.getLogger(__name__)

ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps builds one per call otherwise


@dataclass
class Outcome:
    """What ``finish`` or ``flush`` achieved."""
    uploaded: int = 0
    committed: list[str] = field(default_factory=list)   # manifest keys now in the store
    pending: int = 0                                     # objects still in the spool
    errors: list[str] = field(default_factory=list)
    timed_out: bool = False                              # the deadline passed with uploads left

    @property
    def error(self) -> str | None:
        return self.errors[0] if self.errors else None


class Writer:
    def __init__(self, store, spool_dir: str | Path | None = None, part_max_records: int = 10_000,
                 part_max_seconds: float = 300.0, flush_seconds: float = 1.0, compresslevel: int = 6,
                 min_free_mb: float = 64.0, retry_seconds: float | None = None, merge_objects: bool = True):
        self.store = store
        base = Path(spool_dir).expanduser() if spool_dir else default_spool_dir(store)
        self.root = (base / store_slug(store.uri)).resolve()
        self.crawls = self.root / "crawls"
        self.part_max_records = max(1, int(part_max_records))
        self.part_max_seconds = float(part_max_seconds)
        self.flush_seconds = max(0.0, float(flush_seconds))
        self.compresslevel = int(compresslevel)
        self.min_free_mb = float(min_free_mb)
        self.retry_seconds = retry_seconds if retry_seconds is not None else getattr(store, "retry_seconds", None)
        self.space = SpaceGuard(self.root, min_free_mb)
        self.crawl: CrawlDir | None = None
        self.state: dict = {}
        self.open_parts: dict[tuple[str, str], OpenPart] = {}
        self.numbers: dict[tuple[str, str], int] = {}
        self.sealed: dict[str, dict] = {}          # this crawl's parts, by key
        self.written: dict[str, int] = {}          # records fsynced in the spool, by kind
        self.seen_evidence: set[str] = set()
        self.full: SpoolFull | None = None         # set once the spool could not take a write
        self.adopted: list[CrawlDir] = []
        # one record per object per crawl (crawler.storage.spool.merge): the ids written, those written twice
        self.merge_objects = bool(merge_objects)
        self.object_ids: dict[tuple[str, str], dict[str, int]] = {}  # id -> hash of the first page it was read on
        self.duplicated: dict[tuple[str, str], set[str]] = {}
        self.uploader: Uploader | None = None
        self._unwritten = 0                        # bytes in the open parts' buffers
        self._last_flush = time.monotonic()
        self._next_check = 0.0

    @classmethod
    def from_settings(cls, settings) -> "Writer":
        store = open_store(settings.get("STORE_URI") or "./data", **store_options(settings))
        return cls(store, spool_dir=settings.get("SPOOL_DIR") or None,
                   part_max_records=settings.getint("PART_MAX_RECORDS", 10_000),
                   part_max_seconds=settings.getfloat("PART_MAX_SECONDS", 300.0),
                   flush_seconds=settings.getfloat("SPOOL_FLUSH_SECONDS", 1.0),
                   compresslevel=settings.getint("STORE_GZIP_LEVEL", 6),
                   min_free_mb=settings.getfloat("SPOOL_MIN_FREE_MB", 64.0),
                   retry_seconds=settings.getfloat("STORE_RETRY_SECONDS", 60.0),
                   merge_objects=settings.getbool("MERGE_OBJECTS", True))

    @property
    def crawl_id(self) -> str | None:
        return self.crawl.crawl_id if self.crawl else None

    @property
    def crawl_dir(self) -> Path | None:
        return self.crawl.path if self.crawl else None

    @property
    def records_written(self) -> int:
        return sum(self.written.values())

    # ---- lifecycle ----
    def _start(self) -> None:
        if self.uploader is not None:
            return
        self.crawls.mkdir(parents=True, exist_ok=True)
        uri_file = self.root / "store.uri"
        if not uri_file.exists():
            write_durably(uri_file, self.store.uri.encode("utf-8"))
        try:
            rolled = self.store.recover()  # a local store's commits a killed process left half done
        except (StoreError, OSError) as exc:
            logger.warning("store %s: could not finish an earlier commit: %s", self.store.uri, exc)
        else:
            if rolled:
                logger.warning("store %s: finished the commit of %s", self.store.uri, ", ".join(rolled))
        self.uploader = Uploader(self.store, self.compresslevel, on_sealed=self._sealed)

    def _sealed(self, entry: dict) -> None:
        self.sealed[entry["key"]] = entry

    def open(self, crawl_id: str, spider: str = "", targets: dict | None = None, started_at: str | None = None,
             **extra) -> None:
        """Start a crawl: its own spool folder (locked); dead crawls' folders are adopted and queued."""
        self._start()
        self.crawl = CrawlDir.create(self.crawls, crawl_id)
        started_at = started_at or utc_now()
        from crawler.redact import redact_obj  # egress issue: manifests keep targets without signing tokens

        self.state = {"crawl_id": crawl_id, "spider": spider, "targets": redact_obj(targets or {}), "started_at": started_at,
                      "day": started_at[:10]}
        self.state.update(extra)  # run_id, shard (crawler.sharding): top-level keys of the manifest
        write_durably(self.crawl.state_file, json.dumps(self.state, default=str).encode("utf-8"))
        self._last_flush = time.monotonic()
        self._adopt()

    def _adopt(self) -> None:
        for crawl in adopt_dead(self.crawls, skip=self.crawl_id):
            try:
                tasks = prepare(crawl, self.compresslevel)
            except Exception as exc:
                logger.exception("store: could not recover the crawl spooled in %s", crawl.path)
                self.uploader.errors.append("recovering %s: %s" % (crawl.path, exc))
                crawl.release()
                continue
            self.adopted.append(crawl)
            if tasks:
                logger.info("store: %d objects of crawl %s left in the spool; uploading them", len(tasks),
                            crawl.crawl_id)
            for task in tasks:
                self.uploader.put(task)

    # ---- records ----
    def write(self, item: dict) -> None:
        """Accept a record, or raise SpoolFull (nothing of it kept)."""
        if self.full is not None:
            raise self.full
        line = (ENCODE(item) + "\n").encode("utf-8")
        try:
            self.space.take(len(line), self._unwritten)
        except SpoolFull as exc:
            self.full = exc
            raise
        key = (item["platform"], item["kind"])
        self._append(key, line)
        if self.merge_objects:
            # an object read on two pages (a card and its detail page, two search pages) is merged at the end;
            # the same page fetched twice (a target given twice) keeps its captures (crawler.storage.spool.merge)
            object_id, page = str(item.get("id")), hash(item.get("source_url"))
            ids = self.object_ids.setdefault(key, {})
            seen = ids.setdefault(object_id, page)
            if seen != page:
                self.duplicated.setdefault(key, set()).add(object_id)
        now = time.monotonic()
        if now >= self._next_check:
            self.tick(now)

    def _append(self, key: tuple[str, str], line: bytes) -> None:
        part = self.open_parts.get(key)
        if part is None:
            part = self._open_part(*key)
        part.pending += line
        part.pending_records += 1
        part.records += 1
        self._unwritten += len(line)
        if len(part.pending) >= BUFFER:
            self._drain(part, sync=False)
        if part.records >= self.part_max_records:
            self._seal(key)

    def _open_part(self, platform: str, kind: str) -> OpenPart:
        assert self.crawl is not None, "Writer.open() first"
        number = self.numbers.get((platform, kind), 0)
        self.numbers[(platform, kind)] = number + 1
        path = self.crawl.open / open_name(platform, kind, number)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        fsync_dir(path.parent)
        part = OpenPart(platform, kind, number, path, fd, time.monotonic())
        self.open_parts[(platform, kind)] = part
        return part

    def _drain(self, part: OpenPart, sync: bool) -> None:
        """Write a part's buffer out (and fsync it): only then do its records count as written. A write
        the disk refuses is undone to the last fsync (what was counted stays, nothing torn)."""
        if part.pending:
            view = memoryview(bytes(part.pending))
            size = len(view)
            try:
                while view:
                    view = view[os.write(part.fd, view):]
            except OSError as exc:
                self._undo(part, size)
                raise self._spool_failure(exc) from exc
            part.size += size
            part.unsynced_records += part.pending_records
            self._unwritten -= size
            part.pending = bytearray()
            part.pending_records = 0
        if sync and part.size != part.synced_size:
            try:
                os.fsync(part.fd)
            except OSError as exc:
                self._undo(part, 0)
                raise self._spool_failure(exc) from exc
            self.written[part.kind] = self.written.get(part.kind, 0) + part.unsynced_records
            part.unsynced_records = 0
            part.synced_size = part.size

    def _undo(self, part: OpenPart, buffered: int) -> None:
        self._unwritten -= buffered
        part.records -= part.pending_records + part.unsynced_records
        part.pending, part.pending_records, part.unsynced_records = bytearray(), 0, 0
        try:
            os.ftruncate(part.fd, part.synced_size)
        except OSError:
            pass
        part.size = part.synced_size

    def _spool_failure(self, exc: OSError) -> SpoolFull:
        try:
            free = self.space.free()
        except OSError:
            free = 0
        self.full = SpoolFull(self.root, free, self.space.reserve)
        logger.error("store: %s (%s)", self.full, exc.strerror or exc)
        return self.full

    def tick(self, now: float | None = None) -> None:
        """Flush and fsync the open parts every SPOOL_FLUSH_SECONDS; seal those older than PART_MAX_SECONDS."""
        now = time.monotonic() if now is None else now
        self._next_check = now + min(0.25, self.flush_seconds or 0.25)
        try:
            for key, part in list(self.open_parts.items()):
                if now - part.opened >= self.part_max_seconds:
                    self._seal(key)
            if now - self._last_flush >= self.flush_seconds:
                for part in list(self.open_parts.values()):
                    self._drain(part, sync=True)
                self._last_flush = now
        except SpoolFull:
            pass  # self.full is set: the next write() raises it

    def _seal(self, key: tuple[str, str]) -> None:
        part = self.open_parts.pop(key)
        try:
            self._drain(part, sync=True)
        finally:
            os.close(part.fd)
            if part.size == 0:
                part.path.unlink(missing_ok=True)
        if part.size:
            self.uploader.put(Seal(self.crawl, part.path, self.state["day"]))

    # ---- evidence ----
    def put_object(self, key: str, data: bytes) -> None:
        """A content-addressed object (evidence): spooled and uploaded once per key, however often referenced.
        A full spool keeps it out and sets ``full``: the records that would refer to it are refused."""
        if self.full is not None or key in self.seen_evidence:
            return
        self._start()
        target = self.crawl.objects / key
        try:
            self.space.take(len(data), self._unwritten)
            write_durably(target, data)
        except SpoolFull as exc:
            self.full = exc
            return
        except OSError as exc:
            self._spool_failure(exc)
            return
        self.seen_evidence.add(key)
        self.uploader.put(Upload(self.crawl, key))

    # ---- the end of a crawl ----
    def finish(self, stats: dict | None = None) -> Outcome:
        """Seal every open part, upload everything, then commit the manifest; within STORE_RETRY_SECONDS
        for a remote store. Never raises: what could not be done is in the outcome's errors."""
        outcome = Outcome()
        for key in list(self.open_parts):
            try:
                self._seal(key)
            except SpoolFull:
                pass
        deadline = self._deadline()
        self._drain_uploads(deadline, outcome)
        crawl = self.crawl
        if crawl is not None and self.duplicated and not outcome.timed_out:
            merged = merge_duplicates(self, deadline, outcome)
            if merged:
                stats = {**(stats or {}), "store/merged": merged}
        if crawl is not None:
            unsealed = crawl.unsealed()
            if unsealed or self.uploader.spool_error is not None:
                outcome.errors.append("%d parts could not be sealed (%s); they stay in %s" % (
                    len(unsealed), self.full or self.uploader.spool_error or "spool", crawl.path))
            else:
                try:
                    sealed = sorted(self.sealed.values(), key=lambda p: p["key"])
                    write_manifest(crawl, build_manifest(self.state, sealed, stats or {}, finished_at=utc_now(),
                                                         interrupted=False))
                except OSError as exc:
                    outcome.errors.append("the manifest could not be written to the spool %s: %s" % (crawl.path, exc))
                else:
                    if not outcome.timed_out:
                        key = self._commit(crawl, outcome, own=True)
                        if key:
                            outcome.committed.append(key)
                    else:
                        outcome.errors.append("%s not committed: the store did not take everything within "
                                              "STORE_RETRY_SECONDS=%g" % (manifest_key(crawl.crawl_id),
                                                                          self.retry_seconds or 0))
            crawl.release()
        self._commit_adopted(outcome)
        return self._close(outcome)

    def _deadline(self) -> Deadline:
        if self.store.remote and self.retry_seconds is not None:
            self.store.set_deadline(self.retry_seconds)
            return Deadline(self.retry_seconds)
        return Deadline(None)

    def _drain_uploads(self, deadline: Deadline, outcome: Outcome) -> None:
        done = self.uploader.wait(deadline)
        if done and self.uploader.failed and not deadline.passed():
            self.uploader.retry_failed()  # once more, within what is left of the deadline
            done = self.uploader.wait(deadline)
        if not done:
            self.uploader.abandon()
            outcome.timed_out = True
            outcome.errors.append("store %s: uploads still unanswered after STORE_RETRY_SECONDS=%g; stopped waiting"
                                  % (self.store.uri, self.retry_seconds or 0))

    def _commit(self, crawl: CrawlDir, outcome: Outcome, own: bool) -> str | None:
        try:
            return commit_crawl(self.store, crawl)
        except (StoreError, OSError, ValueError) as exc:
            if own:
                outcome.errors.append(str(exc))
            else:
                logger.warning("store: crawl %s left in the spool: %s", crawl.crawl_id, exc)
            return None

    def _commit_adopted(self, outcome: Outcome) -> None:
        for crawl in self.adopted:
            if not outcome.timed_out:
                key = self._commit(crawl, outcome, own=False)
                if key:
                    outcome.committed.append(key)
            crawl.release()

    def _close(self, outcome: Outcome) -> Outcome:
        self.uploader.stop()
        outcome.uploaded += self.uploader.uploaded
        outcome.errors = self.uploader.errors[:1] + outcome.errors if self.uploader.errors else outcome.errors
        crawls = ([self.crawl] if self.crawl else []) + self.adopted
        outcome.pending = sum(len(c.pending()) for c in crawls if c.path.exists())
        return outcome

    # ---- scrapy flush ----
    def flush(self) -> Outcome:
        """Adopt dead crawls, upload what the spool holds, commit their manifests; within STORE_RETRY_SECONDS."""
        outcome = Outcome()
        if not self.root.exists():
            return outcome
        self._start()
        deadline = self._deadline()
        uploaded, errors = flush_legacy(self.root / "objects", self.store)
        outcome.uploaded += uploaded
        outcome.errors += errors
        self._adopt()
        self._drain_uploads(deadline, outcome)
        self._commit_adopted(outcome)
        outcome = self._close(outcome)
        if (self.root / "objects").is_dir():
            outcome.pending += sum(1 for _ in (self.root / "objects").rglob("*") if _.is_file())
        return outcome
