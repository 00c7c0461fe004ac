"""Opening balances and payments from a spreadsheet (issue 15), for `sheet_apply`: each row's
lease found from its tenant (and room, when the tenant has several), the money dates checked as
the ledger checks them (not years ahead, not before the book's first lease, not in a reconciled
period), then inserted in bulk: payments take the next receipt numbers in date order, and
everything is allocated oldest charge first by the ledger's own `apply_unapplied`.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from coliv_desktop.db.models import Charge, Lease, Operator, Payment, Room, Unit
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain import ledger as ledger_rules
from coliv_desktop.domain.limits import money_date_problem
from coliv_desktop.domain.money import ZERO
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.services.books_lock import closed_through
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor
from coliv_desktop.services.ledger_sql import payment_live
from coliv_desktop.services.sheet_apply import (
    CHUNK,
    FAR,
    OUTSIDE,
    Book,
    Outcome,
    Plan,
    Progress,
    cf,
    find_room,
    find_tenant,
    operator_id_of,
    outside,
    read_book,
    table_of,
    tick,
    validate,
)

if TYPE_CHECKING:
    from coliv_desktop.services.sheet_import import Converted

OPENING = "Opening balance"
METHODS = {"cash": "cash", "check": "check", "cheque": "check", "bank transfer": "bank_transfer",
           "bank_transfer": "bank_transfer", "transfer": "bank_transfer", "wire": "bank_transfer",
           "ach": "bank_transfer", "bank": "bank_transfer", "card": "card",
           "credit card": "card", "debit card": "card", "other": "other"}


def _leases_of(s: Session, tenant_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
    out: dict[uuid.UUID, list[Any]] = defaultdict(list)
    ids = list(tenant_ids)
    for start in range(0, len(ids), 900):
        for row in s.execute(
                select(Lease.id, Lease.tenant_id, Lease.lease_start, Lease.lease_end,
                       Lease.room_id, Unit.property_id)
                .join(Room, Room.id == Lease.room_id).join(Unit, Unit.id == Room.unit_id)
                .where(Lease.tenant_id.in_(ids[start:start + 900]),
                       Lease.status != "cancelled")
                .order_by(Lease.lease_start, Lease.id)):
            out[row.tenant_id].append(row)
    return out


def _lease_for(s: Session, book: Book, leases: dict[uuid.UUID, list[Any]], conv: Converted,
               number: int, values: dict[str, Any], day: date) -> Any:
    """The lease a row's money belongs to: the tenant's, narrowed by the room when given,
    then by the day (the lease running on it, else the last begun before it)."""
    tenant = find_tenant(book, conv, number, values)
    if tenant is None:
        return None
    found = leases.get(tenant.id, [])
    if values.get("room") or values.get("unit") or values.get("property"):
        if not (values.get("room") and values.get("unit") and values.get("property")):
            conv.problem(number, "room", "give the property, unit and room together, or none")
            return None
        room = find_room(book, conv, number, values)
        if room is None:
            return None
        found = [lease for lease in found if lease.room_id == room.id]
    if not found:
        conv.problem(number, "tenant_email" if values.get("tenant_email") else "tenant_name",
                     f"{tenant.first_name} {tenant.last_name} has no lease"
                     + (" in that room" if values.get("room") else "")
                     + " (import the leases first)",
                     values.get("tenant_email") or values.get("tenant_name"))
        return None
    if len(found) == 1:
        return found[0]
    running = [lease for lease in found if lease.lease_start <= day <= (lease.lease_end or FAR)]
    if len(running) == 1:
        return running[0]
    begun = [lease for lease in found if lease.lease_start <= day]
    if begun and not running:
        return begun[-1]
    conv.problem(number, "room", f"{tenant.first_name} {tenant.last_name} has {len(found)} "
                 "leases: give the property, unit and room to say which", values.get("room"))
    return None


@dataclass
class _Money:
    """The checks money dated by a row needs, read once: the book's first lease, the closed
    periods per property."""

    s: Session
    first_start: date | None
    closed: dict[uuid.UUID | None, date | None] = field(default_factory=dict)

    def problem(self, property_id: uuid.UUID, day: date, key: str, conv: Converted,
                number: int, raw: Any) -> bool:
        try:
            ledger_rules.check_received_on(day, today(), key)
        except Exception as exc:  # ValidationError
            conv.problem(number, key, getattr(exc, "detail", str(exc)), raw)
            return True
        why = money_date_problem(day, self.first_start)
        if why is not None:
            conv.problem(number, key, why, raw)
            return True
        if property_id not in self.closed:
            self.closed[property_id] = closed_through(self.s, property_id)
        through = self.closed[property_id]
        if through is not None and day <= through:
            conv.problem(number, key, f"is in a reconciled period (the books are closed "
                         f"through {through.isoformat()})", raw)
            return True
        return False


def _money_checks(s: Session) -> _Money:
    return _Money(s, s.scalar(select(func.min(Lease.lease_start))
                              .where(Lease.status != "cancelled")))


def _tenant_ids(book: Book, conv: Converted) -> set[uuid.UUID]:
    ids: set[uuid.UUID] = set()
    for _, values in conv.rows:
        for key, index in (("tenant_email", book.by_email), ("tenant_name", book.by_name)):
            if values.get(key):
                ids.update(t.id for t in index.get(cf(" ".join(str(values[key]).split())), []))
    return ids


def check_balances(s: Session, actor: Actor, conv: Converted, outcome: Outcome,
                    progress: Progress | None) -> Plan:
    book = read_book(s)
    leases = _leases_of(s, _tenant_ids(book, conv))
    money = _money_checks(s)
    operator_id = operator_id_of(s)
    charges: list[dict[str, Any]] = []
    credits: list[dict[str, Any]] = []
    zero = 0
    lease_ids: set[uuid.UUID] = set()
    for done, (number, values) in enumerate(conv.rows, start=1):
        tick(progress, done, len(conv.rows), "balances checked")
        day, amount = values["as_of"], values["amount"]
        if day is None or amount is None:
            continue
        lease = _lease_for(s, book, leases, conv, number, values, day)
        if lease is None:
            continue
        if outside(actor, lease.property_id):
            conv.problem(number, "property", OUTSIDE, values.get("property"))
            continue
        if money.problem(lease.property_id, day, "as_of", conv, number, day):
            continue
        if amount == ZERO:
            zero += 1
            continue
        lease_ids.add(lease.id)
        if amount > ZERO:
            charges.append({"id": uuid.uuid4(), "lease_id": lease.id, "kind": "other",
                            "period": f"opening:{uuid.uuid4()}", "period_start": None,
                            "period_end": None, "due_date": day, "amount": amount,
                            "description": OPENING, "working": None,
                            "late_fee_rule_id": None, "source_charge_id": None,
                            "created_by": actor.name, "created_at": utcnow()})
        else:
            credits.append(_money_in(operator_id, lease.id, "credit", -amount, day, None, None,
                                     OPENING, actor, len(credits)))
    outcome.add(outcome.created, "opening charges", len(charges))
    outcome.add(outcome.created, "opening credits", len(credits))
    if zero:
        outcome.add(outcome.matched, "zero balances", zero)
    return Plan(tables=[(table_of(Charge), charges)], payments=credits, lease_ids=lease_ids)


def _money_in(operator_id: uuid.UUID, lease_id: uuid.UUID, kind: str, amount: Decimal,
              day: date, method: str | None, reference: str | None, note: str | None,
              actor: Actor, order: int) -> dict[str, Any]:
    # created_at in the file's order: allocation takes money by date, then by this
    return {"id": uuid.uuid4(), "operator_id": operator_id, "lease_id": lease_id, "kind": kind,
            "amount": amount, "received_on": day, "method": method, "reference": reference,
            "note": note, "receipt_number": None, "created_by": actor.name,
            "created_at": utcnow() + timedelta(microseconds=order)}


def insert_money_in(s: Session, rows: list[dict[str, Any]]) -> None:
    """Payments get the next receipt numbers, in date order (then the file's)."""
    payments = sorted((r for r in rows if r["kind"] == "payment"),
                      key=lambda r: (r["received_on"], r["created_at"]))
    if payments:
        operator_id = payments[0]["operator_id"]
        if s.get_bind().dialect.name == "postgresql":
            s.execute(select(Operator.id).where(Operator.id == operator_id).with_for_update())
        last = s.scalar(select(func.max(Payment.receipt_number))
                        .where(Payment.operator_id == operator_id)) or 0
        for offset, row in enumerate(payments, start=1):
            row["receipt_number"] = last + offset
    for start in range(0, len(rows), CHUNK):
        s.execute(insert(table_of(Payment)), rows[start:start + CHUNK])


PAYMENT_KEYS = {"lease_id": "tenant_email", "amount": "amount", "received_on": "date",
                "method": "method", "reference": "reference", "note": "note"}


def method_of(text: str | None) -> str | None:
    """A payment method as people write it ("Bank transfer", "Cheque", "Credit card"); blank
    is "other"; None when it is none of them."""
    if text is None or not text.strip():
        return "other"
    return METHODS.get(" ".join(text.lower().replace("_", " ").replace("-", " ").split()))


def check_payments(s: Session, actor: Actor, conv: Converted, outcome: Outcome,
                    progress: Progress | None) -> Plan:
    book = read_book(s)
    leases = _leases_of(s, _tenant_ids(book, conv))
    money = _money_checks(s)
    operator_id = operator_id_of(s)
    already: Counter[tuple[Any, ...]] = Counter()
    for row in s.execute(select(Payment.lease_id, Payment.received_on, Payment.amount,
                                Payment.reference)
                         .where(Payment.kind == "payment", payment_live())):
        already[(row.lease_id, row.received_on, row.amount, cf(row.reference))] += 1
    rows: list[dict[str, Any]] = []
    matched = 0
    touched: set[uuid.UUID] = set()
    for done, (number, values) in enumerate(conv.rows, start=1):
        tick(progress, done, len(conv.rows), "payments checked")
        day, amount = values["date"], values["amount"]
        if day is None or amount is None:
            continue
        method = method_of(values["method"])
        if method is None:
            conv.problem(number, "method", "is not a payment method (cash, check, bank "
                         "transfer, card or other)", values["method"])
            continue
        lease = _lease_for(s, book, leases, conv, number, values, day)
        if lease is None:
            continue
        if outside(actor, lease.property_id):
            conv.problem(number, "property", OUTSIDE, values.get("property"))
            continue
        made = validate(PaymentCreate, {
            "lease_id": lease.id, "amount": amount, "received_on": day, "method": method,
            "reference": values["reference"], "note": values["note"]}, PAYMENT_KEYS, conv,
            number)
        if made is None:
            continue
        if made.amount <= ZERO:
            conv.problem(number, "amount", "must be more than zero", values["amount"])
            continue
        if money.problem(lease.property_id, day, "date", conv, number, day):
            continue
        key = (lease.id, made.received_on, made.amount, cf(made.reference))
        if already[key] > 0:  # imported before: kept once
            already[key] -= 1
            matched += 1
            continue
        touched.add(lease.id)
        rows.append(_money_in(operator_id, lease.id, "payment", made.amount, made.received_on,
                              made.method, made.reference, made.note, actor, len(rows)))
    outcome.add(outcome.created, "payments", len(rows))
    outcome.add(outcome.matched, "payments", matched)
    return Plan(payments=rows, lease_ids=touched)
