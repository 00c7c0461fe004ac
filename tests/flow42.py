"""The seed's flow 4.2 as test data, built through the real services.

Downtown Loft 3B: Mike (B), Jessica (C) and Tom (D) live there, room A is vacant.
Riverside House 5C: Brad (A) alone. Riverside House 2A: Lisa (A) with two cats.
Sarah Thompson (night owl, allergic to pets) applies to move in on 2025-12-01 for 6 months.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.matching import CompatibilityProfile
from coliv_desktop.schemas import build
from coliv_desktop.schemas.applications import ApplicationCreate, ApplicationOut
from coliv_desktop.schemas.portfolio import PropertyCreate, RoomCreate, UnitCreate
from coliv_desktop.services import applications, portfolio
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease, tenant

MOVE_IN = date(2025, 12, 1)
# The story is told as of this day (COLIV_TODAY): a move-in more than a year before today asks
# for a person's yes, so the story's fixed dates need their own day to stay ordinary.
STORY_DAY = "2025-11-20"
LIVING_SINCE = date(2025, 6, 1)

PROFILES: dict[str, dict[str, Any]] = {
    "Mike": {"sleep_schedule": "flexible", "cleanliness": 5, "noise_tolerance": "quiet",
             "social_preference": "sometimes_social", "work_from_home": True},
    "Jessica": {"sleep_schedule": "early_bird", "cleanliness": 4, "noise_tolerance": "moderate",
                "social_preference": "very_social"},
    "Tom": {"sleep_schedule": "night_owl", "cleanliness": 4, "noise_tolerance": "moderate",
            "social_preference": "sometimes_social"},
    "Brad": {"sleep_schedule": "night_owl", "cleanliness": 1, "noise_tolerance": "loud",
             "social_preference": "very_social"},
    "Lisa": {"sleep_schedule": "flexible", "cleanliness": 3, "noise_tolerance": "quiet",
             "social_preference": "private", "has_pets": True},
}
SARAH: dict[str, Any] = {
    "sleep_schedule": "night_owl", "cleanliness": 4, "noise_tolerance": "moderate",
    "social_preference": "sometimes_social", "work_from_home": True, "has_pets": False,
    "pet_allergies": True, "smoking": False, "age": 28, "occupation": "Software Engineer",
    "interests": ["hiking", "cooking", "gaming"],
}


@dataclass
class Flow42:
    property_id: uuid.UUID
    riverside_id: uuid.UUID
    units: dict[str, uuid.UUID] = field(default_factory=dict)  # "3B" -> id
    rooms: dict[str, uuid.UUID] = field(default_factory=dict)  # "3B-A" -> id
    tenants: dict[str, uuid.UUID] = field(default_factory=dict)  # "Mike" -> id


def profile(data: dict[str, Any]) -> CompatibilityProfile:
    return build(CompatibilityProfile, **data)


def flow_42(db: Database, actor: Actor) -> Flow42:
    loft = flow_41(db, actor)
    result = Flow42(loft.property_id, uuid.uuid4(), {"3A": loft.unit_3a, "3B": loft.unit_3b},
                    dict(loft.rooms))
    river = portfolio.add_property(db, actor, build(
        PropertyCreate, name="Riverside House", address="48 River Rd", city="Austin",
        state="TX", zip="78704", house_rules="Pets allowed in unit 2A only."))
    result.riverside_id = river.id
    for number, rooms in [("5C", [("A", "780"), ("B", "760"), ("C", "760"), ("D", "1000")]),
                          ("2A", [("A", "700"), ("B", "680")])]:
        unit = portfolio.add_unit(db, actor, build(
            UnitCreate, property_id=river.id, unit_number=number, bedrooms=len(rooms),
            bathrooms="1"))
        result.units[number] = unit.id
        made = portfolio.add_rooms(db, actor, [
            build(RoomCreate, unit_id=unit.id, room_number=n, rent_amount=rent)
            for n, rent in rooms])
        for room in made:
            result.rooms[f"{number}-{room.room_number}"] = room.id
    homes = {"Mike": "3B-B", "Jessica": "3B-C", "Tom": "3B-D", "Brad": "5C-A", "Lisa": "2A-A"}
    for name, room in homes.items():
        result.tenants[name] = tenant(db, actor, name, "Resident")
        lease(db, actor, result.rooms[room], result.tenants[name], LIVING_SINCE)
        applications.set_tenant_profile(db, actor, result.tenants[name], profile(PROFILES[name]))
    return result


def apply(db: Database, actor: Actor, first: str = "Sarah", last: str = "Thompson",
          profile_data: dict[str, Any] | None = None, **extra: Any) -> ApplicationOut:
    data: dict[str, Any] = {
        "first_name": first, "last_name": last,
        "email": f"{first.lower()}@email.com", "phone": "555-0123", "move_in_date": MOVE_IN,
        "lease_length_months": 6, "max_rent": "950",
        "compatibility_profile": profile_data if profile_data is not None else SARAH,
    }
    data.update(extra)
    return applications.add_application(db, actor, build(ApplicationCreate, **data))
