"""Sharding (crawler/sharding.py): disjoint slices that cover every target once, stable when the target list
grows, the engine's own index variables, and N real shard processes replaying into one SeaweedFS."""
from __future__ import annotations

import collections
import gzip
import json

import pytest

from crawler.sharding import Shard, ShardError, run_complete, run_id_from, shard_from, shard_of, target_key
from tests.deploy.conftest import account_url, crawl, scrapy_env, weibo_body, weibo_har

TARGETS = [("url", "https://www.tiktok.com/@shop%d/video/74%017d" % (i, i)) for i in range(300)] + \
          [("query", "glow serum dupe %d" % i) for i in range(100)] + [("account", "@reseller.%d" % i) for i in range(100)]


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7])
def test_shards_are_disjoint_and_cover_every_target_once(count):
    slices = [Shard(i, count).select(TARGETS) for i in range(count)]
    together = [t for s in slices for t in s]
    assert sorted(together) == sorted(TARGETS)              # every target, none twice
    assert len(set(together)) == len(together)
    if count > 1:  # and roughly even: no shard gets less than half or more than twice its share
        assert all(len(TARGETS) / count / 2 < len(s) < len(TARGETS) / count * 2 for s in slices), [len(s) for s in slices]


def test_the_same_answer_in_every_process_and_run():
    # sha256, never Python's salted hash(): fixed values, whatever PYTHONHASHSEED is
    assert [shard_of(target_key(*t), 4) for t in TARGETS[:8]] == [shard_of(target_key(*t), 4) for t in TARGETS[:8]]
    assert shard_of("url:https://www.tiktok.com/@a/video/1", 4) == shard_of(" url:https://www.tiktok.com/@a/video/1"[1:], 4)
    assert target_key("account", "@serum.dupes") == target_key("account", "serum.dupes")
    assert target_key("url", "https://x.example/p#reviews") == target_key("url", "https://x.example/p")


@pytest.mark.parametrize("count", [2, 3, 5])
def test_adding_a_target_moves_no_other(count):
    before = {t: shard_of(target_key(*t), count) for t in TARGETS}
    grown = TARGETS + [("query", "a new term")]
    after = {t: shard_of(target_key(*t), count) for t in grown}
    assert all(after[t] == before[t] for t in TARGETS)


def test_one_more_shard_moves_only_what_the_new_shard_takes():
    moved = [t for t in TARGETS if shard_of(target_key(*t), 4) != shard_of(target_key(*t), 5)]
    assert all(shard_of(target_key(*t), 5) == 4 for t in moved)   # only into the new shard ...
    assert len(moved) < len(TARGETS) * 0.3                        # ... about 1/5 of them


def test_shard_from_settings_and_the_engines_variables():
    assert shard_from({}, {}) == Shard(0, 1)
    assert shard_from({"SHARD_INDEX": "2", "SHARD_COUNT": "3"}, {}) == Shard(2, 3)
    assert shard_from({}, {"SHARD_INDEX": "1", "SHARD_COUNT": "2"}) == Shard(1, 2)
    # Kubernetes Indexed Job: JOB_COMPLETION_INDEX, and the count the manifests pass as JOB_COMPLETIONS
    assert shard_from({}, {"JOB_COMPLETION_INDEX": "3", "JOB_COMPLETIONS": "4"}) == Shard(3, 4)
    # Cloud Run jobs
    assert shard_from({}, {"CLOUD_RUN_TASK_INDEX": "0", "CLOUD_RUN_TASK_COUNT": "5"}) == Shard(0, 5)
    # an explicit setting wins over the engine's
    assert shard_from({"SHARD_INDEX": 0, "SHARD_COUNT": 1}, {"JOB_COMPLETION_INDEX": "3", "JOB_COMPLETIONS": "4"}) == Shard(0, 1)


@pytest.mark.parametrize("settings, environ, message", [
    ({"SHARD_INDEX": "3", "SHARD_COUNT": "3"}, {}, "must be in 0..2"),
    ({"SHARD_INDEX": "0", "SHARD_COUNT": "0"}, {}, "at least 1"),
    ({"SHARD_INDEX": "one", "SHARD_COUNT": "3"}, {}, "whole number"),
    ({"SHARD_INDEX": "1"}, {}, "give both"),
    ({}, {"JOB_COMPLETION_INDEX": "1"}, "JOB_COMPLETIONS is not"),
    ({}, {"CLOUD_RUN_TASK_INDEX": "1", "CLOUD_RUN_TASK_COUNT": "-2"}, "whole number"),
])
def test_bad_shard_settings_say_what_is_wrong(settings, environ, message):
    with pytest.raises(ShardError, match=message):
        shard_from(settings, environ)


def test_run_id():
    assert run_id_from({"RUN_ID": "nightly-1"}, "c1", {"CLOUD_RUN_EXECUTION": "x"}) == "nightly-1"
    assert run_id_from({}, "c1", {"CLOUD_RUN_EXECUTION": "crawler-tiktok-abc12"}) == "crawler-tiktok-abc12"
    assert run_id_from({}, "c1", {}) == "c1"
    manifests = [{"run_id": "r", "shard": {"index": i, "count": 3}} for i in (0, 2)]
    assert not run_complete(manifests, "r")
    assert run_complete(manifests + [{"run_id": "r", "shard": {"index": 1, "count": 3}}], "r")


@pytest.mark.parametrize("given", ["urls", "watchlist"])
def test_shard_processes_together_write_every_target_once(seaweed, bucket, tmp_path, given):
    """3 shard processes (SHARD_INDEX 0..2, one RUN_ID) replay 10 targets into one SeaweedFS bucket, the targets
    given as -a url= or as a watchlist's accounts (what the scheduled jobs run)."""
    uids = ["60000000%02d" % i for i in range(10)]
    har = weibo_har(tmp_path / "weibo.har", {account_url(uid): weibo_body(i) for i, uid in enumerate(uids)})
    urls = [account_url(uid) for uid in uids]
    if given == "urls":
        targets, expected, kind = ["-a", "url=%s" % ",".join(urls)], urls, "url"
    else:
        watchlist = tmp_path / "watchlist.yaml"
        watchlist.write_text("name: shard test\naccounts:\n" + "".join(
            "  - {account: \"%s\", platforms: [weibo]}\n" % uid for uid in uids), encoding="utf-8")
        targets, expected, kind = ["-a", "watchlist=%s" % watchlist], uids, "account"
    count, uri = 3, "s3://%s/run-%s" % (bucket, given)
    procs = [crawl("weibo", *targets, "-s", "REPLAY_HAR=%s" % har, "-s", "STORE_URI=%s" % uri,
                   "-s", "SPOOL_DIR=%s" % (tmp_path / ("spool%d" % i)),
                   env=seaweed.env(**{k: v for k, v in scrapy_env().items() if not k.startswith("AWS_")},
                                   SHARD_INDEX=str(i), SHARD_COUNT=str(count), RUN_ID="nightly-42"), wait=False)
             for i in range(count)]
    outputs = [p.communicate(timeout=180) for p in procs]
    codes = [p.returncode for p in procs]
    assert all(c == 0 for c in codes), [(c, err[-1500:]) for c, (_out, err) in zip(codes, outputs)]

    client = seaweed.client()
    manifests = [json.loads(client.get_object(Bucket=bucket, Key=key)["Body"].read())
                 for key in seaweed.keys(bucket, "run-%s/crawls/" % given) if key.endswith("/manifest.json")]
    assert len(manifests) == count
    assert {m["run_id"] for m in manifests} == {"nightly-42"}
    assert sorted(m["shard"]["index"] for m in manifests) == list(range(count))
    assert {m["shard"]["count"] for m in manifests} == {count}
    assert run_complete(manifests, "nightly-42")

    by_target = collections.defaultdict(set)   # target -> the shards whose records came from it
    ids = collections.Counter()
    for manifest in manifests:
        for part in manifest["parts"]:
            data = gzip.decompress(client.get_object(Bucket=bucket, Key="run-%s/%s" % (given, part["key"]))["Body"].read())
            for line in data.decode("utf-8").split("\n"):
                if line.strip():
                    record = json.loads(line)
                    by_target[record["query"]].add(manifest["shard"]["index"])
                    ids[(record["kind"], record["id"])] += 1
    assert sorted(by_target) == sorted(expected)                   # every target crawled ...
    assert all(len(shards) == 1 for shards in by_target.values())  # ... by exactly one shard
    assert ids and max(ids.values()) == 1                          # and no record written twice
    # each shard crawled what the function assigns it
    for target, shards in by_target.items():
        assert shards == {shard_of(target_key(kind, target), count)}
