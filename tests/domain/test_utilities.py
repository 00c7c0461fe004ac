"""Utility bill splits: every rule, vacancy, proration and exact cents."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.utilities import (
    OPERATOR,
    RULES,
    Occupant,
    RoomInput,
    assign_cents,
    split_bill,
)

START, END = date(2025, 12, 1), date(2025, 12, 31)


def rooms() -> list[RoomInput]:
    return [
        RoomInput("A", "3B-A", size=150, percent=Decimal(40),
                  occupants=[Occupant("sarah", "Sarah", date(2025, 1, 1), None)]),
        RoomInput("B", "3B-B", size=120, percent=Decimal(20),
                  occupants=[Occupant("mike", "Mike", date(2025, 12, 16), None)]),
        RoomInput("C", "3B-C", size=130, percent=Decimal(20), occupants=[]),
        RoomInput("D", "3B-D", size=130, percent=Decimal(20),
                  occupants=[Occupant("tom", "Tom", date(2025, 1, 1), None)]),
    ]


def by_key(shares: list) -> dict[str, Decimal]:  # type: ignore[type-arg]
    return {s.key: s.amount for s in shares}


def test_equal_per_occupied_room_with_vacancy_to_operator() -> None:
    shares = by_key(split_bill(Decimal("300.00"), START, END, "equal", rooms()))
    # three occupied rooms at 100.00; Mike lived 16 of 31 days
    assert shares["sarah"] == Decimal("100.00") and shares["tom"] == Decimal("100.00")
    assert shares["mike"] == Decimal("51.61")
    assert shares[OPERATOR] == Decimal("48.39")
    assert sum(shares.values()) == Decimal("300.00")


def test_vacancy_spread_over_occupants() -> None:
    shares = by_key(split_bill(Decimal("300.00"), START, END, "equal", rooms(), "occupants"))
    assert OPERATOR not in shares
    assert sum(shares.values()) == Decimal("300.00")
    assert shares["sarah"] == shares["tom"] > shares["mike"]


def test_by_size_and_percentages() -> None:
    size = by_key(split_bill(Decimal("530.00"), START, END, "by_size", rooms()))
    assert size["sarah"] == Decimal("150.00") and size["tom"] == Decimal("130.00")
    assert size[OPERATOR] == Decimal("130.00") + Decimal("120.00") - size["mike"]
    pct = by_key(split_bill(Decimal("100.00"), START, END, "percentages", rooms()))
    assert pct["sarah"] == Decimal("40.00")
    bad = rooms()
    bad[0] = RoomInput("A", "3B-A", percent=Decimal(50))
    with pytest.raises(ValidationError) as err:
        split_bill(Decimal("100.00"), START, END, "percentages", bad)
    assert err.value.field == "percentages"


def test_per_person_counts_beds_and_the_working_is_written() -> None:
    shared = [RoomInput("S", "1-S", beds=2, occupants=[
        Occupant("x", "Xi", START, None), Occupant("y", "Yan", START, None)]),
        RoomInput("P", "1-P", occupants=[Occupant("z", "Zoë", START, None)])]
    shares = split_bill(Decimal("100.00"), START, END, "per_person", shared)
    assert sorted(s.amount for s in shares) == [Decimal("33.33"), Decimal("33.33"),
                                                Decimal("33.34")]
    assert "per person" in shares[0].working and "31 of 31 days" in shares[0].working


def test_cent_assignment_is_deterministic() -> None:
    from fractions import Fraction
    third = Fraction(1, 3)
    assert assign_cents(Decimal("1.00"), [third, third, third]) == [
        Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]


@st.composite
def bills(draw: st.DrawFn) -> tuple[Decimal, date, date, str, list[RoomInput], str]:
    start = draw(st.dates(date(2025, 1, 1), date(2026, 12, 1)))
    end = start + timedelta(days=draw(st.integers(0, 62)))
    n = draw(st.integers(1, 6))
    percents = [Decimal(100 // n)] * n
    percents[0] += 100 - sum(percents)
    room_list = []
    for i in range(n):
        occupants = []
        for j in range(draw(st.integers(0, 1))):
            o_start = start + timedelta(days=draw(st.integers(-30, 40)))
            o_end = draw(st.one_of(st.none(), st.just(o_start + timedelta(
                days=draw(st.integers(0, 60))))))
            occupants.append(Occupant(f"{i}-{j}", f"T{i}", o_start, o_end))
        room_list.append(RoomInput(str(i), str(i), size=draw(st.integers(50, 400)),
                                   percent=percents[i], occupants=occupants))
    amount = Decimal(draw(st.integers(1, 1_000_000))) / 100
    return (amount, start, end, draw(st.sampled_from(RULES)), room_list,
            draw(st.sampled_from(["operator", "occupants"])))


@given(bills())
def test_utility_shares_always_sum_to_the_bill(
    case: tuple[Decimal, date, date, str, list[RoomInput], str]
) -> None:
    amount, start, end, rule, room_list, vacant_to = case
    try:
        shares = split_bill(amount, start, end, rule, room_list, vacant_to)
    except ValidationError as exc:
        assert exc.field == "rule"  # nobody lived there at all: refused, not mis-split
        return
    assert sum(s.amount for s in shares) == amount
    assert all(s.amount >= 0 for s in shares)
    assert len({s.key for s in shares}) == len(shares)
