"""The ledger's use cases: charges by hand, payments, credits, voids, and a lease's account.

Money in is allocated oldest charge first (or exactly as the operator says) across the tenant's
whole account: the lease and the leases it was renewed or transferred from, so a balance follows
the tenant. Money not needed today stays unapplied (a prepayment) and is applied as soon as a
charge appears: the rent run, a voided charge and a new charge all call `apply_unapplied`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    AllocationRow,
    Charge,
    Lease,
    Operator,
    Payment,
    Room,
    Unit,
    Void,
)
from coliv_desktop.domain import ledger as rules
from coliv_desktop.domain.errors import UnknownReference, ValidationError
from coliv_desktop.domain.limits import confirm, money_date_problem
from coliv_desktop.domain.money import ZERO
from coliv_desktop.domain.wording import receipt_no
from coliv_desktop.schemas.ledger import (
    AllocationIn,
    AllocationOut,
    AllocationPreview,
    ChargeCreate,
    ChargeOut,
    CreditCreate,
    LeaseLedger,
    PaymentCreate,
    PaymentOut,
)
from coliv_desktop.services import audit, books_lock
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, ensure_owner, reading, writing
from coliv_desktop.services.ledger_sql import (
    balance_of,
    cents,
    charge_order,
    lease_chain,
    live_allocations,
    money,
    open_charges,
    unapplied_payments,
)
from coliv_desktop.services.portfolio import get_row

PERMISSION = "ledger.write"


def _lease(s: Session, lease_id: uuid.UUID, field: str = "lease_id") -> Lease:
    lease = s.get(Lease, lease_id)
    if lease is None:
        raise UnknownReference(field, f"no lease with id {lease_id}")
    return lease


def _plan(
    s: Session, chain: Sequence[uuid.UUID], amount: Decimal,
    wanted: Sequence[AllocationIn] | None, *, exclude_kinds: tuple[str, ...] = ()
) -> tuple[list[AllocationOut], Decimal]:
    opened = open_charges(s, chain, exclude_kinds=exclude_kinds)
    views = [view for view, _ in opened]
    by_id: dict[object, tuple[rules.OpenCharge, Charge]] = {
        charge.id: (view, charge) for view, charge in opened}
    if wanted is None:
        allocations, unapplied = rules.allocate_oldest_first(amount, views)
    else:
        allocations = [rules.Allocation(a.charge_id, a.amount) for a in wanted]
        unapplied = rules.check_explicit(amount, allocations, views)
    out = []
    for a in allocations:
        view, charge = by_id[a.charge_id]
        out.append(AllocationOut(charge_id=charge.id, description=charge.description,
                                 due_date=charge.due_date, outstanding_before=view.outstanding,
                                 amount=a.amount))
    return out, unapplied


def _write_allocations(s: Session, payment_id: uuid.UUID, plan: Iterable[AllocationOut]) -> int:
    rows = [AllocationRow(payment_id=payment_id, charge_id=a.charge_id, amount=a.amount)
            for a in plan]
    s.add_all(rows)
    return len(rows)


def apply_unapplied(s: Session, lease_ids: Iterable[uuid.UUID] | None = None) -> int:
    """Apply money in that is not yet allocated to open charges of the same account."""
    created = 0
    done_chains: set[frozenset[uuid.UUID]] = set()
    for _payment_id, lease_id, _left in unapplied_payments(s, lease_ids):
        chain = frozenset(lease_chain(s, lease_id))
        if chain in done_chains:
            continue
        done_chains.add(chain)
        for payment_id, _lid, left in unapplied_payments(s, chain):
            kind = s.scalar(select(Payment.kind).where(Payment.id == payment_id))
            exclude = ("deposit",) if kind == "deposit" else ()
            plan, _ = _plan(s, sorted(chain, key=str), left, None, exclude_kinds=exclude)
            created += _write_allocations(s, payment_id, plan)
            s.flush()
    return created


def _next_receipt_number(s: Session, operator_id: uuid.UUID) -> int:
    if s.get_bind().dialect.name == "postgresql":
        s.execute(select(Operator.id).where(Operator.id == operator_id).with_for_update())
    last = s.scalar(select(func.max(Payment.receipt_number))
                    .where(Payment.operator_id == operator_id))
    return (last or 0) + 1


def refuse_if_closed(s: Session, lease_id: uuid.UUID, day: date, field: str) -> None:
    """An entry of this lease dated in a reconciled period is refused (services.books_lock)."""
    if not books_lock.any_closed(s):
        return
    property_id = s.scalar(select(Unit.property_id).join(Room, Room.unit_id == Unit.id)
                           .join(Lease, Lease.room_id == Room.id).where(Lease.id == lease_id))
    books_lock.refuse_if_closed(s, property_id, day, field)


def _check_lease_open_for_money(lease: Lease) -> None:
    if lease.status == "cancelled":
        raise ValidationError("lease_id", "this lease was cancelled; record money on a real lease")


def _first_lease_start(s: Session) -> date | None:
    return s.scalar(select(func.min(Lease.lease_start)).where(Lease.status != "cancelled"))


def check_money_date(s: Session, day: date, field: str, *, force: bool = False) -> list[str]:
    """Money dated before the book's first lease began needs a person's yes (NeedsConfirmation
    unless `force`); returns what was overridden, for the audit entry."""
    return confirm(field, money_date_problem(day, _first_lease_start(s)), force)


def record_payment(db: Database, actor: Actor, data: PaymentCreate, *, force: bool = False
                   ) -> PaymentOut:
    """Money received. Dated before the book's first lease, it raises NeedsConfirmation
    unless `force`."""
    with writing(db, actor, PERMISSION) as s:
        return _payment_out(s, _record_payment_in(s, actor, data, "amount", force))


def record_payments(db: Database, actor: Actor, rows: Sequence[PaymentCreate], *,
                    force: bool = False) -> list[uuid.UUID]:
    """Many payments in one transaction (a day's bank statement, an import): each allocated
    as `record_payment` would, in the order given; one bad row and none is recorded."""
    with writing(db, actor, PERMISSION) as s:
        return [_record_payment_in(s, actor, data, f"rows[{i}].amount", force).id
                for i, data in enumerate(rows)]


def _record_payment_in(s: Session, actor: Actor, data: PaymentCreate, field: str,
                       force: bool = False) -> Payment:
    lease = _lease(s, data.lease_id)
    _check_lease_open_for_money(lease)
    if data.amount <= ZERO:
        raise ValidationError(field, "must be more than zero")
    date_field = field.removesuffix("amount") + "received_on"
    rules.check_received_on(data.received_on, today(), date_field)
    refuse_if_closed(s, lease.id, data.received_on, date_field)
    forced = check_money_date(s, data.received_on, date_field, force=force)
    chain = lease_chain(s, lease.id)
    plan, _unapplied = _plan(s, chain, data.amount, data.allocations)
    operator, _ = ensure_owner(s)
    number = _next_receipt_number(s, operator.id)
    payment = Payment(operator_id=operator.id, lease_id=lease.id, kind="payment",
                      amount=data.amount, received_on=data.received_on, method=data.method,
                      reference=data.reference, note=data.note, receipt_number=number,
                      created_by=actor.name)
    s.add(payment)
    s.flush()
    _write_allocations(s, payment.id, plan)
    s.flush()
    audit.record(s, actor, "create", "payment", payment.id,
                 f"Payment {data.amount:.2f} ({data.method}) on {data.received_on}, "
                 f"receipt No. {receipt_no(number)}",
                 {"lease_id": lease.id, "amount": data.amount, "method": data.method,
                  "reference": data.reference, "receipt_number": number,
                  "allocations": [[a.charge_id, a.amount] for a in plan],
                  **({"forced": forced} if forced else {})})
    return payment


def add_credit(db: Database, actor: Actor, data: CreditCreate, *, force: bool = False
               ) -> PaymentOut:
    """A credit (goodwill, a correction): reduces what the tenant owes, with the reason.
    Dated before the book's first lease, it raises NeedsConfirmation unless `force`."""
    with writing(db, actor, PERMISSION) as s:
        lease = _lease(s, data.lease_id)
        _check_lease_open_for_money(lease)
        if data.amount <= ZERO:
            raise ValidationError("amount", "must be more than zero")
        rules.check_received_on(data.received_on, today())
        refuse_if_closed(s, lease.id, data.received_on, "received_on")
        forced = check_money_date(s, data.received_on, "received_on", force=force)
        chain = lease_chain(s, lease.id)
        plan, _ = _plan(s, chain, data.amount, data.allocations)
        operator, _ = ensure_owner(s)
        credit = Payment(operator_id=operator.id, lease_id=lease.id, kind="credit",
                         amount=data.amount, received_on=data.received_on, note=data.reason,
                         created_by=actor.name)
        s.add(credit)
        s.flush()
        _write_allocations(s, credit.id, plan)
        s.flush()
        audit.record(s, actor, "create", "credit", credit.id,
                     f"Credit {data.amount:.2f}: {data.reason}",
                     {"lease_id": lease.id, "amount": data.amount, "reason": data.reason,
                      **({"forced": forced} if forced else {})})
        return _payment_out(s, credit)


def post_charge(db: Database, actor: Actor, data: ChargeCreate, *, force: bool = False
                ) -> ChargeOut:
    """A charge entered by hand. Due before the book's first lease, it raises
    NeedsConfirmation unless `force`."""
    with writing(db, actor, PERMISSION) as s:
        return _charge_out(s, post_charge_in(s, actor, data, force=force))


def post_charge_in(s: Session, actor: Actor, data: ChargeCreate, *, force: bool = False
                   ) -> Charge:
    """`post_charge` inside a caller's write transaction (a maintenance cost recharged to a
    lease: the cost and its charge are written together or not at all). The caller has
    checked "ledger.write"."""
    lease = _lease(s, data.lease_id)
    _check_lease_open_for_money(lease)
    if data.amount <= ZERO:
        raise ValidationError("amount", "must be more than zero")
    refuse_if_closed(s, lease.id, data.due_date, "due_date")
    forced = check_money_date(s, data.due_date, "due_date", force=force)
    charge = Charge(lease_id=lease.id, kind=data.kind, period=f"manual:{uuid.uuid4()}",
                    period_start=data.period_start, period_end=data.period_end,
                    due_date=data.due_date, amount=data.amount,
                    description=data.description, created_by=actor.name)
    s.add(charge)
    s.flush()
    apply_unapplied(s, lease_chain(s, lease.id))
    audit.record(s, actor, "create", "charge", charge.id,
                 f"Charge {data.amount:.2f}: {data.description}",
                 {"lease_id": lease.id, "kind": data.kind, "amount": data.amount,
                  "due_date": data.due_date, **({"forced": forced} if forced else {})})
    return charge


def _reason(reason: str) -> str:
    return rules.check_void_reason(reason)


def void_charge(db: Database, actor: Actor, charge_id: uuid.UUID, reason: str,
                on: date | None = None) -> ChargeOut:
    """The charge counts for nothing from now on; money that paid it becomes free again."""
    why = _reason(reason)
    with writing(db, actor, PERMISSION) as s:
        charge = get_row(s, Charge, charge_id, "charge")
        if s.scalar(select(Void.id).where(Void.charge_id == charge.id)) is not None:
            raise ValidationError("charge_id", "this charge is already voided")
        refuse_if_closed(s, charge.lease_id, charge.due_date, "charge_id")
        s.add(Void(charge_id=charge.id, voided_on=on or today(), reason=why,
                   created_by=actor.name))
        s.flush()
        apply_unapplied(s, lease_chain(s, charge.lease_id))
        audit.record(s, actor, "void", "charge", charge.id,
                     f"Voided charge {charge.amount:.2f} ({charge.description}): {why}",
                     {"amount": charge.amount, "reason": why})
        return _charge_out(s, charge)


def void_payment(db: Database, actor: Actor, payment_id: uuid.UUID, reason: str,
                 on: date | None = None) -> PaymentOut:
    """The payment was not received after all (a bounced check, a typing mistake)."""
    why = _reason(reason)
    with writing(db, actor, PERMISSION) as s:
        payment = get_row(s, Payment, payment_id, "payment")
        void_payment_in(s, actor, payment, why, on)
        return _payment_out(s, payment)


def void_payment_in(s: Session, actor: Actor, payment: Payment, reason: str,
                    on: date | None = None) -> None:
    """`void_payment` inside a caller's write transaction (a bank line's match undone)."""
    why = _reason(reason)
    if s.scalar(select(Void.id).where(Void.payment_id == payment.id)) is not None:
        raise ValidationError("payment_id", "this payment is already voided")
    if payment.kind == "deposit":
        raise ValidationError("payment_id", "the deposit applied at move-out is final")
    refuse_if_closed(s, payment.lease_id, payment.received_on, "payment_id")
    s.add(Void(payment_id=payment.id, voided_on=on or today(), reason=why,
               created_by=actor.name))
    s.flush()
    audit.record(s, actor, "void", "payment", payment.id,
                 f"Voided {payment.kind} {payment.amount:.2f}"
                 + (f" (receipt No. {receipt_no(payment.receipt_number)})"
                    if payment.receipt_number else "")
                 + f": {why}", {"amount": payment.amount, "reason": why})


def preview_allocation(
    db: Database, actor: Actor, lease_id: uuid.UUID, amount: Decimal,
    allocations: Sequence[AllocationIn] | None = None,
) -> AllocationPreview:
    """What `record_payment` would do with this amount, without doing it."""
    with reading(db, actor, "ledger.read") as s:
        _lease(s, lease_id)
        chain = lease_chain(s, lease_id)
        plan, unapplied = _plan(s, chain, amount, allocations)
        before = balance_of(s, chain)
        return AllocationPreview(lease_id=lease_id, amount=amount, allocations=plan,
                                 unapplied=unapplied, balance_before=before,
                                 balance_after=before - amount)


# --- reading ---------------------------------------------------------------------------------

def _void_reasons(s: Session, charge_ids: Sequence[uuid.UUID] = (),
                  payment_ids: Sequence[uuid.UUID] = ()) -> dict[uuid.UUID, str]:
    result: dict[uuid.UUID, str] = {}
    if charge_ids:
        for cid, reason in s.execute(select(Void.charge_id, Void.reason)
                                     .where(Void.charge_id.in_(charge_ids))):
            if cid is not None:
                result[cid] = reason
    if payment_ids:
        for pid, reason in s.execute(select(Void.payment_id, Void.reason)
                                     .where(Void.payment_id.in_(payment_ids))):
            if pid is not None:
                result[pid] = reason
    return result


def _charge_outs(s: Session, charges: Sequence[Charge]) -> list[ChargeOut]:
    ids = [c.id for c in charges]
    alloc = live_allocations()
    paid = dict(s.execute(select(alloc.c.charge_id, func.sum(alloc.c.cents))
                          .where(alloc.c.charge_id.in_(ids)).group_by(alloc.c.charge_id)).all())
    voids = _void_reasons(s, charge_ids=ids)
    day = today()
    out = []
    for c in charges:
        voided = c.id in voids
        got = ZERO if voided else money(paid.get(c.id))
        out.append(ChargeOut(
            id=c.id, lease_id=c.lease_id, kind=c.kind, period=c.period,
            period_start=c.period_start, period_end=c.period_end, due_date=c.due_date,
            amount=c.amount, paid=got, outstanding=ZERO if voided else c.amount - got,
            status=rules.charge_status(c.amount, got, c.due_date, day, voided=voided),
            description=c.description, working=c.working, void_reason=voids.get(c.id)))
    return out


def _charge_out(s: Session, charge: Charge) -> ChargeOut:
    return _charge_outs(s, [charge])[0]


def payment_outs(s: Session, payments: Sequence[Payment]) -> list[PaymentOut]:
    """Payments with their live allocations and void reasons, in two queries."""
    ids = [p.id for p in payments]
    alloc = live_allocations()
    rows = s.execute(
        select(alloc.c.payment_id, alloc.c.charge_id, alloc.c.cents, Charge.description,
               Charge.due_date, Charge.amount)
        .join(Charge, Charge.id == alloc.c.charge_id)
        .where(alloc.c.payment_id.in_(ids)).order_by(Charge.due_date, Charge.created_at)
    ).all()
    per: dict[uuid.UUID, list[AllocationOut]] = {}
    for pid, cid, amount_cents, description, due, charge_amount in rows:
        per.setdefault(pid, []).append(AllocationOut(
            charge_id=cid, description=description, due_date=due,
            outstanding_before=charge_amount, amount=money(amount_cents)))
    voids = _void_reasons(s, payment_ids=ids)
    out = []
    for p in payments:
        allocations = [] if p.id in voids else per.get(p.id, [])
        allocated = sum((a.amount for a in allocations), ZERO)
        out.append(PaymentOut(
            id=p.id, lease_id=p.lease_id, kind=p.kind, amount=p.amount,
            received_on=p.received_on, method=p.method, reference=p.reference, note=p.note,
            receipt_number=p.receipt_number, allocated=allocated,
            unapplied=ZERO if p.id in voids else p.amount - allocated,
            void_reason=voids.get(p.id), allocations=allocations))
    return out


def _payment_out(s: Session, payment: Payment) -> PaymentOut:
    return payment_outs(s, [payment])[0]


def get_payment(db: Database, actor: Actor, payment_id: uuid.UUID) -> PaymentOut:
    with reading(db, actor, "ledger.read") as s:
        return _payment_out(s, get_row(s, Payment, payment_id, "payment"))


def get_charge(db: Database, actor: Actor, charge_id: uuid.UUID) -> ChargeOut:
    with reading(db, actor, "ledger.read") as s:
        return _charge_out(s, get_row(s, Charge, charge_id, "charge"))


def deposit_held_in(s: Session, chain: Sequence[uuid.UUID]) -> Decimal:
    """Deposit money received on the account and not yet applied or refunded at move-out."""
    from coliv_desktop.db.models import DepositDisposition

    alloc = live_allocations()
    received = s.scalar(
        select(func.coalesce(func.sum(alloc.c.cents), 0))
        .join(Charge, Charge.id == alloc.c.charge_id)
        .join(Payment, Payment.id == alloc.c.payment_id)
        .where(Charge.lease_id.in_(chain), Charge.kind == "deposit", Payment.kind != "credit"))
    settled = s.scalar(
        select(func.coalesce(func.sum(cents(DepositDisposition.applied)
                                      + cents(DepositDisposition.refund)), 0))
        .where(DepositDisposition.lease_id.in_(chain)))
    return money(received) - money(settled)


def account_of(db: Database, actor: Actor, lease_id: uuid.UUID) -> list[uuid.UUID]:
    """The lease and those it was renewed or transferred from or into (one account)."""
    with reading(db, actor, "ledger.read") as s:
        _lease(s, lease_id)
        return lease_chain(s, lease_id)


def tenant_balance(db: Database, actor: Actor, tenant_id: uuid.UUID) -> Decimal:
    """What a tenant owes over all their leases (negative: credit)."""
    with reading(db, actor, "ledger.read") as s:
        return balance_of(s, s.scalars(select(Lease.id).where(Lease.tenant_id == tenant_id)))


def lease_ledger(db: Database, actor: Actor, lease_id: uuid.UUID) -> LeaseLedger:
    with reading(db, actor, "ledger.read") as s:
        _lease(s, lease_id)
        chain = lease_chain(s, lease_id)
        charges = list(s.scalars(select(Charge).where(Charge.lease_id.in_(chain))
                                 .order_by(*charge_order())))
        payments = list(s.scalars(select(Payment).where(Payment.lease_id.in_(chain))
                                  .order_by(Payment.received_on, Payment.created_at)))
        return LeaseLedger(lease_id=lease_id, lease_ids=chain,
                           charges=_charge_outs(s, charges), payments=payment_outs(s, payments),
                           balance=balance_of(s, chain), deposit_held=deposit_held_in(s, chain))
