"""Amounts and dates as files write them (domain.sheet_values, issue 15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.sheet_values import (
    date_orders_of,
    guess_date_order,
    guess_decimal_mark,
    parse_amount,
    parse_day,
)


@pytest.mark.parametrize(("text", "mark", "value"), [
    ("$1,200.50", ".", "1200.50"), ("1.200,50 €", ",", "1200.50"), ("1200", ".", "1200.00"),
    ("1 200,50", ",", "1200.50"), ("1'200.50", ".", "1200.50"), ("-12.50", ".", "-12.50"),
    ("(12.50)", ".", "-12.50"), ("12.50-", ".", "-12.50"), ("USD 12.50", ".", "12.50"),
    ("€12", ",", "12.00"), ("1,200,000.00", ".", "1200000.00"), ("0,5", ",", "0.50"),
])
def test_amounts(text: str, mark: str, value: str) -> None:
    assert parse_amount(text, "Rent", mark) == Decimal(value)


@pytest.mark.parametrize(("text", "mark"), [
    ("abc", "."), ("1e5", "."), ("12.345", "."), ("1,20,0", "."), ("1.2.3", "."),
    ("--5", "."), ("12 apples", "."), ("1,200.5.0", "."), ("9" * 70, "."),
    ("99999999999999", "."), ("=1+2", "."),
])
def test_not_amounts(text: str, mark: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_amount(text, "Rent", mark)
    assert caught.value.field == "Rent"


def test_the_decimal_mark_is_asked_when_the_values_allow_both() -> None:
    assert guess_decimal_mark(["1,200", "950"]) is None
    assert guess_decimal_mark(["1.200"]) is None
    assert guess_decimal_mark(["1,200", "12,50"]) == ","
    assert guess_decimal_mark(["$1,200.50", "950"]) == "."
    assert guess_decimal_mark(["1200", "950"]) == "."
    assert guess_decimal_mark(["12.50", "12,50"]) is None  # contradict: ask


@pytest.mark.parametrize(("text", "order", "day"), [
    ("2026-03-04", "ymd", date(2026, 3, 4)), ("2026/03/04", "ymd", date(2026, 3, 4)),
    ("03/04/2026", "mdy", date(2026, 3, 4)), ("03/04/2026", "dmy", date(2026, 4, 3)),
    ("4.3.2026", "dmy", date(2026, 3, 4)), ("4 Mar 2026", "mdy", date(2026, 3, 4)),
    ("Mar 4, 2026", "dmy", date(2026, 3, 4)), ("2026-03-04T00:00:00", "ymd", date(2026, 3, 4)),
    ("4 September 2026", "ymd", date(2026, 9, 4)),
    # a year first reads year-month-day in any column (an XLSX date among US ones)
    ("2026-03-04", "mdy", date(2026, 3, 4)), ("2026-03-04", "dmy", date(2026, 3, 4)),
])
def test_dates(text: str, order: str, day: date) -> None:
    assert parse_day(text, "Start", order) == day


@pytest.mark.parametrize(("text", "order"), [
    ("03/04/26", "mdy"), ("13/01/2026", "mdy"), ("2026-02-30", "ymd"), ("soon", "ymd"),
    ("4 Foo 2026", "dmy"), ("1/1/1850", "mdy"),
])
def test_not_dates(text: str, order: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_day(text, "Start", order)
    assert caught.value.field == "Start"


def test_the_date_order_is_asked_never_guessed() -> None:
    assert guess_date_order(["03/04/2026", "05/06/2026"]) is None
    assert guess_date_order(["03/04/2026", "13/06/2026"]) == "dmy"
    assert guess_date_order(["03/04/2026", "12/31/2026"]) == "mdy"
    assert guess_date_order(["2026-03-04"]) == "ymd"
    assert guess_date_order([]) == "ymd"
    assert guess_date_order(["4 Mar 2026", "2026-05-06"]) == "ymd"  # read alike in any order
    assert guess_date_order(["2026-05-06", "13/01/2026"]) == "dmy"


@settings(max_examples=200, deadline=None)
@given(cents=st.integers(min_value=-10**9, max_value=10**9),
       mark=st.sampled_from([".", ","]), grouped=st.booleans(),
       symbol=st.sampled_from(["", "$", " €", "USD "]))
def test_any_amount_written_reads_back(cents: int, mark: str, grouped: bool,
                                       symbol: str) -> None:
    value = Decimal(cents) / 100
    whole, frac = f"{abs(value):.2f}".split(".")
    if grouped:
        group = "," if mark == "." else "."
        whole = f"{int(whole):,}".replace(",", group)
    text = f"{'-' if value < 0 else ''}{symbol.strip() if symbol.startswith('U') else ''}" \
           f"{' ' if symbol.startswith('U') else ''}{whole}{mark}{frac}" \
           f"{symbol if not symbol.startswith('U') else ''}"
    assert parse_amount(text, "Amount", mark) == value


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
       order=st.sampled_from(["ymd", "mdy", "dmy"]), sep=st.sampled_from(["/", "-", "."]))
def test_any_date_written_reads_back(day: date, order: str, sep: str) -> None:
    parts = {"ymd": (day.year, day.month, day.day), "mdy": (day.month, day.day, day.year),
             "dmy": (day.day, day.month, day.year)}[order]
    text = sep.join(f"{p:02d}" for p in parts)
    assert parse_day(text, "Date", order) == day
    guessed = guess_date_order([text])
    assert guessed in (order, None)
    if guessed is None:  # asked only when the text reads as another real date too
        assert len(date_orders_of(text)) > 1
