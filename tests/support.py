"""Test helpers: where fixtures and the shared real pages live, and parsing a file the way `scrapy extract` does."""
from __future__ import annotations

import os
from pathlib import Path

from crawler.extract import extract
from crawler.page import Page

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PAGES = FIXTURES / "pages"
REAL_PAGES = Path(os.environ.get("REAL_PAGES_DIR", ROOT.parent / "shared" / "real-pages"))


def page_from(path: Path | str, url: str = "", query: str | None = None) -> Page:
    return Page(url=url, body=Path(path).read_bytes(), fetched_at="2026-01-01T00:00:00Z", crawl_id="test", query=query)


def records_of(path: Path | str, url: str = "", platform: str | None = None) -> list:
    return extract(page_from(path, url), platform)


def fixture_records(platform: str, name: str, url: str, platform_slug: str | None = None) -> list:
    return records_of(PAGES / platform / name, url, platform_slug)


def by_kind(records: list, kind: str) -> list:
    return [r for r in records if r.kind == kind]


def one(records: list, kind: str, id_: str | None = None):
    matches = [r for r in records if r.kind == kind and (id_ is None or r.id == id_)]
    assert len(matches) == 1, "expected one %s %s, got %d of %d records" % (kind, id_ or "", len(matches), len(records))
    return matches[0]


def wrong_types(value, depth=0):
    """Every scalar of a JSON value swapped for one of another type (ints become words, strings lists)."""
    if isinstance(value, dict):
        return {k: wrong_types(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [wrong_types(v, depth + 1) for v in value]
    if isinstance(value, bool) or value is None:
        return "yes"
    if isinstance(value, (int, float)):
        return "many"
    if isinstance(value, str):
        return [value] if depth % 2 else {"v": value}
    return value


def write_page(tmp_path: Path, text: str, name: str = "page.html") -> Path:
    """A page written for a test (a fixture changed on purpose)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
