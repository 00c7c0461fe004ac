"""The maintenance queue: vendors, requests, their log and costs, recurring schedules."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import pydantic
from pydantic import model_validator

from coliv_desktop.domain import limits
from coliv_desktop.schemas.common import (
    Day,
    Email,
    FieldProblem,
    Input,
    Line,
    Money,
    Name,
    Notes,
    Output,
    Phone,
    Version,
    text,
)

Category = Literal["plumbing", "electrical", "appliance", "heating_cooling", "pest", "cleaning",
                   "furniture", "internet", "other"]
Priority = Literal["low", "medium", "high", "urgent"]
CostKind = Literal["parts", "labour", "vendor_invoice", "other"]
Trade = Annotated[str, text(100)]
Months = Annotated[int, pydantic.Field(ge=1, le=120)]


# --- vendors ------------------------------------------------------------------------------------

class VendorCreate(Input):
    name: Name
    trade: Trade
    phone: Phone = None
    email: Email | None = None
    rates: Notes = None
    notes: Notes = None
    insurance_expiry: Day | None = None


class VendorUpdate(Input):
    name: Name | None = None
    trade: Trade | None = None
    phone: Phone = None
    email: Email | None = None
    rates: Notes = None
    notes: Notes = None
    insurance_expiry: Day | None = None
    expected_version: Version | None = None


class VendorOut(Output):
    id: uuid.UUID
    name: str
    trade: str
    phone: str | None
    email: str | None
    rates: str | None
    notes: str | None
    insurance_expiry: date | None
    archived_at: datetime | None
    version: int


# --- requests -----------------------------------------------------------------------------------

class _Place(Input):
    """Where: a room, a unit, or a property's common areas (the narrowest one given wins;
    the wider ones, when given too, must contain it)."""

    property_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> _Place:
        if self.property_id is None and self.unit_id is None and self.room_id is None:
            raise FieldProblem("property_id", "give a room, a unit or a property")
        return self


class RequestCreate(_Place):
    category: Category
    priority: Priority
    title: Line
    description: Notes = None
    access_notes: Notes = None
    tenant_id: uuid.UUID | None = None  # reported by this tenant (else by the staff member)
    reported_by: Annotated[str | None, text(limits.NAME, optional=True)] = None
    holds_room: bool = False  # take the room out of letting until resolved


class RequestUpdate(Input):
    title: Line | None = None
    description: Notes = None
    access_notes: Notes = None
    category: Category | None = None
    priority: Priority | None = None
    resolution_notes: Notes = None
    expected_version: Version | None = None


class RequestOut(Output):
    id: uuid.UUID
    property_id: uuid.UUID
    unit_id: uuid.UUID | None
    room_id: uuid.UUID | None
    tenant_id: uuid.UUID | None
    reported_by: str
    category: str
    priority: str
    status: str
    title: str
    description: str | None
    access_notes: str | None
    vendor_id: uuid.UUID | None
    assigned_to: uuid.UUID | None  # a member of staff (a user)
    scheduled_for: date | None
    due_by: datetime
    resolution_notes: str | None
    resolved_at: datetime | None
    holds_room: bool
    schedule_id: uuid.UUID | None
    schedule_due: date | None
    created_at: datetime
    version: int
    overdue: bool = False
    cost: Decimal = Decimal("0.00")  # every cost recorded, recharged or not


class LogOut(Output):
    id: uuid.UUID
    request_id: uuid.UUID
    created_at: datetime
    actor_name: str
    action: str
    from_status: str | None
    to_status: str | None
    note: str | None


# --- costs --------------------------------------------------------------------------------------

class CostCreate(Input):
    request_id: uuid.UUID
    amount: Money
    description: Line
    kind: CostKind = "other"
    incurred_on: Day | None = None  # today when not given
    lease_id: uuid.UUID | None = None  # recharge to this lease: one charge on it


class CostOut(Output):
    id: uuid.UUID
    request_id: uuid.UUID
    kind: str
    description: str
    amount: Decimal
    incurred_on: date
    lease_id: uuid.UUID | None
    charge_id: uuid.UUID | None


class CostReportRow(Output):
    """The property's own maintenance cost in one month (costs not recharged to a lease)."""

    property_id: uuid.UUID
    property: str
    month: str  # YYYY-MM
    total: Decimal


# --- schedules ----------------------------------------------------------------------------------

class ScheduleCreate(_Place):
    title: Line
    category: Category
    every_months: Months
    next_due: Day
    priority: Priority = "medium"
    description: Notes = None
    vendor_id: uuid.UUID | None = None


class ScheduleOut(Output):
    id: uuid.UUID
    property_id: uuid.UUID
    unit_id: uuid.UUID | None
    room_id: uuid.UUID | None
    title: str
    description: str | None
    category: str
    priority: str
    every_months: int
    next_due: date
    vendor_id: uuid.UUID | None
    archived_at: datetime | None
    version: int


class ScheduleRunResult(Output):
    through: date
    created: list[uuid.UUID]


# --- the work order -----------------------------------------------------------------------------

class WorkOrderData(Output):
    """What a work order prints: addressed to the vendor, with the tenant to contact only
    when the settings say so."""

    request_id: uuid.UUID
    vendor_name: str
    vendor_trade: str
    vendor_phone: str | None
    vendor_email: str | None
    property_name: str
    address: str
    unit: str | None
    room: str | None
    access_notes: str | None
    tenant_name: str | None
    tenant_phone: str | None
    tenant_email: str | None
    title: str
    description: str | None
    category: str
    priority: str
    due_by: datetime
    scheduled_for: date | None
    written_on: date

