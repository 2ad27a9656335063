"""What every platform parser is: URL (and content) recognition plus ``parse(page)``.

A parser is pure: it reads a ``Page`` (URL + bytes) and yields schema records,
with no network. Subclasses set ``platform``, ``page_type`` and ``url_pattern``
(a regex searched in the URL), and may override:

- ``body``: "json" or "html", the kind of body it reads (the default ``accepts``);
- ``markers``: strings that all appear in a body of the shape it reads (the default ``sniff``);
- ``accepts(page)``: whether a URL-matched page really is theirs;
- ``sniff(page)``: whether the content alone says so, whatever the URL (the registry routes
  by content: the URL is a hint, not a gate);
- ``detect_block(page)``: platform-specific captcha or login-wall markers;
- ``platform_for(page)``: one parser serving several slugs (Taobao and Tmall).

``self.record(page, "listing", extractor="hydration", id=..., ...)`` fills the
envelope (platform, source_url, fetched_at, crawl_id, query) and validates.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from crawler.errors import PageChanged
from crawler.redact import NAVIGATION_PARAMS, redact_url
from crawler.page import Page
from crawler.schema import KINDS, Envelope


class Parser:
    platform: ClassVar[str]
    page_type: ClassVar[str]
    url_pattern: ClassVar[str | None] = None
    priority: ClassVar[int] = 0  # higher is tried first when several parsers sniff a page
    body: ClassVar[str | None] = None  # "json" or "html": the kind of body this parser reads
    markers: ClassVar[tuple[str, ...]] = ()  # all present in a body of the shape this parser reads

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.url_re = re.compile(cls.url_pattern, re.I) if cls.url_pattern else None

    @property
    def name(self) -> str:
        return "%s/%s" % (self.platform, self.page_type)

    @property
    def platforms(self) -> tuple[str, ...]:
        return (self.platform,)

    def matches_url(self, url: str) -> bool:
        return bool(self.url_re and url and self.url_re.search(url))

    def accepts(self, page: Page) -> bool:
        return self.body is None or page.is_json == (self.body == "json")

    def sniff(self, page: Page) -> bool:
        return bool(self.markers) and self.accepts(page) and all(m in page.text for m in self.markers)

    def detect_block(self, page: Page) -> str | None:
        return None

    def platform_for(self, page: Page) -> str:
        return self.platform

    def parse(self, page: Page) -> Iterator[Envelope]:
        raise NotImplementedError

    def record(self, page: Page, kind: str, **fields: Any) -> Envelope:
        fields.setdefault("platform", self.platform_for(page))
        fields.setdefault("source_url", page.url)
        fields.setdefault("fetched_at", page.fetched_at)
        fields.setdefault("crawl_id", page.crawl_id)
        fields.setdefault("query", page.query)
        for key in ("url", "source_url"):  # without signing tokens (crawler.redact; the link keeps what
            if isinstance(fields.get(key), str):  # following it needs, RedactPipeline strips it before storage)
                fields[key] = redact_url(fields[key], keep=NAVIGATION_PARAMS if key == "url" else ())
        return KINDS[kind](**fields)

    def changed(self, what: str) -> PageChanged:
        """The error to raise when the page no longer looks as this parser expects."""
        return PageChanged("%s: %s (the page layout may have changed)" % (self.name, what))


def require(value: Any, parser: Parser, what: str) -> Any:
    """``value`` if present, else raise the parser's PageChanged naming ``what``."""
    if value is None or value == [] or value == {}:
        raise parser.changed("%s not found" % what)
    return value


def unique(records: Iterable[Envelope]) -> Iterator[Envelope]:
    """Drop repeated (kind, id) pairs, keeping the first (search pages repeat cards)."""
    seen: set[tuple[str, str]] = set()
    for rec in records:
        key = (rec.kind, rec.id)
        if key not in seen:
            seen.add(key)
            yield rec
