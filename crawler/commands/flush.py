"""``scrapy flush [STORE_URI]``: upload what failed or killed crawls left in the spool.

Each crawl's spool folder is taken only when its lock is free (a live crawl sharing the spool is left
alone). Dead crawls' open parts are sealed up to their last complete line and get a manifest marked
``"interrupted": true``; then every spooled part and evidence file is uploaded (confirmed by size
and checksum before it leaves the spool), and the manifests last. Running it again is harmless: keys
are deterministic. Bounded like a crawl's end: every request has its timeouts, and the whole flush ends
within ``STORE_RETRY_SECONDS``. ``STORE_URI`` defaults to the setting; ``SPOOL_DIR`` as for ``scrapy crawl``.

Exit status: 0 the spool is empty; 2 a STORE_URI this build cannot use; 4 the store is unreachable or
refuses (wrong endpoint, bad credentials, missing bucket), or something stays in the spool.
"""
from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import exitcodes
from crawler.storage import StoreConfigError, StoreError, open_bounded
from crawler.storage.spool import Writer


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[STORE_URI]"

    def short_desc(self) -> str:
        return "Upload the records and evidence that failed or killed crawls left in the spool"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) > 1:
            raise UsageError("give at most one STORE_URI")
        settings = self.settings
        uri = args[0] if args else settings.get("STORE_URI") or "./data"
        try:
            store = open_bounded(uri, settings)
            store.check()
        except (StoreConfigError, StoreError) as exc:
            self.exitcode = exitcodes.fail("flush", exitcodes.of_store_error(exc), str(exc))
            return
        writer = Writer(store, spool_dir=settings.get("SPOOL_DIR") or None,
                        compresslevel=settings.getint("STORE_GZIP_LEVEL", 6),
                        retry_seconds=settings.getfloat("STORE_RETRY_SECONDS", 60.0))
        try:
            outcome = writer.flush()
        except (StoreError, OSError) as exc:
            self.exitcode = exitcodes.fail("flush", exitcodes.STORAGE, str(exc))
            return
        line = "flush %s: %d objects uploaded, %d crawls committed%s; %d left in the spool %s" % (
            store.uri, outcome.uploaded, len(outcome.committed),
            " (%s)" % ", ".join(k.split("/")[1] for k in outcome.committed) if outcome.committed else "",
            outcome.pending, writer.root)
        print(line, file=sys.stderr)
        if outcome.pending or outcome.errors:
            self.exitcode = exitcodes.fail("flush", exitcodes.STORAGE, outcome.error or "objects stay in the spool")
            return
        self.exitcode = 0

