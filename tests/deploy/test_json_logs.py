"""LOG_FORMAT=json (crawler/logformat.py): every line on stdout one JSON object with level, logger, message,
spider and crawl id; the summary too; text logs on stderr otherwise."""
from __future__ import annotations

import json
import logging
import sys

import pytest

from crawler import logformat
from tests.deploy.conftest import account_url, crawl, manifests_in, scrapy_env, weibo_body, weibo_har

KEYS = {"time", "level", "logger", "message", "spider", "crawl_id", "run_id", "shard"}


@pytest.fixture(scope="module")
def har(tmp_path_factory):
    return weibo_har(tmp_path_factory.mktemp("har") / "weibo.har", {account_url("6200000001"): weibo_body(7)})


def lines_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.split("\n") if line.strip()]


@pytest.mark.parametrize("how", ["environment", "setting"])
def test_every_line_is_one_json_object_with_the_crawl(har, tmp_path, how):
    args = ["weibo", "-a", "account=6200000001", "-s", "REPLAY_HAR=%s" % har, "-s", "STORE_URI=%s" % (tmp_path / "store")]
    if how == "environment":
        proc = crawl(*args, env=scrapy_env(LOG_FORMAT="json", RUN_ID="run-7", SHARD_INDEX="0", SHARD_COUNT="1"))
    else:
        proc = crawl(*args, "-s", "LOG_FORMAT=json", "-s", "RUN_ID=run-7", env=scrapy_env())
    assert proc.returncode == 0, proc.stderr[-2000:] + proc.stdout[-2000:]
    lines = lines_of(proc.stdout)          # json.loads of every line: none is anything else
    assert len(lines) > 10 and all(KEYS <= set(line) for line in lines)
    assert not [line for line in proc.stderr.splitlines() if "[scrapy" in line or "INFO" in line]  # no text logs
    manifest, = manifests_in(tmp_path / "store")
    crawl_lines = [line for line in lines if line["crawl_id"]]
    assert {line["crawl_id"] for line in crawl_lines} == {manifest["crawl_id"]}
    assert {line["spider"] for line in crawl_lines} == {"weibo"}
    assert {line["run_id"] for line in crawl_lines} == {"run-7"} and {line["shard"] for line in crawl_lines} == {"0/1"}
    assert {"INFO"} <= {line["level"] for line in lines}
    assert any(line["logger"] == "scrapy.core.engine" and line["message"] == "Spider opened" for line in lines)
    # a multi-line message (the stats dump) stays on one line
    assert any(line["message"].startswith("Dumping Scrapy stats") and "\n" in line["message"] for line in lines)
    summary = lines[-1]
    assert summary["logger"] == "crawler.summary" and summary["exit_code"] == 0 and summary["status"] == "ok"
    assert summary["records"] == {"post": 2} and summary["pages"] == 1 and summary["blocked"] == 0
    assert summary["errors"] == 0 and summary["duration_s"] >= 0 and summary["store"].endswith("manifest.json")
    assert summary["message"].startswith("crawl weibo %s: ok; pages 1, records post=2" % manifest["crawl_id"])
    assert manifest["run_id"] == "run-7"


def test_a_bad_configuration_is_a_json_line_too(tmp_path):
    proc = crawl("weibo", "-a", "account=1", "-s", "REPLAY_HAR=%s" % (tmp_path / "missing.har"),
                 env=scrapy_env(LOG_FORMAT="json"))
    assert proc.returncode == 2
    last = lines_of(proc.stdout)[-1]
    assert last["level"] == "ERROR" and "REPLAY_HAR file" in last["message"] and "does not exist" in last["message"]


def test_text_logs_by_default(har, tmp_path):
    proc = crawl("weibo", "-a", "account=6200000001", "-s", "REPLAY_HAR=%s" % har, "-s", "STORE_URI=%s" % (tmp_path / "s"))
    assert proc.returncode == 0 and proc.stdout == ""
    assert "[scrapy.core.engine] INFO: Spider opened" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("crawl weibo ")


def test_the_formatter(monkeypatch, capsys):
    monkeypatch.setattr(logformat, "CONTEXT", {"spider": "tiktok", "crawl_id": "c-1", "run_id": "r", "shard": "1/2"})
    record = logging.LogRecord("crawler.spider", logging.ERROR, __file__, 1, "page %s: %s", ("u", "bad\nthing"), None)
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = logformat.JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "ERROR" and data["logger"] == "crawler.spider" and data["message"] == "page u: bad\nthing"
    assert data["spider"] == "tiktok" and data["crawl_id"] == "c-1" and data["shard"] == "1/2"
    assert "ValueError: boom" in data["exception"]
