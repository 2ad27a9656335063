"""A replayed crawl that follows cards to their detail pages commits one record per object, while its feed
keeps each capture; `-o x.csv` flattens them as `scrapy records --format csv` does."""
from __future__ import annotations

import csv
import json

from crawler.analyst.flatten import all_columns
from crawler.storage import open_store
from crawler.storage.reader import iter_records, manifests


def test_committed_output_has_each_object_once(amazon_store):
    assert amazon_store.returncode == 0, amazon_store.stderr[-2000:]
    fed = [json.loads(line) for line in amazon_store.jsonl.read_text().splitlines()]
    assert sorted(r["id"] for r in fed if r["kind"] == "listing") == sorted(["B0FAKEUS02", "B0FAKEUS03", "B0FAKEUS04"] * 2)
    store = open_store(str(amazon_store.store))
    committed = list(iter_records(store))
    keys = [(r["platform"], r["kind"], r["id"]) for r in committed]
    assert len(keys) == len(set(keys))
    listings = {r["id"]: r for r in committed if r["kind"] == "listing"}
    assert sorted(listings) == ["B0FAKEUS02", "B0FAKEUS03", "B0FAKEUS04"]
    third = listings["B0FAKEUS03"]
    # the detail page's values, the card's where the detail page has none, both extractors named
    assert third["seller"]["id"] == "A3FAKESELLER01" and third["brand"] == "Northwind Sound"
    assert third["source_url"] == "https://www.amazon.com/dp/B0FAKEUS03" and third["evidence"]["screenshot_key"]
    captures = [r["extractor"] for r in fed if r["id"] == "B0FAKEUS03"]  # card, then detail page
    expected = captures[0] if captures[0] == captures[1] else "+".join(captures)
    assert third["extractor"] == expected
    assert listings["B0FAKEUS04"]["signals"].get("sponsored") is True  # only the card knew
    assert listings["B0FAKEUS04"]["availability"] == "out_of_stock"
    (manifest,) = manifests(store)
    assert manifest["records_by_kind"]["listing"] == 3 and manifest["stats"]["store/merged"] == 3


def test_feed_csv_is_flat(amazon_store):
    text = amazon_store.csv.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows and list(rows[0]) == all_columns()  # account columns kept though this crawl has listings only
    assert "{'" not in text and "['" not in text
    detail = next(r for r in rows if r["id"] == "B0FAKEUS03" and r["source_url"].endswith("/dp/B0FAKEUS03"))
    assert detail["seller_id"] == "A3FAKESELLER01" and detail["original_price_amount"] == "119.99"
    assert detail["original_price_currency"] == "USD" and detail["evidence_sha256"]
