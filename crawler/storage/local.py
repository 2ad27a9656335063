"""A store in a local folder: each object written to a temporary file, fsynced, then renamed, so a reader
never sees half an object. Names starting with a dot (``.spool``, ``.staging``, ``.tmp-*``) are not objects.

Committed means visible: a crawl's parts are written under ``.staging/<crawl_id>/<key>`` and renamed into
``records/...`` (the same file system) only when the crawl commits. The commit writes the manifest into
the staging folder first (the intent), renames the parts, then renames the manifest into ``crawls/``;
a process killed half way is rolled forward by the next run or ``scrapy flush`` (``recover``). So a glob
over ``records/**`` (DuckDB, pandas, Spark) sees only parts of committed crawls, apart from the instant
of a commit itself.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from crawler.storage.durable import fsync_dir, write_durably
from crawler.storage.errors import StoreError

STAGING = ".staging"


class LocalStore:
    remote = False

    def __init__(self, root: str, **_options):
        self.root = Path(root).expanduser().resolve()

    @property
    def uri(self) -> str:
        return str(self.root)

    def path(self, key: str) -> Path:
        return self.root / key

    def staged(self, crawl_id: str, key: str = "") -> Path:
        return self.root / STAGING / crawl_id / key

    def location(self, key: str) -> str:
        return str(self.path(key))

    def set_deadline(self, seconds: float | None) -> None:
        pass  # local writes do not hang on a network

    def check(self) -> None:
        """Fail now, not after the crawl, when the folder cannot be written."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-check-")
            os.close(fd)
            os.unlink(tmp)
        except OSError as exc:
            raise StoreError("store %s is not writable: %s" % (self.root, exc.strerror or exc)) from exc

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None

    def put(self, key: str, data: bytes) -> str:
        write_durably(self.path(key), data)
        return key

    def put_file(self, key: str, source: Path, size: int, md5_hex: str, sha256_hex: str) -> None:
        self._copy(self.path(key), source, size, sha256_hex)

    def stage_file(self, crawl_id: str, key: str, source: Path, size: int, md5_hex: str, sha256_hex: str) -> None:
        self._copy(self.staged(crawl_id, key), source, size, sha256_hex)

    @staticmethod
    def _copy(target: Path, source: Path, size: int, sha256_hex: str) -> None:
        """Copy a spooled file in (temporary name, fsync, rename), then confirm size and SHA-256."""
        write_durably(target, source=source)
        digest = hashlib.sha256()
        with open(target, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        if target.stat().st_size != size or digest.hexdigest() != sha256_hex:
            raise StoreError("%s: the stored copy differs from the spooled one" % target)

    def read_staged(self, crawl_id: str, key: str) -> bytes:
        return self.staged(crawl_id, key).read_bytes()

    def discard_staged(self, crawl_id: str, key: str) -> None:
        self.staged(crawl_id, key).unlink(missing_ok=True)

    def commit(self, crawl_id: str, manifest_key: str, manifest: Path, parts: list[dict]) -> None:
        write_durably(self.staged(crawl_id, manifest_key), source=manifest)  # the intent: rolled forward if killed
        self._roll_forward(crawl_id, manifest_key)

    def _roll_forward(self, crawl_id: str, manifest_key: str) -> None:
        intent = self.staged(crawl_id, manifest_key)
        parts = json.loads(intent.read_bytes()).get("parts", [])
        folders = set()
        for part in parts:
            source, target = self.staged(crawl_id, part["key"]), self.path(part["key"])
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                folders.add(target.parent)
            elif not target.exists():
                raise StoreError("%s: part %s of crawl %s is neither staged nor committed" % (
                    self.root, part["key"], crawl_id))
        for folder in folders:
            fsync_dir(folder)
        target = self.path(manifest_key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(intent, target)
        fsync_dir(target.parent)
        shutil.rmtree(self.staged(crawl_id), ignore_errors=True)

    def recover(self) -> list[str]:
        """Roll forward the commits a killed process left half done (a staged manifest)."""
        done = []
        staging = self.root / STAGING
        for folder in sorted(staging.iterdir()) if staging.is_dir() else []:
            crawl_id = folder.name
            key = "crawls/%s/manifest.json" % crawl_id
            if self.staged(crawl_id, key).is_file():
                try:
                    self._roll_forward(crawl_id, key)
                except FileNotFoundError:
                    continue  # another process rolled it forward meanwhile
                done.append(crawl_id)
        return done

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def keys(self, prefix: str = "") -> list[str]:
        base = self.root / prefix
        if not base.exists():
            return []
        out = []
        for path in base.rglob("*"):
            rel = path.relative_to(self.root)
            if not any(part.startswith(".") for part in rel.parts) and path.is_file():
                out.append(rel.as_posix())
        return sorted(out)
