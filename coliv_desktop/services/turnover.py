"""Turnover: who moves in and out in the next days, which leases end with no renewal, which
beds fall vacant, and the timeline of who holds which bed when.

Everything is selected by SQL over the window; nothing is queried per lease.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Lease, Property, Room, Tenant, Unit
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas.overview import (
    Timeline,
    TimelineBar,
    TimelineBed,
    Turnover,
    TurnoverEvent,
)
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.lease_sql import overlapping

WINDOWS = (30, 60, 90)


def _events_query() -> Any:
    tenant_name = Tenant.first_name + " " + Tenant.last_name
    return (
        select(Lease.id.label("lease_id"), Lease.tenant_id, tenant_name.label("tenant_name"),
               Property.id.label("property_id"), Property.name.label("property_name"),
               Unit.unit_number, Room.id.label("room_id"), Room.room_number, Lease.bed,
               Lease.rent_amount, Lease.origin, Lease.lease_start, Lease.lease_end,
               Lease.status)
        .join(Tenant, Tenant.id == Lease.tenant_id)
        .join(Room, Room.id == Lease.room_id)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
        .where(Lease.status != "cancelled", Room.archived_at.is_(None),
               Property.archived_at.is_(None))
    )


def _event(kind: str, day: date, row: Any, next_start: date | None = None) -> TurnoverEvent:
    return TurnoverEvent(
        kind=kind,
        day=day, lease_id=row.lease_id, tenant_id=row.tenant_id, tenant_name=row.tenant_name,
        property_id=row.property_id, property_name=row.property_name,
        unit_number=row.unit_number, room_id=row.room_id, room_number=row.room_number,
        bed=row.bed, rent_amount=row.rent_amount, origin=row.origin, next_start=next_start)


def turnover(db: Database, actor: Actor, days: int = 30, *, start: date | None = None,
             property_id: uuid.UUID | None = None) -> Turnover:
    """Turnover over [start, start + days] (start: today)."""
    if days < 0 or days > 3660:
        raise ValidationError("days", "choose a window of 0 to 3660 days")
    first = start or today()
    last = first + timedelta(days=days)
    successor = aliased(Lease)
    continued = exists().where(successor.previous_lease_id == Lease.id,
                               successor.status != "cancelled")
    following = aliased(Lease)
    next_start = (
        select(func.min(following.lease_start))
        .where(following.room_id == Lease.room_id, following.bed == Lease.bed,
               following.status != "cancelled", following.lease_start > Lease.lease_end)
        .correlate(Lease)
        .scalar_subquery()
    )
    base = _events_query()
    if property_id is not None:
        base = base.where(Property.id == property_id)
    order = (Property.name, Unit.unit_number, Room.room_number, Lease.bed)
    arrivals = (base.where(Lease.lease_start.between(first, last), Lease.origin != "renewal")
                .order_by(Lease.lease_start, *order))
    endings = (
        base.add_columns(continued.label("continued"), next_start.label("next_start"))
        .where(Lease.lease_end.between(first, last))
        .order_by(Lease.lease_end, *order)
    )
    with reading(db, actor, "read") as s:
        move_ins = [_event("move_in", r.lease_start, r) for r in s.execute(arrivals)]
        ending_rows = s.execute(endings).all()
    move_outs, open_endings, vacant = [], [], []
    for r in ending_rows:
        if r.continued:
            continue  # renewed or transferred: the tenant stays (or moves on in the portfolio)
        assert r.lease_end is not None
        if r.status == "ended":
            move_outs.append(_event("move_out", r.lease_end, r))
        else:
            open_endings.append(_event("ending", r.lease_end, r))
        free_from = r.lease_end + timedelta(days=1)
        if r.next_start is None or r.next_start > free_from:
            vacant.append(_event("vacant", free_from, r, r.next_start))
    return Turnover(start=first, end=last, move_ins=move_ins, move_outs=move_outs,
                    ending_without_renewal=open_endings, becoming_vacant=vacant)


def timeline(db: Database, actor: Actor, start: date, end: date, *,
             property_id: uuid.UUID | None = None) -> Timeline:
    """Each live bed (grouped by property, unit, room) and the leases on it in [start, end]."""
    if end < start:
        raise ValidationError("end", "the timeline must end on or after its start")
    rooms = (
        select(Property.id.label("property_id"), Property.name.label("property_name"),
               Unit.id.label("unit_id"), Unit.unit_number, Room.id.label("room_id"),
               Room.room_number, Room.beds, Room.status)
        .join(Unit, Unit.property_id == Property.id)
        .join(Room, Room.unit_id == Unit.id)
        .where(Property.archived_at.is_(None), Unit.archived_at.is_(None),
               Room.archived_at.is_(None))
        .order_by(func.lower(Property.name), Property.id, Unit.unit_number, Room.room_number)
    )
    bars = (
        select(Lease.id, Lease.room_id, Lease.bed, Lease.tenant_id,
               (Tenant.first_name + " " + Tenant.last_name).label("name"), Lease.lease_start,
               Lease.lease_end, Lease.status)
        .join(Tenant, Tenant.id == Lease.tenant_id)
        .join(Room, Room.id == Lease.room_id)
        .join(Unit, Unit.id == Room.unit_id)
        .where(overlapping(start, end), Room.archived_at.is_(None))
        .order_by(Lease.lease_start)
    )
    if property_id is not None:
        rooms = rooms.where(Property.id == property_id)
        bars = bars.where(Unit.property_id == property_id)
    with reading(db, actor, "read") as s:
        room_rows = s.execute(rooms).all()
        bar_rows = s.execute(bars).all()
    beds = [
        TimelineBed(property_id=r.property_id, property_name=r.property_name, unit_id=r.unit_id,
                    unit_number=r.unit_number, room_id=r.room_id, room_number=r.room_number,
                    bed=bed, beds=r.beds, status=r.status)
        for r in room_rows for bed in range(1, r.beds + 1)
    ]
    return Timeline(
        start=start, end=end, beds=beds,
        bars=[TimelineBar(lease_id=b.id, room_id=b.room_id, bed=b.bed, tenant_id=b.tenant_id,
                          tenant_name=b.name, start=b.lease_start, end=b.lease_end,
                          status=b.status) for b in bar_rows],
    )


__all__ = ["WINDOWS", "timeline", "turnover"]
