"""Applications: add (and match), edit, reject, waitlist, withdraw, list; tenants' profiles.

An application is matched as soon as it is added (the seed's "matching service triggered"),
and again whenever what matching reads changes: its profile, move-in date, lease length or
budget, or the profile of a resident of a unit where it has a candidate room.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Application, Lease, MatchingScore, Property, Room, Tenant, Unit
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain import limits
from coliv_desktop.domain.errors import ConflictError, ValidationError
from coliv_desktop.domain.matching import CompatibilityProfile
from coliv_desktop.schemas.applications import (
    APPLICATION_STATUSES,
    OPEN_STATUSES,
    ApplicationCreate,
    ApplicationOut,
    ApplicationRow,
    ApplicationUpdate,
)
from coliv_desktop.schemas.people import TenantOut
from coliv_desktop.services import audit, matching
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, check_version, reading, writing
from coliv_desktop.services.leasing import active_on
from coliv_desktop.services.portfolio import get_row
from coliv_desktop.services.search import matches

MATCHING_FIELDS = {"compatibility_profile", "move_in_date", "lease_length_months", "max_rent"}


def _row_values(data: ApplicationCreate) -> dict[str, Any]:
    values = data.model_dump(exclude={"compatibility_profile"})
    profile = data.compatibility_profile
    if data.max_rent is not None and profile.max_rent is None:
        profile = profile.model_copy(update={"max_rent": data.max_rent})
    values["compatibility_profile"] = profile.to_json()
    return values


def add_application(db: Database, actor: Actor, data: ApplicationCreate) -> ApplicationOut:
    return add_applications(db, actor, [data])[0]


def add_applications(
    db: Database, actor: Actor, rows: list[ApplicationCreate]
) -> list[ApplicationOut]:
    """Add applications and match each one, all in one transaction (imports: all or nothing)."""
    with writing(db, actor, "applications.write") as s:
        created = add_applications_in(s, actor, rows)
        return [ApplicationOut.model_validate(a) for a in created]


def add_applications_in(
    s: Any, actor: Actor, rows: list[ApplicationCreate]
) -> list[Application]:
    created = [Application(**_row_values(row)) for row in rows]
    s.add_all(created)
    s.flush()
    for application, row in zip(created, rows, strict=True):
        audit.record(s, actor, "create", "application", application.id,
                     f"Application from {application.first_name} {application.last_name} "
                     f"for {application.move_in_date}",
                     row.model_dump(mode="json"))
        matching.rescore_in(s, actor, application)
    return created


def update_application(
    db: Database, actor: Actor, application_id: uuid.UUID, data: ApplicationUpdate
) -> ApplicationOut:
    with writing(db, actor, "applications.write") as s:
        application = get_row(s, Application, application_id, "application")
        check_version(application, data.expected_version,
                      f"The application from {application.first_name}")
        updates = {k: getattr(data, k) for k in data.model_fields_set if k != "expected_version"}
        if application.status not in OPEN_STATUSES:
            raise ConflictError(f"this application is {application.status}; "
                                "only pending or waitlisted applications can be edited")
        for key in ("first_name", "last_name", "email", "move_in_date",
                    "compatibility_profile"):
            if key in updates and updates[key] is None:
                raise ValidationError(key, "is required")
        if "compatibility_profile" in updates or "max_rent" in updates:
            given: CompatibilityProfile | None = updates.get("compatibility_profile")
            profile = given or CompatibilityProfile.from_json(application.compatibility_profile)
            if "max_rent" in updates:
                budget = updates["max_rent"]
                if given is not None and given.max_rent not in (None, budget):
                    raise ValidationError("max_rent", f"{budget} differs from the profile's "
                                          f"max_rent {given.max_rent}; give one budget")
            elif given is not None and given.max_rent is not None:
                budget = given.max_rent
            else:
                budget = application.max_rent
            updates["max_rent"] = budget
            updates["compatibility_profile"] = profile.model_copy(
                update={"max_rent": budget}).to_json()
        changes = audit.diff(application, updates)
        if changes:
            s.flush()
            audit.record(s, actor, "update", "application", application.id,
                         f"Edited the application from {application.first_name} "
                         f"{application.last_name}", changes)
            if MATCHING_FIELDS & set(changes):
                matching.rescore_in(s, actor, application)
        return ApplicationOut.model_validate(application)


def _decide(
    db: Database, actor: Actor, application_id: uuid.UUID, status: str, *,
    reason: str | None = None, expected_version: int | None = None,
    allowed_from: tuple[str, ...] = OPEN_STATUSES,
) -> ApplicationOut:
    with writing(db, actor, "applications.write") as s:
        (application,) = matching.lock_applications(
            s, [get_row(s, Application, application_id, "application").id])
        check_version(application, expected_version,
                      f"The application from {application.first_name}")
        if application.status not in allowed_from:
            raise ConflictError(
                f"this application is {application.status}; it cannot become {status}")
        old = application.status
        application.status = status
        if status in ("rejected", "pending"):
            application.rejection_reason = reason
        application.decided_at = utcnow() if status in ("rejected", "withdrawn") else None
        if status in ("rejected", "withdrawn"):
            for match in s.scalars(select(MatchingScore)
                                   .where(MatchingScore.application_id == application.id)):
                match.status = "withdrawn"
        s.flush()
        verb = {"rejected": "Rejected", "waitlisted": "Waitlisted", "withdrawn": "Withdrew",
                "pending": "Reopened"}[status]
        audit.record(s, actor, status, "application", application.id,
                     f"{verb} the application from {application.first_name} "
                     f"{application.last_name}" + (f": {reason}" if reason else ""),
                     {"status": [old, status], **({"reason": reason} if reason else {})})
        if status == "pending" and old != "waitlisted":
            matching.rescore_in(s, actor, application)
        return ApplicationOut.model_validate(application)


def reject_application(db: Database, actor: Actor, application_id: uuid.UUID, reason: str,
                       expected_version: int | None = None) -> ApplicationOut:
    """Reject with a reason kept on the application."""
    reason = limits.clean_text(reason or "", "reason", limits.LINE)
    if not reason:
        raise ValidationError("reason", "say why the application is rejected")
    return _decide(db, actor, application_id, "rejected", reason=reason,
                   expected_version=expected_version)


def waitlist_application(db: Database, actor: Actor, application_id: uuid.UUID,
                         expected_version: int | None = None) -> ApplicationOut:
    return _decide(db, actor, application_id, "waitlisted", expected_version=expected_version,
                   allowed_from=("pending",))


def withdraw_application(db: Database, actor: Actor, application_id: uuid.UUID,
                         expected_version: int | None = None) -> ApplicationOut:
    """The applicant withdrew."""
    return _decide(db, actor, application_id, "withdrawn", expected_version=expected_version)


def reopen_application(db: Database, actor: Actor, application_id: uuid.UUID,
                       expected_version: int | None = None) -> ApplicationOut:
    """Back to pending: from the waitlist, or a rejection or withdrawal made by mistake
    (the results are matched again)."""
    return _decide(db, actor, application_id, "pending", expected_version=expected_version,
                   allowed_from=("waitlisted", "rejected", "withdrawn"))


def get_application(db: Database, actor: Actor, application_id: uuid.UUID) -> ApplicationOut:
    with reading(db, actor, "read") as s:
        return ApplicationOut.model_validate(
            get_row(s, Application, application_id, "application"))


def list_applications(
    db: Database, actor: Actor, status: str | None = None, text: str = ""
) -> list[ApplicationRow]:
    """Applications, newest move-in last, each with its best stored match."""
    if status is not None and status not in APPLICATION_STATUSES:
        choices = ", ".join(APPLICATION_STATUSES)
        raise ValidationError("status", f"{status!r} is not one of {choices}")
    best = (
        select(MatchingScore.application_id.label("application_id"),
               func.max(MatchingScore.score).label("best"),
               func.count(MatchingScore.id).label("candidates"))
        .group_by(MatchingScore.application_id)
        .subquery()
    )
    query = (
        select(Application, best.c.best, best.c.candidates)
        .outerjoin(best, best.c.application_id == Application.id)
        .order_by(Application.move_in_date, Application.last_name, Application.first_name)
    )
    if status is not None:
        query = query.where(Application.status == status)
    found = matches(text, Application.first_name + " " + Application.last_name,
                    Application.email, func.coalesce(Application.phone, ""),
                    func.coalesce(Application.notes, ""))
    if found is not None:
        query = query.where(found)
    with reading(db, actor, "read") as s:
        rows = s.execute(query).all()
        ids = [a.id for a, best_score, _ in rows if best_score is not None]
        labels = _best_rooms(s, ids)
        return [
            ApplicationRow(
                id=a.id, full_name=f"{a.first_name} {a.last_name}", email=a.email, phone=a.phone,
                move_in_date=a.move_in_date, max_rent=a.max_rent, status=a.status,
                created_at=a.created_at, best_score=best_score, best_room=labels.get(a.id),
                candidates=int(count or 0),
            )
            for a, best_score, count in rows
        ]


def _best_rooms(s: Any, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The room label of each application's best stored score (ties: the first by name)."""
    if not ids:
        return {}
    label = Property.name + " " + Unit.unit_number + "-" + Room.room_number
    rows = s.execute(
        select(MatchingScore.application_id, MatchingScore.score, cast(label, String))
        .join(Room, Room.id == MatchingScore.room_id)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
        .where(MatchingScore.application_id.in_(ids))
        .order_by(MatchingScore.application_id, MatchingScore.score.desc(), label)
    )
    found: dict[uuid.UUID, str] = {}
    for application_id, _, text in rows:
        found.setdefault(application_id, text)
    return found


def count_open(db: Database, actor: Actor) -> int:
    with reading(db, actor, "read") as s:
        return int(s.scalar(select(func.count(Application.id))
                            .where(Application.status.in_(OPEN_STATUSES))) or 0)


# --- tenants' profiles --------------------------------------------------------------------------

def set_tenant_profile(
    db: Database, actor: Actor, tenant_id: uuid.UUID, profile: CompatibilityProfile | None,
    expected_version: int | None = None,
) -> TenantOut:
    """Set (or clear) a resident's profile; open applications scored against their unit are
    matched again in the same transaction, so stored results never go stale. With
    `expected_version` (the tenant's, as read with `tenant_profile`), refused if someone
    wrote the tenant since."""
    actor.require("applications.write")
    with writing(db, actor, "tenants.write") as s:
        tenant = get_row(s, Tenant, tenant_id, "tenant")
        check_version(tenant, expected_version, f"Tenant {tenant.first_name}")
        new = None if profile is None else profile.to_json()
        old = tenant.compatibility_profile
        if old != new:
            tenant.compatibility_profile = new
            s.flush()
            audit.record(s, actor, "profile", "tenant", tenant.id,
                         f"{'Set' if new else 'Cleared'} the compatibility profile of "
                         f"{tenant.first_name} {tenant.last_name}",
                         {"compatibility_profile": [old, new]})
            units = s.scalars(
                select(Room.unit_id).join(Lease, Lease.room_id == Room.id)
                .where(Lease.tenant_id == tenant.id, Lease.status != "cancelled",
                       or_(Lease.lease_end.is_(None), Lease.lease_end >= today()))
                .distinct()
            ).all()
            if units:
                matching.rescore_affected(s, actor, units)
        return TenantOut.model_validate(tenant)


def tenant_profile(db: Database, actor: Actor, tenant_id: uuid.UUID
                   ) -> tuple[CompatibilityProfile | None, int]:
    """A resident's profile and the tenant's version, read together (what the profile dialog
    edits and saves against)."""
    with reading(db, actor, "read") as s:
        tenant = get_row(s, Tenant, tenant_id, "tenant")
        return matching.parse_profile(tenant.compatibility_profile), tenant.version


def get_tenant_profile(db: Database, actor: Actor,
                       tenant_id: uuid.UUID) -> CompatibilityProfile | None:
    return tenant_profile(db, actor, tenant_id)[0]


def residents_without_profile(db: Database, actor: Actor) -> list[TenantOut]:
    """Current residents nobody can be matched against yet."""
    with reading(db, actor, "read") as s:
        query = (
            select(Tenant).join(Lease, and_(Lease.tenant_id == Tenant.id, active_on(today())))
            .where(Tenant.compatibility_profile.is_(None)).distinct()
            .order_by(Tenant.last_name, Tenant.first_name)
        )
        return [TenantOut.model_validate(t) for t in s.scalars(query)]
