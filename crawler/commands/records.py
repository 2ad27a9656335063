"""``scrapy records [STORE_URI] [--platform P] [--kind K] [--since YYYY-MM-DD]``: the committed records
of a store, as JSON Lines on stdout: what downstream reads.

Only crawls with a manifest (the commit marker), only the parts their manifest lists, each checked
against the manifest's size and SHA-256. ``STORE_URI`` defaults to the setting (``./data``); S3
through the standard AWS configuration. ``--since`` keeps the parts of that day (``dt=``) and later. ``--parts`` prints where each committed part
is instead (a path, or an s3:// URL), for DuckDB and other readers of the layout. Every request is
bounded (connect and read timeouts) and the whole command ends within ``STORE_RETRY_SECONDS`` plus one
request timeout.

Exit status: 0 records printed (or none matched); 2 bad arguments or STORE_URI; 4 the store could
not be read (unreachable, bad credentials, missing bucket, a part that does not match its manifest).
"""
from __future__ import annotations

import argparse
import logging
import re
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import exitcodes
from crawler.storage import StoreConfigError, StoreError, open_bounded
from crawler.storage.reader import committed_parts, iter_lines


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[STORE_URI] [--platform P] [--kind K] [--since YYYY-MM-DD]"

    def short_desc(self) -> str:
        return "Print the committed records of a store (path or s3://bucket/prefix) as JSON Lines"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--platform", default=None, help="only this platform")
        parser.add_argument("--kind", default=None, help="only this record kind (post, listing, live, account)")
        parser.add_argument("--since", default=None, help="only parts of this day (dt=YYYY-MM-DD) and later")
        parser.add_argument("--parts", action="store_true",
                            help="print where each committed part is (a path or s3:// URL), one a line, not the records")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        logging.getLogger("crawler.storage").addHandler(logging.NullHandler())  # retries stay quiet: one line on failure
        if len(args) > 1:
            raise UsageError("give at most one STORE_URI")
        if opts.since and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", opts.since):
            self.exitcode = exitcodes.fail("records", exitcodes.BAD_CONFIG, "--since takes a day, YYYY-MM-DD; got %r" % opts.since)
            return
        uri = args[0] if args else (self.settings.get("STORE_URI") if self.settings else None) or "./data"
        try:
            store = open_bounded(uri, self.settings)  # every request bounded, the whole within STORE_RETRY_SECONDS
            out = sys.stdout.buffer
            if opts.parts:  # for DuckDB, pandas, Spark: the committed parts only, never a glob
                for _manifest, part in committed_parts(store, platform=opts.platform, kind=opts.kind, since=opts.since):
                    out.write((store.location(part["key"]) + "\n").encode("utf-8"))
            else:
                for line in iter_lines(store, platform=opts.platform, kind=opts.kind, since=opts.since):
                    out.write(line)
            out.flush()
        except (StoreConfigError, StoreError) as exc:
            self.exitcode = exitcodes.fail("records", exitcodes.of_store_error(exc), str(exc))
            return
        except BrokenPipeError:  # `| head`
            sys.stderr.close()
        self.exitcode = 0

