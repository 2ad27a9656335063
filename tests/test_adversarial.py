"""Adversarial inputs (issue 10, items 8 and 9): nothing but typed errors, nothing invented.

Every real capture in ../shared/real-pages (when that folder is present) and every project
fixture listed in fixtures/pages/*/urls.json is damaged in the ways real crawls and hostile
pages damage it:

- truncations at several cut points, and the harmless cut of everything after ``</body>``;
- byte edits next to values: a digit of an id flipped, a quote or a brace glued to an id or
  a number; every written form of one record id, or of one text value, erased from the page;
- inside the embedded state or the JSON answer: every scalar of another type
  (``tests.support.wrong_types``), scalars deleted or nulled, an object replaced by a string,
  a dict by a list, a container by null;
- the page under another platform's URL, under no URL, under a URL urllib refuses;
- JSON and HTML nested 10,000 deep;
- encodings: UTF-8 BOM, UTF-16 with and without BOM, latin-1 declared but UTF-8 sent, invalid
  bytes, NUL and control characters in attribute names and text.

Each damaged page must give records or a ``crawler.errors.ExtractionError`` with a one-line
message, never another exception; a ``ParserError`` (a parser failing in a way it should not)
fails the test and names the parser and the line. Records must not invent: every record id
appears in the damaged page in some literal form, and a value deleted from the data is either
missing from the records or still written somewhere in the page. A page that is not blocked
does not become "blocked" through a harmless change (tail cut, another URL, another encoding),
and a page re-encoded without loss (BOM, UTF-16, a wrong single-byte declaration) gives the same
records as the original.

Mutations are sampled deterministically (a seed per capture and mutation), not exhaustively:
the whole file runs in a few minutes.
"""
from __future__ import annotations

import hashlib
import html
import json
import logging
import random
import re
import traceback
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import chompjs
import pytest

from crawler import errors
from crawler.errors import BlockedPage, ExtractionError
from crawler.extract import extract
from crawler.helpers import embedded
from crawler.page import Page
from crawler.records import to_dict
from tests.support import PAGES, REAL_PAGES, wrong_types

ParserError = getattr(errors, "ParserError", None)
DEEP = 10_000
SAME_PLATFORM = [{"taobao", "tmall"}, {"tiktok", "tiktok_shop"}]


# ---------------------------------------------------------------- the pages


@dataclass(frozen=True)
class Subject:
    name: str  # "real/amazon/x.html" or "fixture/amazon/x.html"
    path: Path
    url: str
    platform: str
    blocked: bool | None  # real captures: what expected.json says; fixtures: the unchanged page decides


def _subjects() -> list[Subject]:
    out = []
    expected = REAL_PAGES / "expected.json"
    if expected.exists():
        for entry in json.loads(expected.read_text(encoding="utf-8")):
            path = REAL_PAGES / entry["file"]
            if path.exists():
                out.append(Subject("real/" + entry["file"], path, entry.get("url") or "",
                                   entry.get("platform") or path.parent.name, bool(entry.get("blocked"))))
    for index in sorted(PAGES.glob("*/urls.json")):
        for name, url in json.loads(index.read_text(encoding="utf-8")).items():
            path = index.parent / name
            out.append(Subject("fixture/%s/%s" % (index.parent.name, name), path, url, index.parent.name, None))
    return out


SUBJECTS = _subjects()
BY_NAME = {s.name: s for s in SUBJECTS}


def _seed(*parts: str) -> random.Random:
    return random.Random(int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:16], 16))


def _other_urls(subject: Subject) -> list[tuple[str, str]]:
    """Two URLs of other platforms (platform, url), chosen per capture with a fixed seed."""
    pool: dict[str, str] = {}
    for other in SUBJECTS:
        if other.url and other.platform not in _family(subject.platform) | {"blocked", "web", "other"}:
            pool.setdefault(other.platform, other.url)
    platforms = sorted(pool)
    _seed(subject.name, "urls").shuffle(platforms)
    return [(p, pool[p]) for p in platforms[:2]]


def _family(platform: str) -> set[str]:
    for group in SAME_PLATFORM:
        if platform in group:
            return set(group)
    return {platform}


# ---------------------------------------------------------------- running one page


@dataclass
class Result:
    page: Page
    records: list | None
    error: ExtractionError | None

    @property
    def blocked(self) -> bool:
        return isinstance(self.error, BlockedPage)


class _Logged(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.exc_infos = []

    def emit(self, record):
        if record.exc_info:
            self.exc_infos.append(record.exc_info)


def _where(tb) -> str:
    """The innermost project frame of a traceback: file:line (function)."""
    frames = [f for f in traceback.extract_tb(tb) if "/crawler/" in f.filename]
    frames = frames or traceback.extract_tb(tb)
    if not frames:
        return "?"
    parsers = [f for f in frames if "/crawler/parsers/" in f.filename]
    f = (parsers or frames)[-1]
    path = "crawler/" + f.filename.split("/crawler/", 1)[1] if "/crawler/" in f.filename else f.filename
    return "%s:%d (%s)" % (path, f.lineno, f.name)


def run(subject: Subject, mutation: str, body: bytes, url: str | None = None, content_type: str | None = None) -> Result:
    """Extract a page; anything but an ExtractionError, or a ParserError, fails the test with where it came from."""
    page = Page(url=subject.url if url is None else url, body=body, content_type=content_type,
                fetched_at="2026-01-01T00:00:00Z", crawl_id="adversarial")
    logger = logging.getLogger("crawler.extract")
    handler, level = _Logged(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        records = extract(page)
    except ExtractionError as exc:
        message = str(exc).strip()
        if ParserError is not None and isinstance(exc, ParserError):
            where = "; ".join(_where(info[2]) for info in handler.exc_infos) or "?"
            pytest.fail("%s / %s: %s at %s" % (subject.name, mutation, message, where), pytrace=False)
        assert message and "\n" not in message, "%s / %s: errors are one line: %r" % (subject.name, mutation, message)
        return Result(page, None, exc)
    except Exception as exc:  # noqa: BLE001 - the point of the suite
        pytest.fail("%s / %s: %s: %s at %s" % (subject.name, mutation, type(exc).__name__,
                                               str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "",
                                               _where(exc.__traceback__)), pytrace=False)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return Result(page, records, None)


@lru_cache(maxsize=None)
def baseline(name: str) -> Result:
    subject = BY_NAME[name]
    return run(subject, "as-is", subject.path.read_bytes())


# ---------------------------------------------------------------- what "not invented" means


def literal_forms(value: str) -> set[str]:
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
             html.escape(value), html.escape(value, quote=False), quote(value, safe=""), quote_plus(value, safe="")}
    return forms | {f.replace("/", "\\/") for f in forms} | {f.replace("</", "<\\/") for f in forms}


class Haystack:
    """The damaged page as text, in every form a value can be written in it."""

    def __init__(self, page: Page):
        self.texts = [page.text, page.body.decode("utf-8", "replace"), page.body.decode("latin-1")]
        self._unescaped = None

    def _search(self, pattern: str) -> bool:
        regex = re.compile(pattern)
        return any(regex.search(text) for text in self.texts[:2])

    def has(self, value: str) -> bool:
        """``value`` written in the page: as is, JSON-, HTML- or URL-escaped; an id also with a separator
        between its letters and digits ("MLM-123" for "MLM123"); a URL also without its scheme."""
        forms = literal_forms(value)
        if value.startswith(("https://", "http://")):
            forms |= literal_forms("//" + value.split("//", 1)[1])
        if any(form in text for text in self.texts for form in forms):
            return True
        if self._unescaped is None:
            self._unescaped = html.unescape(self.texts[0])
        if value in self._unescaped:
            return True
        if value.isdigit() and len(value) >= 15 and any(_shortcode(int(value)) in text for text in self.texts[:1]):
            return True
        parts = re.findall(r"[A-Za-z]+|\d+", value)
        if len(parts) > 1 and "".join(parts) == value:
            return self._search("[-_ ]?".join(re.escape(p) for p in parts))
        return False

    def has_scaled(self, value: Any) -> bool:
        """A number written in the page as is or in smaller units (cents, milliseconds, Shopee's 1e-5)."""
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return False
        return any(self.has_number(number.scaleb(k)) for k in range(0, 7))

    def has_number(self, value: Any) -> bool:
        """A number written in the page, grouped or not ("459000", "Rp459.000", "1.234,50", "18,45 €")."""
        try:
            number = Decimal(str(value).strip()).normalize()
        except InvalidOperation:
            return False
        text = format(number, "f")
        whole, _, fraction = text.lstrip("-").partition(".")
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        pattern = "(?<![\\d.,])" + "[.,\\s\u00a0\u202f']?".join(groups)
        pattern += ("[.,]%s0*" % fraction) if fraction else "(?:[.,]0+)?"
        return self._search(pattern + "(?![\\d])")


_SHORTCODE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _shortcode(media_id: int) -> str:
    """Instagram's shortcode of a numeric media id (base 64, its own alphabet): the same id in the page's URLs."""
    out = ""
    while media_id:
        media_id, digit = divmod(media_id, 64)
        out = _SHORTCODE[digit] + out
    return "/" + out


def _norm(value: Any) -> str | None:
    """A comparable form of a scalar: numbers by value ("n:28.5"), strings as written ("s:..."), short ones ignored."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, Decimal)) or isinstance(value, str) and re.fullmatch(r"-?\d+(?:\.\d+)?", value.strip()):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        if not number.is_finite() or abs(number) < 10 and number == number.to_integral_value():
            return None  # 0..9: too common to tell where a value came from
        return "n:%s" % number.normalize()
    if isinstance(value, str) and len(value.strip()) >= 3:
        return "s:" + value
    return None


def _leaves(value: Any):
    stack = [value]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)
        else:
            yield cur


# fields a parser derives or builds rather than copies (codes, enums, canonical URLs, computed extras)
_DERIVED = {"source_url", "fetched_at", "crawl_id", "query", "platform", "kind", "extractor", "evidence", "schema_version",
            "partial", "currency", "media_type", "condition", "availability", "status", "url", "signals", "contacts",
            "images"}  # image URLs are often built from an image id and the platform's URL template


def record_values(records) -> dict[str, Any]:
    """norm -> value of every scalar the records copy from the page (derived fields aside)."""
    out = {}
    for record in records or []:
        stack = [to_dict(record)]
        while stack:
            cur = stack.pop()
            if isinstance(cur, dict):
                stack.extend(v for k, v in cur.items() if k not in _DERIVED)
            elif isinstance(cur, list):
                stack.extend(cur)
            else:
                n = _norm(cur)
                if n:
                    out[n] = cur
    return out


def assert_honest(subject: Subject, mutation: str, result: Result, removed: list = ()) -> None:
    """Ids in the page; values removed from the data not in the records unless the page still carries them."""
    if not result.records:
        return
    hay = Haystack(result.page)
    for record in result.records:
        assert hay.has(record.id), "%s / %s: %s %s has an id the page does not carry (invented)" % (
            subject.name, mutation, record.kind, record.id)
    carried = record_values(result.records)
    for value in removed:
        n = _norm(value)
        if n and n in carried:
            written = [value if isinstance(value, str) else json.dumps(value), str(carried[n])]
            assert any(hay.has(w) for w in written) or n.startswith("n:") and hay.has_scaled(carried[n]) \
                or _joined(carried[n], hay), (
                "%s / %s: the records carry %r, deleted from the data and written nowhere else in the page (invented)"
                % (subject.name, mutation, carried[n]))


def _joined(value: Any, hay: Haystack) -> bool:
    """A text a parser joins from parts the page still carries ("Draper, UT" from city and state)."""
    parts = [p for p in re.split(r"\s*[,|·/]\s*|\s+-\s+", value) if p] if isinstance(value, str) else []
    return len(parts) > 1 and all(hay.has(p) for p in parts)


def assert_not_newly_blocked(subject: Subject, mutation: str, result: Result) -> None:
    was_blocked = subject.blocked if subject.blocked is not None else baseline(subject.name).blocked
    if not was_blocked:
        assert not result.blocked, "%s / %s: a page that is not blocked became %s" % (subject.name, mutation, result.error)


def assert_same_records(subject: Subject, mutation: str, result: Result) -> None:
    base = baseline(subject.name)
    assert_not_newly_blocked(subject, mutation, result)
    if base.records:
        assert result.records, "%s / %s: the same page re-encoded gives no record (%s)" % (subject.name, mutation, result.error)
        got = sorted((r.kind, r.id) for r in result.records)
        want = sorted((r.kind, r.id) for r in base.records)
        assert got == want, "%s / %s: other records than the original page: %s != %s" % (subject.name, mutation, got[:5], want[:5])


# ---------------------------------------------------------------- the embedded state


_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.S | re.I)
_ASSIGN = re.compile(r"(?:window\.|var\s+|let\s+|const\s+|self\.)?[A-Za-z_$][\w$.]*\s*=\s*(?=[{\[])")


@dataclass
class Block:
    start: int  # span in the page text
    end: int
    data: Any
    jsonld: bool


@lru_cache(maxsize=None)
def blocks(name: str) -> list[Block]:
    """The JSON / JS-literal data blocks of a page, largest first (a JSON answer: the whole body)."""
    text = baseline(name).page.text
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            return [Block(text.index(stripped[0]), len(text.rstrip()), json.loads(stripped), False)]
        except (ValueError, RecursionError):
            return []
    out = []
    for match in _SCRIPT.finditer(text):
        content, offset = match.group(1), match.start(1)
        head = match.group(0)[:200].lower()
        lead = len(content) - len(content.lstrip())
        body = content.strip()
        if len(body) < 20:
            continue
        if body[:1] in "{[":
            try:
                out.append(Block(offset + lead, offset + lead + len(body), json.loads(body), "ld+json" in head))
                continue
            except (ValueError, RecursionError):
                pass
        assign = _ASSIGN.search(content[:2000])
        if not assign:
            continue
        end = embedded._balanced_end(content, assign.end())
        if end is None:
            continue
        literal = content[assign.end():end]
        try:
            data = json.loads(literal)
        except ValueError:
            try:
                data = chompjs.parse_js_object(literal)
            except (ValueError, RecursionError):
                continue
        except RecursionError:
            continue
        out.append(Block(offset + assign.end(), offset + end, data, False))
    return sorted(out, key=lambda b: b.start - b.end)


def _dump(data: Any) -> str:
    return json.dumps(data).replace("</", "<\\/")


def _encode(name: str, text: str) -> bytes:
    """A changed page text back to bytes, in the page's own encoding where it can hold it."""
    encoding = getattr(baseline(name).page, "encoding", "utf-8")
    if not encoding or encoding.startswith(("utf-16", "utf-32", "unicode")):
        encoding = "utf-8"
    return text.encode(encoding, errors="xmlcharrefreplace")


def with_block(name: str, block: Block, replacement: str) -> bytes:
    text = baseline(name).page.text
    return _encode(name, text[:block.start] + replacement + text[block.end:])


def _nodes(data: Any):
    """(path, value) of every node under the root, iteratively."""
    stack = [((), data)]
    while stack:
        path, cur = stack.pop()
        if path:
            yield path, cur
        if isinstance(cur, dict):
            stack.extend(((*path, k), v) for k, v in cur.items())
        elif isinstance(cur, list):
            stack.extend(((*path, i), v) for i, v in enumerate(cur))


@lru_cache(maxsize=None)
def targets(name: str) -> tuple[list, list]:
    """In the main block: the scalars that feed the records (their paths) and the containers above them."""
    found = blocks(name)
    if not found:
        return [], []
    carried = set(record_values(baseline(name).records))
    scalars = [path for path, value in _nodes(found[0].data)
               if not isinstance(value, (dict, list)) and _norm(value) in carried]
    containers = sorted({path[:i] for path in scalars for i in range(1, len(path))}, key=lambda p: (len(p), repr(p)))
    return scalars, containers


def _get(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _get(data, path[:-1])[path[-1]] = value
    return data


def _delete(data: Any, path: tuple) -> Any:
    parent = _get(data, path[:-1])
    if isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = None
    return data


_DEEP_MARK = "__adversarial_deep__"


def state_mutation(subject: Subject, kind: str, index: int) -> tuple[bytes, list]:
    """The page with its main data block changed by ``kind``; and the scalar values removed from it."""
    name = subject.name
    found = blocks(name)
    if not found:
        pytest.skip("no JSON or JS-literal data in the page")
    block = found[0]
    if kind == "jsonld-wrong-types":
        lds = [b for b in found if b.jsonld]
        if not lds:
            pytest.skip("no JSON-LD in the page")
        text = baseline(name).page.text
        for ld in sorted(lds, key=lambda b: -b.start):  # from the end, so earlier spans stay valid
            text = text[:ld.start] + _dump(wrong_types(ld.data)) + text[ld.end:]
        return _encode(name, text), []
    data = json.loads(json.dumps(block.data))  # a fresh copy
    scalars, containers = targets(name)
    rng = _seed(name, kind, str(index))
    if kind == "wrong-types":
        return with_block(name, block, _dump(wrong_types(data))), []
    if kind == "json-html-controls":  # HTML kept inside the data (descriptions, embeds): control chars in its tags
        changed = 0
        for path, value in list(_nodes(data)):
            if isinstance(value, str) and re.search(r"<[a-zA-Z]", value):
                _set(data, path, re.sub(r"<([a-zA-Z]\w*)", '<\\1 \x01a\x00b="1"', value).replace(">", ">\x0b", 1))
                changed += 1
        if not changed:
            pytest.skip("no HTML inside the data")
        return with_block(name, block, _dump(data)), []
    if kind == "deep-inside":
        spot = rng.choice(containers) if containers else ()
        if spot:
            _set(data, spot, _DEEP_MARK)
        elif isinstance(data, dict):
            data[_DEEP_MARK] = _DEEP_MARK
        else:
            data = [_DEEP_MARK, data]
        return with_block(name, block, _dump(data).replace('"%s"' % _DEEP_MARK, "[" * DEEP + "]" * DEEP, 1)), []
    if kind in ("del-scalar", "scalar-null", "scalar-wrongtype"):
        if len(scalars) <= index:
            pytest.skip("fewer scalars feeding the records than the mutation index")
        path = rng.sample(scalars, index + 1)[index]
        value = _get(data, path)
        if kind == "del-scalar":
            data = _delete(data, path)
        else:
            data = _set(data, path, None if kind == "scalar-null" else ("many" if not isinstance(value, str) else 9))
        return with_block(name, block, _dump(data)), [value]
    if len(containers) <= index:
        pytest.skip("fewer containers above the record data than the mutation index")
    path = rng.sample(containers, index + 1)[index]
    value = _get(data, path)
    removed = [v for v in _leaves(value) if _norm(v)]
    if kind == "obj-as-string":
        data = _set(data, path, "[object Object]")
    elif kind == "obj-null":
        data = _set(data, path, None)
    elif kind == "dict-as-list":  # a dict where a list was expected and the other way round; values kept
        data = _set(data, path, list(value.values()) if isinstance(value, dict) else {str(i): v for i, v in enumerate(value)})
        removed = []
    else:
        raise AssertionError(kind)
    return with_block(name, block, _dump(data)), removed


# ---------------------------------------------------------------- byte-level mutations


def _cut(body: bytes, fraction: float) -> bytes:
    return body[: int(len(body) * fraction)]


def _near_value(subject: Subject, what: str) -> tuple[int, bytes] | None:
    """(position, bytes) of one occurrence of an id (what="id") or a number (what="number") of the records."""
    body = subject.path.read_bytes()
    base = baseline(subject.name)
    rng = _seed(subject.name, "near", what)
    if what == "id":
        values = sorted({r.id for r in base.records or []})
    else:
        values = sorted(str(v) for v in record_values(base.records).values()
                        if isinstance(v, (int, float)) and not isinstance(v, bool) or isinstance(v, str) and re.fullmatch(r"\d+\.\d+", v))
    rng.shuffle(values)
    for value in values + re.findall(r"\d{6,}", body[:200_000].decode("latin-1"))[:5]:
        raw = value.encode("utf-8")
        spots = [m.start() for m in re.finditer(re.escape(raw), body)]
        if spots:
            return rng.choice(spots), raw
    return None


def byte_edit(subject: Subject, kind: str) -> bytes:
    body = subject.path.read_bytes()
    spot = _near_value(subject, "number" if kind == "brace-after-number" else "id")
    if spot is None:
        pytest.skip("no id or number of the records written in the page")
    pos, raw = spot
    end = pos + len(raw)
    if kind == "flip-digit":
        digits = [i for i in range(pos, end) if 48 <= body[i] <= 57]
        i = digits[-1] if digits else end - 1
        new = bytes([48 + (body[i] - 48 + 1) % 10]) if digits else bytes([body[i] ^ 0x20])
        return body[:i] + new + body[i + 1:]
    if kind == "quote-after-id":
        return body[:end] + b'"' + body[end:]
    if kind == "brace-after-number":
        return body[:end] + b"}{" + body[end:]
    raise AssertionError(kind)


def erase(subject: Subject, what: str, index: int) -> tuple[bytes, list]:
    """The page with every written form of one record id (what="id") or one text value (what="value") erased;
    and the value erased. Values the page does not write literally (derived ones) are not chosen."""
    base = baseline(subject.name)
    if not base.records:
        pytest.skip("the page gives no record")
    text = base.page.text
    hay = Haystack(base.page)
    if what == "id":
        values = sorted({r.id for r in base.records})
    else:
        ids = {r.id for r in base.records}
        values = sorted(v for v in record_values(base.records).values()
                        if isinstance(v, str) and len(v) >= 4 and v not in ids and not re.fullmatch(r"[\d.,\s]+", v))
    values = [v for v in values if hay.has(v)]
    if len(values) <= index:
        pytest.skip("fewer values written in the page than the mutation index")
    value = _seed(subject.name, what, str(index)).sample(values, index + 1)[index]
    forms = literal_forms(value)
    if value.startswith(("https://", "http://")):
        forms |= literal_forms("//" + value.split("//", 1)[1])
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "")
    return _encode(subject.name, text), [value]


def _deep_html(body: bytes) -> bytes:
    match = re.search(rb"<body[^>]*>", body, re.I)
    at = match.end() if match else 0
    return body[:at] + b"<div>" * DEEP + b"deep" + b"</div>" * DEEP + body[at:]


_TAG_ATTR = re.compile(rb"<(meta|div|script|a|span|img|link|li|section|article)\s+([a-z-]+)=", re.I)


def _control_chars(body: bytes, seed: random.Random) -> bytes:
    """NUL and control characters inside attribute names and in text, the way broken templates write them."""
    spots = list(_TAG_ATTR.finditer(body[:2_000_000]))
    chosen = sorted(seed.sample(spots, min(40, len(spots))), key=lambda m: -m.start())
    for n, match in enumerate(chosen):
        name_at = match.start(2)
        char = (b"\x00", b"\x01", b"\x0b", b"\x1f", b"\x0c")[n % 5]
        cut = name_at + (1 if n % 2 else 0)  # inside the name or just before it
        body = body[:cut] + char + body[cut:]
    text_at = body.find(b">", len(body) // 3)
    if text_at > 0:
        body = body[:text_at + 1] + b"\x00\x07\x08" + body[text_at + 1:]
    return body


def _invalid_bytes(body: bytes, seed: random.Random) -> bytes:
    for _ in range(3):
        at = seed.randrange(1, max(2, len(body)))
        body = body[:at] + b"\x80\xff\xc3" + body[at:]
    return body


# ---------------------------------------------------------------- the cases


MUTATIONS = [
    "as-is",
    "cut@0.1", "cut@0.5", "cut@0.9", "cut@random", "tail-after-body",
    "flip-digit", "quote-after-id", "brace-after-number", "erase-id#0", "erase-value#0", "erase-value#1",
    "wrong-types", "jsonld-wrong-types", "json-html-controls",
    "del-scalar#0", "del-scalar#1", "scalar-null#0", "scalar-wrongtype#0",
    "obj-as-string#0", "obj-as-string#1", "dict-as-list#0", "obj-null#0",
    "deep-body", "deep-inside",
    "utf8-bom", "utf16-bom", "utf16le-nobom", "latin1-declared", "invalid-bytes", "control-chars",
    "url-none", "url-broken",
]


def _cases():
    out = []
    for subject in SUBJECTS:
        for mutation in MUTATIONS:
            out.append(pytest.param(subject.name, mutation, id="%s:%s" % (subject.name, mutation)))
        for platform, url in _other_urls(subject):
            out.append(pytest.param(subject.name, "url-as-%s" % platform, id="%s:url-as-%s" % (subject.name, platform)))
    return out


def _is_json(subject: Subject) -> bool:
    return subject.path.read_bytes().lstrip()[:1] in (b"{", b"[")


@pytest.mark.parametrize("name,mutation", _cases())
def test_damaged_page_gives_records_or_a_clear_error(name, mutation):
    subject = BY_NAME[name]
    body = subject.path.read_bytes()
    rng = _seed(name, mutation)
    base = baseline(name)
    kind, _, index = mutation.partition("#")

    if mutation == "as-is":
        assert_honest(subject, mutation, base)
        return
    if mutation.startswith("cut@"):
        fraction = rng.uniform(0.02, 0.98) if mutation == "cut@random" else float(mutation[4:])
        assert_honest(subject, mutation, run(subject, mutation, _cut(body, fraction)))
        return
    if mutation == "tail-after-body":
        end = body.lower().rfind(b"</body>")
        if _is_json(subject) or end < 0:
            pytest.skip("no </body>")
        result = run(subject, mutation, body[:end + len(b"</body>")])
        assert_honest(subject, mutation, result)
        assert_not_newly_blocked(subject, mutation, result)
        return
    if mutation in ("url-none", "url-broken"):
        url = "" if mutation == "url-none" else subject.url.replace("://", "://[", 1) + "]x]"
        result = run(subject, mutation, body, url=url)
        assert_honest(subject, mutation, result)
        return
    if mutation.startswith("url-as-"):
        platform = mutation[len("url-as-"):]
        url = dict(_other_urls(subject))[platform]
        result = run(subject, mutation, body, url=url)
        assert_honest(subject, mutation, result)
        assert_not_newly_blocked(subject, mutation, result)
        allowed = set().union(*(_family(p) for p in {subject.platform} | {r.platform for r in base.records or []})) | {"web"}
        wrong = sorted({r.platform for r in result.records or []} - allowed)
        assert not wrong, "%s / %s: records labelled %s, the page is %s" % (name, mutation, wrong, sorted(allowed))
        return
    if kind in ("flip-digit", "quote-after-id", "brace-after-number"):
        assert_honest(subject, mutation, run(subject, mutation, byte_edit(subject, kind)))
        return
    if kind in ("erase-id", "erase-value"):
        changed, removed = erase(subject, kind[len("erase-"):], int(index))
        assert_honest(subject, mutation, run(subject, mutation, changed), removed)
        return
    if kind in ("wrong-types", "jsonld-wrong-types", "json-html-controls", "del-scalar", "scalar-null", "scalar-wrongtype",
                "obj-as-string", "dict-as-list", "obj-null", "deep-inside"):
        changed, removed = state_mutation(subject, kind, int(index or 0))
        assert_honest(subject, mutation, run(subject, mutation, changed), removed)
        return
    if mutation == "deep-body":
        if _is_json(subject):
            changed = b'{"data":' * DEEP + b"1" + b"}" * DEEP
        else:
            changed = _deep_html(body)
        assert_honest(subject, mutation, run(subject, mutation, changed))
        return

    text = base.page.text
    if mutation == "utf8-bom":
        assert_same_records(subject, mutation, run(subject, mutation, b"\xef\xbb\xbf" + text.encode("utf-8")))
    elif mutation == "utf16-bom":
        assert_same_records(subject, mutation, run(subject, mutation, text.encode("utf-16")))
    elif mutation == "utf16le-nobom":
        assert_same_records(subject, mutation, run(subject, mutation, text.encode("utf-16-le")))
    elif mutation == "latin1-declared":
        utf8 = text.encode("utf-8")
        if not re.search(rb"<(?:!doctype|html|head|body|meta)\b", utf8[:4096], re.I):  # JSON, JSONP, JS
            result = run(subject, mutation, utf8, content_type="application/json; charset=iso-8859-1")
        else:
            result = run(subject, mutation, b'<meta charset="iso-8859-1">' + utf8, content_type="text/html; charset=ISO-8859-1")
        assert_same_records(subject, mutation, result)
    elif mutation == "invalid-bytes":
        assert_honest(subject, mutation, run(subject, mutation, _invalid_bytes(body, rng)))
    elif mutation == "control-chars":
        if _is_json(subject):
            changed = body[:1] + b"\x00\x01" + body[1:]
        else:
            changed = _control_chars(body, rng)
        assert_honest(subject, mutation, run(subject, mutation, changed))
    else:
        raise AssertionError("unknown mutation %s" % mutation)


# ---------------------------------------------------------------- the decoding itself


@pytest.mark.parametrize("body,content_type,expected", [
    ('{"a": "é中"}'.encode("utf-16"), None, '{"a": "é中"}'),
    ('{"a": "é中"}'.encode("utf-16-le"), None, '{"a": "é中"}'),
    ('{"a": "é中"}'.encode("utf-16-be"), None, '{"a": "é中"}'),
    ('{"a": "é"}'.encode("utf-32-le"), None, '{"a": "é"}'),
    (b'\xef\xbb\xbf{"a": 1}', None, '{"a": 1}'),
    ('{"a": "é"}'.encode(), "application/json; charset=iso-8859-1", '{"a": "é"}'),
    ('<meta charset="iso-8859-1"><p>é</p>'.encode(), None, '<meta charset="iso-8859-1"><p>é</p>'),
    ('<meta charset="iso-8859-1"><p>é</p>'.encode("latin-1"), None, '<meta charset="iso-8859-1"><p>é</p>'),
    ('<meta charset="gbk"><p>中文</p>'.encode("gbk"), None, '<meta charset="gbk"><p>中文</p>'),
    ('<p>中文</p>'.encode("gbk"), "text/html; charset=GBK", '<p>中文</p>'),
    ('{"html": "<meta charset=gbk>中"}'.encode(), None, '{"html": "<meta charset=gbk>中"}'),
    (("<p>%s</p>" % ("中文" * 200)).encode() + b"\xff\x80", None, "<p>%s</p>\ufffd\ufffd" % ("中文" * 200)),
])
def test_page_text_decodes_any_encoding(body, content_type, expected):
    assert Page(url="", body=body, content_type=content_type).text == expected


def test_invalid_bytes_never_raise():
    for body in (b"\xff\xfe\x80", b"\x80" * 1000, bytes(range(256)) * 10, b"\x00" * 10, b'{"a":"\xc3"}'):
        for ctype in (None, "text/html; charset=utf-8", "text/html; charset=nonsense", "application/json; charset=utf-16"):
            page = Page(url="http://[bad", body=body, content_type=ctype)
            assert isinstance(page.text, str) and page.host == "%5bbad"
            page.sel.xpath("//*").getall()
            page.meta, page.jsonld, page.title  # noqa: B018 - none raises


def test_control_characters_in_attribute_names_do_not_reach_lxml():
    body = b'<html><head><meta \x01name="description" content="x"><meta na\x00me="k" content="v"></head>' \
           b'<body><div a\x0bb="1" \x0cclass="c">t\x00ext</div></body></html>'
    page = Page(url="https://example.com/", body=body)
    assert "\x01" in page.text and "\x00" in page.text  # page.text stays exact
    assert page.meta == {"description": "x", "k": "v"}
    assert page.sel.xpath("//div/@class").get() == "c"
    assert page.sel.xpath("string(//div)").get() == "text"


def test_deep_nesting_is_a_page_changed_never_a_recursion_error():
    from crawler.errors import PageChanged

    deep_json = "[" * DEEP + "]" * DEEP
    with pytest.raises(PageChanged, match="nested too deeply"):
        Page(url="", body=deep_json.encode()).json  # noqa: B018
    html_page = Page(url="", body=('<script id="S" type="application/json">%s</script>'
                                   '<script>window.__INITIAL_STATE__=%s</script>' % (deep_json, "{a:" * DEEP + "1" + "}" * DEEP)).encode())
    with pytest.raises(PageChanged, match="nested too deeply"):
        html_page.script_json("S")
    with pytest.raises(PageChanged, match="nested too deeply"):
        html_page.js_assignment("window.__INITIAL_STATE__")
    ld = Page(url="", body=('<script type="application/ld+json">%s</script>'
                            '<script type="application/ld+json">{"@type": "Product", "name": "n"}</script>' % deep_json).encode())
    assert [i.get("name") for i in ld.jsonld] == ["n"]  # the deep block is skipped, the others read


def test_page_too_large_is_a_clear_error():
    from crawler.page import MAX_PAGE_BYTES, PageTooLarge

    page = Page(url="https://example.com/", body=b" " * (MAX_PAGE_BYTES + 1))
    with pytest.raises(PageTooLarge, match="page too large"):
        page.check_size()
    with pytest.raises(ExtractionError):
        page.text  # noqa: B018
    assert issubclass(PageTooLarge, ExtractionError)


def test_coercers_never_raise_on_hostile_scalars():
    from crawler.helpers.paths import as_bool, as_digits, as_float, as_int, pick
    from crawler.helpers.text import absolute_url

    assert as_int("²") is None and as_int("9" * 5000) is None and as_int(float("inf")) is None and as_int(" 42 ") == 42
    assert as_float("1e999") is None and as_float(10 ** 400) is None and as_float("nan") is None and as_float("4,68") == 4.68
    assert as_digits("²³") is None and as_digits(7551907319324364062) == "7551907319324364062"
    assert as_bool(" True ") is True and as_bool([]) is None
    assert pick({"a": "text"}, "a.b.c") is None and pick(["x"], "a") is None and pick({"a": [1]}, "a.5") is None
    assert absolute_url("/x", "http://[bad") is None and absolute_url("//cdn/x.jpg") == "https://cdn/x.jpg"


def test_page_url_is_always_one_urllib_splits():
    from urllib.parse import urlsplit

    for url in ("http://[bad/x", "https://[www.amazon.com/dp/B0]x]", "http://host:port/", None, ""):
        page = Page(url=url, body=b"<html></html>")
        urlsplit(page.url).hostname  # noqa: B018 - no ValueError
        assert page.host in ("", "%5bbad", "%5bwww.amazon.com")
    assert Page(url="https://www.tiktok.com/@a/video/1", body=b"").url == "https://www.tiktok.com/@a/video/1"
