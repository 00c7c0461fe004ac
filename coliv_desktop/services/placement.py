"""Placing applicants: approval into a lease (one transaction), and batch placement plans.

Approval creates the lease for the tenant (a new one, or the former tenant with the same email,
brought back), marks the application approved, withdraws the
applicant's other open applications (same email) and the stored matches for other rooms,
rescores the open applications affected by the new roommate, and writes the audit rows, all in
one transaction. A room taken meanwhile (another clerk) is a ConflictError and nothing is written.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    Application,
    AuditEntry,
    Lease,
    MatchingScore,
    Room,
    Tenant,
    Unit,
)
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain.errors import (
    ColivError,
    ConflictError,
    NeedsConfirmation,
    UnknownReference,
    ValidationError,
)
from coliv_desktop.domain.fast_matching import SENTINEL, RoomSet
from coliv_desktop.domain.matching import CompatibilityProfile, score_room, tier_for
from coliv_desktop.domain.placement import (
    NOT_A_CANDIDATE,
    Plan,
    PlanApplicant,
    PlanProblem,
    plan_placements,
)
from coliv_desktop.schemas import build
from coliv_desktop.schemas.applications import (
    OPEN_STATUSES,
    ApplicationOut,
    ApprovalInput,
    ApprovalOut,
    PlacementOut,
    PlanApprovalOut,
    PlanOut,
    UnplacedOut,
)
from coliv_desktop.schemas.leasing import LeaseCreate
from coliv_desktop.services import audit, matching
from coliv_desktop.services.context import Actor, check_version, reading, writing
from coliv_desktop.services.lease_undo import check_undoable
from coliv_desktop.services.leasing import check_lease_start, create_lease_in, overlapping
from coliv_desktop.services.portfolio import get_row, mark_archived
from coliv_desktop.services.rent_sync import follow


def approve_application(
    db: Database, actor: Actor, application_id: uuid.UUID, data: ApprovalInput, *,
    force: bool = False,
) -> ApprovalOut:
    """Approve into `data.room_id`: tenant, lease, statuses, rescoring, audit; all or nothing.

    A room whose match is a dealbreaker or not recommended, or one under maintenance, needs
    `force` (NeedsConfirmation otherwise, as the app asks before approving); what was
    overridden goes into the approval's audit entry under "forced"."""
    actor.require("leases.write")
    with writing(db, actor, "applications.write") as s:
        return approve_in(s, actor, application_id, data, force=force)


def match_concern(s: Session, application: Application, room: Room, start: date
                  ) -> str | None:
    """Why letting `room` to the applicant from `start` needs a person's yes: a dealbreaker
    with someone living in the unit then, or a score in the "not recommended" tier (scored
    as matching does, against the residents on that day)."""
    people = matching.residents_on(s, start, [room.unit_id]).get(room.unit_id, [])
    labels = matching.labels_for(people)
    profiled = [(p.profile, label) for p, label in zip(people, labels, strict=True)
                if p.profile is not None]
    scored = score_room(CompatibilityProfile.from_json(application.compatibility_profile),
                        [profile for profile, _ in profiled],
                        names=[label for _, label in profiled])
    label = _label(s, room)
    if scored.dealbreaker:
        reasons = "; ".join(scored.breakdown.get("dealbreaker_reasons", []))
        return f"room {label} is a dealbreaker match ({reasons})"
    if scored.tier == "not_recommended":
        return f"room {label} is not recommended (score {scored.score})"
    return None


def approve_in(
    s: Session, actor: Actor, application_id: uuid.UUID, data: ApprovalInput, *,
    force: bool = False,
) -> ApprovalOut:
    found = get_row(s, Application, application_id, "application")
    same_person = s.scalars(
        select(Application.id).where(func.lower(Application.email) == found.email.lower(),
                                     Application.status.in_(OPEN_STATUSES))
    ).all()
    locked = matching.lock_applications(s, [found.id, *same_person])
    application = next((a for a in locked if a.id == found.id), found)
    name = f"{application.first_name} {application.last_name}"
    check_version(application, data.expected_version, f"The application from {name}")
    if application.status not in OPEN_STATUSES:
        raise ConflictError(f"the application from {name} is already {application.status}")
    room = s.get(Room, data.room_id)
    if room is None:
        raise UnknownReference("room_id", f"no room with id {data.room_id}")
    start = data.lease_start or application.move_in_date
    if room.available_date is not None and start < room.available_date:
        raise ValidationError("lease_start", f"the room is available from "
                              f"{room.available_date.isoformat()}")
    forced = check_lease_start(start, force=force)  # a move-in long ago asks, as a lease does
    concern = match_concern(s, application, room, start)
    if concern is not None:
        if not force:
            raise NeedsConfirmation("room_id", f"{concern}; approve {name} there anyway?")
        forced.append(concern)
    if room.status == "maintenance" and room.archived_at is None:
        forced.append(f"room {_label(s, room)} is under maintenance")
    end = data.lease_end or matching.term_end(start, application.lease_length_months)
    rent = data.rent_amount if data.rent_amount is not None else room.rent_amount
    deposit = data.deposit_amount if data.deposit_amount is not None else rent

    tenant, reused, restored, profile_before = _tenant_for(s, actor, application)
    lease = create_lease_in(s, actor, build(LeaseCreate,
        room_id=room.id, tenant_id=tenant.id, lease_start=start, lease_end=end,
        rent_amount=rent, deposit_amount=deposit, bed=data.bed,
        notes="From an approved application."), force=force)

    application.status = "approved"
    application.tenant_id = tenant.id
    application.approved_room_id = room.id
    application.approved_lease_id = lease.id
    application.decided_at = utcnow()
    for match in s.scalars(select(MatchingScore)
                           .where(MatchingScore.application_id == application.id)):
        match.status = "approved" if match.room_id == room.id else "withdrawn"
    withdrawn = []
    for other in locked:
        if other.id == application.id or other.status not in OPEN_STATUSES:
            continue
        other.status = "withdrawn"
        other.decided_at = utcnow()
        for match in s.scalars(select(MatchingScore)
                               .where(MatchingScore.application_id == other.id)):
            match.status = "withdrawn"
        withdrawn.append(other.id)
        audit.record(s, actor, "withdrawn", "application", other.id,
                     f"Withdrew another application from {name}: approved for a room",
                     {"status": ["pending", "withdrawn"], "approved_application": application.id})
    s.flush()
    audit.record(s, actor, "approve", "application", application.id,
                 f"Approved {name} for room {_label(s, room)} from {start.isoformat()}",
                 {"status": ["pending", "approved"], "room_id": room.id, "lease_id": lease.id,
                  "tenant_id": tenant.id, "withdrawn_applications": withdrawn,
                  "tenant_reused": reused, "tenant_restored": restored,
                  "tenant_profile_before": profile_before,
                  **({"forced": forced} if forced else {})})
    rescored = matching.rescore_affected(s, actor, [room.unit_id],
                                         skip=[application.id, *withdrawn])
    return ApprovalOut(application=ApplicationOut.model_validate(application), lease_id=lease.id,
                       tenant_id=tenant.id, withdrawn_applications=withdrawn,
                       rescored_applications=rescored)


def undo_approval(db: Database, actor: Actor, application_id: uuid.UUID,
                  expected_version: int | None = None) -> ApplicationOut:
    """Take an approval back (one transaction): the lease it created is cancelled (its rent
    and deposit voided), the tenant it created (or brought back from the archive) archived,
    the application and the applicant's applications it withdrew are pending again, and
    everything affected is rescored.

    Refused, like cancelling a lease, once money was recorded on the lease or it was renewed,
    transferred or its deposit settled: by then the tenant has moved in."""
    actor.require("leases.write")
    with writing(db, actor, "applications.write") as s:
        found = get_row(s, Application, application_id, "application")
        (application,) = matching.lock_applications(s, [found.id])
        name = f"{application.first_name} {application.last_name}"
        check_version(application, expected_version, f"The application from {name}")
        if application.status != "approved" or application.approved_lease_id is None:
            raise ValidationError("application_id", f"the application from {name} is "
                                                    f"{application.status}, not approved")
        lease = get_row(s, Lease, application.approved_lease_id, "lease")
        if lease.status != "cancelled":
            check_undoable(s, lease, "the lease this approval created",
                           "the approval can no longer be undone (cancel or end the lease "
                           "instead)")
            lease.status = "cancelled"
            s.flush()
            sync = follow(s, actor, [lease], f"approval of {name} undone")
            audit.record(s, actor, "cancel", "lease", lease.id,
                         f"Cancelled: approval of {name} undone" + sync.summary(),
                         {"status": ["active", "cancelled"], **sync.changes()})
        approval = _approval_record(s, application.id)
        tenant = s.get(Tenant, application.tenant_id) if application.tenant_id else None
        created_or_restored = (not approval.get("tenant_reused")
                               or bool(approval.get("tenant_restored")))
        if tenant is not None and approval.get("tenant_reused"):
            tenant.compatibility_profile = approval.get("tenant_profile_before")
        if tenant is not None and tenant.archived_at is None and created_or_restored and not \
                s.scalar(select(func.count(Lease.id)).where(
                    Lease.tenant_id == tenant.id, Lease.status == "active")):
            mark_archived(s, actor, tenant, "tenant", name, True)
        room_id = application.approved_room_id
        withdrawn = [uuid.UUID(str(i)) for i in approval.get("withdrawn_applications", [])]
        reopened = [other for other in matching.lock_applications(s, withdrawn)
                    if other.status == "withdrawn"]
        for row in (application, *reopened):
            old = row.status
            row.status = "pending"
            row.decided_at = None
            if row is application:
                row.tenant_id = row.approved_room_id = row.approved_lease_id = None
            else:
                audit.record(s, actor, "reopen", "application", row.id,
                             f"Reopened: the approval of {name} was undone",
                             {"status": [old, "pending"]})
        s.flush()
        audit.record(s, actor, "unapprove", "application", application.id,
                     f"Approval of {name} undone: lease cancelled, application pending again",
                     {"status": ["approved", "pending"], "lease_id": lease.id,
                      "reopened_applications": [r.id for r in reopened]})
        for row in (application, *reopened):
            matching.rescore_in(s, actor, row)
        room = s.get(Room, room_id) if room_id else None
        if room is not None:
            matching.rescore_affected(s, actor, [room.unit_id],
                                      skip=[application.id, *(r.id for r in reopened)],
                                      freed=True)
        return ApplicationOut.model_validate(application)


def _approval_record(s: Session, application_id: uuid.UUID) -> dict[str, Any]:
    """What the latest approval of this application did (its audit row's changes: the
    applications it withdrew, whether it reused or restored a tenant)."""
    changes = s.scalar(
        select(AuditEntry.changes)
        .where(AuditEntry.entity_type == "application",
               AuditEntry.entity_id == str(application_id), AuditEntry.action == "approve")
        .order_by(AuditEntry.occurred_at.desc()).limit(1))
    return changes if isinstance(changes, dict) else {}


def _tenant_for(s: Session, actor: Actor, application: Application
                ) -> tuple[Tenant, bool, bool, dict[str, Any] | None]:
    """The tenant an approval lets to: someone already on file with the applicant's email (a
    former tenant coming back; restored if archived, their profile updated from the
    application), else a new tenant. Returns (tenant, reused, restored, the reused tenant's
    profile before, for an undo)."""
    name = f"{application.first_name} {application.last_name}"
    known = s.scalar(select(Tenant).where(func.lower(Tenant.email) == application.email.lower())
                     .order_by(Tenant.archived_at.is_not(None), Tenant.created_at.desc())
                     .limit(1))
    if known is None:
        tenant = Tenant(first_name=application.first_name, last_name=application.last_name,
                        email=application.email, phone=application.phone,
                        compatibility_profile=application.compatibility_profile,
                        notes=f"Approved from the application of "
                              f"{application.created_at.date()}.")
        s.add(tenant)
        s.flush()
        audit.record(s, actor, "create", "tenant", tenant.id, f"Added tenant {name} (approved "
                     "application)", {"application_id": application.id})
        return tenant, False, False, None
    before = known.compatibility_profile
    restored = known.archived_at is not None
    if restored:
        mark_archived(s, actor, known, "tenant", f"{known.first_name} {known.last_name}", False)
    known.compatibility_profile = application.compatibility_profile
    known.phone = known.phone or application.phone
    s.flush()
    audit.record(s, actor, "update", "tenant", known.id,
                 f"{known.first_name} {known.last_name} is back: approved application, profile "
                 "updated from it", {"application_id": application.id})
    return known, True, restored, before


def _label(s: Session, room: Room) -> str:
    unit = s.get(Unit, room.unit_id)
    return f"{unit.unit_number}-{room.room_number}" if unit else room.room_number


# --- batch placement ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Term:
    start: date
    end: date | None


def _free_for_terms(
    s: Session, rooms: list[matching.RoomInfo], terms: list[_Term]
) -> dict[_Term, np.ndarray]:
    """For each term, which rooms have a bed free on every day of it."""
    earliest = min(t.start for t in terms)
    index = {r.id: i for i, r in enumerate(rooms)}
    rows = [(index[room_id], bed, start.toordinal(), end.toordinal() if end else _OPEN)
            for room_id, bed, start, end in s.execute(
                select(Lease.room_id, Lease.bed, Lease.lease_start, Lease.lease_end)
                .where(overlapping(earliest, None)))
            if room_id in index]
    beds = np.array([r.beds for r in rooms], dtype=np.int64)
    table = np.array(rows, dtype=np.int64).reshape(-1, 4)
    room_of, bed_of, starts, ends = table.T
    slot = room_of * (int(beds.max()) + 1) + bed_of
    result = {}
    for term in terms:
        last = term.end.toordinal() if term.end else _OPEN
        held = np.unique(slot[(starts <= last) & (ends >= term.start.toordinal())])
        taken = np.bincount(held // (int(beds.max()) + 1), minlength=len(rooms))
        result[term] = taken < beds
    return result


_OPEN = date.max.toordinal()


Progress = Callable[[int, int, str], None]


def plan(db: Database, actor: Actor, *, min_score: int = 1,
         progress: Progress | None = None) -> PlanOut:
    """Propose rooms for every pending application at once (nothing is written).

    Candidates are as for one application, and the bed must be free for the whole term wanted
    (so every line of the plan can be approved as it stands). `progress(done, total, text)` is
    called between steps (it may raise to stop: nothing is written, so stopping is safe).
    """
    def step(done: int, total: int, text: str) -> None:
        if progress is not None:
            progress(done, total, text)

    if not 0 <= min_score <= 100:
        raise ValidationError("min_score", "must be between 0 and 100")
    with reading(db, actor, "read") as s:
        applications = list(s.scalars(
            select(Application).where(Application.status == "pending")
            .order_by(Application.move_in_date, Application.created_at, Application.id)))
        rooms = matching.lettable_rooms(s)
        if not applications or not rooms:
            return _empty_plan(applications, rooms, min_score)
        step(0, 0, f"Reading {len(applications):,} applications and {len(rooms):,} rooms…")
        profiles = [CompatibilityProfile.from_json(a.compatibility_profile) for a in applications]
        days = sorted({a.move_in_date for a in applications})
        period_of = {d: i for i, d in enumerate(days)}
        terms = [_Term(a.move_in_date, matching.term_end(a.move_in_date, a.lease_length_months))
                 for a in applications]
        free = _free_for_terms(s, rooms, sorted(set(terms), key=lambda t: (t.start, str(t.end))))
        unit_index: dict[uuid.UUID, int] = {}
        room_units = [unit_index.setdefault(r.unit_id, len(unit_index)) for r in rooms]
        rents = np.array([int(r.rent * 100) for r in rooms], dtype=np.int64)
        lettable = np.array([r.status != "maintenance" for r in rooms])
        available = [r.available_date for r in rooms]
        residents, roomsets = _residents_by_day(s, days, unit_index, room_units)
        available_by_day = {d: np.array([a is None or a <= d for a in available]) for d in days}

        scores = np.full((len(applications), len(rooms)), NOT_A_CANDIDATE, dtype=np.int64)
        applicants = []
        for i, (application, profile, term) in enumerate(
                zip(applications, profiles, terms, strict=True)):
            if i % 50 == 0:
                step(i, len(applications), f"Scoring applicant {i + 1:,} of "
                                           f"{len(applications):,} against every room…")
            period = period_of[application.move_in_date]
            mask = lettable & free[term] & available_by_day[application.move_in_date]
            if application.max_rent is not None:
                mask &= rents <= int(application.max_rent * 100)
            row = roomsets[period].scores(profile)
            scores[i] = np.where(mask, row, NOT_A_CANDIDATE)
            applicants.append(PlanApplicant(
                profile.profile_class, term.start.toordinal(),
                None if term.end is None else term.end.toordinal(), period))
        step(0, 0, "Finding the best assignment, then keeping dealbreaker pairs apart…")
        result = plan_placements(PlanProblem(applicants, room_units, scores, residents,
                                             min_score))

        return _plan_out(applications, rooms, room_units, scores, result, min_score)


def _residents_by_day(s: Session, days: list[date], unit_index: dict[uuid.UUID, int],
                      room_units: list[int]) -> tuple[list[dict[int, list[int]]], list[RoomSet]]:
    """Who lives in each unit on each move-in day (profile classes per unit index), and the
    rooms' sets of housemates ready for scoring, one per day."""
    residents: list[dict[int, list[int]]] = []
    roomsets: list[RoomSet] = []
    snapshots = matching.residents_on_days(s, days)
    for day in days:
        living = snapshots[day]
        classes = {unit_index[u]: [p.profile.profile_class for p in people if p.profile]
                   for u, people in living.items() if u in unit_index}
        residents.append(classes)
        per_room = [classes.get(unit, []) for unit in room_units]
        width = max((len(c) for c in per_room), default=0) or 1
        members = np.full((len(room_units), width), SENTINEL, dtype=np.int64)
        for i, c in enumerate(per_room):
            members[i, :len(c)] = c
        counts = np.array([len(c) for c in per_room], dtype=np.int64)
        roomsets.append(RoomSet.from_classes(members, counts))
    return residents, roomsets


def _plan_out(applications: list[Application], rooms: list[matching.RoomInfo],
              room_units: list[int], scores: np.ndarray, result: Plan, min_score: int
              ) -> PlanOut:
    """The solver's assignment as the plan shown: each placement with its housemates from the
    plan, each applicant left out with the reason."""
    placements = []
    unplaced = []
    by_unit: dict[int, list[int]] = defaultdict(list)
    for i, room_index in enumerate(result.rooms):
        if room_index is not None:
            by_unit[room_units[room_index]].append(i)
    for i, application in enumerate(applications):
        name = f"{application.first_name} {application.last_name}"
        room_index = result.rooms[i]
        if room_index is None:
            reason = _why_unplaced(scores[i], min_score)
            if i in result.clashes:
                rivals = ", ".join(f"{applications[j].first_name} {applications[j].last_name}"
                                   for j in result.clashes[i])
                reason = (f"a dealbreaker with {rivals}, placed in the unit that suits best; "
                          "no other room suits")
            unplaced.append(UnplacedOut(application_id=application.id, applicant=name,
                                        reason=reason))
            continue
        room = rooms[room_index]
        others = [applications[j].id for j in by_unit[room_units[room_index]] if j != i]
        placements.append(PlacementOut(
            application_id=application.id, applicant=name,
            move_in_date=application.move_in_date, room_id=room.id,
            property_name=room.property_name, unit_number=room.unit_number,
            room_number=room.room_number, rent=room.rent, score=result.scores[i],
            tier=tier_for(result.scores[i]), independent_score=result.independent_scores[i],
            co_placed=others))
    return PlanOut(placements=placements, unplaced=unplaced, total=result.total,
                   independent_total=result.independent_total, min_score=min_score)


def _why_unplaced(row: np.ndarray, min_score: int) -> str:
    candidates = row != NOT_A_CANDIDATE
    if not candidates.any():
        return "no candidate room for the whole term wanted (see its matches for the reasons)"
    if not (row >= max(min_score, 1)).any():
        if not (row[candidates] > 0).any():
            return "every candidate room has a dealbreaker with a resident"
        return f"every candidate room scores below {min_score}"
    return "the rooms that suit went to other applicants in this plan"


def _empty_plan(applications: list[Application], rooms: list[matching.RoomInfo],
                min_score: int) -> PlanOut:
    reason = "there are no rooms" if not rooms else "no candidate room"
    return PlanOut(
        placements=[],
        unplaced=[UnplacedOut(application_id=a.id, applicant=f"{a.first_name} {a.last_name}",
                              reason=reason) for a in applications],
        total=0, independent_total=0, min_score=min_score)


def approve_plan(
    db: Database, actor: Actor, lines: list[tuple[uuid.UUID, uuid.UUID]], *,
    force: bool = False,
) -> PlanApprovalOut:
    """Approve the ticked lines of a plan, each through the same approval transaction as a
    single approval; a line that fails (the room was taken meanwhile, or a not-recommended
    match without `force`) is reported, not fatal."""
    actor.require("leases.write")  # each approval checks again; an empty plan is refused too
    actor.require("applications.write")
    approved: list[ApprovalOut] = []
    failed: list[tuple[uuid.UUID, str]] = []
    for application_id, room_id in lines:
        try:
            approved.append(approve_application(db, actor, application_id,
                                                ApprovalInput(room_id=room_id), force=force))
        except ColivError as exc:
            failed.append((application_id, str(exc)))
    return PlanApprovalOut(approved=approved, failed=failed)
