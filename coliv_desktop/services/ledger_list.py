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


def _arms(q: LedgerQuery) -> list[Select[Any]]:
    """The charge and payment SELECTs (one of them only, when the status filter says so)."""
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
        return [payments]
    if q.status in ("pending", "partial", "paid", "overdue"):
        return [charges.where(status == q.status)]
    if q.status == "void":
        return [charges.where(status == "void"), payments.where(payment_void)]
    return [charges, payments]


def _union(q: LedgerQuery) -> Any:
    arms = _arms(q)
    return (arms[0] if len(arms) == 1 else union_all(*arms)).subquery("entries")


def _sort_columns(arm: Any, sort: str) -> Any:
    return {"day": arm.c.day, "tenant": arm.c.tenant_name, "property": arm.c.property_name,
            "amount": arm.c.cents, "kind": arm.c.kind, "status": arm.c.status}.get(
        sort, arm.c.day)


def ledger_page(db: Database, q: LedgerQuery, sort: str = "day", descending: bool = True,
                offset: int = 0, limit: int = 200) -> list[LedgerEntryRow]:
    """One page. Each arm is sorted and cut to offset + limit rows on its own (the day sort
    walks the date indexes and stops early), then the two are merged: the first page of a
    million entries reads a few hundred rows, not a million."""
    parts = []
    for i, arm in enumerate(_arms(q)):
        inner = arm.subquery(f"arm{i}")
        key = _sort_columns(inner, sort)
        parts.append(select(inner).order_by(key.desc() if descending else key.asc(),
                                            inner.c.id).limit(offset + limit).subquery(f"top{i}"))
    selects = [select(p) for p in parts]
    entries = (selects[0] if len(selects) == 1 else union_all(*selects)).subquery("entries")
    key = _sort_columns(entries, sort)
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
