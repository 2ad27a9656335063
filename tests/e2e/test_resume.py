"""Resumable crawls: a replayed Amazon search (the search page, then three product pages, six records) is
killed with SIGKILL after the search page and one product page are in the spool, resumed with the same
JOBDIR, and the store then holds every record exactly once (the killed run's from its spool, adopted by
the resumed run). The resumed run does not read the search page again. About 15 s."""
from __future__ import annotations

import collections
import os
import signal
import subprocess
import time

from crawler.storage import open_store
from crawler.storage.reader import iter_records
from tests.e2e.harness import crawl_command, fixture_har, read_records
from tests.support import ROOT

SEARCH = "https://www.amazon.com/s?k=bookshelf+speakers"
ITEMS = {"B0FAKEUS02", "B0FAKEUS03", "B0FAKEUS04"}


def _run(tmp_path, jobdir, out_name, **settings):
    cmd, out = crawl_command("amazon", fixture_har("amazon", "search"), tmp_path, out_name=out_name,
                             settings={"JOBDIR": jobdir, "CONCURRENT_REQUESTS": "1", **settings},
                             query="bookshelf speakers")
    log = open(tmp_path / (out_name + ".log"), "w")
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            start_new_session=True), out


def _lines(path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_killed_crawl_resumes_and_writes_every_record_once(tmp_path):
    jobdir = tmp_path / "job"
    first, _ = _run(tmp_path, jobdir, "first.jsonl", DOWNLOAD_DELAY="3")
    done = jobdir / "records.done"
    deadline = time.monotonic() + 90
    while _lines(done) < 4 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
    killed_after = _lines(done)
    os.killpg(first.pid, signal.SIGKILL)  # the crawl, its Playwright driver and its browser
    first.wait(timeout=30)
    assert 4 <= killed_after < 6, (tmp_path / "first.jsonl.log").read_text()[-3000:]

    second, out = _run(tmp_path, jobdir, "second.jsonl")
    assert second.wait(timeout=180) == 0, (tmp_path / "second.jsonl.log").read_text()[-3000:]
    log = (tmp_path / "second.jsonl.log").read_text()
    assert "'pages/search'" not in log  # the search page was done: not read again

    store = open_store(str(tmp_path / "store"))
    written = collections.Counter((r["source_url"], r["kind"], r["id"]) for r in iter_records(store))
    assert set(written.values()) == {1}, written
    cards = {id_ for (source, kind, id_) in written if source == SEARCH}
    items = {id_ for (source, kind, id_) in written if source != SEARCH}
    assert cards == items == ITEMS
    assert len(read_records(out)) + killed_after >= 6  # the resumed run wrote the rest
