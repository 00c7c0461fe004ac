"""Deposits: held as a liability while the tenant lives there, settled once at move-out.

Settling: each deduction becomes a charge with its reason; an unpaid part of the deposit charge
itself is released by a credit (the tenant does not owe a deposit once they leave). Credit on the
account (rent paid ahead that a move-out reversed, say) pays the deductions first; the deposit
held then pays the rest (and, unless told otherwise, the rent still owed) as money in of kind
"deposit"; what is left of the deposit is refunded, and what the deposit could not cover is still
owed. Credit still left on the account is refunded too: a charge "credit on account refunded"
(key `credit-refund:<disposition id>`) takes it off the account, so the balance ends at zero.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    Charge,
    DepositDeduction,
    DepositDisposition,
    Lease,
    Payment,
    Property,
    Room,
    Tenant,
    Unit,
    Void,
)
from coliv_desktop.domain import ledger as rules
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import ZERO
from coliv_desktop.schemas.deposits import DeductionOut, DispositionCreate, DispositionOut
from coliv_desktop.services import audit
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, ensure_owner, reading, writing
from coliv_desktop.services.ledger import (
    _plan,
    _write_allocations,
    apply_unapplied,
    deposit_held_in,
    refuse_if_closed,
)
from coliv_desktop.services.ledger_sql import balance_of, lease_chain, open_charges
from coliv_desktop.services.portfolio import get_row

CREDIT_REFUND = "credit-refund:"
RELEASE_NOTE = "Unpaid deposit released at move-out"


def _names(s: Session, lease: Lease) -> tuple[str, str]:
    tenant = s.get(Tenant, lease.tenant_id)
    room = s.get(Room, lease.room_id)
    unit = s.get(Unit, room.unit_id) if room else None
    prop = s.get(Property, unit.property_id) if unit else None
    who = f"{tenant.first_name} {tenant.last_name}" if tenant else ""
    where = (f"{prop.name if prop else ''}, {unit.unit_number if unit else ''}-"
             f"{room.room_number if room else ''}")
    return who, where


def _check(s: Session, data: DispositionCreate) -> tuple[Lease, list[uuid.UUID]]:
    lease = get_row(s, Lease, data.lease_id, "lease")
    chain = lease_chain(s, lease.id)
    others = [s.get(Lease, i) for i in chain if i != lease.id]
    later = [o.id for o in others if o is not None and o.status != "cancelled"
             and o.lease_start > lease.lease_start]
    if later:
        raise ValidationError("lease_id", f"the deposit moved with the tenant to lease {later[-1]}")
    if lease.status == "active":
        raise ValidationError("lease_id", "record the move-out (end the lease) first")
    if lease.status == "cancelled":
        raise ValidationError("lease_id", "this lease was cancelled")
    done = s.scalar(select(DepositDisposition.id)
                    .where(DepositDisposition.lease_id.in_(chain)))
    if done is not None:
        raise ValidationError("lease_id", "this deposit was already settled")
    return lease, chain


def _compute(s: Session, data: DispositionCreate, lease: Lease,
             chain: list[uuid.UUID]) -> DispositionOut:
    held = deposit_held_in(s, chain)
    deposit_unpaid = sum((v.outstanding for v, c in open_charges(s, chain) if c.kind == "deposit"),
                         ZERO)
    owed_now = balance_of(s, chain) - deposit_unpaid
    credit = max(-owed_now, ZERO)  # the tenant's own money on the account
    total = sum((d.amount for d in data.deductions), ZERO)
    from_credit = min(credit, total)
    to_cover = total - from_credit
    if data.apply_to_balance:
        to_cover += max(owed_now, ZERO)
    applied = min(held, to_cover)
    who, where = _names(s, lease)
    return DispositionOut(
        id=None, lease_id=lease.id, tenant=who, place=where, decided_on=data.decided_on,
        required=lease.deposit_amount, held=held,
        deductions=[DeductionOut(reason=d.reason, amount=d.amount) for d in data.deductions],
        deductions_total=total, unpaid_before=owed_now, applied=applied, refund=held - applied,
        owed=max(owed_now, ZERO) + total - from_credit - applied,
        credit_refund=credit - from_credit, refund_method=data.refund_method, note=data.note)


def preview_disposition(db: Database, actor: Actor, data: DispositionCreate) -> DispositionOut:
    with reading(db, actor, "ledger.read") as s:
        lease, chain = _check(s, data)
        return _compute(s, data, lease, chain)


def settle_deposit(db: Database, actor: Actor, data: DispositionCreate) -> DispositionOut:
    with writing(db, actor, "ledger.write") as s:
        lease, chain = _check(s, data)
        refuse_if_closed(s, lease.id, data.decided_on, "decided_on")
        result = _compute(s, data, lease, chain)
        operator, _ = ensure_owner(s)
        for _view, charge in open_charges(s, chain):
            if charge.kind == "deposit":
                release = Payment(operator_id=operator.id, lease_id=lease.id, kind="credit",
                                  amount=_view.outstanding, received_on=data.decided_on,
                                  note=RELEASE_NOTE,
                                  created_by=actor.name)
                s.add(release)
                s.flush()
                plan, _ = _plan(s, [charge.lease_id], _view.outstanding, None)
                _write_allocations(s, release.id, [a for a in plan if a.charge_id == charge.id])
        deductions: list[tuple[str, Decimal, Charge]] = []
        for d in data.deductions:
            charge = Charge(lease_id=lease.id, kind="other", period=f"deduction:{uuid.uuid4()}",
                            due_date=data.decided_on, amount=d.amount,
                            description=f"Deposit deduction: {d.reason}", created_by=actor.name)
            s.add(charge)
            deductions.append((d.reason, d.amount, charge))
        s.flush()
        apply_unapplied(s, chain)  # credit on the account pays the deductions first
        credit_id = None
        if result.applied > ZERO:
            credit = Payment(operator_id=operator.id, lease_id=lease.id, kind="deposit",
                             amount=result.applied, received_on=data.decided_on,
                             note="Deposit applied at move-out", created_by=actor.name)
            s.add(credit)
            s.flush()
            plan, _ = _plan(s, chain, result.applied, None, exclude_kinds=("deposit",))
            _write_allocations(s, credit.id, plan)
            credit_id = credit.id
        row = DepositDisposition(
            id=uuid.uuid4(), lease_id=lease.id, decided_on=data.decided_on, held=result.held,
            deductions_total=result.deductions_total, applied=result.applied,
            refund=result.refund, owed=result.owed, credit_id=credit_id,
            refund_method=data.refund_method, note=data.note, created_by=actor.name)
        s.add(row)
        s.flush()
        for reason, amount, charge in deductions:
            s.add(DepositDeduction(disposition_id=row.id, reason=reason, amount=amount,
                                   charge_id=charge.id))
        if result.credit_refund > ZERO:
            s.add(Charge(lease_id=lease.id, kind="other", period=f"{CREDIT_REFUND}{row.id}",
                         due_date=data.decided_on, amount=result.credit_refund,
                         description="Credit on account refunded at move-out",
                         created_by=actor.name))
        s.flush()
        apply_unapplied(s, chain)
        audit.record(s, actor, "settle", "deposit", row.id,
                     f"Deposit settled: held {result.held:.2f}, deductions "
                     f"{result.deductions_total:.2f}, refund {result.refund:.2f}, still owed "
                     f"{result.owed:.2f}" + (f", credit refunded {result.credit_refund:.2f}"
                                             if result.credit_refund else ""),
                     {"lease_id": lease.id, "held": result.held, "applied": result.applied,
                      "refund": result.refund, "owed": result.owed,
                      "credit_refund": result.credit_refund,
                      "deductions": [[d.reason, d.amount] for d in data.deductions]})
        return result.model_copy(update={"id": row.id})


def reverse_settlement(db: Database, actor: Actor, lease_id: uuid.UUID, reason: str) -> int:
    """Take a settlement back (one transaction), as if the deposit had not been settled: the
    entries it made are voided with the reason (its deductions, the deposit applied, the
    release of an unpaid deposit, the refund of credit), so the ledger keeps both; its record
    is removed (the audit log keeps its figures), the deposit is held again and can be settled
    anew. Returns how many entries were voided.

    A refund the settlement worked out may already have been paid to the tenant: settling
    again works it out again, so the caller warns not to pay it twice."""
    why = rules.check_void_reason(reason)
    with writing(db, actor, "ledger.write") as s:
        get_row(s, Lease, lease_id, "lease")  # an unknown id is "not found", not a KeyError
        chain = lease_chain(s, lease_id)
        row = s.scalar(select(DepositDisposition)
                       .where(DepositDisposition.lease_id.in_(chain)).with_for_update())
        if row is None:
            raise ValidationError("lease_id", "this deposit has not been settled")
        refuse_if_closed(s, row.lease_id, row.decided_on, "lease_id")
        deductions = s.scalars(select(DepositDeduction)
                               .where(DepositDeduction.disposition_id == row.id)).all()
        voided_charges = select(Void.charge_id).where(Void.charge_id.is_not(None))
        voided_payments = select(Void.payment_id).where(Void.payment_id.is_not(None))
        charges = [*(d.charge_id for d in deductions if d.charge_id is not None),
                   *s.scalars(select(Charge.id).where(
                       Charge.lease_id.in_(chain),
                       Charge.period == f"{CREDIT_REFUND}{row.id}"))]
        charges = list(s.scalars(select(Charge.id).where(Charge.id.in_(charges),
                                                         Charge.id.not_in(voided_charges))))
        payments = list(s.scalars(select(Payment.id).where(
            Payment.lease_id.in_(chain), Payment.id.not_in(voided_payments),
            ((Payment.kind == "credit") & (Payment.note == RELEASE_NOTE))
            | (Payment.id == row.credit_id))))
        note = f"Deposit settlement reversed: {why}"
        for charge_id in charges:
            s.add(Void(charge_id=charge_id, voided_on=today(), reason=note,
                       created_by=actor.name))
        for payment_id in payments:
            s.add(Void(payment_id=payment_id, voided_on=today(), reason=note,
                       created_by=actor.name))
        figures = {"lease_id": row.lease_id, "decided_on": row.decided_on, "held": row.held,
                   "applied": row.applied, "refund": row.refund, "owed": row.owed,
                   "refund_method": row.refund_method,
                   "deductions": [[d.reason, d.amount] for d in deductions],
                   "voided_charges": charges, "voided_payments": payments, "reason": why}
        for deduction in deductions:
            s.delete(deduction)
        s.flush()
        s.delete(row)
        s.flush()
        apply_unapplied(s, chain)
        audit.record(s, actor, "reverse", "deposit", row.id,
                     f"Deposit settlement of {row.decided_on} reversed (held {row.held:.2f}, "
                     f"deductions {row.deductions_total:.2f}, refund {row.refund:.2f}): {why}",
                     figures)
        return len(charges) + len(payments)


def get_disposition(db: Database, actor: Actor, lease_id: uuid.UUID) -> DispositionOut | None:
    with reading(db, actor, "ledger.read") as s:
        chain = lease_chain(s, lease_id)
        row = s.scalar(select(DepositDisposition).where(DepositDisposition.lease_id.in_(chain)))
        if row is None:
            return None
        lease = get_row(s, Lease, row.lease_id, "lease")
        who, where = _names(s, lease)
        deductions = s.scalars(select(DepositDeduction)
                               .where(DepositDeduction.disposition_id == row.id)
                               .order_by(DepositDeduction.created_at)).all()
        credit_refund = s.scalar(select(Charge.amount).where(
            Charge.lease_id.in_(chain), Charge.period == f"{CREDIT_REFUND}{row.id}")) or ZERO
        return DispositionOut(
            id=row.id, lease_id=lease.id, tenant=who, place=where, decided_on=row.decided_on,
            required=lease.deposit_amount, held=row.held,
            deductions=[DeductionOut(reason=d.reason, amount=d.amount) for d in deductions],
            deductions_total=row.deductions_total,
            unpaid_before=row.owed + row.applied - row.deductions_total - credit_refund,
            applied=row.applied, refund=row.refund, owed=row.owed, credit_refund=credit_refund,
            refund_method=row.refund_method, note=row.note)
