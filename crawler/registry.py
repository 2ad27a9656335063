"""Which parsers may read a page, best first: the URL is a hint, the content decides.

Parsers register with ``@register``. ``candidates(page, platform)`` orders them:
1. parsers whose ``url_pattern`` matches the URL and that ``accept`` the page;
2. parsers that ``sniff`` the content, whatever the URL (highest ``priority`` first; the generic
   ``web`` JSON-LD parser comes last);
``crawler.extract`` tries them in that order and, when none yields a record from a JSON answer,
falls back to the shape reader (``crawler/shape.py``). ``choose`` is the first candidate.
"""
from __future__ import annotations

from collections.abc import Iterator

from crawler.errors import NoParser
from crawler.page import Page

_PARSERS: list = []


def register(cls):
    _PARSERS.append(cls())
    return cls


def all_parsers() -> list:
    _load()
    return list(_PARSERS)


def platforms() -> list[str]:
    seen: dict[str, None] = {}
    for parser in all_parsers():
        for slug in parser.platforms:
            seen[slug] = None
    return list(seen)


def _load() -> None:
    import crawler.parsers  # noqa: F401  (registers every parser)


def check_platform(platform: str | None) -> None:
    if platform and platform not in platforms():
        raise NoParser("unknown platform %r (known: %s)" % (platform, ", ".join(sorted(platforms()))))


def candidates(page: Page, platform: str | None = None) -> Iterator:
    """Parsers that may read the page, best first (see the module docstring). Lazy: a sniffer is asked
    only when every better candidate failed (the generic ``web`` sniff reads microdata and RDFa)."""
    check_platform(platform)
    pool = [p for p in all_parsers() if not platform or platform in p.platforms]
    by_url = [p for p in pool if p.matches_url(page.url) and p.accepts(page)]
    yield from by_url
    for parser in sorted((p for p in pool if p not in by_url), key=lambda p: -p.priority):
        if parser.sniff(page):
            yield parser


def choose(page: Page, platform: str | None = None):
    found = next(iter(candidates(page, platform)), None)
    if found is not None:
        return found
    where = "platform %s" % platform if platform else "any platform"
    raise NoParser("no parser of %s understands this page (url %s)" % (where, page.url or "not given"))
