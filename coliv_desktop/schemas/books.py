"""The whole books (issue 15): expenses and their categories. Bank, recurring bills, profit
and loss and sheets add their schemas here or in their own modules."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import model_validator

from coliv_desktop.schemas.common import Day, FieldProblem, Input, Line, Money, Name, Notes, Output

ExpenseStatus = Literal["paid", "due"]


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
