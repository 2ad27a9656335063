"""The key layout of a store, one template for the writer and every reader:

- ``records/platform=<p>/kind=<k>/dt=<YYYY-MM-DD>/crawl=<crawl_id>/part-<NNNNN>.jsonl.gz``
- ``crawls/<crawl_id>/manifest.json`` (the commit marker: a reader takes only crawls that have one,
  and only the parts it lists)
- ``evidence/sha256/<first two hex>/<sha256>.<ext>`` (content-addressed, stored once)
"""
from __future__ import annotations

import re

PART = "records/platform={platform}/kind={kind}/dt={day}/crawl={crawl_id}/part-{number:05d}.jsonl.gz"
MANIFEST = "crawls/{crawl_id}/manifest.json"
EVIDENCE = "evidence/sha256/{prefix}/{sha256}.{ext}"

PART_KEY = re.compile(r"^records/platform=(?P<platform>[^/]+)/kind=(?P<kind>[^/]+)/dt=(?P<dt>[^/]+)/"
                      r"crawl=(?P<crawl>[^/]+)/part-(?P<number>\d+)\.jsonl\.gz$")
MANIFEST_KEY = re.compile(r"^crawls/(?P<crawl>[^/]+)/manifest\.json$")


def part_key(platform: str, kind: str, day: str, crawl_id: str, number: int) -> str:
    return PART.format(platform=platform, kind=kind, day=day, crawl_id=crawl_id, number=number)


def manifest_key(crawl_id: str) -> str:
    return MANIFEST.format(crawl_id=crawl_id)


def evidence_key(sha256: str, ext: str) -> str:
    return EVIDENCE.format(prefix=sha256[:2], sha256=sha256, ext=ext)


def is_evidence(key: str) -> bool:
    return key.startswith("evidence/")


def parse_part_key(key: str) -> re.Match | None:
    return PART_KEY.match(key)
