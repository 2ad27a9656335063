"""The writer: records and evidence go to a local spool first, then to the store, losing nothing.

Spool layout (``SPOOL_DIR/<store slug>/``)::

    store.uri                                 which store this spool belongs to
    crawls/<crawl_id>/lock                    flock-ed by the running crawl (a free lock: the crawl died)
    crawls/<crawl_id>/state.json              spider, targets, start time (for a manifest after a crash)
    crawls/<crawl_id>/parts.jsonl             journal of the sealed parts (key, records, bytes, sha256)
    crawls/<crawl_id>/open/<platform>~<kind>~<NNNNN>.jsonl   the open parts, plain JSON Lines
    objects/<store key>                       sealed objects waiting for their upload (parts, evidence,
                                              manifests), each written to a temporary name, fsynced, renamed

A record is appended to its open part; open parts are flushed and fsynced every
``SPOOL_FLUSH_SECONDS`` (what SIGKILL can lose), and sealed every ``PART_MAX_RECORDS`` records or
``PART_MAX_SECONDS`` seconds: gzip-compressed into ``objects/`` (fsync, rename), journaled, then
uploaded by one background thread, which deletes the spooled file only once the store has
confirmed its size and checksum. Keys are deterministic, so uploading again replaces an identical
object. A manifest is uploaded last, once none of its parts and no evidence is left in the spool.

A crawl found dead (its lock free) by the next run or ``scrapy flush``: its open parts are sealed
(up to the last complete line), and it gets a manifest marked ``"interrupted": true``.
"""
from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import logging
import os
import queue
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from crawler.schema import SCHEMA_VERSION, utc_now
from crawler.storage.durable import fsync_dir, write_durably
from crawler.storage import (
    StoreError,
    default_spool_dir,
    manifest_key,
    open_store,
    part_key,
    store_options,
)

logger = logging.getLogger(__name__)

ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps builds one per call otherwise
OPEN_NAME = re.compile(r"^(?P<platform>[^~/]+)~(?P<kind>[^~/]+)~(?P<number>\d{5,})\.jsonl$")




def file_digests(path: Path) -> tuple[int, str, str]:
    size, md5, sha = 0, hashlib.md5(), hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            size += len(block)
            md5.update(block)
            sha.update(block)
    return size, md5.hexdigest(), sha.hexdigest()


def store_slug(uri: str) -> str:
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", uri).strip("_")[-60:]
    return "%s-%s" % (readable, hashlib.sha256(uri.encode("utf-8")).hexdigest()[:10])


@dataclass
class OpenPart:
    platform: str
    kind: str
    number: int
    path: Path
    handle: object
    opened: float
    records: int = 0


@dataclass
class Outcome:
    """What ``finish`` or ``flush`` achieved."""
    uploaded: int = 0
    committed: list[str] = field(default_factory=list)   # manifest keys now in the store
    pending: int = 0                                     # objects still in the spool
    errors: list[str] = field(default_factory=list)

    @property
    def error(self) -> str | None:
        return self.errors[0] if self.errors else None


class Writer:
    def __init__(self, store, spool_dir: str | Path | None = None, part_max_records: int = 10_000,
                 part_max_seconds: float = 300.0, flush_seconds: float = 1.0, compresslevel: int = 6):
        self.store = store
        base = Path(spool_dir).expanduser() if spool_dir else default_spool_dir(store)
        self.root = (base / store_slug(store.uri)).resolve()
        self.objects = self.root / "objects"
        self.part_max_records = max(1, int(part_max_records))
        self.part_max_seconds = float(part_max_seconds)
        self.flush_seconds = max(0.0, float(flush_seconds))
        self.compresslevel = int(compresslevel)
        self.crawl_id: str | None = None
        self.crawl_dir: Path | None = None
        self.state: dict = {}
        self.open_parts: dict[tuple[str, str], OpenPart] = {}
        self.numbers: dict[tuple[str, str], int] = {}
        self.sealed: dict[str, dict] = {}          # this crawl's parts, by key
        self.seen_evidence: set[str] = set()
        self.uploaded = 0
        self.failed: list[tuple] = []
        self.errors: list[str] = []
        self._tasks: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock_fd: int | None = None
        self._guard = threading.Lock()
        self._last_flush = time.monotonic()
        self._next_check = 0.0

    @classmethod
    def from_settings(cls, settings) -> "Writer":
        store = open_store(settings.get("STORE_URI") or "./data", **store_options(settings))
        return cls(store, spool_dir=settings.get("SPOOL_DIR") or None,
                   part_max_records=settings.getint("PART_MAX_RECORDS", 10_000),
                   part_max_seconds=settings.getfloat("PART_MAX_SECONDS", 300.0),
                   flush_seconds=settings.getfloat("SPOOL_FLUSH_SECONDS", 1.0),
                   compresslevel=settings.getint("STORE_GZIP_LEVEL", 6))

    # ---- lifecycle ----
    def _start(self) -> None:
        if self._thread is not None:
            return
        self.objects.mkdir(parents=True, exist_ok=True)
        uri_file = self.root / "store.uri"
        if not uri_file.exists():
            write_durably(uri_file, self.store.uri.encode("utf-8"))
        self._thread = threading.Thread(target=self._work, name="store-uploader", daemon=True)
        self._thread.start()

    def open(self, crawl_id: str, spider: str = "", targets: dict | None = None, started_at: str | None = None,
             **extra) -> None:
        """Start a crawl: its spool folder (locked), then the leftovers of earlier runs are queued."""
        self._start()
        self.crawl_id = crawl_id
        self.crawl_dir = self.root / "crawls" / crawl_id
        (self.crawl_dir / "open").mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(self.crawl_dir / "lock", os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        started_at = started_at or utc_now()
        self.state = {"crawl_id": crawl_id, "spider": spider, "targets": targets or {}, "started_at": started_at,
                      "day": started_at[:10]}
        self.state.update(extra)  # run_id, shard (crawler.sharding): top-level keys of the manifest
        write_durably(self.crawl_dir / "state.json", json.dumps(self.state, default=str).encode("utf-8"))
        self._last_flush = time.monotonic()
        for task in self.recover():
            self._tasks.put(task)

    # ---- records ----
    def write(self, item: dict) -> None:
        line = (ENCODE(item) + "\n").encode("utf-8")
        key = (item["platform"], item["kind"])
        part = self.open_parts.get(key)
        if part is None:
            part = self._open_part(*key)
        part.handle.write(line)
        part.records += 1
        if part.records >= self.part_max_records:
            self._seal(key)
        now = time.monotonic()
        if now >= self._next_check:
            self.tick(now)

    def _open_part(self, platform: str, kind: str) -> OpenPart:
        assert self.crawl_dir is not None, "Writer.open() first"
        number = self.numbers.get((platform, kind), 0)
        self.numbers[(platform, kind)] = number + 1
        path = self.crawl_dir / "open" / ("%s~%s~%05d.jsonl" % (platform, kind, number))
        part = OpenPart(platform, kind, number, path, open(path, "ab", buffering=1 << 20), time.monotonic())
        fsync_dir(path.parent)
        self.open_parts[(platform, kind)] = part
        return part

    def tick(self, now: float | None = None) -> None:
        """Flush and fsync the open parts every SPOOL_FLUSH_SECONDS; seal those older than PART_MAX_SECONDS."""
        now = time.monotonic() if now is None else now
        self._next_check = now + min(0.25, self.flush_seconds or 0.25)
        for key, part in list(self.open_parts.items()):
            if now - part.opened >= self.part_max_seconds:
                self._seal(key)
        if now - self._last_flush >= self.flush_seconds:
            for part in self.open_parts.values():
                part.handle.flush()
                os.fsync(part.handle.fileno())
            self._last_flush = now

    def _seal(self, key: tuple[str, str]) -> None:
        part = self.open_parts.pop(key)
        part.handle.flush()
        os.fsync(part.handle.fileno())
        part.handle.close()
        self._tasks.put(("seal", self.crawl_dir, part.path, self.state["day"], self.crawl_id))

    # ---- evidence ----
    def put_object(self, key: str, data: bytes) -> None:
        """A content-addressed object (evidence): spooled and uploaded once per key, however often referenced."""
        with self._guard:
            if key in self.seen_evidence:
                return
            self.seen_evidence.add(key)
        self._start()
        target = self.objects / key
        if not target.exists():
            write_durably(target, data)
        self._tasks.put(("upload", key, True))

    # ---- the uploader thread ----
    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            try:
                if task is None:
                    return
                self._run(task)
            except Exception as exc:  # never let the thread die: the task is kept for later
                logger.exception("store: %s failed", task[:2])
                self._fail(task, str(exc))
            finally:
                self._tasks.task_done()

    def _run(self, task: tuple) -> None:
        if task[0] == "seal":
            _, crawl_dir, path, day, crawl_id = task
            entry = seal_part(crawl_dir, path, day, crawl_id, self.objects, self.compresslevel, validate=False)
            if entry is not None:
                with self._guard:
                    self.sealed[entry["key"]] = entry
                self._run(("upload", entry["key"], False))
        elif task[0] == "upload":
            self._upload(task[1], task[2])

    def _upload(self, key: str, content_addressed: bool) -> None:
        path = self.objects / key
        if not path.exists():
            return  # uploaded meanwhile (by another process, or queued twice)
        try:
            size, md5_hex, sha_hex = file_digests(path)
        except FileNotFoundError:
            return
        try:
            if not (content_addressed and self.store.size(key) == size):
                self.store.put_file(key, path, size, md5_hex, sha_hex)
        except (StoreError, OSError) as exc:
            self._fail(("upload", key, content_addressed), str(exc))
            return
        path.unlink(missing_ok=True)
        with self._guard:
            self.uploaded += 1

    def _fail(self, task: tuple, message: str) -> None:
        with self._guard:
            self.failed.append(task)
            self.errors.append(message)
        logger.error("store: %s stays in the spool %s: %s", task[1] if len(task) > 1 else task, self.root, message)

    def wait(self, deadline_s: float | None = None) -> None:
        """Until every queued task is done. Tasks that failed are tried once more, within the store's
        retry bounds from now on (a shared deadline)."""
        if hasattr(self.store, "deadline") and deadline_s is not None:
            self.store.deadline = time.monotonic() + deadline_s
        self._tasks.join()
        with self._guard:
            retry, self.failed, self.errors = self.failed, [], []
        for task in retry:
            self._tasks.put(task)
        self._tasks.join()

    # ---- the end of a crawl ----
    def finish(self, stats: dict | None = None) -> Outcome:
        """Seal every open part, upload everything, then the manifest (the commit marker)."""
        retry_seconds = getattr(self.store, "retry_seconds", None)
        for key in list(self.open_parts):
            self._seal(key)
        self.wait(retry_seconds)
        outcome = Outcome()
        own = None
        if self.crawl_dir is not None:
            unsealed = sorted((self.crawl_dir / "open").glob("*.jsonl"))
            if unsealed:  # sealing failed (disk full?): the next run or scrapy flush recovers them
                outcome.errors.append("%d parts could not be sealed; they stay in %s" % (len(unsealed), self.crawl_dir))
            else:
                sealed = sorted(self.sealed.values(), key=lambda p: p["key"])
                manifest = build_manifest(self.state, sealed, stats or {}, finished_at=utc_now(), interrupted=False)
                own = manifest_key(self.crawl_id)
                write_durably(self.objects / own, json.dumps(
                    manifest, ensure_ascii=False, indent=1, default=str).encode("utf-8"))
                shutil.rmtree(self.crawl_dir, ignore_errors=True)
            self._release_lock()
        if retry_seconds is not None:
            self.store.deadline = time.monotonic() + retry_seconds  # a fresh window for the manifests
        if own is not None:
            outcome.committed = self.commit_manifests(outcome, only=own, evidence=self.seen_evidence)
        outcome.committed += self.commit_manifests(Outcome(), skip=own)  # earlier runs' (their trouble is not ours)
        self._stop_thread()
        outcome.uploaded += self.uploaded
        outcome.errors = self.errors + outcome.errors
        outcome.pending = count_files(self.objects)
        prune_empty(self.objects)
        return outcome

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _stop_thread(self) -> None:
        if self._thread is not None:
            self._tasks.put(None)
            self._thread.join()
            self._thread = None

    def commit_manifests(self, outcome: Outcome, only: str | None = None, skip: str | None = None,
                         evidence: set[str] | None = None) -> list[str]:
        """Upload each spooled manifest whose parts have all left the spool, and the evidence its records
        name (``evidence``: those keys; else no evidence may be waiting at all)."""
        committed = []
        manifests = sorted((self.objects / "crawls").glob("*/manifest.json")) if (self.objects / "crawls").exists() else []
        for path in manifests:
            key = path.relative_to(self.objects).as_posix()
            if (only is not None and key != only) or key == skip:
                continue
            try:
                manifest = json.loads(path.read_bytes())
            except (OSError, ValueError) as exc:
                outcome.errors.append("%s: unreadable spooled manifest (%s)" % (path, exc))
                continue
            waiting = [p["key"] for p in manifest.get("parts", []) if (self.objects / p["key"]).exists()]
            if evidence is not None:
                waiting += [k for k in evidence if (self.objects / k).exists()]
            elif first_file(self.objects / "evidence"):
                waiting.append("evidence")
            if waiting:
                outcome.errors.append("%s not committed: %d objects (%s...) still in the spool %s" % (
                    key, len(waiting), waiting[0], self.root))
                continue
            try:
                size, md5_hex, sha_hex = file_digests(path)
                self.store.put_file(key, path, size, md5_hex, sha_hex)
            except (StoreError, OSError) as exc:
                outcome.errors.append(str(exc))
                continue
            path.unlink(missing_ok=True)
            outcome.uploaded += 1
            committed.append(key)
        return committed

    # ---- after a crash: the next run, or scrapy flush ----
    def recover(self) -> list[tuple]:
        """Seal the parts of dead crawls and give them a manifest; return the uploads still to do."""
        crawls = self.root / "crawls"
        for crawl_dir in sorted(crawls.iterdir()) if crawls.exists() else []:
            if crawl_dir == self.crawl_dir or not crawl_dir.is_dir():
                continue
            fd = os.open(crawl_dir / "lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue  # a live crawl
            try:
                self._recover_crawl(crawl_dir)
            except Exception as exc:
                logger.exception("store: could not recover the crawl spooled in %s", crawl_dir)
                self.errors.append("recovering %s: %s" % (crawl_dir, exc))
                os.close(fd)
                continue
            shutil.rmtree(crawl_dir, ignore_errors=True)
            os.close(fd)
        remove_stale_temporaries(self.objects)
        tasks = []
        for path in iter_files(self.objects):
            key = path.relative_to(self.objects).as_posix()
            if key.startswith("crawls/"):
                continue  # manifests go last (commit_manifests)
            tasks.append(("upload", key, key.startswith("evidence/")))
        if tasks:
            logger.info("store: %d objects left in the spool %s by earlier runs; uploading them", len(tasks), self.root)
        return tasks

    def _recover_crawl(self, crawl_dir: Path) -> None:
        crawl_id = crawl_dir.name
        try:
            state = json.loads((crawl_dir / "state.json").read_bytes())
        except (OSError, ValueError):
            state = {"crawl_id": crawl_id, "spider": "", "targets": {}, "started_at": None,
                     "day": utc_now()[:10]}
        if (self.objects / manifest_key(crawl_id)).exists():
            return  # it died after writing its manifest: nothing left to seal
        parts = {p["key"]: p for p in read_journal(crawl_dir / "parts.jsonl")}
        opened = sorted((crawl_dir / "open").glob("*.jsonl")) if (crawl_dir / "open").exists() else []
        for path in opened:
            entry = seal_part(crawl_dir, path, state["day"], crawl_id, self.objects, self.compresslevel, validate=True)
            if entry is not None:
                parts[entry["key"]] = entry
        if not parts and not opened:
            return
        manifest = build_manifest(state, sorted(parts.values(), key=lambda p: p["key"]), {}, finished_at=None,
                                  interrupted=True)
        write_durably(self.objects / manifest_key(crawl_id),
                      json.dumps(manifest, ensure_ascii=False, indent=1, default=str).encode("utf-8"))
        logger.warning("store: crawl %s had died; %d parts (%d records) recovered from the spool", crawl_id,
                       len(parts), sum(p["records"] for p in parts.values()))

    def flush(self) -> Outcome:
        """``scrapy flush``: recover dead crawls, upload what the spool holds, commit the manifests."""
        outcome = Outcome()
        if not self.root.exists():
            return outcome
        self.objects.mkdir(parents=True, exist_ok=True)
        for task in self.recover():
            try:
                self._run(task)
            except Exception as exc:
                self._fail(task, str(exc))
        outcome.committed = self.commit_manifests(outcome)
        outcome.uploaded += self.uploaded
        outcome.errors = self.errors + outcome.errors
        outcome.pending = count_files(self.objects)
        prune_empty(self.objects)
        return outcome


def seal_part(crawl_dir: Path, path: Path, day: str, crawl_id: str, objects: Path, compresslevel: int,
              validate: bool) -> dict | None:
    """An open part, gzip-compressed into the spool's objects (up to its last complete line), journaled,
    then removed. Idempotent: sealing it again after a crash writes the same bytes under the same key."""
    match = OPEN_NAME.match(path.name)
    if not match:
        return None
    data = path.read_bytes()
    data = data[:data.rfind(b"\n") + 1]
    if validate:  # after a crash: keep the lines that are whole records
        good = []
        for line in data.split(b"\n")[:-1]:
            try:
                json.loads(line)
            except ValueError:
                logger.warning("%s: a torn line dropped", path)
                continue
            good.append(line + b"\n")
        data = b"".join(good)
    records = data.count(b"\n")
    key = part_key(match["platform"], match["kind"], day, crawl_id, int(match["number"]))
    if not records:
        path.unlink(missing_ok=True)
        return None
    packed = gzip.compress(data, compresslevel=compresslevel, mtime=0)
    write_durably(objects / key, packed)
    entry = {"key": key, "platform": match["platform"], "kind": match["kind"], "records": records,
             "bytes": len(packed), "sha256": hashlib.sha256(packed).hexdigest()}
    with open(crawl_dir / "parts.jsonl", "ab") as journal:
        journal.write((json.dumps(entry) + "\n").encode("utf-8"))
        journal.flush()
        os.fsync(journal.fileno())
    path.unlink(missing_ok=True)
    return entry


def read_journal(path: Path) -> list[dict]:
    out = []
    try:
        lines = path.read_bytes().split(b"\n")
    except FileNotFoundError:
        return out
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a torn last line
    return out


def build_manifest(state: dict, parts: list[dict], stats: dict, finished_at: str | None, interrupted: bool) -> dict:
    keep = {k: v for k, v in stats.items() if isinstance(v, (int, float, str))}
    return {
        "crawl_id": state["crawl_id"], "schema_version": SCHEMA_VERSION, "spider": state.get("spider"),
        "run_id": state.get("run_id", state["crawl_id"]), "shard": state.get("shard", {"index": 0, "count": 1}),
        "targets": state.get("targets", {}), "started_at": state.get("started_at"), "finished_at": finished_at,
        "interrupted": interrupted, "records": sum(p["records"] for p in parts),
        "records_by_kind": _by_kind(parts), "parts": parts, "stats": keep,
    }


def _by_kind(parts: list[dict]) -> dict:
    out: dict[str, int] = {}
    for p in parts:
        out[p["kind"]] = out.get(p["kind"], 0) + p["records"]
    return dict(sorted(out.items()))


def iter_files(root: Path):
    if not root.exists():
        return
    for dirpath, _dirs, files in os.walk(root):
        for name in sorted(files):
            if not name.startswith(".tmp-"):
                yield Path(dirpath) / name


def remove_stale_temporaries(root: Path) -> None:
    """Half-written files (``.tmp-<pid>-*``) of processes that are gone."""
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            match = re.match(r"^\.tmp-(\d+)-", name)
            if not match:
                continue
            try:
                os.kill(int(match.group(1)), 0)
            except ProcessLookupError:
                Path(dirpath, name).unlink(missing_ok=True)
            except PermissionError:
                pass  # alive, someone else's


def first_file(root: Path) -> Path | None:
    return next(iter_files(root), None)


def count_files(root: Path) -> int:
    return sum(1 for _ in iter_files(root))


def prune_empty(root: Path) -> None:
    if not root.exists():
        return
    for dirpath, dirs, files in os.walk(root, topdown=False):
        if Path(dirpath) != root and not os.listdir(dirpath):
            try:
                os.rmdir(dirpath)
            except OSError:
                pass
