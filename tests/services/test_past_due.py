"""One meaning of "past due" everywhere: the collection report, aging, the dashboard's
attention line, the reminders and the ledger's status column agree, on the demo book and on
charges due tomorrow, today, yesterday and partly paid (both engines)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Lease
from coliv_desktop.domain.money import ZERO
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import ChargeCreate, PaymentCreate
from coliv_desktop.services import attention, ledger, ledger_list, reminders, reports
from coliv_desktop.services.context import Actor
from coliv_desktop.services.demo import load_demo
from coliv_desktop.services.ledger_list import LedgerQuery
from coliv_desktop.services.ledger_sql import open_charges
from tests.builders import flow_41, lease, tenant

D = Decimal


def _open(db: Database) -> list[tuple[uuid.UUID, uuid.UUID, str, date, Decimal]]:
    """(charge, lease, kind, due date, left to pay) of every open charge: the test's own
    reading of the ledger, without any notion of "late"."""
    with db.read() as s:
        ids = list(s.scalars(select(Lease.id)))
        return [(c.id, c.lease_id, c.kind, o.due_date, o.outstanding)
                for o, c in open_charges(s, ids)]


def assert_agree(db: Database, actor: Actor, day: date) -> dict[uuid.UUID, Decimal]:
    """Checks every view of "past due" against a charge being late from the day after its
    due date; returns what each lease owes past due."""
    charges = _open(db)
    late = [c for c in charges if c[3] < day]  # the rule, written out: due before today
    owed: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    for _cid, lid, _kind, _due, left in late:
        owed[lid] += left

    # aging: the past-due part per lease, and "current" holds only what is due today
    aging = reports.aging_report(db, actor, day)
    assert {r.lease_id: r.past_due for r in aging.rows if r.past_due} == dict(owed)
    assert aging.totals["current"] == sum((c[4] for c in charges if c[3] == day), ZERO)

    # the dashboard's "N tenants owe X past due" line
    items = {i.kind: i for i in attention.needs_attention(db, actor, day, money=lambda d: f"{d}")}
    if owed:
        assert items["overdue"].count == len(owed)
        assert f"{sum(owed.values(), ZERO)} past due" in items["overdue"].text
    else:
        assert "overdue" not in items

    # the collection report of this month: overdue only for a late charge of the month
    month = [c for c in charges
             if c[2] != "deposit" and (c[3].year, c[3].month) == (day.year, day.month)]
    late_in_month = {c[1] for c in month if c[3] < day}
    open_in_month = {c[1] for c in month}
    rows = reports.collection(db, actor, f"{day:%Y-%m}").rooms
    for row in rows:
        expected = ("overdue" if row.lease_id in late_in_month else
                    "due" if row.lease_id in open_in_month else "paid")
        assert row.status == expected, (row.tenant, row.status, expected)
        assert row.past_due == sum((c[4] for c in month if c[1] == row.lease_id
                                    and c[3] < day), ZERO)

    # the reminders: an overdue reminder for exactly the late charges (deposits aside)
    reminders.refresh_outbox(db, actor, day)
    still_open = {c[0] for c in charges}
    overdue_reminders = {r.charge_id for r in reminders.list_outbox(db, actor, None)
                         if r.kind == "overdue" and r.charge_id in still_open}
    assert overdue_reminders == {c[0] for c in late if c[2] != "deposit"}

    # the ledger's status column and its "Overdue" filter
    assert ledger_list.ledger_count(db, actor, LedgerQuery(status="overdue")) == len(late)
    return dict(owed)


def test_demo_book_agrees_and_utility_shares_not_yet_due_are_not_overdue(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    day = date(2026, 12, 5)
    monkeypatch.setenv("COLIV_TODAY", day.isoformat())
    load_demo(db, actor, day)
    owed = assert_agree(db, actor, day)
    statuses = {r.tenant: r.status for r in reports.collection(db, actor, "2026-12").rooms}
    # Aiko paid her rent; what is open is a utility share due later in the month
    assert statuses["Aiko Tanaka"] == "due"
    assert [t for t, s in statuses.items() if s == "overdue"] == ["Jessica Alvarez",
                                                                 "Tom Becker"]
    assert len(owed) == 2


def test_tomorrow_today_yesterday_and_partly_paid(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    day = date(2026, 3, 10)
    monkeypatch.setenv("COLIV_TODAY", day.isoformat())
    flow = flow_41(db, actor)
    cases = {"Tomorrow": (day + timedelta(days=1), None),
             "Today": (day, None),
             "Yesterday": (day - timedelta(days=1), None),
             "Partly": (day - timedelta(days=1), "40")}
    leases = {}
    for room, (name, (due, paid)) in zip("ABCD", cases.items(), strict=True):
        lid = lease(db, actor, flow.rooms[f"3B-{room}"], tenant(db, actor, name),
                    date(2026, 3, 1), rent_amount="100").id
        leases[name] = lid
        ledger.post_charge(db, actor, build(ChargeCreate, lease_id=lid, kind="utility",
                                            due_date=due.isoformat(), amount="100",
                                            description=f"Water ({name})"))
        if paid:
            ledger.record_payment(db, actor, build(
                PaymentCreate, lease_id=lid, amount=paid, received_on=day.isoformat(),
                method="cash"))
    owed = assert_agree(db, actor, day)
    assert owed == {leases["Yesterday"]: D("100.00"), leases["Partly"]: D("60.00")}
    status = {r.tenant: r.status for r in reports.collection(db, actor, "2026-03").rooms}
    assert status == {"Tomorrow Tester": "due", "Today Tester": "due",
                      "Yesterday Tester": "overdue", "Partly Tester": "overdue"}
    aging = {r.tenant: r.buckets for r in reports.aging_report(db, actor, day).rows}
    assert "Tomorrow Tester" not in aging
    assert aging["Today Tester"]["current"] == D("100.00")
    assert aging["Partly Tester"]["1-30"] == D("60.00")
    kinds = {r.tenant: r.kind for r in reminders.list_outbox(db, actor)}
    assert kinds == {"Tomorrow Tester": "before_due", "Today Tester": "due",
                     "Yesterday Tester": "overdue", "Partly Tester": "overdue"}
    # paid in full, the room is paid; tomorrow the charge due today is overdue
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=leases["Partly"],
                                           amount="60", received_on=day.isoformat(),
                                           method="cash"))
    monkeypatch.setenv("COLIV_TODAY", (day + timedelta(days=1)).isoformat())
    status = {r.tenant: r.status for r in reports.collection(db, actor, "2026-03").rooms}
    assert status["Partly Tester"] == "paid" and status["Today Tester"] == "overdue"
    assert status["Tomorrow Tester"] == "due"
    assert_agree(db, actor, day + timedelta(days=1))
