"""Deposits at move-out: inputs and outputs."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import Field

from coliv_desktop.schemas.common import Day, Input, Line, Money, Notes, Output
from coliv_desktop.schemas.ledger import Method


class DeductionIn(Input):
    reason: Line
    amount: Money


class DispositionCreate(Input):
    lease_id: uuid.UUID
    decided_on: Day
    deductions: list[DeductionIn] = Field(default_factory=list)
    apply_to_balance: bool = True  # use the deposit for rent still owed, too
    refund_method: Method | None = None
    note: Notes = None


class DeductionOut(Output):
    reason: str
    amount: Decimal


class DispositionOut(Output):
    id: uuid.UUID | None  # None for a preview
    lease_id: uuid.UUID
    tenant: str
    place: str
    decided_on: date
    required: Decimal
    held: Decimal
    deductions: list[DeductionOut]
    deductions_total: Decimal
    unpaid_before: Decimal  # what the tenant owed besides the deductions
    applied: Decimal
    refund: Decimal  # what is left of the deposit, paid back
    owed: Decimal
    credit_refund: Decimal = Decimal("0.00")  # credit on the account paid back with it
    refund_method: str | None
    note: str | None

    @property
    def total_refund(self) -> Decimal:
        return self.refund + self.credit_refund
