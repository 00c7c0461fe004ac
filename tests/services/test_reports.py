"""Flow 4.3 and every report, computed by SQL on each engine, agreeing with the ledger."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.leasing import LeaseTransfer
from coliv_desktop.schemas.ledger import CreditCreate, PaymentCreate
from coliv_desktop.services import leasing, ledger, rent_run, reports
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease, tenant

D = Decimal


def flow_43(db: Database, actor: Actor) -> dict[str, object]:
    """3B's four leases from 2025-12-01, rent run through 2025-12-31, three of them pay."""
    flow = flow_41(db, actor)
    leases = {}
    for room, name, rent in [("A", "Sarah", "900"), ("B", "Mike", "750"),
                             ("C", "Jessica", "800"), ("D", "Tom", "800")]:
        leases[name] = lease(db, actor, flow.rooms[f"3B-{room}"], tenant(db, actor, name),
                             date(2025, 12, 1), rent_amount=rent).id
    result = rent_run.run_rent(db, actor, date(2025, 12, 31))
    assert result.charges_created == 4
    for name, amount in [("Sarah", "900"), ("Mike", "750"), ("Jessica", "800")]:
        ledger.record_payment(db, actor, build(
            PaymentCreate, lease_id=leases[name], amount=amount, received_on="2025-11-24",
            method="card"))
    return {"flow": flow, **leases}


def test_flow_43_collection(db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2025-12-01")
    flow_43(db, actor)
    report = reports.collection(db, actor, "2025-12")
    assert (report.expected, report.collected, report.outstanding) == (
        D("3250.00"), D("2450.00"), D("800.00"))
    assert report.collection_rate == D("75.4")
    assert [(r.room, r.tenant, r.status) for r in report.rooms] == [
        ("A", "Sarah Tester", "paid"), ("B", "Mike Tester", "paid"),
        ("C", "Jessica Tester", "paid"), ("D", "Tom Tester", "due")]
    monkeypatch.setenv("COLIV_TODAY", "2025-12-02")
    assert reports.collection(db, actor, "2025-12").rooms[3].status == "overdue"
    assert reports.collection(db, actor, "2026-01").expected == D("0.00")
    tom = next(r.tenant_id for r in leasing.list_leases(db, actor) if r.tenant_name == "Tom Tester")
    sarah = next(r.tenant_id for r in leasing.list_leases(db, actor)
                 if r.tenant_name == "Sarah Tester")
    assert ledger.tenant_balance(db, actor, tom) == D("800.00")  # the tenant record's balance
    assert ledger.tenant_balance(db, actor, sarah) == D("0.00")


def test_aging_rent_roll_statement_and_income(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2026-02-15")
    ids = flow_43(db, actor)
    rent_run.run_rent(db, actor, date(2026, 2, 15))
    aging = reports.aging_report(db, actor, date(2026, 2, 15))
    by_tenant = {r.tenant: r for r in aging.rows}
    assert by_tenant["Tom Tester"].buckets["61-90"] == D("800.00")  # due Dec 1: 76 days
    assert by_tenant["Tom Tester"].buckets["31-60"] == D("800.00")  # due Jan 1
    assert by_tenant["Tom Tester"].buckets["1-30"] == D("800.00")  # due Feb 1
    assert aging.total == D("3250.00") * 2 + D("800.00")
    roll = reports.rent_roll(db, actor, date(2026, 2, 15))
    assert roll.total_rent == D("3250.00")
    assert sum(r.balance for r in roll.rows) == aging.total
    sarah = ids["Sarah"]
    assert isinstance(sarah, uuid.UUID)
    st = reports.statement(db, actor, sarah, date(2025, 12, 1), date(2026, 2, 28))
    assert st.opening == D("-900.00")  # paid on 2025-11-24, before the statement starts
    assert [line.balance for line in st.lines] == [D("0.00"), D("900.00"), D("1800.00")]
    assert st.closing == D("1800.00") == ledger.lease_ledger(db, actor, sarah).balance
    income = reports.income(db, actor, date(2025, 11, 1), date(2026, 2, 28))
    assert income.total == D("2450.00")
    assert [(r.month, r.rent) for r in income.rows] == [("2025-11", D("2450.00"))]


def test_transfer_carries_balance_and_deposit(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    first = lease(db, actor, flow.rooms["3A-A"], tenant(db, actor, "Ana"), date(2025, 12, 1),
                  rent_amount="700", deposit_amount="700")
    rent_run.run_rent(db, actor, date(2025, 12, 31))
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=first.id, amount="1000",
                                           received_on="2025-12-01", method="cash"))
    moved = leasing.transfer_lease(db, actor, first.id, build(
        LeaseTransfer, room_id=flow.rooms["3B-B"], transfer_date="2025-12-16",
        rent_amount="750"))
    result = rent_run.run_rent(db, actor, date(2026, 1, 31))
    assert result.deposits_created == 0  # the deposit moved with the tenant, not charged again
    book = ledger.lease_ledger(db, actor, moved.id)
    assert set(book.lease_ids) == {first.id, moved.id}
    rent = [c for c in book.charges if c.kind == "rent"]
    # December was charged in full (700) before the transfer: the transfer voided it and charged
    # the old room for the 1st-15th, the new lease charges the 16th-31st at the new rent
    assert [(c.amount, c.status) for c in rent] == [
        (D("700.00"), "void"), (D("338.71"), "overdue"), (D("387.10"), "overdue"),
        (D("750.00"), "overdue")]
    assert rent[1].paid == D("300.00")  # the 300 that paid December moved to the new charge
    assert rent[0].void_reason is not None and "transfer to room 3B-B" in rent[0].void_reason
    assert rent[1].period == "2025-12#2" and "15 of 31 days" in (rent[1].working or "")
    assert book.deposit_held == D("700.00")
    assert book.balance == D("338.71") + D("387.10") + D("750.00") + D("700.00") - D("1000.00")
    credit = ledger.add_credit(db, actor, build(CreditCreate, lease_id=moved.id, amount="50",
                                                received_on="2026-01-02", reason="heater broken"))
    assert credit.allocated == D("50.00")
    assert ledger.lease_ledger(db, actor, first.id).balance == book.balance - D("50.00")
