"""Records as flat rows that spreadsheets open: one named column per leaf, the same columns for every
record of a kind, whatever it holds (``scrapy records --format csv|xlsx|parquet``, the ``-o x.csv`` feed).

The columns come from the schema (crawler.schema), never from the records seen, so a mixed crawl keeps
the account columns and an empty one still has its header:

- nested objects become ``<field>_<leaf>``: ``price_amount``, ``price_currency``, ``seller_handle``,
  ``author_handle``, ``metrics_views``, ``evidence_screenshot_key`` ...;
- lists of text (hashtags, images, links, products) one cell, values joined by `` | ``;
- contacts one column per type, ``contacts_wechat``, ``contacts_whatsapp`` ... (values joined by `` | ``);
- signals one column per known signal (``signals_counterfeit_terms``, ``signals_price_ratio`` ...), the
  rest as JSON in ``signals_other``.

Ids stay text (``id``, ``seller_id``, ...: a TikTok id does not fit a float and loses digits in int64
readers); money amounts stay exact decimal strings (``price_amount``), typed as decimals in Parquet.
Nothing is ever written as a Python repr: a value that is not a scalar is JSON.
"""
from __future__ import annotations

import json
import types
import typing
from typing import Any, Iterable

from pydantic import BaseModel

from crawler.schema import KINDS, Contact, Envelope

JOIN = " | "
CONTACT_TYPES: tuple[str, ...] = typing.get_args(Contact.model_fields["type"].annotation)
# the signals of crawler.signals and the parsers, with their types; any other key goes to signals_other
SIGNALS: dict[str, str] = {"off_platform_contact": "bool", "counterfeit_terms": "list", "brand_mentions": "list",
                           "discount_ratio": "float", "price_ratio": "float", "price_reference": "str",
                           "sponsored": "bool"}


def _unwrap(annotation) -> Any:
    """The type under Annotated[...] and Optional[...]."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else str
        else:
            return annotation


def _type_name(annotation) -> str:
    t = _unwrap(annotation)
    origin = typing.get_origin(t)
    if origin is list:
        return "list"
    if origin is typing.Literal:
        return "str"
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is float:
        return "float"
    return "str"


def _columns_of(model: type[BaseModel]) -> list[tuple[str, str, tuple]]:
    """(column, type, path) for every leaf of a record kind, in schema order."""
    out: list[tuple[str, str, tuple]] = []
    for name, field in model.model_fields.items():
        t = _unwrap(field.annotation)
        if name == "contacts":
            out += [("contacts_%s" % c, "list", ("contacts", c)) for c in CONTACT_TYPES]
        elif name == "signals":
            out += [("signals_%s" % s, kind, ("signals", s)) for s, kind in SIGNALS.items()]
            out.append(("signals_other", "json", ("signals", None)))
        elif isinstance(t, type) and issubclass(t, BaseModel):
            for sub, subfield in t.model_fields.items():
                column = "%s_%s" % (name, sub)
                kind = "decimal" if sub == "amount" else _type_name(subfield.annotation)
                out.append((column, kind, (name, sub)))
        else:
            out.append((name, _type_name(field.annotation), (name,)))
    return out


_ENVELOPE_FIRST = ("kind", "platform", "id")
COLUMNS: dict[str, list[tuple[str, str, tuple]]] = {}
for _kind, _model in KINDS.items():
    _cols = _columns_of(_model)
    _cols.sort(key=lambda c: _ENVELOPE_FIRST.index(c[0]) if c[0] in _ENVELOPE_FIRST else len(_ENVELOPE_FIRST))
    COLUMNS[_kind] = _cols


def columns(kind: str) -> list[str]:
    return [c for c, _t, _p in COLUMNS[kind]]


def column_types(kind: str) -> dict[str, str]:
    return {c: t for c, t, _p in COLUMNS[kind]}


def all_columns(kinds: Iterable[str] = tuple(KINDS)) -> list[str]:
    """The union of the kinds' columns, envelope first, each once (a mixed crawl's CSV header)."""
    seen: dict[str, None] = {}
    envelope = [c for c in columns("post") if c in Envelope.model_fields or c == "kind" or c.startswith(("contacts_", "signals_",
                                                                                          "evidence_"))]
    for c in envelope:
        seen.setdefault(c, None)
    for kind in kinds:
        for c in columns(kind):
            seen.setdefault(c, None)
    return list(seen)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _joined(values: Any) -> str | None:
    if not values:
        return None
    if not isinstance(values, list):
        values = [values]
    return JOIN.join(_text(v) or "" for v in values)


def _typed(value: Any, kind: str) -> Any:
    """A leaf as its column's type (None stays None); what does not fit becomes text, never a repr."""
    if value is None:
        return None
    if kind == "list":
        return _joined(value)
    if kind == "json":
        return _text(value)
    if kind == "bool":
        return value if isinstance(value, bool) else _text(value)
    if kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else _text(value)
    if kind == "float":
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else _text(value)
    return _text(value)  # str, decimal (an exact string), ids


def flatten(record: dict) -> dict[str, Any]:
    """A record (a dict as stored) as one flat row of its kind's columns, in schema order."""
    kind = record.get("kind")
    if kind not in COLUMNS:
        raise ValueError("not a record: kind %r" % kind)
    contacts: dict[str, list[str]] = {}
    for contact in record.get("contacts") or []:
        contacts.setdefault(contact.get("type"), []).append(contact.get("value"))
    signals = record.get("signals") or {}
    row: dict[str, Any] = {}
    for column, ctype, path in COLUMNS[kind]:
        if path[0] == "contacts":
            row[column] = _joined(contacts.get(path[1]))
        elif path[0] == "signals":
            if path[1] is None:
                other = {k: v for k, v in signals.items() if k not in SIGNALS}
                row[column] = json.dumps(other, ensure_ascii=False, sort_keys=True) if other else None
            else:
                row[column] = _typed(signals.get(path[1]), ctype)
        elif len(path) == 2:
            parent = record.get(path[0])
            row[column] = _typed(parent.get(path[1]) if isinstance(parent, dict) else None, ctype)
        else:
            row[column] = _typed(record.get(path[0]), ctype)
    return row


def cell_text(value: Any) -> str:
    """A flat value as CSV text: empty for null, true/false, numbers as written."""
    return "" if value is None else _text(value) or ""
