"""Expenses (issue 15): money out per property, unit or room, in a category (the Schedule E
lines by default). `create_expense` is the one place an expense row is written, inside the
caller's transaction: by hand, from a bank line, a recurring bill or a maintenance cost."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Expense, ExpenseCategory, Property, Room, Unit
from coliv_desktop.domain.errors import UnknownReference, ValidationError
from coliv_desktop.schemas.books import ExpenseCreate, ExpenseOut
from coliv_desktop.services import audit, books_lock
from coliv_desktop.services.context import Actor, ensure_owner, writing


def find_category(session: Session, text: str, field: str = "category") -> ExpenseCategory:
    """A category by its name (any case) or its Schedule E line number ("17": Utilities;
    line 19 is "Other"). Archived categories are not offered."""
    wanted = text.strip()
    live = ExpenseCategory.archived_at.is_(None)
    found = session.scalars(select(ExpenseCategory).where(
        live, func.lower(ExpenseCategory.name) == wanted.lower())).first()
    if found is None and wanted.isdigit():
        found = session.scalars(select(ExpenseCategory).where(
            live, ExpenseCategory.schedule_e_line == wanted)
            .order_by(ExpenseCategory.name == "Other", ExpenseCategory.name)).first()
    if found is None:
        names = session.scalars(select(ExpenseCategory.name).where(live)
                                .order_by(ExpenseCategory.name)).all()
        raise ValidationError(field, f'"{wanted}" is not a category (the categories: '
                              f'{", ".join(names)})')
    return found


def _place(session: Session, data: ExpenseCreate) -> None:
    """The property exists, and the unit and room (when given) are in it."""
    if session.get(Property, data.property_id) is None:
        raise UnknownReference("property_id", f"no property with id {data.property_id}")
    if data.room_id is not None:
        room = session.get(Room, data.room_id)
        if room is None:
            raise UnknownReference("room_id", f"no room with id {data.room_id}")
        if data.unit_id is not None and data.unit_id != room.unit_id:
            raise ValidationError("room_id", "the room is not in that unit")
        data = data.model_copy(update={"unit_id": room.unit_id})
    if data.unit_id is not None:
        unit = session.get(Unit, data.unit_id)
        if unit is None:
            raise UnknownReference("unit_id", f"no unit with id {data.unit_id}")
        if unit.property_id != data.property_id:
            raise ValidationError("unit_id", "the unit is not in that property")


def create_expense(session: Session, actor: Actor, data: ExpenseCreate, *,
                   source: str = "manual", recurring_bill_id: uuid.UUID | None = None,
                   period: str | None = None,
                   maintenance_cost_id: uuid.UUID | None = None) -> Expense:
    """Write one expense in the caller's transaction (refused in a reconciled period)."""
    _place(session, data)
    category = find_category(session, data.category)
    books_lock.refuse_if_closed(session, data.property_id, data.spent_on, "spent_on")
    unit_id = data.unit_id
    if data.room_id is not None and unit_id is None:
        room = session.get(Room, data.room_id)
        unit_id = room.unit_id if room is not None else None
    operator, _ = ensure_owner(session)
    expense = Expense(
        operator_id=operator.id, property_id=data.property_id, unit_id=unit_id,
        room_id=data.room_id, spent_on=data.spent_on, payee=data.payee,
        vendor_id=data.vendor_id, category_id=category.id, amount=data.amount,
        status=data.status, due_date=data.due_date,
        paid_on=data.spent_on if data.status == "paid" else None,
        reference=data.reference, notes=data.notes, source=source,
        recurring_bill_id=recurring_bill_id, period=period,
        maintenance_cost_id=maintenance_cost_id, created_by=actor.name)
    session.add(expense)
    session.flush()
    audit.record(session, actor, "create", "expense", expense.id,
                 f"Expense {data.amount:.2f} to {data.payee} ({category.name})",
                 {**data.model_dump(), "source": source})
    return expense


def expense_out(session: Session, expense: Expense) -> ExpenseOut:
    category = session.get(ExpenseCategory, expense.category_id)
    return ExpenseOut.model_validate({
        **{c.key: getattr(expense, c.key) for c in Expense.__mapper__.column_attrs},
        "category": category.name if category is not None else ""})


def add_expense(db: Database, actor: Actor, data: ExpenseCreate) -> ExpenseOut:
    with writing(db, actor, "ledger.write") as s:
        return expense_out(s, create_expense(s, actor, data))
