"""What the printed documents need, gathered by services.printing."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from coliv_desktop.schemas.common import Output
from coliv_desktop.schemas.ledger import AllocationOut


class Place(Output):
    property_name: str
    address: str
    unit: str
    room: str
    bed: int

    @property
    def label(self) -> str:
        return f"{self.property_name}, unit {self.unit}, room {self.room}"


class ReceiptData(Output):
    payment_id: uuid.UUID
    receipt_number: int
    received_on: date
    tenant: str
    place: Place
    amount: Decimal
    method: str
    reference: str | None
    allocations: list[AllocationOut]
    unapplied: Decimal
    balance_after: Decimal
    void_reason: str | None


class LeaseData(Output):
    lease_id: uuid.UUID
    tenant: str
    tenant_email: str
    tenant_phone: str | None
    place: Place
    lease_start: date
    lease_end: date | None
    rent: Decimal
    deposit: Decimal
    due_day: int
    house_rules: str
    late_fee: str
    shared_room: bool = False
    jurisdiction: str = ""  # the property's city and state: the law the agreement follows
