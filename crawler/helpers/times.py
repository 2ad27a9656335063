"""Times to ISO 8601 UTC ending in Z.

``to_utc(value)`` reads epoch seconds and epoch milliseconds (ints, floats or
digit strings), ISO 8601 strings with an offset or Z, datetimes, and the dated
formats platforms print (Weibo's "Thu Oct 05 01:34:34 +0800 2023", RFC 2822).
A time without a zone is taken as UTC. Anything else gives None.
"""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

_MS_THRESHOLD = 10**11  # 1973 in milliseconds, year 5138 in seconds
_FORMATS = ("%a %b %d %H:%M:%S %z %Y",)


def _format(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_epoch(value: float) -> str | None:
    if value <= 0:
        return None  # 0 is how platforms say "no time", not 1970
    if value >= _MS_THRESHOLD:
        value = value / 1000
    try:
        return _format(datetime.fromtimestamp(value, tz=timezone.utc))
    except (OverflowError, OSError, ValueError):
        return None


def to_utc(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _format(value)
    if isinstance(value, (int, float)):
        return from_epoch(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if text.replace(".", "", 1).isdigit():
        return from_epoch(float(text))
    try:
        return _format(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    for fmt in _FORMATS:
        try:
            return _format(datetime.strptime(text, fmt))
        except ValueError:
            continue
    try:
        return _format(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


# dates printed without a time ("Sold  Mar 7, 2026", "7 Mar 2026"): English month names
_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%d-%b-%Y", "%Y-%m-%d")


def from_display_date(value: Any) -> str | None:
    """A printed calendar date ("Mar 7, 2026", "7 March 2026", "2026-03-07") as midnight UTC, else None.

    Runs of spaces are collapsed and a trailing dot after the month is dropped ("Sept. 5, 2025").
    """
    if not isinstance(value, str):
        return None
    text = " ".join(value.replace(".", " ").split()).replace(" ,", ",")
    text = text.replace("Sept ", "Sep ")
    for fmt in _DATE_FORMATS:
        try:
            return _format(datetime.strptime(text, fmt))
        except ValueError:
            continue
    return None
