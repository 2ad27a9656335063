"""A test-only Scrapy extension that holds a crawl at a chosen point so that a test can SIGKILL it there:

- ``FAULT_AT=item``: after the ``FAULT_AFTER``-th scraped item (the open parts fsynced first): while parsing;
- ``FAULT_AT=upload``: in the first part upload of the end of the crawl (every record is sealed by then);
- ``FAULT_AT=commit``: right before the store commits the crawl (every part uploaded, no manifest yet).

It writes ``FAULT_MARKER`` (JSON: the records the crawl counts as written) and then sleeps."""
from __future__ import annotations

import json
import time
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.storage import writer_for


class Fault:
    def __init__(self, crawler):
        settings = crawler.settings
        self.at = settings.get("FAULT_AT")
        self.after = settings.getint("FAULT_AFTER", 1)
        self.marker = Path(settings.get("FAULT_MARKER"))
        self.writer = writer_for(crawler)
        self.items = 0
        self.finishing = False
        store = self.writer.store
        if self.at == "upload":
            finish, stage = self.writer.finish, store.stage_file

            def finishing(*args, **kwargs):
                self.finishing = True
                return finish(*args, **kwargs)

            def staging(*args, **kwargs):
                if self.finishing:
                    self.hold()
                return stage(*args, **kwargs)

            self.writer.finish, store.stage_file = finishing, staging
        elif self.at == "commit":
            commit = store.commit

            def committing(*args, **kwargs):
                self.hold()
                return commit(*args, **kwargs)

            store.commit = committing
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("FAULT_AT"):
            raise NotConfigured
        return cls(crawler)

    def hold(self) -> None:
        self.marker.write_text(json.dumps({"written": self.writer.records_written}))
        time.sleep(600)

    def item_scraped(self, item, response, spider=None):
        self.items += 1
        if self.at == "item" and self.items == self.after:
            self.writer.flush_seconds = 0.0
            self.writer.tick()
            self.hold()
