"""Recurring bills (issue 15): the master lease paid to the landlord, the internet, ... posted
as one expense per month, like the rent run.

Idempotent by construction: an expense's (recurring_bill_id, period) is UNIQUE in the
database, and a run posts only the months not yet there. One run at a time: on SQLite the
write transaction holds the write lock (BEGIN IMMEDIATE) from its first read, on PostgreSQL a
transaction-scoped advisory lock, so a second run started meanwhile waits, then sees the first
one's expenses and posts nothing, without an error. A month whose date is in a reconciled
(closed) period is not posted; the run says how many were left so.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Expense, ExpenseCategory, Property, RecurringBill, Vendor
from coliv_desktop.domain.errors import UnknownReference, ValidationError
from coliv_desktop.domain.limits import check_day
from coliv_desktop.schemas.books import (
    BillCreate,
    BillOut,
    BillRunResult,
    BillUpdate,
    ExpenseCreate,
)
from coliv_desktop.services import audit, books_lock
from coliv_desktop.services.context import Actor, check_version, reading, writing
from coliv_desktop.services.expenses import check_place, find_category, write_expense
from coliv_desktop.services.portfolio import get_row, mark_archived

# The key of the bill run's advisory lock on PostgreSQL (any constant unique to this use).
BILL_RUN_LOCK = 0x636F6C6976_0B  # "coliv", bills


def _check_place(s: Session, property_id: uuid.UUID, unit_id: uuid.UUID | None,
                 vendor_id: uuid.UUID | None) -> None:
    """An expense's place rule (the unit in the property), and the vendor exists."""
    check_place(s, property_id, unit_id, None)
    if vendor_id is not None and s.get(Vendor, vendor_id) is None:
        raise UnknownReference("vendor_id", f"no vendor with id {vendor_id}")


def _outs(s: Session, bills: list[RecurringBill]) -> list[BillOut]:
    names = dict(s.execute(select(Property.id, Property.name)).all())
    categories = dict(s.execute(select(ExpenseCategory.id, ExpenseCategory.name)).all())
    last = dict(s.execute(select(Expense.recurring_bill_id, func.max(Expense.period))
                          .where(Expense.recurring_bill_id.in_([b.id for b in bills]))
                          .group_by(Expense.recurring_bill_id)).all()) if bills else {}
    return [BillOut.model_validate({
        **{c.key: getattr(b, c.key) for c in RecurringBill.__mapper__.column_attrs},
        "property": names.get(b.property_id, ""), "category": categories.get(b.category_id, ""),
        "last_period": last.get(b.id)}) for b in bills]


def _label(bill: RecurringBill) -> str:
    return f"{bill.payee} ({bill.amount:.2f} on day {bill.day_of_month})"


def add_bill(db: Database, actor: Actor, data: BillCreate) -> BillOut:
    with writing(db, actor, "ledger.write") as s:
        _check_place(s, data.property_id, data.unit_id, data.vendor_id)
        category = find_category(s, data.category)
        bill = RecurringBill(
            property_id=data.property_id, unit_id=data.unit_id, payee=data.payee,
            vendor_id=data.vendor_id, category_id=category.id, amount=data.amount,
            day_of_month=data.day_of_month, starts_on=data.starts_on, ends_on=data.ends_on,
            autopay=data.autopay, notes=data.notes)
        s.add(bill)
        s.flush()
        audit.record(s, actor, "create", "recurring_bill", bill.id,
                     f"Added recurring bill {_label(bill)}", data.model_dump())
        return _outs(s, [bill])[0]


def list_bills(db: Database, actor: Actor, include_archived: bool = False,
               property_id: uuid.UUID | None = None) -> list[BillOut]:
    with reading(db, actor, "ledger.read") as s:
        query = select(RecurringBill)
        if not include_archived:
            query = query.where(RecurringBill.archived_at.is_(None))
        if property_id is not None:
            query = query.where(RecurringBill.property_id == property_id)
        bills = list(s.scalars(query.order_by(RecurringBill.day_of_month,
                                              func.lower(RecurringBill.payee))))
        return _outs(s, bills)


def get_bill(db: Database, actor: Actor, recurring_bill_id: uuid.UUID) -> BillOut:
    with reading(db, actor, "ledger.read") as s:
        return _outs(s, [get_row(s, RecurringBill, recurring_bill_id, "recurring bill")])[0]


def update_bill(db: Database, actor: Actor, recurring_bill_id: uuid.UUID,
                data: BillUpdate) -> BillOut:
    """Edit a bill: the months posted already keep what they were (edit those expenses)."""
    with writing(db, actor, "ledger.write") as s:
        bill: RecurringBill = get_row(s, RecurringBill, recurring_bill_id, "recurring bill")
        check_version(bill, data.expected_version, f"Recurring bill {bill.payee}")
        given = data.model_fields_set
        changes: dict[str, Any] = {k: getattr(data, k) for k in given if k in (
            "payee", "vendor_id", "amount", "day_of_month", "ends_on", "autopay", "notes")
            and not (k in ("payee", "amount", "day_of_month", "autopay")
                     and getattr(data, k) is None)}
        if data.clear_end:
            changes["ends_on"] = None
        if data.category is not None:
            changes["category_id"] = find_category(s, data.category).id
        if changes.get("vendor_id") is not None:
            _check_place(s, bill.property_id, None, changes["vendor_id"])
        ends = changes.get("ends_on", bill.ends_on)
        if ends is not None and ends < bill.starts_on:
            raise ValidationError("ends_on", "must not be before the start")
        diff = audit.diff(bill, changes)
        if diff:
            s.flush()
            audit.record(s, actor, "update", "recurring_bill", bill.id,
                         f"Edited recurring bill {_label(bill)}", diff)
        return _outs(s, [bill])[0]


def set_bill_archived(db: Database, actor: Actor, recurring_bill_id: uuid.UUID,
                      archived: bool) -> BillOut:
    """Archive a bill (no more months posted; those posted stay) or restore it."""
    with writing(db, actor, "ledger.write") as s:
        bill: RecurringBill = get_row(s, RecurringBill, recurring_bill_id, "recurring bill")
        mark_archived(s, actor, bill, "recurring bill", bill.payee, archived)
        return _outs(s, [bill])[0]


def bill_dates(starts_on: date, ends_on: date | None, day_of_month: int,
               through: date) -> list[date]:
    """The days a monthly bill falls on: `day_of_month` of each month, from its start to
    `through` (and its end)."""
    out: list[date] = []
    year, month = starts_on.year, starts_on.month
    last = through if ends_on is None else min(through, ends_on)
    while True:
        day = date(year, month, day_of_month)
        if day > last:
            return out
        if day >= starts_on:
            out.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def post_bills(db: Database, actor: Actor, through: date) -> BillRunResult:
    """Post every live bill's months up to `through` as expenses (paid for an autopay bill,
    else due on that day); months posted already are skipped, so a second run posts
    nothing."""
    check_day(through, "through")
    with writing(db, actor, "ledger.write") as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(select(func.pg_advisory_xact_lock(BILL_RUN_LOCK)))
        bills = list(s.scalars(select(RecurringBill).where(
            RecurringBill.archived_at.is_(None), RecurringBill.starts_on <= through)
            .order_by(RecurringBill.starts_on, RecurringBill.id)))
        posted = {(bid, period) for bid, period in s.execute(
            select(Expense.recurring_bill_id, Expense.period)
            .where(Expense.recurring_bill_id.is_not(None)))}
        closed: dict[uuid.UUID, date | None] = {}
        written = skipped = 0
        for bill in bills:
            category = s.get(ExpenseCategory, bill.category_id)
            assert category is not None
            if bill.property_id not in closed:
                closed[bill.property_id] = books_lock.closed_through(s, bill.property_id)
            shut = closed[bill.property_id]
            for day in bill_dates(bill.starts_on, bill.ends_on, bill.day_of_month, through):
                period = f"{day:%Y-%m}"
                if (bill.id, period) in posted:
                    continue
                if shut is not None and day <= shut:
                    skipped += 1
                    continue
                data = ExpenseCreate.model_construct(
                    property_id=bill.property_id, unit_id=bill.unit_id, room_id=None,
                    spent_on=day, payee=bill.payee, category=category.name,
                    amount=bill.amount, status="paid" if bill.autopay else "due",
                    due_date=None if bill.autopay else day, vendor_id=bill.vendor_id,
                    reference=None, notes=bill.notes)
                write_expense(s, actor, data, category, source="recurring",
                              recurring_bill_id=bill.id, period=period)
                written += 1
        audit.record(s, actor, "post_bills", "expense", None,
                     f"Recurring bills posted through {through}: {written} expenses",
                     {"through": through, "posted": written, "closed": skipped})
        return BillRunResult(through=through, posted=written, bills=len(bills), closed=skipped)
