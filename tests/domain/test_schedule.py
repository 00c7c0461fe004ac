"""Rent schedule and proration."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from coliv_desktop.domain.schedule import month_days, prorate, rent_periods

rents = st.integers(min_value=0, max_value=500_000).map(lambda c: Decimal(c) / 100)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


def test_full_months_are_the_rent_and_due_on_the_due_day() -> None:
    periods = rent_periods(Decimal("900.00"), date(2025, 12, 1), None, date(2026, 2, 5), 5)
    assert [(p.period, p.due_date, p.amount, p.working) for p in periods] == [
        ("2025-12", date(2025, 12, 5), Decimal("900.00"), ""),
        ("2026-01", date(2026, 1, 5), Decimal("900.00"), ""),
        ("2026-02", date(2026, 2, 5), Decimal("900.00"), ""),
    ]


def test_partial_first_and_last_months_show_the_working() -> None:
    periods = rent_periods(Decimal("900.00"), date(2025, 12, 15), date(2026, 1, 10),
                           date(2026, 12, 31))
    first, last = periods
    assert (first.start, first.end, first.days, first.month_days) == (
        date(2025, 12, 15), date(2025, 12, 31), 17, 31)
    assert first.due_date == date(2025, 12, 15)  # starts after the due day: due on move-in
    assert first.amount == Decimal("493.55")  # 900 * 31/31 - round(900 * 14/31)
    assert "17 of 31 days" in first.working and "493.55" in first.working
    assert last.amount == Decimal("290.32") and last.due_date == date(2026, 1, 1)


def test_nothing_due_after_through() -> None:
    assert rent_periods(Decimal("900"), date(2025, 12, 2), None, date(2025, 12, 1)) == []


@given(rents, days, st.integers(min_value=0, max_value=800), st.integers(1, 28))
def test_prorated_months_of_a_lease_sum_to_rent_times_days(
    rent: Decimal, start: date, length: int, due_day: int
) -> None:
    end = start + timedelta(days=length)
    periods = rent_periods(rent, start, end, end, due_day)
    assert sum(p.days for p in periods) == length + 1  # every day charged exactly once
    for p in periods:
        assert 0 <= p.amount <= rent
        exact = rent * p.days / p.month_days
        assert abs(p.amount - exact) <= Decimal("0.01")
        if not p.prorated:
            assert p.amount == rent


@given(rents, st.integers(2024, 2027), st.integers(1, 12), st.data())
def test_the_pieces_of_a_month_add_up_to_the_rent(
    rent: Decimal, year: int, month: int, data: st.DataObject
) -> None:
    n = month_days(year, month)
    cuts = sorted(data.draw(st.sets(st.integers(1, n - 1), max_size=5)))
    edges = [0, *cuts, n]
    pieces = [prorate(rent, a + 1, b, n) for a, b in zip(edges, edges[1:], strict=False)]
    assert sum(pieces) == rent
