"""The ledger pane's query: every charge and every payment as one list, filtered, sorted and
paged by the database so a million entries stay instant.

Charges and money in are two SELECTs joined by UNION ALL. A page is chosen from narrow rows
(kind of entry, id, day and the sort key; names joined in only when a filter or the key needs
them), then only its entries are read in full, with the names an operator reads and each
charge's status (a correlated subquery, so worked out for the rows shown, and for the rows
scanned only when filtering or sorting by status). Sorted by day, the default, the page's days
come off the indexes on charges.due_date and payments.received_on, so the first page of a
million entries reads a few hundred rows, and so does the last (read from the end).

Any page as fast as the first: keyset paging (`ledger_seek`; the machinery and its reasons are
in `services.keyset`). The list's order is (sort key, id) (by day: (day, kind, id)), so a page
is named by the cursor of a row next to it, and "the entries after it" is a seek on an index,
not a count of what comes before (an OFFSET of 500,000 cost 0.3-1 s here, and 2-4 s at the end
by amount). The seek is done in each arm of the union separately, each limited to the page: one
OR across the union would leave the planners nothing to seek with. Indexes on (day, kind, id)
and (amount, id) serve the seeks on both engines (migration 0005; the first replaces the (day,
kind) index reports use, so the ledger's writes pay for one more index per table, not two);
payments show as negative amounts, so their index is (amount DESC, id), read forwards for the
list's ascending order and backwards for its descending one. On those orders each arm seeks
once per key (into the rest of the cursor's ties, then beyond them), so a cursor among 100,000
equal amounts scans none of them. By tenant, property or status (worked out from other tables)
no index can serve the order, and by kind (five values) one would cost every write for a rare
sort: there every page, wherever it is, reads the filtered list once and keeps the best page-
size rows (a top-N), which costs what the first page costs. Jumps (the scroll bar dragged) use
`ledger_anchors`: the cursor every page-size entries, one narrow ROW_NUMBER() pass over the
keys, read once per query and order by the list model in the background. `ledger_page` (by
position) stays for callers that want rows at an offset.
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
from coliv_desktop.services import keyset
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.keyset import START, Cursor, Key, Seek, Slice
from coliv_desktop.services.ledger_sql import cents, money, past_due
from coliv_desktop.services.search import matches

SORTS = ("day", "tenant", "property", "amount", "kind", "status")


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
    day, kind, and `sort`'s key as "key"); "totals": kind of entry, cents and whether it
    stands. The
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
                       Charge.due_date.label("day"), Charge.kind.label("kind")]
        payment_cols = [Payment.id.label("id"), literal("payment", String).label("entry"),
                        Payment.received_on.label("day"), Payment.kind.label("kind")]
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


def _union(q: LedgerQuery, shape: Shape = "full", sort: str = "day") -> Any:
    arms = list(_arm_map(q, shape, sort).values())
    return (arms[0] if len(arms) == 1 else union_all(*arms)).subquery("entries")


def ledger_page(db: Database, actor: Actor, q: LedgerQuery, sort: str = "day",
                descending: bool = True,
                offset: int = 0, limit: int = 200, *, from_end: bool = False
                ) -> list[LedgerEntryRow]:
    """One page by position, in two steps: choose the page's entries from narrow rows (kind of
    entry, id, day, sort key), then read those entries in full. Sorted by day (the default),
    the choice walks the date indexes: the first page of a million entries reads a few
    hundred rows. (`ledger_seek` reads a page by where it starts instead: any page as fast.)

    `from_end`: the same list read backwards (its last entry first), so the last page of a
    million entries is as quick as the first: `offset` counts from the end."""
    sort = sort if sort in SORTS else "day"
    backwards = descending != from_end  # the direction the rows are read in
    with reading(db, actor, "ledger.read") as s:
        chosen = _page_keys(s, q, sort, backwards, offset, limit)
        return _entries(s, q, [(r.entry, r.id) for r in chosen])


def ledger_seek(db: Database, actor: Actor, q: LedgerQuery, sort: str = "day",
                descending: bool = True,
                seek: Seek = START, limit: int = 200) -> Slice[LedgerEntryRow]:
    """The page `seek` names (see `services.keyset`), with its first and last entries'
    cursors: from a cursor, its cost does not depend on where the page is in the list.

    A skip of more than `SEEK_SKIP` pages from an end of the list (no cursor) counts its way
    there as `ledger_page` does (the date indexes, for the day)."""
    sort = sort if sort in SORTS else "day"
    with reading(db, actor, "ledger.read") as s:
        if seek.cursor is None and seek.skip > SEEK_SKIP * limit:
            chosen = _page_keys(s, q, sort, descending != seek.backwards, seek.skip, limit)
        else:
            chosen = _seek_keys(s, q, sort, descending, seek, limit)
        if seek.backwards:
            chosen.reverse()
        rows = _entries(s, q, [(r.entry, r.id) for r in chosen])
    if not chosen:
        return Slice([])
    return Slice(rows, _cursor(chosen[0], sort), _cursor(chosen[-1], sort))


def ledger_anchors(db: Database, actor: Actor, q: LedgerQuery, sort: str = "day",
                   descending: bool = True,
                   every: int = 200) -> list[Cursor]:
    """The cursor of every `every`-th entry of the list (entry 0 first): page p of `every`
    entries is `Seek(anchors[p], inclusive=True)`. One narrow pass over the list's keys."""
    sort = sort if sort in SORTS else "day"
    entries = _union(q, "keys", sort)
    keys = [Key(entries.c[name], descending) for name in ORDER[sort]]
    with reading(db, actor, "ledger.read") as s:
        return keyset.anchors(s, select(entries.c.id),
                              [*keys, Key(entries.c.id, descending)], every)


SEEK_SKIP = 10  # pages: a longer skip from an end of the list counts its way (`_page_keys`)
# The list's order by each sort, before the id: the columns of the narrow "keys" rows. Days
# tie by the hundred, so the day's order goes on by kind, which the (day, kind) indexes that
# reports and the rent run use already hold: (day, kind, id) is one index, not two.
ORDER = {sort: ("day", "kind") if sort == "day" else ("key",) for sort in SORTS}
INDEXED = ("day", "amount")  # sorts with an index on their order in both arms


def _cursor(row: Any, sort: str) -> Cursor:
    return Cursor((*(row._mapping[f"k{i}"] for i in range(len(ORDER[sort]))), row.id))


def _seek_keys(s: Session, q: LedgerQuery, sort: str, descending: bool, seek: Seek,
               limit: int) -> list[Any]:
    """(entry, id, k0...) of the page's entries in reading order: each arm (charges, money
    in) seeks from the cursor on its own and stops after the rows the page can need, and the
    union merges those few. On an indexed order an arm seeks once per key: into the rest of
    the cursor's ties, ..., and beyond its first key, each an exact range of the index, so a
    cursor among 100,000 equal amounts does not scan them."""
    names = ORDER[sort]
    want = seek.skip + limit  # no arm can contribute more than this
    parts = []
    for entry, arm in _arm_map(q, "keys", sort).items():
        columns = arm.selected_columns
        flip = sort == "amount" and entry == "payment"  # the list shows -amount
        keys = keyset.reading(
            [Key(cents(Payment.amount), not descending) if flip
             else Key(columns[name], descending) for name in names]
            + [Key(columns.id, descending)], seek.backwards)
        narrow = arm.with_only_columns(columns.entry, columns.id, *[
            columns[name].label(f"k{i}") for i, name in enumerate(names)])
        if sort == "status":
            # Worked out per row (a charge's status sums its allocations): once, in a
            # subquery the planners keep whole (OFFSET 0 stops SQLite and PostgreSQL from
            # pulling it up), not once for each comparison of the seek.
            rows = narrow.offset(0).subquery()
            narrow = select(*rows.c)
            keys = keyset.reading([Key(rows.c.k0, descending), Key(rows.c.id, descending)],
                                  seek.backwards)
        if seek.cursor is None:
            conditions: list[Any] = [None]
        else:
            values = seek.cursor.values
            cursor = Cursor((-values[0], *values[1:])) if flip else seek.cursor
            conditions = (keyset.ranges(keys, cursor, seek.inclusive) if sort in INDEXED
                          else [keyset.beyond(keys, cursor, seek.inclusive)])
        for condition in conditions:
            part = narrow if condition is None else narrow.where(condition)
            part = part.order_by(*keyset.order_by(keys)).limit(want)
            parts.append(select(*part.subquery().c))
    entries = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("entries")
    outer = [entries.c[f"k{i}"] for i in range(len(names))]
    merged = keyset.cut(select(entries.c.entry, entries.c.id, *outer),
                        [*(Key(c, descending) for c in outer), Key(entries.c.id, descending)],
                        Seek(backwards=seek.backwards, skip=seek.skip), limit)
    return list(s.execute(merged))


def _entries(s: Session, q: LedgerQuery, keys: list[tuple[str, uuid.UUID]]
             ) -> list[LedgerEntryRow]:
    """The entries `keys` names (kind of entry, id), read in full, in that order."""
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
               limit: int) -> list[Any]:
    """(entry, id, k0...) of the page's entries (kind of entry, id, the order's keys), in the
    order read.

    The list is ordered by the sort key (by the day, then the kind), then by id, all in the
    same direction (so reading from the end is the exact mirror). Sorted by day, the page's
    days are read off the date indexes first (the window), and only entries on those days
    are sorted: the days before the window are counted, never read in full.
    """
    entries = _union(q, "keys", sort)

    def ordered(column: Any) -> Any:
        return column.desc() if backwards else column.asc()

    keys = [entries.c[name] for name in ORDER[sort]]
    choose = select(entries.c.entry, entries.c.id,
                    *[key.label(f"k{i}") for i, key in enumerate(keys)])
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
    query = choose.order_by(*map(ordered, keys), ordered(entries.c.id))
    return list(s.execute(query.offset(offset).limit(limit)))


def receipt_payment_ids(db: Database, actor: Actor, q: LedgerQuery) -> list[uuid.UUID]:
    """The payments the ledger shows for `q` that have a receipt (money received, not
    voided), oldest receipt first: for printing their receipts in one go."""
    query = _joins(select(Payment.id), Payment.lease_id).where(
        Payment.kind == "payment", Payment.receipt_number.is_not(None),
        ~select(Void.id).where(Void.payment_id == Payment.id).exists(),
        *_filters(q, Payment.lease_id, Payment.received_on, Payment.note))
    if q.status not in (None, "payment"):
        return []  # a charge status: the list shows no payments
    with reading(db, actor, "ledger.read") as s:
        return list(s.scalars(query.order_by(Payment.receipt_number)))


def ledger_count(db: Database, actor: Actor, q: LedgerQuery) -> int:
    if q == LedgerQuery():  # no filter: two index counts, not a scan of the union
        with reading(db, actor, "ledger.read") as s:
            return int(s.scalar(select(func.count()).select_from(Charge)) or 0) + int(
                s.scalar(select(func.count()).select_from(Payment)) or 0)
    with reading(db, actor, "ledger.read") as s:
        return int(s.scalar(select(func.count()).select_from(_union(q, "keys"))) or 0)


@dataclass(frozen=True)
class LedgerTotals:
    charged: Decimal  # live charges in the list
    received: Decimal  # live money in, in the list
    count: int

    @property
    def net(self) -> Decimal:
        return self.charged - self.received


def ledger_totals(db: Database, actor: Actor, q: LedgerQuery) -> LedgerTotals:
    """Charged and received over the entries the list shows (voids left out), and how many
    there are: narrow rows, so no charge's status is worked out unless a filter asks for it."""
    entries = _union(q, "totals")
    live = entries.c.live
    query = select(
        func.coalesce(func.sum(case((live & (entries.c.cents > 0), entries.c.cents), else_=0)), 0),
        func.coalesce(func.sum(case((live & (entries.c.cents < 0), -entries.c.cents), else_=0)),
                      0),
        func.count())
    with reading(db, actor, "ledger.read") as s:
        charged, received, count = s.execute(query).one()
    return LedgerTotals(money(charged) or ZERO, money(received) or ZERO, int(count))
