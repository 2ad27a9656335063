"""Incremental state: first_seen/last_seen/captured_at per object, and REFRESH_AFTER skipping the detail pages
of objects captured recently whose card did not change (a second replayed crawl into the same store)."""
from __future__ import annotations

import json

import pytest

from crawler.analyst.state import State, refresh
from crawler.middlewares.refresh import parse_duration
from crawler.storage import LocalStore
from crawler.storage.reader import manifests
from crawler.storage.spool import Writer
from tests.analyst.conftest import run_crawl
from tests.analyst.records import EVIDENCE, listing
from tests.e2e.harness import fixture_har


def test_durations():
    assert parse_duration("7d") == 7 * 86400 and parse_duration("12h") == 43200 and parse_duration("90") == 90
    assert parse_duration(None) == 0 and parse_duration("0") == 0
    with pytest.raises(ValueError):
        parse_duration("a week")


def test_state_folds_each_committed_crawl_once(tmp_path):
    store = LocalStore(str(tmp_path / "store"))
    for crawl, day, price in (("c1", "2026-11-20", "10"), ("c2", "2026-11-22", "12")):
        writer = Writer(store, spool_dir=tmp_path / "spool")
        writer.open(crawl, spider="shopee", started_at="%sT04:00:00Z" % day)
        writer.write(listing("1", crawl=crawl, price=(price, "IDR"), fetched_at="%sT04:00:01Z" % day,
                             evidence={**EVIDENCE, "captured_at": "%sT04:00:02Z" % day}, title="Glow Serum Original"))
        writer.finish({})
    state = refresh(store)
    row = state.get("shopee", "listing", "1")
    assert (row["first_seen"], row["last_seen"], row["captured_at"]) == (
        "2026-11-20T04:00:01Z", "2026-11-22T04:00:01Z", "2026-11-22T04:00:02Z")
    assert row["first_crawl"] == "c1" and row["last_crawl"] == "c2" and row["fields"]["price"]["amount"] == "12"
    assert state.folded() == {"c1", "c2"}
    state.close()
    again = refresh(store)  # nothing new: the same rows
    assert again.get("shopee", "listing", "1") == row
    card = listing("1", price=("12", "IDR"), title="Glow Serum…")
    assert again.unchanged_since(card, "2026-11-21T00:00:00Z")
    assert not again.unchanged_since(card, "2026-11-23T00:00:00Z")                      # captured too long ago
    assert not again.unchanged_since(listing("1", price=("9", "IDR")), "2026-11-21T00:00:00Z")   # price changed
    assert not again.unchanged_since(listing("1", title="Other"), "2026-11-21T00:00:00Z")
    assert not again.unchanged_since(listing("2"), "2026-11-21T00:00:00Z")                      # never seen


def test_second_crawl_skips_unchanged_detail_pages(amazon_store, tmp_path):
    import shutil

    store_dir = tmp_path / "store"
    shutil.copytree(amazon_store.store, store_dir)
    proc = run_crawl("amazon", fixture_har("amazon", "search"), tmp_path / "out", store_dir,
                     settings={"REFRESH_AFTER": "7d"}, query="bookshelf speakers")
    assert proc.returncode == 0, proc.stderr[-2000:]
    second = manifests(LocalStore(str(store_dir)))[-1]
    assert second["stats"].get("refresh/skipped") == 3 and second["stats"].get("pages/detail", 0) == 0
    fed = [json.loads(line) for line in (tmp_path / "out" / "out.jsonl").read_text().splitlines()]
    assert sorted(r["id"] for r in fed if r["kind"] == "listing") == ["B0FAKEUS02", "B0FAKEUS03", "B0FAKEUS04"]
    assert all(r["evidence"] is None for r in fed)
    state = State(store_dir / "state" / "objects.sqlite")
    assert state.folded() == {manifests(LocalStore(str(store_dir)))[0]["crawl_id"]}  # folded when the 2nd crawl opened


def test_state_on_s3_is_a_committed_object(bucket, seaweed, tmp_path, monkeypatch):
    from crawler.analyst.state import STATE_KEY
    from crawler.storage import open_store

    for key, value in seaweed.env().items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    store = open_store("s3://%s/p" % bucket)
    writer = Writer(store, spool_dir=tmp_path / "spool")
    writer.open("c1", spider="shopee", started_at="2026-11-20T04:00:00Z")
    writer.write(listing("1", crawl="c1", evidence=EVIDENCE))
    assert writer.finish({}).errors == []
    state = refresh(store, tmp_path / "a" / "objects.sqlite")
    assert state.folded() == {"c1"} and state.get("shopee", "listing", "1")["captured_at"] == EVIDENCE["captured_at"]
    state.close()
    assert store.size(STATE_KEY)
    monkeypatch.setattr(State, "fold", lambda *a: pytest.fail("c1 folded again: the committed state was not used"))
    again = refresh(store, tmp_path / "b" / "objects.sqlite")  # another machine: downloads the committed state
    assert again.folded() == {"c1"} and again.get("shopee", "listing", "1") is not None
