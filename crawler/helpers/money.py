"""Money as the schema wants it: ``Money(amount="24.17", currency="USD")``.

- ``money(amount, currency)``: an amount already in major units (number or string).
- ``scaled_money(value, currency, scale)``: platforms that send scaled units
  (Shopee 100000, Shopify analytics cents 100, Taobao fen 100).
- ``parse_money(text, currency=None, locale=None)``: a displayed price such as
  "52,41 €", "R$ 1.299,90", "¥28.5", "$24.17 - 24.69" (low end).
- ``parse_money_range(text, ...)``: both ends of "$24.17 - 24.69".

Which separator is the decimal one is read from the text itself, so that a
page in another locale than expected never multiplies a price by 10^k:

- both "." and "," present: the last one is the decimal separator
  ("1.299,90", "1,299.90"); a separator repeated ("1.234.567", "1 234 567",
  Indian "12,34,567") groups digits; space and apostrophe only ever group;
- one separator followed by 1-2 digits, or by 4 or more, is the decimal one,
  whatever the locale ("4.68", "4,68", "¥28.5", "4599000.00");
- one separator followed by exactly 3 digits ("1.500", "173.000") groups
  thousands when the currency has fewer than 3 minor units (babel's
  ``get_currency_precision``: JPY 0, USD 2, KWD 3); only for currencies with
  3 minor units does the locale (the page's, else the currency's usual one)
  decide, by whether that separator is its grouping symbol.

Text whose separators fit none of these (groups of the wrong size, ". " runs)
gives None rather than a guess.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.core import Locale, UnknownLocaleError
from babel.numbers import get_currency_precision, get_decimal_symbol, get_group_symbol, list_currencies
from price_parser.parser import extract_price_text, parse_number

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
    "KWD": "ar_KW", "BHD": "ar_BH", "OMR": "ar_OM", "JOD": "ar_JO", "TND": "ar_TN", "LYD": "ar_LY",
    "IQD": "ar_IQ",
}
# a three-letter code not glued to other letters: "EUR 3,500.00", "KWD1.500", "4.68 GEL"
_ISO_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_KNOWN_CODES = frozenset(list_currencies())
_RANGE = re.compile(r"\s+[-–—~]\s*|\s*[-–—~]\s+|(?<=\d)[-–~](?=\D*\d)")
# apostrophes that group digits ("1’234.50" in de_CH); price-parser knows only the ASCII one
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "\u00b4": "'", "`": "'"})


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


def _locale(currency: str | None, locale: str | None) -> Locale | None:
    name = locale or _CURRENCY_LOCALE.get(currency or "", "en_US")
    try:
        return Locale.parse(str(name).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError, AttributeError):
        return None


def decimal_separator(currency: str | None, locale: str | None = None) -> str:
    """The decimal symbol of ``locale`` (else of the currency's usual locale); "." when unknown."""
    found = _locale(currency, locale)
    return get_decimal_symbol(found) if found else "."


def _group_symbol(currency: str | None, locale: str | None) -> str:
    found = _locale(currency, locale)
    return unicodedata.normalize("NFKC", get_group_symbol(found)) if found else ","


def _groups_ok(groups: list[str]) -> bool:
    """Digit groups of a grouped integer: 1-3 leading digits, then 3s (or Indian 2s) ending in 3."""
    head, rest = groups[0], groups[1:]
    if not 1 <= len(head) <= 3 or head.startswith("0") or len(rest[-1]) != 3:
        return False
    middle = {len(group) for group in rest[:-1]}
    return middle <= {2} or middle <= {3}


def _amount(text: str, currency: str, locale: str | None) -> Decimal | None:
    """The number in a price text, its decimal separator read from the text itself (module doc)."""
    found = extract_price_text(text.translate(_APOSTROPHES))
    if found is None or not re.search(r"\d", found):
        return None
    if "€" in found:  # "35€99": price-parser's case of the euro sign standing for the decimal point
        return parse_number(found, "€")
    pieces = re.split(r"(\D+)", found)
    groups, seps = pieces[0::2], pieces[1::2]
    # a space only groups digits: one not followed by a group of 3 ends the number ("5 2 items")
    for index, sep in enumerate(seps):
        if sep == " " and len(groups[index + 1]) != 3:
            groups, seps = groups[: index + 1], seps[:index]
            break
    if any(sep not in (".", ",", " ") for sep in seps):
        return None
    if not seps:
        return _decimal(groups[0])
    last = seps[-1]
    if last == " " or (len(set(seps)) == 1 and len(seps) > 1):
        decimal = False                                   # "1 234 567", "1.234.567"
    elif len(set(seps)) > 1:
        if seps.count(last) > 1:                          # "1,234.567.890": no reading
            return None
        decimal = True                                    # "1.299,90", "1 234,56"
    elif len(groups[-1]) != 3 or groups[0] in ("", "0") or len(groups[0]) > 3:
        decimal = True                                    # "4.68", "4599000.00", "0.125", ".75"
    else:                                                 # "1.500": grouping unless 3 minor units
        decimal = get_currency_precision(currency) >= 3 and last != _group_symbol(currency, locale)
    integer, fraction = (groups[:-1], groups[-1]) if decimal else (groups, "")
    if len(integer) > 1 and not _groups_ok(integer):
        return None
    return _decimal("%s.%s" % ("".join(integer) or "0", fraction or "0"))


def parse_money(text: Any, currency: str | None = None, locale: str | None = None) -> Money | None:
    """A displayed price; ``currency`` is the page's currency when the text has only "$" or none."""
    low, _high = parse_money_range(text, currency, locale)
    return low


def parse_money_range(text: Any, currency: str | None = None, locale: str | None = None) -> tuple[Money | None, Money | None]:
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        return money(text, currency), None
    if not isinstance(text, str) or not re.search(r"\d", text):
        return None, None
    text = unicodedata.normalize("NFKC", text)
    code = currency_of(text, currency if isinstance(currency, str) else None)
    if not code:
        return None, None
    locale = locale if isinstance(locale, str) else None
    amounts = []
    for part in _RANGE.split(text, maxsplit=1):
        number = _amount(part, code, locale)
        amounts.append(money(number, code) if number is not None else None)
    low = amounts[0]
    high = amounts[1] if len(amounts) > 1 else None
    return low, high
