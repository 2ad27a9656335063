"""What every store offers (``Store``), and the bounds every remote operation runs under.

A store holds objects under keys (crawler.storage.keys). Parts of a crawl are *staged* (``stage_file``)
and become visible to readers only when the crawl *commits* (``commit``, with its manifest): a local
store stages them under ``.staging/<crawl_id>/`` and renames them into ``records/`` at the commit; on
S3 they are written in place and the manifest is the commit marker that readers go by. Evidence is
content-addressed and written in place (``put_file``).
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Protocol, runtime_checkable


@runtime_checkable
class Store(Protocol):
    remote: bool

    @property
    def uri(self) -> str: ...

    def location(self, key: str) -> str:
        """Where a key is, for people (a path, an s3:// URL)."""

    def check(self) -> None:
        """Fail now (StoreError) when the store cannot be written: endpoint, credentials, bucket."""

    def size(self, key: str) -> int | None:
        """The size of a visible object, None when absent."""

    def get(self, key: str) -> bytes: ...

    def keys(self, prefix: str = "") -> list[str]:
        """Visible keys under a prefix, sorted (never staged ones)."""

    def put(self, key: str, data: bytes) -> str: ...

    def put_file(self, key: str, source: Path, size: int, md5_hex: str, sha256_hex: str) -> None:
        """Write a visible object from a file, confirmed by size and checksum (evidence)."""

    def stage_file(self, crawl_id: str, key: str, source: Path, size: int, md5_hex: str, sha256_hex: str) -> None:
        """Write a part of an uncommitted crawl, confirmed by size and checksum."""

    def read_staged(self, crawl_id: str, key: str) -> bytes:
        """A staged part of an uncommitted crawl (the merge reads it back: crawler.storage.spool.merge)."""

    def discard_staged(self, crawl_id: str, key: str) -> None:
        """Remove a staged part that the crawl's manifest will not list (superseded by the merge)."""

    def commit(self, crawl_id: str, manifest_key: str, manifest: Path, parts: list[dict]) -> None:
        """Make a crawl's parts visible, then its manifest (idempotent)."""

    def recover(self) -> list[str]:
        """Finish commits a killed process left half done; the crawl ids rolled forward."""

    def set_deadline(self, seconds: float | None) -> None:
        """No new request or retry after ``seconds`` from now (None: only the per-request bounds)."""


class Breaker:
    """After ``limit`` timeouts in a row the endpoint is given up for this run: every later operation
    fails at once instead of paying the timeout again."""

    def __init__(self, limit: int):
        self.limit = max(1, int(limit))
        self.count = 0
        self.open = False
        self._lock = threading.Lock()

    def timed_out(self) -> None:
        with self._lock:
            self.count += 1
            if self.count >= self.limit:
                self.open = True

    def succeeded(self) -> None:
        with self._lock:
            self.count = 0


class Deadline:
    """An end time shared by the operations of one phase (a crawl's final upload, a command)."""

    def __init__(self, seconds: float | None = None):
        self.at = None if seconds is None else time.monotonic() + seconds

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at

    def left(self) -> float | None:
        return None if self.at is None else max(0.0, self.at - time.monotonic())
