"""The shared helpers (money: tests/test_money.py): counts, times, paths, embedded state, hashtags."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from parsel import Selector

from crawler.helpers.counts import parse_count
from crawler.helpers.embedded import js_assignment, jsonld, jsonld_of_type, meta_tags, script_json
from crawler.helpers.paths import as_digits, as_int, as_str, find_dicts, pick, pick_first
from crawler.helpers.text import absolute_url, hashtags
from crawler.helpers.times import to_utc


@pytest.mark.parametrize("text,expected", [
    ("1.2M", 1_200_000), ("13K", 13_000), ("1.5万", 15_000), ("10w+", 100_000), ("1 663 sold", 1663),
    ("2000+", 2000), ("12,5 mil", 12_500), ("1,234", 1234), ("1.234.567", 1_234_567), ("3.2亿", 320_000_000),
    ("9.6M", 9_600_000), ("473.2K", 473_200), ("1\u00a0663", 1663), ("1\u202f663 vendidos", 1663),
    ("10K+ sold", 10_000), ("0", 0), ("１２３", 123), ("2.5 тыс.", 2500), ("1,2 jt", 1_200_000),
    (15944, 15944), ("15944", 15944), ("1,04,512", 104_512), ("12,34,567 ratings", 1_234_567),
])
def test_parse_count(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["", "sold out", None, "4.5", True, 1.5, [], "abc"])
def test_parse_count_unknown_is_none(text):
    assert parse_count(text) is None


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_count_reads_grouped_integers(n):
    assert parse_count(f"{n:,}") == n
    assert parse_count(f"{n:,}".replace(",", "\u00a0")) == n
    assert parse_count(str(n)) == n


@given(st.integers(min_value=1, max_value=9999), st.sampled_from([("K", 10**3), ("M", 10**6), ("万", 10**4), ("w", 10**4)]))
def test_parse_count_one_decimal_multiplier(tenths, unit):
    suffix, factor = unit
    text = "%d.%d%s" % (tenths // 10, tenths % 10, suffix)
    assert parse_count(text) == tenths * factor // 10


@pytest.mark.parametrize("value,expected", [
    (1758315451, "2025-09-19T20:57:31Z"), ("1758315451", "2025-09-19T20:57:31Z"),
    (1758315451000, "2025-09-19T20:57:31Z"), ("2025-09-19T22:57:31+02:00", "2025-09-19T20:57:31Z"),
    ("Thu Oct 05 01:34:34 +0800 2023", "2023-10-04T17:34:34Z"), ("Fri, 19 Sep 2025 20:57:31 GMT", "2025-09-19T20:57:31Z"),
    (0, None), ("", None), ("yesterday", None), (None, None), (True, None),
])
def test_to_utc(value, expected):
    assert to_utc(value) == expected


@given(st.integers(min_value=10**9, max_value=4 * 10**9))
def test_epoch_seconds_and_millis_agree(seconds):
    assert to_utc(seconds) == to_utc(seconds * 1000) == to_utc(str(seconds))


def test_paths_pick_and_coerce():
    data = {"a": {"b": [{"c": "15944"}, {"c": 7551907319324364062}]}, "k.dot": {"x": 1}}
    assert pick(data, "a.b.0.c", as_int) == 15944
    assert pick(data, "a.b.1.c", as_str) == "7551907319324364062"
    assert pick(data, ("k.dot", "x")) == 1
    assert pick(data, "a.b.5.c") is None and pick(data, "a.b.c") is None and pick(None, "a") is None
    assert pick_first(data, "a.x", "a.b.0.c", coerce=as_int) == 15944
    assert as_digits(12.0) is None and as_digits("12a") is None and as_digits("0012") == "0012"
    assert as_int(True) is None and as_int(2.5) is None and as_int("7") == 7
    assert [d["c"] for d in find_dicts(data, lambda d: "c" in d)] == ["15944", 7551907319324364062]


def test_embedded_state_finders():
    html = """<html><head>
    <meta property="og:title" content="Nike 1:1"><meta name="description" content="d">
    <script id="STATE" type="application/json">{"a": {"b": 1}}</script>
    <script id="ENC" type="application/json">%7B%22x%22%3A2%7D</script>
    <script>window.__INITIAL_STATE__={"note":{"id":"n1","video":undefined,"tags":[undefined,"t"],"s":"a;b}"}};var x=1;</script>
    <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"Product","name":"P"},{"@type":"BreadcrumbList"}]}</script>
    </head></html>"""
    sel = Selector(text=html)
    assert script_json(sel, "STATE") == {"a": {"b": 1}}
    assert script_json(sel, "ENC") == {"x": 2}
    assert script_json(sel, "NOPE") is None
    state = js_assignment(html, "window.__INITIAL_STATE__")
    assert state == {"note": {"id": "n1", "video": None, "tags": [None, "t"], "s": "a;b}"}}
    assert js_assignment(html, "window.__MISSING__") is None
    products = jsonld_of_type(jsonld(sel), "Product")
    assert [p["name"] for p in products] == ["P"]
    assert meta_tags(sel) == {"og:title": "Nike 1:1", "description": "d"}


def test_broken_jsonld_block_does_not_hide_the_others():
    html = """<script type="application/ld+json">{"@type": "Product", "name": </script>
    <script type="application/ld+json">{"@type": "Product", "name": "ok"}</script>"""
    assert [p["name"] for p in jsonld_of_type(jsonld(Selector(text=html)), "Product")] == ["ok"]


def test_hashtags_and_urls():
    assert hashtags("trust me #RiyadhSeason #CaneloCrawford ") == ["RiyadhSeason", "CaneloCrawford"]
    assert hashtags("复刻 #耐克 #耐克") == ["耐克"]
    assert hashtags("a#b c") == []  # '#' inside a word is not a tag
    assert hashtags("#球鞋[话题]# 真香 #耐克#", closed=True) == ["球鞋", "耐克"]
    assert absolute_url("//img.cdn/x.jpg") == "https://img.cdn/x.jpg"
    assert absolute_url("/itm/1", "https://www.ebay.com/sch/i.html") == "https://www.ebay.com/itm/1"
    assert absolute_url("javascript:void(0)") is None
