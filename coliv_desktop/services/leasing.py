"""Leases: create, end (move-out), renew, transfer, cancel, list.

The rule everything here protects: a bed never has two leases active on the same day. The check
runs inside the writing transaction after the room is locked (SQLite: BEGIN IMMEDIATE holds the
write lock; PostgreSQL: SELECT ... FOR UPDATE on the room), and PostgreSQL's exclusion
constraint catches anything that slips past.

The ledger follows: a move-out, transfer or cancellation corrects the rent already charged for
the days the lease no longer holds, in the same transaction (`rent_sync.follow`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    Charge,
    DepositDisposition,
    Lease,
    Payment,
    Property,
    Room,
    Tenant,
    Unit,
)
from coliv_desktop.domain.errors import (
    ConflictError,
    NeedsConfirmation,
    NotFoundError,
    UnknownReference,
    ValidationError,
)
from coliv_desktop.domain.limits import (
    LINE,
    check_day,
    clean_text,
    confirm,
    lease_start_problem,
)
from coliv_desktop.schemas import build
from coliv_desktop.schemas.leasing import (
    LeaseCreate,
    LeaseOut,
    LeaseRenewal,
    LeaseRow,
    LeaseTransfer,
)
from coliv_desktop.services import audit
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, check_version, reading, writing
from coliv_desktop.services.lease_sql import active_on, overlapping
from coliv_desktop.services.ledger_sql import charge_live, lease_chain, payment_live
from coliv_desktop.services.portfolio import get_row
from coliv_desktop.services.rent_sync import follow
from coliv_desktop.services.search import matches

__all__ = ["active_on", "overlapping"]  # with the use cases below; defined in lease_sql


def _lock_room(s: Session, room_id: uuid.UUID, field: str) -> Room:
    query = select(Room).where(Room.id == room_id)
    if s.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    room = s.scalar(query)
    if room is None:
        raise UnknownReference(field, f"no room with id {room_id}")
    return room


def _room_label(s: Session, room: Room) -> str:
    unit = s.get(Unit, room.unit_id)
    return f"{unit.unit_number}-{room.room_number}" if unit else room.room_number


def _describe(s: Session, lease: Lease) -> str:
    tenant = s.get(Tenant, lease.tenant_id)
    who = f"{tenant.first_name} {tenant.last_name}" if tenant else "another tenant"
    until = lease.lease_end.isoformat() if lease.lease_end else "open-ended"
    return f"{who}'s lease {lease.lease_start.isoformat()} to {until}"


def _claim_bed(
    s: Session,
    room: Room,
    start: date,
    end: date | None,
    bed: int | None,
    *,
    ignore: tuple[uuid.UUID, ...] = (),
) -> int:
    """Return a bed of `room` free over [start, end]: `bed` itself, or the lowest free one."""
    if bed is not None and not 1 <= bed <= room.beds:
        raise ValidationError("bed", f"room {room.room_number} has beds 1 to {room.beds}")
    query = select(Lease).where(Lease.room_id == room.id, overlapping(start, end))
    if ignore:
        query = query.where(Lease.id.not_in(ignore))
    holders = list(s.scalars(query.order_by(Lease.lease_start)))
    taken = {lease.bed: lease for lease in holders}
    label = _room_label(s, room)
    if bed is not None:
        if bed in taken:
            raise ConflictError(
                f"room {label} bed {bed} is not free for those dates: {_describe(s, taken[bed])}"
            )
        return bed
    for candidate in range(1, room.beds + 1):
        if candidate not in taken:
            return candidate
    first = holders[0]
    raise ConflictError(
        f"room {label} has no free bed for those dates: {_describe(s, first)}"
        + (f" and {len(holders) - 1} more" if len(holders) > 1 else "")
    )


def _check_room_lettable(s: Session, room: Room, field: str, *,
                         force: bool | None = None) -> list[str]:
    """Refuse an archived room. A room under maintenance: refused where letting it is not
    offered (`force` None: a renewal, a transfer); for a new lease a person must confirm it
    (NeedsConfirmation unless `force`). Returns what a forced call overrode."""
    if room.archived_at is not None:
        raise ValidationError(field, f"room {_room_label(s, room)} is archived")
    if room.status == "maintenance":
        text = f"room {_room_label(s, room)} is under maintenance"
        if force is None:
            raise ValidationError(field, text)
        if not force:
            raise NeedsConfirmation(field, f"{text}; let it anyway?")
        return [text]
    return []


def _new_lease(s: Session, actor: Actor, data: LeaseCreate, *, force: bool | None = None,
               forced: list[str] | None = None, **extra: Any) -> Lease:
    """`forced`: what the caller already had a person confirm (a start long ago)."""
    room = _lock_room(s, data.room_id, "room_id")
    forced = [*(forced or []), *_check_room_lettable(s, room, "room_id", force=force)]
    tenant = s.get(Tenant, data.tenant_id)
    if tenant is None:
        raise UnknownReference("tenant_id", f"no tenant with id {data.tenant_id}")
    if tenant.archived_at is not None:
        name = f"{tenant.first_name} {tenant.last_name}"
        raise ValidationError("tenant_id", f"tenant {name} is archived")
    bed = _claim_bed(s, room, data.lease_start, data.lease_end, data.bed)
    lease = Lease(
        room_id=room.id,
        tenant_id=tenant.id,
        bed=bed,
        lease_start=data.lease_start,
        lease_end=data.lease_end,
        rent_amount=data.rent_amount if data.rent_amount is not None else room.rent_amount,
        deposit_amount=data.deposit_amount,
        notes=data.notes,
        **extra,
    )
    s.add(lease)
    s.flush()
    audit.record(
        s, actor, "create", "lease", lease.id,
        f"Lease for {tenant.first_name} {tenant.last_name} in room {_room_label(s, room)} "
        f"bed {bed} from {lease.lease_start}",
        {"room_id": room.id, "tenant_id": tenant.id, "bed": bed, "lease_start": lease.lease_start,
         "lease_end": lease.lease_end, "rent_amount": lease.rent_amount,
         "deposit_amount": lease.deposit_amount, "origin": lease.origin,
         **({"forced": forced} if forced else {})},
    )
    return lease


def check_lease_start(start: date, *, force: bool = False) -> list[str]:
    """A lease start more than a year back needs a person's yes (`domain.limits`); returns what
    was overridden, for the audit entry."""
    return confirm("lease_start", lease_start_problem(start, today()), force)


def create_lease(db: Database, actor: Actor, data: LeaseCreate, *,
                 force: bool = False) -> LeaseOut:
    """A new lease. One starting more than a year back (the rent run would charge every month
    since at once), or in a room under maintenance, raises NeedsConfirmation unless `force`;
    what was overridden is recorded in the audit entry under "forced"."""
    forced = check_lease_start(data.lease_start, force=force)
    with writing(db, actor, "leases.write") as s:
        return LeaseOut.model_validate(_new_lease(s, actor, data, force=force, forced=forced))


def create_lease_in(s: Session, actor: Actor, data: LeaseCreate, *,
                    force: bool = False) -> Lease:
    """For other services that create a lease inside their own transaction (an approval)."""
    return _new_lease(s, actor, data, force=force)


def end_lease(
    db: Database, actor: Actor, lease_id: uuid.UUID, move_out: date,
    expected_version: int | None = None,
) -> LeaseOut:
    """Move-out: the lease ends on `move_out` (the tenant's last night)."""
    check_day(move_out, "move_out_date")
    with writing(db, actor, "leases.write") as s:
        lease = get_row(s, Lease, lease_id, "lease")
        check_version(lease, expected_version, "This lease")
        if lease.status != "active":
            raise ValidationError("lease_id", f"this lease is already {lease.status}")
        if move_out < lease.lease_start:
            raise ValidationError("move_out_date", "move-out cannot be before the lease starts")
        if lease.lease_end is None or move_out > lease.lease_end:
            room = _lock_room(s, lease.room_id, "room_id")
            _claim_bed(s, room, lease.lease_start, move_out, lease.bed, ignore=(lease.id,))
        old_end = lease.lease_end
        lease.lease_end = move_out
        lease.move_out_date = move_out
        lease.status = "ended"
        s.flush()
        sync = follow(s, actor, [lease], f"move-out on {move_out}")
        audit.record(s, actor, "end", "lease", lease.id, f"Move-out on {move_out}"
                     + sync.summary(),
                     {"lease_end": [old_end, move_out], "status": ["active", "ended"],
                      **sync.changes()})
        return LeaseOut.model_validate(lease)


def renew_lease(
    db: Database, actor: Actor, lease_id: uuid.UUID, data: LeaseRenewal,
    expected_version: int | None = None,
) -> LeaseOut:
    """A new term in the same bed from the day after the current one ends."""
    with writing(db, actor, "leases.write") as s:
        lease = get_row(s, Lease, lease_id, "lease")
        check_version(lease, expected_version, "This lease")
        if lease.status == "cancelled":
            raise ValidationError("lease_id", "a cancelled lease cannot be renewed")
        if lease.lease_end is None:
            raise ValidationError("lease_id", "this lease has no end date, so it needs no renewal")
        start = lease.lease_end + timedelta(days=1)
        if data.new_end is not None and data.new_end < start:
            raise ValidationError("new_end", f"the renewal must end on or after {start}")
        renewal = _new_lease(
            s, actor,
            build(LeaseCreate, room_id=lease.room_id, tenant_id=lease.tenant_id, lease_start=start,
                        lease_end=data.new_end,
                        # a renewal at 0.00 is a renewal at 0.00 (a live-in manager's room)
                        rent_amount=(lease.rent_amount if data.rent_amount is None
                                     else data.rent_amount),
                        deposit_amount=lease.deposit_amount, bed=lease.bed),
            origin="renewal", previous_lease_id=lease.id,
        )
        return LeaseOut.model_validate(renewal)


def transfer_lease(
    db: Database, actor: Actor, lease_id: uuid.UUID, data: LeaseTransfer,
    expected_version: int | None = None,
) -> LeaseOut:
    """Move a tenant to another room from `transfer_date`.

    The old lease ends the day before; the new one runs to the old end date and carries the
    deposit (and, through `previous_lease_id`, the tenant's balance) with it.
    """
    with writing(db, actor, "leases.write") as s:
        lease = get_row(s, Lease, lease_id, "lease")
        check_version(lease, expected_version, "This lease")
        if lease.status != "active":
            raise ValidationError("lease_id", f"this lease is {lease.status}")
        if data.transfer_date <= lease.lease_start:
            raise ValidationError("transfer_date", "the transfer must be after the lease starts")
        if lease.lease_end is not None and data.transfer_date > lease.lease_end:
            raise ValidationError("transfer_date", "the lease has ended by then")
        if data.room_id == lease.room_id and data.bed in (None, lease.bed):
            raise ValidationError("room_id", "the tenant already lives in that room")
        old_end = lease.lease_end
        lease.lease_end = data.transfer_date - timedelta(days=1)
        lease.move_out_date = lease.lease_end
        lease.status = "ended"
        s.flush()
        new_room = s.get(Room, data.room_id)
        rent = data.rent_amount
        if rent is None:
            rent = new_room.rent_amount if new_room is not None else lease.rent_amount
        moved = _new_lease(
            s, actor,
            build(LeaseCreate, room_id=data.room_id, tenant_id=lease.tenant_id,
                        lease_start=data.transfer_date, lease_end=old_end, rent_amount=rent,
                        deposit_amount=lease.deposit_amount, bed=data.bed),
            origin="transfer", previous_lease_id=lease.id,
        )
        target = s.get(Room, moved.room_id)
        label = _room_label(s, target) if target else str(moved.room_id)
        sync = follow(s, actor, [lease, moved], f"transfer to room {label} on "
                                                f"{data.transfer_date}")
        audit.record(s, actor, "transfer", "lease", lease.id,
                     f"Transferred on {data.transfer_date} to room {label}" + sync.summary(),
                     {"to_lease": moved.id, "lease_end": [old_end, lease.lease_end],
                      **sync.changes()})
        return LeaseOut.model_validate(moved)


def cancel_lease(db: Database, actor: Actor, lease_id: uuid.UUID, reason: str,
                 expected_version: int | None = None) -> LeaseOut:
    """Void a lease entered by mistake; it frees the bed and stays in the history."""
    reason = clean_text(reason, "reason", LINE)
    if not reason:
        raise ValidationError("reason", "say why the lease is cancelled")
    with writing(db, actor, "leases.write") as s:
        lease = get_row(s, Lease, lease_id, "lease")
        check_version(lease, expected_version, "This lease")
        if lease.status == "cancelled":
            raise ValidationError("lease_id", "this lease is already cancelled")
        check_cancellable(s, lease)
        old = lease.status
        lease.status = "cancelled"
        s.flush()
        sync = follow(s, actor, [lease], f"lease cancelled ({reason.strip()})")
        audit.record(s, actor, "cancel", "lease", lease.id,
                     f"Cancelled: {reason.strip()}" + sync.summary(),
                     {"status": [old, "cancelled"], "reason": reason.strip(),
                      **sync.changes()})
        return LeaseOut.model_validate(lease)


def check_cancellable(s: Session, lease: Lease) -> None:
    """A cancelled lease owes nothing: its rent, late fees and deposit are voided with it.

    What CoLiv cannot undo for the operator is refused instead: money received on a lease that
    has no other lease in its account (it would have nowhere to go), charges entered by hand or
    utility shares (they are voided, or a bill entered again, by a person), a settled deposit.
    """
    others = [i for i in lease_chain(s, lease.id) if i != lease.id]
    live_others = s.scalar(select(func.count(Lease.id)).where(
        Lease.id.in_(others), Lease.status != "cancelled")) if others else 0
    if not live_others:
        count = s.scalar(select(func.count(Payment.id)).where(
            Payment.lease_id == lease.id, payment_live()))
        if count:
            raise ValidationError("lease_id", f"{count} payment(s) were recorded on this lease; "
                                              "void them first, then cancel it")
    manual = s.scalar(select(func.count(Charge.id)).where(
        Charge.lease_id == lease.id, Charge.kind.in_(("utility", "other")), charge_live()))
    if manual:
        raise ValidationError("lease_id", f"this lease has {manual} utility or other charge(s); "
                                          "void them first, then cancel it")
    if s.scalar(select(DepositDisposition.id).where(DepositDisposition.lease_id == lease.id)):
        raise ValidationError("lease_id", "this lease's deposit was settled at move-out; it "
                                          "cannot be cancelled")


def get_lease(db: Database, actor: Actor, lease_id: uuid.UUID) -> LeaseOut:
    with reading(db, actor, "read") as s:
        return LeaseOut.model_validate(get_row(s, Lease, lease_id, "lease"))


def get_lease_row(db: Database, actor: Actor, lease_id: uuid.UUID) -> LeaseRow:
    """One lease as the lists show it (a lease dialog's Reload after another desk's save)."""
    with reading(db, actor, "read") as s:
        row = s.execute(_lease_rows_query().where(Lease.id == lease_id)).first()
    if row is None:
        raise NotFoundError("lease", lease_id)
    return LeaseRow.model_validate(row, from_attributes=True)


def _lease_rows_query() -> Any:
    tenant_name = Tenant.first_name + " " + Tenant.last_name
    return (
        select(
            Lease.id, Lease.tenant_id, tenant_name.label("tenant_name"),
            Property.id.label("property_id"), Property.name.label("property_name"),
            Unit.id.label("unit_id"), Unit.unit_number, Room.id.label("room_id"),
            Room.room_number, Lease.bed, Lease.lease_start, Lease.lease_end, Lease.rent_amount,
            Lease.deposit_amount, Lease.status, Lease.origin, Lease.version,
        )
        .join(Tenant, Tenant.id == Lease.tenant_id)
        .join(Room, Room.id == Lease.room_id)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
    )


@dataclass(frozen=True)
class LeaseFilter:
    room_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    property_id: uuid.UUID | None = None
    tenant_id: uuid.UUID | None = None
    active_on: date | None = None
    include_cancelled: bool = False
    text: str = ""


def list_leases(db: Database, actor: Actor, where: LeaseFilter = LeaseFilter()) -> list[LeaseRow]:
    query = _lease_rows_query()
    if where.room_id:
        query = query.where(Lease.room_id == where.room_id)
    if where.unit_id:
        query = query.where(Room.unit_id == where.unit_id)
    if where.property_id:
        query = query.where(Unit.property_id == where.property_id)
    if where.tenant_id:
        query = query.where(Lease.tenant_id == where.tenant_id)
    if where.active_on:
        query = query.where(active_on(where.active_on))
    if not where.include_cancelled:
        query = query.where(Lease.status != "cancelled")
    found = matches(where.text, Tenant.first_name + " " + Tenant.last_name, Property.name,
                    Unit.unit_number + "-" + Room.room_number)
    if found is not None:
        query = query.where(found)
    query = query.order_by(Property.name, Unit.unit_number, Room.room_number, Lease.bed,
                           Lease.lease_start)
    with reading(db, actor, "read") as s:
        return [LeaseRow.model_validate(row, from_attributes=True) for row in s.execute(query)]


def free_rooms(
    db: Database, actor: Actor, start: date, end: date | None, *, unit_id: uuid.UUID | None = None
) -> list[tuple[uuid.UUID, int]]:
    """(room id, free beds) for every lettable room with a bed free over [start, end]."""
    taken = (
        select(Lease.room_id, func.count(func.distinct(Lease.bed)).label("taken"))
        .where(overlapping(start, end))
        .group_by(Lease.room_id)
        .subquery()
    )
    free = Room.beds - func.coalesce(taken.c.taken, 0)
    query = (
        select(Room.id, free)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
        .outerjoin(taken, taken.c.room_id == Room.id)
        .where(Room.archived_at.is_(None), Unit.archived_at.is_(None),
               Property.archived_at.is_(None), Room.status != "maintenance", free > 0)
        .order_by(Property.name, Unit.unit_number, Room.room_number)
    )
    if unit_id is not None:
        query = query.where(Room.unit_id == unit_id)
    with reading(db, actor, "read") as s:
        return [(row[0], int(row[1])) for row in s.execute(query)]

