"""Charge status, allocation, late fees and aging."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coliv_desktop.domain import aging
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.late_fees import LateFeeRule, late_fee, late_from, tenant_wording
from coliv_desktop.domain.ledger import (
    Allocation,
    OpenCharge,
    allocate_oldest_first,
    charge_status,
    check_explicit,
)

D = Decimal
DUE = date(2025, 12, 1)


@pytest.mark.parametrize(
    ("paid", "today", "voided", "expected"),
    [
        ("0", date(2025, 11, 30), False, "pending"),
        ("0", DUE, False, "pending"),
        ("100", DUE, False, "partial"),
        ("100", date(2025, 12, 2), False, "overdue"),
        ("0", date(2025, 12, 2), False, "overdue"),
        ("900", date(2026, 1, 1), False, "paid"),
        ("0", DUE, True, "void"),
    ],
)
def test_charge_status(paid: str, today: date, voided: bool, expected: str) -> None:
    assert charge_status(D("900.00"), D(paid), DUE, today, voided=voided) == expected


money = st.integers(min_value=1, max_value=200_000).map(lambda c: Decimal(c) / 100)


@given(money, st.lists(st.tuples(money, st.integers(0, 90)), max_size=8))
def test_oldest_first_never_over_allocates(
    amount: Decimal, owed: list[tuple[Decimal, int]]
) -> None:
    charges = [OpenCharge(i, date.fromordinal(DUE.toordinal() + d), o, i)
               for i, (o, d) in enumerate(owed)]
    allocations, unapplied = allocate_oldest_first(amount, charges)
    by_id = {c.id: c for c in charges}
    assert all(0 < a.amount <= by_id[a.charge_id].outstanding for a in allocations)
    assert sum(a.amount for a in allocations) + unapplied == amount
    assert unapplied >= 0
    # oldest first: a charge is touched only when every older one is fully paid
    paid = {a.charge_id: a.amount for a in allocations}
    ordered = sorted(charges, key=lambda c: (c.due_date, c.order))
    for i, c in enumerate(ordered):
        if c.id in paid:
            assert all(paid.get(o.id) == o.outstanding for o in ordered[:i])
    if unapplied > 0:
        assert all(paid.get(c.id) == c.outstanding for c in charges)


def test_explicit_allocation_is_checked() -> None:
    charges = [OpenCharge("a", DUE, D("900.00")), OpenCharge("b", DUE, D("50.00"))]
    assert check_explicit(D("100.00"), [Allocation("b", D("50.00"))], charges) == D("50.00")
    with pytest.raises(ValidationError) as err:
        check_explicit(D("100.00"), [Allocation("b", D("60.00"))], charges)
    assert err.value.field == "allocations[0].amount"
    with pytest.raises(ValidationError) as err:
        check_explicit(D("10.00"), [Allocation("a", D("20.00"))], charges)
    assert err.value.field == "allocations"
    with pytest.raises(ValidationError) as err:
        check_explicit(D("10.00"), [Allocation("zz", D("5.00"))], charges)
    assert err.value.field == "allocations[0].charge_id"


def test_late_fees_flat_percent_and_cap() -> None:
    flat = LateFeeRule("flat", grace_days=5, flat_amount=D("50.00")).validate()
    assert late_from(DUE, flat) == date(2025, 12, 7)
    assert late_fee(flat, D("800.00")) == D("50.00")
    assert late_fee(flat, D("0.00")) == D("0.00")
    pct = LateFeeRule("percent", grace_days=0, percent=D("5"), cap=D("30.00")).validate()
    assert late_fee(pct, D("400.00")) == D("20.00")
    assert late_fee(pct, D("800.00")) == D("30.00")
    assert "5% of the overdue rent" in pct.describe()
    with pytest.raises(ValidationError) as err:
        LateFeeRule("percent", percent=D("0")).validate()
    assert err.value.field == "percent"


@pytest.mark.parametrize(
    ("due", "bucket"),
    [(date(2026, 1, 1), "current"), (date(2025, 12, 31), "current"),
     (date(2025, 12, 30), "1-30"), (date(2025, 12, 1), "1-30"), (date(2025, 11, 30), "31-60"),
     (date(2025, 10, 2), "61-90"), (date(2025, 10, 1), "90+")],
)
def test_aging_buckets(due: date, bucket: str) -> None:
    as_of = date(2025, 12, 31)
    assert aging.bucket(due, as_of) == bucket
    edge = next((name for name, first in aging.bucket_edges(as_of) if due >= first), "90+")
    assert edge == bucket


def test_a_late_fee_as_the_lease_states_it() -> None:
    def dollars(amount: Decimal) -> str:
        return f"${amount:,.2f}"
    assert tenant_wording("flat", 5, Decimal("50"), Decimal(0), None, dollars) == (
        "$50.00 if the rent is still unpaid 5 days after it is due, once per month")
    assert tenant_wording("percent", 1, Decimal(0), Decimal("10.0"), Decimal("60"), dollars) == (
        "10% of the rent overdue if the rent is still unpaid 1 day after it is due, once per "
        "month, at most $60.00")
    assert tenant_wording("flat", 0, Decimal("25"), Decimal(0), None, dollars).endswith(
        "if the rent is not paid on the day it is due, once per month")
    assert tenant_wording("none", 5, Decimal(0), Decimal(0), None, dollars) == "none"
