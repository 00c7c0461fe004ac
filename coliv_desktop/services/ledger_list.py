"""The ledger pane's query: every charge and every payment as one list, filtered, sorted and
paged by the database so a million entries stay instant.

Charges and money in are two SELECTs joined by UNION ALL. A page is chosen from narrow rows
(kind of entry, id, day and the sort key; names joined in only when a filter or the key needs
them), then only its entries are read in full, with the names an operator reads and each
charge's status (a correlated subquery, so worked out for the rows shown, and for the rows
scanned only when filtering or sorting by status). Sorted by day, the default, the page's days
come off the indexes on charges.due_date and payments.received_on, so the first page of a
million entries reads a few hundred rows, and so does the last (read from the end).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    case,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

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
from coliv_desktop.services.ledger_sql import cents, money, past_due
from coliv_desktop.services.search import matches

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
        (past_due(day), "overdue"),
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
        where.append(matches(q.search, Tenant.first_name + " " + Tenant.last_name,
                             Unit.unit_number + "-" + Room.room_number, text_col))
    return where


Shape = Literal["full", "keys", "totals"]


def _arm_map(q: LedgerQuery, shape: Shape = "full", sort: str = "day"
             ) -> dict[str, Select[Any]]:
    """The charge and payment SELECTs by kind of entry (one of them only, when the status
    filter says so).

    "full": every column of a ledger line. "keys": what chooses a page (kind of entry, id,
    day, and `sort`'s key as "key"); "totals": kind of entry, cents and whether it stands. The
    narrow shapes join the lease's tenant and room only when a filter or the key needs them,
    so choosing a page among a million entries reads what it must and no more.
    """
    day = today()
    status = _charge_status(day)
    payment_void = select(Void.id).where(Void.payment_id == Payment.id).exists()
    payment_status = case((payment_void, "void"), else_="received")
    named = (shape == "full" or q.property_id is not None or bool(q.search.strip())
             or (shape == "keys" and sort in ("tenant", "property")))
    tenant_name = Tenant.first_name + " " + Tenant.last_name
    if shape == "full":
        method = func.replace(func.coalesce(Payment.method, ""), "_", " ")
        label = case((Payment.kind == "payment", "Payment (" + method + ")"),
                     (Payment.kind == "deposit", "Deposit applied"),
                     else_="Credit: " + func.coalesce(Payment.note, ""))
        charge_cols: list[Any] = [
            Charge.id.label("id"), literal("charge", String).label("entry"),
            Charge.kind.label("kind"), Charge.due_date.label("day"),
            Charge.lease_id.label("lease_id"), *_names(),
            Charge.description.label("description"), cents(Charge.amount).label("cents"),
            status.label("status")]
        payment_cols: list[Any] = [
            Payment.id.label("id"), literal("payment", String).label("entry"),
            Payment.kind.label("kind"), Payment.received_on.label("day"),
            Payment.lease_id.label("lease_id"), *_names(), label.label("description"),
            (-cents(Payment.amount)).label("cents"), payment_status.label("status")]
    elif shape == "totals":
        charge_cols = [literal("charge", String).label("entry"),
                       cents(Charge.amount).label("cents"),
                       (~select(Void.id).where(Void.charge_id == Charge.id).exists())
                       .label("live")]
        payment_cols = [literal("payment", String).label("entry"),
                        (-cents(Payment.amount)).label("cents"), (~payment_void).label("live")]
    else:
        charge_keys = {"tenant": tenant_name, "property": Property.name,
                       "amount": cents(Charge.amount), "kind": Charge.kind, "status": status}
        payment_keys = {"tenant": tenant_name, "property": Property.name,
                        "amount": -cents(Payment.amount), "kind": Payment.kind,
                        "status": payment_status}
        charge_cols = [Charge.id.label("id"), literal("charge", String).label("entry"),
                       Charge.due_date.label("day")]
        payment_cols = [Payment.id.label("id"), literal("payment", String).label("entry"),
                        Payment.received_on.label("day")]
        if sort in charge_keys:
            charge_cols.append(charge_keys[sort].label("key"))
            payment_cols.append(payment_keys[sort].label("key"))
    charges = select(*charge_cols)
    payments = select(*payment_cols)
    if named:
        charges = _joins(charges, Charge.lease_id)
        payments = _joins(payments, Payment.lease_id)
    charges = charges.where(*_filters(q, Charge.lease_id, Charge.due_date, Charge.description))
    payments = payments.where(*_filters(q, Payment.lease_id, Payment.received_on, Payment.note))
    if q.status == "payment":
        return {"payment": payments}
    if q.status in ("pending", "partial", "paid", "overdue"):
        return {"charge": charges.where(status == q.status)}
    if q.status == "void":
        return {"charge": charges.where(status == "void"), "payment": payments.where(payment_void)}
    return {"charge": charges, "payment": payments}


def _arms(q: LedgerQuery) -> list[Select[Any]]:
    return list(_arm_map(q).values())


def _union(q: LedgerQuery, shape: Shape = "full", sort: str = "day") -> Any:
    arms = list(_arm_map(q, shape, sort).values())
    return (arms[0] if len(arms) == 1 else union_all(*arms)).subquery("entries")


def ledger_page(db: Database, q: LedgerQuery, sort: str = "day", descending: bool = True,
                offset: int = 0, limit: int = 200, *, from_end: bool = False
                ) -> list[LedgerEntryRow]:
    """One page, in two steps: choose the page's entries from narrow rows (kind of entry, id,
    day, sort key), then read those entries in full. Sorted by day (the default), the choice
    walks the date indexes: the first page of a million entries reads a few hundred rows.

    `from_end`: the same list read backwards (its last entry first), so the last page of a
    million entries is as quick as the first: `offset` counts from the end."""
    sort = sort if sort in SORTS else "day"
    backwards = descending != from_end  # the direction the rows are read in
    with db.read() as s:
        keys = _page_keys(s, q, sort, backwards, offset, limit)
        if not keys:
            return []
        found: dict[tuple[str, uuid.UUID], Any] = {}
        for entry, arm in _arm_map(q).items():
            ids = [ident for kind, ident in keys if kind == entry]
            if ids:
                id_col = Charge.id if entry == "charge" else Payment.id
                for r in s.execute(arm.where(id_col.in_(ids))):
                    found[(entry, r.id)] = r
    return [LedgerEntryRow.model_construct(  # values straight from typed columns
        id=r.id, entry=r.entry, kind=r.kind, day=r.day, lease_id=r.lease_id,
        tenant_name=r.tenant_name, property_name=r.property_name,
        unit_number=r.unit_number, room_number=r.room_number,
        description=r.description, amount=money(r.cents), status=r.status)
        for r in (found.get(key) for key in keys) if r is not None]


def _page_keys(s: Session, q: LedgerQuery, sort: str, backwards: bool, offset: int,
               limit: int) -> list[tuple[str, uuid.UUID]]:
    """(kind of entry, id) of the page's entries, in list order.

    The list is ordered by the sort key, then by id, both in the same direction (so reading
    from the end is the exact mirror). Sorted by day, the page's days are read off the date
    indexes first (the window), and only entries on those days are sorted by id: the days
    before the window are counted, never read in full.
    """
    entries = _union(q, "keys", sort)

    def ordered(column: Any) -> Any:
        return column.desc() if backwards else column.asc()

    choose = select(entries.c.entry, entries.c.id)
    if sort == "day":
        days = list(s.scalars(select(entries.c.day).order_by(ordered(entries.c.day))
                              .offset(offset).limit(limit)))
        if not days:
            return []
        first, last = days[0], days[-1]
        beyond = entries.c.day > first if backwards else entries.c.day < first
        before = int(s.scalar(select(func.count()).select_from(entries).where(beyond)) or 0)
        low, high = (last, first) if backwards else (first, last)
        choose = choose.where(entries.c.day.between(low, high))
        offset -= before
        key = entries.c.day
    else:
        key = entries.c.key
    query = choose.order_by(ordered(key), ordered(entries.c.id)).offset(offset).limit(limit)
    return [(r.entry, r.id) for r in s.execute(query)]


def receipt_payment_ids(db: Database, q: LedgerQuery) -> list[uuid.UUID]:
    """The payments the ledger shows for `q` that have a receipt (money received, not
    voided), oldest receipt first: for printing their receipts in one go."""
    query = _joins(select(Payment.id), Payment.lease_id).where(
        Payment.kind == "payment", Payment.receipt_number.is_not(None),
        ~select(Void.id).where(Void.payment_id == Payment.id).exists(),
        *_filters(q, Payment.lease_id, Payment.received_on, Payment.note))
    if q.status not in (None, "payment"):
        return []  # a charge status: the list shows no payments
    with db.read() as s:
        return list(s.scalars(query.order_by(Payment.receipt_number)))


def ledger_count(db: Database, q: LedgerQuery) -> int:
    if q == LedgerQuery():  # no filter: two index counts, not a scan of the union
        with db.read() as s:
            return int(s.scalar(select(func.count()).select_from(Charge)) or 0) + int(
                s.scalar(select(func.count()).select_from(Payment)) or 0)
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(_union(q, "keys"))) or 0)


@dataclass(frozen=True)
class LedgerTotals:
    charged: Decimal  # live charges in the list
    received: Decimal  # live money in, in the list
    count: int

    @property
    def net(self) -> Decimal:
        return self.charged - self.received


def ledger_totals(db: Database, q: LedgerQuery) -> LedgerTotals:
    """Charged and received over the entries the list shows (voids left out), and how many
    there are: narrow rows, so no charge's status is worked out unless a filter asks for it."""
    entries = _union(q, "totals")
    live = entries.c.live
    query = select(
        func.coalesce(func.sum(case((live & (entries.c.cents > 0), entries.c.cents), else_=0)), 0),
        func.coalesce(func.sum(case((live & (entries.c.cents < 0), -entries.c.cents), else_=0)),
                      0),
        func.count())
    with db.read() as s:
        charged, received, count = s.execute(query).one()
    return LedgerTotals(money(charged) or ZERO, money(received) or ZERO, int(count))
