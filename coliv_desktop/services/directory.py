"""Long lists for the desktop, searched, sorted and paged by the database.

A proxy sort calls Python once per comparison (about 95 s for a million rows), so lists that
can grow past tens of thousands of rows (tenants, leases) are ordered and cut by the query.
Each order ends with the row's id, and a page is read from where it starts (`*_seek`, see
`services.keyset`), so a page deep in the list costs what the first one costs; `*_rows` read
a page by position (an OFFSET) for callers that want a few rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Lease, Property, Room, Tenant, Unit
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas.leasing import LeaseRow
from coliv_desktop.schemas.overview import TenantRow
from coliv_desktop.services import keyset
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.keyset import START, Cursor, Key, Seek, Slice
from coliv_desktop.services.lease_sql import past_end_without_move_out
from coliv_desktop.services.leasing import _lease_rows_query, active_on
from coliv_desktop.services.search import matches

TenantSort = Literal["name", "email", "phone", "room", "lease_end", "created"]
TENANT_SORTS: tuple[str, ...] = ("name", "email", "phone", "room", "lease_end", "created")
LEASE_SORTS: tuple[str, ...] = ("tenant", "room", "start", "end", "rent", "status")
LEASE_STATUSES: tuple[str, ...] = ("current", "upcoming", "ended", "overdue", "all")


def _homes(day: date, tenant_ids: list[Any] | None = None) -> Any:
    """Where each tenant lives on `day` (the first room by name, the earliest end), for every
    tenant or only for `tenant_ids`."""
    label = Property.name + " · " + Unit.unit_number + "-" + Room.room_number
    query = (
        select(Lease.tenant_id, func.min(label).label("room"),
               func.min(Lease.lease_end).label("lease_end"))
        .join(Room, Room.id == Lease.room_id)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
        .where(active_on(day))
        .group_by(Lease.tenant_id)
    )
    if tenant_ids is not None:
        query = query.where(Lease.tenant_id.in_(tenant_ids))
    return query.subquery()


def _tenant_query(text: str, include_archived: bool, homes: Any) -> Any:
    query = select(Tenant, homes.c.room, homes.c.lease_end).outerjoin(
        homes, homes.c.tenant_id == Tenant.id)
    found = matches(text, Tenant.first_name + " " + Tenant.last_name, Tenant.email,
                    func.coalesce(Tenant.phone, ""), func.coalesce(homes.c.room, ""))
    if found is not None:
        query = query.where(found)
    if not include_archived:
        query = query.where(Tenant.archived_at.is_(None))
    return query


def _tenant_list(text: str, sort: str, descending: bool, include_archived: bool, day: date
                 ) -> tuple[Any, list[Key]]:
    """The query choosing tenant ids for `text` and the order for `sort`: where people live
    is worked out for everyone only when the search or the sort needs it."""
    if sort not in TENANT_SORTS:
        raise ValidationError("sort", f"sort by one of {', '.join(TENANT_SORTS)}")
    homes = _homes(day)
    keys: dict[str, list[Any]] = {
        "name": [func.lower(Tenant.last_name), func.lower(Tenant.first_name)],
        "email": [func.lower(Tenant.email)],
        "phone": [Tenant.phone],
        "room": [homes.c.room],
        "lease_end": [homes.c.lease_end],
        "created": [Tenant.created_at],
    }
    # NULLs (no phone, no room) sort last either way, as a person expects.
    nullable = sort in ("phone", "room", "lease_end")
    order = [Key(k, descending, nullable) for k in keys[sort]] + [Key(Tenant.id)]
    if text.strip() or sort in ("room", "lease_end"):
        choose = _tenant_query(text, include_archived, homes).with_only_columns(Tenant.id)
    else:
        choose = select(Tenant.id)
        if not include_archived:
            choose = choose.where(Tenant.archived_at.is_(None))
    return choose, order


def _tenants_by_id(s: Session, ids: list[Any], day: date) -> list[TenantRow]:
    """Tenants `ids` with where they live on `day`, in that order."""
    if not ids:
        return []
    theirs = _homes(day, ids)
    found = {r.id: r for r in s.execute(
        select(Tenant.id, Tenant.first_name, Tenant.last_name, Tenant.email, Tenant.phone,
               Tenant.archived_at, theirs.c.room, theirs.c.lease_end)
        .outerjoin(theirs, theirs.c.tenant_id == Tenant.id)
        .where(Tenant.id.in_(ids)))}
    return [TenantRow.model_construct(  # values straight from typed columns
        id=r.id, first_name=r.first_name, last_name=r.last_name, email=r.email, phone=r.phone,
        room=r.room, lease_end=r.lease_end, archived_at=r.archived_at)
        for r in (found[i] for i in ids)]


def tenant_rows(
    db: Database, actor: Actor, text: str = "", *, sort: str = "name", descending: bool = False,
    offset: int = 0, limit: int | None = 200, include_archived: bool = False,
    on: date | None = None,
) -> list[TenantRow]:
    """A page of tenants with where they live on `on`, matching `text`, sorted by SQL.

    Two steps: the page's tenant ids (where people live is worked out for everyone only when
    the search or the sort needs it), then those tenants with their homes."""
    return tenant_seek(db, actor, text, sort=sort, descending=descending, seek=Seek(skip=offset),
                       limit=limit, include_archived=include_archived, on=on).rows


def tenant_seek(
    db: Database, actor: Actor, text: str = "", *, sort: str = "name", descending: bool = False,
    seek: Seek = START, limit: int | None = 200, include_archived: bool = False,
    on: date | None = None,
) -> Slice[TenantRow]:
    """`tenant_rows`, the page `seek` names (from a cursor: as fast anywhere in the list),
    with its first and last tenants' cursors (`services.keyset`)."""
    day = on or today()
    choose, keys = _tenant_list(text, sort, descending, include_archived, day)
    with reading(db, actor, "read") as s:
        rows, first, last = keyset.page(s, choose, keys, seek, limit)
        return Slice(_tenants_by_id(s, [r.id for r in rows], day), first, last)


def tenant_anchors(
    db: Database, actor: Actor, text: str = "", *, sort: str = "name", descending: bool = False,
    every: int = 200, include_archived: bool = False, on: date | None = None,
) -> list[Cursor]:
    """The cursor of every `every`-th tenant of the list: page p is
    `Seek(anchors[p], inclusive=True)`."""
    choose, keys = _tenant_list(text, sort, descending, include_archived, on or today())
    with reading(db, actor, "read") as s:
        return keyset.anchors(s, choose, keys, every)


def count_tenant_rows(db: Database, actor: Actor, text: str = "", *, include_archived: bool = False,
                      on: date | None = None) -> int:
    if not text.strip():  # no search: where people live does not matter for the count
        plain = select(func.count(Tenant.id))
        if not include_archived:
            plain = plain.where(Tenant.archived_at.is_(None))
        with reading(db, actor, "read") as s:
            return int(s.scalar(plain) or 0)
    homes = _homes(on or today())
    inner = _tenant_query(text, include_archived, homes).with_only_columns(Tenant.id)
    with reading(db, actor, "read") as s:
        return int(s.scalar(select(func.count()).select_from(inner.subquery())) or 0)


def _lease_query(query: Any, text: str, status: str, day: date) -> Any:
    if status not in LEASE_STATUSES:
        raise ValidationError("status", f"show one of {', '.join(LEASE_STATUSES)}")
    query = query.where(Lease.status != "cancelled")
    if status == "current":
        query = query.where(active_on(day))
    elif status == "upcoming":
        query = query.where(Lease.lease_start > day)
    elif status == "ended":
        query = query.where(Lease.lease_end < day)
    elif status == "overdue":  # past its end and nobody recorded the move-out
        query = query.where(past_end_without_move_out(day))
    found = matches(text, Tenant.first_name + " " + Tenant.last_name, Property.name,
                    Unit.unit_number + "-" + Room.room_number)
    if found is not None:
        query = query.where(found)
    return query


def _lease_order(sort: str, descending: bool) -> list[Key]:
    if sort not in LEASE_SORTS:
        raise ValidationError("sort", f"sort by one of {', '.join(LEASE_SORTS)}")
    keys: dict[str, list[Any]] = {
        "tenant": [func.lower(Tenant.last_name), func.lower(Tenant.first_name)],
        "room": [func.lower(Property.name), Unit.unit_number, Room.room_number, Lease.bed],
        "start": [Lease.lease_start],
        "end": [Lease.lease_end],
        "rent": [Lease.rent_amount],
        "status": [Lease.status],
    }
    nullable = sort == "end"  # open-ended leases last, either way
    return ([Key(k, descending, nullable) for k in keys[sort]]
            + [Key(Lease.lease_start), Key(Lease.id)])


def lease_rows(
    db: Database, actor: Actor, text: str = "", *, status: str = "current", sort: str = "room",
    descending: bool = False, offset: int = 0, limit: int | None = 200,
    on: date | None = None,
) -> list[LeaseRow]:
    """A page of leases (not cancelled) in `status` on `on`, matching `text`, SQL-sorted."""
    return lease_seek(db, actor, text, status=status, sort=sort, descending=descending,
                      seek=Seek(skip=offset), limit=limit, on=on).rows


def lease_seek(
    db: Database, actor: Actor, text: str = "", *, status: str = "current", sort: str = "room",
    descending: bool = False, seek: Seek = START, limit: int | None = 200,
    on: date | None = None,
) -> Slice[LeaseRow]:
    """`lease_rows`, the page `seek` names, with its first and last leases' cursors."""
    keys = _lease_order(sort, descending)
    query = _lease_query(_lease_rows_query(), text, status, on or today())
    with reading(db, actor, "read") as s:
        rows, first, last = keyset.page(s, query, keys, seek, limit)
    return Slice([LeaseRow.model_validate(row, from_attributes=True) for row in rows],
                 first, last)


def lease_anchors(
    db: Database, actor: Actor, text: str = "", *, status: str = "current", sort: str = "room",
    descending: bool = False, every: int = 200, on: date | None = None,
) -> list[Cursor]:
    """The cursor of every `every`-th lease of the list."""
    keys = _lease_order(sort, descending)
    query = _lease_query(_lease_rows_query(), text, status, on or today())
    with reading(db, actor, "read") as s:
        return keyset.anchors(s, query, keys, every)


def count_lease_rows(db: Database, actor: Actor, text: str = "", *, status: str = "current",
                     on: date | None = None) -> int:
    query = _lease_query(_lease_rows_query().with_only_columns(Lease.id), text, status,
                         on or today())
    with reading(db, actor, "read") as s:
        return int(s.scalar(select(func.count()).select_from(query.subquery())) or 0)
