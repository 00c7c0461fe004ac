"""The maintenance queue (issue 14): vendors, requests with their dated log and costs, and
the schedules that raise requests when they fall due."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coliv_desktop.db.models.base import ArchivableMixin, Base, CreatedMixin, EditableMixin, IdMixin

CATEGORIES = ("plumbing", "electrical", "appliance", "heating_cooling", "pest", "cleaning",
              "furniture", "internet", "other")
PRIORITIES = ("low", "medium", "high", "urgent")  # the seed's values
STATUSES = ("open", "in_progress", "waiting_parts", "resolved", "closed")
COST_KINDS = ("parts", "labour", "vendor_invoice", "other")


class Vendor(IdMixin, EditableMixin, ArchivableMixin, Base):
    """A tradesperson or company the operator calls."""

    __tablename__ = "vendors"

    name: Mapped[str] = mapped_column(String(255))
    trade: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(255))
    rates: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    insurance_expiry: Mapped[date | None]


class MaintenanceRequest(IdMixin, EditableMixin, Base):
    """Something to fix in a room, a unit or a property's common areas (room and unit null)."""

    __tablename__ = "maintenance_requests"
    __table_args__ = (
        CheckConstraint(f"category IN {CATEGORIES!r}", name="category"),
        CheckConstraint(f"priority IN {PRIORITIES!r}", name="priority"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint("room_id IS NULL OR unit_id IS NOT NULL", name="room_in_unit"),
        Index("ix_maintenance_requests_status_due_by", "status", "due_by"),
    )

    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    room_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    reported_by: Mapped[str] = mapped_column(String(255))  # the tenant's or staff's name
    category: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="open")
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    access_notes: Mapped[str | None] = mapped_column(Text)
    vendor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vendors.id"), index=True)
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))  # staff
    scheduled_for: Mapped[date | None]
    due_by: Mapped[datetime]
    resolution_notes: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    # The request took its room out of letting (rooms.status "maintenance") and gives it back
    # when resolved.
    holds_room: Mapped[bool] = mapped_column(default=False)
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("maintenance_schedules.id"))
    schedule_due: Mapped[date | None]  # the schedule's date this request was raised for


class MaintenanceLog(IdMixin, CreatedMixin, Base):
    """A dated line of a request's history: every change, by whom. Added, never edited."""

    __tablename__ = "maintenance_log"

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("maintenance_requests.id", ondelete="CASCADE"), index=True)
    actor_name: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class MaintenanceCost(IdMixin, CreatedMixin, Base):
    """Money spent on a request; `charge_id` when it was recharged to a tenant's lease."""

    __tablename__ = "maintenance_costs"
    __table_args__ = (
        CheckConstraint(f"kind IN {COST_KINDS!r}", name="kind"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("maintenance_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal]
    incurred_on: Mapped[date]
    lease_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("leases.id"))
    charge_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("charges.id"), unique=True)


class MaintenanceSchedule(IdMixin, EditableMixin, ArchivableMixin, Base):
    """Recurring work (the boiler each year): raises a request when `next_due` comes."""

    __tablename__ = "maintenance_schedules"
    __table_args__ = (
        CheckConstraint(f"category IN {CATEGORIES!r}", name="category"),
        CheckConstraint(f"priority IN {PRIORITIES!r}", name="priority"),
        CheckConstraint("every_months BETWEEN 1 AND 120", name="every_months"),
    )

    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    room_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rooms.id"))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    every_months: Mapped[int]
    next_due: Mapped[date]
    vendor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vendors.id"))
