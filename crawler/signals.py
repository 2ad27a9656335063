"""Signals for the scoring downstream, computed from a record's own fields (and the watchlist).

``record_signals(record, watchlist=None)`` returns the keys to merge into ``record.signals``.
As with the parsers' ``sponsored``, a key is present only when it says something:

- ``off_platform_contact`` (true): the record carries a phone, WeChat, WhatsApp, Telegram, LINE,
  QQ or e-mail contact (``url`` contacts alone do not count);
- ``counterfeit_terms``: the terms of ``crawler/data/counterfeit_terms.txt`` found in the text,
  as written in that list, in list order;
- ``brand_mentions``: the watchlist brands (canonical names) whose name or an alias is in the
  text, the ``brand`` field or a hashtag (only with a watchlist);
- ``discount_ratio``: price / original_price, when both are known in the same currency;
- ``price_ratio``: price / the watchlist's reference price for the product (when a product alias is
  in the text) or else the brand, in the listing's currency; null when the brand has reference
  prices but none in that currency (never converted); with ``price_reference`` naming what was used.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("data") / "counterfeit_terms.txt"
_OFF_PLATFORM = {"phone", "wechat", "whatsapp", "telegram", "line", "qq", "email"}
_WINDOW = 25


def fold(text: str) -> str:
    """Text as terms and aliases are compared: NFKC (full-width to ASCII), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _edge_bounded(term: str) -> str:
    pattern = re.escape(term).replace(r"\ ", r"[\s\-]+")
    if re.match(r"[a-z0-9]", term):
        pattern = r"(?<![a-z0-9])" + pattern
    if re.search(r"[a-z0-9+]$", term):
        pattern += r"(?![a-z0-9])"
    return pattern


@dataclass(frozen=True)
class Term:
    name: str
    pattern: re.Pattern
    exclude: tuple[str, ...] = ()

    def found_in(self, folded: str) -> bool:
        for m in self.pattern.finditer(folded):
            window = folded[max(0, m.start() - _WINDOW):m.end() + _WINDOW]
            if not any(word in window for word in self.exclude):
                return True
        return False


def parse_terms(text: str, origin: str = "terms") -> list[Term]:
    terms = []
    for number, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, *options = [part.strip() for part in line.split(" | ")]
        pattern, exclude = _edge_bounded(fold(name)), ()
        for option in options:
            key, _, value = option.partition(":")
            if key.strip() == "not":
                exclude = tuple(fold(w.strip()) for w in value.split(",") if w.strip())
            elif key.strip() == "re":
                pattern = value.strip()
            else:
                raise ValueError("%s:%d: unknown option %r (use 'not:' or 're:')" % (origin, number, key))
        try:
            terms.append(Term(name, re.compile(pattern), exclude))
        except re.error as exc:
            raise ValueError("%s:%d: bad pattern: %s" % (origin, number, exc)) from None
    return terms


@lru_cache(maxsize=1)
def counterfeit_term_list() -> tuple[Term, ...]:
    return tuple(parse_terms(TERMS_FILE.read_text(encoding="utf-8"), str(TERMS_FILE)))


def counterfeit_terms(text: str) -> list[str]:
    folded = fold(text)
    return [term.name for term in counterfeit_term_list() if term.found_in(folded)]


def _record_text(record) -> str:
    from crawler.contacts import text_fields

    parts = [text for source, text in text_fields(record) if not source.startswith("links")]
    parts += ["#" + tag for tag in getattr(record, "hashtags", None) or []]
    return "\n".join(parts)


def _ratio(a: Decimal, b: Decimal) -> float | None:
    try:
        return round(float(a / b), 4) if b > 0 else None
    except (InvalidOperation, ZeroDivisionError):
        return None


def _decimal(money) -> Decimal | None:
    try:
        return Decimal(money.amount) if money is not None else None
    except (InvalidOperation, AttributeError):
        return None


def record_signals(record, watchlist=None) -> dict:
    out: dict = {}
    if any(c.type in _OFF_PLATFORM for c in getattr(record, "contacts", None) or []):
        out["off_platform_contact"] = True
    text = _record_text(record)
    terms = counterfeit_terms(text)
    if terms:
        out["counterfeit_terms"] = terms
    price, original = getattr(record, "price", None), getattr(record, "original_price", None)
    if price is not None and original is not None and price.currency == original.currency:
        ratio = _ratio(_decimal(price), _decimal(original)) if _decimal(price) is not None else None
        if ratio is not None:
            out["discount_ratio"] = ratio
    if watchlist is not None:
        brand_text = "\n".join(filter(None, [text, getattr(record, "brand", None)]))
        brands = watchlist.brand_mentions(brand_text)
        if brands:
            out["brand_mentions"] = [b.name for b in brands]
            if price is not None and _decimal(price) is not None:
                reference = watchlist.reference_price(brands, brand_text, price.currency)
                if reference is not None:
                    label, amount = reference
                    out["price_ratio"] = _ratio(_decimal(price), amount) if amount is not None else None
                    out["price_reference"] = label
    return out
