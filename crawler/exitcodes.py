"""Exit status of `scrapy crawl`, for job runners (documented in the README).

Scrapy itself exits 0 even when every page failed; the project's crawl command
sets one of these from the crawl's stats (``from_stats``), and prints one ``Summary``.
``scrapy extract`` uses the same numbers where they mean the same: 2 bad input, 3 blocked.
"""
from __future__ import annotations

from dataclasses import dataclass

OK = 0              # the crawl ran and yielded records
FAILED = 1          # pages failed (errors, unreadable pages) and no record came out
BAD_CONFIG = 2      # bad target, setting or file (e.g. a missing REPLAY_HAR): nothing was crawled
BLOCKED = 3         # every page was blocked (captcha, login wall, 403/429) after retries
STORAGE = 4         # records could not be written to the store
PARTIAL = 5         # records came out, but some pages failed or stayed blocked
EMPTY = 6           # pages were read but held no record (an empty result list)


def errors_of(stats: dict) -> int:
    """Pages that failed: unreadable pages, failed downloads, spider exceptions."""
    return stats.get("extract/error", 0) + stats.get("pages/failed", 0) + stats.get("spider_exceptions/count", 0)


def from_stats(stats: dict) -> tuple[int, str]:
    """(exit status, one line naming the cause) for a finished crawl."""
    records = sum(v for k, v in stats.items() if k.startswith("records/"))
    blocked = stats.get("blocked/gave_up", 0)
    errors = errors_of(stats)
    if stats.get("store/spool_full"):  # back-pressure: the message names the spool and its free space
        return STORAGE, stats["store/error"]
    if stats.get("store/error"):
        return STORAGE, "records could not be written to the store: %s" % stats.get("store/error")
    if records:
        if blocked or errors:
            return PARTIAL, "%d records, but %d pages stayed blocked and %d failed" % (records, blocked, errors)
        return OK, "%d records" % records
    if stats.get("shard/count", 1) > 1 and stats.get("shard/targets") == 0:
        # more shards than targets: this one had nothing to do, and its (empty) manifest says so
        return OK, "no target falls in shard %s of %s" % (stats.get("shard/index"), stats.get("shard/count"))
    if blocked:
        reasons = ", ".join("%s=%s" % (k, v) for k, v in sorted(stats.items())
                            if k.startswith("blocked/") and k != "blocked/gave_up")
        return BLOCKED, "no record: every page was blocked (%s)" % reasons
    if errors:
        return FAILED, "no record: %d pages failed (see the log)" % errors
    if stats.get("replay/missing") and not stats.get("pages/url", 0) + stats.get("pages/search", 0) + stats.get("pages/account", 0):
        return FAILED, "no record: the requested URLs are not in the REPLAY_HAR file"
    return EMPTY, "no record: the pages held no results"


def fail(command: str, code: int, message: str) -> int:
    """Print ``scrapy <command>: <message>`` as one line on stderr; return ``code`` (the commands' exit status)."""
    import sys

    sys.stderr.write("scrapy %s: %s\n" % (command, " ".join(message.split())))
    return code


def of_store_error(exc: Exception) -> int:
    """A STORE_URI this build cannot use is bad configuration; a store that fails or refuses is a storage failure."""
    from crawler.storage import StoreConfigError

    return BAD_CONFIG if isinstance(exc, StoreConfigError) else STORAGE


@dataclass
class Summary:
    """The one summary of a finished crawl, computed from its stats (the crawl and watch commands print it)."""
    spider: str
    crawl_id: str
    code: int
    cause: str
    pages: int
    records: dict
    blocked: int
    errors: int
    duration_s: float
    store: str | None
    written: int | None

    @classmethod
    def of(cls, spider: str, stats: dict, duration_s: float) -> Summary:
        code, cause = from_stats(stats)
        return cls(spider=spider, crawl_id=str(stats.get("crawl_id", "?")), code=code, cause=cause,
                   pages=sum(v for k, v in stats.items() if k.startswith("pages/") and k != "pages/failed"),
                   records={k.split("/", 1)[1]: v for k, v in sorted(stats.items()) if k.startswith("records/")},
                   blocked=sum(v for k, v in stats.items() if k.startswith("blocked/") and k != "blocked/gave_up"),
                   errors=errors_of(stats), duration_s=round(duration_s, 1), store=stats.get("store/manifest"),
                   written=stats.get("store/records"))

    @property
    def status(self) -> str:
        return "ok" if self.code == 0 else "exit %d" % self.code

    def line(self) -> str:
        return "crawl %s %s: %s; pages %d, records %s, blocked %d, errors %d, %.1fs%s" % (
            self.spider, self.crawl_id, self.status, self.pages,
            ", ".join("%s=%d" % kv for kv in self.records.items()) or "0", self.blocked, self.errors,
            self.duration_s, "; store %s" % self.store if self.store else "")

    def as_dict(self) -> dict:
        return {"message": self.line(), "spider": self.spider, "crawl_id": self.crawl_id, "exit_code": self.code,
                "cause": self.cause, "status": self.status, "pages": self.pages, "records": self.records,
                "blocked": self.blocked, "errors": self.errors, "duration_s": self.duration_s, "store": self.store,
                "written": self.written}
