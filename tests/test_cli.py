"""`scrapy list`, `scrapy schema` and `scrapy extract` as a user runs them: output and exit status."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from crawler.schema import json_schema
from tests.support import PAGES, ROOT

WEIBO = PAGES / "weibo" / "mymblog_list.json"
WEIBO_URL = "https://weibo.com/ajax/statuses/mymblog?uid=6543210987&page=1&feature=0"
PLATFORMS_OF_ISSUE_3 = {"tiktok", "tiktok_shop", "douyin", "xiaohongshu", "weibo", "instagram", "facebook_marketplace",
                        "taobao", "tmall", "amazon", "ebay", "shopee", "aliexpress", "mercadolibre", "etsy", "shopify", "web"}


def scrapy(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_list_has_one_spider_per_platform():
    proc = scrapy("list")
    assert proc.returncode == 0, proc.stderr
    assert set(proc.stdout.split()) == PLATFORMS_OF_ISSUE_3


def test_schema_prints_the_json_schema():
    proc = scrapy("schema")
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == json_schema()


def test_extract_prints_json_lines():
    proc = scrapy("extract", str(WEIBO), "--url", WEIBO_URL)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in lines] == ["5012345678901234", "5012345678900001"]
    assert lines[0]["author"]["name"] == "潮鞋小铺" and lines[0]["platform"] == "weibo"
    assert proc.stderr == ""


def test_extract_with_platform_and_no_url_reads_by_content():
    proc = scrapy("extract", str(WEIBO), "--platform", "weibo")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 2


@pytest.mark.parametrize("name,reason", [("security_check.html", "blocked/captcha"), ("verify_human.html", "blocked/verification")])
def test_extract_blocked_page_exits_3(name, reason):
    proc = scrapy("extract", str(PAGES / "blocked" / name), "--url", "https://www.tiktok.com/shop/pdp/x/1729447605324124806")
    assert proc.returncode == 3
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and reason in proc.stderr


@pytest.mark.parametrize("args,message", [
    (["/no/such/file.html", "--url", WEIBO_URL], "cannot read"),
    ([str(WEIBO), "--url", WEIBO_URL, "--platform", "myspace"], "unknown platform"),
    ([str(ROOT / "pyproject.toml"), "--url", "https://example.com/x"], "no parser"),
])
def test_extract_bad_input_exits_2_with_one_line(args, message):
    proc = scrapy("extract", *args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr


def test_extract_directory_is_a_clear_error(tmp_path):
    proc = scrapy("extract", str(tmp_path), "--url", WEIBO_URL)
    assert proc.returncode == 2 and "cannot read" in proc.stderr and "Traceback" not in proc.stderr


def test_extract_empty_result_list_exits_1(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"ok": 1, "data": {"list": []}}))
    proc = scrapy("extract", str(empty), "--url", WEIBO_URL)
    assert proc.returncode == 1 and "no record" in proc.stderr and proc.stdout == ""
