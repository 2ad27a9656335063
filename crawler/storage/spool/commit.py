"""A crawl's manifest (the commit marker) and its commit: once none of its objects is left in its spool
folder, the store makes its parts visible and then the manifest (crawler.storage.base.Store.commit), and
the folder goes."""
from __future__ import annotations

import json

from crawler.schema import SCHEMA_VERSION
from crawler.storage.durable import write_durably
from crawler.storage.errors import StoreError
from crawler.storage.keys import manifest_key


class NotCommitted(StoreError):
    """Some of the crawl's objects are still in the spool."""


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


def write_manifest(crawl, manifest: dict) -> None:
    write_durably(crawl.manifest, json.dumps(manifest, ensure_ascii=False, indent=1, default=str).encode("utf-8"))


def commit_crawl(store, crawl) -> str | None:
    """Commit a crawl whose objects have all left the spool; its manifest key (None: nothing to commit,
    a dead crawl that had written no record). Raises NotCommitted, StoreError, OSError."""
    waiting = crawl.pending()
    if waiting:
        raise NotCommitted("%s not committed: %d objects (%s...) still in the spool %s" % (
            manifest_key(crawl.crawl_id), len(waiting), waiting[0], crawl.path))
    if not crawl.manifest.exists():
        crawl.retire()
        return None
    manifest = json.loads(crawl.manifest.read_bytes())
    key = manifest_key(crawl.crawl_id)
    store.commit(crawl.crawl_id, key, crawl.manifest, manifest.get("parts", []))
    crawl.retire()
    return key
