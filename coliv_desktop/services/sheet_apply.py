"""Spreadsheet rows checked against the book and written (issue 15), for `sheet_import`.

Set-based so 50,000 rows take seconds: one query per table for what the rows name (properties
by name, units and rooms by number, tenants by email or name, the rooms' leases), the rules
applied in memory (the same input schemas as typed input, a bed held by one lease a day, the
period lock, money dates), then Core inserts (one executemany per table and chunk). Every
problem names its row and column; the caller writes nothing while there is one.

Names and numbers are matched without regard to case, as people type them.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic
from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from coliv_desktop.db.models import (
    Charge,
    Lease,
    Operator,
    Payment,
    Property,
    Room,
    Tenant,
    Unit,
)
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain import ledger as ledger_rules
from coliv_desktop.domain.limits import money_date_problem
from coliv_desktop.domain.money import ZERO
from coliv_desktop.schemas.common import FieldProblem, field_path, plain_message
from coliv_desktop.schemas.leasing import LeaseCreate
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.schemas.people import TenantCreate
from coliv_desktop.schemas.portfolio import PropertyCreate, RoomCreate, UnitCreate
from coliv_desktop.services.books_lock import closed_through
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, ensure_owner
from coliv_desktop.services.ledger import apply_unapplied
from coliv_desktop.services.ledger_sql import payment_live

if TYPE_CHECKING:  # the caller's module imports this one
    from coliv_desktop.services.sheet_import import Converted

Progress = Callable[[int, int, str], None]
M = TypeVar("M", bound=pydantic.BaseModel)
CHUNK = 5000
OPENING = "Opening balance"
METHODS = {"cash": "cash", "check": "check", "cheque": "check", "bank transfer": "bank_transfer",
           "bank_transfer": "bank_transfer", "transfer": "bank_transfer", "wire": "bank_transfer",
           "ach": "bank_transfer", "bank": "bank_transfer", "card": "card",
           "credit card": "card", "debit card": "card", "other": "other"}


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


def _cf(text: Any) -> str:
    return str(text or "").strip().casefold()


def _tick(progress: Progress | None, done: int, total: int, text: str) -> None:
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
    checks = {"rooms": _check_rooms, "tenants": _check_tenants, "leases": _check_leases,
              "balances": _check_balances, "payments": _check_payments}
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
        _insert_money_in(s, plan.payments)
        done += len(plan.payments)
        if progress:
            progress(done, total, "payments written")
    if plan.lease_ids:
        apply_unapplied(s, plan.lease_ids)


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _stamp() -> dict[str, Any]:
    now = utcnow()
    return {"created_at": now, "updated_at": now, "version": 1}


# --- scope ---------------------------------------------------------------------------------------

def _outside(actor: Actor, property_id: uuid.UUID | None) -> bool:
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
    props = {_cf(name): (pid, archived) for pid, name, archived in s.execute(
        select(Property.id, Property.name, Property.archived_at))}
    units = {(pid, _cf(num)): (uid, archived) for uid, pid, num, archived in s.execute(
        select(Unit.id, Unit.property_id, Unit.unit_number, Unit.archived_at))}
    rooms = {(uid, _cf(num)): rid for rid, uid, num in s.execute(
        select(Room.id, Room.unit_id, Room.room_number))}
    operator, _ = ensure_owner(s)
    new_props: dict[str, dict[str, Any]] = {}  # casefolded name -> row
    first_of: dict[Any, int] = {}  # (property key) / (property, unit) / room key -> row number
    new_units: dict[tuple[Any, str], dict[str, Any]] = {}
    unit_rooms: Counter[tuple[Any, str]] = Counter()
    room_rows: list[dict[str, Any]] = []
    matched_props: set[uuid.UUID] = set()
    matched_units: set[uuid.UUID] = set()
    for number, values in conv.rows:
        if values["property"] and values["unit"]:
            unit_rooms[(_cf(values["property"]), _cf(values["unit"]))] += 1
    total = len(conv.rows)
    for done, (number, values) in enumerate(conv.rows, start=1):
        _tick(progress, done, total, "rooms checked")
        name, unit_no, room_no = values["property"], values["unit"], values["room"]
        if not (name and unit_no and room_no):
            continue  # already a problem (empty, needed)
        # the property
        known = props.get(_cf(name))
        prop_id: uuid.UUID | None
        if known is not None:
            prop_id, archived = known
            if archived is not None:
                conv.problem(number, "property", f"property {name} is archived; restore it "
                             "first", name)
                continue
            if _outside(actor, prop_id):
                conv.problem(number, "property", OUTSIDE, name)
                continue
            matched_props.add(prop_id)
        else:
            row = new_props.get(_cf(name))
            if row is None:
                if _outside(actor, None):
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
                row = {"id": uuid.uuid4(), "operator_id": operator.id, "amenities": [],
                       "house_rules": None, "archived_at": None,
                       **(made.model_dump(exclude={"amenities", "house_rules"}) if made
                          else data), **_stamp()}
                new_props[_cf(name)] = row
                first_of[_cf(name)] = number
            else:
                for key in ("address", "city", "state", "zip"):
                    if values[key] and _cf(values[key]) != _cf(row[key]):
                        conv.problem(number, key, f"differs from row {first_of[_cf(name)]} "
                                     f"for property {name} ({row[key]!r})", values[key])
            prop_id = row["id"]
        # the unit
        unit_key = (prop_id, _cf(unit_no))
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
                        else unit_rooms[(_cf(name), _cf(unit_no))],
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
        room_key = (unit_id, _cf(room_no))
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
    return Plan(tables=[(_table(Property), list(new_props.values())),
                        (_table(Unit), list(new_units.values())), (_table(Room), room_rows)])


# --- tenants -------------------------------------------------------------------------------------

TENANT_KEYS = {k: k for k in ("first_name", "last_name", "email", "phone",
                              "emergency_contact_name", "emergency_contact_phone", "notes")}


def _check_tenants(s: Session, actor: Actor, conv: Converted, outcome: Outcome,
                   progress: Progress | None) -> Plan:
    known = {_cf(email) for email in s.scalars(select(Tenant.email))}
    first_of: dict[str, int] = {}
    new: list[Tenant] = []
    matched = 0
    for done, (number, values) in enumerate(conv.rows, start=1):
        _tick(progress, done, len(conv.rows), "tenants checked")
        made = validate(TenantCreate, {k: values[k] for k in TENANT_KEYS}, TENANT_KEYS, conv,
                        number)
        if made is None:
            continue
        key = _cf(made.email)
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

    by_email: dict[str, list[Tenant]]
    by_name: dict[str, list[Tenant]]
    rooms: dict[tuple[str, str, str], Any]  # (property, unit, room) casefolded -> row


def _book(s: Session) -> Book:
    by_email: dict[str, list[Tenant]] = defaultdict(list)
    by_name: dict[str, list[Tenant]] = defaultdict(list)
    for tenant in s.scalars(select(Tenant)):
        by_email[_cf(tenant.email)].append(tenant)
        by_name[_cf(f"{tenant.first_name} {tenant.last_name}")].append(tenant)
    rooms = {(_cf(row.name), _cf(row.unit_number), _cf(row.room_number)): row
             for row in s.execute(
                 select(Room.id, Room.beds, Room.rent_amount, Room.archived_at,
                        Property.id.label("pid"), Property.name, Unit.unit_number,
                        Room.room_number)
                 .join(Unit, Unit.id == Room.unit_id)
                 .join(Property, Property.id == Unit.property_id))}
    return Book(by_email, by_name, rooms)


def _tenant(book: Book, conv: Converted, number: int, values: dict[str, Any]) -> Tenant | None:
    email, name = values.get("tenant_email"), values.get("tenant_name")
    if email:
        found, key, shown = book.by_email.get(_cf(email), []), "tenant_email", email
    elif name:
        found, key, shown = book.by_name.get(_cf(" ".join(str(name).split())), []), \
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


def _room(book: Book, conv: Converted, number: int, values: dict[str, Any]) -> Any:
    place = (_cf(values["property"]), _cf(values["unit"]), _cf(values["room"]))
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
    book = _book(s)
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
        _tick(progress, done, len(conv.rows), "leases checked")
        tenant = _tenant(book, conv, number, values)
        room = _room(book, conv, number, values) if values["room"] else None
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
        if _outside(actor, room.pid):
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
        bed = _claim(held[room.id], room.beds, made, conv, number, values)
        if bed is None:
            continue
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
    return Plan(tables=[(_table(Lease), rows)])


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


# --- balances and payments -----------------------------------------------------------------------

def _leases_of(s: Session, tenant_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
    out: dict[uuid.UUID, list[Any]] = defaultdict(list)
    ids = list(tenant_ids)
    for start in range(0, len(ids), 900):
        for row in s.execute(
                select(Lease.id, Lease.tenant_id, Lease.lease_start, Lease.lease_end,
                       Lease.room_id, Unit.property_id)
                .join(Room, Room.id == Lease.room_id).join(Unit, Unit.id == Room.unit_id)
                .where(Lease.tenant_id.in_(ids[start:start + 900]),
                       Lease.status != "cancelled")
                .order_by(Lease.lease_start, Lease.id)):
            out[row.tenant_id].append(row)
    return out


def _lease_for(s: Session, book: Book, leases: dict[uuid.UUID, list[Any]], conv: Converted,
               number: int, values: dict[str, Any], day: date) -> Any:
    """The lease a row's money belongs to: the tenant's, narrowed by the room when given,
    then by the day (the lease running on it, else the last begun before it)."""
    tenant = _tenant(book, conv, number, values)
    if tenant is None:
        return None
    found = leases.get(tenant.id, [])
    if values.get("room") or values.get("unit") or values.get("property"):
        if not (values.get("room") and values.get("unit") and values.get("property")):
            conv.problem(number, "room", "give the property, unit and room together, or none")
            return None
        room = _room(book, conv, number, values)
        if room is None:
            return None
        found = [lease for lease in found if lease.room_id == room.id]
    if not found:
        conv.problem(number, "tenant_email" if values.get("tenant_email") else "tenant_name",
                     f"{tenant.first_name} {tenant.last_name} has no lease"
                     + (" in that room" if values.get("room") else "")
                     + " (import the leases first)",
                     values.get("tenant_email") or values.get("tenant_name"))
        return None
    if len(found) == 1:
        return found[0]
    running = [lease for lease in found if lease.lease_start <= day <= (lease.lease_end or FAR)]
    if len(running) == 1:
        return running[0]
    begun = [lease for lease in found if lease.lease_start <= day]
    if begun and not running:
        return begun[-1]
    conv.problem(number, "room", f"{tenant.first_name} {tenant.last_name} has {len(found)} "
                 "leases: give the property, unit and room to say which", values.get("room"))
    return None


@dataclass
class _Money:
    """The checks money dated by a row needs, read once: the book's first lease, the closed
    periods per property."""

    s: Session
    first_start: date | None
    closed: dict[uuid.UUID | None, date | None] = field(default_factory=dict)

    def problem(self, property_id: uuid.UUID, day: date, key: str, conv: Converted,
                number: int, raw: Any) -> bool:
        try:
            ledger_rules.check_received_on(day, today(), key)
        except Exception as exc:  # ValidationError
            conv.problem(number, key, getattr(exc, "detail", str(exc)), raw)
            return True
        why = money_date_problem(day, self.first_start)
        if why is not None:
            conv.problem(number, key, why, raw)
            return True
        if property_id not in self.closed:
            self.closed[property_id] = closed_through(self.s, property_id)
        through = self.closed[property_id]
        if through is not None and day <= through:
            conv.problem(number, key, f"is in a reconciled period (the books are closed "
                         f"through {through.isoformat()})", raw)
            return True
        return False


def _money_checks(s: Session) -> _Money:
    return _Money(s, s.scalar(select(func.min(Lease.lease_start))
                              .where(Lease.status != "cancelled")))


def _tenant_ids(book: Book, conv: Converted) -> set[uuid.UUID]:
    ids: set[uuid.UUID] = set()
    for _, values in conv.rows:
        for key, index in (("tenant_email", book.by_email), ("tenant_name", book.by_name)):
            if values.get(key):
                ids.update(t.id for t in index.get(_cf(" ".join(str(values[key]).split())), []))
    return ids


def _check_balances(s: Session, actor: Actor, conv: Converted, outcome: Outcome,
                    progress: Progress | None) -> Plan:
    book = _book(s)
    leases = _leases_of(s, _tenant_ids(book, conv))
    money = _money_checks(s)
    operator, _ = ensure_owner(s)
    charges: list[dict[str, Any]] = []
    credits: list[dict[str, Any]] = []
    zero = 0
    lease_ids: set[uuid.UUID] = set()
    for done, (number, values) in enumerate(conv.rows, start=1):
        _tick(progress, done, len(conv.rows), "balances checked")
        day, amount = values["as_of"], values["amount"]
        if day is None or amount is None:
            continue
        lease = _lease_for(s, book, leases, conv, number, values, day)
        if lease is None:
            continue
        if _outside(actor, lease.property_id):
            conv.problem(number, "property", OUTSIDE, values.get("property"))
            continue
        if money.problem(lease.property_id, day, "as_of", conv, number, day):
            continue
        if amount == ZERO:
            zero += 1
            continue
        lease_ids.add(lease.id)
        if amount > ZERO:
            charges.append({"id": uuid.uuid4(), "lease_id": lease.id, "kind": "other",
                            "period": f"opening:{uuid.uuid4()}", "period_start": None,
                            "period_end": None, "due_date": day, "amount": amount,
                            "description": OPENING, "working": None,
                            "late_fee_rule_id": None, "source_charge_id": None,
                            "created_by": actor.name, "created_at": utcnow()})
        else:
            credits.append(_money_in(operator.id, lease.id, "credit", -amount, day, None, None,
                                     OPENING, actor, len(credits)))
    outcome.add(outcome.created, "opening charges", len(charges))
    outcome.add(outcome.created, "opening credits", len(credits))
    if zero:
        outcome.add(outcome.matched, "zero balances", zero)
    return Plan(tables=[(_table(Charge), charges)], payments=credits, lease_ids=lease_ids)


def _money_in(operator_id: uuid.UUID, lease_id: uuid.UUID, kind: str, amount: Decimal,
              day: date, method: str | None, reference: str | None, note: str | None,
              actor: Actor, order: int) -> dict[str, Any]:
    # created_at in the file's order: allocation takes money by date, then by this
    return {"id": uuid.uuid4(), "operator_id": operator_id, "lease_id": lease_id, "kind": kind,
            "amount": amount, "received_on": day, "method": method, "reference": reference,
            "note": note, "receipt_number": None, "created_by": actor.name,
            "created_at": utcnow() + timedelta(microseconds=order)}


def _insert_money_in(s: Session, rows: list[dict[str, Any]]) -> None:
    """Payments get the next receipt numbers, in date order (then the file's)."""
    payments = sorted((r for r in rows if r["kind"] == "payment"),
                      key=lambda r: (r["received_on"], r["created_at"]))
    if payments:
        operator_id = payments[0]["operator_id"]
        if s.get_bind().dialect.name == "postgresql":
            s.execute(select(Operator.id).where(Operator.id == operator_id).with_for_update())
        last = s.scalar(select(func.max(Payment.receipt_number))
                        .where(Payment.operator_id == operator_id)) or 0
        for offset, row in enumerate(payments, start=1):
            row["receipt_number"] = last + offset
    for start in range(0, len(rows), CHUNK):
        s.execute(insert(_table(Payment)), rows[start:start + CHUNK])


PAYMENT_KEYS = {"lease_id": "tenant_email", "amount": "amount", "received_on": "date",
                "method": "method", "reference": "reference", "note": "note"}


def method_of(text: str | None) -> str | None:
    """A payment method as people write it ("Bank transfer", "Cheque", "Credit card"); blank
    is "other"; None when it is none of them."""
    if text is None or not text.strip():
        return "other"
    return METHODS.get(" ".join(text.lower().replace("_", " ").replace("-", " ").split()))


def _check_payments(s: Session, actor: Actor, conv: Converted, outcome: Outcome,
                    progress: Progress | None) -> Plan:
    book = _book(s)
    leases = _leases_of(s, _tenant_ids(book, conv))
    money = _money_checks(s)
    operator, _ = ensure_owner(s)
    already: Counter[tuple[Any, ...]] = Counter()
    for row in s.execute(select(Payment.lease_id, Payment.received_on, Payment.amount,
                                Payment.reference)
                         .where(Payment.kind == "payment", payment_live())):
        already[(row.lease_id, row.received_on, row.amount, _cf(row.reference))] += 1
    rows: list[dict[str, Any]] = []
    matched = 0
    touched: set[uuid.UUID] = set()
    for done, (number, values) in enumerate(conv.rows, start=1):
        _tick(progress, done, len(conv.rows), "payments checked")
        day, amount = values["date"], values["amount"]
        if day is None or amount is None:
            continue
        method = method_of(values["method"])
        if method is None:
            conv.problem(number, "method", "is not a payment method (cash, check, bank "
                         "transfer, card or other)", values["method"])
            continue
        lease = _lease_for(s, book, leases, conv, number, values, day)
        if lease is None:
            continue
        if _outside(actor, lease.property_id):
            conv.problem(number, "property", OUTSIDE, values.get("property"))
            continue
        made = validate(PaymentCreate, {
            "lease_id": lease.id, "amount": amount, "received_on": day, "method": method,
            "reference": values["reference"], "note": values["note"]}, PAYMENT_KEYS, conv,
            number)
        if made is None:
            continue
        if made.amount <= ZERO:
            conv.problem(number, "amount", "must be more than zero", values["amount"])
            continue
        if money.problem(lease.property_id, day, "date", conv, number, day):
            continue
        key = (lease.id, made.received_on, made.amount, _cf(made.reference))
        if already[key] > 0:  # imported before: kept once
            already[key] -= 1
            matched += 1
            continue
        touched.add(lease.id)
        rows.append(_money_in(operator.id, lease.id, "payment", made.amount, made.received_on,
                              made.method, made.reference, made.note, actor, len(rows)))
    outcome.add(outcome.created, "payments", len(rows))
    outcome.add(outcome.matched, "payments", matched)
    return Plan(payments=rows, lease_ids=touched)
