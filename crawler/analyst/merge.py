"""One record per object: a search card and its detail page (same platform, kind and id) merged.

The detail page's values win where both have one; where the detail page has none (null, an empty list
or object) the card's stay. Nested objects (price, seller, metrics, evidence) merge the same way,
contacts are the union of both (detail first), signals the card's overlaid by the detail's, and
``extractor`` keeps the provenance: ``"dom+jsonld"`` is the card's then the detail page's.

Which one is the detail: the record with evidence (only detail and URL pages carry it); between two
with or two without, the later one.
"""
from __future__ import annotations

from typing import Any

from crawler.schema import EXTRACTORS


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _overlay(base: Any, top: Any) -> Any:
    if _empty(top):
        return base
    if isinstance(base, dict) and isinstance(top, dict):
        out = dict(base)
        for key, value in top.items():
            out[key] = _overlay(base.get(key), value)
        return out
    return top


def _extractors(*values: str | None) -> str:
    seen: list[str] = []
    for value in values:
        for part in (value or "").split("+"):
            if part in EXTRACTORS and part not in seen:
                seen.append(part)
    return "+".join(seen)


def _contacts(first: list, second: list) -> list:
    out, seen = [], set()
    for contact in list(first or []) + list(second or []):
        key = (contact.get("type"), contact.get("value"))
        if key not in seen:
            seen.add(key)
            out.append(contact)
    return out


def is_detail_of(a: dict, b: dict) -> bool:
    """Whether ``b`` (seen after ``a``) is the more complete capture: evidence first, then the later."""
    return bool(b.get("evidence")) or not a.get("evidence")


def merge(earlier: dict, later: dict) -> dict:
    """Two records of one object in one crawl as one record."""
    card, detail = (earlier, later) if is_detail_of(earlier, later) else (later, earlier)
    out: dict[str, Any] = {}
    for key in list(card) + [k for k in detail if k not in card]:
        if key == "contacts":
            out[key] = _contacts(detail.get("contacts"), card.get("contacts"))
        elif key == "signals":
            out[key] = {**(card.get("signals") or {}), **(detail.get("signals") or {})}
        elif key == "extractor":
            out[key] = _extractors(card.get("extractor"), detail.get("extractor"))
        elif key == "partial":
            out[key] = bool(card.get("partial", False)) and bool(detail.get("partial", False))
        elif key == "evidence":
            out[key] = detail.get("evidence") or card.get("evidence")
        else:
            out[key] = _overlay(card.get(key), detail.get(key)) if key in detail else card.get(key)
    return out


def object_key(record: dict) -> tuple[str, str, str]:
    return (record.get("platform") or "", record.get("kind") or "", str(record.get("id") or ""))
