"""Bank accounts, their imported lines and what each line could become (issue 15).

Proposals are computed when the lines are read, never stored, so they follow the book: a
charge paid meanwhile stops being proposed. A deposit is proposed against a lease whose
tenant's name or reference is in the line's text (the exact amount of one open charge or of
the open balance, and a due date near the line's date make it stronger), or as a link to a
payment already recorded by hand (same amount, a few days apart, not linked to a line yet: it
is linked, never doubled). A withdrawal is proposed as an expense by the payee rules.
Importing is `bank_import`; matching, undoing and reconciling are `reconcile`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    BankAccount,
    BankTransaction,
    Charge,
    ExpenseCategory,
    Lease,
    PayeeRule,
    Payment,
    Property,
    Reconciliation,
    Room,
    Tenant,
    Unit,
)
from coliv_desktop.domain.bank_files import CsvMapping
from coliv_desktop.domain.errors import ConflictError, UnknownReference, ValidationError
from coliv_desktop.domain.wording import receipt_no
from coliv_desktop.schemas.bank import (
    BankAccountCreate,
    BankAccountOut,
    BankLineOut,
    PayeeRuleCreate,
    PayeeRuleOut,
    Proposal,
)
from coliv_desktop.services import audit, books_lock
from coliv_desktop.services.context import Actor, reading, writing
from coliv_desktop.services.expenses import find_category
from coliv_desktop.services.ledger_sql import lease_chain, open_charges, payment_live
from coliv_desktop.services.portfolio import get_row
from coliv_desktop.services.search import matches

READ, WRITE = "ledger.read", "ledger.write"
NEAR_DUE = 10  # days between a deposit and a due date that count as "near"
NEAR_PAYMENT = 5  # days between a deposit and a payment recorded by hand
MAX_PROPOSALS = 5


# --- accounts -----------------------------------------------------------------------------------

def _property(s: Session, property_id: uuid.UUID | None, field: str = "property_id") -> None:
    if property_id is not None and s.get(Property, property_id) is None:
        raise UnknownReference(field, f"no property with id {property_id}")


def account_out(s: Session, account: BankAccount) -> BankAccountOut:
    counts = dict(s.execute(
        select(BankTransaction.status, func.count()).where(
            BankTransaction.bank_account_id == account.id).group_by(BankTransaction.status)
    ).all())
    prop = s.get(Property, account.property_id) if account.property_id else None
    return BankAccountOut.model_validate({
        **{c.key: getattr(account, c.key) for c in BankAccount.__mapper__.column_attrs},
        "property_name": prop.name if prop else None,
        "unmatched": counts.get("unmatched", 0), "lines": sum(counts.values()),
        "closed_through": books_lock.closed_through(s, account.property_id)})


def find_account(s: Session, ref: str | uuid.UUID, field: str = "account") -> BankAccount:
    """An account by its id or its name (any case)."""
    if isinstance(ref, uuid.UUID):
        return get_row(s, BankAccount, ref, "bank account")  # type: ignore[no-any-return]
    try:
        found = s.get(BankAccount, uuid.UUID(ref))
    except ValueError:
        found = None
    if found is None:
        found = s.scalars(select(BankAccount).where(
            func.lower(BankAccount.name) == ref.strip().lower())).first()
    if found is None:
        names = s.scalars(select(BankAccount.name).order_by(BankAccount.name)).all()
        raise ValidationError(field, f'"{ref}" is not a bank account (the accounts: '
                              f'{", ".join(names) or "none yet"})')
    return found


def create_account(s: Session, actor: Actor, data: BankAccountCreate,
                   ofx_account_id: str | None = None) -> BankAccount:
    _property(s, data.property_id)
    if s.scalar(select(BankAccount.id).where(
            func.lower(BankAccount.name) == data.name.lower())) is not None:
        raise ConflictError(f'there is already a bank account named "{data.name}"')
    account = BankAccount(name=data.name, property_id=data.property_id,
                          institution=data.institution, ofx_account_id=ofx_account_id,
                          opening_balance=data.opening_balance, opening_on=data.opening_on,
                          notes=data.notes)
    s.add(account)
    s.flush()
    audit.record(s, actor, "create", "bank_account", account.id,
                 f"Bank account {account.name}", {**data.model_dump(),
                                                  "ofx_account_id": ofx_account_id})
    return account


def add_account(db: Database, actor: Actor, data: BankAccountCreate) -> BankAccountOut:
    with writing(db, actor, WRITE) as s:
        return account_out(s, create_account(s, actor, data))


def list_accounts(db: Database, actor: Actor) -> list[BankAccountOut]:
    with reading(db, actor, READ) as s:
        return [account_out(s, a) for a in s.scalars(
            select(BankAccount).where(BankAccount.archived_at.is_(None))
            .order_by(func.lower(BankAccount.name), BankAccount.id))]


def set_account_property(db: Database, actor: Actor, account_id: uuid.UUID,
                         property_id: uuid.UUID | None) -> BankAccountOut:
    """The property the account belongs to (None: the operator's own)."""
    with writing(db, actor, WRITE) as s:
        account = get_row(s, BankAccount, account_id, "bank account")
        _property(s, property_id)
        changes = audit.diff(account, {"property_id": property_id})
        if changes:
            s.flush()
            audit.record(s, actor, "update", "bank_account", account.id,
                         f"Bank account {account.name}: property changed", changes)
        return account_out(s, account)


def set_opening_balance(db: Database, actor: Actor, account_id: uuid.UUID, balance: Decimal,
                        on: date | None = None) -> BankAccountOut:
    """The balance before the first imported line (what reconciliation starts from); refused
    while a period of the account is reconciled."""
    with writing(db, actor, WRITE) as s:
        account = get_row(s, BankAccount, account_id, "bank account")
        through = s.scalar(select(func.max(Reconciliation.period_end)).where(
            Reconciliation.bank_account_id == account.id, Reconciliation.reopened_at.is_(None)))
        if through is not None:
            raise ConflictError(f"{account.name} is reconciled through {through.isoformat()}: "
                                "reopen that period before changing its opening balance")
        changes = audit.diff(account, {"opening_balance": balance, "opening_on": on})
        if changes:
            s.flush()
            audit.record(s, actor, "update", "bank_account", account.id,
                         f"Bank account {account.name}: opening balance {balance:.2f}", changes)
        return account_out(s, account)


def set_csv_mapping(db: Database, actor: Actor, account_id: uuid.UUID,
                    mapping: dict[str, object]) -> BankAccountOut:
    """Save how this bank's CSV export reads (checked: see `CsvMapping.from_json`)."""
    checked = CsvMapping.from_json(mapping).to_json()
    with writing(db, actor, WRITE) as s:
        account = get_row(s, BankAccount, account_id, "bank account")
        changes = audit.diff(account, {"csv_mapping": checked})
        if changes:
            s.flush()
            audit.record(s, actor, "update", "bank_account", account.id,
                         f"Bank account {account.name}: CSV columns saved", changes)
        return account_out(s, account)


# --- payee rules --------------------------------------------------------------------------------

def _rule_out(s: Session, rule: PayeeRule) -> PayeeRuleOut:
    category = s.get(ExpenseCategory, rule.category_id)
    prop = s.get(Property, rule.property_id) if rule.property_id else None
    return PayeeRuleOut(id=rule.id, pattern=rule.pattern, category_id=rule.category_id,
                        category=category.name if category else "", property_id=rule.property_id,
                        property_name=prop.name if prop else None,
                        bank_account_id=rule.bank_account_id, payee=rule.payee)


def add_rule(db: Database, actor: Actor, data: PayeeRuleCreate) -> PayeeRuleOut:
    """"CITY OF AUSTIN UTIL" -> Utilities (at a property): withdrawals whose name or memo
    holds the pattern (any case) are proposed as that expense."""
    with writing(db, actor, WRITE) as s:
        category = find_category(s, data.category)
        _property(s, data.property_id)
        if data.bank_account_id is not None:
            get_row(s, BankAccount, data.bank_account_id, "bank account")
        rule = PayeeRule(pattern=data.pattern, category_id=category.id,
                         property_id=data.property_id, bank_account_id=data.bank_account_id,
                         payee=data.payee)
        s.add(rule)
        s.flush()
        audit.record(s, actor, "create", "payee_rule", rule.id,
                     f'Payee rule "{rule.pattern}" -> {category.name}', data.model_dump())
        return _rule_out(s, rule)


def list_rules(db: Database, actor: Actor) -> list[PayeeRuleOut]:
    with reading(db, actor, READ) as s:
        return [_rule_out(s, r) for r in s.scalars(
            select(PayeeRule).order_by(func.lower(PayeeRule.pattern), PayeeRule.id))]


def delete_rule(db: Database, actor: Actor, rule_id: uuid.UUID) -> None:
    """A rule only proposes; deleting it changes no line already matched."""
    with writing(db, actor, WRITE) as s:
        rule = get_row(s, PayeeRule, rule_id, "payee rule")
        audit.record(s, actor, "delete", "payee_rule", rule.id,
                     f'Deleted payee rule "{rule.pattern}"', {"pattern": rule.pattern})
        s.delete(rule)


# --- proposals ----------------------------------------------------------------------------------

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


def _word(text: str, word: str) -> bool:
    return len(word) >= 2 and re.search(rf"(?<![A-Z0-9]){re.escape(word.upper())}(?![A-Z0-9])",
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


def linked_payment_ids(s: Session) -> set[uuid.UUID]:
    return set(s.scalars(select(BankTransaction.payment_id).where(
        BankTransaction.payment_id.is_not(None))))


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
        if rule.pattern.upper() not in text:
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
    todo = [ln for ln in lines if ln.status == "unmatched"]
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
        text = " ".join(f"{line.name} {line.memo or ''}".upper().split())
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


# --- lines --------------------------------------------------------------------------------------

def line_outs(s: Session, lines: Sequence[BankTransaction], *, with_proposals: bool = True
              ) -> list[BankLineOut]:
    accounts = {a.id: a for a in s.scalars(select(BankAccount).where(
        BankAccount.id.in_({ln.bank_account_id for ln in lines})))}
    closed = {aid: books_lock.closed_through(s, a.property_id) for aid, a in accounts.items()}
    proposals = proposals_for(s, lines) if with_proposals else {}
    out = []
    for line in lines:
        through = closed.get(line.bank_account_id)
        out.append(BankLineOut.model_validate({
            **{c.key: getattr(line, c.key) for c in BankTransaction.__mapper__.column_attrs},
            "account": accounts[line.bank_account_id].name,
            "locked": through is not None and line.posted_on <= through,
            "proposals": proposals.get(line.id, [])}))
    return out


def list_lines(db: Database, actor: Actor, account_id: uuid.UUID | None = None, *,
               unmatched: bool = False, status: str | None = None, text: str = "",
               with_proposals: bool = True) -> list[BankLineOut]:
    """Imported lines, newest first, with what each unmatched one could become."""
    query = select(BankTransaction)
    if account_id is not None:
        query = query.where(BankTransaction.bank_account_id == account_id)
    if unmatched:
        query = query.where(BankTransaction.status == "unmatched")
    if status:
        query = query.where(BankTransaction.status == status)
    found = matches(text, BankTransaction.name, func.coalesce(BankTransaction.memo, ""))
    if found is not None:
        query = query.where(found)
    with reading(db, actor, READ) as s:
        if account_id is not None:
            get_row(s, BankAccount, account_id, "bank account")
        rows = list(s.scalars(query.order_by(BankTransaction.posted_on.desc(),
                                             BankTransaction.created_at.desc(),
                                             BankTransaction.id)))
        return line_outs(s, rows, with_proposals=with_proposals)


def get_line(db: Database, actor: Actor, line_id: uuid.UUID) -> BankLineOut:
    with reading(db, actor, READ) as s:
        return line_outs(s, [get_row(s, BankTransaction, line_id, "bank line")])[0]
