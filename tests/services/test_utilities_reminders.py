"""Utility bills posted as charges, and the reminders outbox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.schemas.utilities import UtilityBillIn
from coliv_desktop.services import ledger, reminders, rent_run, utilities
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease, tenant

D = Decimal


def test_bill_split_by_size_posts_charges_that_sum_to_the_bill(
    db: Database, actor: Actor
) -> None:
    flow = flow_41(db, actor)
    sarah = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 6, 1))
    mike = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"), date(2025, 12, 16))
    bill = build(UtilityBillIn, property_id=flow.property_id, unit_id=flow.unit_3b,
                 provider="Austin Energy", period_start="2025-12-01", period_end="2025-12-31",
                 amount="265.00", due_date="2026-01-10", rule="by_size")
    preview = utilities.preview_bill(db, actor, bill)
    posted = utilities.post_bill(db, actor, bill)
    assert [(s.tenant, s.amount) for s in preview.shares] == [
        (s.tenant, s.amount) for s in posted.shares]
    assert sum(s.amount for s in posted.shares) == D("265.00")
    amounts = {s.tenant: s.amount for s in posted.shares}
    assert amounts["Sarah Tester"] == D("75.00")  # 150 of 530 sq ft, whole month
    assert amounts["Mike Tester"] == D("30.97")  # 120 of 530 sq ft for 16 of 31 days
    assert amounts["Operator (vacant)"] == D("265.00") - D("75.00") - D("30.97")
    book = ledger.lease_ledger(db, actor, mike.id)
    [charge] = [c for c in book.charges if c.kind == "utility"]
    assert charge.amount == D("30.97") and "16 of 31 days" in (charge.working or "")
    assert ledger.lease_ledger(db, actor, sarah.id).balance == D("75.00")


def test_reminders_before_on_and_after_the_due_date(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    sarah = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 12, 1))
    tom = lease(db, actor, flow.rooms["3B-D"], tenant(db, actor, "Tom"), date(2025, 12, 1))
    rent_run.run_rent(db, actor, date(2025, 12, 1))
    assert reminders.refresh_outbox(db, actor, date(2025, 11, 23)) == 0  # 8 days before
    assert reminders.refresh_outbox(db, actor, date(2025, 11, 24)) == 2
    outbox = reminders.list_outbox(db, actor)
    assert outbox[0].kind == "before_due" and "$900.00" in outbox[0].body + outbox[1].body
    assert reminders.refresh_outbox(db, actor, date(2025, 11, 25)) == 0  # once per kind
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=sarah.id, amount="900",
                                           received_on="2025-11-30", method="card"))
    assert reminders.refresh_outbox(db, actor, date(2025, 12, 1)) == 1  # only Tom, due today
    assert reminders.refresh_outbox(db, actor, date(2025, 12, 5)) == 1
    overdue = [r for r in reminders.list_outbox(db, actor) if r.kind == "overdue"]
    assert [r.lease_id for r in overdue] == [tom.id] and "Overdue" in overdue[0].subject
    assert reminders.mark(db, actor, [r.id for r in overdue], "printed") == 1
    assert all(r.kind != "overdue" for r in reminders.list_outbox(db, actor))
