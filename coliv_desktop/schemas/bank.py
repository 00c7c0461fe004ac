"""Bank accounts, imported statement lines, their proposals, payee rules and reconciliations
(issue 15). Amounts are signed as the bank writes them: money in positive, money out negative."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import parse_money
from coliv_desktop.schemas.common import Day, Input, Name, Notes, Output, Version

ProposalKind = Literal["payment", "link", "expense"]


def _signed(value: Any) -> Decimal:
    try:
        return parse_money(value, "amount", allow_negative=True)
    except ValidationError as exc:
        raise ValueError(exc.detail) from None


# a balance: an overdrawn account's, or a credit card's (what is owed), is negative
Balance = Annotated[Decimal, BeforeValidator(_signed)]


class BankAccountCreate(Input):
    name: Name
    property_id: uuid.UUID | None = None
    institution: Name | None = None
    opening_balance: Balance = Decimal("0.00")
    opening_on: Day | None = None
    notes: Notes = None


class BankAccountUpdate(Input):
    """The whole account as edited (property None: the operator's own account)."""

    name: Name
    property_id: uuid.UUID | None = None
    institution: Name | None = None
    opening_balance: Balance = Decimal("0.00")
    opening_on: Day | None = None
    notes: Notes = None
    expected_version: Version | None = None


class BankAccountOut(Output):
    id: uuid.UUID
    name: str
    property_id: uuid.UUID | None
    property_name: str | None = None
    institution: str | None
    ofx_account_id: str | None
    opening_balance: Decimal
    opening_on: date | None
    csv_mapping: dict[str, Any] | None
    notes: str | None = None
    unmatched: int = 0
    lines: int = 0
    closed_through: date | None = None
    statement_balance: Decimal | None = None  # the last imported statement's closing balance
    statement_on: date | None = None
    version: int


class Proposal(Output):
    """What a line could become, with the reason in words. `kind`: a new payment on a lease,
    a link to a payment recorded by hand, or an expense (by a payee rule)."""

    kind: ProposalKind
    reason: str
    score: int
    lease_id: uuid.UUID | None = None
    tenant: str | None = None
    charge_ids: list[uuid.UUID] = []
    payment_id: uuid.UUID | None = None
    category: str | None = None
    property_id: uuid.UUID | None = None
    payee: str | None = None


class BankLineOut(Output):
    id: uuid.UUID
    bank_account_id: uuid.UUID
    account: str
    posted_on: date
    amount: Decimal
    name: str
    memo: str | None
    fitid: str | None
    check_number: str | None
    status: str
    lease_id: uuid.UUID | None
    payment_id: uuid.UUID | None
    expense_id: uuid.UUID | None
    matched_by: str | None
    matched_at: datetime | None
    note: str | None
    locked: bool = False
    proposals: list[Proposal] = []


class ImportResult(Output):
    account_id: uuid.UUID
    account: str
    statement_id: uuid.UUID
    format: str
    reader: str
    imported: int
    duplicates: int
    proposed: int
    closing_balance: Decimal | None
    balance_on: date | None
    account_created: bool


class PayeeRuleCreate(Input):
    pattern: Name
    category: Name
    property_id: uuid.UUID | None = None
    bank_account_id: uuid.UUID | None = None
    payee: Name | None = None


class PayeeRuleOut(Output):
    id: uuid.UUID
    pattern: str
    category_id: uuid.UUID
    category: str
    property_id: uuid.UUID | None
    property_name: str | None = None
    bank_account_id: uuid.UUID | None
    payee: str | None


class ReconciliationCheck(Output):
    """A statement's closing balance against the book, before locking."""

    bank_account_id: uuid.UUID
    account: str
    period_start: date
    period_end: date
    opening_balance: Decimal
    book_balance: Decimal
    statement_balance: Decimal
    difference: Decimal
    unmatched: int
    can_lock: bool
    problem: str | None


class ReconciliationOut(Output):
    id: uuid.UUID
    bank_account_id: uuid.UUID
    period_start: date
    period_end: date
    statement_balance: Decimal
    book_balance: Decimal
    reconciled_by: str
    created_at: datetime
    reopened_at: datetime | None
    reopened_by: str | None
    reopen_reason: str | None
