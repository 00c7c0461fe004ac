"""SQL building blocks of the ledger, shared by its services and reports.

All amounts are aggregated in integer cents (`cents(column)`) and turned into Decimal once, at
the end, with `from_cents`: SQLite and PostgreSQL then agree to the cent.

The rules they encode: a voided charge is owed by nobody; a voided payment was never received;
an allocation counts only when neither its payment nor its charge is voided.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Subquery,
    case,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from coliv_desktop.db.models import AllocationRow, Charge, Lease, Payment, Void
from coliv_desktop.domain.aging import last_due_date_past_due
from coliv_desktop.domain.ledger import OpenCharge
from coliv_desktop.domain.money import ZERO, from_cents


def cents(column: Any) -> ColumnElement[int]:
    return type_coerce(column, BigInteger)


def money(value: Any) -> Decimal:
    """A cents aggregate from either engine (int, Decimal or None) as Decimal money."""
    return ZERO if value is None else from_cents(int(value))


KIND_ORDER = {"deposit": 0, "rent": 1, "utility": 2, "late_fee": 3, "other": 4}


def charge_order() -> tuple[Any, ...]:
    """The order money reaches charges and ledgers list them: due date, kind, period, posting."""
    rank = case(*[(Charge.kind == k, v) for k, v in KIND_ORDER.items()], else_=9)
    return (Charge.due_date, rank, Charge.period, Charge.created_at, Charge.id)


def past_due(day: date) -> ColumnElement[bool]:
    """The charge's due date is past on `day`: `domain.aging.is_past_due` in SQL (whether
    anything is left to pay is the caller's other condition)."""
    return Charge.due_date <= last_due_date_past_due(day)


def charge_live() -> ColumnElement[bool]:
    return ~exists().where(Void.charge_id == Charge.id)


def payment_live() -> ColumnElement[bool]:
    return ~exists().where(Void.payment_id == Payment.id)


def live_allocations() -> Subquery:
    """Allocations whose payment and charge both stand."""
    pv = select(Void.payment_id).where(Void.payment_id.is_not(None))
    cv = select(Void.charge_id).where(Void.charge_id.is_not(None))
    return (
        select(AllocationRow.charge_id, AllocationRow.payment_id,
               cents(AllocationRow.amount).label("cents"))
        .where(AllocationRow.payment_id.not_in(pv), AllocationRow.charge_id.not_in(cv))
        .subquery("live_alloc")
    )


def paid_per_charge() -> Subquery:
    alloc = live_allocations()
    return (
        select(alloc.c.charge_id, func.sum(alloc.c.cents).label("paid"))
        .group_by(alloc.c.charge_id)
        .subquery("paid_per_charge")
    )


def allocated_per_payment() -> Subquery:
    alloc = live_allocations()
    return (
        select(alloc.c.payment_id, func.sum(alloc.c.cents).label("allocated"))
        .group_by(alloc.c.payment_id)
        .subquery("allocated_per_payment")
    )


def lease_chain(s: Session, lease_id: uuid.UUID) -> list[uuid.UUID]:
    """The lease and every lease it was renewed or transferred from or into, oldest first.

    A tenant's balance and deposit follow them along this chain.
    """
    chain = {lease_id}
    frontier = {lease_id}
    while frontier:
        rows = s.execute(
            select(Lease.id, Lease.previous_lease_id).where(
                or_(Lease.id.in_(frontier), Lease.previous_lease_id.in_(frontier)))
        ).all()
        found: set[uuid.UUID] = set()
        for lid, prev in rows:
            found.add(lid)
            if prev is not None:
                found.add(prev)
        frontier = found - chain
        chain |= found
    starts = dict(s.execute(select(Lease.id, Lease.lease_start).where(Lease.id.in_(chain))).all())
    return sorted(chain, key=lambda i: (starts[i], str(i)))


def open_charges(
    s: Session, lease_ids: Iterable[uuid.UUID], *, exclude_kinds: tuple[str, ...] = ()
) -> list[tuple[OpenCharge, Charge]]:
    """Charges of these leases with something left to pay, oldest due first."""
    ids = list(lease_ids)
    alloc = live_allocations()
    paid = (select(alloc.c.charge_id, func.sum(alloc.c.cents).label("paid"))
            .where(alloc.c.charge_id.in_(select(Charge.id).where(Charge.lease_id.in_(ids))))
            .group_by(alloc.c.charge_id).subquery("paid_here"))
    query = (
        select(Charge, func.coalesce(paid.c.paid, 0))
        .outerjoin(paid, paid.c.charge_id == Charge.id)
        .where(Charge.lease_id.in_(ids), charge_live(),
               cents(Charge.amount) > func.coalesce(paid.c.paid, 0))
        .order_by(*charge_order())
    )
    if exclude_kinds:
        query = query.where(Charge.kind.not_in(exclude_kinds))
    result = []
    for order, (charge, paid_cents) in enumerate(s.execute(query).all()):
        outstanding = charge.amount - money(paid_cents)
        result.append((OpenCharge(charge.id, charge.due_date, outstanding, order), charge))
    return result


def balance_of(s: Session, lease_ids: Iterable[uuid.UUID], on: date | None = None) -> Decimal:
    """Charges less money in, voids left out; `on`: only entries dated on or before that day."""
    ids = list(lease_ids)
    charged = select(func.coalesce(func.sum(cents(Charge.amount)), 0)).where(
        Charge.lease_id.in_(ids), charge_live())
    received = select(func.coalesce(func.sum(cents(Payment.amount)), 0)).where(
        Payment.lease_id.in_(ids), payment_live())
    if on is not None:
        charged = charged.where(Charge.due_date <= on)
        received = received.where(Payment.received_on <= on)
    return money(s.scalar(charged)) - money(s.scalar(received))


def unapplied_payments(
    s: Session, lease_ids: Iterable[uuid.UUID] | None = None
) -> list[tuple[uuid.UUID, uuid.UUID, Decimal]]:
    """(payment id, lease id, unapplied) for live money in that is not fully allocated."""
    allocated = allocated_per_payment()
    query = (
        select(Payment.id, Payment.lease_id,
               cents(Payment.amount) - func.coalesce(allocated.c.allocated, 0))
        .outerjoin(allocated, allocated.c.payment_id == Payment.id)
        .where(payment_live(),
               cents(Payment.amount) > func.coalesce(allocated.c.allocated, 0))
        .order_by(Payment.received_on, Payment.created_at, Payment.id)
    )
    if lease_ids is not None:
        query = query.where(Payment.lease_id.in_(list(lease_ids)))
    return [(pid, lid, money(left)) for pid, lid, left in s.execute(query).all()]


def account_roots(s: Session) -> dict[uuid.UUID, uuid.UUID]:
    """lease id -> the first lease of its account (renewal/transfer chain), in one query."""
    parent = {lid: prev for lid, prev in s.execute(select(Lease.id, Lease.previous_lease_id))}
    roots: dict[uuid.UUID, uuid.UUID] = {}
    for lid in parent:
        trail = []
        node = lid
        while node not in roots and parent.get(node) is not None and node not in trail:
            trail.append(node)
            node = parent[node]  # type: ignore[assignment]
        root = roots.get(node, node)
        for n in [*trail, lid]:
            roots[n] = root
    return roots


def deposits_held(s: Session) -> dict[uuid.UUID, Decimal]:
    """Deposit held per lease (before grouping into accounts), set-based."""
    from coliv_desktop.db.models import DepositDisposition

    alloc = live_allocations()
    held: dict[uuid.UUID, Decimal] = {}
    for lid, amount in s.execute(
        select(Charge.lease_id, func.sum(alloc.c.cents))
        .select_from(alloc)
        .join(Charge, Charge.id == alloc.c.charge_id)
        .join(Payment, Payment.id == alloc.c.payment_id)
        .where(Charge.kind == "deposit", Payment.kind != "credit")
        .group_by(Charge.lease_id)
    ):
        held[lid] = held.get(lid, ZERO) + money(amount)
    for lid, amount in s.execute(
        select(DepositDisposition.lease_id,
               cents(DepositDisposition.applied) + cents(DepositDisposition.refund))
    ):
        held[lid] = held.get(lid, ZERO) - money(amount)
    return held
