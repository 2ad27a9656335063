"""Item pipeline that writes every record into the store (``STORE_URI``).

Records go to gzip JSON Lines parts per platform and kind; the crawl's manifest
(parts with counts, bytes and SHA-256, stats) is written last, when the spider closes.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
from collections import defaultdict

from crawler.schema import SCHEMA_VERSION, utc_now
from crawler.storage import open_store

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.store = open_store(crawler.settings.get("STORE_URI") or "./data")
        self.buffers: dict[tuple[str, str], list[bytes]] = defaultdict(list)
        self.started_at = utc_now()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        line = (json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8")
        self.buffers[(item["platform"], item["kind"])].append(line)
        return item

    def close_spider(self, spider=None):
        spider = spider or self.crawler.spider
        crawl_id = spider.crawl_id
        day = self.started_at[:10]
        parts = []
        for (platform, kind), lines in sorted(self.buffers.items()):
            data = gzip.compress(b"".join(lines), mtime=0)
            key = "records/platform=%s/kind=%s/dt=%s/crawl=%s/part-00000.jsonl.gz" % (platform, kind, day, crawl_id)
            self.store.put(key, data)
            parts.append({"key": key, "records": len(lines), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        stats = {k: v for k, v in self.crawler.stats.get_stats().items() if isinstance(v, (int, float, str))}
        manifest = {
            "crawl_id": crawl_id, "schema_version": SCHEMA_VERSION, "spider": spider.name,
            "targets": getattr(spider, "targets_description", {}), "started_at": self.started_at, "finished_at": utc_now(),
            "parts": parts, "stats": stats,
        }
        key = "crawls/%s/manifest.json" % crawl_id
        self.store.put(key, json.dumps(manifest, ensure_ascii=False, indent=1, default=str).encode("utf-8"))
        self.crawler.stats.set_value("store/manifest", str(self.store.path(key)) if hasattr(self.store, "path") else "%s/%s" % (self.store.uri.rstrip("/"), key))
        self.crawler.stats.set_value("store/records", sum(p["records"] for p in parts))
        logger.info("records written to %s (%d parts, manifest %s)", self.store.uri, len(parts), key)
