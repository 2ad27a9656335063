"""Open parts and sealing, and the free-space guard of the spool.

A record is appended to its open part's buffer; the buffer is written out every megabyte and fsynced
every ``SPOOL_FLUSH_SECONDS``: a record counts as written (``Writer.written``) only once it is fsynced.
Sealing gzip-compresses an open part into the crawl's ``objects/`` (fsync, rename), journals it and
removes the open file; sealing again after a crash writes the same bytes under the same key.

Back-pressure: before a write is accepted, the spool's file system must keep ``SPOOL_MIN_FREE_MB`` free
(room to seal the open parts and write the manifest); otherwise ``SpoolFull``.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from crawler.storage.durable import write_durably
from crawler.storage.errors import SpoolFull
from crawler.storage.keys import part_key

logger = logging.getLogger(__name__)

OPEN_NAME = re.compile(r"^(?P<platform>[^~/]+)~(?P<kind>[^~/]+)~(?P<number>\d{5,})\.jsonl$")
BUFFER = 1 << 20


class SpaceGuard:
    """Free space of the spool's file system, checked every ``recheck`` bytes (statvfs), minus a reserve."""

    def __init__(self, path: Path, reserve_mb: float):
        self.path = path
        self.reserve = max(0, int(float(reserve_mb) * 2**20))
        self.recheck = max(64 << 10, min(BUFFER, self.reserve // 4 or BUFFER))
        self.left: int | None = None
        self.since = 0

    def free(self) -> int:
        st = os.statvfs(self.path)
        return st.f_bavail * st.f_frsize

    def take(self, n: int, unwritten: int = 0) -> None:
        """Account for ``n`` more bytes (``unwritten``: bytes accepted but not on disk yet), or SpoolFull."""
        if self.left is None or self.since + n > self.recheck or n > self.left:
            free = self.free()
            self.left, self.since = free - self.reserve - unwritten, 0
            if n > self.left:
                raise SpoolFull(self.path, free - unwritten, self.reserve)
        self.left -= n
        self.since += n


@dataclass
class OpenPart:
    platform: str
    kind: str
    number: int
    path: Path
    fd: int
    opened: float
    records: int = 0              # accepted into this part
    pending: bytearray = field(default_factory=bytearray)
    pending_records: int = 0      # in the buffer
    unsynced_records: int = 0     # written out, not fsynced yet
    size: int = 0
    synced_size: int = 0


def open_name(platform: str, kind: str, number: int) -> str:
    return "%s~%s~%05d.jsonl" % (platform, kind, number)


def seal_part(crawl, path: Path, day: str, compresslevel: int, validate: bool) -> dict | None:
    """An open part, gzip-compressed into the crawl's objects (up to its last complete line), journaled,
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
    key = part_key(match["platform"], match["kind"], day, crawl.crawl_id, int(match["number"]))
    if not records:
        path.unlink(missing_ok=True)
        return None
    packed = gzip.compress(data, compresslevel=compresslevel, mtime=0)
    write_durably(crawl.objects / key, packed)
    entry = {"key": key, "platform": match["platform"], "kind": match["kind"], "records": records,
             "bytes": len(packed), "sha256": hashlib.sha256(packed).hexdigest()}
    with open(crawl.journal, "ab") as journal:
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
