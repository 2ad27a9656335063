"""One record per object per crawl, done at commit time: a search card and its detail page (same platform,
kind and id) become one record (crawler.analyst.merge) before the manifest is written.

Why here and not in a spider middleware: the crawl's feed (``-O``) and the spider's output stay what the
pages said (each capture with its own ``source_url``), while what the store commits, the thing analysts
read, has each object once; no card is held back waiting for a detail page that may fail, be filtered or
be dropped, and the merge covers any duplicate, however it came (two search pages, a retried page).

Which: records of one object read on different pages (``source_url``): a card and its detail page, an
object on two search pages. The same page fetched twice in one crawl (a target given twice) keeps its
captures as they are: they say the same thing twice, and the storage tests count them.

How, streaming: while a crawl writes, the writer keeps the ids it has written per platform and kind (with
a hash of the page each was first read on) and notes those read on a second page (``Writer.duplicated``). Only when there are some, at the end, are the sealed
parts of that platform and kind read back one at a time (from the spool, else from the store where they are
staged), and streamed into new parts: records of other objects go through line by line; the captures of
the duplicated ones go to a SQLite file in the crawl's spool folder, and come back sorted by id to be
merged object by object and written after. Memory: one part and one object at a time (plus the ids the
writer keeps while the crawl runs). The old
parts are marked superseded in the journal, left out of the manifest and removed from the staging area.
A crash half way leaves both versions listed in an ``interrupted`` manifest: duplicates, never a loss.
"""
from __future__ import annotations

import gzip
import json
import logging
import os
import sqlite3

from crawler.analyst.merge import merge
from crawler.storage.errors import StoreError

logger = logging.getLogger(__name__)


def _read_part(writer, key: str) -> bytes:
    spooled = writer.crawl.objects / key
    if spooled.exists():
        return spooled.read_bytes()
    return writer.store.read_staged(writer.crawl.crawl_id, key)


def merge_duplicates(writer, deadline, outcome) -> int:
    """Rewrite the parts holding duplicated objects; the number of records merged away."""
    from crawler.storage.spool.writer import ENCODE

    merged_away = 0
    superseded: list[dict] = []
    for group, dup_ids in sorted(writer.duplicated.items()):
        old = sorted((p for p in writer.sealed.values() if (p["platform"], p["kind"]) == group),
                     key=lambda p: p["key"])
        written = 0
        held = sqlite3.connect(str(writer.crawl.path / "merge.sqlite"))  # the captures to merge, on disk
        try:
            held.execute("DROP TABLE IF EXISTS held")
            held.execute("CREATE TABLE held (id TEXT, seq INTEGER, line BLOB)")
            seq = 0
            try:
                for part in old:  # one part in memory at a time
                    rows = []
                    for line in gzip.decompress(_read_part(writer, part["key"])).split(b"\n"):
                        if not line:
                            continue
                        object_id = str(json.loads(line).get("id"))
                        if object_id in dup_ids:
                            rows.append((object_id, seq, line))
                            seq += 1
                        else:
                            writer._append(group, line + b"\n")
                            written += 1
                    held.executemany("INSERT INTO held VALUES (?, ?, ?)", rows)
            except (StoreError, OSError, ValueError) as exc:
                # what was rewritten so far is kept next to the old parts: duplicates in the commit, never a loss
                logger.warning("store: %s %s kept unmerged: a part could not be read back (%s)", *group, exc)
                if group in writer.open_parts:
                    writer._seal(group)
                continue
            current, record = None, None
            for object_id, line in held.execute("SELECT id, line FROM held ORDER BY id, seq"):
                if object_id != current:
                    if record is not None:
                        writer._append(group, (ENCODE(record) + "\n").encode("utf-8"))
                        written += 1
                    current, record = object_id, json.loads(line)
                else:
                    record = merge(record, json.loads(line))
            if record is not None:
                writer._append(group, (ENCODE(record) + "\n").encode("utf-8"))
                written += 1
        finally:
            held.close()
            (writer.crawl.path / "merge.sqlite").unlink(missing_ok=True)
        if group in writer.open_parts:
            writer._seal(group)
        old_records = sum(p["records"] for p in old)
        writer.written[group[1]] = writer.written.get(group[1], 0) - old_records
        merged_away += old_records - written
        superseded += old
    writer.duplicated.clear()
    if not superseded:
        return 0
    writer._drain_uploads(deadline, outcome)
    with open(writer.crawl.journal, "ab") as journal:
        for part in superseded:
            journal.write((json.dumps({"superseded": part["key"]}) + "\n").encode("utf-8"))
        journal.flush()
        os.fsync(journal.fileno())
    for part in superseded:
        writer.sealed.pop(part["key"], None)
        (writer.crawl.objects / part["key"]).unlink(missing_ok=True)
        try:
            writer.store.discard_staged(writer.crawl.crawl_id, part["key"])
        except (StoreError, OSError) as exc:  # left behind, never listed in a manifest
            logger.warning("store: superseded part %s not removed: %s", part["key"], exc)
    logger.info("store: %d records merged into their objects' other records", merged_away)
    return merged_away
