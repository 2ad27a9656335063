"""``RECORD_HAR=FILE``: record a live crawl into one HAR that replays it, secrets scrubbed.

Browser pages record through their context's ``record_har_path`` (the spider gives
every context a ``FILE.<context>.part``; Playwright writes it when the context
closes, which scrapy-playwright does after the engine stopped). Plain Scrapy
responses are written by this extension to ``FILE.plain.part``. Once the crawl
process is done, ``finalize(FILE)`` (called by the crawl command) merges the parts,
scrubs cookies, authorization headers and storage tokens (crawler.har.scrub),
writes FILE and removes the parts.
"""
from __future__ import annotations

import glob
import json
import logging
import os

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.har import entry, scrub, write_har

logger = logging.getLogger(__name__)


class HarRecorder:
    def __init__(self, crawler, path: str):
        self.crawler = crawler
        self.path = path
        self.plain_entries: list[dict] = []
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("RECORD_HAR")
        if not path:
            raise NotConfigured
        if crawler.settings.get("REPLAY_HAR"):
            raise NotConfigured("RECORD_HAR and REPLAY_HAR together: replay wins, nothing is recorded")
        return cls(crawler, path)

    def response_received(self, response, request, spider=None):
        if "playwright" in response.flags or request.meta.get("playwright"):
            return  # the browser context records these itself
        mime = response.headers.get("Content-Type", b"application/octet-stream").decode("latin-1")
        self.plain_entries.append(entry(request.url, response.body, mime, status=response.status, method=request.method))

    def engine_stopped(self):
        write_har(scrub({"log": {"entries": self.plain_entries}})["log"]["entries"], self.path + ".plain.part")


def finalize(path: str) -> int:
    """Merge the recording's parts into ``path``, scrubbed; returns the number of responses."""
    entries: list[dict] = []
    parts = sorted(glob.glob(glob.escape(path) + ".*.part"))
    for part in parts:
        try:
            with open(part, encoding="utf-8") as f:
                entries.extend(json.load(f).get("log", {}).get("entries", []))
        except (OSError, ValueError) as exc:
            logger.error("recording: could not read %s: %s", part, exc)
    har = scrub({"log": {"entries": entries}})
    write_har(har["log"]["entries"], path)
    for part in parts:
        os.remove(part)
    logger.info("recorded %d responses into %s (cookies and tokens scrubbed)", len(entries), path)
    return len(entries)
