"""What an imported bank line could become, computed when the lines are read (never stored,
so they follow the book): see `services.bank`'s docstring for the rules."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from coliv_desktop.db.models import (
    BankAccount,
    BankTransaction,
    Charge,
    Expense,
    ExpenseCategory,
    Lease,
    PayeeRule,
    Payment,
    Property,
    Room,
    Tenant,
    Unit,
    Void,
)
from coliv_desktop.domain.wording import receipt_no
from coliv_desktop.schemas.bank import Proposal
from coliv_desktop.services.ledger_sql import lease_chain, open_charges, payment_live

NEAR_DUE = 10  # days between a deposit and a due date that count as "near"
NEAR_PAYMENT = 5  # days between a deposit and a payment recorded by hand
MAX_PROPOSALS = 5
VOIDED_NOTE = "what it was matched to has been voided since: it waits to be matched again"


def voided_match() -> ColumnElement[bool]:
    """The line's payment or expense was voided since (in the ledger, the Books pane)."""
    return or_(
        BankTransaction.payment_id.in_(select(Void.payment_id).where(
            Void.payment_id.is_not(None))),
        BankTransaction.expense_id.in_(select(Expense.id).where(Expense.voided_on.is_not(None))))


def waiting() -> ColumnElement[bool]:
    """The line waits: never matched, or what it was matched to has been voided since."""
    return or_(BankTransaction.status == "unmatched",
               and_(BankTransaction.status != "ignored", voided_match()))


def stale_ids(s: Session, lines: Sequence[BankTransaction]) -> set[uuid.UUID]:
    """The lines among these whose payment or expense has been voided since."""
    linked = [ln.id for ln in lines if ln.status != "unmatched"
              and (ln.payment_id is not None or ln.expense_id is not None)]
    if not linked:
        return set()
    return set(s.scalars(select(BankTransaction.id).where(
        BankTransaction.id.in_(linked), voided_match())))


@dataclass(frozen=True)
class _LeaseFacts:
    lease_id: uuid.UUID
    property_id: uuid.UUID
    first: str
    last: str
    reference: str  # the lease id's first eight characters, as printed on documents

    @property
    def tenant(self) -> str:
        return f"{self.first} {self.last}".strip()


def lease_property(s: Session, lease_id: uuid.UUID) -> uuid.UUID | None:
    return s.scalar(select(Unit.property_id).join(Room, Room.unit_id == Unit.id)
                    .join(Lease, Lease.room_id == Room.id).where(Lease.id == lease_id))


def _leases(s: Session, property_id: uuid.UUID | None) -> list[_LeaseFacts]:
    query = (select(Lease.id, Unit.property_id, Tenant.first_name, Tenant.last_name)
             .join(Room, Room.id == Lease.room_id).join(Unit, Unit.id == Room.unit_id)
             .join(Tenant, Tenant.id == Lease.tenant_id)
             .where(Lease.status != "cancelled").order_by(Lease.lease_start, Lease.id))
    if property_id is not None:
        query = query.where(Unit.property_id == property_id)
    return [_LeaseFacts(lid, pid, first or "", last or "", str(lid)[:8].upper())
            for lid, pid, first, last in s.execute(query)]


def _fold(text: str) -> str:
    """Upper case without accents: a bank's ACH text is ASCII, so Müller arrives as MULLER."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.upper())
                   if not unicodedata.combining(ch))


def _word(text: str, word: str) -> bool:
    """Whether `word` stands as a word in `text` (already folded)."""
    return len(word) >= 2 and re.search(rf"(?<![A-Z0-9]){re.escape(_fold(word))}(?![A-Z0-9])",
                                        text) is not None


def _text_match(text: str, lease: _LeaseFacts) -> tuple[int, str] | None:
    if lease.reference and lease.reference in text:
        return 45, f"lease reference {lease.reference} in the text"
    first, last = _word(text, lease.first), _word(text, lease.last)
    if first and last:
        return 40, f"tenant name {lease.tenant.upper()} in the text"
    if last:
        return 25, f"tenant's last name {lease.last.upper()} in the text"
    return None


def _days_phrase(day: date, due: date) -> str:
    gap = (day - due).days
    if gap == 0:
        return "on the due date"
    unit = "day" if abs(gap) == 1 else "days"
    return f"{abs(gap)} {unit} {'after' if gap > 0 else 'before'} the due date"


def _charge_words(charge: Charge) -> str:
    if charge.kind in ("rent", "late_fee") and re.fullmatch(r"\d{4}-\d{2}", charge.period):
        return f"the open {'rent' if charge.kind == 'rent' else 'late fee'} of {charge.period}"
    return f"the open charge {charge.description!r}"


def _lease_proposal(s: Session, line: BankTransaction, lease: _LeaseFacts, score: int,
                    why: str) -> Proposal | None:
    opened = open_charges(s, lease_chain(s, lease.lease_id))
    reasons = [why]
    charge_ids: list[uuid.UUID] = []
    dues: list[date] = []
    if opened:
        total = sum((view.outstanding for view, _ in opened), Decimal("0.00"))
        exact = [(view, charge) for view, charge in opened if view.outstanding == line.amount]
        if exact:
            view, charge = min(exact, key=lambda vc: abs((vc[1].due_date - line.posted_on).days))
            score += 30
            reasons.append(f"amount equals {_charge_words(charge)}")
            charge_ids, dues = [charge.id], [charge.due_date]
        elif total == line.amount:
            score += 25
            reasons.append(f"amount equals the open balance of {len(opened)} charges")
            charge_ids = [charge.id for _, charge in opened]
            dues = [charge.due_date for _, charge in opened]
        else:
            left = line.amount
            for view, charge in opened:
                if left <= 0:
                    break
                charge_ids.append(charge.id)
                dues.append(charge.due_date)
                left -= view.outstanding
            reasons.append(f"the open balance is {total:.2f}")
    else:
        reasons.append("nothing is open on the lease (it would be a prepayment)")
    if dues:
        due = min(dues, key=lambda d: abs((line.posted_on - d).days))
        if abs((line.posted_on - due).days) <= NEAR_DUE:
            score += 15 - abs((line.posted_on - due).days)
            reasons.append(_days_phrase(line.posted_on, due))
    return Proposal(kind="payment", reason="; ".join(reasons), score=score,
                    lease_id=lease.lease_id, tenant=lease.tenant, charge_ids=charge_ids,
                    property_id=lease.property_id)


def hand_payments(s: Session, lines: Sequence[BankTransaction]
                  ) -> list[tuple[Payment, uuid.UUID | None]]:
    """Payments recorded by hand in the lines' dates (± a few days), not linked to a line."""
    deposits = [ln for ln in lines if ln.amount > 0]
    if not deposits:
        return []
    low = min(ln.posted_on for ln in deposits) - timedelta(days=NEAR_PAYMENT)
    high = max(ln.posted_on for ln in deposits) + timedelta(days=NEAR_PAYMENT)
    linked = select(BankTransaction.payment_id).where(BankTransaction.payment_id.is_not(None))
    rows = s.scalars(select(Payment).where(
        Payment.kind == "payment", payment_live(), Payment.received_on.between(low, high),
        Payment.id.not_in(linked)).order_by(Payment.received_on, Payment.id)).all()
    return [(p, lease_property(s, p.lease_id)) for p in rows]


def _link_proposals(line: BankTransaction, payments: Sequence[tuple[Payment, uuid.UUID | None]],
                    facts: dict[uuid.UUID, _LeaseFacts], text: str,
                    property_id: uuid.UUID | None) -> list[Proposal]:
    out = []
    for payment, prop in payments:
        if payment.amount != line.amount or (property_id is not None and prop != property_id):
            continue
        gap = abs((payment.received_on - line.posted_on).days)
        if gap > NEAR_PAYMENT:
            continue
        lease = facts.get(payment.lease_id)
        score = 60 - gap
        reasons = [f"already recorded: link to receipt No. {receipt_no(payment.receipt_number)}"
                   f" of {payment.received_on.isoformat()} (same amount, "
                   + ("same day" if gap == 0 else f"{gap} day{'s' if gap > 1 else ''} apart")
                   + ")"]
        named = _text_match(text, lease) if lease else None
        if named:
            score += named[0]
            reasons.append(named[1])
        out.append(Proposal(kind="link", reason="; ".join(reasons), score=score,
                            lease_id=payment.lease_id, tenant=lease.tenant if lease else None,
                            payment_id=payment.id, property_id=prop))
    return out


def _rule_proposals(s: Session, line: BankTransaction, rules: Sequence[PayeeRule],
                    account: BankAccount, text: str) -> list[Proposal]:
    out = []
    for rule in rules:
        if rule.bank_account_id not in (None, account.id):
            continue
        if _fold(rule.pattern) not in text:
            continue
        category = s.get(ExpenseCategory, rule.category_id)
        prop_id = rule.property_id or account.property_id
        prop = s.get(Property, prop_id) if prop_id else None
        where = f" at {prop.name}" if prop else " (choose the property)"
        out.append(Proposal(
            kind="expense", score=50 + min(len(rule.pattern), 40),
            reason=f'payee rule "{rule.pattern}" -> {category.name if category else "?"}'
                   f"{where}", category=category.name if category else None,
            property_id=prop_id, payee=rule.payee or line.name))
    return out


def proposals_for(s: Session, lines: Sequence[BankTransaction]
                  ) -> dict[uuid.UUID, list[Proposal]]:
    """The proposals of each unmatched line, best first."""
    stale = stale_ids(s, lines)
    todo = [ln for ln in lines if ln.status == "unmatched" or ln.id in stale]
    if not todo:
        return {}
    accounts = {a.id: a for a in s.scalars(select(BankAccount).where(
        BankAccount.id.in_({ln.bank_account_id for ln in todo})))}
    rules = list(s.scalars(select(PayeeRule).order_by(PayeeRule.id)))
    leases_by_property: dict[uuid.UUID | None, list[_LeaseFacts]] = {}
    payments = hand_payments(s, todo)
    all_facts = {f.lease_id: f for f in _leases(s, None)}
    out: dict[uuid.UUID, list[Proposal]] = {}
    for line in todo:
        account = accounts[line.bank_account_id]
        text = " ".join(_fold(f"{line.name} {line.memo or ''}").split())
        found: list[Proposal] = []
        if line.amount > 0:
            prop = account.property_id
            if prop not in leases_by_property:
                leases_by_property[prop] = [f for f in all_facts.values()
                                            if prop is None or f.property_id == prop]
            found = _link_proposals(line, payments, all_facts, text, prop)
            linked_leases = {p.lease_id for p in found}
            for lease in leases_by_property[prop]:
                named = _text_match(text, lease)
                if named and lease.lease_id not in linked_leases:
                    proposal = _lease_proposal(s, line, lease, *named)
                    if proposal is not None:
                        found.append(proposal)
        elif line.amount < 0:
            found = _rule_proposals(s, line, rules, account, text)
        found.sort(key=lambda p: (-p.score, p.reason))
        out[line.id] = found[:MAX_PROPOSALS]
    return out


