"""Turn one page into records: block check, parser choice, parse, de-duplicate.

The single entry point used by ``scrapy extract``, by the spiders and by the tests.
"""
from __future__ import annotations

from crawler.blocks import detect_block
from crawler.errors import BlockedPage, NoParser
from crawler.page import Page
from crawler.parsers.base import unique
from crawler.registry import choose
from crawler.schema import Envelope


def extract(page: Page, platform: str | None = None) -> list[Envelope]:
    """Records of a page. Raises BlockedPage, NoParser or PageChanged (all ExtractionError)."""
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
    return list(unique(parser.parse(page)))
