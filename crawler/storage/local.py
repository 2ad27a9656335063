"""A store in a local folder: each object written to a temporary file, fsynced, then renamed,
so a reader never sees half an object. Names starting with a dot (``.spool``, ``.tmp-*``) are
not objects."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from crawler.storage.durable import write_durably


class LocalStore:
    remote = False

    def __init__(self, root: str):
        self.root = Path(root).expanduser().resolve()

    @property
    def uri(self) -> str:
        return str(self.root)

    def path(self, key: str) -> Path:
        return self.root / key

    def location(self, key: str) -> str:
        return str(self.path(key))

    def check(self) -> None:
        """Fail now, not after the crawl, when the folder cannot be written."""
        from crawler.storage import StoreError

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
        """Copy a spooled file in (temporary name, fsync, rename), then confirm size and SHA-256."""
        from crawler.storage import StoreError

        target = self.path(key)
        write_durably(target, source=source)
        digest = hashlib.sha256()
        with open(target, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        if target.stat().st_size != size or digest.hexdigest() != sha256_hex:
            raise StoreError("%s: the stored copy differs from the spooled one" % target)

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def keys(self, prefix: str = "") -> list[str]:
        base = self.root / prefix
        if not base.exists():
            return []
        out = []
        for path in base.rglob("*"):
            rel = path.relative_to(self.root)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                out.append(rel.as_posix())
        return sorted(out)
