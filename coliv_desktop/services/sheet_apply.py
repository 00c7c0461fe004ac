"""Spreadsheet rows checked against the book and written (issue 15), for `sheet_import`.

Set-based so 50,000 rows take seconds: one query per table for what the rows name (properties
by name, units and rooms by number, tenants by email or name, the rooms' leases), the rules
applied in memory (the same input schemas as typed input, a bed held by one lease a day, the
period lock, money dates), then Core inserts (one executemany per table and chunk). Every
problem names its row and column; the caller writes nothing while there is one.

Names and numbers are matched without regard to case, as people type them. Opening balances
and payments are in `sheet_money`.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from coliv_desktop.db.models import (
    Lease,
    Operator,
    Property,
    Room,
    Tenant,
    Unit,
)
from coliv_desktop.db.types import utcnow
from coliv_desktop.schemas.common import FieldProblem, field_path, plain_message
from coliv_desktop.schemas.leasing import LeaseCreate
from coliv_desktop.schemas.people import TenantCreate
from coliv_desktop.schemas.portfolio import PropertyCreate, RoomCreate, UnitCreate
from coliv_desktop.services.context import Actor, ensure_owner
from coliv_desktop.services.ledger import apply_unapplied

if TYPE_CHECKING:  # the caller's module imports this one
    from coliv_desktop.services.sheet_import import Converted

Progress = Callable[[int, int, str], None]
M = TypeVar("M", bound=pydantic.BaseModel)
CHUNK = 5000


@dataclass
class Outcome:
    created: dict[str, int] = field(default_factory=dict)
    matched: dict[str, int] = field(default_factory=dict)

    def add(self, bucket: dict[str, int], what: str, n: int = 1) -> None:
        bucket[what] = bucket.get(what, 0) + n


@dataclass
class Plan:
    """What `write` inserts: rows per table, in insert order, and leases to allocate for."""

    tables: list[tuple[Table, list[dict[str, Any]]]] = field(default_factory=list)
    tenants: list[Tenant] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    lease_ids: set[uuid.UUID] = field(default_factory=set)


def cf(text: Any) -> str:
    return str(text or "").strip().casefold()


def operator_id_of(s: Session) -> uuid.UUID:
    """The book's operator, read (a dry run reads only); made on first use otherwise."""
    found = s.scalar(select(Operator.id).order_by(Operator.created_at).limit(1))
    return found if found is not None else ensure_owner(s)[0].id


def tick(progress: Progress | None, done: int, total: int, text: str) -> None:
    if progress is not None and (done % 1000 == 0 or done == total):
        progress(done, total, text)


def validate(model: type[M], data: dict[str, Any], keys: dict[str, str], conv: Converted,
             row: int) -> M | None:
    """`model(**data)`, every error reported on `row` under the column of its field (`keys`:
    schema field -> sheet field); None when there was one."""
    try:
        return model(**data)
    except pydantic.ValidationError as exc:
        for error in exc.errors():
            cause = error.get("ctx", {}).get("error")
            name = field_path(tuple(error["loc"])).split(".")[0].split("[")[0]
            if isinstance(cause, FieldProblem):
                name = cause.field
                text = str(cause)
            else:
                text = plain_message(error)
            key = keys.get(name)
            value = data.get(name)
            conv.problem(row, key, text, "" if value is None else value)
        return None


def check(s: Session, actor: Actor, conv: Converted, outcome: Outcome,
          progress: Progress | None) -> Plan:
    from coliv_desktop.services.sheet_money import check_balances, check_payments

    checks = {"rooms": _check_rooms, "tenants": _check_tenants, "leases": _check_leases,
              "balances": check_balances, "payments": check_payments}
    return checks[conv.kind.name](s, actor, conv, outcome, progress)


def write(s: Session, actor: Actor, conv: Converted, plan: Plan, outcome: Outcome,
          progress: Progress | None) -> None:
    total = sum(len(rows) for _, rows in plan.tables) + len(plan.tenants) + len(plan.payments)
    done = 0
    if plan.tenants:
        s.add_all(plan.tenants)
        s.flush()
        done += len(plan.tenants)
        if progress:
            progress(done, total, "tenants written")
    for table, rows in plan.tables:
        for start in range(0, len(rows), CHUNK):
            s.execute(insert(table), rows[start:start + CHUNK])
            done += len(rows[start:start + CHUNK])
            if progress:
                progress(done, total, f"{table.name} written")
    if plan.payments:
        from coliv_desktop.services.sheet_money import insert_money_in

        insert_money_in(s, plan.payments)
        done += len(plan.payments)
        if progress:
            progress(done, total, "payments written")
    if plan.lease_ids:
        apply_unapplied(s, plan.lease_ids)


def table_of(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _stamp() -> dict[str, Any]:
    now = utcnow()
    return {"created_at": now, "updated_at": now, "version": 1}


# --- scope ---------------------------------------------------------------------------------------

def outside(actor: Actor, property_id: uuid.UUID | None) -> bool:
    """A user limited to some properties writing in another (or adding a property)."""
    return actor.property_ids is not None and property_id not in actor.property_ids


OUTSIDE = "is not one of the properties you may change"


# --- rooms ---------------------------------------------------------------------------------------

PROPERTY_KEYS = {"name": "property", "address": "address", "city": "city", "state": "state",
                 "zip": "zip"}
UNIT_KEYS = {"unit_number": "unit", "floor": "floor", "bedrooms": "bedrooms",
             "bathrooms": "bathrooms", "square_feet": "unit_sqft", "furnished": "furnished"}
ROOM_KEYS = {"room_number": "room", "room_type": "room_type", "beds": "beds",
             "size_sqft": "size", "has_private_bath": "private_bath", "rent_amount": "rent",
             "available_date": "available_date", "status": "status"}


def _check_rooms(s: Session, actor: Actor, conv: Converted, outcome: Outcome,
                 progress: Progress | None) -> Plan:
    props = {cf(name): (pid, archived) for pid, name, archived in s.execute(
        select(Property.id, Property.name, Property.archived_at))}
    units = {(pid, cf(num)): (uid, archived) for uid, pid, num, archived in s.execute(
        select(Unit.id, Unit.property_id, Unit.unit_number, Unit.archived_at))}
    rooms = {(uid, cf(num)): rid for rid, uid, num in s.execute(
        select(Room.id, Room.unit_id, Room.room_number))}
    operator_id = operator_id_of(s)
    new_props: dict[str, dict[str, Any]] = {}  # casefolded name -> row
    first_of: dict[Any, int] = {}  # (property key) / (property, unit) / room key -> row number
    new_units: dict[tuple[Any, str], dict[str, Any]] = {}
    unit_rooms: Counter[tuple[Any, str]] = Counter()
    room_rows: list[dict[str, Any]] = []
    matched_props: set[uuid.UUID] = set()
    matched_units: set[uuid.UUID] = set()
    for _number, values in conv.rows:
        if values["property"] and values["unit"]:
            unit_rooms[(cf(values["property"]), cf(values["unit"]))] += 1
    total = len(conv.rows)
    for done, (number, values) in enumerate(conv.rows, start=1):
        tick(progress, done, total, "rooms checked")
        name, unit_no, room_no = values["property"], values["unit"], values["room"]
        if not (name and unit_no and room_no):
            continue  # already a problem (empty, needed)
        # the property
        known = props.get(cf(name))
        prop_id: uuid.UUID | None
        if known is not None:
            prop_id, archived = known
            if archived is not None:
                conv.problem(number, "property", f"property {name} is archived; restore it "
                             "first", name)
                continue
            if outside(actor, prop_id):
                conv.problem(number, "property", OUTSIDE, name)
                continue
            matched_props.add(prop_id)
        else:
            row = new_props.get(cf(name))
            if row is None:
                if outside(actor, None):
                    conv.problem(number, "property", "is not in the book, and you may add "
                                 "rooms only to your own properties", name)
                    continue
                data = {"name": name, **{k: values[k] or "" for k in
                                         ("address", "city", "state", "zip")}}
                for key in ("address", "city", "state", "zip"):
                    if not values[key]:
                        conv.problem(number, key, f"is empty: property {name} is new, and a "
                                     "new property needs its address, city, state and ZIP")
                made = validate(PropertyCreate, data, PROPERTY_KEYS, conv, number)
                row = {"id": uuid.uuid4(), "operator_id": operator_id, "amenities": [],
                       "house_rules": None, "archived_at": None,
                       **(made.model_dump(exclude={"amenities", "house_rules"}) if made
                          else data), **_stamp()}
                new_props[cf(name)] = row
                first_of[cf(name)] = number
            else:
                for key in ("address", "city", "state", "zip"):
                    if values[key] and cf(values[key]) != cf(row[key]):
                        conv.problem(number, key, f"differs from row {first_of[cf(name)]} "
                                     f"for property {name} ({row[key]!r})", values[key])
            prop_id = row["id"]
        # the unit
        unit_key = (prop_id, cf(unit_no))
        found_unit = units.get(unit_key)
        if found_unit is not None:
            unit_id, archived = found_unit
            if archived is not None:
                conv.problem(number, "unit", f"unit {unit_no} of {name} is archived; restore "
                             "it first", unit_no)
                continue
            matched_units.add(unit_id)
        else:
            unit_row = new_units.get(unit_key)
            if unit_row is None:
                data = {"property_id": prop_id, "unit_number": unit_no,
                        "floor": values["floor"],
                        "bedrooms": values["bedrooms"] if values["bedrooms"] is not None
                        else unit_rooms[(cf(name), cf(unit_no))],
                        "bathrooms": values["bathrooms"] if values["bathrooms"] is not None
                        else Decimal("1"),
                        "square_feet": values["unit_sqft"],
                        "furnished": bool(values["furnished"])}
                made_unit = validate(UnitCreate, data, UNIT_KEYS, conv, number)
                unit_row = {"id": uuid.uuid4(), "archived_at": None,
                            **(made_unit.model_dump() if made_unit else data), **_stamp()}
                new_units[unit_key] = unit_row
                first_of[unit_key] = number
            unit_id = unit_row["id"]
        # the room
        room_key = (unit_id, cf(room_no))
        if room_key in first_of:
            conv.problem(number, "room", f"room {room_no} of unit {unit_no} in {name} is also "
                         f"on row {first_of[room_key]}", room_no)
            continue
        first_of[room_key] = number
        if room_key in rooms:
            outcome.add(outcome.matched, "rooms")
            continue
        data = {"unit_id": unit_id, "room_number": room_no,
                "room_type": (values["room_type"] or "private").lower(),
                "beds": values["beds"], "size_sqft": values["size"],
                "has_private_bath": bool(values["private_bath"]), "rent_amount": values["rent"],
                "available_date": values["available_date"],
                "status": (values["status"] or "available").lower()}
        if values["rent"] is None:
            continue  # already a problem (empty, needed)
        made_room = validate(RoomCreate, data, ROOM_KEYS, conv, number)
        if made_room is not None:
            room_rows.append({"id": uuid.uuid4(), "archived_at": None, **made_room.model_dump(),
                              **_stamp()})
    outcome.add(outcome.created, "properties", len(new_props))
    outcome.add(outcome.matched, "properties", len(matched_props))
    outcome.add(outcome.created, "units", len(new_units))
    outcome.add(outcome.matched, "units", len(matched_units))
    outcome.add(outcome.created, "rooms", len(room_rows))
    outcome.matched.setdefault("rooms", 0)
    return Plan(tables=[(table_of(Property), list(new_props.values())),
                        (table_of(Unit), list(new_units.values())), (table_of(Room), room_rows)])


# --- tenants -------------------------------------------------------------------------------------

TENANT_KEYS = {k: k for k in ("first_name", "last_name", "email", "phone",
                              "emergency_contact_name", "emergency_contact_phone", "notes")}


def _check_tenants(s: Session, actor: Actor, conv: Converted, outcome: Outcome,
                   progress: Progress | None) -> Plan:
    known = {cf(email) for email in s.scalars(select(Tenant.email))}
    first_of: dict[str, int] = {}
    new: list[Tenant] = []
    matched = 0
    for done, (number, values) in enumerate(conv.rows, start=1):
        tick(progress, done, len(conv.rows), "tenants checked")
        made = validate(TenantCreate, {k: values[k] for k in TENANT_KEYS}, TENANT_KEYS, conv,
                        number)
        if made is None:
            continue
        key = cf(made.email)
        if key in first_of:
            conv.problem(number, "email", f"is also on row {first_of[key]}", values["email"])
            continue
        first_of[key] = number
        if key in known:
            matched += 1
            continue
        new.append(Tenant(**made.model_dump()))
    outcome.add(outcome.created, "tenants", len(new))
    outcome.add(outcome.matched, "tenants", matched)
    return Plan(tenants=new)


# --- finding tenants, rooms and leases -----------------------------------------------------------

@dataclass
class Book:
    """What the rows of leases, balances and payments name, read once."""

    by_email: dict[str, list[Any]]  # rows of (id, email, first_name, last_name, archived_at)
    by_name: dict[str, list[Any]]
    rooms: dict[tuple[str, str, str], Any]  # (property, unit, room) casefolded -> row


def read_book(s: Session) -> Book:
    by_email: dict[str, list[Any]] = defaultdict(list)
    by_name: dict[str, list[Any]] = defaultdict(list)
    for tenant in s.execute(select(Tenant.id, Tenant.email, Tenant.first_name,
                                   Tenant.last_name, Tenant.archived_at)):
        by_email[cf(tenant.email)].append(tenant)
        by_name[cf(f"{tenant.first_name} {tenant.last_name}")].append(tenant)
    rooms = {(cf(row.name), cf(row.unit_number), cf(row.room_number)): row
             for row in s.execute(
                 select(Room.id, Room.beds, Room.rent_amount, Room.archived_at,
                        Property.id.label("pid"), Property.name, Unit.unit_number,
                        Room.room_number)
                 .join(Unit, Unit.id == Room.unit_id)
                 .join(Property, Property.id == Unit.property_id))}
    return Book(by_email, by_name, rooms)


def find_tenant(book: Book, conv: Converted, number: int, values: dict[str, Any]) -> Any:
    email, name = values.get("tenant_email"), values.get("tenant_name")
    if email:
        found, key, shown = book.by_email.get(cf(email), []), "tenant_email", email
    elif name:
        found, key, shown = book.by_name.get(cf(" ".join(str(name).split())), []), \
            "tenant_name", name
    else:
        conv.problem(number, "tenant_email" if "tenant_email" in conv.columns else
                     "tenant_name", "is empty: give the tenant's email or name")
        return None
    if not found:
        conv.problem(number, key, "names no tenant in the book (import the tenants first)",
                     shown)
        return None
    if len(found) > 1:
        conv.problem(number, key, f"names {len(found)} tenants; give the tenant's email",
                     shown)
        return None
    return found[0]


def find_room(book: Book, conv: Converted, number: int, values: dict[str, Any]) -> Any:
    place = (cf(values["property"]), cf(values["unit"]), cf(values["room"]))
    room = book.rooms.get(place)
    if room is None:
        conv.problem(number, "room", f"names no room in the book (property "
                     f"{values['property']!r}, unit {values['unit']!r}, room "
                     f"{values['room']!r}): import the rooms first", values["room"])
    return room


# --- leases --------------------------------------------------------------------------------------

LEASE_KEYS = {"room_id": "room", "tenant_id": "tenant_email", "lease_start": "start",
              "lease_end": "end", "rent_amount": "rent", "deposit_amount": "deposit",
              "bed": "bed", "notes": "notes"}
FAR = date.max


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return a_start <= (b_end or FAR) and b_start <= (a_end or FAR)


def _check_leases(s: Session, actor: Actor, conv: Converted, outcome: Outcome,
                  progress: Progress | None) -> Plan:
    book = read_book(s)
    held: dict[uuid.UUID, list[tuple[int, date, date | None, str]]] = defaultdict(list)
    existing: set[tuple[uuid.UUID, uuid.UUID, date]] = set()
    for room_id, bed, start, end, tenant_id in s.execute(
            select(Lease.room_id, Lease.bed, Lease.lease_start, Lease.lease_end, Lease.tenant_id)
            .where(Lease.status != "cancelled")):
        held[room_id].append((bed, start, end, "a lease in the book"))
        existing.add((room_id, tenant_id, start))
    rows: list[dict[str, Any]] = []
    matched = 0
    keys = dict(LEASE_KEYS)
    if "tenant_email" not in conv.columns:
        keys["tenant_id"] = "tenant_name"
    for done, (number, values) in enumerate(conv.rows, start=1):
        tick(progress, done, len(conv.rows), "leases checked")
        tenant = find_tenant(book, conv, number, values)
        room = find_room(book, conv, number, values) if values["room"] else None
        if tenant is None or room is None or values["start"] is None:
            continue
        if tenant.archived_at is not None:
            conv.problem(number, keys["tenant_id"], f"tenant {tenant.first_name} "
                         f"{tenant.last_name} is archived", values.get("tenant_email") or
                         values.get("tenant_name"))
            continue
        if room.archived_at is not None:
            conv.problem(number, "room", "this room is archived", values["room"])
            continue
        if outside(actor, room.pid):
            conv.problem(number, "property", OUTSIDE, values["property"])
            continue
        made = validate(LeaseCreate, {
            "room_id": room.id, "tenant_id": tenant.id, "lease_start": values["start"],
            "lease_end": values["end"], "rent_amount": values["rent"],
            "deposit_amount": values["deposit"] if values["deposit"] is not None
            else Decimal("0.00"), "bed": values["bed"], "notes": values["notes"]},
            keys, conv, number)
        if made is None:
            continue
        if (room.id, tenant.id, made.lease_start) in existing:
            matched += 1
            continue
        claimed = _claim(held[room.id], room.beds, made, conv, number, values)
        if claimed is None:
            continue
        bed = claimed
        held[room.id].append((bed, made.lease_start, made.lease_end, f"row {number}"))
        rows.append({"id": uuid.uuid4(), "room_id": room.id, "tenant_id": tenant.id, "bed": bed,
                     "lease_start": made.lease_start, "lease_end": made.lease_end,
                     "rent_amount": made.rent_amount if made.rent_amount is not None
                     else room.rent_amount, "deposit_amount": made.deposit_amount,
                     "status": "active", "move_in_date": None, "move_out_date": None,
                     "origin": "new", "previous_lease_id": None, "notes": made.notes,
                     **_stamp()})
    outcome.add(outcome.created, "leases", len(rows))
    outcome.add(outcome.matched, "leases", matched)
    return Plan(tables=[(table_of(Lease), rows)])


def _claim(held: list[tuple[int, date, date | None, str]], beds: int, made: LeaseCreate,
           conv: Converted, number: int, values: dict[str, Any]) -> int | None:
    """The bed this lease takes (the one asked for, else the lowest free), or None with the
    problem reported: a bed holds one lease a day."""
    clash = {bed: who for bed, start, end, who in held
             if _overlaps(start, end, made.lease_start, made.lease_end)}
    if made.bed is not None:
        if made.bed > beds:
            conv.problem(number, "bed", f"the room has beds 1 to {beds}", made.bed)
            return None
        if made.bed in clash:
            conv.problem(number, "start", f"bed {made.bed} is taken on these dates by "
                         f"{clash[made.bed]}", values["start"])
            return None
        return made.bed
    for bed in range(1, beds + 1):
        if bed not in clash:
            return bed
    conv.problem(number, "start", "the room has no free bed on these dates (taken by "
                 f"{', '.join(sorted(set(clash.values())))})", values["start"])
    return None
