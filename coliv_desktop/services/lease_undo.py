"""Undoing lease edits: reopen a lease after a move-out, remove a renewal, undo a transfer,
restore a cancelled lease.

Each is the inverse of one edit in `leasing` and, like it, one audited transaction in which the
ledger follows (`rent_sync.follow`): the rent the edit had reversed is charged again, the late
fees it had voided come back, money that had become credit pays them again. Each refuses what
would break the rules: a bed let to someone else meanwhile, a deposit already settled, money
recorded on a renewal.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    AuditEntry,
    DepositDisposition,
    Lease,
    Payment,
    Room,
    Tenant,
)
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas.leasing import LeaseOut
from coliv_desktop.services import audit
from coliv_desktop.services.context import Actor, check_version, reading, writing
from coliv_desktop.services.leasing import (
    _check_room_lettable,
    _claim_bed,
    _lock_room,
    _room_label,
    check_cancellable,
)
from coliv_desktop.services.ledger_sql import lease_chain, payment_live
from coliv_desktop.services.portfolio import get_row
from coliv_desktop.services.rent_sync import follow


def _until(day: date | None) -> str:
    return day.isoformat() if day is not None else "open-ended"


def reopen_lease(db: Database, actor: Actor, lease_id: uuid.UUID, lease_end: date | None,
                 expected_version: int | None = None) -> LeaseOut:
    """Undo a move-out: the lease is active again and runs to `lease_end` (None: open-ended)."""
    with writing(db, actor, "leases.write") as s:
        lease = get_row(s, Lease, lease_id, "lease")
        check_version(lease, expected_version, "This lease")
        if lease.status != "ended":
            raise ValidationError("lease_id", f"this lease is {lease.status}, not ended")
        assert lease.lease_end is not None  # an ended lease has its last day
        if lease_end is not None and lease_end < lease.lease_end:
            raise ValidationError("lease_end", "reopening cannot end the lease earlier; record "
                                               "a move-out instead")
        moved = s.scalar(select(Lease).where(Lease.previous_lease_id == lease.id,
                                             Lease.origin == "transfer",
                                             Lease.status != "cancelled"))
        if moved is not None:
            raise ValidationError("lease_id", f"the tenant moved to another room on "
                                              f"{moved.lease_start}; that transfer would have "
                                              "to be undone first")
        settled = s.scalar(select(DepositDisposition.decided_on).where(
            DepositDisposition.lease_id.in_(lease_chain(s, lease.id))))
        if settled is not None:
            raise ValidationError("lease_id", f"the deposit was settled on {settled}; a "
                                              "reopened lease would hold no deposit")
        room = _lock_room(s, lease.room_id, "room_id")
        _claim_bed(s, room, lease.lease_start, lease_end, lease.bed, ignore=(lease.id,))
        old_end, old_move_out = lease.lease_end, lease.move_out_date
        lease.lease_end = lease_end
        lease.move_out_date = None
        lease.status = "active"
        s.flush()
        sync = follow(s, actor, [lease], f"move-out on {old_end} undone")
        audit.record(s, actor, "reopen", "lease", lease.id,
                     f"Move-out on {old_end} undone: the lease runs to {_until(lease_end)} "
                     f"again" + sync.summary(),
                     {"lease_end": [old_end, lease_end], "status": ["ended", "active"],
                      "move_out_date": [old_move_out, None], **sync.changes()})
        return LeaseOut.model_validate(lease)


def check_undoable(s: Session, lease: Lease, what: str, consequence: str) -> None:
    """A lease an undo would cancel (a renewal, a transfer's new lease, an approval's lease):
    refused once money was recorded on it (the tenant has lived there) or it continues into
    another lease, then as `leasing.check_cancellable`."""
    paid = s.scalar(select(func.count(Payment.id)).where(Payment.lease_id == lease.id,
                                                         payment_live()))
    if paid:
        raise ValidationError("lease_id", f"{paid} payment(s) were recorded on {what}; "
                                          f"{consequence}")
    later = s.scalar(select(Lease.lease_start).where(Lease.previous_lease_id == lease.id,
                                                     Lease.status != "cancelled"))
    if later is not None:
        raise ValidationError("lease_id", f"{what} continues into another lease from {later}; "
                                          "undo that one first")
    check_cancellable(s, lease)


def remove_renewal(db: Database, actor: Actor, lease_id: uuid.UUID,
                   expected_version: int | None = None) -> LeaseOut:
    """Undo a renewal: the renewal lease is cancelled (it stays in the history), its charges
    voided. Refused once money was recorded on it or it was renewed or transferred again."""
    with writing(db, actor, "leases.write") as s:
        lease = get_row(s, Lease, lease_id, "lease")
        check_version(lease, expected_version, "This renewal")
        if lease.origin != "renewal":
            raise ValidationError("lease_id", "this lease is not a renewal")
        if lease.status == "cancelled":
            raise ValidationError("lease_id", "this renewal was already removed")
        check_undoable(s, lease, "this renewal", "it can no longer be removed")
        old = lease.status
        lease.status = "cancelled"
        s.flush()
        sync = follow(s, actor, [lease], "renewal removed")
        audit.record(s, actor, "remove_renewal", "lease", lease.id,
                     f"Renewal {lease.lease_start} to {_until(lease.lease_end)} removed"
                     + sync.summary(),
                     {"status": [old, "cancelled"], **sync.changes()})
        return LeaseOut.model_validate(lease)


def undo_transfer(db: Database, actor: Actor, lease_id: uuid.UUID,
                  expected_version: int | None = None) -> LeaseOut:
    """Undo a transfer: the lease in the new room (`lease_id`) is cancelled and the lease it
    came from runs to its old end again, in its old bed; the ledger follows both. Refused once
    money was recorded on the new lease, it continued into another, the old bed was let since
    or the deposit was settled. Returns the reopened lease."""
    with writing(db, actor, "leases.write") as s:
        moved = get_row(s, Lease, lease_id, "lease")
        check_version(moved, expected_version, "The lease in the new room")
        if moved.origin != "transfer" or moved.previous_lease_id is None:
            raise ValidationError("lease_id", "this lease did not come from a transfer")
        if moved.status == "cancelled":
            raise ValidationError("lease_id", "this transfer was already undone")
        check_undoable(s, moved, "the lease in the new room",
                       "the transfer can no longer be undone")
        origin = get_row(s, Lease, moved.previous_lease_id, "lease")
        if origin.status != "ended":
            raise ValidationError("lease_id", f"the lease before the transfer is "
                                              f"{origin.status}, not ended")
        moved.status = "cancelled"
        s.flush()
        room = _lock_room(s, origin.room_id, "room_id")
        _claim_bed(s, room, origin.lease_start, moved.lease_end, origin.bed,
                   ignore=(origin.id,))
        old_end = origin.lease_end
        origin.lease_end = moved.lease_end
        origin.move_out_date = None
        origin.status = "active"
        s.flush()
        target = s.get(Room, moved.room_id)
        label = _room_label(s, target) if target else str(moved.room_id)
        sync = follow(s, actor, [moved, origin], f"transfer to room {label} undone")
        audit.record(s, actor, "undo_transfer", "lease", origin.id,
                     f"Transfer to room {label} on {moved.lease_start} undone: the lease runs "
                     f"to {_until(origin.lease_end)} again" + sync.summary(),
                     {"cancelled_lease": moved.id, "lease_end": [old_end, origin.lease_end],
                      "status": ["ended", "active"], **sync.changes()})
        return LeaseOut.model_validate(origin)


def uncancel_lease(db: Database, actor: Actor, lease_id: uuid.UUID,
                   expected_version: int | None = None) -> LeaseOut:
    """Undo a cancellation (or a removed renewal): the lease holds its bed again, if still free."""
    with writing(db, actor, "leases.write") as s:
        lease = get_row(s, Lease, lease_id, "lease")
        check_version(lease, expected_version, "This lease")
        if lease.status != "cancelled":
            raise ValidationError("lease_id", f"this lease is {lease.status}, not cancelled")
        tenant = get_row(s, Tenant, lease.tenant_id, "tenant")
        if tenant.archived_at is not None:
            raise ValidationError("tenant_id", f"tenant {tenant.first_name} {tenant.last_name} "
                                               "is archived; restore them first")
        room = _lock_room(s, lease.room_id, "room_id")
        _check_room_lettable(s, room, "room_id")
        _claim_bed(s, room, lease.lease_start, lease.lease_end, lease.bed, ignore=(lease.id,))
        status = "ended" if lease.move_out_date is not None else "active"
        lease.status = status
        s.flush()
        sync = follow(s, actor, [lease], "cancellation undone")
        place = s.get(Room, lease.room_id)
        audit.record(s, actor, "uncancel", "lease", lease.id,
                     f"Cancellation undone: the lease holds room "
                     f"{_room_label(s, place) if place else lease.room_id} bed {lease.bed} "
                     f"again" + sync.summary(),
                     {"status": ["cancelled", status], **sync.changes()})
        return LeaseOut.model_validate(lease)


def end_before_move_out(db: Database, actor: Actor, lease_id: uuid.UUID) -> tuple[bool,
                                                                                  date | None]:
    """The end a lease had before its move-out was recorded, from the audit log: (found, end),
    end None for an open-ended lease. (False, None) when no move-out of it is on record."""
    with reading(db, actor, "read") as s:
        changes = s.scalar(
            select(AuditEntry.changes)
            .where(AuditEntry.entity_type == "lease", AuditEntry.entity_id == str(lease_id),
                   AuditEntry.action == "end")
            .order_by(AuditEntry.occurred_at.desc()).limit(1))
    if not isinstance(changes, dict) or not isinstance(changes.get("lease_end"), list):
        return False, None
    old = changes["lease_end"][0]
    return True, date.fromisoformat(old) if old else None
