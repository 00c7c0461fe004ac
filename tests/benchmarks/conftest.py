"""Benchmark books, built once per session: the demo book and a 5,000-room one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from coliv_desktop.services import demo
    from coliv_desktop.services.databases import open_database as open_database_blocking

    path = tmp_path_factory.mktemp("bench") / "demo.db"
    opened = open_database_blocking(make_url(f"sqlite:///{path}"), create=True)
    demo.load_demo(opened.db, opened.actor)
    opened.db.dispose()
    return path


@pytest.fixture(scope="session")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 properties x 25 units x 4 rooms = 5,000 rooms; 20,000 tenants; 4,000 leases."""
    from coliv_desktop.db.models import Property, Room, Tenant, Unit
    from coliv_desktop.schemas.leasing import LeaseCreate
    from coliv_desktop.services.clock import today
    from coliv_desktop.services.context import ensure_owner, writing
    from coliv_desktop.services.databases import open_database as open_database_blocking
    from coliv_desktop.services.leasing import create_lease_in

    path = tmp_path_factory.mktemp("bench") / "big.db"
    opened = open_database_blocking(make_url(f"sqlite:///{path}"), create=True)
    db, actor = opened.db, opened.actor
    day = today()
    with writing(db, actor, "portfolio.write") as s:
        operator, _ = ensure_owner(s)
        rooms = []
        for p in range(50):
            prop = Property(operator_id=operator.id, name=f"Property {p:02d}",
                            address=f"{p} Main St", city="Austin", state="TX", zip="78701")
            s.add(prop)
            s.flush()
            for u in range(25):
                unit = Unit(property_id=prop.id, unit_number=f"{u + 1:02d}", bedrooms=4,
                            bathrooms=Decimal("2"))
                s.add(unit)
                s.flush()
                for letter in "ABCD":
                    room = Room(unit_id=unit.id, room_number=letter,
                                rent_amount=Decimal("700.00"))
                    s.add(room)
                    rooms.append(room)
        people = [Tenant(first_name=f"Tenant{i:05d}", last_name=f"Family{i % 997:03d}",
                         email=f"t{i}@example.com", phone=f"512-555-{i % 10000:04d}")
                  for i in range(20_000)]
        s.add_all(people)
        s.flush()
        for i, room in enumerate(rooms[:4000]):
            create_lease_in(s, actor, LeaseCreate(
                room_id=room.id, tenant_id=people[i].id, lease_start=day - timedelta(days=30),
                lease_end=day + timedelta(days=30 + i % 300)))
    db.dispose()
    return path
