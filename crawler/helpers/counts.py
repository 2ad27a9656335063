"""Compact counts as platforms display them, parsed to exact integers.

"1.2M" -> 1200000, "13K" -> 13000, "1.5万" -> 15000, "10w+" -> 100000,
"1 663 sold" -> 1663, "2000+" -> 2000, "12,5 mil" -> 12500, "1,234" -> 1234,
"3.2亿" -> 320000000, "1,04,512" (Indian grouping) -> 104512. A lower bound ("10w+", "2000+") becomes its number.
Anything that is not a count (no digits, a bare decimal such as "4.5" with no
multiplier) gives None: unknown is null, never 0.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

# multiplier words, longest first so "mln" wins over "m"; matched case-insensitively
_MULTIPLIERS = {
    "亿": 10**8, "萬": 10**4, "万": 10**4, "w": 10**4, "千": 10**3,
    "k": 10**3, "mil": 10**3, "tys": 10**3, "тыс": 10**3, "rb": 10**3, "ribu": 10**3, "n": 10**3,
    "m": 10**6, "mln": 10**6, "mi": 10**6, "млн": 10**6, "jt": 10**6, "juta": 10**6, "tr": 10**6,
    "b": 10**9, "bn": 10**9, "млрд": 10**9,
}
_SPACES = "\u00a0\u202f\u2009\u2007 '’"
_NUMBER = re.compile(
    r"(?P<num>\d{1,2}(?:,\d\d)+,\d{3}(?![\d])|\d{1,3}(?:[%s,.]\d{3})+(?![\d])|\d+(?:[.,]\d+)?)\s*(?P<mult>%s)?(?![a-zа-я])" % (
        re.escape(_SPACES), "|".join(sorted(map(re.escape, _MULTIPLIERS), key=len, reverse=True))),
    re.IGNORECASE,
)


def parse_count(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    match = _NUMBER.search(text)
    if not match:
        return None
    num, mult = match.group("num"), match.group("mult")
    factor = _MULTIPLIERS[mult.lower()] if mult else 1
    if re.fullmatch(r"\d{1,3}(?:[%s,.]\d{3})+|\d{1,2}(?:,\d\d)+,\d{3}" % re.escape(_SPACES), num):
        # grouped thousands: "1 663", "1,234,567", "1.234", Indian lakhs "1,04,512"
        digits = re.sub(r"\D", "", num)
        return int(digits) * factor
    try:
        amount = Decimal(num.replace(",", "."))
    except InvalidOperation:
        return None
    total = amount * factor
    if total != total.to_integral_value():
        return None  # "4.5" alone is a rating, not a count
    return int(total)
