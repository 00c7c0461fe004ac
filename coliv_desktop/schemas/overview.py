"""Read models for the desktop views: the property tree, rent roll, turnover, directories,
the tenant contact log."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from coliv_desktop.domain import limits
from coliv_desktop.schemas.common import Day, Input, Output, text


class TreeRow(Output):
    """One room of the portfolio (or a property/unit with no rooms yet), with who lives there.

    `unit_id`/`room_id` are None for a property without units or a unit without rooms.
    """

    property_id: uuid.UUID
    property_name: str
    city: str
    unit_id: uuid.UUID | None = None
    unit_number: str | None = None
    room_id: uuid.UUID | None = None
    room_number: str | None = None
    room_type: str | None = None
    beds: int = 0
    rent_amount: Decimal | None = None
    status: str | None = None
    beds_occupied: int = 0
    tenants: list[str] = Field(default_factory=list)
    tenant_ids: list[uuid.UUID] = Field(default_factory=list)
    occupied_until: date | None = None


class OutlineRow(Output):
    """A property (or one of its units) with its rooms counted: the tree of a large portfolio
    before anything is opened. `children`: how many units (for a property) or rooms."""

    id: uuid.UUID
    label: str  # the property's name or the unit's number
    children: int
    rooms_total: int
    rooms_occupied: int


class PortfolioTree(Output):
    on: date
    rows: list[TreeRow]


class PropertyRentRoll(Output):
    property_id: uuid.UUID
    property_name: str
    rent_roll: Decimal  # monthly rent of the leases active on the day
    potential: Decimal  # rent x beds of every live room


TurnoverKind = Literal["move_in", "move_out", "ending", "vacant"]


class TurnoverEvent(Output):
    kind: TurnoverKind
    day: date  # move-in day, last day of a lease, or first vacant day
    lease_id: uuid.UUID
    tenant_id: uuid.UUID
    tenant_name: str
    property_id: uuid.UUID
    property_name: str
    unit_number: str
    room_id: uuid.UUID
    room_number: str
    bed: int
    rent_amount: Decimal
    origin: str
    next_start: date | None = None  # vacant: when the next lease on that bed starts

    @property
    def room_label(self) -> str:
        return f"{self.property_name} · {self.unit_number}-{self.room_number}"


class Turnover(Output):
    start: date
    end: date
    move_ins: list[TurnoverEvent]
    move_outs: list[TurnoverEvent]
    ending_without_renewal: list[TurnoverEvent]
    becoming_vacant: list[TurnoverEvent]


class TimelineBed(Output):
    property_id: uuid.UUID
    property_name: str
    unit_id: uuid.UUID
    unit_number: str
    room_id: uuid.UUID
    room_number: str
    bed: int
    beds: int
    status: str


class TimelineBar(Output):
    lease_id: uuid.UUID
    room_id: uuid.UUID
    bed: int
    tenant_id: uuid.UUID
    tenant_name: str
    start: date
    end: date | None
    status: str


class Timeline(Output):
    start: date
    end: date
    beds: list[TimelineBed]
    bars: list[TimelineBar]


class TenantRow(Output):
    id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    phone: str | None
    room: str | None  # where they live today ("Downtown Loft · 3B-A")
    lease_end: date | None
    archived_at: datetime | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


ContactKind = Literal["call", "email", "visit", "note"]


class ContactCreate(Input):
    tenant_id: uuid.UUID
    kind: ContactKind
    contact_date: Day
    summary: Annotated[str, text(limits.NOTES, multiline=True)]


class ContactOut(Output):
    id: uuid.UUID
    tenant_id: uuid.UUID
    kind: str
    contact_date: date
    summary: str
    recorded_by: str
    created_at: datetime
