"""`scrapy watch` crawls three platforms of a watchlist from their fixtures in one process: one summary per
platform, one exit status; and refuses, before any page, what it cannot run."""
from __future__ import annotations

import subprocess
import sys

from crawler import exitcodes
from crawler.analyst.watch import overall
from crawler.storage import LocalStore
from crawler.storage.reader import manifests
from tests.e2e.harness import fixture_har
from tests.support import ROOT

# the example watchlist's TikTok targets (fixtures/tiktok/watchlist.har), plus the terms the Amazon and
# Douyin search fixtures answer
WATCHLIST = """\
name: three platforms
platforms: [douyin]
brands:
  - name: Glow Lab
    aliases: [GlowLab, glow serum]
terms:
  - term: glow serum
    platforms: [tiktok]
  - term: bookshelf speakers
    platforms: [amazon]
  - 跑鞋
accounts:
  - account: "@serum.dupes"
    platforms: [tiktok]
urls:
  - https://www.tiktok.com/@glow.reseller/video/7440000000000000041
"""


def watch(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "scrapy", "watch", *map(str, args),
                           "-s", "STORE_URI=%s" % (tmp_path / "store")], cwd=ROOT, capture_output=True, text=True,
                          timeout=400)


def test_three_platforms_in_one_process(tmp_path):
    wl = tmp_path / "wl.yaml"
    wl.write_text(WATCHLIST, encoding="utf-8")
    proc = watch(tmp_path, wl, "--platform", "tiktok", "--platform", "amazon", "--platform", "douyin",
                 "--har", "tiktok=%s" % fixture_har("tiktok", "watchlist"),
                 "--har", "amazon=%s" % fixture_har("amazon", "search"),
                 "--har", "douyin=%s" % fixture_har("douyin", "search"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stderr.strip().splitlines()
    summaries = [line for line in lines if line.startswith("crawl ")]
    assert [line.split()[1] for line in summaries] == ["amazon", "douyin", "tiktok"]
    assert all(": ok; " in line for line in summaries)
    assert lines[-1] == "watch %s: ok; amazon ok, douyin ok, tiktok ok" % wl
    done = manifests(LocalStore(str(tmp_path / "store")))
    assert sorted(m["spider"] for m in done) == ["amazon", "douyin", "tiktok"]
    assert all(m["targets"] for m in done)
    # one process, one platform at a time: the crawls do not overlap
    spans = sorted((m["started_at"], m["finished_at"]) for m in done)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_refuses_before_any_page(tmp_path):
    wl = tmp_path / "wl.yaml"
    wl.write_text(WATCHLIST, encoding="utf-8")
    proc = watch(tmp_path, wl, "--platform", "tiktok", "--platform", "amazon",
                 "--har", "tiktok=%s" % fixture_har("tiktok", "watchlist"))
    assert proc.returncode == 2 and "no --har for amazon" in proc.stderr
    proc = watch(tmp_path, wl, "--platform", "nosuch")
    assert proc.returncode == 2 and "unknown platform nosuch" in proc.stderr
    assert not (tmp_path / "store" / "crawls").exists()


def test_overall_exit_status():
    assert overall([0, 0, 0]) == 0 and overall([6, 6]) == 6
    assert overall([0, 1]) == exitcodes.PARTIAL and overall([0, 4]) == exitcodes.STORAGE and overall([1, 3]) == 1
