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

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    BankAccount,
    BankStatement,
    BankTransaction,
    ExpenseCategory,
    Lease,
    PayeeRule,
    Property,
    Reconciliation,
    Room,
    Tenant,
    Unit,
)
from coliv_desktop.domain.bank_files import CsvMapping
from coliv_desktop.domain.errors import ConflictError, UnknownReference, ValidationError
from coliv_desktop.schemas.bank import (
    BankAccountCreate,
    BankAccountOut,
    BankAccountUpdate,
    BankLineOut,
    PayeeRuleCreate,
    PayeeRuleOut,
)
from coliv_desktop.services import audit, books_lock
from coliv_desktop.services.bank_proposals import (
    VOIDED_NOTE,
    proposals_for,
    stale_ids,
    voided_match,
    waiting,
)
from coliv_desktop.services.context import Actor, check_version, reading, writing
from coliv_desktop.services.expenses import find_category
from coliv_desktop.services.portfolio import get_row
from coliv_desktop.services.search import matches

READ, WRITE = "ledger.read", "ledger.write"


# --- accounts -----------------------------------------------------------------------------------

def _property(s: Session, property_id: uuid.UUID | None, field: str = "property_id") -> None:
    if property_id is not None and s.get(Property, property_id) is None:
        raise UnknownReference(field, f"no property with id {property_id}")


def account_out(s: Session, account: BankAccount) -> BankAccountOut:
    last = s.scalars(select(BankStatement).where(
        BankStatement.bank_account_id == account.id, BankStatement.closing_balance.is_not(None))
        .order_by(BankStatement.balance_on.desc(), BankStatement.created_at.desc())).first()
    counts = dict(s.execute(
        select(BankTransaction.status, func.count()).where(
            BankTransaction.bank_account_id == account.id).group_by(BankTransaction.status)
    ).all())
    prop = s.get(Property, account.property_id) if account.property_id else None
    return BankAccountOut.model_validate({
        **{c.key: getattr(account, c.key) for c in BankAccount.__mapper__.column_attrs},
        "property_name": prop.name if prop else None,
        "unmatched": s.scalar(select(func.count()).select_from(BankTransaction).where(
            BankTransaction.bank_account_id == account.id, waiting())) or 0,
        "lines": sum(counts.values()),
        "closed_through": books_lock.closed_through(s, account.property_id),
        "statement_balance": last.closing_balance if last else None,
        "statement_on": last.balance_on if last else None})


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


def _reconciled_through(s: Session, account: BankAccount) -> date | None:
    return s.scalar(select(func.max(Reconciliation.period_end)).where(
        Reconciliation.bank_account_id == account.id, Reconciliation.reopened_at.is_(None)))


def _update(s: Session, actor: Actor, account: BankAccount, values: dict[str, Any]) -> None:
    """Change the account; its owner and opening balance are what a reconciled period was
    agreed on, so they change only while no period of the account is locked."""
    if "property_id" in values:
        _property(s, values["property_id"])
    if "name" in values and s.scalar(select(BankAccount.id).where(
            func.lower(BankAccount.name) == values["name"].lower(),
            BankAccount.id != account.id)) is not None:
        raise ConflictError(f'there is already a bank account named "{values["name"]}"')
    locked = [k for k in ("property_id", "opening_balance", "opening_on")
              if k in values and values[k] != getattr(account, k)]
    through = _reconciled_through(s, account) if locked else None
    if through is not None:
        raise ConflictError(f"{account.name} is reconciled through {through.isoformat()}: "
                            "reopen that period before changing its "
                            + ("property" if locked == ["property_id"] else "opening balance"))
    changes = audit.diff(account, values)
    if changes:
        s.flush()
        audit.record(s, actor, "update", "bank_account", account.id,
                     f"Edited bank account {account.name}", changes)


def update_account(db: Database, actor: Actor, account_id: uuid.UUID,
                   data: BankAccountUpdate) -> BankAccountOut:
    with writing(db, actor, WRITE) as s:
        account = get_row(s, BankAccount, account_id, "bank account")
        check_version(account, data.expected_version, f"Bank account {account.name}")
        _update(s, actor, account, data.model_dump(exclude={"expected_version"}))
        return account_out(s, account)


def set_account_property(db: Database, actor: Actor, account_id: uuid.UUID,
                         property_id: uuid.UUID | None) -> BankAccountOut:
    """The property the account belongs to (None: the operator's own)."""
    with writing(db, actor, WRITE) as s:
        account = get_row(s, BankAccount, account_id, "bank account")
        _update(s, actor, account, {"property_id": property_id})
        return account_out(s, account)


def set_opening_balance(db: Database, actor: Actor, account_id: uuid.UUID, balance: Decimal,
                        on: date | None = None) -> BankAccountOut:
    """The balance before the first imported line (what reconciliation starts from)."""
    with writing(db, actor, WRITE) as s:
        account = get_row(s, BankAccount, account_id, "bank account")
        _update(s, actor, account, {"opening_balance": balance, "opening_on": on})
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


@dataclass(frozen=True)
class Choices:
    """What the window's match dialogs offer: leases (id, "tenant · property room"), expense
    categories and properties (id, name)."""

    leases: list[tuple[uuid.UUID, str]]
    categories: list[str]
    properties: list[tuple[uuid.UUID, str]]


def match_choices(db: Database, actor: Actor) -> Choices:
    with reading(db, actor, READ) as s:
        leases = [(lid, f"{first} {last} · {prop} {unit}-{room}")
                  for lid, first, last, prop, unit, room in s.execute(
                      select(Lease.id, Tenant.first_name, Tenant.last_name, Property.name,
                             Unit.unit_number, Room.room_number)
                      .join(Room, Room.id == Lease.room_id).join(Unit, Unit.id == Room.unit_id)
                      .join(Property, Property.id == Unit.property_id)
                      .join(Tenant, Tenant.id == Lease.tenant_id)
                      .where(Lease.status != "cancelled")
                      .order_by(Tenant.last_name, Tenant.first_name, Lease.lease_start))]
        categories = list(s.scalars(select(ExpenseCategory.name).where(
            ExpenseCategory.archived_at.is_(None)).order_by(ExpenseCategory.name)))
        properties = [(pid, name) for pid, name in s.execute(
            select(Property.id, Property.name).where(Property.archived_at.is_(None))
            .order_by(Property.name))]
        return Choices(leases, categories, properties)


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


# --- lines --------------------------------------------------------------------------------------

def line_outs(s: Session, lines: Sequence[BankTransaction], *, with_proposals: bool = True
              ) -> list[BankLineOut]:
    accounts = {a.id: a for a in s.scalars(select(BankAccount).where(
        BankAccount.id.in_({ln.bank_account_id for ln in lines})))}
    closed = {aid: books_lock.closed_through(s, a.property_id) for aid, a in accounts.items()}
    proposals = proposals_for(s, lines) if with_proposals else {}
    stale = stale_ids(s, lines)
    out = []
    for line in lines:
        through = closed.get(line.bank_account_id)
        again = {"status": "unmatched", "note": VOIDED_NOTE} if line.id in stale else {}
        out.append(BankLineOut.model_validate({
            **{c.key: getattr(line, c.key) for c in BankTransaction.__mapper__.column_attrs},
            **again,
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
    if unmatched or status == "unmatched":
        query = query.where(waiting())
    elif status in ("matched", "expense"):
        query = query.where(BankTransaction.status == status, ~voided_match())
    elif status:
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
