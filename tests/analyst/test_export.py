"""Flat exports: `scrapy records --format csv|xlsx|parquet|jsonl` and `--latest`, read back with the tools an
analyst uses (csv, openpyxl, DuckDB)."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from crawler.analyst.flatten import all_columns, columns, flatten
from crawler.storage import LocalStore
from crawler.storage.spool import Writer
from tests.analyst.records import EVIDENCE, account, listing, post
from tests.support import ROOT

TIKTOK_ID = "7551907319324364062"  # more digits than a float keeps


def commit(store_dir, crawl_id, records, started_at):
    writer = Writer(LocalStore(str(store_dir)), spool_dir=store_dir.parent / "spool")
    writer.open(crawl_id, spider="mixed", started_at=started_at)
    for r in records:
        writer.write(r)
    assert writer.finish({}).errors == []


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("export") / "store"
    commit(root, "c1", [
        listing("1", crawl="c1", price=("459000", "IDR"), seller="glowshop", evidence=EVIDENCE,
                contacts=[("wechat", "glow88"), ("wechat", "glow99"), ("whatsapp", "+628111")],
                signals={"counterfeit_terms": ["1:1", "replica"], "price_ratio": 0.13, "custom": {"a": 1}},
                images=["https://cf.shopee.co.id/a.jpg", "https://cf.shopee.co.id/b.jpg"], title="=cmd|' /C calc'!A0"),
        account("s1", crawl="c1", handle="glowshop", followers=1200),
        post(TIKTOK_ID, crawl="c1", author="glow.reseller", hashtags=["glowserum", "dupe"]),
    ], "2026-11-22T04:00:00Z")
    commit(root, "c2", [listing("1", crawl="c2", price=("399000", "IDR"), seller="glowshop")], "2026-11-23T04:00:00Z")
    return root


def records_cmd(*args, check=True):
    proc = subprocess.run([sys.executable, "-m", "scrapy", "records", *map(str, args)], cwd=ROOT, capture_output=True,
                          timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return proc


def test_flatten_names_every_leaf_and_keeps_ids_as_text():
    row = flatten(listing("00123", price=("59.90", "IDR"), seller="s", contacts=[("wechat", "w1")],
                          signals={"sponsored": True}))
    assert row["id"] == "00123" and row["price_amount"] == "59.90" and row["price_currency"] == "IDR"
    assert row["seller_handle"] == "s" and row["contacts_wechat"] == "w1" and row["signals_sponsored"] is True
    assert list(row) == columns("listing")
    assert {"author_handle", "host_handle", "handle", "followers", "seller_handle"} <= set(all_columns())


def test_csv_has_named_columns_and_no_python_reprs(store):
    text = records_cmd(store, "--format", "csv").stdout.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4 and "{'" not in text and "['" not in text
    first = next(r for r in rows if r["kind"] == "listing")
    assert first["kind"] == "listing" and first["price_amount"] == "459000" and first["price_currency"] == "IDR"
    assert first["contacts_wechat"] == "glow88 | glow99" and first["contacts_whatsapp"] == "+628111"
    assert first["signals_counterfeit_terms"] == "1:1 | replica" and first["signals_price_ratio"] == "0.13"
    assert json.loads(first["signals_other"]) == {"custom": {"a": 1}}
    assert first["images"] == "https://cf.shopee.co.id/a.jpg | https://cf.shopee.co.id/b.jpg"
    assert first["evidence_sha256"] == "ab" * 32
    acc = next(r for r in rows if r["kind"] == "account")
    assert acc["handle"] == "glowshop" and acc["followers"] == "1200"
    assert next(r for r in rows if r["kind"] == "post")["id"] == TIKTOK_ID


def test_xlsx_one_sheet_per_kind_ids_as_text(store, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    records_cmd(store, "--format", "xlsx", "-o", out)
    book = load_workbook(out)
    assert book.sheetnames == ["account", "listing", "post"]
    posts = list(book["post"].iter_rows(values_only=True))
    header = posts[0]
    assert posts[1][header.index("id")] == TIKTOK_ID and book["post"].cell(2, header.index("id") + 1).data_type == "s"
    assert posts[1][header.index("hashtags")] == "glowserum | dupe"
    listings = list(book["listing"].iter_rows(values_only=True))
    lh = listings[0]
    assert [r[lh.index("price_amount")] for r in listings[1:]] == ["459000", "399000"]
    title_cell = book["listing"].cell(2, lh.index("title") + 1)
    assert title_cell.value == "=cmd|' /C calc'!A0" and title_cell.data_type == "s"  # text, never a formula
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value.startswith(("{'", "['"))), value
    accounts = list(book["account"].iter_rows(values_only=True))
    assert accounts[1][accounts[0].index("followers")] == 1200 and accounts[1][0] == "account"


def test_parquet_typed_columns_read_by_duckdb(store, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "r.parquet"
    records_cmd(store, "--format", "parquet", "-o", out)
    con = duckdb.connect()
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
                             [str(out)]).fetchall())
    assert types["id"] == "VARCHAR" and types["followers"] == "BIGINT" and types["price_amount"] == "DECIMAL(38,10)"
    assert types["signals_price_ratio"] == "DOUBLE" and types["partial"] == "BOOLEAN"
    rows = con.execute("SELECT kind, id, price_amount::VARCHAR, followers FROM read_parquet(?) ORDER BY kind, crawl_id",
                       [str(out)]).fetchall()
    assert rows == [("account", "s1", None, 1200), ("listing", "1", "459000.0000000000", None),
                    ("listing", "1", "399000.0000000000", None), ("post", TIKTOK_ID, None, None)]


def test_latest_keeps_the_newest_state_of_each_object(store):
    lines = records_cmd(store, "--latest").stdout.decode().splitlines()
    latest = {(r["kind"], r["id"]): r for r in map(json.loads, lines)}
    assert len(lines) == 3 == len(latest)
    assert latest[("listing", "1")]["price"]["amount"] == "399000" and latest[("listing", "1")]["crawl_id"] == "c2"
    csv_text = records_cmd(store, "--latest", "--format", "csv", "--kind", "listing").stdout.decode()
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [r["price_amount"] for r in rows] == ["399000"] and "followers" not in rows[0]


def test_bad_arguments(store):
    proc = records_cmd(store, "--format", "xlsx", check=False)
    assert proc.returncode == 2 and b"needs -o FILE" in proc.stderr
