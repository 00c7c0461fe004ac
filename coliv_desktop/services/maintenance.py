"""The maintenance queue: requests with their status moves and dated log, costs (one charge on
a lease when recharged), the property's maintenance cost by month, and recurring schedules.

A request's `due_by` is when it was reported plus the response target of its priority (the
settings `maintenance_hours_urgent`, `maintenance_days_high/medium/low`); it is overdue while
not resolved or closed once that moment has passed. A request may hold its room (rooms.status
"maintenance") until it is resolved, when the room is given back unless another open request
still holds it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    Lease,
    MaintenanceCost,
    MaintenanceLog,
    MaintenanceRequest,
    MaintenanceSchedule,
    Property,
    Room,
    Tenant,
    Unit,
    User,
    Vendor,
)
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain.errors import UnknownReference, ValidationError
from coliv_desktop.domain.limits import check_day
from coliv_desktop.domain.money import ZERO
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import ChargeCreate
from coliv_desktop.schemas.maintenance import (
    CostCreate,
    CostOut,
    CostReportRow,
    LogOut,
    RequestCreate,
    RequestOut,
    RequestUpdate,
    ScheduleCreate,
    ScheduleOut,
    ScheduleRunResult,
)
from coliv_desktop.services import audit
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, check_version, reading, writing
from coliv_desktop.services.expenses import maintenance_expense
from coliv_desktop.services.ledger import post_charge_in
from coliv_desktop.services.portfolio import _updates, get_row, mark_archived
from coliv_desktop.services.settings import read_settings

DONE = ("resolved", "closed")
# Where each status may go. Closed is final; a resolved request can be reopened (the fix
# did not hold) or closed.
MOVES: dict[str, tuple[str, ...]] = {
    "open": ("in_progress", "waiting_parts", "resolved", "closed"),
    "in_progress": ("open", "waiting_parts", "resolved", "closed"),
    "waiting_parts": ("in_progress", "resolved", "closed"),
    "resolved": ("open", "in_progress", "closed"),
    "closed": (),
}
# PostgreSQL advisory lock of the schedule run: "coliv", 14.
SCHEDULE_LOCK = 0x636F6C6976_0E


def moment(day: date | None = None) -> datetime:
    """Now, on the clock's day (COLIV_TODAY pins the date in tests and screenshots; the time
    of day stays the real one), or on `day`."""
    now = utcnow()
    wanted = day or today()
    if wanted == date.today():  # the real day: the real moment (UTC and local dates differ)
        return now
    return datetime.combine(wanted, now.timetz())


def due_by(priority: str, reported_at: datetime, settings: dict[str, Any]) -> datetime:
    if priority == "urgent":
        return reported_at + timedelta(hours=int(settings["maintenance_hours_urgent"]))
    return reported_at + timedelta(days=int(settings[f"maintenance_days_{priority}"]))


def is_overdue(status: str, due: datetime, now: datetime) -> bool:
    return status not in DONE and due < now


def _overdue_clause(now: datetime) -> ColumnElement[bool]:
    return MaintenanceRequest.status.not_in(DONE) & (MaintenanceRequest.due_by < now)


def open_counts(s: Session, now: datetime) -> tuple[int, int]:
    """Requests not resolved or closed, and how many of them are overdue (the dashboard)."""
    live = MaintenanceRequest.status.not_in(DONE)
    total = s.scalar(select(func.count(MaintenanceRequest.id)).where(live)) or 0
    late = s.scalar(select(func.count(MaintenanceRequest.id)).where(_overdue_clause(now))) or 0
    return int(total), int(late)


# --- places, logs, outputs ----------------------------------------------------------------------

def place(s: Session, property_id: uuid.UUID | None, unit_id: uuid.UUID | None,
          room_id: uuid.UUID | None) -> tuple[Property, Unit | None, Room | None]:
    """The property, unit and room a request or schedule is about (the narrowest one given);
    wider ones given too must contain it."""
    room = unit = None
    if room_id is not None:
        room = s.get(Room, room_id)
        if room is None:
            raise UnknownReference("room_id", f"no room with id {room_id}")
        if unit_id is not None and unit_id != room.unit_id:
            raise ValidationError("unit_id", "the room is not in this unit")
        unit_id = room.unit_id
    if unit_id is not None:
        unit = s.get(Unit, unit_id)
        if unit is None:
            raise UnknownReference("unit_id", f"no unit with id {unit_id}")
        if property_id is not None and property_id != unit.property_id:
            raise ValidationError("property_id", "the unit is not in this property")
        property_id = unit.property_id
    assert property_id is not None  # the schemas ask for one of the three
    prop = s.get(Property, property_id)
    if prop is None:
        raise UnknownReference("property_id", f"no property with id {property_id}")
    return prop, unit, room


def _log(s: Session, actor: Actor, request: MaintenanceRequest, action: str,
         note: str | None = None, from_status: str | None = None,
         to_status: str | None = None) -> None:
    s.add(MaintenanceLog(request_id=request.id, actor_name=actor.name, action=action,
                         from_status=from_status, to_status=to_status, note=note))


def _costs(s: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
    totals: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    if ids:
        for request_id, amount in s.execute(select(MaintenanceCost.request_id,
                                                   MaintenanceCost.amount)
                                            .where(MaintenanceCost.request_id.in_(ids))):
            totals[request_id] += amount
    return totals


def _outs(s: Session, requests: list[MaintenanceRequest], now: datetime) -> list[RequestOut]:
    costs = _costs(s, [r.id for r in requests])
    return [RequestOut.model_validate(r).model_copy(update={
        "overdue": is_overdue(r.status, r.due_by, now),
        "cost": costs.get(r.id, ZERO).quantize(Decimal("0.01"))}) for r in requests]


def _out(s: Session, request: MaintenanceRequest) -> RequestOut:
    s.flush()
    return _outs(s, [request], moment())[0]


def _label(request: MaintenanceRequest) -> str:
    return f"maintenance request {request.title!r}"


# --- the room a request holds -------------------------------------------------------------------

def _hold(s: Session, actor: Actor, request: MaintenanceRequest) -> None:
    if request.holds_room and request.room_id is not None:
        room = get_row(s, Room, request.room_id, "room")
        if room.status != "maintenance":
            room.status = "maintenance"
            _log(s, actor, request, "room_held", f"room {room.room_number} under maintenance")


def _release(s: Session, actor: Actor, request: MaintenanceRequest) -> None:
    """Give the room back, unless another request not yet resolved still holds it."""
    if not request.holds_room or request.room_id is None:
        return
    others = s.scalar(select(func.count(MaintenanceRequest.id)).where(
        MaintenanceRequest.room_id == request.room_id, MaintenanceRequest.holds_room,
        MaintenanceRequest.status.not_in(DONE), MaintenanceRequest.id != request.id))
    room = get_row(s, Room, request.room_id, "room")
    if not others and room.status == "maintenance":
        room.status = "available"
        _log(s, actor, request, "room_released", f"room {room.room_number} available again")


# --- requests -----------------------------------------------------------------------------------

def _new_request(s: Session, actor: Actor, data: RequestCreate, reported_at: datetime,
                 settings: dict[str, Any], **extra: Any) -> MaintenanceRequest:
    prop, unit, room = place(s, data.property_id, data.unit_id, data.room_id)
    reporter = data.reported_by or actor.name
    if data.tenant_id is not None:
        tenant = s.get(Tenant, data.tenant_id)
        if tenant is None:
            raise UnknownReference("tenant_id", f"no tenant with id {data.tenant_id}")
        reporter = data.reported_by or f"{tenant.first_name} {tenant.last_name}"
    if data.holds_room and room is None:
        raise ValidationError("holds_room", "only a request about a room can hold it")
    request = MaintenanceRequest(
        property_id=prop.id, unit_id=unit.id if unit else None, room_id=room.id if room else None,
        tenant_id=data.tenant_id, reported_by=reporter, category=data.category,
        priority=data.priority, status="open", title=data.title, description=data.description,
        access_notes=data.access_notes, holds_room=data.holds_room,
        due_by=due_by(data.priority, reported_at, settings), **extra)
    s.add(request)
    s.flush()
    _log(s, actor, request, "created", f"reported by {reporter}", None, "open")
    _hold(s, actor, request)
    audit.record(s, actor, "create", "maintenance_request", request.id,
                 f"Maintenance request {data.title!r} at {prop.name} ({data.priority})",
                 {**data.model_dump(), **extra})
    return request


def add_request(db: Database, actor: Actor, data: RequestCreate) -> RequestOut:
    with writing(db, actor, "maintenance.write") as s:
        request = _new_request(s, actor, data, moment(), read_settings(s))
        return _out(s, request)


def update_request(db: Database, actor: Actor, request_id: uuid.UUID,
                   data: RequestUpdate) -> RequestOut:
    """Edit the words, the category or the priority (which moves `due_by`: the new target
    counted from when it was reported)."""
    with writing(db, actor, "maintenance.write") as s:
        request = get_row(s, MaintenanceRequest, request_id, "maintenance request")
        check_version(request, data.expected_version, _label(request).capitalize())
        old_priority = request.priority
        changes = audit.diff(request, _updates(data))
        if "priority" in changes:
            # when it was reported: the old target counted back from the old due_by
            settings = read_settings(s)
            reported = request.due_by - (due_by(old_priority, request.due_by, settings)
                                         - request.due_by)
            request.due_by = due_by(request.priority, reported, settings)
        if changes:
            _log(s, actor, request, "edited", ", ".join(sorted(changes)))
            s.flush()
            audit.record(s, actor, "update", "maintenance_request", request.id,
                         f"Edited {_label(request)}", changes)
        return _out(s, request)


def move_request(db: Database, actor: Actor, request_id: uuid.UUID, to: str,
                 note: str | None = None, *, expected_version: int | None = None
                 ) -> RequestOut:
    """Move a request to status `to`; a move that makes no sense is refused (nothing written).
    Resolving gives its room back (the note becomes the resolution notes); reopening takes
    the room again."""
    with writing(db, actor, "maintenance.write") as s:
        request = get_row(s, MaintenanceRequest, request_id, "maintenance request")
        check_version(request, expected_version, _label(request).capitalize())
        before = request.status
        if to not in MOVES:
            raise ValidationError("to", f"must be one of {', '.join(MOVES)}")
        if to == before:
            raise ValidationError("to", f"the request is already {before}")
        if to not in MOVES[before]:
            allowed = ", ".join(MOVES[before]) or "nothing: it is final"
            raise ValidationError("to", f"a {before} request cannot become {to} "
                                        f"(it can become {allowed})")
        request.status = to
        if to == "resolved":
            request.resolved_at = utcnow()
            if note:
                request.resolution_notes = note
        elif before == "resolved" and to != "closed":
            request.resolved_at = None
        _log(s, actor, request, "status", note, before, to)
        if to in DONE and before not in DONE:
            _release(s, actor, request)
        elif to not in DONE and before in DONE:
            _hold(s, actor, request)
        s.flush()
        audit.record(s, actor, "status", "maintenance_request", request.id,
                     f"{_label(request).capitalize()}: {before} -> {to}",
                     {"status": [before, to], "note": note})
        return _out(s, request)


def assign_request(db: Database, actor: Actor, request_id: uuid.UUID,
                   vendor_id: uuid.UUID | None, scheduled_for: date | None = None, *,
                   staff_id: uuid.UUID | None = None, expected_version: int | None = None
                   ) -> RequestOut:
    """Give the request to a vendor (None: to nobody) and/or a member of staff (a user), for
    a day when given."""
    if scheduled_for is not None:
        check_day(scheduled_for, "scheduled_for")
    with writing(db, actor, "maintenance.write") as s:
        request = get_row(s, MaintenanceRequest, request_id, "maintenance request")
        check_version(request, expected_version, _label(request).capitalize())
        who = "nobody"
        if vendor_id is not None:
            vendor = s.get(Vendor, vendor_id)
            if vendor is None:
                raise UnknownReference("vendor_id", f"no vendor with id {vendor_id}")
            if vendor.archived_at is not None:
                raise ValidationError("vendor_id", f"{vendor.name} is archived; restore them "
                                                   "first")
            who = vendor.name
        if staff_id is not None:
            user = s.get(User, staff_id)
            if user is None:
                raise UnknownReference("staff_id", f"no user with id {staff_id}")
            who = user.display_name if vendor_id is None else f"{who} with {user.display_name}"
        changes = audit.diff(request, {"vendor_id": vendor_id, "scheduled_for": scheduled_for,
                                       "assigned_to": staff_id})
        _log(s, actor, request, "assigned",
             f"to {who}" + (f" for {scheduled_for}" if scheduled_for else ""))
        s.flush()
        audit.record(s, actor, "assign", "maintenance_request", request.id,
                     f"Assigned {_label(request)} to {who}", changes)
        return _out(s, request)


def get_request(db: Database, actor: Actor, request_id: uuid.UUID) -> RequestOut:
    with reading(db, actor, "read") as s:
        request = get_row(s, MaintenanceRequest, request_id, "maintenance request")
        return _outs(s, [request], moment())[0]


def list_requests(db: Database, actor: Actor, *, status: str | None = None,
                  overdue: bool = False, property_id: uuid.UUID | None = None,
                  vendor_id: uuid.UUID | None = None, include_done: bool = True,
                  on: date | None = None) -> list[RequestOut]:
    """Requests, most urgent first (by `due_by`); `overdue` keeps those past their target on
    `on` (today by default)."""
    now = moment(on)
    query = select(MaintenanceRequest)
    if status is not None:
        if status not in MOVES:
            raise ValidationError("status", f"must be one of {', '.join(MOVES)}")
        query = query.where(MaintenanceRequest.status == status)
    if not include_done:
        query = query.where(MaintenanceRequest.status.not_in(DONE))
    if overdue:
        query = query.where(_overdue_clause(now))
    if property_id is not None:
        query = query.where(MaintenanceRequest.property_id == property_id)
    if vendor_id is not None:
        query = query.where(MaintenanceRequest.vendor_id == vendor_id)
    query = query.order_by(MaintenanceRequest.due_by, MaintenanceRequest.id)
    with reading(db, actor, "read") as s:
        return _outs(s, list(s.scalars(query)), now)


def request_log(db: Database, actor: Actor, request_id: uuid.UUID) -> list[LogOut]:
    """The request's history, oldest first."""
    with reading(db, actor, "read") as s:
        get_row(s, MaintenanceRequest, request_id, "maintenance request")
        rows = s.scalars(select(MaintenanceLog).where(MaintenanceLog.request_id == request_id)
                         .order_by(MaintenanceLog.created_at, MaintenanceLog.id))
        return [LogOut.model_validate(row) for row in rows]


# --- costs --------------------------------------------------------------------------------------

def add_cost(db: Database, actor: Actor, data: CostCreate, *, force: bool = False) -> CostOut:
    """A cost of a request. With `lease_id` it is recharged: ONE charge on that lease, written
    in the same transaction as the cost (both or neither), which needs "ledger.write" too."""
    if data.lease_id is not None:
        actor.require("ledger.write")  # before anything is read
    with writing(db, actor, "maintenance.write") as s:
        request = get_row(s, MaintenanceRequest, data.request_id, "maintenance request")
        if data.amount <= ZERO:
            raise ValidationError("amount", "must be more than zero")
        day = data.incurred_on or today()
        cost = MaintenanceCost(request_id=request.id, kind=data.kind,
                               description=data.description, amount=data.amount,
                               incurred_on=day, lease_id=data.lease_id)
        if data.lease_id is not None:
            lease = s.get(Lease, data.lease_id)
            if lease is None:
                raise UnknownReference("lease_id", f"no lease with id {data.lease_id}")
            where = s.scalar(select(Unit.property_id).join(Room, Room.unit_id == Unit.id)
                             .where(Room.id == lease.room_id))
            if where != request.property_id:
                raise ValidationError("lease_id", "the lease is not in the request's property")
            words = f"Repair: {request.title}: {data.description}"
            charge = post_charge_in(s, actor, build(
                ChargeCreate, lease_id=lease.id, kind="other", due_date=day,
                amount=data.amount, description=words[:200]), force=force)
            cost.charge_id = charge.id
        s.add(cost)
        s.flush()
        maintenance_expense(s, actor, cost, request)  # the books' expense, same transaction
        recharged = " (recharged to the lease)" if cost.charge_id else ""
        _log(s, actor, request, "cost", f"{data.kind} {data.amount:.2f}: {data.description}"
                                        f"{recharged}")
        audit.record(s, actor, "create", "maintenance_cost", cost.id,
                     f"Cost {data.amount:.2f} on {_label(request)}{recharged}",
                     {**data.model_dump(), "incurred_on": day, "charge_id": cost.charge_id})
        return CostOut.model_validate(cost)


def list_costs(db: Database, actor: Actor, request_id: uuid.UUID) -> list[CostOut]:
    with reading(db, actor, "read") as s:
        get_row(s, MaintenanceRequest, request_id, "maintenance request")
        rows = s.scalars(select(MaintenanceCost).where(MaintenanceCost.request_id == request_id)
                         .order_by(MaintenanceCost.incurred_on, MaintenanceCost.created_at))
        return [CostOut.model_validate(row) for row in rows]


def cost_report(db: Database, actor: Actor, start: date | None = None,
                end: date | None = None) -> list[CostReportRow]:
    """The properties' own maintenance cost (costs not recharged to a lease) by property and
    month of `incurred_on`, between `start` and `end` when given."""
    query = (select(Property.id, Property.name, MaintenanceCost.incurred_on,
                    MaintenanceCost.amount)
             .join(MaintenanceRequest, MaintenanceRequest.id == MaintenanceCost.request_id)
             .join(Property, Property.id == MaintenanceRequest.property_id)
             .where(MaintenanceCost.charge_id.is_(None)))
    if start is not None:
        query = query.where(MaintenanceCost.incurred_on >= start)
    if end is not None:
        query = query.where(MaintenanceCost.incurred_on <= end)
    totals: dict[tuple[str, uuid.UUID, str], Decimal] = defaultdict(lambda: ZERO)
    with reading(db, actor, "ledger.read") as s:
        for prop_id, name, day, amount in s.execute(query):
            totals[(name, prop_id, f"{day:%Y-%m}")] += amount
    return [CostReportRow(property_id=prop_id, property=name, month=month, total=total)
            for (name, prop_id, month), total in sorted(totals.items(),
                                                        key=lambda kv: (kv[0][0], str(kv[0][1]),
                                                                        kv[0][2]))]


# --- recurring schedules ------------------------------------------------------------------------

def add_schedule(db: Database, actor: Actor, data: ScheduleCreate) -> ScheduleOut:
    with writing(db, actor, "maintenance.write") as s:
        prop, unit, room = place(s, data.property_id, data.unit_id, data.room_id)
        if data.vendor_id is not None and s.get(Vendor, data.vendor_id) is None:
            raise UnknownReference("vendor_id", f"no vendor with id {data.vendor_id}")
        values = data.model_dump(exclude={"property_id", "unit_id", "room_id"})
        schedule = MaintenanceSchedule(property_id=prop.id, unit_id=unit.id if unit else None,
                                       room_id=room.id if room else None, **values)
        s.add(schedule)
        s.flush()
        audit.record(s, actor, "create", "maintenance_schedule", schedule.id,
                     f"Maintenance every {data.every_months} months: {data.title!r} at "
                     f"{prop.name}", data.model_dump())
        return ScheduleOut.model_validate(schedule)


def list_schedules(db: Database, actor: Actor, *, include_archived: bool = False
                   ) -> list[ScheduleOut]:
    query = select(MaintenanceSchedule)
    if not include_archived:
        query = query.where(MaintenanceSchedule.archived_at.is_(None))
    with reading(db, actor, "read") as s:
        return [ScheduleOut.model_validate(row) for row in s.scalars(
            query.order_by(MaintenanceSchedule.next_due, MaintenanceSchedule.id))]


def set_schedule_archived(db: Database, actor: Actor, schedule_id: uuid.UUID, archived: bool,
                          expected_version: int | None = None) -> ScheduleOut:
    with writing(db, actor, "maintenance.write") as s:
        schedule = get_row(s, MaintenanceSchedule, schedule_id, "maintenance schedule")
        mark_archived(s, actor, schedule, "maintenance schedule", schedule.title, archived,
                      expected_version)
        return ScheduleOut.model_validate(schedule)


def add_months(day: date, months: int) -> date:
    """`day` moved on by whole months, on the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + timedelta(days=day.day - 1),
               following - timedelta(days=1))


def run_schedules(db: Database, actor: Actor, through: date | None = None
                  ) -> ScheduleRunResult:
    """Raise a request for every schedule period due up to `through` (today): one per period
    when several were missed, then move `next_due` on. Idempotent: the (schedule, due date)
    pair names its request, and a second run finds nothing due."""
    day = check_day(through or today(), "through")
    with writing(db, actor, "maintenance.write") as s:
        if s.get_bind().dialect.name == "postgresql":  # one run at a time (SQLite: IMMEDIATE)
            s.execute(select(func.pg_advisory_xact_lock(SCHEDULE_LOCK)))
        settings = read_settings(s)
        raised = {(sid, due) for sid, due in s.execute(
            select(MaintenanceRequest.schedule_id, MaintenanceRequest.schedule_due)
            .where(MaintenanceRequest.schedule_id.is_not(None)))}
        created: list[uuid.UUID] = []
        for schedule in s.scalars(select(MaintenanceSchedule).where(
                MaintenanceSchedule.archived_at.is_(None), MaintenanceSchedule.next_due <= day)
                .order_by(MaintenanceSchedule.next_due, MaintenanceSchedule.id)):
            start, step = schedule.next_due, 0
            due = start
            while due <= day:
                if (schedule.id, due) not in raised:
                    data = RequestCreate(
                        property_id=schedule.property_id, unit_id=schedule.unit_id,
                        room_id=schedule.room_id, category=schedule.category,
                        priority=schedule.priority,
                        title=schedule.title, description=schedule.description,
                        reported_by=f"Schedule (every {schedule.every_months} months)")
                    request = _new_request(
                        s, actor, data, datetime.combine(due, time(0), UTC), settings,
                        schedule_id=schedule.id, schedule_due=due, vendor_id=schedule.vendor_id)
                    created.append(request.id)
                step += 1  # counted from the first date: Jan 31, Feb 28, Mar 31 (no drift)
                due = add_months(start, step * schedule.every_months)
            schedule.next_due = due
        s.flush()
        if created:
            audit.record(s, actor, "schedule_run", "maintenance_schedule", None,
                         f"Maintenance schedules through {day}: {len(created)} requests",
                         {"through": day, "created": created})
        return ScheduleRunResult(through=day, created=created)
