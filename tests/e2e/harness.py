"""Run `scrapy crawl` as a user does, against HAR fixtures, through real headless Chromium.

``crawl(platform, har, url=..., query=..., store=tmp_path)`` returns the finished
process, its records (from ``-O``) and the crawl's stats summary line.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support import ROOT

FIXTURES = ROOT / "fixtures"


@dataclass
class CrawlResult:
    returncode: int
    records: list[dict]
    stderr: str

    def of(self, kind: str) -> list[dict]:
        return [r for r in self.records if r["kind"] == kind]

    def one(self, kind: str, id_: str) -> dict:
        found = [r for r in self.records if r["kind"] == kind and r["id"] == id_]
        assert len(found) == 1, "expected one %s %s in %s" % (kind, id_, [(r["kind"], r["id"]) for r in self.records])
        return found[0]


def crawl(platform: str, har: str | Path | None, tmp_path: Path, settings: dict | None = None, timeout: int = 240,
          own_browser: bool = False, **args: str) -> CrawlResult:
    """``own_browser``: launch a browser for this crawl instead of using the session's shared one."""
    cmd, out = crawl_command(platform, har, tmp_path, settings, own_browser, **args)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    return CrawlResult(proc.returncode, read_records(out), proc.stderr)


def read_records(out: Path) -> list[dict]:
    # split on "\n" only: captions keep U+2028 and friends as written, and str.splitlines() would cut there
    lines = out.read_text(encoding="utf-8").split("\n") if out.exists() else []
    return [json.loads(line) for line in lines if line.strip()]


def crawl_command(platform: str, har: str | Path | None, tmp_path: Path, settings: dict | None = None,
                  own_browser: bool = False, out_name: str = "out.jsonl", **args: str) -> tuple[list[str], Path]:
    """The `scrapy crawl` command line of ``crawl`` (for a test that runs it itself), and its -O file."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / out_name
    cmd = [sys.executable, "-m", "scrapy", "crawl", platform, "-O", str(out),
           "-s", "STORE_URI=%s" % (tmp_path / "store"), "-s", "LOG_LEVEL=INFO"]
    if har is not None:
        cmd += ["-s", "REPLAY_HAR=%s" % har]
    if os.environ.get("CRAWLER_TEST_CDP_URL") and not own_browser:
        cmd += ["-s", "PLAYWRIGHT_CDP_URL=%s" % os.environ["CRAWLER_TEST_CDP_URL"]]  # the session's shared Chromium
    for key, value in (settings or {}).items():
        cmd += ["-s", "%s=%s" % (key, value)]
    for key, value in args.items():
        cmd += ["-a", "%s=%s" % (key, value)]
    return cmd, out


def by_source(result: CrawlResult, list_page: str) -> tuple[dict, dict]:
    """Listings read on ``list_page`` (the cards) and on the pages they were followed to (the items), by id."""
    cards = {r["id"]: r for r in result.of("listing") if r["source_url"] == list_page}
    items = {r["id"]: r for r in result.of("listing") if r["source_url"] != list_page}
    return cards, items


def has_screenshot(record: dict) -> bool:
    evidence = record["evidence"]
    return bool(evidence and evidence["html_key"] and evidence["screenshot_key"] and evidence["sha256"])


def fixture_har(platform: str, flow: str) -> Path:
    return FIXTURES / platform / ("%s.har" % flow)
