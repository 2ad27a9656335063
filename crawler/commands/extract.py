"""``scrapy extract PATH --url URL [--platform SLUG]``: records of one saved page, as JSON Lines.

Exit status: 0 with records printed; 1 the page was understood but holds no
record (an empty result list); 2 bad input (missing or unreadable file, unknown
platform, a page no parser understands or whose data is not where it should
be); 3 a blocked page (captcha, verification, login wall), named on stderr.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler import exitcodes
from crawler.errors import BlockedPage, ExtractionError
from crawler.extract import extract
from crawler.page import Page
from crawler.records import to_json_line

EXIT_OK, EXIT_EMPTY, EXIT_BAD_INPUT, EXIT_BLOCKED = 0, 1, 2, 3


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "PATH --url URL [--platform SLUG]"

    def short_desc(self) -> str:
        return "Print the records of one saved page or API response as JSON Lines"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--url", default="", help="the URL the page was fetched from")
        parser.add_argument("--platform", default=None, help="platform slug, when the URL says too little")
        parser.add_argument("--query", default=None, help="the search term or target that led to the page")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one PATH")
        self.exitcode = run_extract(Path(args[0]), opts.url, opts.platform, opts.query)



def run_extract(path: Path, url: str, platform: str | None, query: str | None = None) -> int:
    try:
        body = path.read_bytes()
    except OSError as exc:
        return exitcodes.fail("extract", EXIT_BAD_INPUT, "cannot read %s: %s" % (path, exc.strerror or exc))
    page = Page(url=url or "", body=body, query=query)
    try:
        records = extract(page, platform)
    except BlockedPage as exc:
        return exitcodes.fail("extract", EXIT_BLOCKED, str(exc))
    except ExtractionError as exc:
        return exitcodes.fail("extract", EXIT_BAD_INPUT, str(exc))
    if not records:
        return exitcodes.fail("extract", EXIT_EMPTY, "no record in %s: the page holds an empty result list" % path)
    out = sys.stdout.buffer
    for record in records:
        out.write(to_json_line(record))
    out.flush()
    return EXIT_OK
