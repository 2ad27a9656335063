"""The newest state of each object across crawls (``scrapy records --latest``): for each (platform, kind,
id), the record of the newest committed crawl that has it (crawls in manifest order, oldest first; within
one crawl written before the merge existed, its captures merged: crawler.analyst.merge).

Bounded memory: the records pass through a SQLite file in a temporary folder, one row per object."""
from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from crawler.analyst.merge import merge


def latest(records: Iterable[dict]) -> Iterator[dict]:
    with tempfile.TemporaryDirectory(prefix="latest-") as tmp:
        db = sqlite3.connect(str(Path(tmp) / "latest.sqlite"))
        try:
            db.execute("CREATE TABLE o (platform TEXT, kind TEXT, id TEXT, seq INTEGER, crawl TEXT, line TEXT,"
                       " PRIMARY KEY (platform, kind, id))")
            for seq, record in enumerate(records):
                key = (record.get("platform"), record.get("kind"), str(record.get("id")))
                row = db.execute("SELECT crawl, line, seq FROM o WHERE platform=? AND kind=? AND id=?", key).fetchone()
                if row is not None and row[0] == record.get("crawl_id"):
                    record, seq = merge(json.loads(row[1]), record), row[2]
                db.execute("INSERT OR REPLACE INTO o VALUES (?, ?, ?, ?, ?, ?)",
                           key + (seq, record.get("crawl_id"), json.dumps(record, ensure_ascii=False)))
            db.commit()
            for (line,) in db.execute("SELECT line FROM o ORDER BY seq"):
                yield json.loads(line)
        finally:
            db.close()
