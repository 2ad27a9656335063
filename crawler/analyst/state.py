"""What a store has seen, and when: a small SQLite table per store, one row per object (platform, kind, id)
with ``first_seen``/``last_seen`` (its records' ``fetched_at``), ``captured_at`` (the newest evidence of it:
a detail page with its screenshot), a ``content_hash`` of what it said, and the fields a search card can be
compared on (title, price ...).

The state is derived from committed crawls only (through crawler.storage.reader), folded in once each
(the ``crawls`` table says which): ``refresh(store)`` folds in the crawls it has not seen yet, so it is
never wrong for long, whoever crashed, and two processes folding the same crawl write the same rows.
Where: ``<store>/state/objects.sqlite`` for a local store; on S3 the same file is a committed object
(``state/objects.sqlite``), downloaded, folded into and uploaded back (a concurrent writer's fold is redone
by the next one: the crawls table tells).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from pathlib import Path

from crawler.storage.reader import manifests, read_part, selected_parts

STATE_KEY = "state/objects.sqlite"
VOLATILE = ("fetched_at", "crawl_id", "source_url", "query", "evidence", "extractor", "partial")
# what a card shows and a detail page repeats: a card that differs in one of these is a changed object (a field
# the capture did not have is not compared; a card's title may be the captured title cut short)
CARD_FIELDS = ("title", "text", "price", "price_max", "original_price", "availability", "condition")

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
  platform TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
  first_seen TEXT, last_seen TEXT, captured_at TEXT, content_hash TEXT, fields TEXT,
  first_crawl TEXT, last_crawl TEXT,
  PRIMARY KEY (platform, kind, id));
CREATE TABLE IF NOT EXISTS crawls (crawl_id TEXT PRIMARY KEY, started_at TEXT, records INTEGER);
"""


def content_hash(record: dict) -> str:
    content = {k: v for k, v in record.items() if k not in VOLATILE}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def card_fields(record: dict) -> dict:
    return {k: record.get(k) for k in CARD_FIELDS if record.get(k) not in (None, [], {})}


class State:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path))
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def folded(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT crawl_id FROM crawls")}

    def fold(self, store, manifest: dict) -> int:
        """Fold one committed crawl's records in (one transaction); the records read."""
        n = 0
        with self.db:
            for part in selected_parts(manifest):
                for line in read_part(store, manifest, part).split(b"\n"):
                    if line:
                        self.observe(json.loads(line))
                        n += 1
            self.db.execute("INSERT OR REPLACE INTO crawls VALUES (?, ?, ?)",
                            (manifest.get("crawl_id"), manifest.get("started_at"), n))
        return n

    def observe(self, record: dict) -> None:
        key = (record.get("platform"), record.get("kind"), str(record.get("id")))
        seen = record.get("fetched_at")
        captured = (record.get("evidence") or {}).get("captured_at")
        crawl = record.get("crawl_id")
        row = self.db.execute("SELECT first_seen, last_seen, captured_at, first_crawl FROM objects "
                              "WHERE platform=? AND kind=? AND id=?", key).fetchone()
        if row is None:
            self.db.execute("INSERT INTO objects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            key + (seen, seen, captured, content_hash(record), json.dumps(card_fields(record)),
                                   crawl, crawl))
            return
        first_seen, last_seen, last_captured, first_crawl = row
        newer = not last_seen or (seen or "") >= last_seen
        updates = {"first_seen": min(filter(None, [first_seen, seen]), default=None),
                   "last_seen": max(filter(None, [last_seen, seen]), default=None),
                   "captured_at": max(filter(None, [last_captured, captured]), default=None)}
        if newer:
            updates.update(content_hash=content_hash(record), fields=json.dumps(card_fields(record)), last_crawl=crawl)
        sets = ", ".join("%s=?" % k for k in updates)
        self.db.execute("UPDATE objects SET %s WHERE platform=? AND kind=? AND id=?" % sets,
                        tuple(updates.values()) + key)

    def get(self, platform: str, kind: str, id_: str) -> dict | None:
        cur = self.db.execute("SELECT * FROM objects WHERE platform=? AND kind=? AND id=?", (platform, kind, str(id_)))
        row = cur.fetchone()
        if row is None:
            return None
        out = dict(zip([d[0] for d in cur.description], row))
        out["fields"] = json.loads(out["fields"] or "{}")
        return out

    def unchanged_since(self, card: dict, since: str) -> bool:
        """Whether the object a card shows was captured (detail page, evidence) at ``since`` or later, and the
        card says nothing different from what was captured then."""
        row = self.get(card.get("platform"), card.get("kind"), card.get("id"))
        if row is None or not row["captured_at"] or row["captured_at"] < since:
            return False
        stored = row["fields"]
        for key, value in card_fields(card).items():
            if key in ("title", "text") and isinstance(value, str) and isinstance(stored.get(key), str):
                # a card shows a title cut short: the same when what it shows starts the captured one
                if not stored[key].startswith(value.rstrip(" .\u2026")):
                    return False
            elif key in stored and stored[key] != value:
                return False
        return True


def refresh(store, path: str | Path | None = None) -> State:
    """The store's state with every committed crawl folded in. A local store keeps it in place; for a remote
    store pass ``path`` (a local working copy): it is downloaded first and uploaded back when it changed."""
    remote = getattr(store, "remote", False)
    if not remote:
        state = State(store.path(STATE_KEY))
    else:
        if path is None:
            path = Path(tempfile.mkdtemp(prefix="state-")) / "objects.sqlite"
        path = Path(path)
        if store.size(STATE_KEY) is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(store.get(STATE_KEY))
        state = State(path)
    done = state.folded()
    changed = False
    for manifest in manifests(store):
        if manifest.get("crawl_id") not in done:
            state.fold(store, manifest)
            changed = True
    if remote and changed:  # a consistent copy of the database, uploaded as one object
        copy = Path(str(state.path) + ".upload")
        copy.unlink(missing_ok=True)
        state.db.execute("VACUUM INTO ?", (str(copy),))
        store.put(STATE_KEY, copy.read_bytes())
        copy.unlink()
    return state
