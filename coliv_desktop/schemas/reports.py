"""Reports: what the screens, the CSV files and the PDFs show."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from coliv_desktop.domain.wording import plural
from coliv_desktop.schemas.common import Output


class CollectionRow(Output):
    lease_id: uuid.UUID
    property: str
    unit: str
    room: str
    tenant: str
    due: Decimal
    paid: Decimal
    past_due: Decimal  # of what is still open, the part past its due date
    status: str  # paid, due or overdue (domain.aging.account_status)


class CollectionReport(Output):
    month: str
    expected: Decimal
    collected: Decimal
    outstanding: Decimal
    collection_rate: Decimal  # percent, one decimal place
    rooms: list[CollectionRow]


class AgingRow(Output):
    lease_id: uuid.UUID
    tenant: str
    property: str
    unit: str
    room: str
    buckets: dict[str, Decimal]
    total: Decimal
    past_due: Decimal  # every bucket but "current": what is owed past its due date


class AgingReport(Output):
    as_of: date
    rows: list[AgingRow]
    totals: dict[str, Decimal]
    total: Decimal


class RentRollRow(Output):
    lease_id: uuid.UUID
    property: str
    unit: str
    room: str
    bed: int
    tenant: str
    lease_start: date
    lease_end: date | None
    rent: Decimal
    deposit: Decimal
    deposit_held: Decimal
    balance: Decimal


class VacancyRow(Output):
    """A bed nobody leases on the rent roll's day, with the rent asked for it."""

    room_id: uuid.UUID
    property: str
    unit: str
    room: str
    bed: int
    shared: bool  # a bed of a shared room (else the whole private room)
    asking_rent: Decimal
    status: str  # the room's own status: available or maintenance
    available_date: date | None

    def note(self) -> str:
        """Under maintenance, or available (from when)."""
        if self.status == "maintenance":
            return "under maintenance"
        if self.available_date is not None:
            return f"available from {self.available_date.isoformat()}"
        return "available"


class RentRoll(Output):
    as_of: date
    rows: list[RentRollRow]
    total_rent: Decimal
    total_balance: Decimal
    vacancies: list[VacancyRow] = []
    total_asking: Decimal = Decimal("0.00")

    def vacancy_text(self) -> str:
        """"3 vacant rooms and 1 vacant bed" (a bed: of a shared room), "nothing vacant"."""
        beds = sum(1 for v in self.vacancies if v.shared)
        rooms = len(self.vacancies) - beds
        parts = ([plural(rooms, "vacant room")] if rooms else []) + (
            [plural(beds, "vacant bed")] if beds else [])
        return " and ".join(parts) or "nothing vacant"


class StatementLine(Output):
    day: date
    description: str
    charge: Decimal | None
    payment: Decimal | None
    balance: Decimal
    void: bool = False


class Statement(Output):
    lease_id: uuid.UUID
    tenant: str
    place: str
    start: date
    end: date
    opening: Decimal
    lines: list[StatementLine]
    closing: Decimal


class IncomeRow(Output):
    property: str
    month: str
    rent: Decimal
    late_fees: Decimal
    utilities: Decimal
    other: Decimal
    total: Decimal


class IncomeReport(Output):
    start: date
    end: date
    rows: list[IncomeRow]
    total: Decimal
