"""The rent ledger: charges, money in (payments and credits), allocations, voids, deposits,
late fee rules, utility bills and their shares, and the reminders outbox.

Ledger rows (charges, payments, allocations, voids, deposit dispositions, utility bills and
shares) are written once and never edited or deleted: a mistake is corrected by a void row that
names the entry and the reason. `UNIQUE (lease_id, kind, period)` on charges is what makes the
rent run idempotent: a period's rent or late fee can exist once per lease, whatever runs twice.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from coliv_desktop.db.models.base import Base, CreatedMixin, EditableMixin, IdMixin

CHARGE_KINDS = ("rent", "late_fee", "deposit", "utility", "other")
MONEY_IN_KINDS = ("payment", "credit", "deposit")
PAYMENT_METHODS = ("cash", "check", "bank_transfer", "card", "other")
LATE_FEE_MODES = ("none", "flat", "percent")
SPLIT_RULES = ("equal", "per_person", "by_size", "percentages")
VACANT_TO = ("operator", "occupants")
REMINDER_KINDS = ("before_due", "due", "overdue")
REMINDER_STATUSES = ("pending", "printed", "copied", "sent", "dismissed")


class LateFeeRuleRow(IdMixin, EditableMixin, Base):
    """A property's own late fee rule; properties without one use the operator default."""

    __tablename__ = "late_fee_rules"
    __table_args__ = (
        CheckConstraint(f"mode IN {LATE_FEE_MODES!r}", name="mode"),
        CheckConstraint("grace_days >= 0", name="grace_not_negative"),
        CheckConstraint("flat_amount >= 0", name="flat_not_negative"),
        CheckConstraint("cap IS NULL OR cap >= 0", name="cap_not_negative"),
    )

    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), unique=True)
    mode: Mapped[str] = mapped_column(String(10))
    grace_days: Mapped[int] = mapped_column(default=0)
    flat_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    cap: Mapped[Decimal | None]


class Charge(IdMixin, CreatedMixin, Base):
    """Money a tenant owes on a lease. `period` is "YYYY-MM" for rent and late fees."""

    __tablename__ = "charges"
    __table_args__ = (
        UniqueConstraint("lease_id", "kind", "period"),
        CheckConstraint(f"kind IN {CHARGE_KINDS!r}", name="kind"),
        CheckConstraint("amount > 0", name="amount_positive"),
        # the ledger list's orders, id last: a page is a seek (services.keyset); the first
        # serves reports and the rent run by due date and kind as well
        Index("ix_charges_due_date_kind_id", "due_date", "kind", "id"),
        Index("ix_charges_amount_id", "amount", "id"),
    )

    lease_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leases.id"))
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(60))
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    due_date: Mapped[date]
    amount: Mapped[Decimal]
    description: Mapped[str] = mapped_column(Text)
    working: Mapped[str | None] = mapped_column(Text)  # proration / late fee / split working
    late_fee_rule_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("late_fee_rules.id"))
    source_charge_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("charges.id"))
    created_by: Mapped[str] = mapped_column(String(255))


class Payment(IdMixin, CreatedMixin, Base):
    """Money in on a lease: a payment (with a receipt number), a credit, or the deposit applied.

    Receipt numbers run 1, 2, 3 ... per operator and are never reused: payments are never
    deleted, and a voided payment keeps its number.
    """

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("operator_id", "receipt_number"),
        CheckConstraint(f"kind IN {MONEY_IN_KINDS!r}", name="kind"),
        CheckConstraint(f"method IS NULL OR method IN {PAYMENT_METHODS!r}", name="method"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("kind <> 'payment' OR (method IS NOT NULL AND receipt_number IS NOT NULL)",
                        name="payment_has_method_and_number"),
        # the ledger list's orders, id last (services.keyset); the amount's is below the class
        Index("ix_payments_received_on_kind_id", "received_on", "kind", "id"),
    )

    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))
    lease_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="payment")
    amount: Mapped[Decimal]
    received_on: Mapped[date]
    method: Mapped[str | None] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    receipt_number: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(255))


# Amounts show negative in the ledger list: read forwards this index is the list's ascending
# order by amount, read backwards its descending one.
Index("ix_payments_amount_id", Payment.amount.desc(), Payment.id)


class AllocationRow(IdMixin, CreatedMixin, Base):
    """Part of a payment or credit applied to a charge."""

    __tablename__ = "allocations"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"), index=True)
    charge_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("charges.id"), index=True)
    amount: Mapped[Decimal]


class Void(IdMixin, CreatedMixin, Base):
    """The correction of one charge or one payment, with the reason. At most one per entry."""

    __tablename__ = "voids"
    __table_args__ = (
        CheckConstraint("(charge_id IS NULL) <> (payment_id IS NULL)", name="exactly_one_entry"),
    )

    charge_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("charges.id"), unique=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"), unique=True)
    voided_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(255))


class DepositDisposition(IdMixin, CreatedMixin, Base):
    """What became of a lease's deposit at move-out: deductions, applied to the balance, refund."""

    __tablename__ = "deposit_dispositions"

    lease_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leases.id"), unique=True)
    decided_on: Mapped[date]
    held: Mapped[Decimal]
    deductions_total: Mapped[Decimal]
    applied: Mapped[Decimal]  # deposit used to pay deductions and the unpaid balance
    refund: Mapped[Decimal]
    owed: Mapped[Decimal]  # what the tenant still owes after the deposit is used up
    credit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"))
    refund_method: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(255))


class DepositDeduction(IdMixin, CreatedMixin, Base):
    __tablename__ = "deposit_deductions"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    disposition_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("deposit_dispositions.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal]
    charge_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("charges.id"))


class UtilityBill(IdMixin, CreatedMixin, Base):
    __tablename__ = "utility_bills"
    __table_args__ = (
        CheckConstraint(f"rule IN {SPLIT_RULES!r}", name="rule"),
        CheckConstraint(f"vacant_to IN {VACANT_TO!r}", name="vacant_to"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("period_end >= period_start", name="period_order"),
    )

    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    provider: Mapped[str] = mapped_column(String(255))
    period_start: Mapped[date]
    period_end: Mapped[date]
    amount: Mapped[Decimal]
    due_date: Mapped[date]
    rule: Mapped[str] = mapped_column(String(20))
    vacant_to: Mapped[str] = mapped_column(String(20), default="operator")
    percentages: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(255))


class UtilityShare(IdMixin, CreatedMixin, Base):
    """One party's part of a bill: a lease's (with its charge) or the operator's vacant share."""

    __tablename__ = "utility_shares"

    bill_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("utility_bills.id"), index=True)
    lease_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("leases.id"))
    room_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("rooms.id"))
    amount: Mapped[Decimal]
    days: Mapped[int]
    working: Mapped[str] = mapped_column(Text)
    charge_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("charges.id"))


class Reminder(IdMixin, EditableMixin, Base):
    """The outbox: a reminder due for a charge, with its text. Email sending will read it."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("charge_id", "kind"),
        CheckConstraint(f"kind IN {REMINDER_KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {REMINDER_STATUSES!r}", name="status"),
    )

    charge_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("charges.id"))
    lease_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leases.id"), index=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    kind: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(index=True)
    amount: Mapped[Decimal]
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    handled_at: Mapped[datetime | None]
