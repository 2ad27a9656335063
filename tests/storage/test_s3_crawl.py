"""Crawls into a real S3-compatible server (SeaweedFS on 127.0.0.1, keys enforced; tests/storage/conftest.py):
the layout and reading it back, evidence once, failing fast, the server going away mid-crawl, SIGKILL.

The crawls are replayed Weibo crawls (JSON API, no browser): each runs `scrapy crawl` as a user does,
with the standard AWS_* variables pointing at the local server, and tiny parts to get several."""
from __future__ import annotations

import collections
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler import settings as project_settings
from crawler.storage import StoreAuthError, StoreBucketMissing, open_store
from crawler.storage.reader import iter_records
from crawler.storage.spool import Writer
from tests.storage.seaweed import free_ports
from tests.support import ROOT

HAR = ROOT / "fixtures" / "weibo" / "account.har"
API = "https://weibo.com/ajax/statuses/mymblog?uid=6543210987&page=1&feature=0"


def scrapy(seaweed, *args: str, env: dict | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env or seaweed.env())


def crawl_args(uri: str, tmp_path: Path, settings: dict | None = None, **targets: str) -> list[str]:
    args = ["crawl", "weibo", "-O", str(tmp_path / "out.jsonl"), "-s", "REPLAY_HAR=%s" % HAR,
            "-s", "STORE_URI=%s" % uri, "-s", "SPOOL_DIR=%s" % (tmp_path / "spool"), "-s", "LOG_LEVEL=INFO"]
    for key, value in (settings or {}).items():
        args += ["-s", "%s=%s" % (key, value)]
    for key, value in targets.items():
        args += ["-a", "%s=%s" % (key, value)]
    return args


def out_records(tmp_path: Path) -> list[dict]:
    path = tmp_path / "out.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def scrapy_records(seaweed, uri: str, *filters: str) -> list[dict]:
    """What `scrapy records` prints."""
    proc = scrapy(seaweed, "records", uri, *filters)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [json.loads(line) for line in proc.stdout.split("\n") if line.strip()]


def stored_records(seaweed, uri: str, monkeypatch) -> list[dict]:
    """The same reader as `scrapy records` (crawler.storage.reader), in this process: no Scrapy start-up."""
    for key, value in seaweed.env().items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    return list(iter_records(open_store(uri)))


def canonical(records: list[dict]) -> collections.Counter:
    return collections.Counter(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in records)


def manifests_of(seaweed, bucket: str, prefix: str) -> list[dict]:
    client = seaweed.client()
    return [json.loads(client.get_object(Bucket=bucket, Key=key)["Body"].read())
            for key in seaweed.keys(bucket, prefix + "/crawls/") if key.endswith("/manifest.json")]


def spooled(tmp_path: Path) -> list[Path]:
    root = tmp_path / "spool"
    return [p for p in root.rglob("*") if p.is_file() and p.name != "store.uri" and not p.name.startswith(".tmp-")] \
        if root.exists() else []


def wait_for_keys(seaweed, bucket: str, prefix: str, count: int, proc: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = len(seaweed.keys(bucket, prefix))
        if found >= count:
            return found
        if proc.poll() is not None:
            pytest.fail("the crawl ended before %d objects under %s: %s" % (count, prefix, proc.communicate()[1][-2000:]))
        time.sleep(0.1)
    pytest.fail("no %d objects under %s after %ss" % (count, prefix, timeout))


# a replay answers at once: tests.storage.slow holds each item a moment, so a test can act mid-crawl
SLOW = {"PART_MAX_RECORDS": 1, "CONCURRENT_REQUESTS": 1, "SLOW_ITEM_S": 0.3,
        "EXTENSIONS": json.dumps({**project_settings.EXTENSIONS, "tests.storage.slow.SlowItems": 900})}


def test_replayed_crawl_lands_in_the_layout_and_reads_back_record_for_record(seaweed, bucket, tmp_path):
    uri = "s3://%s/crawls-test" % bucket
    proc = scrapy(seaweed, *crawl_args(uri, tmp_path, {"PART_MAX_RECORDS": 1}, account="6543210987"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = proc.stderr.strip().splitlines()[-1]
    sent = out_records(tmp_path)
    assert len(sent) == 2 and summary.startswith("crawl weibo ") and "; store s3://%s/crawls-test/crawls/" % bucket in summary
    crawl_id = sent[0]["crawl_id"]
    day = sent[0]["fetched_at"][:10]
    keys = seaweed.keys(bucket, "crawls-test/")
    assert keys == sorted(["crawls-test/crawls/%s/manifest.json" % crawl_id] + [
        "crawls-test/records/platform=weibo/kind=post/dt=%s/crawl=%s/part-%05d.jsonl.gz" % (day, crawl_id, n)
        for n in range(2)])
    (manifest,) = manifests_of(seaweed, bucket, "crawls-test")
    assert manifest["crawl_id"] == crawl_id and manifest["spider"] == "weibo" and manifest["interrupted"] is False
    assert manifest["targets"]["account"] == "6543210987" and manifest["records"] == 2
    assert manifest["stats"]["records/post"] == 2 and manifest["started_at"] <= manifest["finished_at"]
    assert all(set(p) >= {"key", "records", "bytes", "sha256"} for p in manifest["parts"])
    assert canonical(scrapy_records(seaweed, uri)) == canonical(sent)  # record for record
    assert scrapy_records(seaweed, uri, "--kind", "account", "--platform", "weibo", "--since", day) == []
    assert spooled(tmp_path) == []


def test_the_same_evidence_referenced_twice_is_stored_once(seaweed, bucket, tmp_path, monkeypatch):
    uri = "s3://%s/p" % bucket
    proc = scrapy(seaweed, *crawl_args(uri, tmp_path, url="%s,%s" % (API, API)))
    assert proc.returncode == 0, proc.stderr[-3000:]
    sent = out_records(tmp_path)
    assert len(sent) == 4  # the page twice, two posts each
    (html_key,) = {r["evidence"]["html_key"] for r in sent}
    assert html_key.startswith("evidence/sha256/%s/" % sent[0]["evidence"]["sha256"][:2]) and html_key.endswith(".html")
    assert seaweed.keys(bucket, "p/evidence/") == ["p/" + html_key]
    body = seaweed.client().get_object(Bucket=bucket, Key="p/" + html_key)["Body"].read()
    assert json.loads(body)["data"]  # the API answer as it came
    assert canonical(stored_records(seaweed, uri, monkeypatch)) == canonical(sent)


@pytest.mark.parametrize("case", ["bad credentials", "missing bucket", "wrong endpoint"])
def test_fail_fast_before_the_first_page(seaweed, bucket, tmp_path, case):
    env = seaweed.env()
    uri = "s3://%s/p" % bucket
    if case == "bad credentials":
        env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
    elif case == "missing bucket":
        uri = "s3://no-such-bucket-%s/p" % bucket[2:]
    else:
        env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:%d" % free_ports(1)[0]  # nothing listens there
    proc = scrapy(seaweed, *crawl_args(uri, tmp_path, account="6543210987"), env=env)
    assert proc.returncode == 4, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if line.startswith("scrapy crawl:")]
    assert len(lines) == 1, proc.stderr[-3000:]
    expected = {"bad credentials": "bad credentials", "missing bucket": "does not exist",
                "wrong endpoint": "cannot reach the endpoint"}[case]
    assert expected in lines[0], lines[0]
    assert "Spider opened" not in proc.stderr and not (tmp_path / "out.jsonl").exists()  # no page was fetched
    assert seaweed.keys(bucket) == []


def test_check_names_the_cause(seaweed, bucket, monkeypatch):
    for key, value in seaweed.env().items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    open_store("s3://%s/p" % bucket).check()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "nobody")
    with pytest.raises(StoreAuthError, match="bad credentials.*InvalidAccessKeyId"):
        open_store("s3://%s/p" % bucket).check()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", seaweed.env()["AWS_ACCESS_KEY_ID"])
    with pytest.raises(StoreBucketMissing, match="bucket 'absent-bucket' does not exist"):
        open_store("s3://absent-bucket/p").check()


def test_server_restarted_mid_crawl_every_record_arrives_exactly_once(seaweed, bucket, tmp_path, monkeypatch):
    uri = "s3://%s/p" % bucket
    settings = {**SLOW, "STORE_RETRY_SECONDS": 30}
    proc = subprocess.Popen([sys.executable, "-m", "scrapy", *crawl_args(uri, tmp_path, settings, url=",".join([API] * 8))],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=seaweed.env())
    try:
        wait_for_keys(seaweed, bucket, "p/records/", 2, proc)
        seaweed.stop()
        time.sleep(1.5)  # parts are sealed meanwhile; their uploads fail and back off
    finally:
        seaweed.start()
    _, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 0, stderr[-3000:]
    assert "retry" in stderr  # the uploads did meet the stopped server
    sent = out_records(tmp_path)
    assert len(sent) == 16
    (manifest,) = manifests_of(seaweed, bucket, "p")
    assert manifest["records"] == 16 and len({p["key"] for p in manifest["parts"]}) == len(manifest["parts"]) == 16
    assert len(seaweed.keys(bucket, "p/records/")) == 16
    assert canonical(stored_records(seaweed, uri, monkeypatch)) == canonical(sent)
    assert len(seaweed.keys(bucket, "p/evidence/")) == 1 and spooled(tmp_path) == []


def test_store_still_down_at_the_end_exit_4_then_flush_uploads_the_spool(seaweed, bucket, tmp_path, monkeypatch):
    uri = "s3://%s/p" % bucket
    settings = {**SLOW, "STORE_RETRY_SECONDS": 2, "STORE_RETRY_ATTEMPTS": 2}
    proc = subprocess.Popen([sys.executable, "-m", "scrapy", *crawl_args(uri, tmp_path, settings, url=",".join([API] * 4))],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=seaweed.env())
    try:
        wait_for_keys(seaweed, bucket, "p/records/", 1, proc)
        seaweed.stop()
        _, stderr = proc.communicate(timeout=180)
        assert proc.returncode == 4, stderr[-3000:]
        assert "records could not be written to the store" in stderr and "scrapy flush" in stderr
        assert spooled(tmp_path)  # what did not reach the store waits in the spool
        for key, value in seaweed.env().items():
            if key.startswith("AWS_"):
                monkeypatch.setenv(key, value)
        down = Writer(open_store(uri, retry_attempts=1, retry_seconds=1), spool_dir=tmp_path / "spool").flush()
        assert down.pending and "cannot reach the endpoint" in down.error  # still down: still there
    finally:
        seaweed.start()
    assert manifests_of(seaweed, bucket, "p") == []  # nothing committed yet
    flush = scrapy(seaweed, "flush", uri, "-s", "SPOOL_DIR=%s" % (tmp_path / "spool"))
    assert flush.returncode == 0, flush.stderr[-3000:]
    assert spooled(tmp_path) == []
    sent = out_records(tmp_path)
    (manifest,) = manifests_of(seaweed, bucket, "p")
    assert manifest["interrupted"] is False and manifest["records"] == len(sent) == 8
    assert canonical(stored_records(seaweed, uri, monkeypatch)) == canonical(sent)
    again = Writer(open_store(uri), spool_dir=tmp_path / "spool").flush()  # again: nothing to do
    assert again.uploaded == 0 and again.pending == 0 and not again.errors


def test_sigkill_mid_crawl_then_the_next_run_finishes_the_upload(seaweed, bucket, tmp_path, monkeypatch):
    uri = "s3://%s/p" % bucket
    proc = subprocess.Popen([sys.executable, "-m", "scrapy", *crawl_args(uri, tmp_path, {**SLOW, "PART_MAX_RECORDS": 3},
                                                                         url=",".join([API] * 12))],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=seaweed.env())
    seen = wait_for_keys(seaweed, bucket, "p/records/", 2, proc)
    time.sleep(1.2)  # a record or two more into the open part, past one flush interval
    assert proc.poll() is None, "the crawl ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert manifests_of(seaweed, bucket, "p") == []  # killed: nothing committed
    # the next run, into the same store and spool: its own crawl, and the killed one's upload
    second = tmp_path / "second"
    second.mkdir()
    args = crawl_args(uri, tmp_path, account="6543210987")
    args[args.index("-O") + 1] = str(second / "out.jsonl")
    run = scrapy(seaweed, *args)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "recovered from the spool" in run.stderr
    manifests = {m["interrupted"]: m for m in manifests_of(seaweed, bucket, "p")}
    killed, finished = manifests[True], manifests[False]
    assert killed["records"] >= 3 * seen  # the sealed parts, and what the open part had flushed
    assert killed["finished_at"] is None and len({p["key"] for p in killed["parts"]}) == len(killed["parts"])
    assert finished["records"] == 2
    stored = stored_records(seaweed, uri, monkeypatch)  # every part checked against its manifest (size, SHA-256)
    assert len(stored) == killed["records"] + 2
    assert sum(r["crawl_id"] == killed["crawl_id"] for r in stored) == killed["records"]
    assert spooled(tmp_path) == []
