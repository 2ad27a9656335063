"""``scrapy takedown ID... [--store STORE_URI] [-o DIR] [--crawl ID] [--since DAY] [--until DAY] [--platform P]``:
a takedown pack (crawler.analyst.takedown) per listing/post id or seller id/handle: ``DIR/<platform>-<id>.html``
with URL, seller, price, capture time, screenshot, product photos and the SHA-256 of each evidence object
(copied into ``DIR/evidence/``) and how to verify it; ``DIR/takedown.csv`` for bulk submission.

Exit status: 0 written; 2 bad arguments, an unknown crawl or an id that matches nothing (named); 4 the
store could not be read.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import exitcodes
from crawler.commands.report import add_selection, check_days, selected_records
from crawler.storage import StoreConfigError, StoreError, open_bounded


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "ID [ID ...] [--store STORE_URI] [-o DIR] [--crawl ID] [--since DAY] [--until DAY] [--platform P]"

    def short_desc(self) -> str:
        return "Write a takedown pack (HTML page + CSV, evidence with SHA-256) per listing or seller"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        add_selection(parser)
        parser.add_argument("--store", default=None, help="the store (default: the STORE_URI setting, ./data)")
        parser.add_argument("-o", "--output", default="takedown", help="the folder to write (default: ./takedown)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from crawler.analyst.takedown import select, write
        from crawler.schema import utc_now

        logging.getLogger("crawler.storage").addHandler(logging.NullHandler())
        if not args:
            raise UsageError("give one or more listing ids or seller ids/handles")
        code = check_days("takedown", opts)
        if code is not None:
            self.exitcode = code
            return
        uri = opts.store or (self.settings.get("STORE_URI") if self.settings else None) or "./data"
        try:
            store = open_bounded(uri, self.settings)
            try:
                records = selected_records(store, opts)
            except ValueError as exc:
                self.exitcode = exitcodes.fail("takedown", exitcodes.BAD_CONFIG, str(exc))
                return
            packs, missing = select(records, args)
            if missing:
                self.exitcode = exitcodes.fail("takedown", exitcodes.BAD_CONFIG, "no listing, post or seller %s in %s"
                                               % (", ".join(missing), uri))
                return
            pages, csv_path, problems = write(packs, store, Path(opts.output), generated_at=utc_now())
        except (StoreConfigError, StoreError) as exc:
            self.exitcode = exitcodes.fail("takedown", exitcodes.of_store_error(exc), str(exc))
            return
        except OSError as exc:
            self.exitcode = exitcodes.fail("takedown", exitcodes.BAD_CONFIG, "%s: %s" % (opts.output, exc))
            return
        for problem in problems:
            print("takedown: evidence %s" % problem, file=sys.stderr)
        for page in pages:
            print(page)
        print(csv_path)
        self.exitcode = 0
