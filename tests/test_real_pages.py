"""Every real capture in ../shared/real-pages parses to the records in its expected.json.

Runs the comparator shipped with the captures (conformance.compare) on the
records our extraction gives in-process; one CLI run per capture type is in
test_cli.py. Skipped, with the reason, where ../shared is absent.
"""
from __future__ import annotations

import importlib.util
import json

import pytest

from crawler.errors import BlockedPage
from crawler.records import to_dict
from tests.support import REAL_PAGES, records_of

pytestmark = pytest.mark.skipif(not (REAL_PAGES / "expected.json").exists(),
                                reason="no ../shared/real-pages on this machine")


def _conformance():
    spec = importlib.util.spec_from_file_location("conformance", REAL_PAGES / "conformance.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _entries():
    if not (REAL_PAGES / "expected.json").exists():
        return []
    return json.loads((REAL_PAGES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry", _entries(), ids=lambda e: e["file"])
def test_real_page_matches_expected(entry):
    conformance = _conformance()
    path = REAL_PAGES / entry["file"]
    if entry.get("blocked"):
        with pytest.raises(BlockedPage):
            records_of(path, entry.get("url") or "")
        return
    records = [to_dict(r) for r in records_of(path, entry.get("url") or "")]
    problems = conformance.compare(entry, records)
    assert not problems, "\n".join(problems)
