"""Declarative paths into nested JSON, with type coercion.

``pick(state, "itemInfo.itemStruct.stats.playCount", as_int)`` walks dicts by key
and lists by integer index and returns ``None`` (never raises) when a step is
missing or the value does not coerce. A path may be a dotted string or a tuple
(use a tuple when a key itself contains a dot, e.g. ``("__DEFAULT_SCOPE__",
"webapp.video-detail")``). ``pick_first`` tries several paths in order.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

Path = str | tuple | list


def _steps(path: Path) -> list:
    if isinstance(path, str):
        return [int(p) if p.lstrip("-").isdigit() else p for p in path.split(".")] if path else []
    return list(path)


def pick(obj: Any, path: Path, coerce: Callable[[Any], Any] | None = None) -> Any:
    cur = obj
    for step in _steps(path):
        if isinstance(cur, dict):
            if step not in cur:
                return None
            cur = cur[step]
        elif isinstance(cur, list) and isinstance(step, int):
            if not -len(cur) <= step < len(cur):
                return None
            cur = cur[step]
        else:
            return None
    if cur is None or coerce is None:
        return cur
    return coerce(cur)


def pick_first(obj: Any, *paths: Path, coerce: Callable[[Any], Any] | None = None) -> Any:
    """The first path whose value is present and coerces to something other than None."""
    for path in paths:
        value = pick(obj, path, coerce)
        if value is not None:
            return value
    return None


def walk(obj: Any) -> Iterator[dict]:
    """Every dict inside a JSON value, depth first (for data found by meaning, not position)."""
    stack = [obj]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            yield cur
            stack.extend(reversed(list(cur.values())))
        elif isinstance(cur, list):
            stack.extend(reversed(cur))


def outermost(obj: Any, predicate: Callable[[dict], bool]) -> list[dict]:
    """Dicts matching ``predicate``, in document order, not looking inside a match (a post's author
    or comments are part of the post, not further posts)."""
    found, stack = [], [obj]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            if predicate(cur):
                found.append(cur)
                continue
            stack.extend(reversed(list(cur.values())))
        elif isinstance(cur, list):
            stack.extend(reversed(cur))
    return found


def find_dicts(obj: Any, predicate: Callable[[dict], bool]) -> list[dict]:
    return [d for d in walk(obj) if predicate(d)]


# ---- coercers: each returns None for values it cannot read, never raises ----

def as_str(value: Any) -> str | None:
    """Ids and text: strings as they are, integers (never floats) as their digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, int):
        return str(value)
    return None


def as_int(value: Any) -> int | None:
    """Exact integers: ints, integral floats, and digit strings ("15944")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        s = value.strip()
        if s.lstrip("-").isascii() and s.lstrip("-").isdigit():
            try:
                return int(s)
            except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
                return None
    return None


def as_float(value: Any) -> float | None:
    """Finite numbers: ints, floats, Decimals and numeric strings ("4.68", "4,68")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        try:
            number = float(value)
        except (OverflowError, ValueError):
            return None
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except (OverflowError, ValueError):
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def as_count(value: Any) -> int | None:
    """A count: exact integers as they are, displayed forms ("1.2万", "10w+") through parse_count."""
    from crawler.helpers.counts import parse_count

    return parse_count(value)


def as_digits(value: Any) -> str | None:
    """A numeric id as a string ("7551907319324364062" or the int), None for anything else."""
    text = as_str(value)
    return text if text is not None and text.isascii() and text.isdigit() else None


def as_seconds(value: Any) -> float | None:
    """A duration: a finite, non-negative number of seconds, else None."""
    number = as_float(value)
    return number if number is not None and number >= 0 else None
