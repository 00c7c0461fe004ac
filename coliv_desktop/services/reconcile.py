"""What a bank line becomes, and the reconciled period (issue 15).

A deposit matched to a lease becomes a payment recorded through the ledger's own path
(allocated oldest charge first, with a receipt number, method "bank_transfer"), or is linked
to the payment already recorded by hand for it (same lease, same amount, a few days apart): it
is never recorded twice. A withdrawal becomes an expense (`expenses.create_expense`, in the same
transaction) or is ignored. An undo voids what the match created, with the reason.

Reconciling an account through a day compares the statement's closing balance with the book's
(the opening balance plus every imported line up to that day); when they agree to the cent and
no line of the period waits unmatched, the period is locked (`books_lock`) until reopened with
a reason.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    BankAccount,
    BankTransaction,
    Expense,
    Lease,
    Payment,
    Reconciliation,
    Void,
)
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain import ledger as ledger_rules
from coliv_desktop.domain import limits
from coliv_desktop.domain.errors import ConflictError, ValidationError
from coliv_desktop.domain.money import ZERO
from coliv_desktop.domain.wording import receipt_no
from coliv_desktop.schemas import build
from coliv_desktop.schemas.bank import BankLineOut, ReconciliationCheck, ReconciliationOut
from coliv_desktop.schemas.books import ExpenseCreate
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.services import audit, books_lock, expenses, ledger
from coliv_desktop.services.bank import READ, WRITE, find_account, line_outs
from coliv_desktop.services.bank_proposals import (
    NEAR_PAYMENT,
    lease_property,
    stale_ids,
    waiting,
)
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading, writing
from coliv_desktop.services.ledger_sql import cents, lease_chain, money, payment_live
from coliv_desktop.services.portfolio import get_row

CREATED, LINKED = "payment recorded from this line", "linked to a payment recorded by hand"
LINE_DATE = "the line's date"


def _line(s: Session, line_id: uuid.UUID) -> tuple[BankTransaction, BankAccount]:
    line = get_row(s, BankTransaction, line_id, "bank line")
    account = get_row(s, BankAccount, line.bank_account_id, "bank account")
    return line, account


def _unmatched(s: Session, line: BankTransaction, account: BankAccount, actor: Actor) -> None:
    if line.status != "unmatched" and line.id in stale_ids(s, [line]):
        books_lock.refuse_if_closed(s, account.property_id, line.posted_on, LINE_DATE)
        before = {"status": line.status, "payment_id": line.payment_id,
                  "expense_id": line.expense_id}
        _clear(line)
        s.flush()
        audit.record(s, actor, "unmatch", "bank_line", line.id,
                     f"Bank line {line.amount:.2f} of {line.posted_on}: its match was voided "
                     "since", before)
    if line.status != "unmatched":
        raise ConflictError(f"this line ({line.posted_on}, {line.amount:.2f}, {line.name}) is "
                            f"already {line.status}; undo that first")
    books_lock.refuse_if_closed(s, account.property_id, line.posted_on, LINE_DATE)


def _clear(line: BankTransaction) -> None:
    line.status, line.lease_id, line.payment_id, line.expense_id = \
        "unmatched", None, None, None
    line.matched_by, line.matched_at, line.note = None, None, None


def _done(s: Session, actor: Actor, line: BankTransaction, status: str, summary: str,
          changes: dict[str, object]) -> BankLineOut:
    line.status = status
    line.matched_by = actor.name
    line.matched_at = utcnow()
    s.flush()
    audit.record(s, actor, "match", "bank_line", line.id, summary,
                 {"status": status, **changes})
    return line_outs(s, [line], with_proposals=False)[0]


def hand_payment(s: Session, line: BankTransaction, lease_id: uuid.UUID) -> Payment | None:
    """The payment recorded by hand for this deposit on this lease's account, if any: same
    amount, within a few days, live, and not linked to another line."""
    linked = select(BankTransaction.payment_id).where(BankTransaction.payment_id.is_not(None))
    candidates = s.scalars(select(Payment).where(
        Payment.lease_id.in_(lease_chain(s, lease_id)), Payment.kind == "payment",
        payment_live(), Payment.amount == line.amount, Payment.id.not_in(linked),
        Payment.received_on.between(line.posted_on - timedelta(days=NEAR_PAYMENT),
                                    line.posted_on + timedelta(days=NEAR_PAYMENT)))).all()
    return min(candidates, key=lambda p: (abs((p.received_on - line.posted_on).days),
                                          str(p.id)), default=None)


def match_to_lease(db: Database, actor: Actor, line_id: uuid.UUID, lease_id: uuid.UUID
                   ) -> BankLineOut:
    """The deposit is this lease's money: linked to the payment recorded by hand for it, else
    recorded as a payment (allocated, with a receipt number) dated the line's day."""
    with writing(db, actor, WRITE) as s:
        line, account = _line(s, line_id)
        lease = get_row(s, Lease, lease_id, "lease")
        if line.amount <= 0:
            raise ValidationError("lease_id", "this line is money out: a withdrawal is not a "
                                  "tenant's payment (make it an expense, or ignore it)")
        _unmatched(s, line, account, actor)
        prop = lease_property(s, lease.id)
        if account.property_id is not None and prop != account.property_id:
            raise ValidationError("lease_id", "the lease is in another property than this "
                                  "bank account's")
        found = hand_payment(s, line, lease.id)
        if found is not None and s.get_bind().dialect.name == "postgresql":
            # another desk linking the same payment meanwhile: the second waits, then sees it
            s.execute(select(Payment.id).where(Payment.id == found.id).with_for_update())
            if s.scalar(select(BankTransaction.id).where(
                    BankTransaction.payment_id == found.id)) is not None:
                raise ConflictError("the payment recorded by hand for this line was just linked "
                                    "to another line; look at the lines again")
        if found is not None:
            line.lease_id, line.payment_id, line.note = found.lease_id, found.id, LINKED
            return _done(s, actor, line, "matched",
                         f"Bank line {line.amount:.2f} of {line.posted_on} linked to receipt "
                         f"No. {receipt_no(found.receipt_number)}",
                         {"lease_id": found.lease_id, "payment_id": found.id, "linked": True})
        reference = (line.fitid or line.name or "bank transfer")[:255]
        payment = ledger._record_payment_in(s, actor, build(
            PaymentCreate, lease_id=lease.id, amount=line.amount,
            received_on=line.posted_on.isoformat(), method="bank_transfer",
            reference=reference[:100]), "amount", force=True)
        line.lease_id, line.payment_id, line.note = lease.id, payment.id, CREATED
        return _done(s, actor, line, "matched",
                     f"Bank line {line.amount:.2f} of {line.posted_on} recorded as payment, "
                     f"receipt No. {receipt_no(payment.receipt_number)}",
                     {"lease_id": lease.id, "payment_id": payment.id, "linked": False})


def match_to_expense(db: Database, actor: Actor, line_id: uuid.UUID, category: str,
                     property_id: uuid.UUID, payee: str | None = None) -> BankLineOut:
    """The withdrawal is an expense of this property, in this category, paid on its day."""
    with writing(db, actor, WRITE) as s:
        line, account = _line(s, line_id)
        if line.amount >= 0:
            raise ValidationError("category", "this line is money in: a deposit is not an "
                                  "expense (match it to a lease, or ignore it)")
        _unmatched(s, line, account, actor)
        if account.property_id is not None and property_id != account.property_id:
            raise ValidationError("property_id", "the bank account belongs to another property")
        expense = expenses.create_expense(s, actor, build(
            ExpenseCreate, property_id=property_id, spent_on=line.posted_on.isoformat(),
            payee=(payee or line.name or "bank")[:100], category=category,
            amount=-line.amount, reference=(line.fitid or line.check_number or None),
            notes=line.memo), source="bank")
        line.expense_id = expense.id
        return _done(s, actor, line, "expense",
                     f"Bank line {line.amount:.2f} of {line.posted_on} recorded as an expense",
                     {"expense_id": expense.id, "category": category,
                      "property_id": property_id})


def ignore_line(db: Database, actor: Actor, line_id: uuid.UUID, note: str | None = None
                ) -> BankLineOut:
    """Nothing for the book (a transfer between own accounts, bank interest kept aside);
    `note` is one line of text (no control or text-direction characters)."""
    if note is not None:
        note = limits.clean_text(note, "note", limits.LINE) or None
    with writing(db, actor, WRITE) as s:
        line, account = _line(s, line_id)
        _unmatched(s, line, account, actor)
        line.note = note
        return _done(s, actor, line, "ignored",
                     f"Bank line {line.amount:.2f} of {line.posted_on} ignored", {"note": note})


def undo_match(db: Database, actor: Actor, line_id: uuid.UUID, reason: str) -> BankLineOut:
    """The line waits unmatched again; the payment or expense its match created is voided
    with `reason` (a payment recorded by hand is only unlinked: it stays as it was)."""
    why = ledger_rules.check_void_reason(reason)
    with writing(db, actor, WRITE) as s:
        line, account = _line(s, line_id)
        if line.status == "unmatched":
            raise ConflictError("this line is not matched: nothing to undo")
        books_lock.refuse_if_closed(s, account.property_id, line.posted_on, LINE_DATE)
        before = {"status": line.status, "payment_id": line.payment_id,
                  "expense_id": line.expense_id}
        if line.payment_id is not None and line.note == CREATED:
            payment = get_row(s, Payment, line.payment_id, "payment")
            if s.scalar(select(Void.id).where(Void.payment_id == payment.id)) is None:
                ledger.void_payment_in(s, actor, payment, f"bank match undone: {why}")
        if line.expense_id is not None:
            _void_expense(s, actor, line.expense_id, why)
        _clear(line)
        s.flush()
        audit.record(s, actor, "unmatch", "bank_line", line.id,
                     f"Bank line {line.amount:.2f} of {line.posted_on}: match undone ({why})",
                     {**before, "reason": why})
        return line_outs(s, [line], with_proposals=False)[0]


def _void_expense(s: Session, actor: Actor, expense_id: uuid.UUID, why: str) -> None:
    expense = get_row(s, Expense, expense_id, "expense")
    if expense.voided_on is not None:
        return
    books_lock.refuse_if_closed(s, expense.property_id, expense.spent_on, "spent_on")
    expense.voided_on = today()
    expense.void_reason = f"bank match undone: {why}"
    s.flush()
    audit.record(s, actor, "void", "expense", expense.id,
                 f"Voided expense {expense.amount:.2f} to {expense.payee}: {why}",
                 {"amount": expense.amount, "reason": why})


# --- reconciliation -----------------------------------------------------------------------------

def _live_end(s: Session, account_id: uuid.UUID) -> Reconciliation | None:
    return s.scalars(select(Reconciliation).where(
        Reconciliation.bank_account_id == account_id, Reconciliation.reopened_at.is_(None))
        .order_by(Reconciliation.period_end.desc())).first()


def _check(s: Session, account: BankAccount, through: date, balance: Decimal
           ) -> ReconciliationCheck:
    last = _live_end(s, account.id)
    first_line = s.scalar(select(func.min(BankTransaction.posted_on)).where(
        BankTransaction.bank_account_id == account.id))
    start = (last.period_end + timedelta(days=1) if last is not None
             else account.opening_on or first_line or through)
    total = money(s.scalar(select(func.sum(cents(BankTransaction.amount))).where(
        BankTransaction.bank_account_id == account.id, BankTransaction.posted_on <= through)))
    book = account.opening_balance + total
    left = s.scalar(select(func.count()).select_from(BankTransaction).where(
        BankTransaction.bank_account_id == account.id, waiting(),
        BankTransaction.posted_on <= through)) or 0
    difference = balance - book
    problem = None
    if last is not None and through <= last.period_end:
        problem = (f"{account.name} is reconciled through {last.period_end.isoformat()} "
                   "already: reconcile a later day, or reopen that period first")
    elif difference != ZERO:
        problem = (f"the statement's balance {balance:.2f} differs from the book's "
                   f"{book:.2f} by {difference:.2f}: import the missing lines (or correct the "
                   "opening balance) first")
    elif left:
        problem = (f"{left} line{'s' if left != 1 else ''} up to {through.isoformat()} "
                   "still wait unmatched: match or ignore them first")
    return ReconciliationCheck(
        bank_account_id=account.id, account=account.name, period_start=min(start, through),
        period_end=through, opening_balance=account.opening_balance, book_balance=book,
        statement_balance=balance, difference=difference, unmatched=left,
        can_lock=problem is None, problem=problem)


def check_reconciliation(db: Database, actor: Actor, account: str | uuid.UUID, through: date,
                         balance: Decimal) -> ReconciliationCheck:
    """The statement's closing balance on `through` against the book, without locking."""
    with reading(db, actor, READ) as s:
        return _check(s, find_account(s, account), through, balance)


def reconcile(db: Database, actor: Actor, account: str | uuid.UUID, through: date,
              balance: Decimal) -> ReconciliationOut:
    """Lock the account's period through `through`: refused unless the balances agree to the
    cent and no line of the period waits unmatched."""
    with writing(db, actor, WRITE) as s:
        found = find_account(s, account)
        check = _check(s, found, through, balance)
        if check.problem is not None:
            field = "balance" if check.difference != ZERO else "through"
            raise ValidationError(field, check.problem)
        row = s.scalars(select(Reconciliation).where(
            Reconciliation.bank_account_id == found.id,
            Reconciliation.period_end == through)).first()
        if row is None:  # a period reopened and reconciled again keeps its row
            row = Reconciliation(bank_account_id=found.id, period_end=through,
                                 period_start=check.period_start,
                                 statement_balance=balance, book_balance=check.book_balance,
                                 reconciled_by=actor.name)
            s.add(row)
        else:
            row.period_start, row.statement_balance = check.period_start, balance
            row.book_balance, row.reconciled_by = check.book_balance, actor.name
            row.reopened_at = row.reopened_by = row.reopen_reason = None
        s.flush()
        audit.record(s, actor, "reconcile", "bank_account", found.id,
                     f"Reconciled {found.name} through {through.isoformat()} at "
                     f"{balance:.2f}: the period is locked",
                     {"period_start": check.period_start, "period_end": through,
                      "balance": balance})
        return ReconciliationOut.model_validate(row)


def reopen(db: Database, actor: Actor, account: str | uuid.UUID, reason: str
           ) -> ReconciliationOut:
    """Lift the lock of the account's last reconciled period, with the reason (audited)."""
    why = ledger_rules.check_void_reason(reason)
    with writing(db, actor, WRITE) as s:
        found = find_account(s, account)
        row = _live_end(s, found.id)
        if row is None:
            raise ConflictError(f"{found.name} has no reconciled period to reopen")
        row.reopened_at = utcnow()
        row.reopened_by, row.reopen_reason = actor.name, why
        s.flush()
        audit.record(s, actor, "reopen", "bank_account", found.id,
                     f"Reopened {found.name} through {row.period_end.isoformat()}: {why}",
                     {"period_end": row.period_end, "reason": why})
        return ReconciliationOut.model_validate(row)


def list_reconciliations(db: Database, actor: Actor, account: str | uuid.UUID
                         ) -> list[ReconciliationOut]:
    with reading(db, actor, READ) as s:
        found = find_account(s, account)
        return [ReconciliationOut.model_validate(r) for r in s.scalars(
            select(Reconciliation).where(Reconciliation.bank_account_id == found.id)
            .order_by(Reconciliation.period_end.desc()))]
