"""`scrapy list`, `scrapy schema` and `scrapy extract` as a user runs them: output and exit status."""
from __future__ import annotations

import json
import subprocess
import sys
from typing import get_args

import pytest

from crawler.schema import Platform, json_schema
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
    names = proc.stdout.split()
    assert len(names) == len(set(names))
    # every platform of issue 3 has its spider; platforms added since (tokopedia, lazada) are schema slugs too
    assert PLATFORMS_OF_ISSUE_3 <= set(names) <= set(get_args(Platform)), names


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


def test_extract_empty_result_list_exits_6_as_a_crawl_does(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"ok": 1, "data": {"list": []}}))
    proc = scrapy("extract", str(empty), "--url", WEIBO_URL)
    assert proc.returncode == 6 and "no record" in proc.stderr and proc.stdout == ""


NASTY = {
    "deep_json.json": (b'{"data":' * 10_000 + b"1" + b"}" * 10_000, WEIBO_URL),
    "deep_list.json": (b"[" * 10_000 + b"]" * 10_000, WEIBO_URL),
    "deep_state.html": (b'<html><script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">'
                        + b'{"a":' * 10_000 + b"1" + b"}" * 10_000 + b"</script></html>",
                        "https://www.tiktok.com/@someone/video/7000000000000000001"),
    "deep_js.html": (b"<html><script>window.__INITIAL_STATE__=" + b"{a:" * 10_000 + b"1" + b"}" * 10_000 + b"</script></html>",
                     "https://www.xiaohongshu.com/explore/6a00000000000000000000aa"),
    "deep_html.html": (b"<html><body>" + b"<div>" * 10_000 + b"x" + b"</div>" * 10_000 + b"</body></html>",
                       "https://www.etsy.com/listing/1000000001/x"),
    "control_attr.html": (b'<html><head><meta \x01name="description" content="x"><meta pro\x00perty="og:title" content="t">'
                          b'</head><body><div a\x0bb="1">x\x00y</div></body></html>', "https://www.etsy.com/listing/1000000001/x"),
    "string_for_object.json": (json.dumps({"ok": 1, "data": {"list": ["not a post", 7, None]}}).encode(), WEIBO_URL),
    "string_body.json": (b'"just a string"', WEIBO_URL),
    "utf16.json": (WEIBO.read_text(encoding="utf-8").encode("utf-16"), WEIBO_URL),
    "invalid_bytes.html": (b"<html><body>\xff\xfe\x80\x81 caf\xe9</body></html>", "https://www.amazon.com/dp/B000000001"),
}


@pytest.mark.parametrize("name", sorted(NASTY))
def test_extract_never_prints_a_traceback(tmp_path, name):
    body, url = NASTY[name]
    path = tmp_path / name
    path.write_bytes(body)
    proc = scrapy("extract", str(path), "--url", url)
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode in (0, 2, 3, 6), proc.stderr
    if proc.returncode:
        assert proc.stdout == ""
        assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("scrapy extract: "), proc.stderr
    else:
        assert all(json.loads(line)["id"] for line in proc.stdout.splitlines())


def test_extract_reads_a_utf16_answer_like_the_utf8_one(tmp_path):
    path = tmp_path / "utf16.json"
    path.write_bytes(WEIBO.read_text(encoding="utf-8").encode("utf-16"))
    proc = scrapy("extract", str(path), "--url", WEIBO_URL)
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == ["5012345678901234", "5012345678900001"]


def test_extract_deep_json_is_one_clear_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 10_000 + b"]" * 10_000)
    proc = scrapy("extract", str(path), "--url", WEIBO_URL)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and ("nested too deeply" in proc.stderr or "JSON" in proc.stderr)


def test_extract_page_too_large_exits_2_without_reading_it(tmp_path):
    from crawler.page import MAX_PAGE_BYTES

    path = tmp_path / "huge.html"
    with path.open("wb") as f:  # sparse: no 48 MiB written to the disk
        f.truncate(MAX_PAGE_BYTES + 1)
    proc = scrapy("extract", str(path), "--url", "https://www.etsy.com/listing/1000000001/x")
    assert proc.returncode == 2 and "page too large" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
