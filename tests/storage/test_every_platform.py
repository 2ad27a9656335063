"""A replayed crawl of every platform lands in SeaweedFS in the store layout, with a manifest, and
reads back record for record (issue 5's done-when), one crawl per platform on its detail flow."""
from __future__ import annotations

import json

import pytest

from tests.storage.test_s3_crawl import canonical, scrapy, scrapy_records
from tests.support import ROOT

# platform -> (flow whose HAR answers it, target); detail pages keep evidence (HTML + screenshot)
FLOWS = {
    "tiktok": ("video", "url"), "tiktok_shop": ("product", "url"), "douyin": ("share", "url"),
    "xiaohongshu": ("note", "url"), "weibo": ("account", "url"), "instagram": ("reel", "url"),
    "facebook_marketplace": ("item", "url"), "taobao": ("item", "url"), "tmall": ("item", "url"),
    "amazon": ("product", "url"), "ebay": ("item", "url"), "shopee": ("product", "url"),
    "aliexpress": ("item", "url"), "mercadolibre": ("item", "url"), "etsy": ("listing", "url"),
    "shopify": ("product", "url"), "web": ("product", "url"), "tokopedia": ("product", "url"), "lazada": ("product", "url"),
}


def test_every_spider_has_a_flow_here():
    import subprocess
    import sys

    listed = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True).stdout
    assert sorted(listed.split()) == sorted(FLOWS)


@pytest.mark.parametrize("platform", sorted(FLOWS))
def test_replayed_crawl_of_every_platform_lands_in_seaweedfs(seaweed, bucket, tmp_path, platform):
    flow, target = FLOWS[platform]
    spec = json.loads((ROOT / "fixtures" / "flows" / ("%s.json" % platform)).read_text(encoding="utf-8"))
    url = spec[flow][0]["url"]
    uri = "s3://%s/all" % bucket
    out = tmp_path / "out.jsonl"
    proc = scrapy(seaweed, "crawl", platform, "-a", "%s=%s" % (target, url), "-O", str(out),
                  "-s", "REPLAY_HAR=%s" % (ROOT / "fixtures" / platform / ("%s.har" % flow)),
                  "-s", "STORE_URI=%s" % uri, "-s", "SPOOL_DIR=%s" % (tmp_path / "spool"), timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    sent = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line.strip()]
    assert sent and {r["platform"] for r in sent} <= {platform, "taobao", "tmall"}
    keys = seaweed.keys(bucket, "all/")
    crawl_id = sent[0]["crawl_id"]
    assert "all/crawls/%s/manifest.json" % crawl_id in keys
    assert all(k.startswith(("all/records/platform=", "all/crawls/", "all/evidence/sha256/")) for k in keys)
    evidence = [r["evidence"] for r in sent if r["evidence"]]
    if evidence and platform != "weibo":
        assert "all/" + evidence[0]["html_key"] in keys
    assert canonical(scrapy_records(seaweed, uri)) == canonical(sent)  # record for record
