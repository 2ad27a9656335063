"""Money: amounts in major units, scaled units, and displayed prices read without ever
multiplying an amount by 10^k through separator ambiguity (issue 10, item 7)."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal, get_currency_precision
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.helpers.money import (
    currency_of, decimal_separator, format_amount, money, parse_money, parse_money_range, scaled_money,
)


def _is(got, amount: str, code: str) -> bool:
    return got is not None and Decimal(got.amount) == Decimal(amount) and got.currency == code


@pytest.mark.parametrize("text,currency,locale,amount,code", [
    ("52,41 €", None, None, "52.41", "EUR"),
    ("R$ 1.299,90", None, None, "1299.90", "BRL"),
    ("¥28.5", None, None, "28.5", "CNY"),
    ("$1,299.00", None, None, "1299", "USD"),
    ("Rp4.599.000", None, None, "4599000", "IDR"),
    ("$ 5,499", "MXN", "es_MX", "5499", "MXN"),
    ("4,68 ₾", None, None, "4.68", "GEL"),
    ("US $12.50", None, None, "12.50", "USD"),
    ("1.234,56 €", None, "de_DE", "1234.56", "EUR"),
    ("€1,234.56", None, "en_IE", "1234.56", "EUR"),
    ("HDMI USB cable $5", None, None, "5", "USD"),
    # the measured bug: a separator followed by 1-2 digits is decimal whatever the locale says
    ("4.68", "GEL", "ru_RU", "4.68", "GEL"),
    ("4.68 GEL", None, "ka_GE", "4.68", "GEL"),
    ("1.50", "EUR", "es_ES", "1.50", "EUR"),
    ("1,50", "USD", "en_US", "1.50", "USD"),
    ("4,68", "USD", "en_US", "4.68", "USD"),
    ("3,0000", "USD", "en_US", "3", "USD"),
    ("0.125", "USD", "de_DE", "0.125", "USD"),
    (".75", "USD", None, "0.75", "USD"),
    # one separator and 3 digits: thousands for currencies with fewer than 3 minor units
    ("1.500", "USD", "en_US", "1500", "USD"),
    ("1,500", "EUR", "de_DE", "1500", "EUR"),
    ("173.000", "COP", "es_CO", "173000", "COP"),
    ("$ 173.000", "COP", None, "173000", "COP"),
    ("₫1.234", None, None, "1234", "VND"),
    ("￥1,234", "JPY", "ja_JP", "1234", "JPY"),
    ("Rp 4.599", None, "en_US", "4599", "IDR"),
    # ... and, for 3 minor units (KWD, BHD), the locale decides
    ("KWD 1.500", None, "en_US", "1.5", "KWD"),
    ("KWD1.500", None, None, "1.5", "KWD"),
    ("1,500 KWD", None, "en_US", "1500", "KWD"),
    ("1,500 KWD", None, "de_DE", "1.5", "KWD"),
    ("1.500 BHD", None, "de_DE", "1500", "BHD"),
    ("1’500 BHD", None, "de_CH", "1500", "BHD"),
    # both separators: the last one is decimal; repeated ones group
    ("1.299,90", "BRL", "en_US", "1299.90", "BRL"),
    ("1,299.90", "BRL", "pt_BR", "1299.90", "BRL"),
    ("1.234.567", "EUR", "en_US", "1234567", "EUR"),
    ("1,234,567", "EUR", "de_DE", "1234567", "EUR"),
    ("1 234 567", "EUR", None, "1234567", "EUR"),
    ("1\u202f234,56\u00a0€", None, "fr_FR", "1234.56", "EUR"),
    ("₹12,34,567.89", None, None, "1234567.89", "INR"),
    ("CHF 1’234.50", None, None, "1234.50", "CHF"),
    ("CHF 1'234.50", None, "de_CH", "1234.50", "CHF"),
    ("1.234,500 KWD", None, "en_US", "1234.5", "KWD"),
    # currencies without minor units: grouping, unless the text clearly has a decimal part
    ("Rp 4.599.000", None, None, "4599000", "IDR"),
    ("Rp 4.599.000,00", None, "en_US", "4599000", "IDR"),
    ("4599000.00", "IDR", "id_ID", "4599000", "IDR"),
    ("₩12,000", None, None, "12000", "KRW"),
    ("$12.990", "CLP", "es_CL", "12990", "CLP"),
    ("¥1,280", "JPY", None, "1280", "JPY"),
    # the shapes seen on the platforms
    ("EUR 3,500.00", None, None, "3500", "EUR"),
    ("US $3,971.45", None, None, "3971.45", "USD"),
    ("$1,234.5", None, None, "1234.5", "USD"),
    ("35€99", None, None, "35.99", "EUR"),
    ("$5 2 items", None, None, "5", "USD"),
])
def test_parse_money(text, currency, locale, amount, code):
    assert _is(parse_money(text, currency, locale), amount, code)


@pytest.mark.parametrize("text,currency,locale,low,high,code", [
    ("$24.17 - 24.69", None, None, "24.17", "24.69", "USD"),
    ("R$ 1.299,90 – 1.499,00", None, None, "1299.90", "1499", "BRL"),
    ("1.299,90 € - 1.499,00 €", None, "en_US", "1299.90", "1499", "EUR"),
    ("₫1.234-2.345", None, None, "1234", "2345", "VND"),
    ("$12.50~$20", None, None, "12.50", "20", "USD"),
])
def test_parse_money_range(text, currency, locale, low, high, code):
    got_low, got_high = parse_money_range(text, currency, locale)
    assert _is(got_low, low, code) and _is(got_high, high, code)


@pytest.mark.parametrize("text", [
    "1.23.45", "1,234.567.890", "12.3456.789", "1.2345.678,9", "01.234.567",
])
def test_separators_that_fit_no_reading_give_none(text):
    assert parse_money(text, "USD", "en_US") is None


def test_unknowns():
    assert parse_money("Free shipping") is None
    assert parse_money("12.50") is None  # no currency anywhere: unknown, not guessed
    assert parse_money(None, "USD") is None and parse_money(True, "USD") is None
    assert parse_money(["$5"], "USD") is None and parse_money({"a": 1}, "USD", "en_US") is None
    assert parse_money_range("$5", "USD", locale=12) == (money("5", "USD"), None)
    assert parse_money(12.5, "USD").amount == "12.5" and parse_money(3, None) is None
    assert _is(parse_money("$5", "USD", "xx_NOWHERE"), "5", "USD")


def test_currency_of_and_decimal_separator():
    assert currency_of("KWD1.500") == "KWD" and currency_of("4.68 GEL") == "GEL"
    assert currency_of("$5", "MXN") == "MXN" and currency_of("$5") == "USD" and currency_of("5") is None
    assert decimal_separator("EUR") == "," and decimal_separator("USD") == "."
    assert decimal_separator("USD", "de_DE") == "," and decimal_separator("EUR", "en-US") == "."
    assert decimal_separator("USD", "not a locale") == "."


def test_scaled_money():
    assert scaled_money(459900000000, "IDR", 100000).amount == "4599000"  # Shopee
    assert scaled_money("2417", "USD", 100).amount == "24.17"             # Shopify cents
    assert scaled_money(None, "USD", 100) is None and scaled_money(100, None, 100) is None
    assert money(0.1, "USD").amount == "0.1" and money("4.599E+6", "IDR").amount == "4599000"
    assert format_amount(Decimal("1.500E+3")) == "1500"


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_money_keeps_decimal_value(value):
    assert Decimal(money(value, "USD").amount) == value


# --- properties: babel renders an amount, parse_money reads it back ---------------------------

LOCALES = [
    "en_US", "de_DE", "es_ES", "fr_FR", "pt_BR", "id_ID", "vi_VN", "ja_JP", "ru_RU", "es_CO",
    "hi_IN", "de_CH", "it_IT", "nl_NL", "pl_PL", "tr_TR", "ko_KR", "zh_CN", "es_MX", "en_IN",
    "ar_KW", "ka_GE", "sv_SE", "cs_CZ", "fr_CH", "th_TH", "ms_MY",
]
CURRENCIES = [
    "USD", "EUR", "BRL", "IDR", "VND", "JPY", "KRW", "CLP", "COP", "INR", "CHF", "RUB", "GBP",
    "MXN", "CNY", "GEL", "PLN", "TRY", "KWD", "BHD", "HUF", "THB", "MYR", "SEK", "CZK",
]
SWAP = str.maketrans({".": ",", ",": "."})


@st.composite
def rendered(draw):
    """(amount, currency, text, rendering locale): an amount with the currency's minor units as babel writes it."""
    currency = draw(st.sampled_from(CURRENCIES))
    places = get_currency_precision(currency)
    amount = Decimal(draw(st.one_of(st.integers(0, 10**5), st.integers(0, 10**12)))).scaleb(-places)
    locale = draw(st.sampled_from(LOCALES))
    if draw(st.booleans()):
        text = format_currency(amount, currency, locale=locale)
    else:
        text = format_decimal(amount, locale=locale)
    return amount, currency, text, locale


def _times_ten_to_k(got, amount: Decimal) -> bool:
    """True when ``got`` is ``amount`` scaled by 10^k for some k != 0 (the bug this guards against)."""
    if got is None or got == amount or amount == 0 or got == 0:
        return False
    ratio = got / amount
    return ratio == Decimal(10) ** round(ratio.adjusted())


def _ambiguous(text: str, currency: str) -> bool:
    """The genuinely ambiguous shape the locale decides: 3 minor units, one separator, 3 digits after."""
    number = re.search(r"\d(?:.*\d)?", text).group(0)  # first to last digit: not a symbol's dots
    digits = "".join(ch for ch in number if ch.isdigit() or ch in ".,")
    return (get_currency_precision(currency) >= 3 and digits.count(".") + digits.count(",") == 1
            and len(digits.rpartition("." if "." in digits else ",")[2]) == 3)


@settings(max_examples=600, deadline=None)
@given(rendered())
def test_reads_back_what_babel_writes(case):
    amount, currency, text, locale = case
    got = parse_money(text, currency, locale)
    assert got is not None, text
    assert Decimal(got.amount) == amount and got.currency == currency, text


@settings(max_examples=600, deadline=None)
@given(rendered(), st.sampled_from(LOCALES), st.booleans())
def test_other_locale_or_swapped_separators_never_scale(case, other, swap):
    """Text written in one locale, read with another's rules (and/or with "." and "," swapped):
    the exact amount or None, never the amount times 10^k."""
    amount, currency, text, locale = case
    if swap:
        text = text.translate(SWAP)
    got = parse_money(text, currency, other)
    if _ambiguous(text, currency) and (swap or other != locale):
        return  # "1.500 KWD" is 1.5 or 1500 as the locale says: no text-only answer exists
    value = Decimal(got.amount) if got is not None else None
    assert not _times_ten_to_k(value, amount), (text, value)
    assert value is None or value == amount, (text, value)
    if not _ambiguous(text, currency):
        assert value == amount, text  # whatever the locale: the text alone says it


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.text(alphabet="0123456789.,' \u00a0$€-–~", max_size=25)),
       st.sampled_from([None, "USD", "KWD", "JPY"]), st.sampled_from([None, "en_US", "de_DE", "bogus"]))
def test_never_raises(text, currency, locale):
    got = parse_money_range(text, currency, locale)
    assert isinstance(got, tuple) and len(got) == 2
