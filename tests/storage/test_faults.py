"""Faults as an operator meets them, with real processes: the spool's disk full (a 2 MiB tmpfs in a private
mount namespace), the S3 endpoint frozen (SIGSTOP) and killed (SIGKILL) mid-crawl, the crawler killed at
several points, three crawls sharing one store and one spool. Each test counts the records in the store after
recovery (each exactly once), checks the exit status and its message, and bounds the time to exit.

Crawls are replayed Weibo crawls (JSON API, no browser). The tests that freeze or kill SeaweedFS start their
own (``own_seaweed``, free ports on 127.0.0.1); the others share the session's (tests/conftest.py)."""
from __future__ import annotations

import collections
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler import settings as project_settings
from crawler.storage import open_store
from crawler.storage.reader import iter_records, manifests
from tests.deploy.conftest import account_url, scrapy_env, weibo_body, weibo_har
from tests.storage.seaweed import SeaweedS3
from tests.support import ROOT

EXTENSIONS = {**project_settings.EXTENSIONS, "tests.storage.slow.SlowItems": 900, "tests.storage.faults.Fault": 901}
PAGES = [account_url(str(6200000000 + n)) for n in range(8)]


@pytest.fixture(scope="module")
def har(tmp_path_factory):
    """8 pages of 2 posts each (16 records, ids never shared between pages)."""
    return weibo_har(tmp_path_factory.mktemp("har") / "weibo.har", {url: weibo_body(n + 1) for n, url in enumerate(PAGES)})


def crawl_cmd(har: Path, store: str, spool: Path, urls=PAGES, **settings) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "weibo", "-a", "url=%s" % ",".join(urls), "-s", "REPLAY_HAR=%s" % har,
           "-s", "STORE_URI=%s" % store, "-s", "SPOOL_DIR=%s" % spool, "-s", "LOG_LEVEL=INFO",
           "-s", "EXTENSIONS=%s" % json.dumps(EXTENSIONS)]
    for key, value in settings.items():
        cmd += ["-s", "%s=%s" % (key, value)]
    return cmd


def scrapy(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env or scrapy_env())


def popen(cmd: list[str], env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env or scrapy_env())


def stored(store, **filters) -> list[dict]:
    return list(iter_records(store, **filters))


def once(records: list[dict]) -> bool:
    """Each record exactly once (per crawl: the same post in two crawls is two records)."""
    counts = collections.Counter((r["crawl_id"], r["id"]) for r in records)
    return all(n == 1 for n in counts.values())


def spooled(spool: Path) -> list[Path]:
    return [p for p in spool.rglob("*") if p.is_file() and p.name not in ("store.uri", "lock")
            and not p.name.startswith(".tmp-")] if spool.exists() else []


def visible_parts(store_root: Path) -> set[str]:
    return {p.relative_to(store_root).as_posix() for p in (store_root / "records").rglob("*.jsonl.gz")}


def listed_parts(store) -> set[str]:
    return {p["key"] for m in manifests(store) for p in m["parts"]}


def closing_time(stderr: str) -> float:
    """When the crawl stopped fetching: Scrapy's 'Closing spider' log line (local time, 1 s resolution)."""
    line = next(line for line in stderr.splitlines() if "Closing spider" in line)
    return time.mktime(time.strptime(line[:19], "%Y-%m-%d %H:%M:%S"))


# ---- the spool's disk full ----

def _can_mount_tmpfs(where: Path) -> str | None:
    where.mkdir(exist_ok=True)
    try:
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                "mount -t tmpfs -o size=1m tmpfs '%s'" % where], capture_output=True, text=True,
                               timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return None if probe.returncode == 0 else (probe.stderr.strip() or "exit %d" % probe.returncode)


def test_full_spool_stops_the_crawl_and_loses_no_counted_record(tmp_path):
    spool = tmp_path / "spool"
    why = _can_mount_tmpfs(spool)
    if why:
        pytest.skip("cannot mount a tmpfs in a private mount namespace here: %s" % why)
    urls = [account_url(str(6300000000 + n)) for n in range(100)]
    har = weibo_har(tmp_path / "many.har", {url: weibo_body(100 + n, posts=20) for n, url in enumerate(urls)})
    (tmp_path / "urls").write_text(",".join(urls))
    store_root = tmp_path / "store"
    crawl = crawl_cmd(har, str(store_root), spool, urls=urls, PART_MAX_RECORDS=100000, SPOOL_MIN_FREE_MB=0.5,
                      CONCURRENT_REQUESTS=4)
    script = "\n".join([
        "set -u",
        "mount -t tmpfs -o size=2m tmpfs '%s' || exit 90" % spool,
        "start=$(date +%s.%N)",
        " ".join("'%s'" % a for a in crawl) + " > '%s/crawl.out' 2> '%s/crawl.err'" % (tmp_path, tmp_path),
        "echo $? $(date +%%s.%%N) $start > '%s/crawl.rc'" % tmp_path,
        "ls -R '%s' > '%s/spool.ls'" % (spool, tmp_path),
        "mount -o remount,size=64m '%s'" % spool,  # room again
        "'%s' -m scrapy flush '%s' -s SPOOL_DIR='%s' > '%s/flush.out' 2> '%s/flush.err'" % (
            sys.executable, store_root, spool, tmp_path, tmp_path),
        "echo $? > '%s/flush.rc'" % tmp_path,
        "find '%s' -type f ! -name store.uri ! -name lock | wc -l > '%s/left'" % (spool, tmp_path),
    ])
    proc = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script], cwd=ROOT, timeout=180,
                          env=scrapy_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    code, ended, started = (tmp_path / "crawl.rc").read_text().split()
    err = (tmp_path / "crawl.err").read_text()
    assert int(code) == 4, err[-3000:]
    assert float(ended) - float(started) < 90
    cause = err.strip().splitlines()[-1]
    assert cause.startswith("crawl weibo: the spool %s/" % spool) and "is full" in cause and "MiB free" in cause, cause
    assert "Closing spider (spool_full)" in err  # stopped: no more pages fetched
    assert "Scraper close failure" not in err and "Traceback" not in err
    written = int(re.search(r"(\d+) records written", cause).group(1))
    assert 0 < written < 2000
    assert (tmp_path / "flush.rc").read_text().strip() == "0", (tmp_path / "flush.err").read_text()
    assert (tmp_path / "left").read_text().strip() == "0"
    store = open_store(str(store_root))
    back = stored(store)
    assert len(back) == written and once(back)  # every record counted as written, once
    print("full spool: exit %s after %.1fs, %d records written and stored once; %s" % (
        code, float(ended) - float(started), written, cause))
    assert visible_parts(store_root) == listed_parts(store)


# ---- SeaweedFS frozen, killed ----

@pytest.fixture(scope="module")
def own_seaweed():
    """A SeaweedFS of this module's own: its tests freeze and kill it."""
    server = SeaweedS3()
    try:
        server.start()
        yield server
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.proc.send_signal(signal.SIGCONT)
        server.close()


def wait_for(predicate, proc: subprocess.Popen, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            pytest.fail("the crawl ended before %s: %s" % (what, proc.communicate()[1][-3000:]))
        time.sleep(0.1)
    pytest.fail("no %s after %ss" % (what, timeout))


def s3_env(server: SeaweedS3) -> dict:
    return scrapy_env(**{k: v for k, v in server.env().items() if k.startswith("AWS_")})


def use_env(server: SeaweedS3, monkeypatch) -> None:
    for key, value in s3_env(server).items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)


BOUNDS = {"STORE_RETRY_SECONDS": 6, "STORE_READ_TIMEOUT": 2, "STORE_CONNECT_TIMEOUT": 1, "STORE_BREAKER_TIMEOUTS": 3}
SLOW = {"PART_MAX_RECORDS": 1, "CONCURRENT_REQUESTS": 1, "SLOW_ITEM_S": 0.25}


def test_frozen_store_exit_4_within_the_deadline_then_flush_commits_everything_once(own_seaweed, har, tmp_path,
                                                                                       monkeypatch):
    server = own_seaweed
    bucket = server.make_bucket("frozen")
    uri, spool = "s3://%s/p" % bucket, tmp_path / "spool"
    proc = popen(crawl_cmd(har, uri, spool, **SLOW, **BOUNDS), env=s3_env(server))
    try:
        wait_for(lambda: len(server.keys(bucket, "p/records/")) >= 2, proc, what="2 parts in the store")
        server.proc.send_signal(signal.SIGSTOP)  # accepts connections, never answers
        _, stderr = proc.communicate(timeout=120)
        ended = time.time()
        # scrapy records against the frozen endpoint: bounded the same way
        started = time.monotonic()
        records = scrapy("records", uri, "-s", "STORE_RETRY_SECONDS=3", "-s", "STORE_READ_TIMEOUT=2",
                         env=s3_env(server), timeout=60)
        records_s = time.monotonic() - started
    finally:
        server.proc.send_signal(signal.SIGCONT)
    assert proc.returncode == 4, stderr[-3000:]
    after_last_page = ended - closing_time(stderr)
    print("frozen store: exit %d %.1fs after the last page; scrapy records: exit %d after %.1fs" % (
        proc.returncode, after_last_page, records.returncode, records_s))
    assert after_last_page <= BOUNDS["STORE_RETRY_SECONDS"] + BOUNDS["STORE_READ_TIMEOUT"] + 3
    assert "records could not be written to the store" in stderr and "scrapy flush" in stderr
    assert "Scraper close failure" not in stderr and "Traceback" not in stderr
    assert records.returncode == 4 and records_s < 3 + 2 + 10, records.stderr
    assert records.stderr.startswith("scrapy records: store s3://%s/p: the endpoint" % bucket), records.stderr
    assert len(records.stderr.splitlines()) == 1 and "did not answer in time" in records.stderr
    assert spooled(spool)
    flush = scrapy("flush", uri, "-s", "SPOOL_DIR=%s" % spool, env=s3_env(server))
    assert flush.returncode == 0, flush.stderr[-3000:]
    use_env(server, monkeypatch)
    store = open_store(uri)
    back = stored(store)
    (manifest,) = manifests(store)
    assert len(back) == manifest["records"] == 16 and once(back) and not manifest["interrupted"]
    assert spooled(spool) == []


def test_store_killed_and_restarted_mid_crawl_every_record_once(own_seaweed, har, tmp_path, monkeypatch):
    server = own_seaweed
    bucket = server.make_bucket("killed")
    uri, spool = "s3://%s/p" % bucket, tmp_path / "spool"
    proc = popen(crawl_cmd(har, uri, spool, **SLOW, **{**BOUNDS, "STORE_RETRY_SECONDS": 40}), env=s3_env(server))
    try:
        wait_for(lambda: len(server.keys(bucket, "p/records/")) >= 2, proc, what="2 parts in the store")
        server.proc.kill()
        server.proc.wait(timeout=10)
        server.proc = None
        time.sleep(1.5)  # parts are sealed meanwhile; their uploads fail and back off
    finally:
        server.start()
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr[-3000:]
    assert "Scraper close failure" not in stderr
    use_env(server, monkeypatch)
    store = open_store(uri)
    back = stored(store)
    (manifest,) = manifests(store)
    assert len(back) == manifest["records"] == 16 and once(back)
    assert spooled(spool) == []


# ---- the crawler killed ----

@pytest.mark.parametrize("at", ["item", "upload", "commit"])
def test_crawler_killed_leaves_nothing_uncommitted_visible_and_flush_recovers_it_once(har, tmp_path, at):
    store_root, spool, marker = tmp_path / "store", tmp_path / "spool", tmp_path / "marker"
    settings = {"FAULT_AT": at, "FAULT_AFTER": 7, "FAULT_MARKER": marker, "PART_MAX_RECORDS": 3,
                "CONCURRENT_REQUESTS": 1}
    proc = popen(crawl_cmd(har, str(store_root), spool, **settings))
    wait_for(marker.exists, proc, what="the fault point %s" % at)
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    written = json.loads(marker.read_text())["written"]
    store = open_store(str(store_root))
    assert manifests(store) == [] and visible_parts(store_root) == set()  # killed: nothing visible
    assert 7 <= written <= 8 if at == "item" else written == 16  # (the pipeline may be one record ahead)
    flush = scrapy("flush", str(store_root), "-s", "SPOOL_DIR=%s" % spool)
    assert flush.returncode == 0, flush.stderr[-3000:]
    back = stored(store)
    (manifest,) = manifests(store)
    assert len(back) == manifest["records"] == written and once(back)
    assert manifest["interrupted"] is (at != "commit")  # killed before the commit: its own manifest was written
    assert visible_parts(store_root) == listed_parts(store)
    assert spooled(spool) == []
    assert not (store_root / ".staging").exists() or not any((store_root / ".staging").iterdir())


# ---- crawls sharing one store and one spool ----

@pytest.mark.parametrize("kind", ["local", "s3"])
def test_three_parallel_crawls_share_a_store_and_a_spool(har, tmp_path, kind, request, monkeypatch):
    if kind == "s3":
        server = request.getfixturevalue("seaweed")
        bucket = server.make_bucket("par-%d" % (time.monotonic_ns() % 10**9))
        uri, env = "s3://%s/p" % bucket, s3_env(server)
    else:
        uri, env = str(tmp_path / "store"), scrapy_env()
    spool = tmp_path / "spool"
    started = time.monotonic()
    procs = [popen(crawl_cmd(har, uri, spool, PART_MAX_RECORDS=2, SLOW_ITEM_S=0.05), env=env) for _ in range(3)]
    results = [(p.wait(timeout=150), p.communicate()[1]) for p in procs]
    elapsed = time.monotonic() - started
    for code, stderr in results:
        assert code == 0, stderr[-3000:]
        assert not [line for line in stderr.splitlines() if " ERROR: " in line or "Traceback" in line], stderr[-3000:]
        assert "; store %s" % ("s3://%s/p/crawls/" % bucket if kind == "s3" else uri) in stderr.strip().splitlines()[-1]
    if kind == "s3":
        use_env(server, monkeypatch)
    store = open_store(uri)
    back = stored(store)
    assert len(manifests(store)) == 3 and len(back) == 48 and once(back)
    assert len(store.keys("evidence/")) == 8  # content-addressed: each page once, whoever uploaded it
    if kind == "local":
        assert visible_parts(Path(uri)) == listed_parts(store)
    assert spooled(spool) == []
    print("three parallel crawls (%s): all exit 0 in %.1fs" % (kind, elapsed))
