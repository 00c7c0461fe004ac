"""Small builders for test data, through the real services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Lease, Room
from coliv_desktop.schemas import build
from coliv_desktop.schemas.leasing import LeaseCreate, LeaseOut
from coliv_desktop.schemas.people import TenantCreate
from coliv_desktop.schemas.portfolio import PropertyCreate, RoomCreate, UnitCreate
from coliv_desktop.services import leasing, portfolio, tenants
from coliv_desktop.services.context import Actor


@dataclass
class Flow41:
    """The seed's flow 4.1: Downtown Loft, unit 3A (3 rooms) and 3B (rooms A-D)."""

    property_id: uuid.UUID
    unit_3a: uuid.UUID
    unit_3b: uuid.UUID
    rooms: dict[str, uuid.UUID] = field(default_factory=dict)  # "3B-A" -> id


def flow_41(db: Database, actor: Actor) -> Flow41:
    prop = portfolio.add_property(db, actor, build(
        PropertyCreate, name="Downtown Loft", address="123 Main St", city="Austin", state="TX",
        zip="78701", amenities=["gym", "rooftop", "coworking"], house_rules="No smoking"))
    unit_a = portfolio.add_unit(db, actor, build(
        UnitCreate, property_id=prop.id, unit_number="3A", bedrooms=3, bathrooms="2",
        square_feet=1200))
    unit_b = portfolio.add_unit(db, actor, build(
        UnitCreate, property_id=prop.id, unit_number="3B", bedrooms=4, bathrooms="2",
        square_feet=1500))
    result = Flow41(prop.id, unit_a.id, unit_b.id)
    rooms_a = portfolio.add_rooms(db, actor, [
        build(RoomCreate, unit_id=unit_a.id, room_number=n, rent_amount="700") for n in "ABC"])
    rooms_b = portfolio.add_rooms(db, actor, [
        build(RoomCreate, unit_id=unit_b.id, room_number=n, rent_amount=rent, size_sqft=size,
              has_private_bath=bath)
        for n, rent, size, bath in [("A", "900", 150, True), ("B", "750", 120, False),
                                    ("C", "800", 130, False), ("D", "800", 130, False)]])
    for room in rooms_a:
        result.rooms[f"3A-{room.room_number}"] = room.id
    for room in rooms_b:
        result.rooms[f"3B-{room.room_number}"] = room.id
    return result


def tenant(db: Database, actor: Actor, first: str, last: str = "Tester") -> uuid.UUID:
    email = f"{first.lower()}.{last.lower()}@example.com".replace(" ", "")
    return tenants.add_tenant(db, actor, build(
        TenantCreate, first_name=first, last_name=last, email=email)).id


def lease(db: Database, actor: Actor, room_id: uuid.UUID, tenant_id: uuid.UUID, start: date,
          end: date | None = None, *, force: bool = True, **extra: object) -> LeaseOut:
    """A lease; forced by default, since examples are dated once and run on later days (a start
    more than a year back otherwise asks for confirmation: tests/services/test_plausible.py)."""
    return leasing.create_lease(db, actor, build(
        LeaseCreate, room_id=room_id, tenant_id=tenant_id, lease_start=start, lease_end=end,
        **extra), force=force)


def money(text: str) -> Decimal:
    return Decimal(text)


# Reads in tests that need no particular user: the owner, limited to nothing.
OWNER = Actor(None, None, "Test owner")

PROPERTY_START = date(2025, 1, 1)


def fresh_lease(db: Database, actor: Actor, length: int = 120, offset: int = 0,
                **extra: object) -> LeaseOut:
    """A lease of its own for one example: the same room, years apart from the others (each
    one further in the past)."""
    with db.read() as s:
        room = s.scalars(select(Room.id).order_by(Room.room_number)).first()
        used = s.scalar(select(func.count(Lease.id))) or 0
    if room is None:
        room = flow_41(db, actor).rooms["3A-A"]
    # backwards in time: money may be dated in the past, not years ahead
    start = PROPERTY_START - timedelta(days=400 * used - offset)
    return lease(db, actor, room, tenant(db, actor, f"T{used}"), start,
                 start + timedelta(days=length), **extra)
