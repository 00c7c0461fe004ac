"""The ledger pane's query: every charge and every payment as one list, filtered, sorted and
paged by the database so a million entries stay instant.

Charges and money in are two indexed SELECTs joined by UNION ALL, each carrying the names an
operator reads. Sorting is done by the query (on the day by default, which the indexes on
charges.due_date and payments.received_on serve); a page is LIMIT/OFFSET; a charge's status
is a correlated subquery evaluated for the rows shown (and, when filtering by status, for the
rows scanned).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    AllocationRow,
    Charge,
    Lease,
    Payment,
    Property,
    Room,
    Tenant,
    Unit,
    Void,
)
from coliv_desktop.domain.money import ZERO
from coliv_desktop.schemas.ledger import LedgerEntryRow
from coliv_desktop.services.clock import today
from coliv_desktop.services.ledger_sql import cents, money

SORTS = ("day", "tenant", "property", "amount", "kind", "status")
STATUS_FILTERS = ("pending", "partial", "paid", "overdue", "void", "payment")


@dataclass(frozen=True)
class LedgerQuery:
    property_id: uuid.UUID | None = None
    lease_id: uuid.UUID | None = None
    lease_ids: tuple[uuid.UUID, ...] = ()  # a tenant's account: the lease and its chain
    status: str | None = None  # a charge status, or "payment" for money in only
    start: date | None = None
    end: date | None = None
    search: str = ""  # tenant name, room or description


def _charge_paid() -> Any:
    live_payment = ~select(Void.id).where(Void.payment_id == AllocationRow.payment_id).exists()
    return (select(func.coalesce(func.sum(cents(AllocationRow.amount)), 0))
            .where(AllocationRow.charge_id == Charge.id, live_payment)
            .correlate(Charge).scalar_subquery())


def _charge_status(day: date) -> ColumnElement[str]:
    voided = select(Void.id).where(Void.charge_id == Charge.id).exists()
    paid = _charge_paid()
    return case(
        (voided, "void"),
        (paid >= cents(Charge.amount), "paid"),
        (Charge.due_date < day, "overdue"),
        (paid > 0, "partial"),
        else_="pending",
    )


def _names() -> list[Any]:
    return [(Tenant.first_name + " " + Tenant.last_name).label("tenant_name"),
            Property.name.label("property_name"), Unit.unit_number.label("unit_number"),
            Room.room_number.label("room_number")]


def _joins(query: Select[Any], lease_col: Any) -> Select[Any]:
    return (query.join(Lease, Lease.id == lease_col)
            .join(Tenant, Tenant.id == Lease.tenant_id)
            .join(Room, Room.id == Lease.room_id)
            .join(Unit, Unit.id == Room.unit_id)
            .join(Property, Property.id == Unit.property_id))


def _filters(q: LedgerQuery, lease_col: Any, day_col: Any, text_col: Any) -> list[Any]:
    where: list[Any] = []
    if q.property_id is not None:
        where.append(Unit.property_id == q.property_id)
    if q.lease_id is not None:
        where.append(lease_col == q.lease_id)
    if q.lease_ids:
        where.append(lease_col.in_(q.lease_ids))
    if q.start is not None:
        where.append(day_col >= q.start)
    if q.end is not None:
        where.append(day_col <= q.end)
    if q.search.strip():
        pattern = f"%{q.search.strip().lower()}%"
        where.append(or_(func.lower(Tenant.first_name + " " + Tenant.last_name).like(pattern),
                         func.lower(Unit.unit_number + "-" + Room.room_number).like(pattern),
                         func.lower(text_col).like(pattern)))
    return where


def _union(q: LedgerQuery) -> Any:
    day = today()
    status = _charge_status(day)
    charges = _joins(select(
        Charge.id.label("id"), literal("charge", String).label("entry"),
        Charge.kind.label("kind"), Charge.due_date.label("day"), Charge.lease_id.label("lease_id"),
        *_names(), Charge.description.label("description"),
        cents(Charge.amount).label("cents"), status.label("status")), Charge.lease_id)
    charges = charges.where(*_filters(q, Charge.lease_id, Charge.due_date, Charge.description))
    payment_void = select(Void.id).where(Void.payment_id == Payment.id).exists()
    method = func.replace(func.coalesce(Payment.method, ""), "_", " ")
    label = case((Payment.kind == "payment", "Payment (" + method + ")"),
                 (Payment.kind == "deposit", "Deposit applied"),
                 else_="Credit: " + func.coalesce(Payment.note, ""))
    payments = _joins(select(
        Payment.id.label("id"), literal("payment", String).label("entry"),
        Payment.kind.label("kind"), Payment.received_on.label("day"),
        Payment.lease_id.label("lease_id"), *_names(), label.label("description"),
        (-cents(Payment.amount)).label("cents"),
        case((payment_void, "void"), else_="received").label("status")), Payment.lease_id)
    payments = payments.where(*_filters(q, Payment.lease_id, Payment.received_on, Payment.note))
    if q.status == "payment":
        return payments.subquery("entries")
    if q.status in ("pending", "partial", "paid", "overdue"):
        return charges.where(status == q.status).subquery("entries")
    if q.status == "void":
        return union_all(charges.where(status == "void"),
                         payments.where(payment_void)).subquery("entries")
    return union_all(charges, payments).subquery("entries")


def ledger_page(db: Database, q: LedgerQuery, sort: str = "day", descending: bool = True,
                offset: int = 0, limit: int = 200) -> list[LedgerEntryRow]:
    entries = _union(q)
    key = {"day": entries.c.day, "tenant": entries.c.tenant_name,
           "property": entries.c.property_name, "amount": entries.c.cents,
           "kind": entries.c.kind, "status": entries.c.status}.get(sort, entries.c.day)
    order = [key.desc() if descending else key.asc(), entries.c.id]
    query = select(entries).order_by(*order).offset(offset).limit(limit)
    with db.read() as s:
        return [LedgerEntryRow(
            id=r.id, entry=r.entry, kind=r.kind, day=r.day, lease_id=r.lease_id,
            tenant_name=r.tenant_name, property_name=r.property_name,
            unit_number=r.unit_number, room_number=r.room_number,
            description=r.description, amount=money(r.cents), status=r.status)
            for r in s.execute(query)]


def ledger_count(db: Database, q: LedgerQuery) -> int:
    if q == LedgerQuery():  # no filter: two index counts, not a scan of the union
        with db.read() as s:
            return int(s.scalar(select(func.count()).select_from(Charge)) or 0) + int(
                s.scalar(select(func.count()).select_from(Payment)) or 0)
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(_union(q))) or 0)


@dataclass(frozen=True)
class LedgerTotals:
    charged: Decimal  # live charges in the list
    received: Decimal  # live money in, in the list
    count: int

    @property
    def net(self) -> Decimal:
        return self.charged - self.received


def ledger_totals(db: Database, q: LedgerQuery) -> LedgerTotals:
    entries = _union(q)
    live = entries.c.status != "void"
    query = select(
        func.coalesce(func.sum(case((live & (entries.c.cents > 0), entries.c.cents), else_=0)), 0),
        func.coalesce(func.sum(case((live & (entries.c.cents < 0), -entries.c.cents), else_=0)),
                      0),
        func.count())
    with db.read() as s:
        charged, received, count = s.execute(query).one()
    return LedgerTotals(money(charged) or ZERO, money(received) or ZERO, int(count))
