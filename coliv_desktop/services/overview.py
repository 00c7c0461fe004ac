"""What the desktop's tree and dashboard show: rooms with their occupants, rent roll.

Each call is a fixed number of queries, whatever the size of the portfolio.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, func, or_, select, type_coerce

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Lease, Property, Room, Tenant, Unit
from coliv_desktop.domain.money import from_cents
from coliv_desktop.schemas.overview import OutlineRow, PortfolioTree, PropertyRentRoll, TreeRow
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.lease_sql import active_on
from coliv_desktop.services.search import matches


def portfolio_tree(db: Database, actor: Actor, on: date | None = None, *,
                   property_id: uuid.UUID | None = None, unit_id: uuid.UUID | None = None,
                   search: str = "") -> PortfolioTree:
    """Live properties, units and rooms, with the tenants holding each room on `on`.

    `unit_id` narrows to one unit's rooms (the tree loads them when the unit is expanded);
    `search` keeps rooms whose property, unit, room number or current tenant matches.
    """
    day = on or today()
    structure = (
        select(Property.id.label("property_id"), Property.name.label("property_name"),
               Property.city, Unit.id.label("unit_id"), Unit.unit_number,
               Room.id.label("room_id"), Room.room_number, Room.room_type, Room.beds,
               Room.rent_amount, Room.status)
        .select_from(Property)
        .outerjoin(Unit, (Unit.property_id == Property.id) & Unit.archived_at.is_(None))
        .outerjoin(Room, (Room.unit_id == Unit.id) & Room.archived_at.is_(None))
        .where(Property.archived_at.is_(None))
        .order_by(func.lower(Property.name), Property.id, Unit.unit_number, Room.room_number)
    )
    occupants = (
        select(Lease.room_id, Lease.bed, Lease.tenant_id, Lease.lease_end,
               (Tenant.first_name + " " + Tenant.last_name).label("name"))
        .join(Tenant, Tenant.id == Lease.tenant_id)
        .join(Room, Room.id == Lease.room_id)
        .where(active_on(day), Room.archived_at.is_(None))
        .order_by(Lease.room_id, Lease.bed)
    )
    if property_id is not None:
        structure = structure.where(Property.id == property_id)
        occupants = occupants.join(Unit, Unit.id == Room.unit_id).where(
            Unit.property_id == property_id)
    if unit_id is not None:
        structure = structure.where(Unit.id == unit_id)
        occupants = occupants.where(Room.unit_id == unit_id)
    named = matches(search, Tenant.first_name + " " + Tenant.last_name)
    found = matches(search, Property.name, Unit.unit_number, "unit " + Unit.unit_number,
                    "room " + Room.room_number, Unit.unit_number + "-" + Room.room_number)
    if named is not None and found is not None:
        living = (select(Lease.room_id).join(Tenant, Tenant.id == Lease.tenant_id)
                  .where(active_on(day), named))
        structure = structure.where(Room.id.is_not(None), or_(found, Room.id.in_(living)))
    with reading(db, actor, "read") as s:
        rows = s.execute(structure).all()
        held: dict[uuid.UUID, list[tuple[int, uuid.UUID, date | None, str]]] = defaultdict(list)
        for o in s.execute(occupants):
            held[o.room_id].append((o.bed, o.tenant_id, o.lease_end, o.name))
    result = []
    for r in rows:
        leases = held.get(r.room_id, []) if r.room_id is not None else []
        ends = [end for _, _, end, _ in leases]
        result.append(TreeRow.model_construct(  # values straight from typed columns
            property_id=r.property_id, property_name=r.property_name, city=r.city,
            unit_id=r.unit_id, unit_number=r.unit_number, room_id=r.room_id,
            room_number=r.room_number, room_type=r.room_type, beds=r.beds or 0,
            rent_amount=r.rent_amount, status=r.status,
            beds_occupied=min(len({bed for bed, *_ in leases}), r.beds or 0),
            tenants=[name for *_, name in leases], tenant_ids=[t for _, t, _, _ in leases],
            occupied_until=None if not ends or None in ends else max(e for e in ends if e),
        ))
    return PortfolioTree(on=day, rows=result)


def outline(db: Database, actor: Actor, on: date | None = None, *,
            property_id: uuid.UUID | None = None
            ) -> list[OutlineRow]:
    """Live properties with their units and rooms counted (rooms occupied on `on`), or, with
    `property_id`, that property's units with their rooms counted: one aggregate query, so a
    large portfolio's tree shows its properties without reading every unit."""
    day = on or today()
    leases = select(Lease.room_id).where(active_on(day))
    if property_id is not None:
        leases = leases.where(Lease.room_id.in_(
            select(Room.id).join(Unit, Unit.id == Room.unit_id)
            .where(Unit.property_id == property_id)))
    taken = leases.distinct().subquery()
    rooms = func.count(Room.id)
    occupied = func.count(taken.c.room_id)
    if property_id is None:
        query = (
            select(Property.id, Property.name, func.count(func.distinct(Unit.id)), rooms,
                   occupied)
            .select_from(Property)
            .outerjoin(Unit, (Unit.property_id == Property.id) & Unit.archived_at.is_(None))
            .where(Property.archived_at.is_(None))
            .group_by(Property.id, Property.name)
            .order_by(func.lower(Property.name), Property.id)
        )
    else:
        query = (
            select(Unit.id, Unit.unit_number, rooms, rooms, occupied)
            .select_from(Unit)
            .where(Unit.property_id == property_id, Unit.archived_at.is_(None))
            .group_by(Unit.id, Unit.unit_number)
            .order_by(Unit.unit_number)
        )
    query = (query.outerjoin(Room, (Room.unit_id == Unit.id) & Room.archived_at.is_(None))
             .outerjoin(taken, taken.c.room_id == Room.id))
    with reading(db, actor, "read") as s:
        return [OutlineRow.model_construct(  # values straight from typed columns
            id=ident, label=label, children=int(children), rooms_total=int(total),
            rooms_occupied=int(taken_rooms))
            for ident, label, children, total, taken_rooms in s.execute(query)]


def rent_roll(db: Database, actor: Actor, on: date | None = None) -> list[PropertyRentRoll]:
    """Per live property: the monthly rent of leases active on `on`, and the potential."""
    day = on or today()
    rent_cents = type_coerce(Lease.rent_amount, BigInteger)
    let = (
        select(Unit.property_id, func.coalesce(func.sum(rent_cents), 0).label("cents"))
        .join(Room, Room.unit_id == Unit.id)
        .join(Lease, Lease.room_id == Room.id)
        .where(active_on(day), Room.archived_at.is_(None), Unit.archived_at.is_(None))
        .group_by(Unit.property_id)
        .subquery()
    )
    potential = (
        select(Unit.property_id,
               func.coalesce(func.sum(type_coerce(Room.rent_amount, BigInteger) * Room.beds), 0)
               .label("cents"))
        .join(Room, Room.unit_id == Unit.id)
        .where(Room.archived_at.is_(None), Unit.archived_at.is_(None))
        .group_by(Unit.property_id)
        .subquery()
    )
    query = (
        select(Property.id, Property.name, let.c.cents.label("let"),
               potential.c.cents.label("potential"))
        .outerjoin(let, let.c.property_id == Property.id)
        .outerjoin(potential, potential.c.property_id == Property.id)
        .where(Property.archived_at.is_(None))
        .order_by(func.lower(Property.name), Property.id)
    )
    with reading(db, actor, "ledger.read") as s:
        return [
            PropertyRentRoll(property_id=r.id, property_name=r.name,
                             rent_roll=from_cents(int(r.let or 0)),
                             potential=from_cents(int(r.potential or 0)))
            for r in s.execute(query)
        ]


def total(values: list[Decimal]) -> Decimal:
    return sum(values, from_cents(0))
