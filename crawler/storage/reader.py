"""Reading a store back as downstream does: only committed crawls (those with a manifest), only the
parts their manifest lists, each checked against the manifest's size and SHA-256."""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterator

from crawler.storage import StoreError

PART_KEY = re.compile(r"^records/platform=(?P<platform>[^/]+)/kind=(?P<kind>[^/]+)/dt=(?P<dt>[^/]+)/crawl=(?P<crawl>[^/]+)/"
                      r"part-\d+\.jsonl\.gz$")


def manifests(store) -> list[dict]:
    """The committed crawls, oldest first."""
    out = []
    for key in store.keys("crawls/"):
        if key.endswith("/manifest.json") and key.count("/") == 2:
            try:
                out.append(json.loads(store.get(key)))
            except ValueError as exc:
                raise StoreError("%s: unreadable manifest (%s)" % (key, exc)) from exc
    return sorted(out, key=lambda m: (m.get("started_at") or "", m.get("crawl_id") or ""))


def selected_parts(manifest: dict, platform: str | None = None, kind: str | None = None,
                   since: str | None = None) -> list[dict]:
    out = []
    for part in manifest.get("parts", []):
        match = PART_KEY.match(part["key"])
        if not match:
            raise StoreError("manifest of %s lists an odd key %s" % (manifest.get("crawl_id"), part["key"]))
        if platform and match["platform"] != platform or kind and match["kind"] != kind:
            continue
        if since and match["dt"] < since:
            continue
        out.append(part)
    return sorted(out, key=lambda p: p["key"])


def iter_lines(store, platform: str | None = None, kind: str | None = None, since: str | None = None) -> Iterator[bytes]:
    """Each committed record as one JSON line (bytes, newline included)."""
    for manifest in manifests(store):
        for part in selected_parts(manifest, platform, kind, since):
            data = store.get(part["key"])
            if len(data) != part["bytes"] or hashlib.sha256(data).hexdigest() != part["sha256"]:
                raise StoreError("%s: %d bytes that do not match the manifest of crawl %s" % (
                    part["key"], len(data), manifest.get("crawl_id")))
            lines = gzip.decompress(data).split(b"\n")
            for line in lines:
                if line:
                    yield line + b"\n"


def iter_records(store, **filters) -> Iterator[dict]:
    for line in iter_lines(store, **filters):
        yield json.loads(line)
