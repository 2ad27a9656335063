"""Turn one page into records: block check, parser choice, parse, de-duplicate.

The single entry point used by ``scrapy extract``, by the spiders and by the tests.
"""
from __future__ import annotations

from dataclasses import dataclass

from crawler.blocks import detect_block
from crawler.errors import BlockedPage, NoParser
from crawler.page import Page
from crawler.parsers.base import Parser, unique
from crawler.registry import choose
from crawler.schema import Envelope


@dataclass
class Extraction:
    parser: Parser
    records: list[Envelope]


def extract_page(page: Page, platform: str | None = None) -> Extraction:
    """The parser that read the page and its records.
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
    return Extraction(parser, list(unique(parser.parse(page))))


def extract(page: Page, platform: str | None = None) -> list[Envelope]:
    """Records of a page (see ``extract_page``)."""
    return extract_page(page, platform).records
