"""One replayed crawl (Amazon search: 3 cards followed to their product pages, with screenshots) shared by
the analyst tests that need a real store: the merge, the `-o x.csv` feed, the report and the takedown pack."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.harness import fixture_har
from tests.support import ROOT


@dataclass
class Crawled:
    store: Path
    csv: Path
    jsonl: Path
    returncode: int
    stderr: str


def run_crawl(platform: str, har: Path, out_dir: Path, store: Path, timeout: int = 240, settings: dict | None = None,
              **args: str) -> subprocess.CompletedProcess:
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "scrapy", "crawl", platform, "-o", str(out_dir / "out.csv"),
           "-o", str(out_dir / "out.jsonl"), "-s", "STORE_URI=%s" % store, "-s", "REPLAY_HAR=%s" % har]
    for key, value in (settings or {}).items():
        cmd += ["-s", "%s=%s" % (key, value)]
    for key, value in args.items():
        cmd += ["-a", "%s=%s" % (key, value)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def amazon_store(tmp_path_factory) -> Crawled:
    base = tmp_path_factory.mktemp("amazon")
    proc = run_crawl("amazon", fixture_har("amazon", "search"), base, base / "store", query="bookshelf speakers")
    return Crawled(base / "store", base / "out.csv", base / "out.jsonl", proc.returncode, proc.stderr)
