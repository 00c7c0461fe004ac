"""House life: announcements, events and their RSVPs, the house board, and their printouts.

RSVPs keep an event within its capacity: beyond it a "going" answer is stored as "waitlisted",
and the oldest waitlisted answer (by `answered_at`) moves up when a place frees. The event row
is locked (SELECT ... FOR UPDATE) before the places are counted, so two people answering at
once on PostgreSQL cannot both take the last place; on SQLite the writer lock already makes
writes take turns.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database, server_now
from coliv_desktop.db.models import (
    Announcement,
    CommunityPost,
    Event,
    EventRsvp,
    Property,
    Tenant,
    Unit,
)
from coliv_desktop.db.types import utcnow
from coliv_desktop.documents import community as community_docs
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas.community import (
    AnnouncementCreate,
    AnnouncementOut,
    AnnouncementUpdate,
    Answer,
    EventCreate,
    EventOut,
    EventUpdate,
    PostCreate,
    PostOut,
    RsvpOut,
)
from coliv_desktop.services import audit
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, check_version, reading, writing
from coliv_desktop.services.portfolio import _updates, get_row

ANSWERS: tuple[Answer, ...] = ("going", "maybe", "not_going")
_PRIORITY_ORDER = {"urgent": 0, "important": 1, "normal": 2}


def _now(s: Session) -> datetime:
    """When an answer was given: on a shared server its clock, so the waitlist's order does
    not depend on which desk's clock runs late."""
    bind = s.get_bind()
    now: datetime = server_now(s) if bind.dialect.name == "postgresql" else utcnow()
    return now


def _name(tenant: Tenant) -> str:
    return f"{tenant.first_name} {tenant.last_name}"


# --- announcements -----------------------------------------------------------------------------

def add_announcement(db: Database, actor: Actor, data: AnnouncementCreate) -> AnnouncementOut:
    with writing(db, actor, "community.write") as s:
        values = data.model_dump()
        if data.unit_id is not None:
            unit = get_row(s, Unit, data.unit_id, "unit")
            if data.property_id is None:
                values["property_id"] = unit.property_id
            elif unit.property_id != data.property_id:
                raise ValidationError("unit_id", "this unit is not in the chosen property")
        if values["property_id"] is not None:
            get_row(s, Property, values["property_id"], "property")
        if data.expires_on is not None and data.expires_on < today():
            raise ValidationError("expires_on", "is already past")
        row = Announcement(**values, created_by=actor.name)
        s.add(row)
        s.flush()
        audit.record(s, actor, "create", "announcement", row.id,
                     f"Posted the announcement {row.title!r}", data.model_dump())
        return AnnouncementOut.model_validate(row)


def update_announcement(db: Database, actor: Actor, announcement_id: uuid.UUID,
                        data: AnnouncementUpdate) -> AnnouncementOut:
    """Edit, pin or unpin, or change the expiry of an announcement."""
    with writing(db, actor, "community.write") as s:
        row = get_row(s, Announcement, announcement_id, "announcement")
        check_version(row, data.expected_version, f"Announcement {row.title!r}")
        updates = _updates(data)
        for required in ("title", "message", "priority", "pinned"):
            if required in updates and updates[required] is None:
                raise ValidationError(required, "is required")
        changes = audit.diff(row, updates)
        if changes:
            s.flush()
            audit.record(s, actor, "update", "announcement", row.id,
                         f"Edited the announcement {row.title!r}", changes)
        return AnnouncementOut.model_validate(row)


def set_announcement_archived(db: Database, actor: Actor, announcement_id: uuid.UUID,
                              archived: bool) -> AnnouncementOut:
    """Take an announcement down (kept, with its history), or put it back."""
    with writing(db, actor, "community.write") as s:
        row = get_row(s, Announcement, announcement_id, "announcement")
        row.archived_at = utcnow() if archived else None
        s.flush()
        audit.record(s, actor, "archive" if archived else "restore", "announcement", row.id,
                     f"{'Took down' if archived else 'Put back'} the announcement {row.title!r}",
                     {"archived": archived})
        return AnnouncementOut.model_validate(row)


def get_announcement(db: Database, actor: Actor, announcement_id: uuid.UUID) -> AnnouncementOut:
    with reading(db, actor, "read") as s:
        return AnnouncementOut.model_validate(
            get_row(s, Announcement, announcement_id, "announcement"))


def list_announcements(db: Database, actor: Actor, property_id: uuid.UUID | None = None, *,
                       include_expired: bool = False) -> list[AnnouncementOut]:
    """The announcements a property's tenants see (its own, its units', and those to everyone;
    every one without `property_id`): pinned first, then the most pressing, then the newest.
    Expired and taken-down ones only with `include_expired`."""
    query = select(Announcement)
    if property_id is not None:
        query = query.where(or_(Announcement.property_id == property_id,
                                Announcement.property_id.is_(None)))
    if not include_expired:
        query = query.where(Announcement.archived_at.is_(None),
                            or_(Announcement.expires_on.is_(None),
                                Announcement.expires_on >= today()))
    with reading(db, actor, "read") as s:
        if property_id is not None:
            get_row(s, Property, property_id, "property")
        rows = list(s.scalars(query.order_by(Announcement.created_at.desc(), Announcement.id)))
        rows.sort(key=lambda a: (not a.pinned, _PRIORITY_ORDER.get(a.priority, 3)))
        return [AnnouncementOut.model_validate(a) for a in rows]


def notice_pdf(db: Database, actor: Actor, announcement_id: uuid.UUID, out: Path | str) -> Path:
    """The announcement as a notice for the house noticeboard."""
    from coliv_desktop.services.printing import letterhead

    head = letterhead(db, actor)
    with reading(db, actor, "read") as s:
        row = get_row(s, Announcement, announcement_id, "announcement")
        where = _audience(s, row)
        data = AnnouncementOut.model_validate(row)
    return community_docs.notice(head, data, where).save(out)


def _audience(s: Session, row: Announcement) -> str:
    if row.property_id is None:
        return "All residents"
    prop = get_row(s, Property, row.property_id, "property")
    if row.unit_id is None:
        return f"Residents of {prop.name}"
    unit = get_row(s, Unit, row.unit_id, "unit")
    return f"Residents of {prop.name}, unit {unit.unit_number}"


# --- events ------------------------------------------------------------------------------------

def add_event(db: Database, actor: Actor, data: EventCreate) -> EventOut:
    with writing(db, actor, "community.write") as s:
        get_row(s, Property, data.property_id, "property")
        row = Event(**data.model_dump(), created_by=actor.name)
        s.add(row)
        s.flush()
        audit.record(s, actor, "create", "event", row.id, f"Planned the event {row.title!r}",
                     data.model_dump(mode="json"))
        return _event_out(s, row)


def update_event(db: Database, actor: Actor, event_id: uuid.UUID, data: EventUpdate) -> EventOut:
    """Edit an event; a larger capacity lets the waitlist move up, a smaller one keeps those
    already going (nobody is dropped), and new answers wait until places free."""
    with writing(db, actor, "community.write") as s:
        row = _locked_event(s, event_id)
        check_version(row, data.expected_version, f"Event {row.title!r}")
        updates = _updates(data)
        for required in ("title", "date_time"):
            if required in updates and updates[required] is None:
                raise ValidationError(required, "is required")
        start = updates.get("date_time", row.date_time)
        end = updates.get("ends_at", row.ends_at)
        if end is not None and end <= start:
            raise ValidationError("ends_at", "must be after the start")
        changes = audit.diff(row, updates)
        if changes:
            s.flush()
            _fill_places(s, row)
            audit.record(s, actor, "update", "event", row.id, f"Edited the event {row.title!r}",
                         {k: [str(v) for v in pair] for k, pair in changes.items()})
        return _event_out(s, row)


def set_event_archived(db: Database, actor: Actor, event_id: uuid.UUID,
                       archived: bool) -> EventOut:
    """Call an event off (kept, with its answers), or put it back."""
    with writing(db, actor, "community.write") as s:
        row = get_row(s, Event, event_id, "event")
        row.archived_at = utcnow() if archived else None
        s.flush()
        audit.record(s, actor, "archive" if archived else "restore", "event", row.id,
                     f"{'Called off' if archived else 'Put back'} the event {row.title!r}",
                     {"archived": archived})
        return _event_out(s, row)


def get_event(db: Database, actor: Actor, event_id: uuid.UUID) -> EventOut:
    with reading(db, actor, "read") as s:
        return _event_out(s, get_row(s, Event, event_id, "event"))


def list_events(db: Database, actor: Actor, property_id: uuid.UUID | None = None, *,
                upcoming_only: bool = False, include_archived: bool = False) -> list[EventOut]:
    """Events by start, with how many are going and waitlisted."""
    query = select(Event)
    if property_id is not None:
        query = query.where(Event.property_id == property_id)
    if upcoming_only:
        query = query.where(Event.date_time >= _start_of_today())
    if not include_archived:
        query = query.where(Event.archived_at.is_(None))
    with reading(db, actor, "read") as s:
        if property_id is not None:
            get_row(s, Property, property_id, "property")
        rows = list(s.scalars(query.order_by(Event.date_time, Event.id)))
        counts = _counts(s, [r.id for r in rows])
        return [_event_out(s, r, counts.get(r.id, {})) for r in rows]


def _start_of_today() -> datetime:
    return datetime.combine(today(), time.min).astimezone().astimezone(UTC)


def _counts(s: Session, event_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
    out: dict[uuid.UUID, dict[str, int]] = {}
    if not event_ids:
        return out
    query = (select(EventRsvp.event_id, EventRsvp.status, func.count(EventRsvp.id))
             .where(EventRsvp.event_id.in_(event_ids))
             .group_by(EventRsvp.event_id, EventRsvp.status))
    for event_id, status, count in s.execute(query):
        out.setdefault(event_id, {})[status] = int(count)
    return out


def _event_out(s: Session, row: Event, counts: dict[str, int] | None = None) -> EventOut:
    if counts is None:
        counts = _counts(s, [row.id]).get(row.id, {})
    out = EventOut.model_validate(row)
    return out.model_copy(update={"going": counts.get("going", 0),
                                  "waitlisted": counts.get("waitlisted", 0),
                                  "maybe": counts.get("maybe", 0)})


def _locked_event(s: Session, event_id: uuid.UUID) -> Event:
    """The event row, locked until the transaction ends (PostgreSQL; SQLite's writer lock
    already serialises), so the places counted next stay counted."""
    row = s.scalars(select(Event).where(Event.id == event_id).with_for_update()).first()
    if row is None:
        get_row(s, Event, event_id, "event")  # raises NotFoundError
    assert row is not None
    return row


def _going(s: Session, event_id: uuid.UUID) -> int:
    return int(s.scalar(select(func.count(EventRsvp.id)).where(
        EventRsvp.event_id == event_id, EventRsvp.status == "going")) or 0)


def _fill_places(s: Session, event: Event) -> list[EventRsvp]:
    """Move the oldest waitlisted answers up while there are places; returns those moved."""
    moved: list[EventRsvp] = []
    s.flush()
    free = (None if event.max_attendees is None
            else event.max_attendees - _going(s, event.id))
    waiting = s.scalars(select(EventRsvp).where(
        EventRsvp.event_id == event.id, EventRsvp.status == "waitlisted")
        .order_by(EventRsvp.answered_at, EventRsvp.id))
    for rsvp in waiting:
        if free is not None and free <= 0:
            break
        rsvp.status = "going"
        moved.append(rsvp)
        if free is not None:
            free -= 1
    s.flush()
    return moved


def rsvp(db: Database, actor: Actor, event_id: uuid.UUID, tenant_id: uuid.UUID,
         answer: Answer) -> RsvpOut:
    """A tenant's answer (going, maybe, not_going). "going" beyond capacity is stored as
    "waitlisted"; a tenant going who answers otherwise frees a place for the waitlist."""
    if answer not in ANSWERS:
        raise ValidationError("answer", f"must be one of {', '.join(ANSWERS)}")
    with writing(db, actor, "community.write") as s:
        event = _locked_event(s, event_id)
        if event.archived_at is not None:
            raise ValidationError("event_id", "this event was called off")
        tenant = get_row(s, Tenant, tenant_id, "tenant")
        row = s.scalars(select(EventRsvp).where(EventRsvp.event_id == event.id,
                                                EventRsvp.tenant_id == tenant.id)).first()
        before = row.status if row is not None else None
        if answer == "going" and before in ("going", "waitlisted"):
            status = before  # already in, or keeps the place in the queue
        elif answer == "going":
            full = event.max_attendees is not None and _going(s, event.id) >= event.max_attendees
            status = "waitlisted" if full else "going"
        else:
            status = answer
        if row is None:
            row = EventRsvp(event_id=event.id, tenant_id=tenant.id, status=status,
                            answered_at=_now(s))
            s.add(row)
        elif status != before:
            row.status = status
            row.answered_at = _now(s)  # a changed answer joins the end of any queue
        s.flush()
        moved = _fill_places(s, event) if before == "going" and status != "going" else []
        audit.record(s, actor, "rsvp", "event", event.id,
                     f"{_name(tenant)} answered {answer} to {event.title!r}: {status}",
                     {"tenant_id": str(tenant.id), "answer": answer, "status": status,
                      "moved_up": [str(m.tenant_id) for m in moved]})
        return _rsvp_out(s, row)


def _rsvp_out(s: Session, row: EventRsvp) -> RsvpOut:
    tenant = s.get(Tenant, row.tenant_id)
    out = RsvpOut.model_validate(row)
    return out.model_copy(update={"tenant_name": _name(tenant) if tenant else ""})


def list_rsvps(db: Database, actor: Actor, event_id: uuid.UUID) -> list[RsvpOut]:
    """An event's answers: going, then the waitlist in its order, then maybe, then not going."""
    order = {"going": 0, "waitlisted": 1, "maybe": 2, "not_going": 3}
    with reading(db, actor, "read") as s:
        get_row(s, Event, event_id, "event")
        rows = list(s.scalars(select(EventRsvp).where(EventRsvp.event_id == event_id)
                              .order_by(EventRsvp.answered_at, EventRsvp.id)))
        rows.sort(key=lambda r: order.get(r.status, 4))
        return [_rsvp_out(s, r) for r in rows]


def record_attendance(db: Database, actor: Actor, event_id: uuid.UUID, tenant_id: uuid.UUID,
                      attended: bool) -> RsvpOut:
    """After the event: whether a tenant came (one who never answered is added as going)."""
    with writing(db, actor, "community.write") as s:
        event = get_row(s, Event, event_id, "event")
        tenant = get_row(s, Tenant, tenant_id, "tenant")
        row = s.scalars(select(EventRsvp).where(EventRsvp.event_id == event.id,
                                                EventRsvp.tenant_id == tenant.id)).first()
        if row is None:
            row = EventRsvp(event_id=event.id, tenant_id=tenant.id,
                            status="going" if attended else "not_going",
                            answered_at=_now(s))
            s.add(row)
        row.attended = attended
        s.flush()
        audit.record(s, actor, "attendance", "event", event.id,
                     f"{_name(tenant)} {'came to' if attended else 'missed'} {event.title!r}",
                     {"tenant_id": str(tenant.id), "attended": attended})
        return _rsvp_out(s, row)


def flyer_pdf(db: Database, actor: Actor, event_id: uuid.UUID, out: Path | str) -> Path:
    """The event's flyer for the noticeboard."""
    from coliv_desktop.services.printing import letterhead

    head = letterhead(db, actor)
    with reading(db, actor, "read") as s:
        row = get_row(s, Event, event_id, "event")
        prop = get_row(s, Property, row.property_id, "property")
        data = _event_out(s, row)
    return community_docs.flyer(head, data, prop.name).save(out)


# --- the house board ---------------------------------------------------------------------------

def add_post(db: Database, actor: Actor, data: PostCreate) -> PostOut:
    with writing(db, actor, "community.write") as s:
        get_row(s, Property, data.property_id, "property")
        author = actor.name
        if data.author_id is not None:
            author = _name(get_row(s, Tenant, data.author_id, "tenant"))
        row = CommunityPost(**data.model_dump(), author_name=author)
        s.add(row)
        s.flush()
        audit.record(s, actor, "create", "community_post", row.id,
                     f"Posted on the house board for {author}", data.model_dump(mode="json"))
        return PostOut.model_validate(row)


def hide_post(db: Database, actor: Actor, post_id: uuid.UUID, reason: str) -> PostOut:
    """Moderation: the post leaves the board, keeping why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", "is required: say why the post is hidden")
    with writing(db, actor, "community.write") as s:
        row = get_row(s, CommunityPost, post_id, "post")
        row.visible = False
        row.hidden_reason = reason
        s.flush()
        audit.record(s, actor, "hide", "community_post", row.id,
                     f"Hid a post by {row.author_name}", {"reason": reason})
        return PostOut.model_validate(row)


def show_post(db: Database, actor: Actor, post_id: uuid.UUID) -> PostOut:
    with writing(db, actor, "community.write") as s:
        row = get_row(s, CommunityPost, post_id, "post")
        row.visible = True
        row.hidden_reason = None
        s.flush()
        audit.record(s, actor, "show", "community_post", row.id,
                     f"Showed again a post by {row.author_name}", {})
        return PostOut.model_validate(row)


def list_posts(db: Database, actor: Actor, property_id: uuid.UUID | None = None, *,
               include_hidden: bool = False) -> list[PostOut]:
    """The board, newest first."""
    query = select(CommunityPost)
    if property_id is not None:
        query = query.where(CommunityPost.property_id == property_id)
    if not include_hidden:
        query = query.where(CommunityPost.visible.is_(True))
    with reading(db, actor, "read") as s:
        if property_id is not None:
            get_row(s, Property, property_id, "property")
        return [PostOut.model_validate(p) for p in s.scalars(
            query.order_by(CommunityPost.created_at.desc(), CommunityPost.id))]


def newsletter_pdf(db: Database, actor: Actor, property_id: uuid.UUID, out: Path | str, *,
                   days: int = 30) -> Path:
    """The house newsletter: the visible posts of the last `days` days and the events of
    the next `days` days."""
    from coliv_desktop.services.printing import letterhead

    head = letterhead(db, actor)
    since = _start_of_today() - timedelta(days=days)
    until = _start_of_today() + timedelta(days=days + 1)
    with reading(db, actor, "read") as s:
        prop = get_row(s, Property, property_id, "property")
        posts = [PostOut.model_validate(p) for p in s.scalars(
            select(CommunityPost).where(CommunityPost.property_id == property_id,
                                        CommunityPost.visible.is_(True),
                                        CommunityPost.created_at >= since)
            .order_by(CommunityPost.created_at.desc()))]
        rows = list(s.scalars(select(Event).where(
            Event.property_id == property_id, Event.archived_at.is_(None),
            Event.date_time >= _start_of_today(), Event.date_time < until)
            .order_by(Event.date_time)))
        counts = _counts(s, [r.id for r in rows])
        events = [_event_out(s, r, counts.get(r.id, {})) for r in rows]
    return community_docs.newsletter(head, prop.name, today(), posts, events).save(out)
