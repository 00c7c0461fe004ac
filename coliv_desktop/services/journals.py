"""Journals for the accountant (issue 15): the book's double entry for a date range, on the
accrual basis, written as a QuickBooks Online or Xero CSV, a QuickBooks Desktop IIF file or a
Beancount ledger (`domain.journal` writes them).

What each CoLiv entry becomes (dated as the ledger dates it; every line carries the property):
- a charge (due date): Dr Receivable:<tenant> / Cr Income:<kind>; a deposit charge credits
  the liability Tenant deposits instead, and a credit on account refunded at move-out
  credits the bank (the money went back to the tenant);
- a payment (received on): Dr the bank account of the statement line it was matched to, else
  Undeposited funds / Cr Receivable:<tenant>;
- a credit: Dr Income:Credits (the unpaid deposit released at move-out: Dr Tenant deposits)
  / Cr Receivable; the deposit applied at move-out: Dr Tenant deposits / Cr Receivable;
- a deposit refunded at move-out (decided on): Dr Tenant deposits / Cr Bank;
- an expense (spent on): Dr Expenses:<category> / Cr the bank (paid) or Accounts payable
  (due; paid later: Dr Accounts payable / Cr Bank on the day it was paid);
- a void (voided on): the reversing entry of what it voids, with the reason.
The journal holds the entries dated in the range: no opening balances.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    BankAccount,
    BankTransaction,
    Charge,
    DepositDisposition,
    Expense,
    ExpenseCategory,
    Lease,
    Payment,
    Property,
    Room,
    Tenant,
    Unit,
    Void,
)
from coliv_desktop.db.models.books import SCHEDULE_E
from coliv_desktop.domain import journal as jr
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.journal import Account, Entry
from coliv_desktop.files import write_atomically
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.deposits import CREDIT_REFUND, RELEASE_NOTE
from coliv_desktop.services.settings import read_settings

ZERO = Decimal("0.00")
UNDEPOSITED = Account("undeposited")
DEPOSITS = Account("deposits")
PAYABLE = Account("payable")
CREDITS = Account("income", "Credits")


@dataclass(frozen=True)
class Journal:
    start: date
    end: date
    currency: str
    entries: list[Entry]
    expense_categories: list[str]  # every category, in the Schedule E order (Xero's codes)


@dataclass(frozen=True)
class JournalExport:
    paths: list[Path]
    entries: int
    lines: int
    debits: Decimal


@dataclass(frozen=True)
class _Place:
    tenant: str
    property: str
    property_id: uuid.UUID
    lease_id: uuid.UUID


def check_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationError("end", "the journal must end on or after its first day")


class _Builder:
    def __init__(self, s: Session, start: date, end: date) -> None:
        self.s, self.start, self.end = s, start, end
        self.entries: list[Entry] = []
        tenants = s.execute(select(Tenant.id, Tenant.first_name, Tenant.last_name)
                            .order_by(Tenant.created_at, Tenant.id)).all()
        self.tenants = jr.unique_labels((t.id, f"{t.first_name} {t.last_name}") for t in tenants)
        props = s.execute(select(Property.id, Property.name)
                          .order_by(Property.created_at, Property.id)).all()
        self.properties = jr.unique_labels((p.id, p.name) for p in props)
        self.places: dict[uuid.UUID, _Place] = {}
        for lease_id, tenant_id, property_id in s.execute(
                select(Lease.id, Lease.tenant_id, Unit.property_id)
                .join(Room, Room.id == Lease.room_id).join(Unit, Unit.id == Room.unit_id)):
            self.places[lease_id] = _Place(self.tenants.get(tenant_id, "Unnamed"),
                                           self.properties.get(property_id, "Unnamed"),
                                           property_id, lease_id)
        self.banks: dict[uuid.UUID, str] = {}  # payment or expense id -> bank account name
        for payment_id, expense_id, name in s.execute(
                select(BankTransaction.payment_id, BankTransaction.expense_id, BankAccount.name)
                .join(BankAccount, BankAccount.id == BankTransaction.bank_account_id)
                .where(or_(BankTransaction.payment_id.is_not(None),
                           BankTransaction.expense_id.is_not(None)))):
            key = payment_id or expense_id
            if key is not None:
                self.banks[key] = name

    def inside(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def add(self, entry: Entry) -> None:
        if self.inside(entry.day):
            self.entries.append(entry)

    def _meta(self, place: _Place, source: str) -> list[tuple[str, str]]:
        return [("property_id", str(place.property_id)), ("lease_id", str(place.lease_id)),
                ("source", source)]

    def charge_entry(self, c: Charge) -> Entry:
        place = self.places[c.lease_id]
        tenant = Account("receivable", place.tenant)
        if c.kind == "deposit":
            other = DEPOSITS
        elif c.period.startswith(CREDIT_REFUND):
            other = Account("bank")
        else:
            other = Account("income", jr.INCOME_LABELS.get(c.kind, "Other"))
        return jr.pair(c.due_date, c.description, place.tenant, place.property, tenant, other,
                       c.amount, name=place.tenant, meta=self._meta(place, f"charge:{c.id}"))

    def payment_entry(self, p: Payment) -> Entry:
        place = self.places[p.lease_id]
        tenant = Account("receivable", place.tenant)
        if p.kind == "payment":
            bank = self.banks.get(p.id)
            debit = Account("bank", bank) if bank else UNDEPOSITED
            how = (p.method or "").replace("_", " ")
            text = f"Payment, receipt No. {p.receipt_number or 0:06d}" + (f", {how}" if how else "")
            if p.reference:
                text += f" ({p.reference})"
        elif p.kind == "deposit":
            debit, text = DEPOSITS, p.note or "Deposit applied at move-out"
        elif p.note == RELEASE_NOTE:
            debit, text = DEPOSITS, RELEASE_NOTE
        else:
            debit, text = CREDITS, f"Credit: {p.note}" if p.note else "Credit"
        return jr.pair(p.received_on, text, place.tenant, place.property, debit, tenant,
                       p.amount, name=place.tenant, meta=self._meta(place, f"payment:{p.id}"))

    def ledger(self) -> None:
        s = self.s
        voids = s.scalars(select(Void).where(Void.voided_on.between(self.start, self.end))).all()
        void_of_charge = {v.charge_id: v for v in voids if v.charge_id is not None}
        void_of_payment = {v.payment_id: v for v in voids if v.payment_id is not None}
        charges = s.scalars(select(Charge).where(or_(
            Charge.due_date.between(self.start, self.end),
            Charge.id.in_(list(void_of_charge)))).order_by(Charge.due_date, Charge.id)).all()
        for c in charges:
            entry = self.charge_entry(c)
            self.add(entry)
            if (v := void_of_charge.get(c.id)) is not None:
                self.add(jr.reverse(entry, v.voided_on, f"Void: {entry.narration} ({v.reason})"))
        payments = s.scalars(select(Payment).where(or_(
            Payment.received_on.between(self.start, self.end),
            Payment.id.in_(list(void_of_payment))))
            .order_by(Payment.received_on, Payment.created_at, Payment.id)).all()
        for p in payments:
            entry = self.payment_entry(p)
            self.add(entry)
            if (v := void_of_payment.get(p.id)) is not None:
                self.add(jr.reverse(entry, v.voided_on, f"Void: {entry.narration} ({v.reason})"))
        for d in s.scalars(select(DepositDisposition).where(
                DepositDisposition.decided_on.between(self.start, self.end),
                DepositDisposition.refund > 0)):
            place = self.places[d.lease_id]
            how = f" by {d.refund_method.replace('_', ' ')}" if d.refund_method else ""
            self.add(jr.pair(d.decided_on, f"Deposit refunded at move-out{how}", place.tenant,
                             place.property, DEPOSITS, Account("bank"), d.refund,
                             name=place.tenant, meta=self._meta(place, f"deposit:{d.id}")))

    def expenses(self) -> None:
        s = self.s
        categories = dict(s.execute(select(ExpenseCategory.id, ExpenseCategory.name)).all())
        rows = s.scalars(select(Expense).where(or_(
            Expense.spent_on.between(self.start, self.end),
            Expense.paid_on.between(self.start, self.end),
            Expense.voided_on.between(self.start, self.end)))
            .order_by(Expense.spent_on, Expense.id)).all()
        for x in rows:
            prop = self.properties.get(x.property_id, "Unnamed")
            meta = [("property_id", str(x.property_id)), ("source", f"expense:{x.id}")]
            bank_name = self.banks.get(x.id)
            bank = Account("bank", bank_name)
            expense = Account("expense", categories.get(x.category_id, "Other"))
            text = f"{categories.get(x.category_id, 'Expense')}: {x.payee}" + (
                f" ({x.reference})" if x.reference else "")
            paid_later = x.status == "paid" and x.paid_on is not None and x.paid_on != x.spent_on
            at_once = x.status == "paid" and not paid_later
            made = [jr.pair(x.spent_on, text, x.payee, prop, expense,
                            bank if at_once else PAYABLE, x.amount, name=x.payee, meta=meta)]
            if paid_later and x.paid_on is not None:
                made.append(jr.pair(x.paid_on, f"Paid: {text}", x.payee, prop, PAYABLE, bank,
                                    x.amount, name=x.payee, meta=meta))
            for entry in made:
                self.add(entry)
                if x.voided_on is not None:
                    self.add(jr.reverse(entry, x.voided_on,
                                        f"Void: {entry.narration} ({x.void_reason or 'voided'})"))


def _category_order(s: Session) -> list[str]:
    order = {name: i for i, (name, _line) in enumerate(SCHEDULE_E)}
    names = s.scalars(select(ExpenseCategory.name)).all()
    return sorted(names, key=lambda n: (order.get(n, len(order)), n.casefold()))


def journal(db: Database, actor: Actor, start: date, end: date) -> Journal:
    """The double entry of every ledger entry and expense dated from `start` to `end`,
    numbered in date order, each entry balanced."""
    check_range(start, end)
    with reading(db, actor, "ledger.read") as s:
        builder = _Builder(s, start, end)
        builder.ledger()
        builder.expenses()
        currency = str(read_settings(s).get("currency") or "USD")
        return Journal(start, end, currency, jr.numbered(builder.entries), _category_order(s))


def check_dates(fmt: str, dates: str | None) -> jr.DateOrder:
    """The date order to write: the format's own unless given (QuickBooks Online and Xero
    only: an IIF file and a Beancount ledger have one)."""
    if dates is None:
        return jr.DEFAULT_DATES[fmt] if fmt in jr.DEFAULT_DATES else "ymd"
    if fmt not in ("qbo", "xero"):
        raise ValidationError("dates", f"{fmt} files have one date format (choose dates for "
                              "qbo or xero only)")
    for order in jr.DATE_ORDERS:
        if order == dates:
            return order
    raise ValidationError("dates", f'"{dates}" is not a date order (mdy: MM/DD/YYYY, '
                          "dmy: DD/MM/YYYY, ymd: YYYY-MM-DD)")


def journal_files(book: Journal, fmt: jr.Format, title: str = "CoLiv",
                  dates: jr.DateOrder | None = None) -> list[bytes]:
    """The file(s) of a journal in a format (Xero: one per 300 lines)."""
    order = dates or jr.DEFAULT_DATES[fmt]
    match fmt:
        case "qbo":
            return [jr.qbo_csv(book.entries, order)]
        case "xero":
            return jr.xero_csv(book.entries, jr.expense_codes(book.expense_categories),
                               dates=order)
        case "iif":
            return [jr.iif_text(book.entries)]
        case "beancount":
            return [jr.beancount_text(book.entries, book.start, book.end, book.currency, title)]
    raise ValidationError("format", f"{fmt!r} is not a journal format (qbo, xero, iif, beancount)")


def part_paths(out: Path, count: int) -> list[Path]:
    """`journal.csv` for one file; `journal.csv`, `journal-2.csv`, ... for several."""
    return [out if i == 0 else out.with_name(f"{out.stem}-{i + 1}{out.suffix}")
            for i in range(count)]


def export_journal(db: Database, actor: Actor, start: date, end: date, fmt: str,
                   out: Path, dates: str | None = None) -> JournalExport:
    """Write the journal for the range to `out` (Xero: more files beside it past 300 lines);
    `dates`: mdy, dmy or ymd for the CSVs (default: the format's, see `DEFAULT_DATES`)."""
    if fmt not in jr.FORMATS:
        raise ValidationError("format", f'"{fmt}" is not a journal format (one of: '
                              f'{", ".join(jr.FORMATS)})')
    order = check_dates(fmt, dates)
    return write_journal(journal(db, actor, start, end), fmt, out, order)


def write_journal(book: Journal, fmt: jr.Format, out: Path,
                  dates: jr.DateOrder | None = None) -> JournalExport:
    """Write a journal read by `journal` (the desktop app reads it, then writes it, so a
    Cancel in between writes nothing)."""
    files = journal_files(book, fmt, dates=dates)
    paths = [write_atomically(path, data)
             for path, data in zip(part_paths(Path(out), len(files)), files, strict=True)]
    return JournalExport(paths=paths, entries=len(book.entries),
                         lines=sum(len(e.lines) for e in book.entries),
                         debits=sum((ln.amount for e in book.entries for ln in e.lines
                                     if ln.amount > 0), ZERO))
