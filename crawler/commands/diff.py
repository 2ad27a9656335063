"""``scrapy diff [STORE_URI] [--from CRAWL] [--to CRAWL] [--since YYYY-MM-DD] [--platform P] [--format text|jsonl]``:
what changed in a store (crawler.analyst.diff): new listings, changed prices, new sellers, new contact
handles, listings gone.

Without ``--from``/``--to``/``--since``: the store's newest crawl against the crawl of the same spider before
it. ``--since DAY``: everything committed before that day against everything from that day on.
``-s ALERT_WEBHOOK=URL`` also posts them as Slack-compatible JSON (at most ``ALERT_MAX_LINES`` changes;
retried on errors, within ``ALERT_WEBHOOK_SECONDS``); a webhook that fails is named on stderr, exit 4.

Exit status: 0 done (changes or none); 2 bad arguments or no crawl to compare; 4 the store could not be
read, or the webhook failed.
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import exitcodes
from crawler.storage import StoreConfigError, StoreError, open_bounded


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[STORE_URI] [--from CRAWL] [--to CRAWL] [--since YYYY-MM-DD] [--platform P] [--format text|jsonl]"

    def short_desc(self) -> str:
        return "What changed between two crawls or since a day: new listings, sellers, prices, contacts, gone"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--from", dest="from_crawl", default=None, help="the earlier crawl id")
        parser.add_argument("--to", dest="to_crawl", default=None, help="the later crawl id (default: the newest)")
        parser.add_argument("--since", default=None, help="everything before this day against everything from it on")
        parser.add_argument("--platform", default=None, help="only this platform")
        parser.add_argument("--spider", default=None, help="only the crawls of this spider")
        parser.add_argument("--format", default="text", choices=("text", "jsonl"))

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from crawler.analyst import diff

        logging.getLogger("crawler.storage").addHandler(logging.NullHandler())
        if len(args) > 1:
            raise UsageError("give at most one STORE_URI")
        if opts.since and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", opts.since):
            self.exitcode = exitcodes.fail("diff", exitcodes.BAD_CONFIG, "--since takes a day, YYYY-MM-DD; got %r" % opts.since)
            return
        settings = self.settings
        uri = args[0] if args else (settings.get("STORE_URI") if settings else None) or "./data"
        try:
            store = open_bounded(uri, settings)
            try:
                before_m, after_m = diff.choose(store, opts.from_crawl, opts.to_crawl, opts.since, opts.spider)
            except ValueError as exc:
                self.exitcode = exitcodes.fail("diff", exitcodes.BAD_CONFIG, str(exc))
                return
            found = diff.changes(diff.side(store, before_m, opts.platform), diff.side(store, after_m, opts.platform))
        except (StoreConfigError, StoreError) as exc:
            self.exitcode = exitcodes.fail("diff", exitcodes.of_store_error(exc), str(exc))
            return
        heading = "diff %s -> %s" % ("+".join(m["crawl_id"] for m in before_m) or "(nothing)",
                                     "+".join(m["crawl_id"] for m in after_m) or "(nothing)")
        out = sys.stdout
        if opts.format == "jsonl":
            for change in found:
                out.write(json.dumps(change.as_dict(), ensure_ascii=False) + "\n")
        else:
            out.write("%s: %s\n" % (heading, diff.summary(found)))
            for change in found:
                out.write(change.text() + "\n")
        out.flush()
        self.exitcode = 0
        webhook = settings.get("ALERT_WEBHOOK") if settings else None
        if webhook:
            try:
                diff.post_webhook(webhook, diff.slack_payload(found, heading, settings.getint("ALERT_MAX_LINES", 50)),
                                  timeout=settings.getfloat("ALERT_WEBHOOK_TIMEOUT", 10.0),
                                  attempts=settings.getint("ALERT_WEBHOOK_ATTEMPTS", 3),
                                  max_seconds=settings.getfloat("ALERT_WEBHOOK_SECONDS", 30.0))
            except Exception as exc:
                self.exitcode = exitcodes.fail("diff", exitcodes.STORAGE, "webhook %s failed: %s"
                                               % (webhook.split("?")[0], exc))
