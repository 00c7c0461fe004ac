"""Matching an application to rooms: candidates, roommates, scores, stored results.

Per MATCHING.md a room is a candidate when it is not under maintenance, has a bed with no lease
active on the desired move-in date, is available by then and its rent is within the budget.
Every other room is reported with its reasons. The roommates are the people whose leases in the
same unit (other rooms, and other beds of a shared room) are active on the move-in date; a
resident without a compatibility profile is named but not scored against.

Results are stored (`matching_scores`, `matching_exclusions`) so the operator sees the same
numbers later; rescoring replaces an application's rows inside the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    Application,
    Lease,
    MatchingExclusion,
    MatchingScore,
    Property,
    Room,
    Tenant,
    Unit,
)
from coliv_desktop.domain.matching import CompatibilityProfile, score_room
from coliv_desktop.domain.money import money_str
from coliv_desktop.schemas.applications import (
    OPEN_STATUSES,
    CandidateOut,
    ExcludedOut,
    MatchResult,
    RoommateOut,
)
from coliv_desktop.services import audit
from coliv_desktop.services.context import Actor, reading, writing
from coliv_desktop.services.leasing import overlapping
from coliv_desktop.services.portfolio import get_row


@dataclass(frozen=True)
class RoomInfo:
    id: uuid.UUID
    unit_id: uuid.UUID
    property_id: uuid.UUID
    property_name: str
    unit_number: str
    room_number: str
    rent: Decimal
    beds: int
    status: str
    available_date: date | None

    @property
    def label(self) -> str:
        return f"{self.unit_number}-{self.room_number}"


@dataclass(frozen=True)
class Resident:
    tenant_id: uuid.UUID
    first_name: str
    last_name: str
    room_id: uuid.UUID
    room_label: str
    bed: int
    profile: CompatibilityProfile | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Evaluation:
    """One application's matching run, before it is stored."""

    scored: list[tuple[RoomInfo, int, str, dict[str, Any], str]] = field(default_factory=list)
    excluded: list[tuple[RoomInfo, str]] = field(default_factory=list)


def lettable_rooms(s: Session, unit_ids: Iterable[uuid.UUID] | None = None) -> list[RoomInfo]:
    """Every room of the live portfolio (archived rooms, units and properties are gone), or
    those of some units."""
    query = (
        select(Room.id, Room.unit_id, Unit.property_id, Property.name, Unit.unit_number,
               Room.room_number, Room.rent_amount, Room.beds, Room.status, Room.available_date)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
        .where(Room.archived_at.is_(None), Unit.archived_at.is_(None),
               Property.archived_at.is_(None))
        .order_by(Property.name, Unit.unit_number, Room.room_number)
    )
    if unit_ids is not None:
        query = query.where(Room.unit_id.in_(list(unit_ids)))
    return [RoomInfo(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9])
            for r in s.execute(query)]


def parse_profile(data: dict[str, Any] | None) -> CompatibilityProfile | None:
    return None if data is None else CompatibilityProfile.from_json(data)


def residents_on(
    s: Session, day: date, unit_ids: Iterable[uuid.UUID] | None = None
) -> dict[uuid.UUID, list[Resident]]:
    """Who lives in each unit on `day` (leases active that day), with their profiles."""
    return residents_on_days(s, [day], unit_ids)[day]


def residents_on_days(
    s: Session, days: Sequence[date], unit_ids: Iterable[uuid.UUID] | None = None
) -> dict[date, dict[uuid.UUID, list[Resident]]]:
    """`residents_on` for several days with one query (each profile parsed once)."""
    result: dict[date, dict[uuid.UUID, list[Resident]]] = {d: defaultdict(list) for d in days}
    if not days:
        return result
    first, last = min(days), max(days)
    query = (
        select(Room.unit_id, Tenant.id, Tenant.first_name, Tenant.last_name, Room.id,
               Unit.unit_number, Room.room_number, Lease.bed, Lease.lease_start,
               Lease.lease_end, Tenant.compatibility_profile)
        .select_from(Lease)
        .join(Tenant, Tenant.id == Lease.tenant_id)
        .join(Room, Room.id == Lease.room_id)
        .join(Unit, Unit.id == Room.unit_id)
        .where(overlapping(first, last))
        .order_by(Unit.unit_number, Room.room_number, Lease.bed, Lease.lease_start)
    )
    if unit_ids is not None:
        query = query.where(Room.unit_id.in_(list(unit_ids)))
    profiles: dict[uuid.UUID, CompatibilityProfile | None] = {}
    ordered = sorted(days)
    for (unit_id, tenant_id, first_name, last_name, room_id, unit_no, room_no, bed, start,
         end, profile) in s.execute(query):
        if tenant_id not in profiles:
            profiles[tenant_id] = parse_profile(profile)
        person = Resident(tenant_id, first_name, last_name, room_id, f"{unit_no}-{room_no}",
                          bed, profiles[tenant_id])
        for day in ordered:
            if day < start or (end is not None and day > end):
                continue
            people = result[day][unit_id]
            if all(p.tenant_id != tenant_id for p in people):
                people.append(person)
    return result


def labels_for(people: Sequence[Resident]) -> list[str]:
    """First names, with the last initial where two share a first name."""
    firsts = [p.first_name for p in people]
    return [p.first_name if firsts.count(p.first_name) == 1 else
            f"{p.first_name} {p.last_name[:1]}." for p in people]


def term_end(start: date, months: int | None) -> date | None:
    """The last day of a lease of `months` from `start`; None (open-ended) without a length."""
    return None if months is None else start + relativedelta(months=months) - timedelta(days=1)


def _names(s: Session, tenant_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    ids = list(set(tenant_ids))
    if not ids:
        return {}
    rows = s.execute(select(Tenant.id, Tenant.first_name, Tenant.last_name)
                     .where(Tenant.id.in_(ids)))
    return {row[0]: f"{row[1]} {row[2]}" for row in rows}


def _term_warnings(
    s: Session, rooms: Sequence[RoomInfo], start: date, end: date | None
) -> dict[uuid.UUID, str]:
    """Candidate rooms free on the move-in day but with no bed free for the whole term."""
    if not rooms:
        return {}
    by_id = {r.id: r for r in rooms}
    query = select(Lease.room_id, Lease.bed, Lease.lease_start, Lease.tenant_id).where(
        Lease.room_id.in_(list(by_id)), overlapping(start, end), Lease.lease_start > start)
    later: dict[uuid.UUID, dict[int, tuple[date, uuid.UUID]]] = defaultdict(dict)
    for room_id, bed, lease_start, tenant_id in s.execute(query):
        known = later[room_id].get(bed)
        if known is None or lease_start < known[0]:
            later[room_id][bed] = (lease_start, tenant_id)
    names = _names(s, [t for beds in later.values() for _, t in beds.values()])
    warnings: dict[uuid.UUID, str] = {}
    for room_id, beds in later.items():
        room = by_id[room_id]
        if len(beds) < room.beds:
            continue  # some bed stays free for the whole term
        first_start, tenant_id = min(beds.values())
        term = "an open-ended lease" if end is None else f"a lease to {end.isoformat()}"
        warnings[room_id] = (f"booked from {first_start.isoformat()} by {names[tenant_id]}: "
                             f"{term} would overlap; shorten the lease or pick another room")
    return warnings


def evaluate(s: Session, application: Application,
             unit_ids: Sequence[uuid.UUID] | None = None) -> Evaluation:
    """Candidates and exclusions for one application, scored, without writing anything:
    against every room, or only those of `unit_ids` (a room's result depends on its own unit
    alone, so a change in one unit needs only that unit's rooms scored again)."""
    profile = CompatibilityProfile.from_json(application.compatibility_profile)
    day = application.move_in_date
    rooms = lettable_rooms(s, unit_ids)
    residents = residents_on(s, day, unit_ids)
    beds_taken: dict[uuid.UUID, list[Resident]] = defaultdict(list)
    for people in residents.values():
        for person in people:
            beds_taken[person.room_id].append(person)
    result = Evaluation()
    candidates: list[RoomInfo] = []
    for room in rooms:
        reasons = []
        if room.status == "maintenance":
            reasons.append("under maintenance")
        holders = beds_taken.get(room.id, [])
        if len({h.bed for h in holders}) >= room.beds:
            who = ", ".join(h.name for h in holders)
            reasons.append(f"no free bed on {day.isoformat()} ({who})")
        if room.available_date is not None and room.available_date > day:
            reasons.append(f"available from {room.available_date.isoformat()}")
        budget = application.max_rent
        if budget is not None and room.rent > budget:
            reasons.append(f"rent {money_str(room.rent)} is over the budget of "
                           f"{money_str(budget)}")
        if reasons:
            result.excluded.append((room, "; ".join(reasons)))
        else:
            candidates.append(room)
    warnings = _term_warnings(s, candidates, day, term_end(day, application.lease_length_months))
    for room in candidates:
        people = residents.get(room.unit_id, [])
        labels = labels_for(people)
        profiled = [(p, label) for p, label in zip(people, labels, strict=True) if p.profile]
        scored = score_room(profile, [p.profile for p, _ in profiled if p.profile],
                            names=[label for _, label in profiled])
        breakdown = dict(scored.breakdown)
        pairs = breakdown["individual_scores"]
        breakdown["roommates"] = [
            {"tenant_id": str(p.tenant_id), "name": p.name, "label": label,
             "room": p.room_label, "pair_score": pairs.get(label) if p.profile else None}
            for p, label in zip(people, labels, strict=True)
        ]
        text = scored.recommendation
        missing = [label for p, label in zip(people, labels, strict=True) if not p.profile]
        if missing:
            breakdown["not_scored"] = missing
            text += (f" Not scored against {', '.join(missing)}: no compatibility profile on "
                     "file.")
        if room.id in warnings:
            breakdown["warning"] = warnings[room.id]
        result.scored.append((room, scored.score, scored.tier, breakdown, text))
    result.scored.sort(key=lambda item: -item[1])
    return result


def store(s: Session, application: Application, run: Evaluation,
          unit_ids: Sequence[uuid.UUID] | None = None) -> None:
    """Replace the application's stored results with `run` (in the caller's transaction):
    all of them, or those for the rooms of `unit_ids` when `run` covers only those."""
    old_scores = delete(MatchingScore).where(MatchingScore.application_id == application.id)
    old_exclusions = delete(MatchingExclusion).where(
        MatchingExclusion.application_id == application.id)
    if unit_ids is not None:
        in_units = select(Room.id).where(Room.unit_id.in_(list(unit_ids)))
        old_scores = old_scores.where(MatchingScore.room_id.in_(in_units))
        old_exclusions = old_exclusions.where(MatchingExclusion.room_id.in_(in_units))
    s.execute(old_scores)
    s.execute(old_exclusions)
    # Bulk inserts (thousands of rows for a large portfolio); ids and created_at come from
    # the columns' defaults.
    if run.scored:
        s.execute(insert(MatchingScore), [
            {"application_id": application.id, "room_id": room.id, "score": score,
             "tier": tier, "breakdown": breakdown, "recommendation": text, "status": "current"}
            for room, score, tier, breakdown, text in run.scored])
    if run.excluded:
        s.execute(insert(MatchingExclusion), [
            {"application_id": application.id, "room_id": room.id, "reason": reason}
            for room, reason in run.excluded])


def rescore_in(s: Session, actor: Actor, application: Application,
               unit_ids: Sequence[uuid.UUID] | None = None) -> Evaluation:
    """Score one application and store the results, inside the caller's transaction: against
    every room, or again for the rooms of `unit_ids` only."""
    run = evaluate(s, application, unit_ids)
    store(s, application, run, unit_ids)
    best = (f"best {run.scored[0][0].label} at {run.scored[0][1]}" if run.scored
            else "no candidate room")
    where = "" if unit_ids is None else f" of {len(unit_ids)} changed unit(s)"
    audit.record(s, actor, "score", "application", application.id,
                 f"Matched {application.first_name} {application.last_name} against "
                 f"{len(run.scored)} rooms{where} ({best}); {len(run.excluded)} excluded",
                 {"candidates": len(run.scored), "excluded": len(run.excluded),
                  **({"units": [str(u) for u in unit_ids]} if unit_ids is not None else {})})
    return run


def lock_applications(
    s: Session, ids: Iterable[uuid.UUID], *, wait: bool = True
) -> list[Application]:
    """Lock application rows in id order (PostgreSQL: FOR NO KEY UPDATE, so inserts that only
    reference them never wait). `wait=False` skips rows another transaction holds."""
    ordered = sorted(set(ids))
    if not ordered:
        return []
    query = (select(Application).where(Application.id.in_(ordered)).order_by(Application.id)
             .execution_options(populate_existing=True))
    if s.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(key_share=True, skip_locked=not wait)
    return list(s.scalars(query))


def affected_by_unit(
    s: Session, unit_ids: Iterable[uuid.UUID], *, skip: Iterable[uuid.UUID] = (),
    freed: bool = False,
) -> list[Application]:
    """Open applications with a stored candidate room in one of the units (with `freed`, also
    those with a room there excluded: a bed freed may make it a candidate), locked (rows held
    by another transaction are skipped: that transaction is deciding them)."""
    units = list(set(unit_ids))
    pairs = [(MatchingScore.application_id, MatchingScore.room_id)]
    if freed:
        pairs.append((MatchingExclusion.application_id, MatchingExclusion.room_id))
    ids: set[uuid.UUID] = set()
    for application_id, room_id in pairs:
        ids.update(s.scalars(
            select(application_id)
            .join(Room, Room.id == room_id)
            .join(Application, Application.id == application_id)
            .where(Room.unit_id.in_(units), Application.status.in_(OPEN_STATUSES))
            .distinct()))
    wanted = ids - set(skip)
    return [a for a in lock_applications(s, wanted, wait=False) if a.status in OPEN_STATUSES]


def rescore_affected(
    s: Session, actor: Actor, unit_ids: Iterable[uuid.UUID], *, skip: Iterable[uuid.UUID] = (),
    freed: bool = False,
) -> list[uuid.UUID]:
    """Rescore the open applications with a candidate room in these units, for those units'
    rooms only (the rest of each application's results did not change)."""
    units = sorted(set(unit_ids))
    done = []
    for application in affected_by_unit(s, units, skip=skip, freed=freed):
        rescore_in(s, actor, application, units)
        done.append(application.id)
    return done


# --- reading stored results ---------------------------------------------------------------------

def _roommates(breakdown: dict[str, Any]) -> list[RoommateOut]:
    return [RoommateOut(tenant_id=uuid.UUID(r["tenant_id"]), name=r["name"], label=r["label"],
                        room=r["room"], pair_score=r["pair_score"])
            for r in breakdown.get("roommates", [])]


def stored_result(s: Session, application: Application) -> MatchResult:
    places = (
        select(Room.id, Room.room_number, Room.rent_amount, Unit.id, Unit.unit_number,
               Property.id, Property.name)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
    ).subquery()
    scores = s.execute(
        select(MatchingScore.room_id, MatchingScore.score, MatchingScore.tier,
               MatchingScore.breakdown, MatchingScore.recommendation, MatchingScore.status,
               MatchingScore.created_at, *places.c[1:])
        .join(places, places.c[0] == MatchingScore.room_id)
        .where(MatchingScore.application_id == application.id)
    ).all()
    candidates = [
        CandidateOut(
            room_id=room_id, property_id=property_id, property_name=property_name,
            unit_id=unit_id, unit_number=unit_number, room_number=room_number, rent=rent,
            score=score, tier=tier, recommendation=text, breakdown=breakdown,
            roommates=_roommates(breakdown), warning=breakdown.get("warning"), status=status)
        for (room_id, score, tier, breakdown, text, status, _, room_number, rent, unit_id,
             unit_number, property_id, property_name) in scores
    ]
    candidates.sort(key=lambda c: (-c.score, c.property_name, c.unit_number, c.room_number))
    excluded = [
        ExcludedOut(room_id=room_id, property_name=property_name, unit_number=unit_number,
                    room_number=room_number, reason=reason)
        for room_id, reason, room_number, unit_number, property_name in s.execute(
            select(MatchingExclusion.room_id, MatchingExclusion.reason, places.c[1],
                   places.c[4], places.c[6])
            .join(places, places.c[0] == MatchingExclusion.room_id)
            .where(MatchingExclusion.application_id == application.id)
            .order_by(places.c[6], places.c[4], places.c[1])
        )
    ]
    stamps: list[datetime] = [row[6] for row in scores]
    stamps += [stamp for stamp in s.execute(
        select(func.max(MatchingExclusion.created_at))
        .where(MatchingExclusion.application_id == application.id)).one() if stamp is not None]
    scored_at = max(stamps) if stamps else None  # shown: the latest scoring
    return MatchResult(
        application_id=application.id,
        applicant=f"{application.first_name} {application.last_name}",
        move_in_date=application.move_in_date,
        scored_at=scored_at,
        candidates=candidates,
        excluded=excluded,
        out_of_date=out_of_date(s, application, latest_change(s)),
    )


# what scoring reads: who lives where (leases), the rooms (rent, beds, status, availability),
# their units and properties (archived), the residents (profiles)
SCORED_FROM = (Lease, Room, Unit, Property, Tenant)


def latest_change(s: Session) -> datetime | None:
    """When anything scoring reads was last written (one MAX per table)."""
    stamps = [s.scalar(select(func.max(model.updated_at))) for model in SCORED_FROM]
    known = [stamp for stamp in stamps if stamp is not None]
    return max(known) if known else None


def out_of_date(s: Session, application: Application, latest: datetime | None) -> bool:
    """An open application whose oldest stored result predates `latest_change` (a unit
    rescored after an approval leaves the other units' results as they were, so the oldest
    counts). A decided application keeps the numbers it was decided on: never out of date."""
    if application.status not in OPEN_STATUSES:
        return False
    return _stale(oldest_results(s, [application.id]).get(application.id), latest)


def _stale(oldest: datetime | None, latest: datetime | None) -> bool:
    """Never scored, or something scoring reads was written after the oldest result."""
    return oldest is None or (latest is not None and latest > oldest)


def oldest_results(s: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    """When each application's oldest stored result (score or exclusion) was written: two
    grouped queries, however many applications."""
    oldest: dict[uuid.UUID, datetime] = {}
    if not ids:
        return oldest
    for app_col, stamp_col in ((MatchingScore.application_id, MatchingScore.created_at),
                               (MatchingExclusion.application_id, MatchingExclusion.created_at)):
        for ident, stamp in s.execute(select(app_col, func.min(stamp_col))
                                      .where(app_col.in_(list(ids))).group_by(app_col)):
            if ident not in oldest or stamp < oldest[ident]:
                oldest[ident] = stamp
    return oldest


def score_application(db: Database, actor: Actor, application_id: uuid.UUID) -> MatchResult:
    """Rescore an open application now and return what was stored (one transaction).

    A decided application (approved, rejected, withdrawn) keeps the results it was decided on:
    they are returned unchanged.
    """
    with writing(db, actor, "applications.write") as s:
        get_row(s, Application, application_id, "application")
        (application,) = lock_applications(s, [application_id])
        if application.status in OPEN_STATUSES:
            rescore_in(s, actor, application)
        return stored_result(s, application)


def rescore_out_of_date(
    db: Database, actor: Actor, progress: Callable[[int, int, str], None] | None = None
) -> list[uuid.UUID]:
    """Rescore every open application whose stored results are out of date, each in its own
    transaction (a stop between two leaves each one either rescored or as it was). Returns
    the ones rescored."""
    with reading(db, actor, "applications.write") as s:
        latest = latest_change(s)
        open_ids = list(s.scalars(
            select(Application.id).where(Application.status.in_(OPEN_STATUSES))
            .order_by(Application.move_in_date, Application.id)))
        oldest = oldest_results(s, open_ids)
    stale = [i for i in open_ids if _stale(oldest.get(i), latest)]
    for index, application_id in enumerate(stale):
        if progress is not None:
            progress(index, len(stale), f"Rescoring {index + 1} of {len(stale)}…")
        score_application(db, actor, application_id)
    return stale


def get_matches(db: Database, actor: Actor, application_id: uuid.UUID) -> MatchResult:
    """The stored results, exactly as last scored."""
    with reading(db, actor, "read") as s:
        return stored_result(s, get_row(s, Application, application_id, "application"))
