"""Turn one page into records: block check, parser choice, parse, de-duplicate.

The single entry point used by ``scrapy extract``, by the spiders and by the tests.
"""
from __future__ import annotations

from dataclasses import dataclass

from crawler.blocks import detect_block
from crawler.contacts import record_contacts
from crawler.errors import BlockedPage, NoParser
from crawler.page import Page
from crawler.parsers.base import Parser, unique
from crawler.registry import choose
from crawler.schema import Envelope
from crawler.signals import record_signals


@dataclass
class Extraction:
    parser: Parser
    records: list[Envelope]


def extract_page(page: Page, platform: str | None = None, watchlist=None) -> Extraction:
    """The parser that read the page and its records, with their contacts and signals filled
    (``watchlist``, a crawler.watchlist.Watchlist, adds brand_mentions and price_ratio).
    Raises BlockedPage, NoParser or PageChanged (all ExtractionError)."""
    if not page.body.strip():
        raise NoParser("the page is empty (0 bytes of content)")
    generic = detect_block(page)
    try:
        parser = choose(page, platform)
    except NoParser:
        if generic:
            raise BlockedPage(generic, "the page is a %s page, not content" % generic) from None
        raise
    reason = generic or parser.detect_block(page)
    if reason:
        raise BlockedPage(reason, "%s served a %s page" % (parser.platform_for(page), reason))
    records = list(unique(parser.parse(page)))
    for record in records:
        enrich(record, watchlist)
    return Extraction(parser, records)


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
