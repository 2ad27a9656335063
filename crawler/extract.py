"""Turn one page into records: the candidate parsers in turn, the shape reader, then the block verdict.

The single entry point used by ``scrapy extract``, by the spiders and by the tests:

1. the candidates of ``crawler.registry`` (URL hint first, then content) parse the page in turn;
   the first that yields records wins, a ``PageChanged`` moves on to the next;
2. a JSON answer none of them reads goes to the shape reader (``crawler/shape.py``) of the platform
   named by the caller or by the URL's host;
3. only a page that gave no record is judged for a block (``crawler/blocks.py``, plus the platform
   parsers' own markers): a page whose records parse is never "blocked";
4. a parser that fails in any other way is a bug, reported as ``ParserError`` (one line) — after the
   other candidates had their chance.

Work per page is bounded: ``MAX_PAGE_BYTES`` of input and ``MAX_SECONDS`` of parsing.
"""
from __future__ import annotations

import contextlib
import logging
import signal
import threading
from dataclasses import dataclass

from crawler.blocks import classify
from crawler.contacts import record_contacts
from crawler.errors import BlockedPage, ExtractionError, NoParser, PageChanged, ParserError
from crawler.page import Page
from crawler.parsers.base import unique
from crawler.platforms import PLATFORMS, platform_of_host
from crawler.registry import all_parsers, candidates, check_platform
from crawler.schema import Envelope
from crawler.shape import ShapeReader
from crawler.signals import record_signals

logger = logging.getLogger(__name__)

MAX_PAGE_BYTES = 48 * 1024 * 1024
MAX_SECONDS = 30.0


@dataclass
class Extraction:
    parser: object  # a Parser, or the ShapeReader
    records: list[Envelope]


class _TimeUp(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise _TimeUp inside the block after ``seconds`` (main thread only; elsewhere unbounded)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _alarm(_signum, _frame):
        raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, _alarm)
    outer = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer[0]:
            signal.setitimer(signal.ITIMER_REAL, *outer)


def _parse(parser, page: Page) -> list[Envelope]:
    try:
        with time_limit(MAX_SECONDS):
            return list(unique(parser.parse(page)))
    except ExtractionError:
        raise
    except _TimeUp:
        raise PageChanged("%s: reading the page took over %d s; gave up" % (parser.name, MAX_SECONDS)) from None
    except (RecursionError, MemoryError) as exc:
        raise PageChanged("%s: the page's data is too deeply nested or too large to read (%s)"
                          % (parser.name, type(exc).__name__)) from None
    except Exception as exc:  # noqa: BLE001 - a parser bug: one line naming the parser, never a traceback
        logger.debug("parser error in %s", parser.name, exc_info=True)
        raise ParserError(parser.name, exc) from None


def _shape_platform(page: Page, platform: str | None, tried: list) -> str | None:
    slug = platform or platform_of_host(page.url)
    if not slug and tried:
        slug = tried[0].platform_for(page)
    return slug if slug in PLATFORMS and slug != "web" else None


def _block_reason(page: Page, platform: str | None, tried: list) -> str | None:
    reason = classify(page)
    if reason:
        return reason
    slug = platform or platform_of_host(page.url)
    judges = list(tried) + [p for p in all_parsers() if p not in tried and (slug in p.platforms or p.matches_url(page.url))]
    for parser in judges:
        try:
            found = parser.detect_block(page)
        except Exception:  # noqa: BLE001 - a judge that fails says nothing
            logger.debug("detect_block failed in %s", parser.name, exc_info=True)
            continue
        if found:
            return found
    return None


def extract_page(page: Page, platform: str | None = None, watchlist=None) -> Extraction:
    """The parser that read the page and its records, with their contacts and signals filled
    (``watchlist``, a crawler.watchlist.Watchlist, adds brand_mentions and price_ratio).
    Raises BlockedPage, NoParser, PageChanged or ParserError (all ExtractionError)."""
    if not page.body.strip():
        raise NoParser("the page is empty (0 bytes of content)")
    if len(page.body) > MAX_PAGE_BYTES:
        raise PageChanged("the page is too large to read (%d MiB; the limit is %d MiB)"
                          % (len(page.body) >> 20, MAX_PAGE_BYTES >> 20))
    check_platform(platform)
    tried = candidates(page, platform)
    failures: list[ExtractionError] = []
    empty = None
    for parser in tried:
        try:
            records = _parse(parser, page)
        except ExtractionError as exc:
            failures.append(exc)
            continue
        if records:
            return Extraction(parser, [enrich(r, watchlist) for r in records])
        empty = empty or parser
    slug = _shape_platform(page, platform, tried)
    if slug and page.is_json:
        reader = ShapeReader(slug)
        try:
            records = _parse(reader, page)
        except ExtractionError as exc:
            failures.append(exc)
        else:
            if records:
                return Extraction(reader, [enrich(r, watchlist) for r in records])
    blocked = next((f for f in failures if isinstance(f, BlockedPage)), None)
    if blocked is not None:
        raise blocked
    reason = _block_reason(page, platform, tried)
    if reason:
        where = platform or (tried[0].platform_for(page) if tried else platform_of_host(page.url))
        raise BlockedPage(reason, "%s served a %s page" % (where, reason) if where else
                          "the page is a %s page, not content" % reason)
    if empty is not None:
        return Extraction(empty, [])
    bugs = [f for f in failures if isinstance(f, ParserError)]
    if bugs:
        raise bugs[0]
    if failures:
        raise failures[0]
    where = "platform %s" % platform if platform else "any platform"
    raise NoParser("no parser of %s understands this page (url %s)" % (where, page.url or "not given"))


def enrich(record: Envelope, watchlist=None) -> Envelope:
    """Fill a record's contacts (crawler.contacts) and signals (crawler.signals), keeping what the parser set."""
    found = [c for c in record_contacts(record) if (c.type, c.value) not in {(k.type, k.value) for k in record.contacts}]
    if found:
        record.contacts = list(record.contacts) + found
    signals = record_signals(record, watchlist)
    if signals:
        record.signals = {**record.signals, **signals}
    return record


def extract(page: Page, platform: str | None = None, watchlist=None) -> list[Envelope]:
    """Records of a page (see ``extract_page``)."""
    return extract_page(page, platform, watchlist).records
