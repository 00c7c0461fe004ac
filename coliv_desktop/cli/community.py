"""`coliv announcement|notice|event|flyer|post|newsletter|conflict`: house life (issue 14).

Event times are typed on the operator's wall clock ("2026-12-10 19:00") and shown back the
same way; the book keeps them in UTC."""

from __future__ import annotations

import argparse
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from coliv_desktop.cli.portfolio import _day, _drop_none, _id, print_json
from coliv_desktop.schemas import build
from coliv_desktop.schemas.community import (
    AnnouncementCreate,
    Answer,
    ConflictCreate,
    EventCreate,
    EventOut,
    PostCreate,
)

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext

ANSWERS = {"going": "going", "maybe": "maybe", "no": "not_going", "not_going": "not_going"}


def _local(moment: datetime | None) -> str | None:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}" if moment is not None else None


def _ids(text: str) -> list[uuid.UUID]:
    return [_id(part.strip()) for part in text.split(",") if part.strip()]


# --- announcements -----------------------------------------------------------------------------

def cmd_announcement_add(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    data = build(AnnouncementCreate, **_drop_none(
        property_id=args.property, unit_id=args.unit, title=args.title, message=args.body,
        priority=args.priority, pinned=args.pinned, expires_on=args.expires))
    print(community.add_announcement(ctx.db, ctx.actor, data).id)


def cmd_announcement_list(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    found = community.list_announcements(ctx.db, ctx.actor, args.property,
                                         include_expired=args.expired)
    if args.json:
        print_json([{"id": str(a.id), "title": a.title, "message": a.message,
                     "priority": a.priority, "pinned": a.pinned,
                     "property_id": str(a.property_id) if a.property_id else None,
                     "unit_id": str(a.unit_id) if a.unit_id else None,
                     "expires": a.expires_on.isoformat() if a.expires_on else None,
                     "created_by": a.created_by} for a in found])
        return
    for a in found:
        pin = " [pinned]" if a.pinned else ""
        until = f" (until {a.expires_on})" if a.expires_on else ""
        print(f"{a.id}  {a.priority}{pin}  {a.title}{until}")


def cmd_notice(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    print(community.notice_pdf(ctx.db, ctx.actor, args.announcement, args.out))


# --- events ------------------------------------------------------------------------------------

def _event_json(e: EventOut) -> dict[str, Any]:
    return {"id": str(e.id), "title": e.title, "property_id": str(e.property_id),
            "starts": _local(e.date_time), "ends": _local(e.ends_at), "location": e.location,
            "capacity": e.max_attendees, "going": e.going, "waitlisted": e.waitlisted,
            "maybe": e.maybe}


def cmd_event_add(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    data = build(EventCreate, **_drop_none(
        property_id=args.property, title=args.title, date_time=args.starts, ends_at=args.ends,
        location=args.location, max_attendees=args.capacity, description=args.description))
    print(community.add_event(ctx.db, ctx.actor, data).id)


def cmd_event_rsvp(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    answer = cast(Answer, ANSWERS[args.answer])
    print(community.rsvp(ctx.db, ctx.actor, args.event, args.tenant, answer).status)


def cmd_event_attended(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    row = community.record_attendance(ctx.db, ctx.actor, args.event, args.tenant,
                                      not args.absent)
    print("attended" if row.attended else "absent")


def cmd_event_list(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    found = community.list_events(ctx.db, ctx.actor, args.property,
                                  upcoming_only=args.upcoming)
    if args.json:
        print_json([_event_json(e) for e in found])
        return
    for e in found:
        places = f"{e.going}/{e.max_attendees}" if e.max_attendees else f"{e.going}"
        wait = f", {e.waitlisted} waitlisted" if e.waitlisted else ""
        print(f"{e.id}  {_local(e.date_time)}  {e.title}  going {places}{wait}")


def cmd_flyer(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    print(community.flyer_pdf(ctx.db, ctx.actor, args.event, args.out))


# --- the house board ---------------------------------------------------------------------------

def cmd_post_add(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    data = build(PostCreate, **_drop_none(property_id=args.property, author_id=args.tenant,
                                          category=args.category, content=args.text))
    print(community.add_post(ctx.db, ctx.actor, data).id)


def cmd_post_hide(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    post = community.hide_post(ctx.db, ctx.actor, args.post, args.reason)
    print(f"post {post.id} hidden")


def cmd_post_show(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    post = community.show_post(ctx.db, ctx.actor, args.post)
    print(f"post {post.id} shown again")


def cmd_post_list(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    found = community.list_posts(ctx.db, ctx.actor, args.property, include_hidden=args.all)
    if args.json:
        print_json([{"id": str(p.id), "property_id": str(p.property_id),
                     "author": p.author_name,
                     "author_id": str(p.author_id) if p.author_id else None,
                     "category": p.category, "text": p.content, "visible": p.visible,
                     "hidden_reason": p.hidden_reason} for p in found])
        return
    for p in found:
        flag = "" if p.visible else f" (hidden: {p.hidden_reason})"
        print(f"{p.id}  {p.category}  {p.author_name}: {p.content}{flag}")


def cmd_newsletter(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import community

    print(community.newsletter_pdf(ctx.db, ctx.actor, args.property, args.out, days=args.days))


# --- conflicts ---------------------------------------------------------------------------------

def cmd_conflict_add(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import conflicts

    data = build(ConflictCreate, **_drop_none(
        unit_id=args.unit, parties=args.parties, conflict_type=args.category,
        severity=args.severity, description=args.summary, room_id=args.room))
    print(conflicts.report_conflict(ctx.db, ctx.actor, data).id)


def cmd_conflict_note(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import conflicts

    note = conflicts.add_conflict_note(ctx.db, ctx.actor, args.conflict, args.text)
    print(note.id)


def cmd_conflict_status(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import conflicts

    row = conflicts.set_conflict_status(ctx.db, ctx.actor, args.conflict, args.to,
                                        note=args.note, outcome=args.outcome)
    print(row.status)


def cmd_conflict_list(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import conflicts

    found = conflicts.list_conflicts(ctx.db, ctx.actor, args.unit, open_only=args.open)
    if args.json:
        print_json([{"id": str(c.id), "unit_id": str(c.unit_id), "category": c.conflict_type,
                     "severity": c.severity, "status": c.status, "summary": c.description,
                     "outcome": c.outcome, "reported_on": c.reported_on.isoformat(),
                     "parties": [str(p.tenant_id) for p in c.parties],
                     "party_names": [p.name for p in c.parties]} for c in found])
        return
    for c in found:
        names = ", ".join(p.name for p in c.parties)
        print(f"{c.id}  {c.status}  {c.severity} {c.conflict_type}  {names}: {c.description}")


def cmd_conflict_show(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import conflicts

    c = conflicts.get_conflict(ctx.db, ctx.actor, args.conflict)
    print(f"{c.conflict_type} ({c.severity}), {c.status}: {c.description}")
    print("parties: " + ", ".join(p.name for p in c.parties))
    if c.outcome:
        print(f"outcome: {c.outcome}")
    for n in c.notes:
        move = f" [{n.from_status or '-'} -> {n.to_status}]" if n.to_status else ""
        print(f"{_local(n.created_at)}  {n.author}{move}: {n.text}")


# --- the parsers -------------------------------------------------------------------------------

def _register_announcements(commands: Any) -> None:
    group = commands.add_parser("announcement", help="announcements").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = group.add_parser("add", help="post an announcement; prints its id")
    p.add_argument("--property", type=_id, help="to this property (default: everyone)")
    p.add_argument("--unit", type=_id, help="to this unit only")
    p.add_argument("--title", required=True)
    p.add_argument("--body", required=True)
    p.add_argument("--priority", choices=["normal", "important", "urgent"])
    p.add_argument("--pinned", action="store_true", default=None)
    p.add_argument("--expires", type=_day, help="the last day it shows (YYYY-MM-DD)")
    p.set_defaults(handler=cmd_announcement_add,
                   field_options={"message": ("body",), "expires_on": ("expires",)})
    p = group.add_parser("list", help="announcements, pinned first")
    p.add_argument("--property", type=_id, help="what this property's tenants see")
    p.add_argument("--expired", action="store_true", help="include expired and taken down")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_announcement_list)
    p = commands.add_parser("notice", help="print an announcement as a notice (PDF)")
    p.add_argument("announcement", type=_id)
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_notice, prints_document=True)


def _register_events(commands: Any) -> None:
    group = commands.add_parser("event", help="house events and RSVPs").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = group.add_parser("add", help="plan an event; prints its id")
    p.add_argument("--property", required=True, type=_id)
    p.add_argument("--title", required=True)
    p.add_argument("--starts", required=True, help='local time, "YYYY-MM-DD HH:MM"')
    p.add_argument("--ends", help='local time, "YYYY-MM-DD HH:MM"')
    p.add_argument("--location")
    p.add_argument("--capacity", type=int, help="most people going (default: no limit)")
    p.add_argument("--description")
    p.set_defaults(handler=cmd_event_add, field_options={
        "date_time": ("starts",), "ends_at": ("ends",), "max_attendees": ("capacity",)})
    p = group.add_parser("rsvp", help="a tenant's answer; prints going, waitlisted, ...")
    p.add_argument("event", type=_id)
    p.add_argument("--tenant", required=True, type=_id)
    p.add_argument("--answer", required=True, choices=["going", "maybe", "no"])
    p.set_defaults(handler=cmd_event_rsvp)
    p = group.add_parser("attended", help="after the event: a tenant came (or --absent)")
    p.add_argument("event", type=_id)
    p.add_argument("--tenant", required=True, type=_id)
    p.add_argument("--absent", action="store_true")
    p.set_defaults(handler=cmd_event_attended)
    p = group.add_parser("list", help="events with how many are going and waitlisted")
    p.add_argument("--property", type=_id)
    p.add_argument("--upcoming", action="store_true", help="only those from today on")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_event_list)
    p = commands.add_parser("flyer", help="print an event's flyer (PDF)")
    p.add_argument("event", type=_id)
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_flyer, prints_document=True)


def _register_posts(commands: Any) -> None:
    group = commands.add_parser("post", help="the house board").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = group.add_parser("add", help="put a post on a house's board; prints its id")
    p.add_argument("--property", required=True, type=_id)
    p.add_argument("--text", required=True)
    p.add_argument("--category", choices=["general", "event", "lost_found", "marketplace",
                                          "recommendation", "notice"])
    p.add_argument("--tenant", type=_id, help="the tenant who wrote it (default: you)")
    p.set_defaults(handler=cmd_post_add,
                   field_options={"content": ("text",), "author_id": ("tenant",)})
    p = group.add_parser("hide", help="take a post off the board, saying why")
    p.add_argument("post", type=_id)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_post_hide)
    p = group.add_parser("show", help="show a hidden post again")
    p.add_argument("post", type=_id)
    p.set_defaults(handler=cmd_post_show)
    p = group.add_parser("list", help="the board, newest first")
    p.add_argument("--property", type=_id)
    p.add_argument("--all", action="store_true", help="include hidden posts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_post_list)
    p = commands.add_parser("newsletter", help="a house's newsletter: recent posts and "
                                               "upcoming events (PDF)")
    p.add_argument("--property", required=True, type=_id)
    p.add_argument("--out", required=True)
    p.add_argument("--days", type=int, default=30, help="how far back and ahead (default 30)")
    p.set_defaults(handler=cmd_newsletter, prints_document=True)


def _register_conflicts(commands: Any) -> None:
    group = commands.add_parser("conflict", help="roommate conflict reports").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = group.add_parser("add", help="report a conflict between tenants of a unit; prints "
                                     "its id")
    p.add_argument("--unit", required=True, type=_id)
    p.add_argument("--parties", required=True, type=_ids, help="TENANT_ID,TENANT_ID[,...]")
    p.add_argument("--category", required=True,
                   choices=["noise", "cleanliness", "guests", "bills", "safety", "other"])
    p.add_argument("--severity", required=True, choices=["low", "medium", "high"])
    p.add_argument("--summary", required=True)
    p.add_argument("--room", type=_id, help="the room it concerns, if one")
    p.set_defaults(handler=cmd_conflict_add, field_options={
        "conflict_type": ("category",), "description": ("summary",)})
    p = group.add_parser("note", help="add a dated line to the mediation log")
    p.add_argument("conflict", type=_id)
    p.add_argument("--text", required=True)
    p.set_defaults(handler=cmd_conflict_note)
    p = group.add_parser("status", help="move a conflict on (open, mediating, resolved, "
                                        "escalated)")
    p.add_argument("conflict", type=_id)
    p.add_argument("--to", required=True,
                   choices=["open", "mediating", "resolved", "escalated"])
    p.add_argument("--note", help="what happened (written to the log)")
    p.add_argument("--outcome", help="how it ended (when resolving)")
    p.set_defaults(handler=cmd_conflict_status, field_options={"to_status": ("to",)})
    p = group.add_parser("list", help="conflict reports, newest first")
    p.add_argument("--unit", type=_id)
    p.add_argument("--open", action="store_true", help="all but the resolved")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_conflict_list)
    p = group.add_parser("show", help="a report with its mediation log")
    p.add_argument("conflict", type=_id)
    p.set_defaults(handler=cmd_conflict_show)


def register(commands: Any) -> None:
    from coliv_desktop.cli import READS

    _register_announcements(commands)
    _register_events(commands)
    _register_posts(commands)
    _register_conflicts(commands)
    # These only read the book, so they run while another process writes (cli.READS).
    for words in [("announcement", "list"), ("notice",), ("event", "list"), ("flyer",),
                  ("post", "list"), ("newsletter",), ("conflict", "list"),
                  ("conflict", "show")]:
        READS[words] = lambda _args: True
