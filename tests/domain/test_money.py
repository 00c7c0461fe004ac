"""Money: exact cents, no floats, typed the way the book writes it, clear errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from coliv_desktop.domain import money
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import (
    DEFAULT_MAXIMUM,
    MoneyFormat,
    format_money,
    from_cents,
    money_format,
    money_str,
    parse_money,
    parse_percent,
    reset_money_format,
    set_money_format,
    to_cents,
)

US = MoneyFormat("en_US", "USD")
DE = MoneyFormat("de_DE", "EUR")
LOCALES = ["en_US", "de_DE", "fr_FR", "de_CH", "en_IN", "es_ES", "it_IT", "pt_BR", "nl_NL",
           "sv_SE", "en_GB", "pl_PL", "ja_JP", "hi_IN"]


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_cents_round_trip(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents


@given(st.decimals(min_value=0, max_value=DEFAULT_MAXIMUM, places=2, allow_nan=False))
def test_parse_accepts_two_places(amount: Decimal) -> None:
    assert parse_money(str(amount), "rent") == amount
    assert money_str(parse_money(str(amount), "rent")) == f"{amount:.2f}"


@given(st.sampled_from(LOCALES),
       st.decimals(min_value=0, max_value=DEFAULT_MAXIMUM, places=2, allow_nan=False))
def test_what_the_locale_shows_parses_back_to_the_same_amount(locale: str,
                                                              amount: Decimal) -> None:
    fmt = MoneyFormat(locale, "EUR")
    # babel's plain format_decimal drops ".00" ("1.000" in de_DE), which is ambiguous by
    # design (refused naming both readings); every form CoLiv shows has the two places.
    for shown in (money.shown(amount, fmt),
                  format_currency(amount, "EUR", locale=locale),
                  format_money(amount, "EUR", locale)):
        assert parse_money(shown, "amount", fmt=fmt) == amount, shown


@pytest.mark.parametrize(("fmt", "text", "amount"), [
    (DE, "12,50", "12.50"), (DE, "1.234,56", "1234.56"), (DE, "1234,56", "1234.56"),
    (DE, "12,50 €", "12.50"), (DE, "1.234.567,8", "1234567.80"),
    (DE, "134.463", "134463"),  # no amount has three decimals: German grouping
    (US, "1,234.56", "1234.56"), (US, "$1,250.50", "1250.50"), (US, "1,250", "1250.00"),
    # the plain form, always (what scripts and CSV files write)
    (DE, "1234.56", "1234.56"), (DE, "12.50", "12.50"), (US, "1234.56", "1234.56"),
    (MoneyFormat("fr_FR", "EUR"), "1 234,56", "1234.56"),
    (MoneyFormat("de_CH", "CHF"), "1’234.50", "1234.50"),
])
def test_amounts_as_the_locale_writes_them(fmt: MoneyFormat, text: str, amount: str) -> None:
    assert parse_money(text, "amount", fmt=fmt) == Decimal(amount)


def test_the_issue_cases() -> None:
    assert parse_money("12,50", "amount", fmt=DE) == Decimal("12.50")  # was 1250.00
    with pytest.raises(ValidationError, match=r'"12,50" is ambiguous: 12\.50 or 1,250\.00\? '
                                              r'Type 12\.50 or 1250'):
        parse_money("12,50", "amount", fmt=US)
    with pytest.raises(ValidationError, match=r'"1\.250" is ambiguous: 1,25 or 1\.250,00\? '
                                              r'Type 1,25 or 1250'):
        parse_money("1.250", "amount", fmt=DE)


@pytest.mark.parametrize(("fmt", "text"), [(US, "12,50"), (US, "0,5"), (DE, "1.250"),
                                           (DE, "2.500")])
def test_what_an_ambiguity_suggests_is_not_ambiguous(fmt: MoneyFormat, text: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_money(text, "amount", fmt=fmt)
    suggestions = error.value.detail.split("Type ")[1].split(" or ")
    readings = {parse_money(s, "amount", fmt=fmt) for s in suggestions}
    assert len(readings) == 2


@pytest.mark.parametrize("text", ["1e3", "1E3", "1e309", "inf", "-inf", "Infinity", "nan",
                                  "NaN", "sNaN", "1_000", "١٢", "12.5.0", "1-2", "0x10",
                                  "12 34", "+-5", "1" * 50])
def test_no_exponent_inf_nan_or_stray_characters(text: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_money(text, "amount", fmt=US)
    assert error.value.field == "amount"


def test_other_locale_formats_are_refused_with_the_right_one() -> None:
    with pytest.raises(ValidationError, match="not how en_US writes an amount: type 1,234.56 "
                                              "or 1234.56"):
        parse_money("1.234,56", "amount", fmt=US)
    with pytest.raises(ValidationError, match="not how de_DE writes an amount: type 1.234,56"):
        parse_money("1,234.56", "amount", fmt=DE)


@pytest.mark.parametrize(("fmt", "text"), [(US, "12.505"), (DE, "12,505"), (US, "0.001")])
def test_more_decimals_than_cents_are_refused(fmt: MoneyFormat, text: str) -> None:
    with pytest.raises(ValidationError, match="more than two decimal places"):
        parse_money(text, "amount", fmt=fmt)


def test_the_largest_amount() -> None:
    assert parse_money("10,000,000.00", "amount", fmt=US) == DEFAULT_MAXIMUM
    for typed in ("10000000.01", "99,999,999,999.00", "12345678901234567890", 10**20):
        with pytest.raises(ValidationError, match=r"must be at most 10,000,000\.00"):
            parse_money(typed, "amount", fmt=US)
    raised = MoneyFormat("en_US", "USD", Decimal("50000000.00"))
    assert parse_money("20,000,000", "amount", fmt=raised) == Decimal("20000000.00")
    with pytest.raises(ValidationError, match=r"at most 50\.000\.000,00"):
        parse_money("60000000", "amount", fmt=MoneyFormat("de_DE", "EUR", Decimal("5E+7")))
    # code's own Decimals (a renewal carrying the rent) meet only the storage limit, and an
    # absurd one is a clear error, never an arithmetic exception
    assert parse_money(Decimal("20000000.00"), "amount", fmt=US) == Decimal("20000000.00")
    for absurd in (Decimal("1E+309"), Decimal("-1E+309")):
        with pytest.raises(ValidationError, match="must"):
            parse_money(absurd, "amount", fmt=US, allow_negative=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [("-1", "must not be negative"), ("1.005", "more than two decimal places"),
     ("abc", "not an amount"), ("", "is required"), ("NaN", "not an amount")],
)
def test_bad_amounts_name_the_field(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as error:
        parse_money(text, "rent_amount")
    assert error.value.field == "rent_amount"


def test_negative_amounts_where_allowed() -> None:
    assert parse_money("-12,50", "amount", fmt=DE, allow_negative=True) == Decimal("-12.50")
    assert parse_money("−5", "amount", allow_negative=True) == Decimal("-5.00")  # U+2212


def test_floats_are_refused() -> None:
    with pytest.raises(ValidationError, match="float"):
        parse_money(0.1, "amount")
    with pytest.raises(ValidationError, match="float"):
        parse_money(True, "amount")


def test_human_formats() -> None:
    assert parse_money("1,250.50", "x") == Decimal("1250.50")
    assert format_money(Decimal("3250"), "USD", "en_US") == "$3,250.00"
    assert format_money(Decimal("3250"), "EUR", "de_DE") == "3.250,00\xa0€"


def test_the_open_books_format_is_used_and_asked_for_once() -> None:
    assert money_format() == MoneyFormat()
    token = set_money_format(DE)
    try:
        assert parse_money("12,50", "amount") == Decimal("12.50")
    finally:
        reset_money_format(token)
    assert money_format() == MoneyFormat()
    asked: list[int] = []

    def open_book() -> MoneyFormat:  # the CLI's: opening the book is not free
        asked.append(1)
        return DE

    token = set_money_format(open_book)
    try:
        assert asked == []  # nothing parsed yet, nothing opened
        assert parse_money("1.234,56", "amount") == Decimal("1234.56")
        assert parse_money("2,00", "amount") == Decimal("2.00")
        assert asked == [1]
    finally:
        reset_money_format(token)
    assert money_format() == MoneyFormat()


@pytest.mark.parametrize(("fmt", "text", "percent"), [
    (DE, "2,5", "2.5"), (US, "2.5", "2.5"), (US, "10%", "10"), (US, "0", "0"),
    (US, "100", "100"), (DE, "33,33", "33.33")])
def test_percentages_typed_like_amounts(fmt: MoneyFormat, text: str, percent: str) -> None:
    assert parse_percent(text, "percent", fmt=fmt) == Decimal(percent)


@pytest.mark.parametrize(("text", "message"), [
    ("101", "at most 100"), ("-1", "must not be negative"), ("1e2", "not an amount"),
    ("nan", "not an amount"), ("2.555", "more than two decimal places")])
def test_bad_percentages(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_percent(text, "percent", fmt=US)
