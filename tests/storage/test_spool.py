"""The writer and the reader on a local store (no server): parts, manifest, crash recovery, evidence once,
and which S3 errors are retried."""
from __future__ import annotations

import gzip
import json
import os

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from crawler.storage import (
    LocalStore,
    StoreConfigError,
    StoreError,
    evidence_key,
    open_store,
)
from crawler.storage.reader import iter_records, manifests
from crawler.storage.s3 import ChecksumMismatch, retryable
from crawler.storage.spool import Writer


def record(i: int, platform: str = "weibo", kind: str = "post") -> dict:
    return {"schema_version": "1.0", "platform": platform, "kind": kind, "id": str(i), "text": "r%d \u2028 ü" % i}


def test_parts_manifest_and_reading_back(tmp_path):
    store = LocalStore(str(tmp_path / "store"))
    writer = Writer(store, spool_dir=tmp_path / "spool", part_max_records=3)
    writer.open("c1", spider="weibo", targets={"account": "x"}, started_at="2026-11-23T04:00:00Z")
    sent = [record(i) for i in range(7)] + [record(100 + i, kind="account") for i in range(2)]
    for item in sent:
        writer.write(item)
    outcome = writer.finish({"pages/url": 2, "downloader/response_count": 2, "obj": object()})
    assert outcome.errors == [] and outcome.pending == 0 and outcome.committed == ["crawls/c1/manifest.json"]
    keys = store.keys()
    assert keys == sorted(["crawls/c1/manifest.json"] + [
        "records/platform=weibo/kind=post/dt=2026-11-23/crawl=c1/part-%05d.jsonl.gz" % n for n in range(3)] + [
        "records/platform=weibo/kind=account/dt=2026-11-23/crawl=c1/part-00000.jsonl.gz"])
    manifest = json.loads(store.get("crawls/c1/manifest.json"))
    assert manifest["records"] == 9 and manifest["records_by_kind"] == {"account": 2, "post": 7}
    assert manifest["spider"] == "weibo" and manifest["targets"] == {"account": "x"} and not manifest["interrupted"]
    assert manifest["stats"] == {"pages/url": 2, "downloader/response_count": 2}
    assert [p["records"] for p in manifest["parts"]] == [2, 3, 3, 1]
    for part in manifest["parts"]:
        assert len(store.get(part["key"])) == part["bytes"]
    back = list(iter_records(store))
    assert sorted(back, key=lambda r: r["id"]) == sorted(sent, key=lambda r: r["id"])
    assert [r["id"] for r in iter_records(store, kind="account")] == ["100", "101"]
    assert list(iter_records(store, since="2026-11-24")) == [] and len(list(iter_records(store, since="2026-11-23"))) == 9
    assert list(iter_records(store, platform="tiktok")) == []


def test_uncommitted_crawls_and_unlisted_parts_are_not_read(tmp_path):
    store = LocalStore(str(tmp_path / "store"))
    store.put("records/platform=weibo/kind=post/dt=2026-11-23/crawl=c9/part-00000.jsonl.gz",
              gzip.compress(b'{"id": "ghost"}\n'))  # a part without a manifest: not committed
    assert list(iter_records(store)) == [] and manifests(store) == []


def test_a_part_that_does_not_match_its_manifest_is_an_error(tmp_path):
    store = LocalStore(str(tmp_path / "store"))
    writer = Writer(store, spool_dir=tmp_path / "spool")
    writer.open("c1", started_at="2026-11-23T04:00:00Z")
    writer.write(record(1))
    writer.finish()
    key = json.loads(store.get("crawls/c1/manifest.json"))["parts"][0]["key"]
    store.put(key, gzip.compress(b'{"id": "forged"}\n'))
    with pytest.raises(StoreError, match="do not match the manifest"):
        list(iter_records(store))


def test_a_killed_crawl_loses_at_most_its_last_flush_interval(tmp_path):
    """SIGKILL, simulated: the writer never finishes; its lock goes with it; the last line is torn."""
    store = LocalStore(str(tmp_path / "store"))
    spool = tmp_path / "spool"
    dead = Writer(store, spool_dir=spool, part_max_records=4, flush_seconds=0.0)
    dead.open("dead", spider="weibo", started_at="2026-11-22T23:59:00Z")
    for i in range(10):
        dead.write(record(i))
    dead.tick()  # the last flush before the kill: 10 records on disk, 2 parts sealed, 1 open
    assert dead.records_written == 10
    from crawler.storage.base import Deadline
    assert dead.uploader.wait(Deadline(30))
    part = next(iter(dead.open_parts.values()))
    os.write(part.fd, b'{"id": "torn", "text": "half a li')
    dead.crawl.release()  # the process is gone: so is its lock
    # a second crawl, in the same spool, finishes the upload of the dead one
    second = Writer(store, spool_dir=spool)
    second.open("next", started_at="2026-11-23T00:00:00Z")
    second.write(record(99))
    outcome = second.finish()
    assert outcome.errors == [] and outcome.pending == 0
    assert sorted(outcome.committed) == ["crawls/dead/manifest.json", "crawls/next/manifest.json"]
    manifest = json.loads(store.get("crawls/dead/manifest.json"))
    assert manifest["interrupted"] and manifest["finished_at"] is None and manifest["records"] == 10
    assert [p["key"].rsplit("/", 1)[1] for p in manifest["parts"]] == [
        "part-00000.jsonl.gz", "part-00001.jsonl.gz", "part-00002.jsonl.gz"]
    assert "dt=2026-11-22" in manifest["parts"][0]["key"]  # the day the crawl started
    ids = sorted(int(r["id"]) for r in iter_records(store))
    assert ids == list(range(10)) + [99]  # each record once, the torn line dropped
    # running flush again changes nothing: keys are deterministic, the spool is empty
    before = {k: store.get(k) for k in store.keys()}
    assert Writer(store, spool_dir=spool).flush().uploaded == 0
    assert {k: store.get(k) for k in store.keys()} == before


def test_a_live_crawl_is_not_recovered_by_another(tmp_path):
    store = LocalStore(str(tmp_path / "store"))
    live = Writer(store, spool_dir=tmp_path / "spool")
    live.open("live", started_at="2026-11-23T00:00:00Z")
    live.write(record(1))
    outcome = Writer(store, spool_dir=tmp_path / "spool").flush()
    assert outcome.committed == [] and "crawls/live/manifest.json" not in store.keys()
    live.finish()
    assert [r["id"] for r in iter_records(store)] == ["1"]


def test_evidence_referenced_twice_is_stored_once(tmp_path):
    class Counting(LocalStore):
        puts: list = []

        def put_file(self, key, *args):
            self.puts.append(key)
            return super().put_file(key, *args)

    store = Counting(str(tmp_path / "store"))
    writer = Writer(store, spool_dir=tmp_path / "spool")
    writer.open("c1", started_at="2026-11-23T00:00:00Z")
    key = evidence_key("ab" * 32, "html")
    for _ in range(3):
        writer.put_object(key, b"<html>same</html>")
    writer.finish()
    assert store.puts.count(key) == 1 and store.get(key) == b"<html>same</html>"
    # a later crawl meets the same page: the store already has it, nothing is uploaded
    again = Writer(store, spool_dir=tmp_path / "spool")
    again.open("c2", started_at="2026-11-23T00:00:00Z")
    again.put_object(key, b"<html>same</html>")
    again.finish()
    assert store.puts.count(key) == 1


def _client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
                       "PutObject")


@pytest.mark.parametrize("exc, retried", [
    (_client_error("SlowDown", 503), True),
    (_client_error("InternalError", 500), True),
    (_client_error("ServiceUnavailable", 503), True),
    (_client_error("TooManyRequests", 429), True),
    (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), True),
    (ChecksumMismatch("differs"), True),
    (_client_error("AccessDenied", 403), False),
    (_client_error("InvalidAccessKeyId", 403), False),
    (_client_error("SignatureDoesNotMatch", 403), False),
    (_client_error("NoSuchBucket", 404), False),
    (_client_error("InvalidArgument", 400), False),
])
def test_what_is_retried(exc, retried):
    assert retryable(exc) is retried


def test_store_uris(tmp_path):
    assert open_store(str(tmp_path)).root == tmp_path.resolve()
    assert open_store("file://%s" % tmp_path).root == tmp_path.resolve()
    with pytest.raises(StoreConfigError, match="no bucket"):
        open_store("s3:///prefix")
    with pytest.raises(StoreConfigError, match="unsupported scheme"):
        open_store("gs://bucket/prefix")


def test_uncommitted_parts_are_invisible_in_a_local_store(tmp_path):
    """Parts are staged under .staging/<crawl>/ and renamed into records/ only when the manifest commits."""
    from crawler.storage.base import Deadline

    store = LocalStore(str(tmp_path / "store"))
    writer = Writer(store, spool_dir=tmp_path / "spool", part_max_records=1)
    writer.open("c1", started_at="2026-11-23T00:00:00Z")
    for i in range(3):
        writer.write(record(i))
    assert writer.uploader.wait(Deadline(30))
    assert not (tmp_path / "store" / "records").exists() and store.keys() == []
    assert len(list((tmp_path / "store" / ".staging" / "c1").rglob("*.jsonl.gz"))) == 3
    writer.finish()
    assert len(store.keys("records/")) == 3 and [r["id"] for r in iter_records(store)] == ["0", "1", "2"]


def test_two_crawls_share_a_spool_and_the_same_evidence(tmp_path):
    store = LocalStore(str(tmp_path / "store"))
    key = evidence_key("cd" * 32, "html")
    writers = [Writer(store, spool_dir=tmp_path / "spool") for _ in range(2)]
    for n, writer in enumerate(writers):
        writer.open("c%d" % n, started_at="2026-11-23T00:00:00Z")
        writer.put_object(key, b"<html>same</html>")
        writer.write(record(n))
    outcomes = [w.finish() for w in writers]
    assert all(o.errors == [] and o.pending == 0 for o in outcomes)
    assert sorted(k for o in outcomes for k in o.committed) == ["crawls/c0/manifest.json", "crawls/c1/manifest.json"]
    assert store.keys("evidence/") == [key]


def test_a_spool_without_room_refuses_writes_and_keeps_what_was_written(tmp_path):
    from crawler.storage import SpoolFull

    store = LocalStore(str(tmp_path / "store"))
    writer = Writer(store, spool_dir=tmp_path / "spool", flush_seconds=0.0)
    writer.open("c1", started_at="2026-11-23T00:00:00Z")
    writer.write(record(1))
    writer.tick()
    writer.space.reserve = 1 << 62  # the disk is now "full"
    writer.space.left = None
    with pytest.raises(SpoolFull, match="the spool .* is full: .* MiB free"):
        writer.write(record(2))
    with pytest.raises(SpoolFull):
        writer.write(record(3))  # refused from then on
    outcome = writer.finish()
    assert writer.records_written == 1 and outcome.committed == ["crawls/c1/manifest.json"]
    assert [r["id"] for r in iter_records(store)] == ["1"]
