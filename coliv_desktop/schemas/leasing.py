"""Leases: inputs and outputs."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Self

from pydantic import Field, model_validator

from coliv_desktop.domain import limits
from coliv_desktop.schemas.common import Day, FieldProblem, Input, Money, Notes, Output


class LeaseCreate(Input):
    room_id: uuid.UUID
    tenant_id: uuid.UUID
    lease_start: Day
    lease_end: Day | None = None
    rent_amount: Money | None = None  # defaults to the room's rent (per bed)
    deposit_amount: Money = Decimal("0.00")
    bed: int | None = Field(default=None, ge=1, le=limits.MAX_BEDS)  # None: a free bed
    notes: Notes = None

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.lease_end is not None and self.lease_end < self.lease_start:
            raise FieldProblem("lease_end", "must not be before the start date")
        return self


class LeaseRenewal(Input):
    new_end: Day | None = None  # None: the renewal runs month to month, open-ended
    rent_amount: Money | None = None


class LeaseTransfer(Input):
    room_id: uuid.UUID
    transfer_date: Day
    rent_amount: Money | None = None
    bed: int | None = Field(default=None, ge=1, le=limits.MAX_BEDS)


class LeaseOut(Output):
    id: uuid.UUID
    room_id: uuid.UUID
    tenant_id: uuid.UUID
    bed: int
    lease_start: date
    lease_end: date | None
    rent_amount: Decimal
    deposit_amount: Decimal
    status: str
    origin: str
    previous_lease_id: uuid.UUID | None
    move_in_date: date | None
    move_out_date: date | None
    notes: str | None
    version: int

    def active_on(self, day: date) -> bool:
        return (
            self.status != "cancelled"
            and self.lease_start <= day
            and (self.lease_end is None or self.lease_end >= day)
        )


class LeaseRow(Output):
    """A lease with the names an operator reads: for lists, pickers and reports."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    tenant_name: str
    property_id: uuid.UUID
    property_name: str
    unit_id: uuid.UUID
    unit_number: str
    room_id: uuid.UUID
    room_number: str
    bed: int
    lease_start: date
    lease_end: date | None
    rent_amount: Decimal
    deposit_amount: Decimal
    status: str
    origin: str
    # the version read with the row: what a lease dialog opened from it saves against
    version: int | None = None
