"""A fetched page or API response, as parsers see it.

``Page`` holds the URL and the raw bytes, decodes them once (charset from the
HTTP header or the document, as Scrapy would) and offers the shared lookups
lazily: ``page.sel`` (parsel), ``page.json``, ``page.script_json(id)``,
``page.js_assignment(name)``, ``page.jsonld``, ``page.meta``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from w3lib.encoding import html_to_unicode

from crawler.errors import PageChanged
from crawler.helpers import embedded
from crawler.schema import utc_now


@dataclass
class Page:
    url: str
    body: bytes
    content_type: str | None = None
    fetched_at: str = field(default_factory=utc_now)
    crawl_id: str = "extract"
    query: str | None = None

    @cached_property
    def text(self) -> str:
        _encoding, text = html_to_unicode(self.content_type, self.body)
        return text

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @cached_property
    def sel(self) -> Selector:
        return Selector(text=self.text or "<html></html>", type="html")

    @cached_property
    def is_json(self) -> bool:
        return self.text.lstrip()[:1] in ("{", "[")

    @cached_property
    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError as exc:
            raise PageChanged("expected a JSON response, got something else (%s)" % exc) from None

    def script_json(self, script_id: str) -> Any:
        """The JSON of ``<script id=script_id>``, decoded once per page (parsers ask more than once)."""
        cache = self.__dict__.setdefault("_script_json", {})
        if script_id not in cache:
            cache[script_id] = embedded.script_json(self.sel, script_id)
        return cache[script_id]

    def js_assignment(self, name: str) -> Any:
        return embedded.js_assignment(self.text, name)

    @cached_property
    def jsonld(self) -> list[dict]:
        return embedded.jsonld(self.sel)

    @cached_property
    def meta(self) -> dict[str, str]:
        return embedded.meta_tags(self.sel)

    @cached_property
    def title(self) -> str:
        if self.is_json:
            return ""
        return (self.sel.xpath("//title/text()").get() or "").strip()
