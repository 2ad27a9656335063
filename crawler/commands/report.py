"""``scrapy report [STORE_URI] -o DIR [--crawl ID ...] [--since DAY] [--until DAY] [--platform P] [--embed]``:
a self-contained static HTML report (crawler.analyst.report) of the newest state of each object in the
chosen crawls (all committed crawls by default): ``DIR/index.html`` and its screenshots in
``DIR/evidence/`` (relative: copy the folder anywhere, or to an S3 static site), or one file with
``--embed``.

Exit status: 0 written; 2 bad arguments or an unknown crawl; 4 the store could not be read.
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import exitcodes
from crawler.storage import StoreConfigError, StoreError, open_bounded


def add_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--crawl", action="append", default=[], help="only this crawl id (repeatable)")
    parser.add_argument("--since", default=None, help="only crawls started on this day (YYYY-MM-DD) or later")
    parser.add_argument("--until", default=None, help="only crawls started on this day or earlier")
    parser.add_argument("--platform", default=None, help="only this platform")


def check_days(command: str, opts) -> int | None:
    for name in ("since", "until"):
        value = getattr(opts, name)
        if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return exitcodes.fail(command, exitcodes.BAD_CONFIG, "--%s takes a day, YYYY-MM-DD; got %r" % (name, value))
    return None


def selected_records(store, opts) -> list[dict]:
    from crawler.analyst.diff import crawl_records
    from crawler.analyst.latest import latest
    from crawler.analyst.select import crawls

    chosen = crawls(store, opts.crawl, opts.since, opts.until)
    return [r for r in latest(crawl_records(store, chosen)) if not opts.platform or r.get("platform") == opts.platform]


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[STORE_URI] -o DIR [--crawl ID ...] [--since DAY] [--until DAY] [--platform P] [--embed]"

    def short_desc(self) -> str:
        return "Write a static HTML report of a store's records, grouped by seller, with screenshots"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        add_selection(parser)
        parser.add_argument("-o", "--output", default="report", help="the folder to write (default: ./report)")
        parser.add_argument("--embed", action="store_true", help="screenshots inside the HTML file (one file)")
        parser.add_argument("--title", default="Brand-protection report")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from crawler.analyst.report import render
        from crawler.schema import utc_now

        logging.getLogger("crawler.storage").addHandler(logging.NullHandler())
        if len(args) > 1:
            raise UsageError("give at most one STORE_URI")
        code = check_days("report", opts)
        if code is not None:
            self.exitcode = code
            return
        uri = args[0] if args else (self.settings.get("STORE_URI") if self.settings else None) or "./data"
        try:
            store = open_bounded(uri, self.settings)
            try:
                records = selected_records(store, opts)
            except ValueError as exc:
                self.exitcode = exitcodes.fail("report", exitcodes.BAD_CONFIG, str(exc))
                return
            target = render(records, store, Path(opts.output), title=opts.title, embed=opts.embed,
                            generated_at=utc_now())
        except (StoreConfigError, StoreError) as exc:
            self.exitcode = exitcodes.fail("report", exitcodes.of_store_error(exc), str(exc))
            return
        except OSError as exc:
            self.exitcode = exitcodes.fail("report", exitcodes.BAD_CONFIG, "%s: %s" % (opts.output, exc))
            return
        print("report: %s (%d records)" % (target, sum(1 for r in records if r.get("kind") != "account")),
              file=sys.stderr)
        self.exitcode = 0
