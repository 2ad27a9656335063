"""``scrapy watch WATCHLIST.yaml``: every platform of a watchlist, crawled in one process (Scrapy's
``CrawlerProcess``), one platform after the other so that one browser runs at a time; one summary line per
platform (the crawl command's, crawler.exitcodes.Summary) and one overall exit status
(crawler.analyst.watch.overall: 0 all ok, 5 some records and some failures, 4 a store failure ...).

``--platform P`` (repeatable) keeps only those platforms. ``--har PLATFORM=FILE`` (repeatable) replays
that platform from a HAR file (``REPLAY_HAR`` for that crawl only; then every platform needs one, so that no
live crawl slips in among replayed ones); ``-s REPLAY_HAR=FILE`` applies to all.
Every other ``-s`` setting applies to every crawl. A bad watchlist, platform or HAR file stops everything
before the first page (exit 2, one line), as does a store that cannot be written (exit 4).
"""
from __future__ import annotations

import argparse
import sys
import time

from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError

from crawler import exitcodes, logformat
from crawler.analyst.watch import overall, planned
from crawler.har import HarError, load
from crawler.spider import TargetError
from crawler.storage import StoreConfigError, StoreError, open_store, store_options
from crawler.watchlist import WatchlistError, load_watchlist


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "WATCHLIST.yaml [--platform P ...] [--har PLATFORM=FILE ...]"

    def short_desc(self) -> str:
        return "Crawl every platform of a watchlist in one process: a summary per platform, one exit status"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--platform", action="append", default=[], help="only this platform (repeatable)")
        parser.add_argument("--har", action="append", default=[], metavar="PLATFORM=FILE",
                            help="replay this platform from a HAR file (repeatable)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        logformat.configure(self.settings)

    def _fail(self, code: int, message: str) -> None:
        self.exitcode = exitcodes.fail("watch", code, message)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one watchlist file: scrapy watch examples/watchlist.yaml")
        assert self.crawler_process is not None and self.settings is not None
        path = args[0]
        loader = self.crawler_process.spider_loader
        hars = {}
        for item in opts.har:
            name, sep, har = item.partition("=")
            if not sep or not har:
                return self._fail(exitcodes.BAD_CONFIG, "--har takes PLATFORM=FILE; got %r" % item)
            hars[name] = har
        unknown = sorted(set(opts.platform) | set(hars) - set(loader.list()))
        unknown = [p for p in unknown if p not in loader.list()]
        if unknown:
            return self._fail(exitcodes.BAD_CONFIG, "unknown platform %s (scrapy list shows them)" % ", ".join(unknown))
        try:
            watchlist = load_watchlist(path)
            names = planned(loader, watchlist, opts.platform or None)
            if not names:
                raise WatchlistError("watchlist %s: nothing to crawl%s" % (
                    path, " on %s" % ", ".join(opts.platform) if opts.platform else ""))
            unreplayed = [n for n in names if n not in hars] if hars and not self.settings.get("REPLAY_HAR") else []
            if unreplayed:  # never a live crawl slipped in among replayed ones
                raise WatchlistError("no --har for %s while the others are replayed: add --har %s=FILE or keep only the "
                                     "others with --platform" % (", ".join(unreplayed), unreplayed[0]))
            plan = []
            for name in names:
                settings = self.settings.copy()
                if name in hars:
                    settings.set("REPLAY_HAR", hars[name], priority="cmdline")
                spidercls = loader.load(name)
                spidercls.check_targets({"watchlist": path}, settings)
                if settings.get("REPLAY_HAR"):
                    load(settings["REPLAY_HAR"])
                plan.append((name, Crawler(spidercls, settings)))
        except (TargetError, HarError, WatchlistError) as exc:
            return self._fail(exitcodes.BAD_CONFIG, str(exc))
        try:
            open_store(self.settings.get("STORE_URI") or "./data", **store_options(self.settings)).check()
        except (StoreConfigError, StoreError) as exc:
            return self._fail(exitcodes.of_store_error(exc), str(exc))

        durations: dict[str, float] = {}

        def start(i: int) -> None:
            if i >= len(plan):
                return
            name, crawler = plan[i]
            began = time.monotonic()
            task = self.crawler_process.crawl(crawler, watchlist=path)

            def done(_result=None) -> None:
                durations[name] = time.monotonic() - began
                start(i + 1)  # the next platform joins the process before this one leaves it

            if hasattr(task, "add_done_callback"):
                task.add_done_callback(done)
            else:  # a Deferred (Twisted's CrawlerProcess)
                task.addBoth(lambda result: (done(), result)[1])

        start(0)
        self.crawler_process.start()
        codes = []
        for name, crawler in plan:
            stats = crawler.stats.get_stats() if _has_stats(crawler) else {}
            summary = exitcodes.Summary.of(name, stats, durations.get(name, 0.0))
            codes.append(summary.code)
            if logformat.active():
                print(logformat.summary_line(summary.as_dict()), flush=True)
            else:
                print(summary.line(), file=sys.stderr)
                if summary.code:
                    print("crawl %s: %s" % (name, summary.cause), file=sys.stderr)
        self.exitcode = overall(codes)
        line = "watch %s: %s; %s" % (path, "ok" if self.exitcode == 0 else "exit %d" % self.exitcode,
                                     ", ".join("%s %s" % (n, "ok" if c == 0 else "exit %d" % c)
                                               for (n, _), c in zip(plan, codes)))
        if logformat.active():
            print(logformat.summary_line({"message": line, "exit_code": self.exitcode,
                                          "platforms": dict(zip(names, codes))}), flush=True)
        else:
            print(line, file=sys.stderr)


def _has_stats(crawler) -> bool:
    try:
        return crawler.stats is not None
    except RuntimeError:  # never started
        return False
