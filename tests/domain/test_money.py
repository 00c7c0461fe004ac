"""Money: exact cents, no floats, clear errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import format_money, from_cents, money_str, parse_money, to_cents


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_cents_round_trip(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_parse_accepts_two_places(amount: Decimal) -> None:
    assert parse_money(str(amount), "rent") == amount
    assert money_str(parse_money(str(amount), "rent")) == f"{amount:.2f}"


@pytest.mark.parametrize(
    ("text", "message"),
    [("-1", "must not be negative"), ("1.005", "more than two decimal places"),
     ("abc", "not an amount"), ("", "is required"), ("NaN", "not an amount")],
)
def test_bad_amounts_name_the_field(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as error:
        parse_money(text, "rent_amount")
    assert error.value.field == "rent_amount"


def test_floats_are_refused() -> None:
    with pytest.raises(ValidationError, match="float"):
        parse_money(0.1, "amount")


def test_human_formats() -> None:
    assert parse_money("1,250.50", "x") == Decimal("1250.50")
    assert format_money(Decimal("3250"), "USD", "en_US") == "$3,250.00"
    assert format_money(Decimal("3250"), "EUR", "de_DE") == "3.250,00\xa0€"
