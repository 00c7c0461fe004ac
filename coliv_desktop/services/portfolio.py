"""Properties, units and rooms: add, edit, archive, list.

Rows with history are archived, never deleted. A room that never had a lease may be deleted
(a typo fixed right away), which `delete_room` refuses otherwise.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Lease, Property, Room, Unit
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain.errors import (
    ConflictError,
    NotFoundError,
    UnknownReference,
    ValidationError,
)
from coliv_desktop.schemas.common import FieldProblem
from coliv_desktop.schemas.portfolio import (
    ArchivedItem,
    PropertyCreate,
    PropertyOut,
    PropertyUpdate,
    RoomCreate,
    RoomOut,
    RoomUpdate,
    UnitCreate,
    UnitOut,
    UnitUpdate,
    check_beds,
)
from coliv_desktop.services import audit
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, check_version, ensure_owner, reading, writing


def _updates(data: Any) -> dict[str, Any]:
    return {k: getattr(data, k) for k in data.model_fields_set if k != "expected_version"}


def get_row(session: Session, model: type[Any], ident: uuid.UUID, label: str) -> Any:
    row = session.get(model, ident)
    if row is None:
        raise NotFoundError(label, ident)
    return row


def mark_archived(s: Session, actor: Actor, row: Any, entity: str, label: str,
                  archived: bool, expected_version: int | None = None) -> None:
    """Archive (or restore) a row with history, audited; archived rows are never deleted.
    With `expected_version` (an undo), refused if someone wrote the row since."""
    check_version(row, expected_version, f"{entity.capitalize()} {label}")
    row.archived_at = utcnow() if archived else None
    s.flush()  # the version this write produced, for what the caller returns
    verb = "Archived" if archived else "Restored"
    audit.record(s, actor, "archive" if archived else "restore", entity, row.id,
                 f"{verb} {entity} {label}")


def _live(row: Any, label: str, field: str) -> None:
    if row.archived_at is not None:
        raise ValidationError(field, f"{label} is archived; restore it first")


# --- properties ---------------------------------------------------------------------------------

def add_property(db: Database, actor: Actor, data: PropertyCreate) -> PropertyOut:
    with writing(db, actor, "portfolio.write") as s:
        operator, _ = ensure_owner(s)
        prop = Property(operator_id=operator.id, **data.model_dump())
        s.add(prop)
        s.flush()
        audit.record(s, actor, "create", "property", prop.id, f"Added property {prop.name}",
                     data.model_dump())
        return PropertyOut.model_validate(prop)


def update_property(
    db: Database, actor: Actor, property_id: uuid.UUID, data: PropertyUpdate
) -> PropertyOut:
    with writing(db, actor, "portfolio.write") as s:
        prop = get_row(s, Property, property_id, "property")
        check_version(prop, data.expected_version, f"Property {prop.name}")
        changes = audit.diff(prop, _updates(data))
        if changes:
            s.flush()
            audit.record(s, actor, "update", "property", prop.id,
                         f"Edited property {prop.name}", changes)
        return PropertyOut.model_validate(prop)


def set_property_archived(
    db: Database, actor: Actor, property_id: uuid.UUID, archived: bool,
    expected_version: int | None = None,
) -> PropertyOut:
    """Archive (or restore) a property with everything in it; leases still running refuse it."""
    with writing(db, actor, "portfolio.write") as s:
        prop = get_row(s, Property, property_id, "property")
        if archived:
            _refuse_if_let(s, Room.unit_id.in_(select(Unit.id).where(Unit.property_id == prop.id)),
                           f"property {prop.name}")
        mark_archived(s, actor, prop, "property", prop.name, archived, expected_version)
        return PropertyOut.model_validate(prop)


def property_choices(db: Database, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the live properties, by name: what a filter's drop-down lists (those
    `actor` is limited to, when given)."""
    with reading(db, actor) as s:
        query = (select(Property.id, Property.name).where(Property.archived_at.is_(None))
                 .order_by(Property.name))
        return [(ident, name) for ident, name in s.execute(query)]


def list_properties(db: Database, actor: Actor, *,
                    include_archived: bool = False) -> list[PropertyOut]:
    """The properties, by name; with `actor`, checked and limited to their properties."""
    with reading(db, actor) as s:
        query = select(Property).order_by(Property.name)
        if not include_archived:
            query = query.where(Property.archived_at.is_(None))
        return [PropertyOut.model_validate(p) for p in s.scalars(query)]



def get_property(db: Database, actor: Actor, property_id: uuid.UUID) -> PropertyOut:
    with reading(db, actor, "read") as s:
        return PropertyOut.model_validate(get_row(s, Property, property_id, "property"))


# --- units --------------------------------------------------------------------------------------

def _unit_number_free(
    s: Session, property_id: uuid.UUID, number: str, skip: uuid.UUID | None
) -> None:
    query = select(Unit.id).where(Unit.property_id == property_id, Unit.unit_number == number)
    if skip is not None:
        query = query.where(Unit.id != skip)
    if s.scalar(query) is not None:
        raise ValidationError("unit_number", f"this property already has a unit {number}")


def add_unit(db: Database, actor: Actor, data: UnitCreate) -> UnitOut:
    with writing(db, actor, "portfolio.write") as s:
        prop = s.get(Property, data.property_id)
        if prop is None:
            raise UnknownReference("property_id", f"no property with id {data.property_id}")
        _live(prop, f"property {prop.name}", "property_id")
        _unit_number_free(s, prop.id, data.unit_number, None)
        unit = Unit(**data.model_dump())
        s.add(unit)
        s.flush()
        audit.record(s, actor, "create", "unit", unit.id,
                     f"Added unit {unit.unit_number} to {prop.name}", data.model_dump())
        return UnitOut.model_validate(unit)


def update_unit(db: Database, actor: Actor, unit_id: uuid.UUID, data: UnitUpdate) -> UnitOut:
    with writing(db, actor, "portfolio.write") as s:
        unit = get_row(s, Unit, unit_id, "unit")
        check_version(unit, data.expected_version, f"Unit {unit.unit_number}")
        updates = _updates(data)
        if "unit_number" in updates:
            _unit_number_free(s, unit.property_id, updates["unit_number"], unit.id)
        changes = audit.diff(unit, updates)
        if changes:
            s.flush()
            audit.record(s, actor, "update", "unit", unit.id,
                         f"Edited unit {unit.unit_number}", changes)
        return UnitOut.model_validate(unit)


def set_unit_archived(db: Database, actor: Actor, unit_id: uuid.UUID, archived: bool,
                      expected_version: int | None = None) -> UnitOut:
    with writing(db, actor, "portfolio.write") as s:
        unit = get_row(s, Unit, unit_id, "unit")
        if archived:
            _refuse_if_let(s, Room.unit_id == unit.id, f"unit {unit.unit_number}")
        else:
            prop = get_row(s, Property, unit.property_id, "property")
            _live(prop, f"property {prop.name}", "unit_id")
        mark_archived(s, actor, unit, "unit", unit.unit_number, archived, expected_version)
        return UnitOut.model_validate(unit)


def list_units(
    db: Database, actor: Actor, property_id: uuid.UUID | None = None, *,
    include_archived: bool = False
) -> list[UnitOut]:
    with reading(db, actor, "read") as s:
        query = select(Unit).order_by(Unit.unit_number)
        if property_id is not None:
            query = query.where(Unit.property_id == property_id)
        if not include_archived:
            query = query.where(Unit.archived_at.is_(None))
        return [UnitOut.model_validate(u) for u in s.scalars(query)]


def get_unit(db: Database, actor: Actor, unit_id: uuid.UUID) -> UnitOut:
    with reading(db, actor, "read") as s:
        return UnitOut.model_validate(get_row(s, Unit, unit_id, "unit"))


# --- rooms --------------------------------------------------------------------------------------

def _room_number_free(s: Session, unit_id: uuid.UUID, number: str, skip: uuid.UUID | None,
                      field: str = "room_number") -> None:
    query = select(Room.id).where(Room.unit_id == unit_id, Room.room_number == number)
    if skip is not None:
        query = query.where(Room.id != skip)
    if s.scalar(query) is not None:
        raise ValidationError(field, f"this unit already has a room {number}")


def add_rooms(db: Database, actor: Actor, rooms: Sequence[RoomCreate]) -> list[RoomOut]:
    """Add several rooms in one transaction (the seed's "Add rooms to unit 3B" step).

    All or nothing: an error in any row names that row (`rooms[2].room_number`) and writes none.
    """
    if not rooms:
        raise ValidationError("rooms", "add at least one room")
    with writing(db, actor, "portfolio.write") as s:
        seen: dict[tuple[uuid.UUID, str], int] = {}
        created: list[Room] = []
        for index, data in enumerate(rooms):
            prefix = f"rooms[{index}]." if len(rooms) > 1 else ""
            unit = s.get(Unit, data.unit_id)
            if unit is None:
                raise UnknownReference(f"{prefix}unit_id", f"no unit with id {data.unit_id}")
            _live(unit, f"unit {unit.unit_number}", f"{prefix}unit_id")
            key = (data.unit_id, data.room_number)
            if key in seen:
                raise ValidationError(
                    f"{prefix}room_number",
                    f"room {data.room_number} appears twice (rows {seen[key] + 1} and {index + 1})",
                )
            seen[key] = index
            _room_number_free(s, unit.id, data.room_number, None, f"{prefix}room_number")
            room = Room(**data.model_dump())
            s.add(room)
            created.append(room)
        s.flush()
        for room, data in zip(created, rooms, strict=True):
            audit.record(s, actor, "create", "room", room.id,
                         f"Added room {room.room_number}", data.model_dump())
        return [RoomOut.model_validate(r) for r in created]


def add_room(db: Database, actor: Actor, data: RoomCreate) -> RoomOut:
    return add_rooms(db, actor, [data])[0]


def update_room(db: Database, actor: Actor, room_id: uuid.UUID, data: RoomUpdate) -> RoomOut:
    with writing(db, actor, "portfolio.write") as s:
        room = get_row(s, Room, room_id, "room")
        check_version(room, data.expected_version, f"Room {room.room_number}")
        updates = _updates(data)
        if "room_type" in updates and "beds" not in updates:
            updates["beds"] = 1 if updates["room_type"] == "private" else max(room.beds, 2)
        room_type = updates.get("room_type", room.room_type)
        beds = updates.get("beds", room.beds)
        try:
            check_beds(room_type, beds)
        except FieldProblem as exc:
            raise ValidationError(exc.field, str(exc)) from None
        if beds < room.beds:
            highest = s.scalar(
                select(Lease.bed).where(Lease.room_id == room.id, Lease.status != "cancelled",
                                        Lease.bed > beds).limit(1)
            )
            if highest is not None:
                raise ValidationError(
                    "beds", f"bed {highest} has leases; end or move them before removing beds"
                )
        if "room_number" in updates:
            _room_number_free(s, room.unit_id, updates["room_number"], room.id)
        changes = audit.diff(room, updates)
        if changes:
            s.flush()
            audit.record(s, actor, "update", "room", room.id,
                         f"Edited room {room.room_number}", changes)
        return RoomOut.model_validate(room)


def _refuse_if_let(s: Session, room_filter: Any, what: str) -> None:
    """Archiving is for what is no longer let: refuse while a lease is current or upcoming."""
    running = s.scalar(
        select(Lease.id)
        .join(Room, Room.id == Lease.room_id)
        .where(room_filter, Lease.status == "active")
        .where((Lease.lease_end.is_(None)) | (Lease.lease_end >= today()))
        .limit(1)
    )
    if running is not None:
        raise ConflictError(f"{what} still has a current or upcoming lease; end it first")


def set_room_archived(db: Database, actor: Actor, room_id: uuid.UUID, archived: bool,
                      expected_version: int | None = None) -> RoomOut:
    with writing(db, actor, "portfolio.write") as s:
        room = get_row(s, Room, room_id, "room")
        if archived:
            _refuse_if_let(s, Room.id == room.id, f"room {room.room_number}")
        else:
            unit = get_row(s, Unit, room.unit_id, "unit")
            _live(unit, f"unit {unit.unit_number}", "room_id")
            prop = get_row(s, Property, unit.property_id, "property")
            _live(prop, f"property {prop.name}", "room_id")
        mark_archived(s, actor, room, "room", room.room_number, archived, expected_version)
        return RoomOut.model_validate(room)


def delete_room(db: Database, actor: Actor, room_id: uuid.UUID) -> None:
    """Delete a room entered by mistake. A room with any lease history is archived instead."""
    delete_rooms(db, actor, [room_id])


def delete_rooms(db: Database, actor: Actor, room_ids: Sequence[uuid.UUID],
                 expected_versions: Sequence[int | None] | None = None) -> None:
    """Delete rooms entered by mistake (undo of "Add rooms"), all or nothing; with
    `expected_versions` (one per room), refused if someone edited one of them since."""
    versions = list(expected_versions or [None] * len(room_ids))
    with writing(db, actor, "portfolio.write") as s:
        for room_id, version in zip(room_ids, versions, strict=True):
            room = get_row(s, Room, room_id, "room")
            check_version(room, version, f"Room {room.room_number}")
            if s.scalar(select(exists().where(Lease.room_id == room.id))):
                raise ConflictError(
                    f"room {room.room_number} has lease history, so it is archived, never deleted"
                )
            audit.record(s, actor, "delete", "room", room.id, f"Deleted room {room.room_number}",
                         RoomOut.model_validate(room).model_dump())
            s.delete(room)


def list_rooms(
    db: Database, actor: Actor, unit_id: uuid.UUID | None = None, *, include_archived: bool = False
) -> list[RoomOut]:
    with reading(db, actor, "read") as s:
        query = select(Room).order_by(Room.room_number)
        if unit_id is not None:
            query = query.where(Room.unit_id == unit_id)
        if not include_archived:
            query = query.where(Room.archived_at.is_(None))
        return [RoomOut.model_validate(r) for r in s.scalars(query)]


def get_room(db: Database, actor: Actor, room_id: uuid.UUID) -> RoomOut:
    with reading(db, actor, "read") as s:
        return RoomOut.model_validate(get_row(s, Room, room_id, "room"))


# --- the archive --------------------------------------------------------------------------------

def archived_items(db: Database, actor: Actor) -> list[ArchivedItem]:
    """Every archived property, unit and room, newest first, for restoring."""
    items: list[ArchivedItem] = []
    with reading(db, actor, "read") as s:
        for prop in s.scalars(select(Property).where(Property.archived_at.is_not(None))):
            assert prop.archived_at is not None
            items.append(ArchivedItem(kind="property", id=prop.id, label=prop.name,
                                      archived_at=prop.archived_at))
        for unit, name in s.execute(select(Unit, Property.name)
                                    .join(Property, Property.id == Unit.property_id)
                                    .where(Unit.archived_at.is_not(None))):
            assert unit.archived_at is not None
            items.append(ArchivedItem(kind="unit", id=unit.id,
                                      label=f"{name} · unit {unit.unit_number}",
                                      archived_at=unit.archived_at))
        for room, unit_number, name in s.execute(
                select(Room, Unit.unit_number, Property.name)
                .join(Unit, Unit.id == Room.unit_id)
                .join(Property, Property.id == Unit.property_id)
                .where(Room.archived_at.is_not(None))):
            assert room.archived_at is not None
            items.append(ArchivedItem(kind="room", id=room.id,
                                      label=f"{name} · room {unit_number}-{room.room_number}",
                                      archived_at=room.archived_at))
    return sorted(items, key=lambda i: i.archived_at, reverse=True)

