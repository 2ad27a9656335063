"""Money as the schema wants it: ``Money(amount="24.17", currency="USD")``.

- ``money(amount, currency)``: an amount already in major units (number or string).
- ``scaled_money(value, currency, scale)``: platforms that send scaled units
  (Shopee 100000, Shopify analytics cents 100, Taobao fen 100).
- ``parse_money(text, currency=None, locale=None)``: a displayed price such as
  "52,41 €", "R$ 1.299,90", "¥28.5", "$24.17 - 24.69" (low end). The decimal
  separator comes from the locale (the page's, else the currency's usual one,
  through babel), not from guessing at the first separator.
- ``parse_money_range(text, ...)``: both ends of "$24.17 - 24.69".
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.core import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, list_currencies
from price_parser import Price

from crawler.schema import Money

# symbols seen on the platforms we read; "$" and "¥" are ambiguous and need the page's currency hint
_SYMBOLS = {
    "US$": "USD", "USD": "USD", "MX$": "MXN", "R$": "BRL", "C$": "CAD", "CA$": "CAD", "A$": "AUD",
    "AU$": "AUD", "NZ$": "NZD", "HK$": "HKD", "NT$": "TWD", "S$": "SGD", "€": "EUR", "£": "GBP",
    "₹": "INR", "₩": "KRW", "₫": "VND", "฿": "THB", "₽": "RUB", "руб": "RUB", "₾": "GEL",
    "₱": "PHP", "₺": "TRY", "zł": "PLN", "Rp": "IDR", "RM": "MYR", "元": "CNY", "円": "JPY",
    "лари": "GEL", "Kč": "CZK", "₴": "UAH", "₪": "ILS", "₦": "NGN",
}
_AMBIGUOUS = {"$": "USD", "¥": "CNY", "￥": "CNY", "kr": None}

# the locale whose number format a currency is usually written in, when the page gives none
_CURRENCY_LOCALE = {
    "EUR": "es_ES", "BRL": "pt_BR", "IDR": "id_ID", "VND": "vi_VN", "RUB": "ru_RU", "GEL": "ka_GE",
    "ARS": "es_AR", "CLP": "es_CL", "COP": "es_CO", "TRY": "tr_TR", "PLN": "pl_PL", "CZK": "cs_CZ",
    "UAH": "uk_UA", "DKK": "da_DK", "SEK": "sv_SE", "NOK": "nb_NO", "CHF": "de_CH",
}
_ISO_CODE = re.compile(r"\b([A-Z]{3})\b")
_KNOWN_CODES = frozenset(list_currencies())


def format_amount(amount: Decimal) -> str:
    """A decimal string with a dot and no exponent: Decimal("4.599E+6") -> "4599000"."""
    return format(amount.normalize(), "f")


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def money(amount: Any, currency: str | None) -> Money | None:
    """Money from an amount already in major units; None when either part is unknown."""
    number = _decimal(amount)
    if number is None or not currency:
        return None
    return Money(amount=format_amount(number), currency=currency.upper())


def scaled_money(value: Any, currency: str | None, scale: int) -> Money | None:
    """Money from scaled units: ``scaled_money(459900000000, "IDR", 100000)`` -> 4599000 IDR."""
    number = _decimal(value)
    if number is None or not currency:
        return None
    return money(number / scale, currency)


def currency_of(text: str, default: str | None = None) -> str | None:
    """The ISO 4217 code a price text names (symbol or code), else ``default``."""
    text = unicodedata.normalize("NFKC", text)
    for symbol in sorted(_SYMBOLS, key=len, reverse=True):
        if symbol in text:
            return _SYMBOLS[symbol]
    for match in _ISO_CODE.finditer(text):
        if match.group(1) in _KNOWN_CODES:
            return match.group(1)
    for symbol, code in _AMBIGUOUS.items():
        if symbol in text:
            return default or code
    return default


def decimal_separator(currency: str | None, locale: str | None = None) -> str:
    name = locale or _CURRENCY_LOCALE.get(currency or "", "en_US")
    try:
        return get_decimal_symbol(Locale.parse(name.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return "."


def parse_money(text: Any, currency: str | None = None, locale: str | None = None) -> Money | None:
    """A displayed price; ``currency`` is the page's currency when the text has only "$" or none."""
    low, _high = parse_money_range(text, currency, locale)
    return low


def parse_money_range(text: Any, currency: str | None = None, locale: str | None = None) -> tuple[Money | None, Money | None]:
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        return money(text, currency), None
    if not isinstance(text, str) or not re.search(r"\d", text):
        return None, None
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    code = currency_of(text, currency)
    if not code:
        return None, None
    sep = decimal_separator(code, locale)
    parts = re.split(r"\s+[-–—~]\s*|\s*[-–—~]\s+|(?<=\d)[-–~](?=\D*\d)", text, maxsplit=1)
    amounts = []
    for part in parts:
        price = Price.fromstring(part, decimal_separator=sep)
        amounts.append(money(price.amount, code) if price.amount is not None else None)
    low = amounts[0]
    high = amounts[1] if len(amounts) > 1 else None
    return low, high
