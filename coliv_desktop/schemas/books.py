"""The whole books (issue 15): expenses and their categories. Bank, recurring bills, profit
and loss and sheets add their schemas here or in their own modules."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import pydantic
from pydantic import BeforeValidator, model_validator

from coliv_desktop.schemas.common import (
    Day,
    FieldProblem,
    Input,
    Line,
    Money,
    Name,
    Notes,
    Output,
    Version,
)

ExpenseStatus = Literal["paid", "due"]
SCHEDULE_E_LINES = tuple(str(n) for n in range(5, 20))


def _schedule_line(value: Any) -> Any:
    """A Schedule E expense line: 5 to 19 ("line 17" and " 17 " read as "17"); blank: none."""
    if value is None:
        return None
    text = str(value).strip().lower().removeprefix("line").strip()
    if not text:
        return None
    if text not in SCHEDULE_E_LINES:
        raise ValueError(f"{str(value).strip()!r} is not a Schedule E expense line (5 to 19)")
    return text


ScheduleLine = Annotated[str | None, BeforeValidator(_schedule_line)]


class ExpenseCreate(Input):
    property_id: uuid.UUID
    unit_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    spent_on: Day
    payee: Name
    category: Name  # a category's name (any case) or its Schedule E line number
    amount: Money
    status: ExpenseStatus = "paid"
    due_date: Day | None = None
    vendor_id: uuid.UUID | None = None
    reference: Line | None = None
    notes: Notes = None

    @model_validator(mode="after")
    def _amount_positive(self) -> ExpenseCreate:
        if self.amount <= 0:
            raise FieldProblem("amount", "must be more than zero")
        return self


class ExpenseOut(Output):
    id: uuid.UUID
    property_id: uuid.UUID
    unit_id: uuid.UUID | None
    room_id: uuid.UUID | None
    spent_on: date
    payee: str
    category_id: uuid.UUID
    category: str
    amount: Decimal
    status: str
    due_date: date | None
    paid_on: date | None
    vendor_id: uuid.UUID | None
    reference: str | None
    notes: str | None
    source: str
    document_id: uuid.UUID | None
    voided_on: date | None
    void_reason: str | None
    version: int
    # shown in lists (filled by the list and get calls)
    property: str = ""
    unit: str | None = None
    room: str | None = None
    document_name: str | None = None
    recurring_bill_id: uuid.UUID | None = None
    period: str | None = None
    maintenance_cost_id: uuid.UUID | None = None


class ExpenseUpdate(Input):
    """An edit of an expense: only the fields given change (unit and room: give both or
    `clear_place` to put the expense on the property as a whole)."""

    property_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None
    clear_place: bool = False
    spent_on: Day | None = None
    payee: Name | None = None
    category: Name | None = None
    amount: Money | None = None
    status: ExpenseStatus | None = None
    due_date: Day | None = None
    paid_on: Day | None = None
    vendor_id: uuid.UUID | None = None
    reference: Line | None = None
    notes: Notes = None
    expected_version: Version | None = None

    @model_validator(mode="after")
    def _amount_positive(self) -> ExpenseUpdate:
        if self.amount is not None and self.amount <= 0:
            raise FieldProblem("amount", "must be more than zero")
        return self


ExpenseSort = Literal["date", "amount", "payee", "category", "property"]


class ExpenseQuery(Input):
    """The filters of the expense list: all optional; `status` "void" lists voided ones,
    "paid"/"due" live ones of that status, None every expense (voided too, unless
    `include_voided` is False)."""

    property_id: uuid.UUID | None = None
    category: Name | None = None
    start: Day | None = None
    end: Day | None = None
    status: Literal["paid", "due", "void"] | None = None
    search: str | None = None
    include_voided: bool = True
    sort: ExpenseSort = "date"
    descending: bool = True

    @model_validator(mode="after")
    def _end_after_start(self) -> ExpenseQuery:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise FieldProblem("end", "must not be before the From date")
        return self


class CategoryIn(Input):
    name: Name
    schedule_e_line: ScheduleLine = None


class CategoryUpdate(Input):
    name: Name | None = None
    schedule_e_line: ScheduleLine = None
    clear_line: bool = False  # take the category off Schedule E
    expected_version: Version | None = None


class CategoryOut(Output):
    id: uuid.UUID
    name: str
    schedule_e_line: str | None
    archived_at: datetime | None
    version: int
    expenses: int = 0  # how many expenses use it (voided ones too)


# --- recurring bills ---------------------------------------------------------------------------

class BillCreate(Input):
    property_id: uuid.UUID
    unit_id: uuid.UUID | None = None
    payee: Name
    vendor_id: uuid.UUID | None = None
    category: Name
    amount: Money
    day_of_month: int = pydantic.Field(default=1, ge=1, le=28)
    starts_on: Day
    ends_on: Day | None = None
    autopay: bool = False
    notes: Notes = None

    @model_validator(mode="after")
    def _check(self) -> BillCreate:
        if self.amount <= 0:
            raise FieldProblem("amount", "must be more than zero")
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise FieldProblem("ends_on", "must not be before the start")
        return self


class BillUpdate(Input):
    payee: Name | None = None
    vendor_id: uuid.UUID | None = None
    category: Name | None = None
    amount: Money | None = None
    day_of_month: int | None = pydantic.Field(default=None, ge=1, le=28)
    ends_on: Day | None = None
    clear_end: bool = False
    autopay: bool | None = None
    notes: Notes = None
    expected_version: Version | None = None

    @model_validator(mode="after")
    def _amount_positive(self) -> BillUpdate:
        if self.amount is not None and self.amount <= 0:
            raise FieldProblem("amount", "must be more than zero")
        return self


class BillOut(Output):
    id: uuid.UUID
    property_id: uuid.UUID
    property: str = ""
    unit_id: uuid.UUID | None
    payee: str
    vendor_id: uuid.UUID | None
    category_id: uuid.UUID
    category: str = ""
    amount: Decimal
    day_of_month: int
    starts_on: date
    ends_on: date | None
    autopay: bool
    notes: str | None
    archived_at: datetime | None
    version: int
    last_period: str | None = None  # the last month posted ("YYYY-MM")


class BillRunResult(Output):
    through: date
    posted: int
    bills: int
    closed: int = 0  # months not posted because their period is reconciled (closed)


# --- profit and loss ---------------------------------------------------------------------------

# "credit": credits given on account (goodwill, a concession), a negative amount
INCOME_KINDS = ("rent", "late_fee", "utility", "other", "credit")


class PnlMonth(Output):
    month: str  # "YYYY-MM", or "YYYY" for a year's totals
    income: Decimal
    expenses: Decimal
    net: Decimal
    income_by_kind: dict[str, Decimal]
    expenses_by_category: dict[str, Decimal]


class PnlProperty(Output):
    property_id: uuid.UUID
    property: str
    months: list[PnlMonth]
    totals: PnlMonth


class PnlReport(Output):
    year: int
    basis: str = "accrual"
    properties: list[PnlProperty]
    months: list[PnlMonth]  # every property together, month by month
    totals: PnlMonth


class ScheduleELine(Output):
    line: str
    label: str
    amount: Decimal


class ScheduleEProperty(Output):
    property_id: uuid.UUID
    property: str
    address: str
    rents_received: Decimal  # line 3
    royalties_received: Decimal  # line 4 (always 0 here)
    lines: list[ScheduleELine]  # 5..19, every line, 0 where nothing
    total_expenses: Decimal  # line 20
    net: Decimal  # line 21 (before depreciation limits and passive-loss rules)


class ScheduleE(Output):
    year: int
    properties: list[ScheduleEProperty]
