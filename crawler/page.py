"""A fetched page or API response, as parsers see it.

``Page`` holds the URL and the raw bytes, decodes them once and offers the
shared lookups lazily: ``page.sel`` (parsel), ``page.json``,
``page.script_json(id)``, ``page.js_assignment(name)``, ``page.jsonld``,
``page.meta``.

Decoding (``decode_body``) never fails and reads any encoding: a byte order
mark first, then UTF-16/32 without one (NUL byte patterns), the HTTP header
(``content_type``), the document's own ``<meta charset>`` / XML declaration
(HTML only: JSON is UTF-8/16/32 by definition), then detection; bytes the
chosen encoding cannot decode become U+FFFD. A page declared in a single-byte
charset (latin-1, cp1252, ...) whose bytes are valid multi-byte UTF-8 is read
as UTF-8: that mismatch is common and the other reading is mojibake.

``page.text`` is the decoded text exactly; ``page.sel`` is built from a copy
without the characters lxml refuses (C0 controls, NUL, U+FFFE/U+FFFF, lone
surrogates), so a control character in an attribute name cannot crash a parser.

``page.url`` is always one urllib can split (``safe_url``).

Work per page is bounded: a body over ``MAX_PAGE_BYTES`` raises ``PageTooLarge``
(a PageChanged, so an ExtractionError) from ``check_size()`` and from every
lookup that reads the text.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding, to_unicode

from crawler.errors import PageChanged
from crawler.helpers import embedded
from crawler.schema import utc_now

MAX_PAGE_BYTES = 48 * 1024 * 1024  # no real page or API answer comes near; beyond it the work per page is unbounded


class PageTooLarge(PageChanged):
    """The body is larger than MAX_PAGE_BYTES: not read at all."""


# single-byte charsets a server or page declares when it really sends UTF-8
_SINGLE_BYTE = re.compile(r"^(?:ascii|latin[-_]?1|iso[-_]?8859[-_]?\d+|cp125\d|windows[-_]125\d|cp819|us[-_]ascii)$", re.I)
_MULTIBYTE = re.compile("[^\x00-\x7f\ufffd]")


def _utf16_or_32(body: bytes) -> str | None:
    """UTF-16/32 without a BOM, told by where the NUL bytes fall (as RFC 4627 did for JSON)."""
    head = body[:512]
    if len(head) < 4 or b"\x00" not in head[:4]:
        return None
    quads = [head[i:i + 4] for i in range(0, min(len(head) // 4, 4) * 4, 4)]
    if all(q[:3] == b"\x00\x00\x00" and q[3] for q in quads):
        return "utf-32-be"
    if all(q[1:] == b"\x00\x00\x00" and q[0] for q in quads):
        return "utf-32-le"
    pairs = len(head) // 2
    even = head[0:pairs * 2:2].count(0)
    odd = head[1:pairs * 2:2].count(0)
    if even >= 0.75 * pairs and odd <= 0.1 * pairs:
        return "utf-16-be"
    if odd >= 0.75 * pairs and even <= 0.1 * pairs:
        return "utf-16-le"
    return None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detected(body: bytes) -> str | None:
    """The encoding charset_normalizer guesses for a body that declares none and is not UTF-8 (None without it)."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: without it, such bodies are read as UTF-8 with replacement characters
        return None
    try:
        best = from_bytes(body[:256 * 1024]).best()
    except Exception:  # a detector failure is no reason to fail the page
        return None
    return resolve_encoding(best.encoding) if best is not None and best.encoding else None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(encoding, text) of a page body; never raises (see the module docstring for the order)."""
    if isinstance(body, str):
        return "unicode", body
    body = bytes(body or b"")
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return bom_encoding, to_unicode(body[len(bom):], bom_encoding)
    wide = _utf16_or_32(body)
    if wide:
        return wide, to_unicode(body, wide)
    looks_json = body.lstrip()[:1] in (b"{", b"[")
    declared = None
    try:
        declared = http_content_type_encoding(content_type) if content_type else None
        if declared is None and not looks_json:
            declared = html_body_declared_encoding(body)
    except Exception:  # a malformed header or declaration is no declaration
        declared = None
    if declared in ("utf-16", "utf-32"):
        declared += "-be"
    try:
        codec = codecs.lookup(declared).name if declared else None
    except LookupError:  # a name Python has no codec for is no declaration
        declared = codec = None
    if declared and codec != "utf-8":
        if _SINGLE_BYTE.match(declared) or _SINGLE_BYTE.match(codec):
            if not body.isascii() and _is_utf8(body):
                return "utf-8", body.decode("utf-8")
        return declared, to_unicode(body, declared)
    if declared or looks_json or _is_utf8(body):
        return "utf-8", to_unicode(body, "utf-8")
    text = body.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    if invalid <= 8 or len(_MULTIBYTE.findall(text)) >= 4 * invalid:
        # mostly UTF-8 with a few broken bytes: keep it (a detector guessing on it does more harm)
        return "utf-8", text
    detected = _detected(body)
    return (detected, to_unicode(body, detected)) if detected else ("utf-8", text)


def safe_url(url: str | None) -> str:
    """The URL, made readable by urllib when it refuses it (``http://[bad`` raises ValueError in urlsplit):
    brackets outside an IPv6 host percent-encoded; "" when even that fails. Parsers never see a URL
    that makes ``urlsplit(page.url).hostname`` raise."""
    url = url if isinstance(url, str) else ""
    for candidate in (url, url.replace("[", "%5B").replace("]", "%5D")):
        try:
            parts = urlsplit(candidate)
            parts.hostname, parts.port  # noqa: B018 - both raise ValueError on what urllib refuses
        except ValueError:
            continue
        return candidate
    return ""


@dataclass
class Page:
    url: str
    body: bytes
    content_type: str | None = None
    fetched_at: str = field(default_factory=utc_now)
    crawl_id: str = "extract"
    query: str | None = None

    def __post_init__(self) -> None:
        self.url = safe_url(self.url)

    def check_size(self) -> None:
        """Raise PageTooLarge when the body is over MAX_PAGE_BYTES (the extraction entry calls it first)."""
        self.check_size_of(len(self.body or b""))

    @staticmethod
    def check_size_of(size: int) -> None:
        if size > MAX_PAGE_BYTES:
            raise PageTooLarge("page too large: %d bytes, more than the %d MiB a page may have"
                               % (size, MAX_PAGE_BYTES // (1024 * 1024)))

    @cached_property
    def encoding(self) -> str:
        self.check_size()
        encoding, text = decode_body(self.body, self.content_type)
        self.__dict__["text"] = text
        return encoding

    @cached_property
    def text(self) -> str:
        self.check_size()
        encoding, text = decode_body(self.body, self.content_type)
        self.__dict__["encoding"] = encoding
        return text

    @property
    def host(self) -> str:
        try:
            return (urlsplit(self.url or "").hostname or "").lower()
        except ValueError:  # "http://[bad" and other URLs urlsplit refuses
            return ""

    @cached_property
    def sel(self) -> Selector:
        return embedded.html_selector(self.text)

    @cached_property
    def is_json(self) -> bool:
        return self.text.lstrip()[:1] in ("{", "[")

    @cached_property
    def json(self) -> Any:
        try:
            return embedded.parse_json(self.text)
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
