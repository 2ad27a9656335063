"""``scrapy extract PATH --url URL [--platform SLUG]``: records of one saved page, as JSON Lines.

Exit status (the numbers of `scrapy crawl`): 0 with records printed; 6 the page was understood but holds no
record (an empty result list); 2 bad input (missing or unreadable file, unknown
platform, a page no parser understands or whose data is not where it should
be, a page too large to read, a parser error); 3 a blocked page (captcha,
verification, login wall), named on stderr. Every failure is one line on
stderr, never a traceback.
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
from crawler.page import MAX_PAGE_BYTES, Page, PageTooLarge
from crawler.records import to_json_line

EXIT_OK, EXIT_BAD_INPUT, EXIT_BLOCKED, EXIT_EMPTY = 0, exitcodes.BAD_CONFIG, exitcodes.BLOCKED, exitcodes.EMPTY


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
        if path.is_file() and path.stat().st_size > MAX_PAGE_BYTES:  # refused before reading it all in
            Page.check_size_of(path.stat().st_size)
        body = path.read_bytes()
    except PageTooLarge as exc:
        return exitcodes.fail("extract", EXIT_BAD_INPUT, str(exc))
    except OSError as exc:
        return exitcodes.fail("extract", EXIT_BAD_INPUT, "cannot read %s: %s" % (path, exc.strerror or exc))
    page = Page(url=url or "", body=body, query=query)
    try:
        page.check_size()
        records = extract(page, platform)
    except BlockedPage as exc:
        return exitcodes.fail("extract", EXIT_BLOCKED, str(exc))
    except ExtractionError as exc:
        return exitcodes.fail("extract", EXIT_BAD_INPUT, str(exc) or type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - last resort: a bug, still one line and no traceback
        return exitcodes.fail("extract", EXIT_BAD_INPUT, "internal error reading %s: %s: %s"
                              % (path, type(exc).__name__, _first_line(exc)))
    if not records:
        return exitcodes.fail("extract", EXIT_EMPTY, "no record in %s: the page holds an empty result list" % path)
    try:
        out = sys.stdout.buffer
        for record in records:
            out.write(to_json_line(record))
        out.flush()
    except BrokenPipeError:  # `scrapy extract ... | head`: the reader left, nothing more to say
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - a record that cannot be written: one line, no traceback
        return exitcodes.fail("extract", EXIT_BAD_INPUT, "cannot write the records of %s: %s: %s"
                              % (path, type(exc).__name__, _first_line(exc)))
    return EXIT_OK


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:300] if lines else "(no message)"
