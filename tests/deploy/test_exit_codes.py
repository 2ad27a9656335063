"""Each documented exit status of `scrapy crawl` (crawler/exitcodes.py, README, deploy/README.md) produced by
the situation it documents, through a real replayed crawl as a job runner starts it."""
from __future__ import annotations

import json
import socket

import pytest

from crawler import exitcodes
from tests.deploy.conftest import account_url, crawl, manifests_in, scrapy_env, weibo_body, weibo_har

EMPTY = json.dumps({"ok": 1, "data": {"since_id": "", "total": 0, "list": []}}).encode()
CHANGED = json.dumps({"ok": 1, "data": {"cards": "a layout this parser does not know"}}).encode()
CAPTCHA = (403, b'{"ok": -100, "msg": "forbidden"}')
GOOD, BAD, BLOCKED, NOTHING = (account_url(uid) for uid in ("6100000001", "6100000002", "6100000003", "6100000004"))


@pytest.fixture(scope="module")
def har(tmp_path_factory):
    return weibo_har(tmp_path_factory.mktemp("har") / "weibo.har",
                     {GOOD: weibo_body(1), BAD: CHANGED, BLOCKED: CAPTCHA, NOTHING: EMPTY})


def run(har, tmp_path, *urls, settings=None, env=None):
    args = ["weibo", "-a", "url=%s" % ",".join(urls), "-s", "REPLAY_HAR=%s" % har, "-s", "STORE_URI=%s" % (tmp_path / "store"),
            "-s", "BLOCK_RETRY_TIMES=0", "-s", "BACKOFF_BASE_S=0.01"]
    for key, value in (settings or {}).items():
        args += ["-s", "%s=%s" % (key, value)]
    return crawl(*args, env=env)


def test_0_the_records_are_committed_to_the_store(har, tmp_path):
    proc = run(har, tmp_path, GOOD)
    assert proc.returncode == exitcodes.OK == 0, proc.stderr[-2000:]
    manifest, = manifests_in(tmp_path / "store")
    assert manifest["records"] == 2 and "ok;" in proc.stderr.strip().splitlines()[-1]


def test_1_pages_failed_and_no_record(har, tmp_path):
    proc = run(har, tmp_path, BAD)
    assert proc.returncode == exitcodes.FAILED == 1, proc.stderr[-2000:]
    assert "no record: 1 pages failed" in proc.stderr


@pytest.mark.parametrize("how", ["unknown platform", "missing REPLAY_HAR", "bad shard", "unsupported target"])
def test_2_bad_configuration_before_anything_is_crawled(har, tmp_path, how):
    if how == "unknown platform":
        proc = crawl("myspace", "-a", "query=x", "-s", "STORE_URI=%s" % (tmp_path / "store"))
    elif how == "missing REPLAY_HAR":
        proc = run(tmp_path / "nowhere.har", tmp_path, GOOD)
    elif how == "bad shard":
        proc = run(har, tmp_path, GOOD, env=scrapy_env(JOB_COMPLETION_INDEX="2"))  # no JOB_COMPLETIONS
    else:
        proc = crawl("shopify", "-a", "query=serum", "-s", "STORE_URI=%s" % (tmp_path / "store"))
    assert proc.returncode == exitcodes.BAD_CONFIG == 2, proc.stderr[-2000:]
    assert not (tmp_path / "store" / "crawls").exists()
    assert len([line for line in proc.stderr.splitlines() if line.startswith("scrapy crawl:")]) == 1


def test_3_every_page_blocked(har, tmp_path):
    proc = run(har, tmp_path, BLOCKED)
    assert proc.returncode == exitcodes.BLOCKED == 3, proc.stderr[-2000:]
    assert "every page was blocked (blocked/http_403=1)" in proc.stderr


def test_4_the_store_cannot_take_the_records(har, tmp_path):
    with socket.socket() as s:  # a port nobody listens on, on 127.0.0.1
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = scrapy_env(AWS_ENDPOINT_URL="http://127.0.0.1:%d" % port, AWS_ACCESS_KEY_ID="k", AWS_SECRET_ACCESS_KEY="s",
                     AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
    args = ["weibo", "-a", "url=%s" % GOOD, "-s", "REPLAY_HAR=%s" % har, "-s", "STORE_URI=s3://crawls/x",
            "-s", "SPOOL_DIR=%s" % (tmp_path / "spool"), "-s", "STORE_RETRY_SECONDS=2", "-s", "STORE_CONNECT_TIMEOUT=1"]
    proc = crawl(*args, env=env)
    assert proc.returncode == exitcodes.STORAGE == 4, proc.stderr[-2000:]


def test_5_records_but_some_pages_failed_or_stayed_blocked(har, tmp_path):
    proc = run(har, tmp_path, GOOD, BAD, BLOCKED)
    assert proc.returncode == exitcodes.PARTIAL == 5, proc.stderr[-2000:]
    assert "2 records, but 1 pages stayed blocked and 1 failed" in proc.stderr
    manifest, = manifests_in(tmp_path / "store")   # what came out is committed all the same
    assert manifest["records"] == 2


def test_6_pages_read_but_no_record(har, tmp_path):
    proc = run(har, tmp_path, NOTHING)
    assert proc.returncode == exitcodes.EMPTY == 6, proc.stderr[-2000:]
    assert "the pages held no results" in proc.stderr


def test_a_shard_without_targets_is_done(har, tmp_path):
    """More shards than targets: the shards that own none exit 0 with an empty manifest of the run."""
    from crawler.sharding import shard_of, target_key

    idle = next(i for i in range(3) if shard_of(target_key("url", GOOD), 3) != i)
    proc = run(har, tmp_path, GOOD, env=scrapy_env(SHARD_INDEX=str(idle), SHARD_COUNT="3", RUN_ID="r1"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest, = manifests_in(tmp_path / "store")
    assert manifest["records"] == 0 and manifest["run_id"] == "r1" and manifest["shard"] == {"index": idle, "count": 3}


def test_4_the_spool_cannot_take_the_records(har, tmp_path):
    """Back-pressure: a spool without the free space it must keep stops the crawl, one line naming it."""
    proc = run(har, tmp_path, GOOD, settings={"SPOOL_DIR": tmp_path / "spool", "SPOOL_MIN_FREE_MB": 10**9})
    assert proc.returncode == exitcodes.STORAGE == 4, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("crawl weibo: the spool %s/" % (tmp_path / "spool")) and "MiB free" in last, last
    assert "0 records written" in last and "Scraper close failure" not in proc.stderr
