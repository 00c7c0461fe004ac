"""Recurring bills on both engines (issue 15 item 3): posted month by month as expenses, once
(a second run, or two runs at the same time, post nothing more), paid when on autopay, not
posted into a reconciled period, archived and edited."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import BankAccount, Expense, Reconciliation
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.books import BillCreate, BillUpdate, ExpenseQuery
from coliv_desktop.services import expenses, recurring_bills
from coliv_desktop.services.context import Actor
from tests.builders import Flow41, flow_41


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2026-04-10")


@pytest.fixture
def flow(db: Database, actor: Actor) -> Flow41:
    return flow_41(db, actor)


def bill(db: Database, actor: Actor, flow: Flow41, **extra: object) -> recurring_bills.BillOut:
    values: dict[str, object] = {
        "property_id": flow.property_id, "payee": "Lamar Holdings",
        "category": "Rent paid (master lease)", "amount": "2150.00", "day_of_month": 1,
        "starts_on": "2026-01-15", **extra}
    return recurring_bills.add_bill(db, actor, build(BillCreate, **values))


def test_dates_of_a_bill() -> None:
    days = recurring_bills.bill_dates(date(2026, 1, 15), None, 1, date(2026, 4, 10))
    assert days == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert recurring_bills.bill_dates(date(2026, 1, 1), date(2026, 2, 27), 28,
                                      date(2026, 6, 1)) == [date(2026, 1, 28)]
    assert recurring_bills.bill_dates(date(2025, 12, 5), None, 5, date(2026, 1, 4)) == [
        date(2025, 12, 5)]


def test_post_bills_is_idempotent(db: Database, actor: Actor, flow: Flow41) -> None:
    rent = bill(db, actor, flow)
    net = bill(db, actor, flow, payee="Spectrum", category="Utilities", amount="89.99",
               day_of_month=12, starts_on="2026-01-01", autopay=True, unit_id=flow.unit_3a)
    result = recurring_bills.post_bills(db, actor, date(2026, 4, 10))
    assert (result.posted, result.bills, result.closed) == (3 + 3, 2, 0)
    again = recurring_bills.post_bills(db, actor, date(2026, 4, 10))
    assert again.posted == 0
    rows = expenses.list_expenses(db, actor, build(ExpenseQuery, sort="date",
                                                   descending=False))
    master = [e for e in rows if e.recurring_bill_id == rent.id]
    assert [e.period for e in master] == ["2026-02", "2026-03", "2026-04"]
    assert {e.status for e in master} == {"due"} and master[0].due_date == date(2026, 2, 1)
    assert master[0].source == "recurring" and master[0].category == "Rent paid (master lease)"
    internet = [e for e in rows if e.recurring_bill_id == net.id]
    assert [e.spent_on for e in internet] == [date(2026, 1, 12), date(2026, 2, 12),
                                              date(2026, 3, 12)]
    assert {e.status for e in internet} == {"paid"} and internet[0].unit_id == flow.unit_3a
    assert internet[0].paid_on == date(2026, 1, 12) and internet[0].amount == Decimal("89.99")
    later = recurring_bills.post_bills(db, actor, date(2026, 5, 31))
    assert later.posted == 3  # the internet of April 12, and May of each
    listed = {b.id: b for b in recurring_bills.list_bills(db, actor)}
    assert listed[rent.id].last_period == "2026-05"


def test_a_voided_month_is_not_posted_again(db: Database, actor: Actor, flow: Flow41) -> None:
    bill(db, actor, flow)
    recurring_bills.post_bills(db, actor, date(2026, 3, 1))
    first = expenses.list_expenses(db, actor)[-1]
    expenses.void_expense(db, actor, first.id, "Landlord waived February")
    assert recurring_bills.post_bills(db, actor, date(2026, 3, 1)).posted == 0


def test_closed_months_are_left(db: Database, actor: Actor, flow: Flow41) -> None:
    bill(db, actor, flow)
    with db.write() as s:
        account = BankAccount(name="Loft account", property_id=flow.property_id)
        s.add(account)
        s.flush()
        s.add(Reconciliation(bank_account_id=account.id, period_start=date(2026, 1, 1),
                             period_end=date(2026, 2, 28), statement_balance=Decimal("0"),
                             book_balance=Decimal("0"), reconciled_by="test"))
    result = recurring_bills.post_bills(db, actor, date(2026, 4, 10))
    assert (result.posted, result.closed) == (2, 1)


def test_edit_and_archive(db: Database, actor: Actor, flow: Flow41) -> None:
    made = bill(db, actor, flow)
    recurring_bills.post_bills(db, actor, date(2026, 2, 1))
    edited = recurring_bills.update_bill(db, actor, made.id, build(
        BillUpdate, amount="2200", ends_on="2026-03-31", expected_version=made.version))
    assert edited.amount == Decimal("2200.00") and edited.ends_on == date(2026, 3, 31)
    with pytest.raises(ValidationError) as bad:
        recurring_bills.update_bill(db, actor, made.id, build(BillUpdate, ends_on="2025-01-01"))
    assert bad.value.field == "ends_on"
    assert recurring_bills.post_bills(db, actor, date(2026, 6, 1)).posted == 1  # March: its end
    amounts = sorted(e.amount for e in expenses.list_expenses(db, actor))
    assert amounts == [Decimal("2150.00"), Decimal("2200.00")]  # February kept its amount
    recurring_bills.set_bill_archived(db, actor, made.id, True)
    assert recurring_bills.list_bills(db, actor) == []
    assert len(recurring_bills.list_bills(db, actor, include_archived=True)) == 1


def test_bad_bills(db: Database, actor: Actor, flow: Flow41) -> None:
    with pytest.raises(ValidationError) as bad:
        bill(db, actor, flow, day_of_month=31)
    assert bad.value.field == "day_of_month"
    with pytest.raises(ValidationError) as bad:
        bill(db, actor, flow, ends_on="2025-01-01")
    assert bad.value.field == "ends_on"
    with pytest.raises(ValidationError) as bad:
        bill(db, actor, flow, category="Nope")
    assert bad.value.field == "category"


def test_two_runs_at_once_post_each_month_once(db: Database, actor: Actor,
                                               flow: Flow41) -> None:
    bill(db, actor, flow)
    bill(db, actor, flow, payee="Spectrum", category="Utilities", amount="89.99")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            recurring_bills.post_bills(db, actor, date(2026, 4, 10))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Expense)) == 6
