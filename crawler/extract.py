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

Work per page is bounded: ``crawler.page.MAX_PAGE_BYTES`` of input and ``MAX_SECONDS`` of parsing.
"""
from __future__ import annotations

import contextlib
import logging
import signal
import threading
from dataclasses import dataclass

from crawler.blocks import explain
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

MAX_SECONDS = 30.0


@dataclass
class Extraction:
    parser: object  # a Parser, or the ShapeReader
    records: list[Envelope]
    status: str | None = None  # an API answer's own status field ("status_code=0"), for the crawl's stats


_STATUS_KEYS = ("status_code", "statusCode", "code", "ret", "error", "errno", "ok", "success", "status")


def api_status(page: Page) -> str | None:
    """``key=value`` of the status field an API answer carries at its top level, else None. Data is
    read whatever it says (platforms send complete data with non-zero codes); the crawl counts it."""
    if not page.is_json:
        return None
    try:
        data = page.json
    except ExtractionError:
        return None
    if not isinstance(data, dict):
        return None
    for key in _STATUS_KEYS:
        value = data.get(key)
        if isinstance(value, list) and value and isinstance(value[0], str):  # mtop: "ret": ["SUCCESS::ok"]
            value = value[0].split("::")[0]
        if isinstance(value, (bool, int, str)) and len(str(value)) <= 40:
            return "%s=%s" % (key, str(value).lower() if isinstance(value, bool) else value)
    return None


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
    verdict = explain(page)
    if verdict:
        return "%s (by its %s)" % (verdict.reason, verdict.why)
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
    page.check_size()  # crawler.page.MAX_PAGE_BYTES
    check_platform(platform)
    tried: list = []
    failures: list[ExtractionError] = []
    empty = None
    for parser in candidates(page, platform):
        tried.append(parser)
        try:
            records = _parse(parser, page)
        except ExtractionError as exc:
            failures.append(exc)
            continue
        if records:
            return Extraction(parser, [enrich(r, watchlist) for r in records], api_status(page))
        empty = empty or parser
    slug = _shape_platform(page, platform, tried)
    if slug and page.is_json and empty is None:  # a parser that read the answer and found it empty is believed
        reader = ShapeReader(slug)
        try:
            records = _parse(reader, page)
        except ExtractionError as exc:
            failures.append(exc)
        else:
            if records:
                return Extraction(reader, [enrich(r, watchlist) for r in records], api_status(page))
    blocked = next((f for f in failures if isinstance(f, BlockedPage)), None)
    if blocked is not None:
        raise blocked
    decided = _block_reason(page, platform, tried)
    if decided:
        reason, _, why = decided.partition(" ")
        why = " " + why if why else ""
        where = platform or (tried[0].platform_for(page) if tried else platform_of_host(page.url))
        raise BlockedPage(reason, "%s served a %s page%s" % (where, reason, why) if where else
                          "the page is a %s page, not content%s" % (reason, why))
    if empty is not None:
        return Extraction(empty, [], api_status(page))
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


@dataclass
class Sources:
    """What the several sources of one page gave (see ``extract_sources``)."""
    records: list[tuple[Envelope, object]]  # (record, the parser that read it), one per (kind, id)
    blocked: str | None = None  # a block reason, when no source gave a record
    failure: tuple[str, ExtractionError] | None = None  # the first document's error, when nothing was read
    statuses: list[str] | None = None  # API answers' status fields
    unread_api: int = 0  # API answers no parser could read


def extract_sources(pages: list[tuple[Page, str]], platform: str | None = None, watchlist=None) -> Sources:
    """Records of one page read from each of its sources: ``(Page, origin)`` with origin "page" (as
    rendered), "served" (as the server sent it) or "api" (answers it fetched itself). Of the records
    the sources share, the one that says most is kept (``richest``), never a mix of two. A block
    counts only when no source gave a record; an unreadable API answer is not a failure of the page."""
    found: list[tuple[Envelope, object]] = []
    out = Sources(records=[], statuses=[])
    for page, origin in pages:
        try:
            extraction = extract_page(page, platform, watchlist)
        except BlockedPage as exc:
            out.blocked = out.blocked or exc.reason
            continue
        except ExtractionError as exc:
            if origin == "api":
                out.unread_api += 1
                logger.debug("%s: %s", page.url, exc)
            elif out.failure is None:
                out.failure = (page.url, exc)
            continue
        if extraction.status:
            out.statuses.append(extraction.status)
        found.extend((record, extraction.parser) for record in extraction.records)
    out.records = richest(found)
    if out.records:
        out.blocked = None
    return out


def _filled(value) -> int:
    if isinstance(value, dict):
        return sum(_filled(v) for v in value.values())
    if isinstance(value, list):
        return 1 if value else 0
    return 0 if value is None else 1


def richest(records: list) -> list:
    """One record per (kind, id) among a page and the API answers it fetched: the one that says most
    (a profile's post tiles carry views only; the same posts from the list API are complete), in the
    order they were first seen."""
    best: dict[tuple[str, str], tuple] = {}
    for record, parser in records:
        key = (record.kind, record.id)
        score = _filled(record.model_dump(exclude={"evidence", "source_url", "extractor", "partial"}))
        if key not in best or score > best[key][2]:
            best[key] = (record, parser, score, best.get(key, (None, None, None, len(best)))[3])
    kept = [(record, parser) for record, parser, _score, _order in sorted(best.values(), key=lambda item: item[3])]
    # one object read whole from one source and partly from another (meta tags of the rendered page, the
    # served page's JSON-LD) may carry two ids: the partial reading of the same URL goes
    whole = {(record.kind, record.url) for record, _ in kept if not record.partial}
    return [(record, parser) for record, parser in kept if not (record.partial and (record.kind, record.url) in whole)]


def extract(page: Page, platform: str | None = None, watchlist=None) -> list[Envelope]:
    """Records of a page (see ``extract_page``)."""
    return extract_page(page, platform, watchlist).records
