"""The ledger: inputs and outputs."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from coliv_desktop.domain import limits
from coliv_desktop.schemas.common import Day, Input, Line, Money, Notes, Output, text

Method = Literal["cash", "check", "bank_transfer", "card", "other"]


class AllocationIn(Input):
    charge_id: uuid.UUID
    amount: Money


class PaymentCreate(Input):
    lease_id: uuid.UUID
    amount: Money
    received_on: Day
    method: Method
    reference: Annotated[str | None, text(limits.REFERENCE, optional=True)] = None
    note: Notes = None
    # None: oldest charge first. A list: exactly these amounts; what is left stays as credit.
    allocations: list[AllocationIn] | None = None


class CreditCreate(Input):
    lease_id: uuid.UUID
    amount: Money
    received_on: Day
    reason: Line
    allocations: list[AllocationIn] | None = None


class ChargeCreate(Input):
    """A charge entered by hand (a repair, a key, a correction of a voided rent charge)."""

    lease_id: uuid.UUID
    kind: Literal["rent", "utility", "other"] = "other"
    due_date: Day
    amount: Money
    description: Line
    period_start: Day | None = None
    period_end: Day | None = None


class ChargeOut(Output):
    id: uuid.UUID
    lease_id: uuid.UUID
    kind: str
    period: str
    period_start: date | None
    period_end: date | None
    due_date: date
    amount: Decimal
    paid: Decimal
    outstanding: Decimal
    status: str
    description: str
    working: str | None
    void_reason: str | None


class AllocationOut(Output):
    charge_id: uuid.UUID
    description: str
    due_date: date
    outstanding_before: Decimal
    amount: Decimal


class PaymentOut(Output):
    id: uuid.UUID
    lease_id: uuid.UUID
    kind: str
    amount: Decimal
    received_on: date
    method: str | None
    reference: str | None
    note: str | None
    receipt_number: int | None
    allocated: Decimal
    unapplied: Decimal
    void_reason: str | None
    allocations: list[AllocationOut] = []


class AllocationPreview(Output):
    lease_id: uuid.UUID
    amount: Decimal
    allocations: list[AllocationOut]
    unapplied: Decimal
    balance_before: Decimal
    balance_after: Decimal


class LeaseLedger(Output):
    """Everything on one tenant's account (the lease and those it was renewed/transferred from)."""

    lease_id: uuid.UUID
    lease_ids: list[uuid.UUID]
    charges: list[ChargeOut]
    payments: list[PaymentOut]
    balance: Decimal
    deposit_held: Decimal


class RentRunResult(Output):
    through: date
    charges_created: int  # rent and deposit charges
    late_fees_created: int
    deposits_created: int
    allocations_created: int  # prepaid money applied to the new charges


class LedgerEntryRow(Output):
    """One line of the ledger pane: a charge or money in, with where and whom it concerns."""

    id: uuid.UUID
    entry: str  # "charge" | "payment"
    kind: str
    day: date
    lease_id: uuid.UUID
    tenant_name: str
    property_name: str
    unit_number: str
    room_number: str
    description: str
    amount: Decimal  # charges positive, money in negative
    status: str
