"""One record per object per crawl: the merge of a card and its detail page, and the writer's merge pass at
commit time (parts already sealed and staged are read back, rewritten, the old ones left out)."""
from __future__ import annotations

import json

from crawler.analyst.merge import merge
from crawler.schema import validate_record
from crawler.storage import LocalStore
from crawler.storage.reader import iter_records
from crawler.storage.spool import Writer
from tests.analyst.records import EVIDENCE, account, listing


def test_detail_values_win_and_card_values_fill_the_gaps():
    card = listing("1", title="Glow serum 1:1", price=("59.9", "IDR"), extractor="dom", sold_count=40,
                   images=["https://cf.shopee.co.id/a.jpg"], contacts=[("wechat", "glow88")],
                   source_url="https://shopee.co.id/search?keyword=glow", signals={"sponsored": True})
    detail = listing("1", title="Glow Serum original 1:1", price=("61.5", "IDR"), seller="glowshop", extractor="jsonld",
                     evidence=EVIDENCE, contacts=[("whatsapp", "+628111"), ("wechat", "glow88")],
                     signals={"counterfeit_terms": ["1:1"]})
    out = merge(card, detail)
    validate_record(out)  # still a valid record: extractor "dom+jsonld" is allowed by the schema
    assert out["extractor"] == "dom+jsonld"
    assert out["title"] == "Glow Serum original 1:1" and out["price"] == {"amount": "61.5", "currency": "IDR"}
    assert out["seller"]["handle"] == "glowshop" and out["sold_count"] == 40  # the card's where the detail has none
    assert out["images"] == ["https://cf.shopee.co.id/a.jpg"] and out["evidence"] == EVIDENCE
    assert out["source_url"] == detail["source_url"]
    assert [(c["type"], c["value"]) for c in out["contacts"]] == [("whatsapp", "+628111"), ("wechat", "glow88")]
    assert out["signals"] == {"sponsored": True, "counterfeit_terms": ["1:1"]}
    # the order they arrive in does not matter: the one with evidence is the detail
    assert merge(detail, card) == {**out, "extractor": "dom+jsonld"}


def test_writer_commits_each_object_once_even_across_sealed_parts(tmp_path):
    store = LocalStore(str(tmp_path / "store"))
    writer = Writer(store, spool_dir=tmp_path / "spool", part_max_records=2)
    writer.open("c1", spider="shopee", started_at="2026-11-23T04:00:00Z")
    search = "https://shopee.co.id/search?keyword=glow"
    sent = [listing("1", price=("10", "IDR"), extractor="dom", source_url=search),
            listing("2", extractor="dom", source_url=search),
            listing("3", extractor="dom", source_url=search), account("s1", handle="glowshop"),
            listing("1", price=("12", "IDR"), seller="glowshop", evidence=EVIDENCE, extractor="jsonld"),
            listing("3", title="three", evidence=EVIDENCE, extractor="jsonld")]
    for item in sent:
        writer.write(item)
    outcome = writer.finish({"pages/url": 3})
    assert outcome.errors == [] and outcome.committed == ["crawls/c1/manifest.json"]
    back = list(iter_records(store))
    keys = [(r["kind"], r["id"]) for r in back]
    assert sorted(keys) == [("account", "s1"), ("listing", "1"), ("listing", "2"), ("listing", "3")]
    one = next(r for r in back if r["id"] == "1")
    assert one["price"]["amount"] == "12" and one["seller"]["handle"] == "glowshop" and one["extractor"] == "dom+jsonld"
    three = next(r for r in back if r["id"] == "3")
    assert three["title"] == "three" and three["evidence"] == EVIDENCE
    manifest = json.loads(store.get("crawls/c1/manifest.json"))
    assert manifest["records"] == 4 and manifest["records_by_kind"] == {"account": 1, "listing": 3}
    assert manifest["stats"]["store/merged"] == 2
    # the superseded parts are gone from the store, and only the manifest's parts are under records/
    listed = {p["key"] for p in manifest["parts"]}
    assert set(store.keys("records/")) == listed
    assert not (tmp_path / "store" / ".staging").exists() or not any((tmp_path / "store" / ".staging").rglob("*.gz"))


def test_merge_off_keeps_every_capture(tmp_path):
    store = LocalStore(str(tmp_path / "store"))
    writer = Writer(store, spool_dir=tmp_path / "spool", merge_objects=False)
    writer.open("c1", spider="shopee", started_at="2026-11-23T04:00:00Z")
    for item in (listing("1", source_url="https://shopee.co.id/search?keyword=glow"), listing("1", evidence=EVIDENCE)):
        writer.write(item)
    writer.finish({})
    assert [r["id"] for r in iter_records(store)] == ["1", "1"]


def test_the_same_page_twice_keeps_its_captures(tmp_path):
    """A target given twice is fetched twice: same page, same records; those are not merged (storage tests count
    them); a record of the same object from another page is."""
    store = LocalStore(str(tmp_path / "store"))
    writer = Writer(store, spool_dir=tmp_path / "spool")
    writer.open("c1", spider="shopee", started_at="2026-11-23T04:00:00Z")
    page = "https://shopee.co.id/search?keyword=glow"
    for item in (listing("1", source_url=page), listing("1", source_url=page), listing("2", source_url=page),
                 listing("2", evidence=EVIDENCE)):
        writer.write(item)
    writer.finish({})
    assert sorted(r["id"] for r in iter_records(store)) == ["1", "1", "2"]


def test_a_crash_after_the_merge_recovers_the_merged_parts_only(tmp_path):
    """The journal marks the parts the merge superseded: a crawl that dies before its commit is recovered
    (next run or `scrapy flush`) with the merged parts, not both versions."""
    import os

    from crawler.storage.spool.layout import CrawlDir
    from crawler.storage.spool.recovery import prepare

    store = LocalStore(str(tmp_path / "store"))
    writer = Writer(store, spool_dir=tmp_path / "spool", part_max_records=1)
    writer.open("c1", spider="shopee", started_at="2026-11-23T04:00:00Z")
    writer.write(listing("1", source_url="https://shopee.co.id/search?keyword=glow"))
    writer.write(listing("1", evidence=EVIDENCE))
    from crawler.storage.spool.merge import merge_duplicates
    from crawler.storage.spool.writer import Outcome

    writer._drain_uploads(writer._deadline(), Outcome())
    assert merge_duplicates(writer, writer._deadline(), Outcome()) == 1
    crawl_path = writer.crawl.path
    writer.crawl.release()  # the process "dies" here: no manifest
    writer.uploader.stop()
    dead = CrawlDir.adopt(crawl_path)
    prepare(dead, 6)
    manifest = json.loads(dead.manifest.read_bytes())
    assert manifest["interrupted"] and manifest["records"] == 1 and len(manifest["parts"]) == 1
    assert os.path.basename(manifest["parts"][0]["key"]) == "part-00002.jsonl.gz"
