"""Spreadsheets out (issue 15): `coliv export-sheet --kind KIND FILE`, CSV or XLSX by the
file's ending, in the columns the import reads (`sheet_kinds`), so a file exported from one
book imports into another with the same values. Written by `domain.sheet_writer` (formula
cells neutralised, money as numbers with two decimals, dates as dates in XLSX).

What each kind writes: rooms (live ones, with their unit and property), tenants (live, not
erased), leases (all but cancelled ones), balances (each lease's balance today, where not
zero), payments (every payment not voided; credits and deposits are not payments), and,
for export only, expenses (every one not voided, oldest first).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Charge, Lease, Payment, Property, Room, Tenant, Unit
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import ZERO
from coliv_desktop.domain.sheet_writer import write_sheet
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.ledger_sql import cents, charge_live, money, payment_live
from coliv_desktop.services.sheet_kinds import sheet_kind


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _number(value: Any) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _place() -> Any:
    return (select(Lease, Tenant.email, Tenant.first_name, Tenant.last_name, Property.name,
                   Unit.unit_number, Room.room_number)
            .join(Tenant, Tenant.id == Lease.tenant_id).join(Room, Room.id == Lease.room_id)
            .join(Unit, Unit.id == Room.unit_id).join(Property, Property.id == Unit.property_id))


def _rooms(s: Session) -> Iterator[Sequence[Any]]:
    query = (select(Room, Unit, Property).join(Unit, Unit.id == Room.unit_id)
             .join(Property, Property.id == Unit.property_id)
             .where(Room.archived_at.is_(None), Unit.archived_at.is_(None),
                    Property.archived_at.is_(None))
             .order_by(Property.name, Unit.unit_number, Room.room_number))
    for room, unit, prop in s.execute(query):
        yield (prop.name, prop.address, prop.city, prop.state, prop.zip, unit.unit_number,
               unit.floor, unit.bedrooms, _number(unit.bathrooms), unit.square_feet,
               _yes(unit.furnished), room.room_number, room.room_type, room.beds,
               room.size_sqft, _yes(room.has_private_bath), room.rent_amount,
               room.available_date, room.status)


def _tenants(s: Session) -> Iterator[Sequence[Any]]:
    query = (select(Tenant).where(Tenant.archived_at.is_(None), Tenant.erased_at.is_(None))
             .order_by(Tenant.last_name, Tenant.first_name, Tenant.email))
    for t in s.scalars(query):
        yield (t.first_name, t.last_name, t.email, t.phone, t.emergency_contact_name,
               t.emergency_contact_phone, t.notes)


def _leases(s: Session) -> Iterator[Sequence[Any]]:
    query = (_place().where(Lease.status != "cancelled")
             .order_by(Property.name, Unit.unit_number, Room.room_number, Lease.lease_start))
    for lease, email, first, last, prop, unit, room in s.execute(query):
        yield (email, f"{first} {last}", prop, unit, room, lease.bed, lease.lease_start,
               lease.lease_end, lease.rent_amount, lease.deposit_amount, lease.notes)


def _balances(s: Session) -> Iterator[Sequence[Any]]:
    charged = dict(s.execute(select(Charge.lease_id, func.sum(cents(Charge.amount)))
                             .where(charge_live()).group_by(Charge.lease_id)).all())
    received = dict(s.execute(select(Payment.lease_id, func.sum(cents(Payment.amount)))
                              .where(payment_live()).group_by(Payment.lease_id)).all())
    day = today()
    query = (_place().where(Lease.status != "cancelled")
             .order_by(Property.name, Unit.unit_number, Room.room_number, Lease.lease_start))
    for lease, email, first, last, prop, unit, room in s.execute(query):
        balance = money(charged.get(lease.id) or 0) - money(received.get(lease.id) or 0)
        if balance != ZERO:
            yield (email, f"{first} {last}", prop, unit, room, day, balance)


def _payments(s: Session) -> Iterator[Sequence[Any]]:
    query = (select(Payment, Tenant.email, Tenant.first_name, Tenant.last_name, Property.name,
                    Unit.unit_number, Room.room_number)
             .join(Lease, Lease.id == Payment.lease_id)
             .join(Tenant, Tenant.id == Lease.tenant_id).join(Room, Room.id == Lease.room_id)
             .join(Unit, Unit.id == Room.unit_id).join(Property, Property.id == Unit.property_id)
             .where(Payment.kind == "payment", payment_live())
             .order_by(Payment.received_on, Payment.receipt_number))
    for p, email, first, last, prop, unit, room in s.execute(query):
        yield (email, f"{first} {last}", prop, unit, room, p.received_on, p.amount, p.method,
               p.reference, p.note)


ROWS = {"rooms": _rooms, "tenants": _tenants, "leases": _leases, "balances": _balances,
        "payments": _payments}


def _expenses(db: Database, actor: Actor) -> list[Sequence[Any]]:
    from coliv_desktop.schemas.books import ExpenseQuery
    from coliv_desktop.services.expenses import list_expenses

    found = list_expenses(db, actor, ExpenseQuery(include_voided=False, descending=False))
    return [(e.spent_on, e.property, e.unit, e.room, e.payee, e.category, e.amount, e.status,
             e.due_date, e.reference, e.notes) for e in found]


def sheet_rows(db: Database, actor: Actor, kind: str) -> list[Sequence[Any]]:
    """The rows `export_sheet` writes, in the kind's columns' order."""
    chosen = sheet_kind(kind, export=True)
    if kind == "expenses":
        return _expenses(db, actor)
    with reading(db, actor, chosen.read_permission) as s:
        return list(ROWS[kind](s))


OTHER_SHEET_ENDINGS = frozenset({".xls", ".xlsm", ".xlsb", ".xltx", ".ods", ".numbers"})


def export_sheet(db: Database, actor: Actor, kind: str, path: Path) -> int:
    """Write the book's `kind` rows to `path` (XLSX for .xlsx, else CSV); the rows written.
    A name ending like another spreadsheet's (.xls, .ods...) is refused: CSV under that name
    would not open as the name says."""
    if path.suffix.lower() in OTHER_SHEET_ENDINGS:
        raise ValidationError("file", f"{path.name}: CoLiv writes .csv or .xlsx, not "
                              f"{path.suffix}; end the name in .csv or .xlsx")
    chosen = sheet_kind(kind, export=True)
    rows = sheet_rows(db, actor, kind)
    write_sheet(path, chosen.columns(), rows, chosen.title)
    return len(rows)
