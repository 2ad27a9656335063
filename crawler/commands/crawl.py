"""``scrapy crawl <platform>``: Scrapy's crawl, plus checked targets, a summary line and a real exit status.

Targets are checked before anything starts (one line naming what the platform
supports, exit 2). A missing or unreadable ``REPLAY_HAR`` stops the crawl
before its first request (exit 2), never a live fetch. The store is checked
before the first page too (crawler.storage): a ``STORE_URI`` this build cannot
use is a bad configuration (exit 2); a wrong endpoint, bad credentials or a
missing bucket is a store failure (exit 4, the same status as records that
could not be written at the end), each named in one line. At the end one line
sums the crawl up and the exit status says how it went (crawler.exitcodes).
"""
from __future__ import annotations

import argparse
import sys
import time

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler import exitcodes, logformat
from crawler.har import HarError, load
from crawler.ids import IdError, check_id
from crawler.recording import finalize
from crawler.sharding import ShardError, run_id_from, shard_from
from crawler.spider import TargetError
from crawler.watchlist import WatchlistError, load_watchlist
from crawler.storage import StoreConfigError, StoreError, open_store, store_options


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Crawl one platform (-a url=, -a query=, -a account=, -a max_items=)"

    def long_desc(self) -> str:
        """Every platform's targets and its own -a arguments (``scrapy crawl -h``)."""
        from scrapy.spiderloader import SpiderLoader
        from scrapy.utils.project import get_project_settings

        loader = SpiderLoader.from_settings(get_project_settings())
        lines = [self.short_desc() + ".", "", "Platforms, their targets and their own arguments:"]
        for name in sorted(loader.list()):
            spidercls = loader.load(name)
            if hasattr(spidercls, "help"):
                lines.append("  %s\n    %s" % (name, spidercls.help().replace("\n", "\n    ")))
        return "\n".join(lines)

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter  # keep the per-platform lines of long_desc

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        logformat.configure(self.settings)  # LOG_FORMAT=json: JSON lines on stdout, before Scrapy's first line

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one platform: scrapy crawl <platform> -a query=...")
        assert self.crawler_process and self.settings is not None
        try:
            spidercls = self.crawler_process.spider_loader.load(args[0])
        except KeyError:
            self.exitcode = self._fail(exitcodes.BAD_CONFIG, "unknown platform %r (scrapy list shows them)" % args[0])
            return
        try:
            if hasattr(spidercls, "check_targets"):  # targets, watchlist, the spider's own -a options: one line, exit 2
                spidercls.check_targets(opts.spargs, self.settings)
            elif opts.spargs.get("watchlist"):
                load_watchlist(opts.spargs["watchlist"])
            if self.settings.get("REPLAY_HAR"):
                load(self.settings["REPLAY_HAR"])
            shard_from(self.settings)  # SHARD_INDEX/SHARD_COUNT or the engine's (crawler.sharding)
            # ---- egress/ids: identifiers that become paths, checked before anything starts (crawler.ids) ----
            if opts.spargs.get("crawl_id") is not None:
                check_id(opts.spargs["crawl_id"], "crawl_id")
            run_id_from(self.settings, "x")
        except (TargetError, HarError, ShardError, WatchlistError, IdError) as exc:
            self.exitcode = self._fail(exitcodes.BAD_CONFIG, str(exc))
            return
        try:  # fail fast: endpoint, credentials, bucket, before the first page
            open_store(self.settings.get("STORE_URI") or "./data", **store_options(self.settings)).check()
        except (StoreConfigError, StoreError) as exc:
            self.exitcode = self._fail(exitcodes.of_store_error(exc), str(exc))
            return
        started = time.monotonic()
        crawler = self._create_crawler(spidercls)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.settings.get("RECORD_HAR") and not self.settings.get("REPLAY_HAR"):
            recorded = finalize(self.settings["RECORD_HAR"])
            print("crawl %s: recorded %d responses into %s" % (args[0], recorded, self.settings["RECORD_HAR"]),
                  file=sys.stderr)
        if self.crawler_process.bootstrap_failed:
            self.exitcode = self._fail(exitcodes.BAD_CONFIG, "the crawl could not start (see the log above)")
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        summary = exitcodes.Summary.of(args[0], stats, time.monotonic() - started)
        code = summary.code
        if logformat.active():  # LOG_FORMAT=json: the summary is one JSON object on stdout, with its counts
            print(logformat.summary_line(summary.as_dict()), flush=True)
        else:
            print(summary.line(), file=sys.stderr)
            if code:
                print("crawl %s: %s" % (args[0], summary.cause), file=sys.stderr)
        self.exitcode = code

    @staticmethod
    def _fail(code: int, message: str) -> int:
        if logformat.active():
            print(logformat.error_line("scrapy crawl: %s" % message), flush=True)
        else:
            print("scrapy crawl: %s" % message, file=sys.stderr)
        return code
