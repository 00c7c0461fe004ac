"""The demo looks like a real business: rent through the day it is loaded, most tenants paid on
time, one late, one partly paid, the moved-out tenant's deposit refunded, a utility bill split."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Payment
from coliv_desktop.services import (
    contacts,
    deposits,
    leasing,
    ledger,
    reminders,
    rent_run,
    reports,
    utilities,
)
from coliv_desktop.services.context import Actor
from coliv_desktop.services.demo import load_demo

DAY = date(2025, 11, 25)


def test_the_demo_has_books(db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", DAY.isoformat())
    counts = load_demo(db, actor, DAY)
    assert counts["payments"] > 80 and counts["late fees"] == 2
    assert counts["deposits settled"] == 1 and counts["utility bills"] == 2
    tom = next(r for r in leasing.list_leases(db, actor) if r.tenant_name == "Tom Becker").tenant_id
    log = contacts.list_contacts(db, actor, tom, "late")  # the contact log has the story too
    assert counts["contacts"] == 8 and [c.contact_date for c in log] == [DAY - timedelta(18)]
    november = reports.collection(db, actor, "2025-11")
    late = {r.tenant: r for r in november.rooms if r.status != "paid"}
    # Brad owes the door frame he damaged: the maintenance demo recharges it to his lease
    assert set(late) == {"Tom Becker", "Jessica Alvarez", "Brad Kowalski"}
    assert late["Brad Kowalski"].status == "due"  # due today, not yet past due
    assert late["Tom Becker"].paid == D("0.00")  # hasn't paid November yet: rent + late fee
    assert late["Jessica Alvarez"].paid == D("400.00")  # paid part of it
    assert D("85") < november.collection_rate < D("95")
    aging = reports.aging_report(db, actor, DAY)
    assert {r.tenant for r in aging.rows} == {"Tom Becker", "Jessica Alvarez", "Brad Kowalski"}
    assert aging.totals["31-60"] == aging.totals["61-90"] == aging.totals["90+"] == D("0.00")
    # Omar moved out 20 days ago: his deposit was settled, the rest refunded
    omar = next(r for r in leasing.list_leases(db, actor) if r.tenant_name == "Omar Haddad")
    settled = deposits.get_disposition(db, actor, omar.id)
    assert settled is not None and settled.deductions_total == D("120.00")
    assert settled.total_refund == D("605.00") and settled.owed == D("0.00")
    assert ledger.lease_ledger(db, actor, omar.id).balance == D("0.00")
    bills = {b.provider: b for b in utilities.list_bills(db, actor)}
    assert bills["Austin Energy"].amount == D("265.40") and bills["Austin Energy"].unit_number
    assert bills["City of Austin Water"].unit_number is None  # the whole property
    assert all(b.tenants_share + b.operator_share == b.amount for b in bills.values())
    assert reminders.list_outbox(db, actor)  # Tom and Jessica's overdue rent, at least
    # the books are complete: another rent run today posts nothing
    again = rent_run.run_rent(db, actor, DAY)
    assert (again.charges_created, again.late_fees_created) == (0, 0)
    with db.read() as s:
        paid = s.execute(select(Payment.receipt_number, Payment.received_on)
                         .where(Payment.kind == "payment")
                         .order_by(Payment.receipt_number)).all()
    assert [d for _, d in paid] == sorted(d for _, d in paid)  # receipts in date order
    assert [n for n, _ in paid] == list(range(1, len(paid) + 1))
