"""Deposits: a liability while held, settled once at move-out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.deposits import DispositionCreate
from coliv_desktop.schemas.ledger import CreditCreate, PaymentCreate
from coliv_desktop.services import (
    deposits,
    history,
    integrity,
    leasing,
    ledger,
    rent_run,
    reports,
)
from coliv_desktop.services.context import Actor
from tests.builders import OWNER, flow_41, fresh_lease, lease, tenant

D = Decimal


def test_move_out_with_deductions_and_unpaid_rent(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    tom = lease(db, actor, flow.rooms["3B-D"], tenant(db, actor, "Tom"), date(2025, 12, 1),
                deposit_amount="800")
    rent_run.run_rent(db, actor, date(2026, 1, 31))
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=tom.id, amount="1600",
                                           received_on="2025-12-01", method="check"))
    # deposit and December are paid; January (800) is not
    income = reports.income(db, actor, date(2025, 12, 1), date(2025, 12, 31))
    assert income.total == D("800.00")  # the deposit is held, not income
    data = build(DispositionCreate, lease_id=tom.id, decided_on="2026-02-03",
                 deductions=[{"reason": "Broken window", "amount": "150"}],
                 refund_method="bank_transfer")
    with pytest.raises(ValidationError) as err:
        deposits.settle_deposit(db, actor, data)
    assert "move-out" in str(err.value)
    leasing.end_lease(db, actor, tom.id, date(2026, 1, 31))
    preview = deposits.preview_disposition(db, actor, data)
    assert (preview.held, preview.deductions_total, preview.unpaid_before) == (
        D("800.00"), D("150.00"), D("800.00"))
    done = deposits.settle_deposit(db, actor, data)
    assert (done.applied, done.refund, done.owed) == (D("800.00"), D("0.00"), D("150.00"))
    book = ledger.lease_ledger(db, actor, tom.id)
    assert book.deposit_held == D("0.00") and book.balance == D("150.00")
    assert deposits.get_disposition(db, actor, tom.id) == done
    with pytest.raises(ValidationError):
        deposits.settle_deposit(db, actor, data)


def test_refund_when_everything_is_paid(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    ana = lease(db, actor, flow.rooms["3A-A"], tenant(db, actor, "Ana"), date(2025, 12, 1),
                date(2025, 12, 31), deposit_amount="700", rent_amount="700")
    rent_run.run_rent(db, actor, date(2025, 12, 31))
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=ana.id, amount="1400",
                                           received_on="2025-12-01", method="cash"))
    leasing.end_lease(db, actor, ana.id, date(2025, 12, 31))
    done = deposits.settle_deposit(db, actor, build(
        DispositionCreate, lease_id=ana.id, decided_on="2026-01-02",
        deductions=[{"reason": "Cleaning", "amount": "60.50"}]))
    assert (done.applied, done.refund, done.owed) == (D("60.50"), D("639.50"), D("0.00"))
    assert ledger.lease_ledger(db, actor, ana.id).balance == D("0.00")


def _state(db: Database, lease_id: object) -> tuple[Decimal, Decimal, object]:
    book = ledger.lease_ledger(db, OWNER, lease_id)  # type: ignore[arg-type]
    return book.balance, book.deposit_held, deposits.get_disposition(db, OWNER, lease_id)  # type: ignore[arg-type]


def test_a_settlement_reversed_puts_the_books_back_and_can_be_made_again(
        db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    tom = lease(db, actor, flow.rooms["3B-D"], tenant(db, actor, "Tom"), date(2025, 12, 1),
                deposit_amount="800")
    rent_run.run_rent(db, actor, date(2026, 1, 31))
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=tom.id, amount="1600",
                                           received_on="2025-12-01", method="check"))
    leasing.end_lease(db, actor, tom.id, date(2026, 1, 31))
    before = _state(db, tom.id)
    assert before == (D("800.00"), D("800.00"), None)
    typo = build(DispositionCreate, lease_id=tom.id, decided_on="2026-02-03",
                 deductions=[{"reason": "Broken window", "amount": "1500"}],  # meant 150
                 refund_method="bank_transfer")
    deposits.settle_deposit(db, actor, typo)
    with pytest.raises(ValidationError, match="say why"):
        deposits.reverse_settlement(db, actor, tom.id, " ")
    voided = deposits.reverse_settlement(db, actor, tom.id, "typed 1500 for 150")
    assert voided == 2  # the deduction and the deposit applied
    assert _state(db, tom.id) == before
    assert [p for r in integrity.verify_books(db, actor) for p in r.problems] == []
    book = ledger.lease_ledger(db, actor, tom.id)
    assert [c.void_reason for c in book.charges if c.description.startswith("Deposit ded")] == [
        "Deposit settlement reversed: typed 1500 for 150"]  # the ledger keeps both
    with pytest.raises(ValidationError, match="not been settled"):
        deposits.reverse_settlement(db, actor, tom.id, "again")
    done = deposits.settle_deposit(db, actor, typo.model_copy(update={"deductions": [
        build(DispositionCreate, lease_id=tom.id, decided_on="2026-02-03",
              deductions=[{"reason": "Broken window", "amount": "150"}]).deductions[0]]}))
    assert (done.applied, done.refund, done.owed) == (D("800.00"), D("0.00"), D("150.00"))
    assert history.audit_entries(db, actor, search="reversed")[0].action == "reverse"


amounts = st.integers(min_value=0, max_value=200_000).map(lambda c: D(c) / 100)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(paid=amounts, credit=amounts, deductions=st.lists(
    st.integers(1, 90_000).map(lambda c: D(c) / 100), max_size=3), to_balance=st.booleans())
def test_settle_then_reverse_leaves_the_account_as_it_was(
        db: Database, actor: Actor, paid: Decimal, credit: Decimal, deductions: list[Decimal],
        to_balance: bool) -> None:
    """Whatever was paid, credited and deducted: reversing a settlement gives back the
    balance and the deposit held as they were, and the books pass every check."""
    the_lease = fresh_lease(db, actor, 60, deposit_amount="700", rent_amount="900")
    assert the_lease.lease_end is not None
    rent_run.run_rent(db, actor, the_lease.lease_end)
    if paid:
        ledger.record_payment(db, actor, build(
            PaymentCreate, lease_id=the_lease.id, amount=paid,
            received_on=the_lease.lease_start, method="cash"))
    if credit:
        ledger.add_credit(db, actor, build(CreditCreate, lease_id=the_lease.id, amount=credit,
                                           received_on=the_lease.lease_start, reason="Goodwill"))
    leasing.end_lease(db, actor, the_lease.id, the_lease.lease_end)
    before = _state(db, the_lease.id)
    data = build(DispositionCreate, lease_id=the_lease.id, decided_on=the_lease.lease_end,
                 deductions=[{"reason": f"Item {i}", "amount": a}
                             for i, a in enumerate(deductions)],
                 apply_to_balance=to_balance)
    deposits.settle_deposit(db, actor, data)
    deposits.reverse_settlement(db, actor, the_lease.id, "entered wrongly")
    assert _state(db, the_lease.id) == before
    assert [p for r in integrity.verify_books(db, actor) for p in r.problems] == []
    again = deposits.settle_deposit(db, actor, data)  # and it can be settled anew
    assert deposits.get_disposition(db, actor, the_lease.id) == again
