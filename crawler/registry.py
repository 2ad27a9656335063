"""Which parser reads a page: chosen from the URL, and from the content where the URL says too little.

Parsers register with ``@register``. ``choose(page, platform)`` tries, in order:
1. parsers whose ``url_pattern`` matches the URL and that ``accept`` the page;
2. parsers that ``sniff`` the content (highest ``priority`` first; the generic
   ``web`` JSON-LD parser comes last).
"""
from __future__ import annotations

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


def choose(page: Page, platform: str | None = None):
    candidates = all_parsers()
    if platform:
        if platform not in platforms():
            raise NoParser("unknown platform %r (known: %s)" % (platform, ", ".join(sorted(platforms()))))
        candidates = [p for p in candidates if platform in p.platforms]
    for parser in candidates:
        if parser.matches_url(page.url) and parser.accepts(page):
            return parser
    sniffers = sorted((p for p in candidates if p.sniff(page)), key=lambda p: -p.priority)
    if sniffers:
        return sniffers[0]
    where = "platform %s" % platform if platform else "any platform"
    raise NoParser("no parser of %s understands this page (url %s)" % (where, page.url or "not given"))
