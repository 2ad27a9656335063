"""``scrapy records [STORE_URI] [--platform P] [--kind K] [--since YYYY-MM-DD] [--latest] [--format F -o FILE]``:
the committed records of a store: JSON Lines on stdout by default, what downstream reads.

Only crawls with a manifest (the commit marker), only the parts their manifest lists, each checked
against the manifest's size and SHA-256 (crawler.storage.reader). ``STORE_URI`` defaults to the setting
(``./data``); S3 through the standard AWS configuration. ``--since`` keeps the parts of that day (``dt=``)
and later. ``--latest`` keeps the newest state of each object (platform, kind, id) across crawls.
``--parts`` prints where each committed part is instead (a path, or an s3:// URL), for DuckDB and other
readers of the layout.

``--format csv|xlsx|parquet|jsonl`` (crawler.analyst.export): flat rows that spreadsheets open, nested
fields as named columns (``price_amount``, ``seller_handle``, ``contacts_wechat`` ...), ids as text;
xlsx has one sheet per kind, parquet typed columns. csv and jsonl go to stdout unless ``-o FILE``;
xlsx and parquet need ``-o FILE``.

Every request is bounded (connect and read timeouts) and the whole command ends within
``STORE_RETRY_SECONDS`` plus one request timeout.

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
from crawler.storage.reader import committed_parts, iter_lines, iter_records

KINDS = ("post", "listing", "live", "account")


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[STORE_URI] [--platform P] [--kind K] [--since YYYY-MM-DD] [--latest] [--format F] [-o FILE]"

    def short_desc(self) -> str:
        return "Print or export the committed records of a store (path or s3://bucket/prefix)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--platform", default=None, help="only this platform")
        parser.add_argument("--kind", default=None, help="only this record kind (post, listing, live, account)")
        parser.add_argument("--since", default=None, help="only parts of this day (dt=YYYY-MM-DD) and later")
        parser.add_argument("--latest", action="store_true",
                            help="the newest state of each object (platform, kind, id) across crawls")
        parser.add_argument("--format", default="jsonl", choices=("jsonl", "csv", "xlsx", "parquet"),
                            help="jsonl (default, the records as stored), or flat rows: csv, xlsx (a sheet per "
                                 "kind), parquet (typed columns)")
        parser.add_argument("-o", "--output", default=None, help="write to this file (needed for xlsx, parquet)")
        parser.add_argument("--parts", action="store_true",
                            help="print where each committed part is (a path or s3:// URL), one a line, not the records")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        logging.getLogger("crawler.storage").addHandler(logging.NullHandler())  # retries stay quiet: one line on failure
        if len(args) > 1:
            raise UsageError("give at most one STORE_URI")
        if opts.since and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", opts.since):
            self.exitcode = exitcodes.fail("records", exitcodes.BAD_CONFIG, "--since takes a day, YYYY-MM-DD; got %r" % opts.since)
            return
        if opts.format in ("xlsx", "parquet") and not opts.output:
            self.exitcode = exitcodes.fail("records", exitcodes.BAD_CONFIG, "--format %s needs -o FILE" % opts.format)
            return
        if opts.kind and opts.kind not in KINDS:
            self.exitcode = exitcodes.fail("records", exitcodes.BAD_CONFIG, "--kind is one of %s; got %r"
                                           % (", ".join(KINDS), opts.kind))
            return
        uri = args[0] if args else (self.settings.get("STORE_URI") if self.settings else None) or "./data"
        out = None
        try:
            store = open_bounded(uri, self.settings)  # every request bounded, the whole within STORE_RETRY_SECONDS
            out = open(opts.output, "wb") if opts.output and opts.format in ("csv", "jsonl") else sys.stdout.buffer
            filters = {"platform": opts.platform, "kind": opts.kind, "since": opts.since}
            if opts.parts:  # for DuckDB, pandas, Spark: the committed parts only, never a glob
                for _manifest, part in committed_parts(store, **filters):
                    out.write((store.location(part["key"]) + "\n").encode("utf-8"))
            elif opts.format == "jsonl" and not opts.latest:
                for line in iter_lines(store, **filters):
                    out.write(line)
            else:
                self._export(iter_records(store, **filters), opts, out)
            out.flush()
        except (StoreConfigError, StoreError) as exc:
            self.exitcode = exitcodes.fail("records", exitcodes.of_store_error(exc), str(exc))
            return
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):  # `| head`
                sys.stderr.close()
            else:
                self.exitcode = exitcodes.fail("records", exitcodes.BAD_CONFIG, "%s: %s" % (opts.output, exc))
                return
        finally:
            if out is not None and out is not sys.stdout.buffer:
                out.close()
        self.exitcode = 0

    @staticmethod
    def _export(records, opts, out) -> None:
        from crawler.analyst import export
        from crawler.analyst.latest import latest

        if opts.latest:
            records = latest(records)
        kinds = (opts.kind,) if opts.kind else KINDS
        if opts.format == "jsonl":
            export.write_jsonl(records, out)
        elif opts.format == "csv":
            export.write_csv(records, out, kinds=kinds)
        elif opts.format == "xlsx":
            export.write_xlsx(records, opts.output)
        else:
            export.write_parquet(records, opts.output, kinds=kinds)
