"""House life: announcements (scope, expiry, pinned order), events and RSVPs (capacity, the
waitlist moving up, two RSVPs at once for the last place on PostgreSQL), the house board and
its moderation, and the notice, flyer and newsletter PDFs. On both engines."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.community import (
    AnnouncementCreate,
    AnnouncementUpdate,
    EventCreate,
    EventUpdate,
    PostCreate,
)
from coliv_desktop.services import community
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor
from tests.builders import Flow41, flow_41, lease, tenant


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def flow(db: Database, actor: Actor) -> Flow41:
    return flow_41(db, actor)


def _event(db: Database, actor: Actor, flow: Flow41, capacity: int | None = 2,
           title: str = "Pizza night", days: int = 7) -> uuid.UUID:
    start = datetime.combine(today() + timedelta(days=days), datetime.min.time()).replace(
        hour=19)
    return community.add_event(db, actor, build(
        EventCreate, property_id=flow.property_id, title=title,
        date_time=start.strftime("%Y-%m-%d %H:%M"), location="Rooftop",
        max_attendees=capacity)).id


# --- announcements -----------------------------------------------------------------------------

def test_announcements_scope_expiry_and_pinned_order(db: Database, actor: Actor,
                                                     flow: Flow41) -> None:
    def add(title: str, **extra: object) -> uuid.UUID:
        return community.add_announcement(db, actor, build(
            AnnouncementCreate, title=title, message="Text", **extra)).id

    everyone = add("To everyone")
    house = add("House news", property_id=flow.property_id, priority="important")
    pinned = add("Pinned", property_id=flow.property_id, pinned=True)
    unit = add("Unit 3B only", unit_id=flow.unit_3b)  # the property is the unit's
    urgent = add("Urgent", property_id=flow.property_id, priority="urgent",
                 expires_on=today().isoformat())
    shown = community.list_announcements(db, actor, flow.property_id)
    assert [a.id for a in shown][:2] == [pinned, urgent]  # pinned, then the most pressing
    assert {a.id for a in shown} == {everyone, house, pinned, unit, urgent}
    assert community.get_announcement(db, actor, unit).property_id == flow.property_id

    other = flow_41(db, actor)  # another property sees only what is to everyone
    assert [a.id for a in community.list_announcements(db, actor, other.property_id)] == [
        everyone]

    with pytest.raises(ValidationError) as past:
        add("Old", expires_on=(today() - timedelta(days=1)).isoformat())
    assert past.value.field == "expires_on"
    with pytest.raises(ValidationError) as wrong_unit:
        add("Wrong", property_id=other.property_id, unit_id=flow.unit_3b)
    assert wrong_unit.value.field == "unit_id"

    # an announcement that expired yesterday is listed only on request
    row = community.get_announcement(db, actor, urgent)
    with db.write() as s:
        from coliv_desktop.db.models import Announcement

        stored = s.get(Announcement, urgent)
        assert stored is not None
        stored.expires_on = today() - timedelta(days=1)
    assert urgent not in {a.id for a in community.list_announcements(db, actor,
                                                                      flow.property_id)}
    assert urgent in {a.id for a in community.list_announcements(
        db, actor, flow.property_id, include_expired=True)}
    updated = community.update_announcement(db, actor, house, build(
        AnnouncementUpdate, pinned=True, expected_version=1))
    assert updated.pinned and updated.version == 2
    community.set_announcement_archived(db, actor, everyone, True)
    assert everyone not in {a.id for a in community.list_announcements(db, actor)}
    assert row.title == "Urgent"


def test_a_viewer_reads_announcements_but_cannot_post(db: Database, actor: Actor,
                                                      flow: Flow41) -> None:
    viewer = Actor(None, None, "Vera", "viewer")
    with pytest.raises(PermissionDeniedError):
        community.add_announcement(db, viewer, build(AnnouncementCreate, title="T",
                                                     message="M"))
    staff = Actor(None, None, "Stan", "staff")
    community.add_announcement(db, staff, build(AnnouncementCreate, title="T", message="M"))
    assert len(community.list_announcements(db, viewer)) == 1


# --- events and RSVPs --------------------------------------------------------------------------

def test_rsvps_keep_capacity_and_the_waitlist_moves_up(db: Database, actor: Actor,
                                                       flow: Flow41) -> None:
    event = _event(db, actor, flow, capacity=2)
    ann, bo, cy, di = (tenant(db, actor, n) for n in ("Ann", "Bo", "Cy", "Di"))
    assert community.rsvp(db, actor, event, ann, "going").status == "going"
    assert community.rsvp(db, actor, event, bo, "going").status == "going"
    assert community.rsvp(db, actor, event, cy, "going").status == "waitlisted"
    assert community.rsvp(db, actor, event, di, "going").status == "waitlisted"
    assert community.rsvp(db, actor, event, cy, "going").status == "waitlisted"  # keeps place
    got = community.get_event(db, actor, event)
    assert (got.going, got.waitlisted) == (2, 2)

    community.rsvp(db, actor, event, ann, "not_going")  # a place frees: Cy was first
    statuses = {r.tenant_id: r.status for r in community.list_rsvps(db, actor, event)}
    assert statuses == {ann: "not_going", bo: "going", cy: "going", di: "waitlisted"}
    community.rsvp(db, actor, event, bo, "maybe")  # changing an answer frees one too
    statuses = {r.tenant_id: r.status for r in community.list_rsvps(db, actor, event)}
    assert statuses[di] == "going" and statuses[bo] == "maybe"
    # Ann changes her mind: the event is full again, so she waits
    assert community.rsvp(db, actor, event, ann, "going").status == "waitlisted"
    assert [r.tenant_id for r in community.list_rsvps(db, actor, event)][:3] == [cy, di, ann]

    # a larger capacity lets the waitlist in
    community.update_event(db, actor, event, build(EventUpdate, max_attendees=3))
    assert community.get_event(db, actor, event).going == 3

    with pytest.raises(ValidationError) as bad:
        community.rsvp(db, actor, event, ann, "perhaps")  # type: ignore[arg-type]
    assert bad.value.field == "answer"
    with pytest.raises(NotFoundError):
        community.rsvp(db, actor, uuid.uuid4(), ann, "going")
    assert community.record_attendance(db, actor, event, cy, True).attended is True


def test_an_event_without_capacity_takes_everyone(db: Database, actor: Actor,
                                                  flow: Flow41) -> None:
    event = _event(db, actor, flow, capacity=None)
    for name in ("A", "B", "C"):
        assert community.rsvp(db, actor, event, tenant(db, actor, name), "going").status == \
            "going"
    listed = community.list_events(db, actor, flow.property_id, upcoming_only=True)
    assert [(e.id, e.going, e.waitlisted) for e in listed] == [(event, 3, 0)]


def test_event_times_are_local_wall_clock_stored_in_utc(db: Database, actor: Actor,
                                                        flow: Flow41) -> None:
    event = community.add_event(db, actor, build(
        EventCreate, property_id=flow.property_id, title="Brunch",
        date_time="2030-06-01 11:30", ends_at="2030-06-01 13:00"))
    assert event.date_time.tzinfo is not None
    assert event.date_time.astimezone().replace(tzinfo=None) == datetime(2030, 6, 1, 11, 30)
    stored = community.get_event(db, actor, event.id)
    assert stored.date_time == event.date_time and stored.date_time.utcoffset() == \
        timedelta(0)
    with pytest.raises(ValidationError) as wrong:
        build(EventCreate, property_id=flow.property_id, title="X",
              date_time="2030-06-01 11:30", ends_at="2030-06-01 10:00")
    assert wrong.value.field == "ends_at"
    with pytest.raises(ValidationError) as capacity:
        build(EventCreate, property_id=flow.property_id, title="X",
              date_time="2030-06-01 11:30", max_attendees=0)
    assert capacity.value.field == "max_attendees"


def test_two_rsvps_at_once_for_the_last_place(db: Database, actor: Actor, flow: Flow41,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL, two connections answer "going" at the same moment for the last place:
    the event row's lock makes the second count after the first commits (one going, one
    waitlisted). The count is slowed down so that, without the lock, both would count the
    place as free."""
    event = _event(db, actor, flow, capacity=2)
    community.rsvp(db, actor, event, tenant(db, actor, "First"), "going")
    racers = [tenant(db, actor, "Racer", "One"), tenant(db, actor, "Racer", "Two")]
    counted = community._going
    barrier = threading.Barrier(2)

    def slow_going(s: object, event_id: uuid.UUID) -> int:
        seen = counted(s, event_id)  # type: ignore[arg-type]
        threading.Event().wait(0.4)  # the other racer would count now, without the lock
        return seen

    monkeypatch.setattr(community, "_going", slow_going)
    results: dict[uuid.UUID, str] = {}
    errors: list[BaseException] = []

    def answer(who: uuid.UUID) -> None:
        try:
            barrier.wait()
            results[who] = community.rsvp(db, actor, event, who, "going").status
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=answer, args=(who,)) for who in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert sorted(results.values()) == ["going", "waitlisted"]
    got = community.get_event(db, actor, event)
    assert (got.going, got.waitlisted) == (2, 1)


# --- the house board ---------------------------------------------------------------------------

def test_posts_and_moderation(db: Database, actor: Actor, flow: Flow41) -> None:
    ann = tenant(db, actor, "Ann")
    by_tenant = community.add_post(db, actor, build(
        PostCreate, property_id=flow.property_id, author_id=ann, category="lost_found",
        content="Found a blue umbrella"))
    by_staff = community.add_post(db, actor, build(
        PostCreate, property_id=flow.property_id, content="Bins go out on Monday"))
    assert by_tenant.author_name == "Ann Tester" and by_staff.author_name == actor.name
    with pytest.raises(ValidationError) as no_reason:
        community.hide_post(db, actor, by_tenant.id, "  ")
    assert no_reason.value.field == "reason"
    hidden = community.hide_post(db, actor, by_tenant.id, "Found its owner")
    assert not hidden.visible and hidden.hidden_reason == "Found its owner"
    assert [p.id for p in community.list_posts(db, actor, flow.property_id)] == [by_staff.id]
    assert len(community.list_posts(db, actor, flow.property_id, include_hidden=True)) == 2
    shown = community.show_post(db, actor, by_tenant.id)
    assert shown.visible and shown.hidden_reason is None
    with pytest.raises(ValidationError) as category:
        build(PostCreate, property_id=flow.property_id, category="gossip", content="x")
    assert category.value.field == "category"


# --- printouts ---------------------------------------------------------------------------------

def test_notice_flyer_and_newsletter_pdfs(db: Database, actor: Actor, flow: Flow41,
                                          tmp_path: Path) -> None:
    ann = community.add_announcement(db, actor, build(
        AnnouncementCreate, property_id=flow.property_id, title="Water off Tuesday",
        message="Plumbers in from 9 to 12. <b>Sorry</b> & thanks!", priority="urgent",
        expires_on=(today() + timedelta(days=3)).isoformat()))
    text = pdf_text(community.notice_pdf(db, actor, ann.id, tmp_path / "notice.pdf"))
    for expected in ["Water off Tuesday", "URGENT", "Residents of Downtown Loft",
                     "<b>Sorry</b> & thanks!", "Valid until"]:
        assert expected in text, expected

    event = _event(db, actor, flow, capacity=1, title="Ужин на крыше")  # non-Latin
    ivan = tenant(db, actor, "Иван", "Петров")
    community.rsvp(db, actor, event, ivan, "going")
    flyer = pdf_text(community.flyer_pdf(db, actor, event, tmp_path / "flyer.pdf"))
    for expected in ["Ужин на крыше", "Rooftop", "19:00", "full"]:
        assert expected in flyer, expected

    community.add_post(db, actor, build(PostCreate, property_id=flow.property_id,
                                        author_id=ivan, category="marketplace",
                                        content="Продаю велосипед"))
    hidden = community.add_post(db, actor, build(PostCreate, property_id=flow.property_id,
                                                 content="Not for print"))
    community.hide_post(db, actor, hidden.id, "Spam")
    letter = pdf_text(community.newsletter_pdf(db, actor, flow.property_id,
                                               tmp_path / "news.pdf"))
    for expected in ["Downtown Loft newsletter", "Ужин на крыше", "Иван Петров",
                     "Продаю велосипед", "Marketplace"]:
        assert expected in letter, expected
    assert "Not for print" not in letter


def test_a_limited_user_sees_only_their_properties_events(db: Database, actor: Actor,
                                                          flow: Flow41) -> None:
    other = flow_41(db, actor)
    _event(db, actor, flow, title="Here")
    _event(db, actor, other, title="There")
    limited = Actor(actor.user_id, actor.operator_id, "Lim", "staff",
                    property_ids=frozenset({flow.property_id}))
    assert [e.title for e in community.list_events(db, limited)] == ["Here"]


def test_attendance_after_the_event(db: Database, actor: Actor, flow: Flow41) -> None:
    event = _event(db, actor, flow, days=-1)
    zoe = tenant(db, actor, "Zoë")
    lease(db, actor, flow.rooms["3B-A"], zoe, date(2025, 1, 1))
    row = community.record_attendance(db, actor, event, zoe, True)
    assert row.attended is True and row.status == "going"
    assert community.list_events(db, actor, upcoming_only=True) == []
    assert community.list_events(db, actor)[0].going == 1
    community.set_event_archived(db, actor, event, True)
    with pytest.raises(ValidationError):
        community.rsvp(db, actor, event, zoe, "maybe")
    assert datetime.now(UTC) > community.get_event(db, actor, event).date_time


def test_export_and_import_carry_house_life(db: Database, actor: Actor, flow: Flow41,
                                            tmp_path: Path) -> None:
    """Announcements, events with their answers, posts and conflicts with their log survive an
    export and an import into an empty book, unchanged (from each engine into SQLite)."""
    import json

    from sqlalchemy.engine import make_url

    from coliv_desktop.db.migrate import open_database
    from coliv_desktop.schemas.community import ConflictCreate
    from coliv_desktop.services import conflicts, portability
    from coliv_desktop.services.context import local_actor

    community.add_announcement(db, actor, build(AnnouncementCreate, title="Hi", message="M",
                                                unit_id=flow.unit_3b, pinned=True))
    event = _event(db, actor, flow, capacity=1)
    zoe, ivan = tenant(db, actor, "Zoë"), tenant(db, actor, "Иван")
    for who, room in ((zoe, "3B-A"), (ivan, "3B-B")):
        lease(db, actor, flow.rooms[room], who, date(2025, 1, 1))
        community.rsvp(db, actor, event, who, "going")
    post = community.add_post(db, actor, build(PostCreate, property_id=flow.property_id,
                                               author_id=ivan, content="Привет"))
    community.hide_post(db, actor, post.id, "Off topic")
    report = conflicts.report_conflict(db, actor, build(
        ConflictCreate, unit_id=flow.unit_3b, parties=[zoe, ivan], conflict_type="bills",
        description="Who pays the internet"))
    conflicts.set_conflict_status(db, actor, report.id, "mediating", note="Meeting on Friday")

    exported = portability.dumps(portability.export_data(db, actor))
    for table in ("announcements", "events", "event_rsvps", "community_posts",
                  "conflict_reports", "conflict_parties", "conflict_notes"):
        assert f'"{table}"' in exported, table
    target = open_database(make_url(f"sqlite:///{tmp_path / 'copy.db'}"), create=True)
    try:
        portability.import_data(target, local_actor(target), json.loads(exported))
        assert portability.dumps(portability.export_data(target, actor)) == exported
        copied = conflicts.get_conflict(target, actor, report.id)
        assert copied.status == "mediating" and len(copied.notes) == 2
        assert [r.status for r in community.list_rsvps(target, actor, event)] == [
            "going", "waitlisted"]
    finally:
        target.dispose()
