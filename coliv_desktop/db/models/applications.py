"""Applications from prospective tenants, and the stored results of matching them to rooms."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coliv_desktop.db.models.base import Base, CreatedMixin, EditableMixin, IdMixin

APPLICATION_STATUSES = ("pending", "approved", "rejected", "withdrawn", "waitlisted")
MATCH_TIERS = ("excellent", "good", "moderate", "not_recommended")
MATCH_STATUSES = ("current", "approved", "withdrawn")


class Application(IdMixin, EditableMixin, Base):
    """Someone who wants a room from `move_in_date`, with their compatibility profile.

    Approval creates a tenant and a lease and records both here; the profile is the JSON form
    of `domain.matching.CompatibilityProfile` (validated before it is stored).
    """

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(f"status IN {APPLICATION_STATUSES!r}", name="status"),
        CheckConstraint("lease_length_months IS NULL OR lease_length_months >= 1",
                        name="lease_length_positive"),
        CheckConstraint("max_rent IS NULL OR max_rent >= 0", name="max_rent_not_negative"),
    )

    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    move_in_date: Mapped[date]
    lease_length_months: Mapped[int | None]
    max_rent: Mapped[Decimal | None]
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    compatibility_profile: Mapped[dict[str, Any]]
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenants.id"))
    approved_room_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rooms.id"))
    approved_lease_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("leases.id"))
    decided_at: Mapped[datetime | None]


class MatchingScore(IdMixin, CreatedMixin, Base):
    """One room's score for one application, as the operator saw it. Rescoring replaces an
    application's rows; approval marks the chosen one `approved` and the rest `withdrawn`."""

    __tablename__ = "matching_scores"
    __table_args__ = (
        UniqueConstraint("application_id", "room_id"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        CheckConstraint(f"tier IN {MATCH_TIERS!r}", name="tier"),
        CheckConstraint(f"status IN {MATCH_STATUSES!r}", name="status"),
    )

    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id"), index=True)
    room_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rooms.id"), index=True)
    score: Mapped[int]
    tier: Mapped[str] = mapped_column(String(20))
    breakdown: Mapped[dict[str, Any]]
    recommendation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="current")


class MatchingExclusion(IdMixin, CreatedMixin, Base):
    """A room left out of an application's candidates, with the reason, stored with the scores
    of the same run so the operator sees the same picture later."""

    __tablename__ = "matching_exclusions"
    __table_args__ = (UniqueConstraint("application_id", "room_id"),)

    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id"), index=True)
    room_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rooms.id"))
    reason: Mapped[str] = mapped_column(Text)
