"""The rent run: post every rent and deposit charge due up to a date, then the late fees.

Idempotent by construction: a charge's key (lease, kind, period) is UNIQUE in the database, the
run posts only keys not yet there, and one run at a time: on SQLite the whole run holds the
write lock (BEGIN IMMEDIATE) from its first read, on PostgreSQL a transaction-scoped advisory
lock. A second run (two desks opening the app together) waits for the first, then sees its
charges and posts nothing, without an error.

Set-based: one query for the leases, one for the keys already posted, one bulk insert per kind;
no query per lease. 5,000 leases x 12 months is one call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Charge, Lease, Room, Unit
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain import late_fees
from coliv_desktop.domain.limits import check_day
from coliv_desktop.domain.schedule import (
    base_period,
    is_month,
    month_name,
    rent_description,
    rent_periods,
)
from coliv_desktop.schemas.ledger import RentRunResult
from coliv_desktop.services import audit, books_lock
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, writing
from coliv_desktop.services.late_fees import default_rule, rules_by_property
from coliv_desktop.services.ledger import apply_unapplied
from coliv_desktop.services.ledger_sql import charge_live, money, paid_per_charge
from coliv_desktop.services.settings import get_settings

Progress = Callable[[int, int, str], None]
CHUNK = 5000
CHARGES = cast(Table, Charge.__table__)
# The key of the rent run's advisory lock on PostgreSQL (any constant unique to this use).
RENT_RUN_LOCK = 0x636F6C6976_01  # "coliv", 1


def _one_run_at_a_time(s: Session) -> None:
    """Wait for any other rent run to commit. PostgreSQL: an advisory lock held until this
    transaction ends; its reads come after the lock (READ COMMITTED), so they see what the
    other run posted. SQLite: the write transaction's BEGIN IMMEDIATE already waits."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(select(func.pg_advisory_xact_lock(RENT_RUN_LOCK)))


def _bulk_insert(s: Session, rows: list[dict[str, Any]], progress: Progress | None,
                 label: str) -> None:
    for start in range(0, len(rows), CHUNK):
        # Core insert: one executemany per chunk (the ORM bulk path splits batches whenever the
        # set of NULL columns changes, i.e. at every prorated month).
        s.execute(insert(CHARGES), rows[start:start + CHUNK])
        if progress:
            progress(min(start + CHUNK, len(rows)), len(rows), label)


def _refuse_closed(s: Session, rows: list[dict[str, Any]]) -> None:
    """A charge the run would post in a reconciled period refuses the whole run, naming it
    (a lease entered late, backdated into a closed month): the books of that period change
    only once it is reopened."""
    if not rows or not books_lock.any_closed(s):
        return
    leases = {row["lease_id"] for row in rows}
    where = {lease_id: prop for lease_id, prop in s.execute(
        select(Lease.id, Unit.property_id)
        .join(Room, Room.id == Lease.room_id).join(Unit, Unit.id == Room.unit_id)
        .where(Lease.id.in_(leases)))}
    closed: dict[Any, date | None] = {}
    for row in sorted(rows, key=lambda r: r["due_date"]):
        prop = where.get(row["lease_id"])
        if prop not in closed:
            closed[prop] = books_lock.closed_through(s, prop)
        through = closed[prop]
        if through is not None and row["due_date"] <= through:
            raise books_lock.PeriodClosed("through", row["due_date"], through,
                                          f'{row["description"]} (lease {row["lease_id"]})')


def run_rent(
    db: Database, actor: Actor, through: date, progress: Progress | None = None
) -> RentRunResult:
    check_day(through, "through")  # a run through 9999 would post rent for thousands of years
    settings = get_settings(db, actor)
    due_day = int(settings["rent_due_day"])
    operator_rule = default_rule(settings)
    with writing(db, actor, "ledger.write") as s:
        _one_run_at_a_time(s)
        # FOR SHARE on PostgreSQL: a move-out committing meanwhile (which corrects the rent
        # of its lease, rent_sync) waits for the run, or the run waits for it; never both
        # half-seen. SQLite's BEGIN IMMEDIATE already serializes the two.
        leases = s.execute(
            select(Lease.id, Lease.lease_start, Lease.lease_end, Lease.rent_amount,
                   Lease.deposit_amount, Lease.origin)
            .where(Lease.status != "cancelled", Lease.lease_start <= through)
            .with_for_update(read=True)
        ).all()
        posted = {(lid, period) for lid, period in s.execute(
            select(Charge.lease_id, Charge.period).where(Charge.kind.in_(("rent", "deposit"))))}
        now = utcnow()
        rows: list[dict[str, Any]] = []
        deposits = 0
        for lease_id, start, end, rent, deposit, origin in leases:
            if deposit > 0 and origin == "new" and (lease_id, "deposit") not in posted:
                deposits += 1
                rows.append({"id": uuid.uuid4(), "lease_id": lease_id, "kind": "deposit",
                             "period": "deposit", "period_start": None, "period_end": None,
                             "due_date": start, "amount": deposit,
                             "description": "Security deposit (held, refundable)",
                             "working": None, "created_by": actor.name, "created_at": now})
            if rent <= 0:
                continue
            for p in rent_periods(rent, start, end, through, due_day):
                if (lease_id, p.period) in posted:
                    continue
                what = rent_description(p)
                rows.append({"id": uuid.uuid4(), "lease_id": lease_id, "kind": "rent",
                             "period": p.period, "period_start": p.start, "period_end": p.end,
                             "due_date": p.due_date, "amount": p.amount, "description": what,
                             "working": p.working or None, "created_by": actor.name,
                             "created_at": now})
        _refuse_closed(s, rows)
        _bulk_insert(s, rows, progress, "rent charges")
        # money paid ahead goes to the new charges before lateness is judged, then to the fees
        applied = apply_unapplied(s)
        fees = _late_fees(s, actor, min(through, today()), operator_rule)
        _refuse_closed(s, fees)
        _bulk_insert(s, fees, progress, "late fees")
        if fees:
            applied += apply_unapplied(s)
        audit.record(
            s, actor, "rent_run", "ledger", None,
            f"Rent run through {through}: {len(rows) - deposits} rent, {deposits} deposit, "
            f"{len(fees)} late fee charges",
            {"through": through, "rent_charges": len(rows) - deposits, "deposits": deposits,
             "late_fees": len(fees), "allocations": applied},
        )
        return RentRunResult(through=through, charges_created=len(rows),
                             late_fees_created=len(fees), deposits_created=deposits,
                             allocations_created=applied)


def _late_fees(
    s: Session, actor: Actor, as_of: date, operator_rule: late_fees.LateFeeRule
) -> list[dict[str, Any]]:
    """One late fee per overdue rent period under the property's rule (or the default).

    "Once per period" counts every late fee of the month, voided ones too: a fee the operator
    waived (voided) is not posted again, nor is one for a month whose rent was re-posted under a
    revision key after a lease change.
    """
    own = rules_by_property(s)
    if operator_rule.mode == "none" and all(r.mode == "none" for _, r in own.values()):
        return []
    paid = paid_per_charge()
    fee_exists = select(Charge.lease_id, Charge.period).where(Charge.kind == "late_fee")
    existing = {(lid, base_period(period)) for lid, period in s.execute(fee_exists)}
    overdue = s.execute(
        select(Charge.id, Charge.lease_id, Charge.period, Charge.due_date, Unit.property_id,
               Charge.amount, paid.c.paid)
        .outerjoin(paid, paid.c.charge_id == Charge.id)
        .join(Lease, Lease.id == Charge.lease_id)
        .join(Room, Room.id == Lease.room_id)
        .join(Unit, Unit.id == Room.unit_id)
        .where(Charge.kind == "rent", charge_live(), Charge.due_date < as_of)
    ).all()
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for charge_id, lease_id, key, due, property_id, amount, paid_cents in overdue:
        if not is_month(key):
            continue  # rent entered by hand (a correction) carries no automatic late fee
        period = base_period(key)
        left = amount - money(paid_cents)
        if left <= 0 or (lease_id, period) in existing:
            continue
        rule_id, rule = own.get(property_id, (None, operator_rule))
        if rule.mode == "none" or late_fees.late_from(due, rule) > as_of:
            continue
        fee = late_fees.late_fee(rule, left)
        if fee <= 0:
            continue
        rows.append({"id": uuid.uuid4(), "lease_id": lease_id, "kind": "late_fee",
                     "period": period, "period_start": None, "period_end": None,
                     "due_date": late_fees.late_from(due, rule), "amount": fee,
                     "description": f"Late fee, rent {month_name(period)}",
                     "working": late_fees.working(rule, left, fee, due),
                     "late_fee_rule_id": rule_id, "source_charge_id": charge_id,
                     "created_by": actor.name, "created_at": now})
        existing.add((lease_id, period))
    return rows
