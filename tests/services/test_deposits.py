"""Deposits: a liability while held, settled once at move-out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.deposits import DispositionCreate
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.services import deposits, leasing, ledger, rent_run, reports
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease, tenant

D = Decimal


def test_move_out_with_deductions_and_unpaid_rent(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    tom = lease(db, actor, flow.rooms["3B-D"], tenant(db, actor, "Tom"), date(2025, 12, 1),
                deposit_amount="800")
    rent_run.run_rent(db, actor, date(2026, 1, 31))
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=tom.id, amount="1600",
                                           received_on="2025-12-01", method="check"))
    # deposit and December are paid; January (800) is not
    income = reports.income(db, date(2025, 12, 1), date(2025, 12, 31))
    assert income.total == D("800.00")  # the deposit is held, not income
    data = build(DispositionCreate, lease_id=tom.id, decided_on="2026-02-03",
                 deductions=[{"reason": "Broken window", "amount": "150"}],
                 refund_method="bank_transfer")
    with pytest.raises(ValidationError) as err:
        deposits.settle_deposit(db, actor, data)
    assert "move-out" in str(err.value)
    leasing.end_lease(db, actor, tom.id, date(2026, 1, 31))
    preview = deposits.preview_disposition(db, data)
    assert (preview.held, preview.deductions_total, preview.unpaid_before) == (
        D("800.00"), D("150.00"), D("800.00"))
    done = deposits.settle_deposit(db, actor, data)
    assert (done.applied, done.refund, done.owed) == (D("800.00"), D("0.00"), D("150.00"))
    book = ledger.lease_ledger(db, tom.id)
    assert book.deposit_held == D("0.00") and book.balance == D("150.00")
    assert deposits.get_disposition(db, tom.id) == done
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
    assert ledger.lease_ledger(db, ana.id).balance == D("0.00")
