"""Every real capture, wrapped into a one-entry HAR at its URL, crawls to the same records as `scrapy extract`.

One crawl per platform (all of its captures as url targets), through real Chromium for pages
and plain requests for JSON APIs. Compared field for field, except what differs by design
between two runs (fetch time, crawl id, evidence, query).
"""
from __future__ import annotations

import json
from collections import defaultdict

import pytest
from w3lib.url import safe_url_string

from crawler.har import entry, write_har
from crawler.records import to_dict
from tests.e2e.harness import crawl
from tests.support import REAL_PAGES, records_of

RUN_SPECIFIC = ("fetched_at", "crawl_id", "evidence", "query", "source_url")


def _groups():
    path = REAL_PAGES / "expected.json"
    if not path.exists():
        return []
    groups = defaultdict(list)
    for item in json.loads(path.read_text(encoding="utf-8")):
        if item.get("url") and not item.get("blocked"):
            groups[item["platform"]].append(item)
    return sorted(groups.items())


def _comparable(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in RUN_SPECIFIC}


@pytest.mark.skipif(not (REAL_PAGES / "expected.json").exists(), reason="no ../shared/real-pages on this machine")
@pytest.mark.parametrize("platform,items", _groups(), ids=[p for p, _ in _groups()])
def test_real_capture_crawls_like_extract(platform, items, tmp_path):
    entries, expected = [], {}
    for item in items:
        body = (REAL_PAGES / item["file"]).read_bytes()
        mime = "application/json" if item["file"].endswith(".json") else "text/html; charset=utf-8"
        entries.append(entry(item["url"], body, mime))
        expected[safe_url_string(item["url"])] = [_comparable(to_dict(r)) for r in records_of(REAL_PAGES / item["file"], item["url"])]
    har = write_har(entries, tmp_path / "real.har")
    result = crawl(platform, har, tmp_path, url=",".join(i["url"] for i in items),
                   settings={"EVIDENCE_ENABLED": "0", "BLOCK_RETRY_TIMES": "0"})
    assert result.returncode == 0, result.stderr[-3000:]
    got = defaultdict(list)
    for record in result.records:
        got[safe_url_string(record["source_url"])].append(_comparable(record))  # the browser percent-encodes
    for url, records in expected.items():
        key = lambda r: (r["kind"], r["id"])  # noqa: E731
        assert sorted(got[url], key=key) == sorted(records, key=key), "crawl and extract differ for %s" % url
