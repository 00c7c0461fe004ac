"""Expenses (issue 15): money out per property, unit or room, in a category (the Schedule E
lines by default). `create_expense` is the one place an expense row is written, inside the
caller's transaction: by hand, from a bank line, a recurring bill or a maintenance cost."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    Document,
    Expense,
    ExpenseCategory,
    MaintenanceCost,
    MaintenanceRequest,
    Property,
    RecurringBill,
    Room,
    Unit,
    Vendor,
)
from coliv_desktop.domain import limits
from coliv_desktop.domain.errors import ConflictError, UnknownReference, ValidationError
from coliv_desktop.schemas.books import (
    CategoryIn,
    CategoryOut,
    CategoryUpdate,
    ExpenseCreate,
    ExpenseOut,
    ExpenseQuery,
    ExpenseUpdate,
)
from coliv_desktop.services import audit, books_lock
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, check_version, ensure_owner, reading, writing
from coliv_desktop.services.portfolio import get_row, mark_archived
from coliv_desktop.services.search import matches


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
            .order_by(ExpenseCategory.name != "Other", ExpenseCategory.name)).first()
    if found is None:
        names = session.scalars(select(ExpenseCategory.name).where(live)
                                .order_by(ExpenseCategory.name)).all()
        raise ValidationError(field, f'"{wanted}" is not a category (the categories: '
                              f'{", ".join(names)})')
    return found


def _place(session: Session, data: ExpenseCreate) -> None:
    """The property exists, and the unit and room (when given) are in it."""
    check_place(session, data.property_id, data.unit_id, data.room_id)


def check_place(session: Session, property_id: uuid.UUID, unit_id: uuid.UUID | None,
                room_id: uuid.UUID | None) -> uuid.UUID | None:
    """The property exists, and the unit and room (when given) are in it; returns the unit
    (the room's, when only the room is given)."""
    if session.get(Property, property_id) is None:
        raise UnknownReference("property_id", f"no property with id {property_id}")
    if room_id is not None:
        room = session.get(Room, room_id)
        if room is None:
            raise UnknownReference("room_id", f"no room with id {room_id}")
        if unit_id is not None and unit_id != room.unit_id:
            raise ValidationError("room_id", "the room is not in that unit")
        unit_id = room.unit_id
    if unit_id is not None:
        unit = session.get(Unit, unit_id)
        if unit is None:
            raise UnknownReference("unit_id", f"no unit with id {unit_id}")
        if unit.property_id != property_id:
            raise ValidationError("unit_id", "the unit is not in that property")
    return unit_id


def create_expense(session: Session, actor: Actor, data: ExpenseCreate, *,
                   source: str = "manual", recurring_bill_id: uuid.UUID | None = None,
                   period: str | None = None,
                   maintenance_cost_id: uuid.UUID | None = None) -> Expense:
    """Write one expense in the caller's transaction (refused in a reconciled period)."""
    _place(session, data)
    category = find_category(session, data.category)
    return write_expense(session, actor, data, category, source=source,
                         recurring_bill_id=recurring_bill_id, period=period,
                         maintenance_cost_id=maintenance_cost_id)


def write_expense(session: Session, actor: Actor, data: ExpenseCreate,
                  category: ExpenseCategory, *, source: str = "manual",
                  recurring_bill_id: uuid.UUID | None = None, period: str | None = None,
                  maintenance_cost_id: uuid.UUID | None = None) -> Expense:
    """`create_expense` with the category already found (a recurring bill keeps its
    category by id, archived or not); the place must have been checked."""
    books_lock.refuse_if_closed(session, data.property_id, data.spent_on, "spent_on")
    unit_id = data.unit_id
    if data.room_id is not None and unit_id is None:
        room = session.get(Room, data.room_id)
        unit_id = room.unit_id if room is not None else None
    if data.vendor_id is not None and session.get(Vendor, data.vendor_id) is None:
        raise UnknownReference("vendor_id", f"no vendor with id {data.vendor_id}")
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


def _names(session: Session, expenses: Sequence[Expense]) -> dict[str, dict[Any, str]]:
    """The names lists show: categories, properties, units, rooms, documents (one query each)."""
    def lookup(model: Any, label: Any, ids: set[Any]) -> dict[Any, str]:
        ids.discard(None)
        if not ids:
            return {}
        return dict(session.execute(select(model.id, label).where(model.id.in_(ids))).all())
    return {
        "category": lookup(ExpenseCategory, ExpenseCategory.name,
                           {e.category_id for e in expenses}),
        "property": lookup(Property, Property.name, {e.property_id for e in expenses}),
        "unit": lookup(Unit, Unit.unit_number, {e.unit_id for e in expenses}),
        "room": lookup(Room, Room.room_number, {e.room_id for e in expenses}),
        "document": lookup(Document, Document.name, {e.document_id for e in expenses}),
    }


def _outs(session: Session, expenses: Sequence[Expense]) -> list[ExpenseOut]:
    names = _names(session, expenses)
    return [ExpenseOut.model_validate({
        **{c.key: getattr(e, c.key) for c in Expense.__mapper__.column_attrs},
        "category": names["category"].get(e.category_id, ""),
        "property": names["property"].get(e.property_id, ""),
        "unit": names["unit"].get(e.unit_id), "room": names["room"].get(e.room_id),
        "document_name": names["document"].get(e.document_id)}) for e in expenses]


def expense_out(session: Session, expense: Expense) -> ExpenseOut:
    return _outs(session, [expense])[0]


def add_expense(db: Database, actor: Actor, data: ExpenseCreate,
                receipt: tuple[str, bytes] | None = None) -> ExpenseOut:
    """A new expense, with its `receipt` (file name, content) in the same transaction: a
    receipt refused (too large, a bad name) leaves no expense behind."""
    with writing(db, actor, "ledger.write") as s:
        expense = create_expense(s, actor, data)
        if receipt is not None:
            _attach(s, actor, expense, *receipt)
        return expense_out(s, expense)


# --- reading -----------------------------------------------------------------------------------

_SORTS: dict[str, Any] = {"date": Expense.spent_on, "amount": Expense.amount,
                          "payee": func.lower(Expense.payee),
                          "category": func.lower(ExpenseCategory.name),
                          "property": func.lower(Property.name)}


def _filters(s: Session, q: ExpenseQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if q.property_id is not None:
        where.append(Expense.property_id == q.property_id)
    if q.category:
        where.append(Expense.category_id == _any_category(s, q.category).id)
    if q.start is not None:
        where.append(Expense.spent_on >= q.start)
    if q.end is not None:
        where.append(Expense.spent_on <= q.end)
    if q.status == "void":
        where.append(Expense.voided_on.is_not(None))
    elif q.status is not None:
        where.append(Expense.voided_on.is_(None))
        where.append(Expense.status == q.status)
    elif not q.include_voided:
        where.append(Expense.voided_on.is_(None))
    found = matches(q.search or "", Expense.payee, ExpenseCategory.name,
                    func.coalesce(Expense.reference, ""), func.coalesce(Expense.notes, ""),
                    Property.name)
    if found is not None:
        where.append(found)
    return where


def list_expenses(db: Database, actor: Actor, query: ExpenseQuery | None = None
                  ) -> list[ExpenseOut]:
    """Expenses matching `query` (every one when None), newest first by default."""
    q = query or ExpenseQuery()
    with reading(db, actor, "ledger.read") as s:
        key = _SORTS[q.sort]
        order = [key.desc() if q.descending else key.asc(),
                 Expense.spent_on.desc() if q.descending else Expense.spent_on.asc(),
                 Expense.created_at.desc() if q.descending else Expense.created_at.asc()]
        rows = s.scalars(
            select(Expense)
            .join(ExpenseCategory, ExpenseCategory.id == Expense.category_id)
            .join(Property, Property.id == Expense.property_id)
            .where(*_filters(s, q)).order_by(*order)).all()
        return _outs(s, rows)


def get_expense(db: Database, actor: Actor, expense_id: uuid.UUID) -> ExpenseOut:
    with reading(db, actor, "ledger.read") as s:
        return expense_out(s, get_row(s, Expense, expense_id, "expense"))


# --- changing ----------------------------------------------------------------------------------

def _live_expense(s: Session, expense_id: uuid.UUID) -> Expense:
    expense: Expense = get_row(s, Expense, expense_id, "expense")
    if expense.voided_on is not None:
        raise ConflictError(f"the expense to {expense.payee} of {expense.spent_on} is voided; "
                            "a voided expense is kept as it was")
    return expense


def _label(expense: Expense) -> str:
    return f"Expense {expense.amount:.2f} to {expense.payee} of {expense.spent_on}"


def update_expense(db: Database, actor: Actor, expense_id: uuid.UUID,
                   data: ExpenseUpdate) -> ExpenseOut:
    """Edit an expense (only the fields given). Refused when its date (before or after the
    edit) is in a reconciled period, and when someone changed it since `expected_version`."""
    with writing(db, actor, "ledger.write") as s:
        expense = _live_expense(s, expense_id)
        check_version(expense, data.expected_version, _label(expense))
        books_lock.refuse_if_closed(s, expense.property_id, expense.spent_on, "spent_on")
        given = data.model_fields_set
        changes: dict[str, Any] = {k: getattr(data, k) for k in given if k in (
            "spent_on", "payee", "amount", "status", "due_date", "paid_on", "vendor_id",
            "reference", "notes", "property_id")}
        if data.category is not None:
            changes["category_id"] = find_category(s, data.category).id
        moved = {"property_id", "unit_id", "room_id"} & given or data.clear_place
        if moved:
            property_id = data.property_id or expense.property_id
            if data.clear_place:
                unit_id = room_id = None
            else:
                unit_id = data.unit_id if "unit_id" in given else (
                    None if "property_id" in given else expense.unit_id)
                room_id = data.room_id if "room_id" in given else (
                    None if {"property_id", "unit_id"} & given else expense.room_id)
            unit_id = check_place(s, property_id, unit_id, room_id)
            changes.update(property_id=property_id, unit_id=unit_id, room_id=room_id)
        if changes.get("vendor_id") is not None and s.get(Vendor, changes["vendor_id"]) is None:
            raise UnknownReference("vendor_id", f"no vendor with id {changes['vendor_id']}")
        if changes.get("status") == "paid" and "paid_on" not in changes \
                and expense.paid_on is None:
            changes["paid_on"] = changes.get("spent_on", expense.spent_on)
        if changes.get("status") == "due":
            changes.setdefault("paid_on", None)
        if "paid_on" in changes and changes["paid_on"] is not None \
                and changes.get("status", expense.status) == "due":
            changes["status"] = "paid"
        books_lock.refuse_if_closed(s, changes.get("property_id", expense.property_id),
                                    changes.get("spent_on", expense.spent_on), "spent_on")
        diff = audit.diff(expense, changes)
        if diff:
            s.flush()
            audit.record(s, actor, "update", "expense", expense.id,
                         f"Edited {_label(expense).lower()}", diff)
        return expense_out(s, expense)


def void_expense(db: Database, actor: Actor, expense_id: uuid.UUID, reason: str,
                 expected_version: int | None = None) -> ExpenseOut:
    """Void an expense with a reason: kept (shown struck through), out of every total.
    Refused in a reconciled period."""
    cleaned = limits.clean_text(reason or "", "reason", limits.NOTES, multiline=True)
    if not cleaned:
        raise ValidationError("reason", "is required: say why the expense is voided")
    with writing(db, actor, "ledger.write") as s:
        expense = _live_expense(s, expense_id)
        check_version(expense, expected_version, _label(expense))
        books_lock.refuse_if_closed(s, expense.property_id, expense.spent_on, "spent_on")
        expense.voided_on = today()
        expense.void_reason = cleaned
        s.flush()
        audit.record(s, actor, "void", "expense", expense.id, f"Voided {_label(expense).lower()}",
                     {"reason": cleaned})
        return expense_out(s, expense)


def unvoid_expense(db: Database, actor: Actor, expense_id: uuid.UUID,
                   expected_version: int | None = None) -> ExpenseOut:
    """Undo a void (the GUI's undo): the expense counts again. Refused in a reconciled period."""
    with writing(db, actor, "ledger.write") as s:
        expense: Expense = get_row(s, Expense, expense_id, "expense")
        check_version(expense, expected_version, _label(expense))
        if expense.voided_on is None:
            return expense_out(s, expense)
        books_lock.refuse_if_closed(s, expense.property_id, expense.spent_on, "spent_on")
        reason = expense.void_reason
        expense.voided_on = None
        expense.void_reason = None
        s.flush()
        audit.record(s, actor, "unvoid", "expense", expense.id,
                     f"Restored voided {_label(expense).lower()}", {"was_voided_for": reason})
        return expense_out(s, expense)


def mark_paid(db: Database, actor: Actor, expense_id: uuid.UUID,
              paid_on: date | None = None) -> ExpenseOut:
    """A due bill paid (on `paid_on`, today by default)."""
    day = paid_on or today()
    limits.check_day(day, "paid_on")
    with writing(db, actor, "ledger.write") as s:
        expense = _live_expense(s, expense_id)
        books_lock.refuse_if_closed(s, expense.property_id, expense.spent_on, "spent_on")
        if expense.status == "paid" and expense.paid_on == day:
            return expense_out(s, expense)
        diff = audit.diff(expense, {"status": "paid", "paid_on": day})
        s.flush()
        audit.record(s, actor, "update", "expense", expense.id,
                     f"Paid {_label(expense).lower()} on {day}", diff)
        return expense_out(s, expense)


def attach_receipt(db: Database, actor: Actor, expense_id: uuid.UUID, file_name: str,
                   content: bytes) -> ExpenseOut:
    """Keep a receipt with an expense: a document of the expense's property (so backups and
    the shared server carry it), named on the expense. A new receipt replaces the link to the
    old one (the old document stays with the property)."""
    with writing(db, actor, "ledger.write") as s:
        expense = _live_expense(s, expense_id)
        _attach(s, actor, expense, file_name, content)
        return expense_out(s, expense)


def _attach(s: Session, actor: Actor, expense: Expense, file_name: str, content: bytes
            ) -> None:
    from coliv_desktop.services.attachments import (
        _check_size,
        _clean_name,
        _limit_bytes,
        content_type_of,
    )

    name = _clean_name(file_name)
    _check_size(name, len(content), _limit_bytes(s))
    digest = hashlib.sha256(content).hexdigest()
    doc = Document(name=name, content_type=content_type_of(name), size=len(content),
                   sha256=digest, uploaded_by=actor.name, property_id=expense.property_id,
                   note=f"Receipt: {_label(expense)}"[:limits.NOTES], content=content)
    s.add(doc)
    s.flush()
    expense.document_id = doc.id
    s.flush()
    audit.record(s, actor, "create", "document", doc.id,
                 f"Attached receipt {name} to {_label(expense).lower()}",
                 {"name": name, "size": doc.size, "sha256": digest,
                  "owner_kind": "property", "owner_id": str(expense.property_id),
                  "expense_id": str(expense.id)})


# --- categories --------------------------------------------------------------------------------

def _any_category(s: Session, text: str) -> ExpenseCategory:
    """A category by name, archived ones too (a filter may name an archived category)."""
    found = s.scalars(select(ExpenseCategory).where(
        func.lower(ExpenseCategory.name) == text.strip().lower())).first()
    return found if found is not None else find_category(s, text)


def _category_out(s: Session, category: ExpenseCategory) -> CategoryOut:
    used = s.scalar(select(func.count()).select_from(Expense)
                    .where(Expense.category_id == category.id)) or 0
    return CategoryOut.model_validate({
        **{c.key: getattr(category, c.key) for c in ExpenseCategory.__mapper__.column_attrs},
        "expenses": used})


def list_categories(db: Database, actor: Actor, include_archived: bool = False
                    ) -> list[CategoryOut]:
    """By Schedule E line, then name (those off Schedule E last)."""
    with reading(db, actor, "ledger.read") as s:
        used = dict(s.execute(select(Expense.category_id, func.count())
                              .group_by(Expense.category_id)).all())
        query = select(ExpenseCategory)
        if not include_archived:
            query = query.where(ExpenseCategory.archived_at.is_(None))
        rows = s.scalars(query).all()
        rows = sorted(rows, key=lambda c: (c.schedule_e_line is None,
                                           int(c.schedule_e_line or 0), c.name == "Other",
                                           c.name.lower()))
        return [CategoryOut.model_validate({
            **{c.key: getattr(row, c.key) for c in ExpenseCategory.__mapper__.column_attrs},
            "expenses": used.get(row.id, 0)}) for row in rows]


def _name_free(s: Session, name: str, but: uuid.UUID | None = None) -> None:
    query = select(ExpenseCategory.id).where(func.lower(ExpenseCategory.name) == name.lower())
    if but is not None:
        query = query.where(ExpenseCategory.id != but)
    if s.scalar(query) is not None:
        raise ValidationError("name", f'there is already a category "{name}"')


def add_category(db: Database, actor: Actor, data: CategoryIn) -> CategoryOut:
    with writing(db, actor, "ledger.write") as s:
        _name_free(s, data.name)
        row = ExpenseCategory(name=data.name, schedule_e_line=data.schedule_e_line)
        s.add(row)
        s.flush()
        audit.record(s, actor, "create", "expense_category", row.id,
                     f"Added expense category {data.name}", data.model_dump())
        return _category_out(s, row)


def update_category(db: Database, actor: Actor, category_id: uuid.UUID,
                    data: CategoryUpdate) -> CategoryOut:
    """Rename a category or change its Schedule E line (existing expenses follow it)."""
    with writing(db, actor, "ledger.write") as s:
        row: ExpenseCategory = get_row(s, ExpenseCategory, category_id, "expense category")
        check_version(row, data.expected_version, f"Category {row.name}")
        changes: dict[str, Any] = {}
        if data.name is not None:
            _name_free(s, data.name, row.id)
            changes["name"] = data.name
        if data.clear_line:
            changes["schedule_e_line"] = None
        elif data.schedule_e_line is not None:
            changes["schedule_e_line"] = data.schedule_e_line
        diff = audit.diff(row, changes)
        if diff:
            s.flush()
            audit.record(s, actor, "update", "expense_category", row.id,
                         f"Edited expense category {row.name}", diff)
        return _category_out(s, row)


def set_category_archived(db: Database, actor: Actor, category_id: uuid.UUID,
                          archived: bool) -> CategoryOut:
    """Archive a category (no new expenses in it; its expenses keep it) or restore it."""
    with writing(db, actor, "ledger.write") as s:
        row: ExpenseCategory = get_row(s, ExpenseCategory, category_id, "expense category")
        mark_archived(s, actor, row, "expense category", row.name, archived)
        return _category_out(s, row)


def delete_category(db: Database, actor: Actor, category_id: uuid.UUID) -> None:
    """Delete a category no expense, bill or payee rule uses; one in use can only be archived."""
    from coliv_desktop.db.models import PayeeRule

    with writing(db, actor, "ledger.write") as s:
        row: ExpenseCategory = get_row(s, ExpenseCategory, category_id, "expense category")
        for model, what in ((Expense, "expenses"), (RecurringBill, "recurring bills"),
                            (PayeeRule, "payee rules")):
            if s.scalar(select(func.count()).select_from(model)
                        .where(model.category_id == row.id)):
                raise ConflictError(f"the category {row.name} is used by {what}: archive it "
                                    "instead (its expenses keep it)")
        audit.record(s, actor, "delete", "expense_category", row.id,
                     f"Deleted expense category {row.name}",
                     {"name": row.name, "schedule_e_line": row.schedule_e_line})
        s.delete(row)


# --- maintenance costs -------------------------------------------------------------------------

MAINTENANCE_CATEGORY = "Repairs"
CLEANING_CATEGORY = "Cleaning and maintenance"


def _maintenance_category(s: Session, request: MaintenanceRequest) -> ExpenseCategory:
    wanted = CLEANING_CATEGORY if request.category == "cleaning" else MAINTENANCE_CATEGORY
    found = s.scalars(select(ExpenseCategory).where(ExpenseCategory.name == wanted)).first()
    if found is None:  # renamed: its Schedule E line (7 or 14)
        line = "7" if wanted == CLEANING_CATEGORY else "14"
        found = s.scalars(select(ExpenseCategory).where(ExpenseCategory.schedule_e_line == line)
                          .order_by(ExpenseCategory.archived_at.is_not(None),
                                    ExpenseCategory.name)).first()
    if found is None:
        found = find_category(s, "Other", "category")
    return found


def maintenance_expense(s: Session, actor: Actor, cost: MaintenanceCost,
                        request: MaintenanceRequest) -> Expense:
    """The expense of a maintenance cost, in the cost's transaction: Repairs (Cleaning and
    maintenance for a cleaning request), the request's place, paid to its vendor. A cost
    recharged to a tenant is still the property's expense (the recharge is income)."""
    vendor = s.get(Vendor, request.vendor_id) if request.vendor_id else None
    data = ExpenseCreate.model_construct(
        property_id=request.property_id, unit_id=request.unit_id, room_id=request.room_id,
        spent_on=cost.incurred_on, payee=(vendor.name if vendor else "Maintenance")[:255],
        category="", amount=cost.amount, status="paid", due_date=None,
        vendor_id=vendor.id if vendor else None, reference=None,
        notes=f"{request.title}: {cost.description}"[:limits.NOTES])
    return write_expense(s, actor, data, _maintenance_category(s, request),
                         source="maintenance", maintenance_cost_id=cost.id)


def sync_maintenance_expenses(db: Database, actor: Actor) -> int:
    """Give every maintenance cost without one its expense (costs recorded before the books
    kept expenses); idempotent. Costs dated in a reconciled period are left alone. Returns
    how many expenses were written."""
    with writing(db, actor, "ledger.write") as s:
        have = select(Expense.maintenance_cost_id).where(
            Expense.maintenance_cost_id.is_not(None))
        missing = s.execute(
            select(MaintenanceCost, MaintenanceRequest)
            .join(MaintenanceRequest, MaintenanceRequest.id == MaintenanceCost.request_id)
            .where(MaintenanceCost.id.not_in(have))
            .order_by(MaintenanceCost.incurred_on)).all()
        written = 0
        for cost, request in missing:
            through = books_lock.closed_through(s, request.property_id)
            if through is not None and cost.incurred_on <= through:
                continue
            maintenance_expense(s, actor, cost, request)
            written += 1
        if written:
            audit.record(s, actor, "sync", "expense", None,
                         f"Maintenance costs brought into the expenses: {written}",
                         {"expenses": written})
        return written
