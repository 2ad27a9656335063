#!/usr/bin/env python3
"""Compose the HAR fixtures under fixtures/<platform>/ from the pages under fixtures/pages and fixtures/flows.

Each platform's flows are described in fixtures/flows/<platform>.json:
    {"<flow>": [{"url": "...", "file": "pages/tiktok/video_page.html", "mime": "text/html"}, ...]}
``file`` is relative to fixtures/; optional keys: ``mime``, ``status``, ``method`` and ``post_data``
(the exact body of a POST the page sends; Playwright's replay matches it). Run it after changing a page; the HARs are committed.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.har import entry, write_har  # noqa: E402

FIXTURES = ROOT / "fixtures"


def build(platform: str) -> list[Path]:
    spec = json.loads((FIXTURES / "flows" / ("%s.json" % platform)).read_text(encoding="utf-8"))
    written = []
    for flow, entries in spec.items():
        har_entries = []
        for item in entries:
            body = (FIXTURES / item["file"]).read_bytes()
            mime = item.get("mime") or ("application/json" if item["file"].endswith(".json") else "text/html; charset=utf-8")
            har_entries.append(entry(item["url"], body, mime, status=item.get("status", 200), method=item.get("method", "GET"),
                                     post_data=item.get("post_data")))
        written.append(write_har(har_entries, FIXTURES / platform / ("%s.har" % flow)))
    return written


def main(argv: list[str]) -> int:
    platforms = argv or sorted(p.stem for p in (FIXTURES / "flows").glob("*.json"))
    for platform in platforms:
        for path in build(platform):
            print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
