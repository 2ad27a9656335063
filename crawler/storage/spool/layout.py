"""The spool on disk, shared safely by several crawls (shards of a job on one node, two platforms on a laptop)::

    SPOOL_DIR/<store slug>/
      store.uri                          which store this spool belongs to
      crawls/<crawl_id>/                 one folder per crawl, owned by whoever holds its lock
        lock                             flock-ed by the running crawl (a free lock: the crawl died)
        state.json                       spider, targets, start time (for a manifest after a crash)
        parts.jsonl                      journal of the sealed parts (key, records, bytes, sha256)
        open/<platform>~<kind>~<NNNNN>.jsonl   the open parts, plain JSON Lines
        objects/<store key>              sealed parts and evidence waiting for their upload
        manifest.json                    written at the end: committed once objects/ is empty
      crawls/.new-*, crawls/.done-*      a crawl folder being created (locked before it gets its name) or removed
      objects/                           the shared folder of earlier versions (uploaded by ``scrapy flush``)

A crawl never touches another's folder; a dead crawl's folder is adopted by taking its lock.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import uuid
from pathlib import Path

from crawler.storage.durable import fsync_dir


def store_slug(uri: str) -> str:
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", uri).strip("_")[-60:]
    return "%s-%s" % (readable, hashlib.sha256(uri.encode("utf-8")).hexdigest()[:10])


class CrawlDir:
    """One crawl's folder in the spool, and the lock that says who owns it."""

    def __init__(self, path: Path, lock_fd: int | None = None):
        self.path = path
        self.crawl_id = path.name
        self.lock_fd = lock_fd
        self.objects = path / "objects"
        self.open = path / "open"
        self.journal = path / "parts.jsonl"
        self.state_file = path / "state.json"
        self.manifest = path / "manifest.json"

    @classmethod
    def create(cls, crawls: Path, crawl_id: str) -> "CrawlDir":
        """Made under a temporary name, locked, then renamed: nobody can take it for a dead crawl meanwhile."""
        crawls.mkdir(parents=True, exist_ok=True)
        final = crawls / crawl_id
        if final.exists():
            adopted = cls.adopt(final)
            if adopted is None:
                raise RuntimeError("crawl %s is already running with the spool %s" % (crawl_id, crawls.parent))
            adopted.open.mkdir(exist_ok=True)
            adopted.objects.mkdir(exist_ok=True)
            return adopted
        tmp = crawls / (".new-%s-%d-%s" % (crawl_id, os.getpid(), uuid.uuid4().hex[:6]))
        (tmp / "open").mkdir(parents=True)
        (tmp / "objects").mkdir()
        fd = os.open(tmp / "lock", os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(tmp, final)
        fsync_dir(crawls)
        return cls(final, fd)

    @classmethod
    def adopt(cls, path: Path) -> "CrawlDir | None":
        """Take a crawl's folder when its owner is gone (its lock is free); None when it lives or vanished."""
        lock = path / "lock"
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:
            if not path.is_dir() or not (path / "state.json").exists():
                return None  # being removed, or being created
            fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o600)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(lock).st_ino != os.fstat(fd).st_ino:
                raise FileNotFoundError(lock)  # removed and made again meanwhile
        except (BlockingIOError, FileNotFoundError):
            os.close(fd)
            return None
        return cls(path, fd)

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_bytes())
        except (OSError, ValueError):
            from crawler.schema import utc_now

            return {"crawl_id": self.crawl_id, "spider": "", "targets": {}, "started_at": None, "day": utc_now()[:10]}

    def pending(self) -> list[str]:
        """The store keys still waiting in this crawl's objects/."""
        return [p.relative_to(self.objects).as_posix() for p in iter_files(self.objects)]

    def unsealed(self) -> list[Path]:
        return sorted(self.open.glob("*.jsonl")) if self.open.is_dir() else []

    def release(self) -> None:
        if self.lock_fd is not None:
            os.close(self.lock_fd)
            self.lock_fd = None

    def retire(self) -> None:
        """Committed: the folder goes (renamed first, so nobody adopts what is being removed)."""
        gone = self.path.parent / (".done-%s-%d-%s" % (self.crawl_id, os.getpid(), uuid.uuid4().hex[:6]))
        try:
            os.rename(self.path, gone)
        except FileNotFoundError:
            pass
        else:
            shutil.rmtree(gone, ignore_errors=True)
        self.release()


def iter_files(root: Path):
    if not root.exists():
        return
    for dirpath, _dirs, files in os.walk(root):
        for name in sorted(files):
            if not name.startswith(".tmp-"):
                yield Path(dirpath) / name


def count_files(root: Path) -> int:
    return sum(1 for _ in iter_files(root))


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
