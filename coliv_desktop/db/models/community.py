"""House life (issue 14): announcements, events and their RSVPs, the curated house board, and
roommate conflict reports with their mediation log."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coliv_desktop.db.models.base import ArchivableMixin, Base, CreatedMixin, EditableMixin, IdMixin

ANNOUNCEMENT_PRIORITIES = ("normal", "important", "urgent")  # the seed's values
RSVP_ANSWERS = ("going", "maybe", "not_going", "waitlisted")
POST_CATEGORIES = ("general", "event", "lost_found", "marketplace", "recommendation", "notice")
CONFLICT_CATEGORIES = ("noise", "cleanliness", "guests", "bills", "safety", "other")
SEVERITIES = ("low", "medium", "high")
CONFLICT_STATUSES = ("open", "mediating", "resolved", "escalated")


class Announcement(IdMixin, EditableMixin, ArchivableMixin, Base):
    """To one property (`property_id`), one unit of it (`unit_id` too) or everyone (neither)."""

    __tablename__ = "announcements"
    __table_args__ = (
        CheckConstraint(f"priority IN {ANNOUNCEMENT_PRIORITIES!r}", name="priority"),
        CheckConstraint("unit_id IS NULL OR property_id IS NOT NULL", name="unit_in_property"),
    )

    property_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("properties.id"),
                                                          index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    created_by: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    pinned: Mapped[bool] = mapped_column(default=False)
    expires_on: Mapped[date | None]


class Event(IdMixin, EditableMixin, ArchivableMixin, Base):
    """A house event; `max_attendees` None: no limit."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("max_attendees IS NULL OR max_attendees > 0", name="capacity"),
    )

    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    date_time: Mapped[datetime]  # the start (the seed's name)
    ends_at: Mapped[datetime | None]
    location: Mapped[str | None] = mapped_column(String(255))
    max_attendees: Mapped[int | None]


class EventRsvp(IdMixin, EditableMixin, Base):
    """One tenant's answer. Beyond capacity "going" is kept as "waitlisted", in the order of
    `answered_at`, and moves up when a place frees."""

    __tablename__ = "event_rsvps"
    __table_args__ = (
        UniqueConstraint("event_id", "tenant_id"),
        CheckConstraint(f"status IN {RSVP_ANSWERS!r}", name="status"),
    )

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                                index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    answered_at: Mapped[datetime]
    attended: Mapped[bool | None]


class CommunityPost(IdMixin, EditableMixin, Base):
    """A post on a house's board, by a tenant (`author_tenant_id`) or staff; hidden posts
    keep the moderator's reason."""

    __tablename__ = "community_posts"
    __table_args__ = (CheckConstraint(f"category IN {POST_CATEGORIES!r}", name="category"),)

    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    author_name: Mapped[str] = mapped_column(String(255))
    category: Mapped[str] = mapped_column(String(20), default="general")
    content: Mapped[str] = mapped_column(Text)
    visible: Mapped[bool] = mapped_column(default=True)
    hidden_reason: Mapped[str | None] = mapped_column(Text)


class ConflictReport(IdMixin, EditableMixin, Base):
    """A conflict between tenants of one unit."""

    __tablename__ = "conflict_reports"
    __table_args__ = (
        CheckConstraint(f"conflict_type IN {CONFLICT_CATEGORIES!r}", name="conflict_type"),
        CheckConstraint(f"severity IN {SEVERITIES!r}", name="severity"),
        CheckConstraint(f"status IN {CONFLICT_STATUSES!r}", name="status"),
    )

    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    room_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rooms.id"))
    conflict_type: Mapped[str] = mapped_column(String(20))  # the seed's name
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default="open")
    description: Mapped[str] = mapped_column(Text)  # the summary
    outcome: Mapped[str | None] = mapped_column(Text)
    reported_on: Mapped[date]
    resolved_at: Mapped[datetime | None]


class ConflictParty(IdMixin, Base):
    """A tenant involved in a conflict (the seed's `tenant_ids`, one row each)."""

    __tablename__ = "conflict_parties"
    __table_args__ = (UniqueConstraint("conflict_id", "tenant_id"),)

    conflict_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conflict_reports.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)


class ConflictNote(IdMixin, CreatedMixin, Base):
    """A dated line of the mediation log. Added, never edited."""

    __tablename__ = "conflict_notes"

    conflict_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conflict_reports.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
