"""``RECORD_HAR=FILE``: record a live crawl into one HAR that replays it, secrets scrubbed.

Browser pages record through their context's ``record_har_path`` (the spider gives
every context a ``FILE.<context>.part``; Playwright writes it when the context
closes, which scrapy-playwright does after the engine stopped; the Playwright driver is started
with umask 077 while recording, so those parts are owner-only from their creation). Plain Scrapy
responses are scrubbed by this extension and written to ``FILE.plain.part`` (0600). Once the
crawl process is done, ``finalize(FILE)`` (called by the crawl command) merges the parts, scrubs
them (crawler.har.scrub: cookies, authorization and session headers, URL tokens in every
URL-bearing field, POST and JSON bodies, ``SCRUB_EXTRA_NAMES``), writes FILE (0600, atomically) and
removes the parts. On any failure the parts are deleted all the same (and at interpreter exit,
should finalize never run): an unscrubbed recording never stays on disk.
"""
from __future__ import annotations

import atexit
import glob
import json
import logging
import os

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.har import entry, scrub, write_har

logger = logging.getLogger(__name__)

_EXTRA_NAMES: list[str] = []


def parts_of(path: str) -> list[str]:
    return sorted(glob.glob(glob.escape(path) + ".*.part")) + sorted(glob.glob(glob.escape(path) + ".tmp-*"))


def remove_parts(path: str) -> None:
    for part in parts_of(path):
        try:
            os.remove(part)
        except OSError:
            pass


class HarRecorder:
    def __init__(self, crawler, path: str):
        self.crawler = crawler
        self.path = path
        self.plain_entries: list[dict] = []
        _EXTRA_NAMES[:] = crawler.settings.getlist("SCRUB_EXTRA_NAMES")
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)
        atexit.register(remove_parts, path)  # whatever happens, no unscrubbed part outlives the process

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("RECORD_HAR")
        if not path:
            raise NotConfigured
        if crawler.settings.get("REPLAY_HAR"):
            raise NotConfigured("RECORD_HAR and REPLAY_HAR together: replay wins, nothing is recorded")
        return cls(crawler, path)

    def response_received(self, response, request, spider=None):
        if "playwright" in response.flags or request.meta.get("playwright"):
            return  # the browser context records these itself
        mime = response.headers.get("Content-Type", b"application/octet-stream").decode("latin-1")
        self.plain_entries.append(entry(request.url, response.body, mime, status=response.status, method=request.method))

    def engine_stopped(self):
        try:
            har = scrub({"log": {"entries": self.plain_entries}}, _EXTRA_NAMES)
            write_har(har["log"]["entries"], self.path + ".plain.part", private=True)
        except Exception:
            logger.exception("recording: the plain responses could not be written")


def finalize(path: str, extra_names=None) -> int:
    """Merge the recording's parts into ``path``, scrubbed; returns the number of responses. The parts
    are removed whatever happens; a failure leaves no recording at all rather than an unscrubbed one."""
    entries: list[dict] = []
    parts = sorted(glob.glob(glob.escape(path) + ".*.part"))
    try:
        for part in parts:
            try:
                with open(part, encoding="utf-8") as f:
                    entries.extend(json.load(f).get("log", {}).get("entries", []))
            except (OSError, ValueError) as exc:
                logger.error("recording: could not read %s: %s", part, exc)
        har = scrub({"log": {"entries": entries}}, extra_names if extra_names is not None else _EXTRA_NAMES)
        write_har(har["log"]["entries"], path, private=True)
    except BaseException:
        logger.error("recording: scrubbing failed; the unscrubbed parts are deleted and nothing is recorded")
        raise
    finally:
        remove_parts(path)
    logger.info("recorded %d responses into %s (cookies and tokens scrubbed)", len(entries), path)
    return len(entries)
