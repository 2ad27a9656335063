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
that means the page changed (``PageChanged``).
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

_UNDEFINED = re.compile(r"(?<=[:\[,(])\s*undefined\s*(?=[,}\])])")


def script_text(sel: Selector, script_id: str) -> str | None:
    return sel.xpath("//script[@id=$id]/text()", id=script_id).get()


def script_json(sel: Selector, script_id: str) -> Any:
    """The JSON in ``<script id=script_id>``, or None when absent or not JSON."""
    text = script_text(sel, script_id)
    if text is None:
        return None
    return loads_lenient(text)


def loads_lenient(text: str) -> Any:
    """JSON, or URI-encoded JSON; None when it is neither."""
    text = text.strip()
    for candidate in (text, unquote(text)) if "%7B" in text[:10] or "%22" in text[:20] else (text,):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def _balanced_end(text: str, start: int) -> int | None:
    """Index just past the JS object/array opening at ``start`` (strings and escapes respected)."""
    depth, i, n, quote = 0, start, len(text), None
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _first_literal(text: str, pattern: re.Pattern) -> Any:
    """The first JS object/array literal, right after a match of ``pattern``, that parses (JSON or JS)."""
    for match in pattern.finditer(text):
        end = _balanced_end(text, match.end())
        if end is None:
            continue
        literal = _UNDEFINED.sub("null", text[match.end():end])
        try:
            return json.loads(literal)
        except ValueError:
            pass
        try:
            return chompjs.parse_js_object(literal)
        except ValueError:
            continue
    return None


def js_assignment(text: str, name: str) -> Any:
    """The object literal assigned to ``name`` (e.g. ``window.__INITIAL_STATE__``), or None."""
    return _first_literal(text, re.compile(r"%s\s*=\s*(?=[{\[])" % re.escape(name).replace(r"window\.", r"(?:window\.)?")))


def json_scripts(sel: Selector, contains: str | None = None) -> Iterator[Any]:
    """Parsed bodies of ``<script type="application/json">`` (optionally only those containing a marker)."""
    for text in sel.xpath('//script[@type="application/json"]/text()').getall():
        if contains and contains not in text:
            continue
        data = loads_lenient(text)
        if data is not None:
            yield data


def jsonld(sel: Selector) -> list[dict]:
    """Every JSON-LD object of the page, ``@graph`` and lists flattened."""
    try:
        raw = JsonLdExtractor().extract_items(sel.root)
        items = list(raw)
    except Exception:  # extruct gives up on the first broken block; read the rest one by one
        items = [loads_lenient(t) for t in sel.xpath('//script[@type="application/ld+json"]/text()').getall()]
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
