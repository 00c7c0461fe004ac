"""Leases: who has which bed of which room, from when to when, at what rent."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coliv_desktop.db.models.base import Base, EditableMixin, IdMixin

LEASE_STATUSES = ("active", "ended", "cancelled")
LEASE_ORIGINS = ("new", "renewal", "transfer")


class Lease(IdMixin, EditableMixin, Base):
    """One bed of one room for one tenant over [lease_start, lease_end] (both days included).

    A bed is never held by two non-cancelled leases on the same day: the service checks inside
    the writing transaction, and on PostgreSQL the exclusion constraint
    `ex_leases_bed_no_overlap` (created by the first migration) guards it as well.
    """

    __tablename__ = "leases"
    __table_args__ = (
        CheckConstraint(f"status IN {LEASE_STATUSES!r}", name="status"),
        CheckConstraint(f"origin IN {LEASE_ORIGINS!r}", name="origin"),
        CheckConstraint("lease_end IS NULL OR lease_end >= lease_start", name="end_after_start"),
        CheckConstraint("bed >= 1", name="bed_positive"),
        CheckConstraint("rent_amount >= 0", name="rent_not_negative"),
        CheckConstraint("deposit_amount >= 0", name="deposit_not_negative"),
    )

    room_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rooms.id"), index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    bed: Mapped[int] = mapped_column(default=1)
    lease_start: Mapped[date]
    lease_end: Mapped[date | None]
    rent_amount: Mapped[Decimal]
    deposit_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    status: Mapped[str] = mapped_column(String(20), default="active")
    move_in_date: Mapped[date | None]
    move_out_date: Mapped[date | None]
    origin: Mapped[str] = mapped_column(String(20), default="new")
    previous_lease_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("leases.id"))
    notes: Mapped[str | None] = mapped_column(Text)
