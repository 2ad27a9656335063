"""Which committed crawls a command reads: by id, by day range, by spider (report, takedown)."""
from __future__ import annotations

from crawler.storage.reader import manifests


def crawls(store, crawl_ids: list[str] | None = None, since: str | None = None, until: str | None = None,
           spider: str | None = None) -> list[dict]:
    """Committed crawls, oldest first; ValueError naming a crawl id the store does not have."""
    out = manifests(store)
    if crawl_ids:
        known = {m["crawl_id"] for m in out}
        missing = [c for c in crawl_ids if c not in known]
        if missing:
            raise ValueError("no committed crawl %s in the store" % ", ".join(missing))
        out = [m for m in out if m["crawl_id"] in crawl_ids]
    if since:
        out = [m for m in out if (m.get("started_at") or "")[:10] >= since]
    if until:
        out = [m for m in out if (m.get("started_at") or "")[:10] <= until]
    if spider:
        out = [m for m in out if m.get("spider") == spider]
    return out
