"""Flow 4.3 and the ledger's use cases, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.services import ledger, rent_run
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease, tenant

D = Decimal


def pay(db: Database, actor: Actor, lease_id: object, amount: str, day: date,
        method: str = "cash", **extra: object) -> object:
    return ledger.record_payment(db, actor, build(
        PaymentCreate, lease_id=lease_id, amount=amount, received_on=day, method=method,
        **extra))


def test_rent_run_posts_once_and_payments_allocate_oldest_first(
    db: Database, actor: Actor
) -> None:
    flow = flow_41(db, actor)
    sarah = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 12, 1),
                  deposit_amount="500")
    first = rent_run.run_rent(db, actor, date(2026, 1, 31))
    assert (first.charges_created, first.deposits_created, first.late_fees_created) == (3, 1, 0)
    again = rent_run.run_rent(db, actor, date(2026, 1, 31))
    assert (again.charges_created, again.late_fees_created) == (0, 0)
    book = ledger.lease_ledger(db, actor, sarah.id)
    assert [(c.kind, c.amount) for c in book.charges] == [
        ("deposit", D("500.00")), ("rent", D("900.00")), ("rent", D("900.00"))]
    assert book.balance == D("2300.00")
    paid = ledger.record_payment(db, actor, build(
        PaymentCreate, lease_id=sarah.id, amount="1000", received_on="2025-12-01",
        method="bank_transfer", reference="TX-1"))
    assert paid.receipt_number == 1
    assert [a.amount for a in paid.allocations] == [D("500.00"), D("500.00")]
    book = ledger.lease_ledger(db, actor, sarah.id)
    assert [c.status for c in book.charges][:2] == ["paid", "overdue"]
    assert book.deposit_held == D("500.00") and book.balance == D("1300.00")
    # a prepayment waits as credit and is applied when the next month is posted
    extra = pay(db, actor, sarah.id, "2200", date(2026, 1, 5))
    assert extra.unapplied == D("900.00")  # type: ignore[attr-defined]
    rent_run.run_rent(db, actor, date(2026, 2, 28))
    book = ledger.lease_ledger(db, actor, sarah.id)
    assert book.charges[-1].status == "paid" and book.balance == D("0.00")


def test_void_payment_restores_the_balance_and_keeps_the_receipt_number(
    db: Database, actor: Actor
) -> None:
    flow = flow_41(db, actor)
    tom = lease(db, actor, flow.rooms["3B-D"], tenant(db, actor, "Tom"), date(2025, 12, 1))
    rent_run.run_rent(db, actor, date(2025, 12, 31))
    first = pay(db, actor, tom.id, "800", date(2025, 12, 2))
    voided = ledger.void_payment(db, actor, first.id, "check bounced")  # type: ignore[attr-defined]
    assert voided.void_reason == "check bounced" and voided.allocated == D("0.00")
    assert ledger.lease_ledger(db, actor, tom.id).balance == D("800.00")
    second = pay(db, actor, tom.id, "800", date(2025, 12, 9))
    assert second.receipt_number == 2  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as err:
        ledger.void_payment(db, actor, first.id, "again")  # type: ignore[attr-defined]
    assert err.value.field == "payment_id"
    with pytest.raises(ValidationError) as err:
        ledger.void_payment(db, actor, second.id, "  ")  # type: ignore[attr-defined]
    assert err.value.field == "reason"


def test_money_may_be_post_dated_but_not_years_ahead(db: Database, actor: Actor) -> None:
    from datetime import timedelta

    from coliv_desktop.schemas.ledger import CreditCreate
    from coliv_desktop.services.clock import today

    flow = flow_41(db, actor)
    ana = lease(db, actor, flow.rooms["3A-A"], tenant(db, actor, "Ana"), date(2025, 12, 1))
    soon = today() + timedelta(days=300)  # a post-dated check for the months ahead
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=ana.id, amount="700",
                                           received_on=soon, method="check"))
    typo = date(today().year + 36, 1, 1)
    rows = [build(PaymentCreate, lease_id=ana.id, amount="10", received_on=day, method="cash")
            for day in (today(), typo)]
    with pytest.raises(ValidationError) as caught:
        ledger.record_payments(db, actor, rows)
    assert caught.value.field == "rows[1].received_on" and "check the year" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        ledger.add_credit(db, actor, build(CreditCreate, lease_id=ana.id, amount="5",
                                           received_on=typo, reason="Goodwill"))
    assert caught.value.field == "received_on"
    assert len(ledger.lease_ledger(db, actor, ana.id).payments) == 1  # nothing of the refused batch
