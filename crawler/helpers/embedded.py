"""Find the state platforms embed in their pages.

- ``script_json(sel, id)``: ``<script id="...">{json}</script>`` (TikTok's
  ``__UNIVERSAL_DATA_FOR_REHYDRATION__``, ``SIGI_STATE``, ``__MODERN_ROUTER_DATA__``);
  URI-encoded payloads (Douyin's ``RENDER_DATA``) are decoded.
- ``js_assignment(text, "window.__INITIAL_STATE__")``: a JavaScript object
  literal assigned in a script, read with chompjs; ``undefined`` (Xiaohongshu)
  becomes null.
- ``jsonld(sel)`` / ``jsonld_of_type(items, "Product")``: schema.org JSON-LD
  through extruct, ``@graph`` flattened.
- ``meta_tags(sel)``: Open Graph, Twitter and named ``<meta>`` tags.
- ``json_scripts(sel)``: every JSON ``<script>`` body that parses (Facebook and
  Instagram keep Relay data in many ``<script type="application/json">``).

Each returns None / empty when the structure is absent; parsers decide whether
that means the page changed (``PageChanged``). JSON or a JS literal nested too
deeply to read raises PageChanged (``parse_json``), never RecursionError; in the
collections (``json_scripts``, ``jsonld``) such a block is skipped like any
unreadable one.

- ``parse_json(text)``: ``json.loads`` for parsers (ValueError when not JSON,
  PageChanged when nested too deeply).
- ``html_selector(markup)``: a parsel Selector on HTML that may carry control
  characters (``xml_safe``), e.g. HTML found inside JSON.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import chompjs
from extruct.jsonld import JsonLdExtractor
from parsel import Selector

from crawler.errors import PageChanged

_UNDEFINED = re.compile(r"(?<=[:\[,(])\s*undefined\s*(?=[,}\])])")


# what lxml refuses in a string (XML 1.0 Char); form feed is HTML whitespace, kept as a space
_NOT_XML = re.compile("[\x00-\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# the characters _balanced_end looks at; everything else is skipped by the regex engine
_JS_SYNTAX = re.compile(r"[\\\"'`{}\[\]]")
_MAX_LITERAL_TRIES = 50  # matches tried per pattern: bounds the work on pages built to make it quadratic


class TooDeep(PageChanged):
    """JSON or a JS literal nested deeper than the parser's recursion allows."""

    def __init__(self, what: str = "JSON"):
        super().__init__("%s nested too deeply to read (more levels than any real page has)" % what)


def parse_json(text: str | bytes) -> Any:
    """``json.loads``: ValueError when ``text`` is not JSON, TooDeep (a PageChanged) when it nests too deeply."""
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeep() from None


def xml_safe(text: str) -> str:
    """``text`` without the characters lxml refuses (C0 controls but tab, newline and CR; NUL;
    U+FFFE/U+FFFF; lone surrogates); form feed becomes a space. For building a Selector."""
    if "\x0c" in text:
        text = text.replace("\x0c", " ")
    return _NOT_XML.sub("", text)


def html_selector(markup: str | None) -> Selector:
    """A parsel Selector on ``markup`` that no control character or NUL byte can crash."""
    return Selector(text=xml_safe(markup or "") or "<html></html>", type="html")


def script_text(sel: Selector, script_id: str) -> str | None:
    return sel.xpath("//script[@id=$id]/text()", id=script_id).get()


def script_json(sel: Selector, script_id: str) -> Any:
    """The JSON in ``<script id=script_id>``, or None when absent or not JSON."""
    text = script_text(sel, script_id)
    if text is None:
        return None
    return loads_lenient(text)


def loads_lenient(text: str) -> Any:
    """JSON, or URI-encoded JSON; None when it is neither, TooDeep when it nests too deeply."""
    text = text.strip()
    for candidate in (text, unquote(text)) if "%7B" in text[:10] or "%22" in text[:20] else (text,):
        try:
            return parse_json(candidate)
        except ValueError:
            continue
    return None


def _readable(text: str) -> Any:
    """loads_lenient for collections of blocks: a block nested too deeply is skipped (None) like a broken one."""
    try:
        return loads_lenient(text)
    except TooDeep:
        return None


def _balanced_end(text: str, start: int) -> int | None:
    """Index just past the JS object/array opening at ``start`` (strings and escapes respected)."""
    depth, quote, pos, n = 0, None, start, len(text)
    while pos < n:
        match = _JS_SYNTAX.search(text, pos)
        if match is None:
            return None
        i, ch = match.start(), match.group()
        pos = i + 1
        if quote:
            if ch == "\\":
                pos = i + 2
            elif ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _first_literal(text: str, pattern: re.Pattern) -> Any:
    """The first JS object/array literal, right after a match of ``pattern``, that parses (JSON or JS).
    None when none does; TooDeep when the only ones found nest too deeply to read."""
    too_deep = False
    for tries, match in enumerate(pattern.finditer(text)):
        if tries >= _MAX_LITERAL_TRIES:
            break
        end = _balanced_end(text, match.end())
        if end is None:
            continue
        literal = _UNDEFINED.sub("null", text[match.end():end])
        try:
            return json.loads(literal)
        except ValueError:
            pass
        except RecursionError:
            too_deep = True
            continue
        try:
            return chompjs.parse_js_object(literal)
        except ValueError:
            continue
        except RecursionError:
            too_deep = True
            continue
    if too_deep:
        raise TooDeep("a JavaScript literal")
    return None


def js_assignment(text: str, name: str) -> Any:
    """The object literal assigned to ``name`` (e.g. ``window.__INITIAL_STATE__``), or None."""
    return _first_literal(text, re.compile(r"%s\s*=\s*(?=[{\[])" % re.escape(name).replace(r"window\.", r"(?:window\.)?")))


def json_scripts(sel: Selector, contains: str | None = None) -> Iterator[Any]:
    """Parsed bodies of ``<script type="application/json">`` (optionally only those containing a marker)."""
    for text in sel.xpath('//script[@type="application/json"]/text()').getall():
        if contains and contains not in text:
            continue
        data = _readable(text)
        if data is not None:
            yield data


def jsonld(sel: Selector) -> list[dict]:
    """Every JSON-LD object of the page, ``@graph`` and lists flattened."""
    try:
        raw = JsonLdExtractor().extract_items(sel.root)
        items = list(raw)
    except Exception:  # extruct gives up on the first broken block; read the rest one by one
        items = [_readable(t) for t in sel.xpath('//script[@type="application/ld+json"]/text()').getall()]
    out: list[dict] = []
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            out.append(item)
            if isinstance(item.get("@graph"), list):
                stack.extend(reversed(item["@graph"]))
    return out


def _types(item: dict) -> list[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def jsonld_of_type(items: list[dict], *types: str) -> list[dict]:
    return [item for item in items if any(t in types for t in _types(item))]


def meta_tags(sel: Selector) -> dict[str, str]:
    """``{"og:title": ..., "description": ...}``: the first value of each property or name."""
    out: dict[str, str] = {}
    for node in sel.xpath("//meta[@content]"):
        key = node.attrib.get("property") or node.attrib.get("name") or node.attrib.get("itemprop")
        if key and key not in out:
            out[key] = node.attrib["content"]
    return out


def js_property(text: str, key: str) -> Any:
    """The object/array literal that follows ``key:`` inside a script (``'colorImages': {...}``,
    ``"initial": [...]``, quoted or not), or None. The first occurrence that parses wins."""
    return _first_literal(text, re.compile(r"""(?:(?<=[\s{,])|^)(['"]?)%s\1\s*:\s*(?=[{\[])""" % re.escape(key)))
