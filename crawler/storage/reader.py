"""The one reader of committed records (``scrapy records``, ``scrapy contacts``, the benchmark, the tests):
only committed crawls (those with a manifest), only the parts their manifest lists, each checked against
the manifest's size and SHA-256."""
from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator

from crawler.storage.errors import StoreError
from crawler.storage.keys import MANIFEST_KEY, parse_part_key


def manifests(store) -> list[dict]:
    """The committed crawls, oldest first."""
    out = []
    for key in store.keys("crawls/"):
        if MANIFEST_KEY.match(key):
            try:
                out.append(json.loads(store.get(key)))
            except ValueError as exc:
                raise StoreError("%s: unreadable manifest (%s)" % (key, exc)) from exc
    return sorted(out, key=lambda m: (m.get("started_at") or "", m.get("crawl_id") or ""))


def selected_parts(manifest: dict, platform: str | None = None, kind: str | None = None,
                   since: str | None = None) -> list[dict]:
    out = []
    for part in manifest.get("parts", []):
        match = parse_part_key(part["key"])
        if not match:
            raise StoreError("manifest of %s lists an odd key %s" % (manifest.get("crawl_id"), part["key"]))
        if platform and match["platform"] != platform or kind and match["kind"] != kind:
            continue
        if since and match["dt"] < since:
            continue
        out.append(part)
    return sorted(out, key=lambda p: p["key"])


def committed_parts(store, **filters) -> Iterator[tuple[dict, dict]]:
    """(manifest, part) for every committed part, oldest crawl first."""
    for manifest in manifests(store):
        for part in selected_parts(manifest, **filters):
            yield manifest, part


def read_part(store, manifest: dict, part: dict) -> bytes:
    """A part's JSON Lines, once its bytes match the manifest (size and SHA-256)."""
    data = store.get(part["key"])
    if len(data) != part["bytes"] or hashlib.sha256(data).hexdigest() != part["sha256"]:
        raise StoreError("%s: %d bytes that do not match the manifest of crawl %s" % (
            part["key"], len(data), manifest.get("crawl_id")))
    return gzip.decompress(data)


def iter_lines(store, platform: str | None = None, kind: str | None = None, since: str | None = None) -> Iterator[bytes]:
    """Each committed record as one JSON line (bytes, newline included)."""
    for manifest, part in committed_parts(store, platform=platform, kind=kind, since=since):
        for line in read_part(store, manifest, part).split(b"\n"):
            if line:
                yield line + b"\n"


def iter_records(store, **filters) -> Iterator[dict]:
    for line in iter_lines(store, **filters):
        yield json.loads(line)
