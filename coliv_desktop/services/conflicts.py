"""Roommate conflict reports: between tenants of one unit, with a dated mediation log.

The log is history (never edited): every note, and every change of status, is a row of its
own, so what happened and when is kept for the insight that reads it later."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    ConflictNote,
    ConflictParty,
    ConflictReport,
    Lease,
    Room,
    Tenant,
    Unit,
)
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain import limits
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas.community import (
    ConflictCreate,
    ConflictNoteOut,
    ConflictOut,
    ConflictStatus,
    ConflictUpdate,
    PartyOut,
    TenantConflict,
)
from coliv_desktop.services import audit
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, check_version, reading, writing
from coliv_desktop.services.portfolio import _updates, get_row

# The moves that make sense: a resolved conflict can be opened again; nothing goes back to
# "open" otherwise (mediation that stalls is escalated).
MOVES: dict[str, frozenset[str]] = {
    "open": frozenset({"mediating", "resolved", "escalated"}),
    "mediating": frozenset({"resolved", "escalated"}),
    "escalated": frozenset({"mediating", "resolved"}),
    "resolved": frozenset({"open"}),
}


def _name(tenant: Tenant) -> str:
    return f"{tenant.first_name} {tenant.last_name}"


def _lives_in(s: Session, tenant_id: uuid.UUID, unit_id: uuid.UUID) -> bool:
    """A lease in the unit that is not cancelled and has not ended before today."""
    found = s.scalar(select(Lease.id).join(Room, Room.id == Lease.room_id).where(
        Lease.tenant_id == tenant_id, Room.unit_id == unit_id, Lease.status != "cancelled",
        or_(Lease.lease_end.is_(None), Lease.lease_end >= today())).limit(1))
    return found is not None


def report_conflict(db: Database, actor: Actor, data: ConflictCreate) -> ConflictOut:
    """Open a report between two or more tenants with a lease in the unit."""
    with writing(db, actor, "community.write") as s:
        unit = get_row(s, Unit, data.unit_id, "unit")
        if len(set(data.parties)) != len(data.parties):
            raise ValidationError("parties", "names a tenant twice")
        for tenant_id in data.parties:
            tenant = get_row(s, Tenant, tenant_id, "tenant")
            if not _lives_in(s, tenant.id, unit.id):
                raise ValidationError("parties", f"{_name(tenant)} has no lease in unit "
                                                 f"{unit.unit_number}")
        if data.room_id is not None:
            room = get_row(s, Room, data.room_id, "room")
            if room.unit_id != unit.id:
                raise ValidationError("room_id", f"this room is not in unit {unit.unit_number}")
        row = ConflictReport(unit_id=unit.id, room_id=data.room_id,
                             conflict_type=data.conflict_type, severity=data.severity,
                             status="open", description=data.description, reported_on=today())
        s.add(row)
        s.flush()
        s.add_all(ConflictParty(conflict_id=row.id, tenant_id=t) for t in data.parties)
        s.add(ConflictNote(conflict_id=row.id, author=actor.name, text="Reported.",
                           from_status=None, to_status="open"))
        s.flush()
        audit.record(s, actor, "create", "conflict", row.id,
                     f"Reported a {data.conflict_type} conflict in unit {unit.unit_number}",
                     data.model_dump(mode="json"))
        return _out(s, row)


def update_conflict(db: Database, actor: Actor, conflict_id: uuid.UUID,
                    data: ConflictUpdate) -> ConflictOut:
    """Correct the category, severity, summary or outcome."""
    with writing(db, actor, "community.write") as s:
        row = get_row(s, ConflictReport, conflict_id, "conflict")
        check_version(row, data.expected_version, "This conflict report")
        updates = _updates(data)
        for required in ("conflict_type", "severity", "description"):
            if required in updates and updates[required] is None:
                raise ValidationError(required, "is required")
        changes = audit.diff(row, updates)
        if changes:
            s.flush()
            audit.record(s, actor, "update", "conflict", row.id, "Edited a conflict report",
                         changes)
        return _out(s, row)


def add_conflict_note(db: Database, actor: Actor, conflict_id: uuid.UUID,
                      text: str) -> ConflictNoteOut:
    """A line of the mediation log, dated now."""
    cleaned = limits.clean_text(text or "", "text", limits.NOTES, multiline=True)
    if not cleaned:
        raise ValidationError("text", "is required")
    with writing(db, actor, "community.write") as s:
        row = get_row(s, ConflictReport, conflict_id, "conflict")
        note = ConflictNote(conflict_id=row.id, author=actor.name, text=cleaned)
        s.add(note)
        s.flush()
        audit.record(s, actor, "note", "conflict", row.id, "Added a mediation note",
                     {"text": cleaned})
        return ConflictNoteOut.model_validate(note)


def set_conflict_status(db: Database, actor: Actor, conflict_id: uuid.UUID,
                        to_status: ConflictStatus, note: str | None = None,
                        outcome: str | None = None,
                        expected_version: int | None = None) -> ConflictOut:
    """Move a conflict on (open, mediating, resolved, escalated; only the sensible moves, see
    MOVES). The move is written to the log, with `note` when given; resolving may record the
    outcome."""
    if to_status not in MOVES:
        raise ValidationError("to_status", f"must be one of {', '.join(MOVES)}")
    text = limits.clean_text(note or "", "note", limits.NOTES, multiline=True)
    result = limits.clean_text(outcome or "", "outcome", limits.NOTES, multiline=True) or None
    with writing(db, actor, "community.write") as s:
        row = get_row(s, ConflictReport, conflict_id, "conflict")
        check_version(row, expected_version, "This conflict report")
        before = row.status
        if to_status == before:
            raise ValidationError("to_status", f"the conflict is already {before}")
        if to_status not in MOVES[before]:
            allowed = ", ".join(sorted(MOVES[before]))
            raise ValidationError("to_status", f"a {before} conflict cannot become {to_status} "
                                               f"(it can become {allowed})")
        row.status = to_status
        row.resolved_at = utcnow() if to_status == "resolved" else None
        if result is not None:
            row.outcome = result
        s.add(ConflictNote(conflict_id=row.id, author=actor.name,
                           text=text or f"Status changed from {before} to {to_status}.",
                           from_status=before, to_status=to_status))
        s.flush()
        audit.record(s, actor, "status", "conflict", row.id,
                     f"Conflict moved from {before} to {to_status}",
                     {"status": [before, to_status], "outcome": result})
        return _out(s, row)


def get_conflict(db: Database, actor: Actor, conflict_id: uuid.UUID) -> ConflictOut:
    """One report with its parties and its whole log, oldest first."""
    with reading(db, actor, "read") as s:
        return _out(s, get_row(s, ConflictReport, conflict_id, "conflict"), with_notes=True)


def list_conflicts(db: Database, actor: Actor, unit_id: uuid.UUID | None = None, *,
                   open_only: bool = False) -> list[ConflictOut]:
    """Newest first; `open_only`: all but the resolved ones."""
    query = select(ConflictReport)
    if unit_id is not None:
        query = query.where(ConflictReport.unit_id == unit_id)
    if open_only:
        query = query.where(ConflictReport.status != "resolved")
    with reading(db, actor, "read") as s:
        if unit_id is not None:
            get_row(s, Unit, unit_id, "unit")
        rows = s.scalars(query.order_by(ConflictReport.reported_on.desc(),
                                        ConflictReport.created_at.desc(), ConflictReport.id))
        return [_out(s, r) for r in rows]


def conflict_notes(db: Database, actor: Actor, conflict_id: uuid.UUID) -> list[ConflictNoteOut]:
    with reading(db, actor, "read") as s:
        get_row(s, ConflictReport, conflict_id, "conflict")
        return _notes(s, conflict_id)


def conflicts_of_tenants(db: Database, actor: Actor, tenant_ids: Sequence[uuid.UUID]
                         ) -> dict[uuid.UUID, list[TenantConflict]]:
    """Per tenant id, their conflicts (newest first) with the other parties' names: what the
    tenant record and the Applications pane show next to a room's housemates. Every id asked
    for is a key (an empty list when the tenant has none)."""
    wanted = list(dict.fromkeys(tenant_ids))
    out: dict[uuid.UUID, list[TenantConflict]] = {t: [] for t in wanted}
    if not wanted:
        with reading(db, actor, "read"):
            return out
    with reading(db, actor, "read") as s:
        reports = list(s.scalars(
            select(ConflictReport).join(ConflictParty,
                                        ConflictParty.conflict_id == ConflictReport.id)
            .where(ConflictParty.tenant_id.in_(wanted)).distinct()
            .order_by(ConflictReport.reported_on.desc(), ConflictReport.created_at.desc())))
        parties = _parties(s, [r.id for r in reports])
        for report in reports:
            people = parties.get(report.id, [])
            for party in people:
                if party.tenant_id in out:
                    out[party.tenant_id].append(TenantConflict(
                        id=report.id, category=report.conflict_type, severity=report.severity,
                        status=report.status, summary=report.description,
                        others=[p.name for p in people if p.tenant_id != party.tenant_id]))
    return out


def _parties(s: Session, conflict_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[PartyOut]]:
    found: dict[uuid.UUID, list[PartyOut]] = {}
    if not conflict_ids:
        return found
    rows = s.execute(select(ConflictParty.conflict_id, Tenant).join(
        Tenant, Tenant.id == ConflictParty.tenant_id).where(
        ConflictParty.conflict_id.in_(conflict_ids))
        .order_by(Tenant.last_name, Tenant.first_name, Tenant.id))
    for conflict_id, tenant in rows:
        found.setdefault(conflict_id, []).append(PartyOut(tenant_id=tenant.id,
                                                          name=_name(tenant)))
    return found


def _notes(s: Session, conflict_id: uuid.UUID) -> list[ConflictNoteOut]:
    return [ConflictNoteOut.model_validate(n) for n in s.scalars(
        select(ConflictNote).where(ConflictNote.conflict_id == conflict_id)
        .order_by(ConflictNote.created_at, ConflictNote.id))]


def _out(s: Session, row: ConflictReport, *, with_notes: bool = False) -> ConflictOut:
    out = ConflictOut.model_validate(row)
    return out.model_copy(update={
        "parties": _parties(s, [row.id]).get(row.id, []),
        "notes": _notes(s, row.id) if with_notes else []})
