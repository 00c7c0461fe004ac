"""Utility bills: inputs and outputs."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal, Self

from pydantic import Field, model_validator

from coliv_desktop.schemas.common import (
    Day,
    FieldProblem,
    Input,
    Money,
    Name,
    Notes,
    Output,
    Percent,
)


class UtilityBillIn(Input):
    property_id: uuid.UUID
    unit_id: uuid.UUID | None = None  # None: every room of the property
    provider: Name
    period_start: Day
    period_end: Day
    amount: Money
    due_date: Day
    rule: Literal["equal", "per_person", "by_size", "percentages"] = "equal"
    vacant_to: Literal["operator", "occupants"] = "operator"
    percentages: dict[uuid.UUID, Percent] = Field(default_factory=dict)  # room id -> percent
    notes: Notes = None

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.period_end < self.period_start:
            raise FieldProblem("period_end", "must not be before the start of the period")
        return self


class ShareOut(Output):
    lease_id: uuid.UUID | None  # None: the operator's (vacant) share
    tenant: str
    room: str
    amount: Decimal
    days: int
    working: str
    charge_id: uuid.UUID | None = None


class UtilityBillOut(Output):
    id: uuid.UUID | None  # None for a preview
    place: str = ""  # "Downtown Loft, unit 3B" (filled in when read back)
    due_date: date | None = None
    provider: str
    period_start: date
    period_end: date
    amount: Decimal
    rule: str
    vacant_to: str
    shares: list[ShareOut]


class BillRoom(Output):
    """A room a bill can be split across (for the percentages the operator types)."""

    room_id: uuid.UUID
    label: str
    size_sqft: int | None
    beds: int


class UtilityBillRow(Output):
    """One posted bill, for the list of bills."""

    id: uuid.UUID
    property_name: str
    unit_number: str | None
    provider: str
    period_start: date
    period_end: date
    amount: Decimal
    due_date: date
    rule: str
    vacant_to: str
    tenants_share: Decimal
    operator_share: Decimal
    shares: int
    voided: bool = False  # every tenant's share voided (the bill was entered by mistake)
    needs_resplit: bool = False  # a lease change inside its period, entered after it
