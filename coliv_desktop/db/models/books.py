"""The whole books (issue 15): expenses and their categories, recurring bills, bank accounts
with their imported statements and lines, payee rules, reconciled periods, and the saved
column mappings of spreadsheet and bank CSV imports.

Money columns hold cents (`Money` through the type map). A bank line's amount is signed as the
bank writes it: money in is positive, money out negative. Each line is kept once per account:
`UNIQUE (bank_account_id, dedupe_key)`, the key being the bank's FITID or, for a CSV, the date,
amount and text (with the occurrence number within the file for identical lines).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coliv_desktop.db.models.base import ArchivableMixin, Base, CreatedMixin, EditableMixin, IdMixin

# The US Schedule E (Form 1040) expense lines, the default categories: (name, line).
SCHEDULE_E = (
    ("Advertising", "5"),
    ("Auto and travel", "6"),
    ("Cleaning and maintenance", "7"),
    ("Commissions", "8"),
    ("Insurance", "9"),
    ("Legal and other professional fees", "10"),
    ("Management fees", "11"),
    ("Mortgage interest", "12"),
    ("Other interest", "13"),
    ("Repairs", "14"),
    ("Supplies", "15"),
    ("Taxes", "16"),
    ("Utilities", "17"),
    ("Depreciation", "18"),
    ("Rent paid (master lease)", "19"),
    ("Other", "19"),
)
EXPENSE_STATUSES = ("paid", "due")
EXPENSE_SOURCES = ("manual", "bank", "recurring", "maintenance", "import")
BANK_LINE_STATUSES = ("unmatched", "matched", "expense", "ignored")
STATEMENT_FORMATS = ("ofx", "qfx", "csv")
SHEET_KINDS = ("rooms", "tenants", "leases", "balances", "payments", "bank_csv")


class ExpenseCategory(IdMixin, EditableMixin, ArchivableMixin, Base):
    """An expense category, with the Schedule E line it is reported on (null: not on it)."""

    __tablename__ = "expense_categories"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    schedule_e_line: Mapped[str | None] = mapped_column(String(10))


class RecurringBill(IdMixin, EditableMixin, ArchivableMixin, Base):
    """A bill that comes every month (the master lease, internet): posted as an expense per
    month, once (`UNIQUE (recurring_bill_id, period)` on expenses), like the rent run."""

    __tablename__ = "recurring_bills"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("day_of_month BETWEEN 1 AND 28", name="day_of_month"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="term_order"),
    )

    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    payee: Mapped[str] = mapped_column(String(255))
    vendor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vendors.id"))
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("expense_categories.id"))
    amount: Mapped[Decimal]
    day_of_month: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    autopay: Mapped[bool] = mapped_column(default=False)  # posted as paid, else as due
    notes: Mapped[str | None] = mapped_column(Text)


class Expense(IdMixin, EditableMixin, Base):
    """Money out for a property (or one of its units or rooms). A mistake is voided with a
    reason (kept, like the ledger's), or edited while its period is not reconciled."""

    __tablename__ = "expenses"
    __table_args__ = (
        CheckConstraint(f"status IN {EXPENSE_STATUSES!r}", name="status"),
        CheckConstraint(f"source IN {EXPENSE_SOURCES!r}", name="source"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("room_id IS NULL OR unit_id IS NOT NULL", name="room_in_unit"),
        CheckConstraint("(recurring_bill_id IS NULL) = (period IS NULL)", name="bill_period"),
        UniqueConstraint("recurring_bill_id", "period"),
        Index("ix_expenses_spent_on_id", "spent_on", "id"),
    )

    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))
    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    room_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rooms.id"))
    spent_on: Mapped[date]
    payee: Mapped[str] = mapped_column(String(255))
    vendor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vendors.id"))
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("expense_categories.id"),
                                                   index=True)
    amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(10), default="paid")
    due_date: Mapped[date | None]
    paid_on: Mapped[date | None]
    reference: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"))
    source: Mapped[str] = mapped_column(String(20), default="manual")
    recurring_bill_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("recurring_bills.id"))
    period: Mapped[str | None] = mapped_column(String(7))  # "YYYY-MM" of a recurring bill
    maintenance_cost_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("maintenance_costs.id"), unique=True)
    voided_on: Mapped[date | None]
    void_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(255))


class BankAccount(IdMixin, EditableMixin, ArchivableMixin, Base):
    """An account statements are imported into: the operator's (property null) or one
    property's. `ofx_account_id` finds it again when an OFX file names its account."""

    __tablename__ = "bank_accounts"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    property_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("properties.id"),
                                                          index=True)
    institution: Mapped[str | None] = mapped_column(String(255))
    ofx_account_id: Mapped[str | None] = mapped_column(String(64))
    opening_balance: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    opening_on: Mapped[date | None]
    # how this bank's CSV export reads (columns, sign convention, date order, decimal mark)
    csv_mapping: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    notes: Mapped[str | None] = mapped_column(Text)


class BankStatement(IdMixin, CreatedMixin, Base):
    """One imported file: what it held, and the closing balance the bank printed on it."""

    __tablename__ = "bank_statements"
    __table_args__ = (CheckConstraint(f"format IN {STATEMENT_FORMATS!r}", name="format"),)

    bank_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_accounts.id"),
                                                       index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(10))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    closing_balance: Mapped[Decimal | None]
    balance_on: Mapped[date | None]
    lines: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    imported_by: Mapped[str] = mapped_column(String(255))


class BankTransaction(IdMixin, EditableMixin, Base):
    """One line of a bank statement, kept once, and what it became: a payment on a lease
    (matched), an expense, or nothing (ignored: a transfer between own accounts, say)."""

    __tablename__ = "bank_transactions"
    __table_args__ = (
        UniqueConstraint("bank_account_id", "dedupe_key"),
        CheckConstraint(f"status IN {BANK_LINE_STATUSES!r}", name="status"),
        Index("ix_bank_transactions_account_posted_on", "bank_account_id", "posted_on"),
        Index("ix_bank_transactions_status", "status"),
    )

    bank_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_accounts.id"))
    statement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_statements.id"),
                                                    index=True)
    posted_on: Mapped[date]
    amount: Mapped[Decimal]
    name: Mapped[str] = mapped_column(String(255))
    memo: Mapped[str | None] = mapped_column(Text)
    fitid: Mapped[str | None] = mapped_column(String(255))
    check_number: Mapped[str | None] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(12), default="unmatched")
    lease_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("leases.id"))
    # a payment or an expense is the money of one bank line at most
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"), unique=True)
    expense_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("expenses.id"), unique=True)
    matched_by: Mapped[str | None] = mapped_column(String(255))
    matched_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


class PayeeRule(IdMixin, EditableMixin, Base):
    """"CITY OF AUSTIN UTIL" -> Utilities at a property: proposes a withdrawal as an expense.
    `pattern` is matched case-insensitively as a substring of the line's name and memo."""

    __tablename__ = "payee_rules"

    pattern: Mapped[str] = mapped_column(String(255))
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("expense_categories.id"))
    property_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("properties.id"))
    bank_account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bank_accounts.id"))
    payee: Mapped[str | None] = mapped_column(String(255))  # the name the expense gets


class Reconciliation(IdMixin, CreatedMixin, Base):
    """A bank account's period reconciled: the statement's closing balance agreed with the
    book. Entries of the account's property (every property, for the operator's account)
    dated in a locked period are refused until the period is reopened, with a reason."""

    __tablename__ = "reconciliations"
    __table_args__ = (
        UniqueConstraint("bank_account_id", "period_end"),
        CheckConstraint("period_end >= period_start", name="period_order"),
    )

    bank_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_accounts.id"),
                                                       index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    statement_balance: Mapped[Decimal]
    book_balance: Mapped[Decimal]
    reconciled_by: Mapped[str] = mapped_column(String(255))
    reopened_at: Mapped[datetime | None]
    reopened_by: Mapped[str | None] = mapped_column(String(255))
    reopen_reason: Mapped[str | None] = mapped_column(Text)


class SheetMapping(IdMixin, EditableMixin, Base):
    """A saved column mapping of a spreadsheet import, for reuse: {field: column header}
    plus the reading choices (date order, decimal mark, encoding, delimiter, sheet)."""

    __tablename__ = "sheet_mappings"
    __table_args__ = (
        UniqueConstraint("kind", "name"),
        CheckConstraint(f"kind IN {SHEET_KINDS!r}", name="kind"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)
