"""Occupancy and revenue potential, computed by SQL aggregates (one query for the portfolio).

A room is occupied on a day when a lease on it is active that day; a bed likewise. Revenue
potential is rent x beds over rooms that are not archived.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, case, func, select, type_coerce

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Lease, Property, Room, Unit
from coliv_desktop.domain.money import from_cents
from coliv_desktop.schemas.dashboard import Dashboard, PropertyOccupancy, UnitOccupancy
from coliv_desktop.services import maintenance
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.lease_sql import active_on


def dashboard(db: Database, actor: Actor, on: date | None = None) -> Dashboard:
    """Occupancy by property and unit; rents (`revenue_potential`) only for a role that sees
    money (None for staff)."""
    day = on or today()
    money = actor.may("ledger.read")
    beds_taken = (
        select(Lease.room_id, func.count(func.distinct(Lease.bed)).label("beds"))
        .where(active_on(day))
        .group_by(Lease.room_id)
        .subquery()
    )
    live_room = (Room.id.is_not(None)) & Room.archived_at.is_(None)
    # Scalar two-argument minimum: min() on SQLite, least() on PostgreSQL.
    smaller = func.least if db.dialect == "postgresql" else func.min
    occupied_beds = smaller(func.coalesce(beds_taken.c.beds, 0), Room.beds)
    rent_cents = type_coerce(Room.rent_amount, BigInteger)
    query = (
        select(
            Property.id.label("property_id"),
            Property.name.label("property_name"),
            Unit.id.label("unit_id"),
            Unit.unit_number,
            func.count(case((live_room, Room.id))).label("rooms_total"),
            func.count(case((live_room & (beds_taken.c.beds > 0), Room.id)))
            .label("rooms_occupied"),
            func.coalesce(func.sum(case((live_room, Room.beds), else_=0)), 0).label("beds_total"),
            func.coalesce(func.sum(case((live_room, occupied_beds), else_=0)), 0)
            .label("beds_occupied"),
            func.coalesce(
                func.sum(case((live_room, rent_cents * Room.beds), else_=0)), 0
            ).label("revenue_cents"),
        )
        .select_from(Property)
        .outerjoin(Unit, (Unit.property_id == Property.id) & Unit.archived_at.is_(None))
        .outerjoin(Room, Room.unit_id == Unit.id)
        .outerjoin(beds_taken, beds_taken.c.room_id == Room.id)
        .where(Property.archived_at.is_(None))
        .group_by(Property.id, Property.name, Unit.id, Unit.unit_number)
        .order_by(Property.name, Property.id, Unit.unit_number)
    )
    with reading(db, actor, "read") as s:
        rows = s.execute(query).all()
        maintenance_open, maintenance_overdue = maintenance.open_counts(
            s, maintenance.moment(day))

    units_by_property: dict[uuid.UUID, list[UnitOccupancy]] = defaultdict(list)
    names: dict[uuid.UUID, str] = {}
    for row in rows:
        names[row.property_id] = row.property_name
        if row.unit_id is None:
            continue
        units_by_property[row.property_id].append(
            UnitOccupancy.model_construct(  # values straight from typed columns
                id=row.unit_id,
                number=row.unit_number,
                rooms_total=int(row.rooms_total),
                rooms_occupied=int(row.rooms_occupied),
                beds_total=int(row.beds_total),
                beds_occupied=int(row.beds_occupied),
                revenue_potential=from_cents(int(row.revenue_cents)) if money else None,
            )
        )
    properties = []
    for property_id, name in names.items():
        units = units_by_property.get(property_id, [])
        properties.append(
            PropertyOccupancy.model_construct(
                id=property_id,
                name=name,
                units=units,
                rooms_total=sum(u.rooms_total for u in units),
                rooms_occupied=sum(u.rooms_occupied for u in units),
                beds_total=sum(u.beds_total for u in units),
                beds_occupied=sum(u.beds_occupied for u in units),
                revenue_potential=_total([u.revenue_potential for u in units], money),
            )
        )
    return Dashboard.model_construct(
        on=day,
        properties=properties,
        rooms_total=sum(p.rooms_total for p in properties),
        rooms_occupied=sum(p.rooms_occupied for p in properties),
        beds_total=sum(p.beds_total for p in properties),
        beds_occupied=sum(p.beds_occupied for p in properties),
        revenue_potential=_total([p.revenue_potential for p in properties], money),
        maintenance_open=maintenance_open,
        maintenance_overdue=maintenance_overdue,
    )



def _total(values: list[Decimal | None], money: bool) -> Decimal | None:
    return sum((v for v in values if v is not None), from_cents(0)) if money else None
