"""Verify the books: checks that what the services guarantee still holds in the database.

Every rule here is enforced when entries are written (the services, and constraints where the
engine has them); this reads the whole database again, by SQL aggregates, to catch what a
hand-edited file, a restore of a partial backup or a bug would leave behind. It only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AllocationRow, Base, Charge, Lease, Payment, Room, Tenant
from coliv_desktop.domain.money import money_str
from coliv_desktop.domain.wording import receipt_no
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.ledger_sql import (
    cents,
    charge_live,
    live_allocations,
    money,
    payment_live,
)

SHOWN = 5  # offending rows named per check; the rest are counted


@dataclass(frozen=True)
class CheckResult:
    name: str  # what must hold
    problems: list[str]  # empty: it holds

    @property
    def ok(self) -> bool:
        return not self.problems


def _named(rows: list[str]) -> list[str]:
    return rows[:SHOWN] + ([f"… and {len(rows) - SHOWN} more"] if len(rows) > SHOWN else [])


def _who(s: Session, lease_ids: set[object]) -> dict[object, str]:
    rows = s.execute(select(Lease.id, Tenant.first_name, Tenant.last_name)
                     .join(Tenant, Tenant.id == Lease.tenant_id)
                     .where(Lease.id.in_(lease_ids))).all() if lease_ids else []
    return {lid: f"{first} {last}" for lid, first, last in rows}


def _over_allocated_charges(s: Session) -> list[str]:
    alloc = live_allocations()
    paid = func.sum(alloc.c.cents)
    rows = s.execute(
        select(Charge.lease_id, Charge.description, cents(Charge.amount), paid)
        .join(alloc, alloc.c.charge_id == Charge.id)
        .where(charge_live())
        .group_by(Charge.id, Charge.lease_id, Charge.description, Charge.amount)
        .having(paid > cents(Charge.amount))).all()
    who = _who(s, {r[0] for r in rows})
    return [f"{who.get(lid, lid)}: {text} ({money_str(money(amount))}) has "
            f"{money_str(money(total))} paid against it" for lid, text, amount, total in rows]


def _over_allocated_payments(s: Session) -> list[str]:
    alloc = live_allocations()
    used = func.sum(alloc.c.cents)
    rows = s.execute(
        select(Payment.lease_id, Payment.receipt_number, cents(Payment.amount), used)
        .join(alloc, alloc.c.payment_id == Payment.id)
        .where(payment_live())
        .group_by(Payment.id, Payment.lease_id, Payment.receipt_number, Payment.amount)
        .having(used > cents(Payment.amount))).all()
    who = _who(s, {r[0] for r in rows})
    return [f"{who.get(lid, lid)}: {f'receipt No. {receipt_no(number)} ' if number else ''}"
            f"({money_str(money(amount))}) is applied {money_str(money(total))}"
            for lid, number, amount, total in rows]


def _allocations_across_tenants(s: Session) -> list[str]:
    charge_lease, payment_lease = aliased(Lease), aliased(Lease)
    rows = s.execute(
        select(charge_lease.id, payment_lease.id, AllocationRow.amount)
        .join(Charge, Charge.id == AllocationRow.charge_id)
        .join(charge_lease, charge_lease.id == Charge.lease_id)
        .join(Payment, Payment.id == AllocationRow.payment_id)
        .join(payment_lease, payment_lease.id == Payment.lease_id)
        .where(charge_lease.tenant_id != payment_lease.tenant_id)).all()
    who = _who(s, {r[0] for r in rows} | {r[1] for r in rows})
    return [f"{who.get(paid_by, paid_by)}'s money pays {who.get(owed_by, owed_by)}'s charge "
            f"({money_str(amount)})" for owed_by, paid_by, amount in rows]


def _double_booked_beds(s: Session) -> list[str]:
    first, second = aliased(Lease), aliased(Lease)
    far = date.max
    rows = s.execute(
        select(first.id, second.id, Room.room_number, first.bed)
        .join(second, (second.room_id == first.room_id) & (second.bed == first.bed)
              & (second.id > first.id))
        .join(Room, Room.id == first.room_id)
        .where(first.status != "cancelled", second.status != "cancelled",
               first.lease_start <= func.coalesce(second.lease_end, far),
               second.lease_start <= func.coalesce(first.lease_end, far))).all()
    who = _who(s, {r[0] for r in rows} | {r[1] for r in rows})
    return [f"room {room} bed {bed}: {who.get(a, a)} and {who.get(b, b)} on the same days"
            for a, b, room, bed in rows]


def _beds_beyond_the_room(s: Session) -> list[str]:
    rows = s.execute(select(Lease.id, Room.room_number, Lease.bed, Room.beds)
                     .join(Room, Room.id == Lease.room_id)
                     .where(Lease.status != "cancelled", Lease.bed > Room.beds)).all()
    who = _who(s, {r[0] for r in rows})
    return [f"{who.get(lid, lid)}: bed {bed} of room {room}, which has {beds}"
            for lid, room, bed, beds in rows]


def _charges_on_cancelled_leases(s: Session) -> list[str]:
    rows = s.execute(select(Charge.lease_id, Charge.description)
                     .join(Lease, Lease.id == Charge.lease_id)
                     .where(Lease.status == "cancelled", charge_live())).all()
    who = _who(s, {r[0] for r in rows})
    return [f"{who.get(lid, lid)}: {text}" for lid, text in rows]


def _receipt_numbers_missing(s: Session) -> list[str]:
    problems = []
    for operator_id, low, high, count in s.execute(
            select(Payment.operator_id, func.min(Payment.receipt_number),
                   func.max(Payment.receipt_number), func.count(Payment.receipt_number))
            .where(Payment.receipt_number.is_not(None)).group_by(Payment.operator_id)):
        if low is None or high is None:
            continue
        if low != 1 or high - low + 1 != count:
            numbers = set(s.scalars(select(Payment.receipt_number).where(
                Payment.operator_id == operator_id, Payment.receipt_number.is_not(None))))
            missing = [n for n in range(1, high + 1) if n not in numbers]
            problems.append("receipts missing from the sequence: "
                            + ", ".join(str(n) for n in missing[:20])
                            + (" …" if len(missing) > 20 else ""))
    return problems


def _missing_references(s: Session) -> list[str]:
    """Rows pointing at rows that are not there (a file edited with foreign keys off, a
    partial restore): each foreign key of the schema, checked on either engine."""
    problems = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            parent = fk.referred_table.alias()  # aliased: a table may refer to itself
            child_cols = list(fk.columns)
            pairs = [(c, parent.c[e.column.name])
                     for c, e in zip(child_cols, fk.elements, strict=True)]
            orphans = s.scalar(
                select(func.count()).select_from(table)
                .where(*(c.is_not(None) for c in child_cols))
                .where(~select(1).select_from(parent)
                       .where(*(p == c for c, p in pairs)).exists()))
            if orphans:
                names = ", ".join(c.name for c in child_cols)
                problems.append(f"{orphans} {table.name} row(s) point at a missing "
                                f"{fk.referred_table.name} row ({names})")
    return problems


def _audit_chain(s: Session) -> list[str]:
    from coliv_desktop.services.audit import check_chain

    report = check_chain(s)
    return [] if report.ok else [report.describe()]


CHECKS = (
    ("No charge has more paid against it than it asks", _over_allocated_charges),
    ("No payment or credit is applied beyond its amount", _over_allocated_payments),
    ("Money only pays the same tenant's charges", _allocations_across_tenants),
    ("No bed is let twice on the same day", _double_booked_beds),
    ("Every lease holds a bed its room has", _beds_beyond_the_room),
    ("A cancelled lease owes nothing (its charges are void)", _charges_on_cancelled_leases),
    ("Receipt numbers run 1, 2, 3 … with none missing", _receipt_numbers_missing),
    ("Every reference points at a row that exists (foreign keys)", _missing_references),
    ("The audit log is as it was written (hash chain)", _audit_chain),
)


def verify_books(db: Database, actor: Actor) -> list[CheckResult]:
    """Run every check (read only); each result names what must hold and what breaks it."""
    with reading(db, actor, "ledger.read") as s:
        return [CheckResult(name, _named(check(s))) for name, check in CHECKS]
