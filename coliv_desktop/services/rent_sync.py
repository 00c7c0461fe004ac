"""The ledger follows the lease: rent kept in step with a lease's dates when they change.

A move-out before the lease's end, a transfer or a cancellation shortens (or removes) the time a
lease holds its bed, often after the rent run has already charged for it; undoing them lengthens
it again. `sync_lease` runs inside the transaction of that change and makes the lease's rent and
deposit charges agree with its terms for every period the rent run has reached:

* a month no longer owed at all: its rent charge is voided, and so is a late fee on it;
* a month now owed for fewer (or more) days: the charge is voided and the month posted again,
  prorated by the domain's method (`domain.schedule`), under a revision key ("2025-12#2": the
  voided charge keeps "2025-12", so no rent run can post the month a second time);
* a month owed again (an undone move-out or cancellation): posted again under a revision key,
  together with the late fee the change had voided.

Every void written here has a reason starting with `LEASE_CHANGE` ("Lease change: ..."), wording
the void services refuse from people. That is how a later sync tells its own corrections from
the operator's: a month or a deposit the operator voided by hand (a rent-free month agreed with
the tenant) stays voided whatever happens to the lease afterwards.

Money that paid a voided charge becomes free and is applied again, oldest charge first, across
the tenant's account (`ledger.apply_unapplied`); what is left is credit in the tenant's favour.

"The periods the rent run has reached": due on or before the later of the last rent run's
`through` date (from its audit entry) and the latest rent due date already posted on the
tenant's account. Later periods are the next rent run's to post, as for any lease.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.models import AuditEntry, Charge, Lease, Void
from coliv_desktop.domain.ledger import LEASE_CHANGE, is_sync_void
from coliv_desktop.domain.money import ZERO
from coliv_desktop.domain.schedule import (
    REVISION,
    RentPeriod,
    base_period,
    is_month,
    month_name,
    next_key,
    rent_description,
    rent_periods,
)
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor
from coliv_desktop.services.ledger import apply_unapplied, refuse_if_closed
from coliv_desktop.services.ledger_sql import lease_chain
from coliv_desktop.services.settings import read_settings

KINDS = ("rent", "late_fee", "deposit")
DEPOSIT_TEXT = "Security deposit (held, refundable)"


@dataclass
class SyncResult:
    """What a sync changed: the charges it voided and posted, with their amounts."""

    voided: list[tuple[uuid.UUID, Decimal]] = field(default_factory=list)
    posted: list[tuple[uuid.UUID, Decimal]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.voided or self.posted)

    @property
    def reversed(self) -> Decimal:
        return sum((amount for _, amount in self.voided), ZERO)

    @property
    def reposted(self) -> Decimal:
        return sum((amount for _, amount in self.posted), ZERO)

    def merge(self, other: SyncResult) -> SyncResult:
        return SyncResult(self.voided + other.voided, self.posted + other.posted)

    def changes(self) -> dict[str, Any]:
        """For the caller's audit entry."""
        if not self.changed:
            return {}
        return {"charges_voided": [[str(i), str(a)] for i, a in self.voided],
                "charges_posted": [[str(i), str(a)] for i, a in self.posted]}

    def summary(self) -> str:
        if not self.changed:
            return ""
        parts = []
        if self.voided:
            parts.append(f"{len(self.voided)} charges voided ({self.reversed:.2f})")
        if self.posted:
            parts.append(f"{len(self.posted)} posted ({self.reposted:.2f})")
        return "; ledger: " + ", ".join(parts)


def rent_run_through(s: Session) -> date | None:
    """The furthest `through` date any rent run has posted to (from the audit log)."""
    best: date | None = None
    for changes in s.scalars(select(AuditEntry.changes).where(
            AuditEntry.action == "rent_run", AuditEntry.entity_type == "ledger")):
        value = changes.get("through") if isinstance(changes, dict) else None
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            continue
        best = day if best is None or day > best else best
    return best


def horizon_of(s: Session, chain: list[uuid.UUID]) -> date | None:
    """Periods due on or before this day have been charged (or would have been)."""
    latest = s.scalar(select(func.max(Charge.due_date))
                      .where(Charge.lease_id.in_(chain), Charge.kind == "rent"))
    days = [d for d in (latest, rent_run_through(s)) if d is not None]
    return max(days) if days else None


def _revision(key: str) -> int:
    _, _, number = key.partition(REVISION)
    return int(number) if number.isdigit() else 1


class _Sync:
    def __init__(self, s: Session, actor: Actor, lease: Lease, change: str) -> None:
        self.s = s
        self.actor = actor
        self.lease = lease
        self.change = change
        self.result = SyncResult()
        charges = list(s.scalars(select(Charge).where(Charge.lease_id == lease.id,
                                                      Charge.kind.in_(KINDS))))
        self.voids: dict[uuid.UUID, str] = {
            cid: reason for cid, reason in s.execute(
                select(Void.charge_id, Void.reason)
                .where(Void.charge_id.in_([c.id for c in charges])))
            if cid is not None}
        self.taken: dict[str, set[str]] = defaultdict(set)
        self.history: dict[tuple[str, str], list[Charge]] = defaultdict(list)
        for c in charges:
            self.taken[c.kind].add(c.period)
            if c.kind == "deposit" or is_month(c.period):
                self.history[(c.kind, base_period(c.period))].append(c)
        for entries in self.history.values():
            entries.sort(key=lambda c: (_revision(c.period), c.created_at))

    def live(self, entries: list[Charge]) -> list[Charge]:
        return [c for c in entries if c.id not in self.voids]

    def void(self, charge: Charge, why: str) -> None:
        reason = f"{LEASE_CHANGE}{self.change}{why}"
        self.s.add(Void(charge_id=charge.id, voided_on=today(), reason=reason,
                        created_by=self.actor.name))
        self.voids[charge.id] = reason
        self.result.voided.append((charge.id, charge.amount))

    def post(self, kind: str, base: str, **values: Any) -> Charge:
        # a lease change that re-posts rent in a reconciled month is refused (books_lock)
        refuse_if_closed(self.s, self.lease.id, values["due_date"], "lease")
        key = next_key(base, self.taken[kind])
        charge = Charge(lease_id=self.lease.id, kind=kind, period=key,
                        created_by=self.actor.name, **values)
        self.s.add(charge)
        self.s.flush()
        self.taken[kind].add(key)
        self.result.posted.append((charge.id, charge.amount))
        return charge

    # --- rent, month by month ------------------------------------------------------------------

    def rent(self, month: str, want: RentPeriod | None) -> None:
        entries = self.history.get(("rent", month), [])
        fees = self.history.get(("late_fee", month), [])
        live = self.live(entries)
        keep = None
        name = month_name(month)
        for charge in live:
            same = want is not None and (charge.amount, charge.period_start, charge.period_end) \
                == (want.amount, want.start, want.end)
            if keep is None and same:
                keep = charge
            elif want is None:
                self.void(charge, f", so no rent is owed for {name}")
            else:
                self.void(charge, f": {name} is charged again for {want.days} of "
                                  f"{want.month_days} days ({want.amount:.2f})")
        if want is None:
            for fee in self.live(fees):
                self.void(fee, f", so no rent (and no late fee) is owed for {name}")
            return
        if keep is not None:
            return
        latest = entries[-1] if entries else None
        if latest is not None and not live and not is_sync_void(self.voids.get(latest.id)):
            return  # the operator voided this month by hand: their correction stands
        working = want.working or f"Full month: {want.amount:.2f}"
        if latest is not None:
            working += (f". Posted again after the lease change ({self.change}); replaces the "
                        f"charge of {latest.amount:.2f}")
        self.post("rent", month, period_start=want.start, period_end=want.end,
                  due_date=want.due_date, amount=want.amount, description=rent_description(want),
                  working=working, source_charge_id=latest.id if latest is not None else None)
        if not live:
            self._reinstate_fees(fees)

    def _reinstate_fees(self, fees: list[Charge]) -> None:
        """Late fees this sync's kind of change voided come back with their month."""
        replaced = {f.source_charge_id for f in fees}
        for fee in fees:
            if fee.id in replaced or not is_sync_void(self.voids.get(fee.id)):
                continue
            self.post("late_fee", base_period(fee.period), due_date=fee.due_date,
                      amount=fee.amount, description=fee.description, working=fee.working,
                      late_fee_rule_id=fee.late_fee_rule_id, source_charge_id=fee.id)

    # --- the deposit ----------------------------------------------------------------------

    def deposit(self, owed: bool) -> None:
        entries = self.history.get(("deposit", "deposit"), [])
        live = self.live(entries)
        if not owed:
            for charge in live:
                self.void(charge, ", so no deposit is owed")
            return
        if live:
            return
        latest = entries[-1] if entries else None
        if latest is not None and not is_sync_void(self.voids.get(latest.id)):
            return  # voided by hand: stays voided
        self.post("deposit", "deposit", due_date=self.lease.lease_start,
                  amount=self.lease.deposit_amount, description=DEPOSIT_TEXT,
                  source_charge_id=latest.id if latest is not None else None)


def sync_lease(s: Session, actor: Actor, lease: Lease, change: str, *,
               horizon: date | None = None) -> SyncResult:
    """Bring `lease`'s rent and deposit charges in line with its current dates and status.

    `change` names what happened, for the void reasons: "move-out on 2025-12-20". Call it in
    the transaction that changed the lease, after the change (flushed or not). The caller
    applies freed money (`apply_unapplied`) and records the audit entry with `changes()`.
    """
    s.flush()
    if horizon is None:
        horizon = horizon_of(s, lease_chain(s, lease.id))
    sync = _Sync(s, actor, lease, change)
    owed = lease.status != "cancelled"
    expected: dict[str, RentPeriod] = {}
    if owed and horizon is not None and lease.rent_amount > 0:
        due_day = int(read_settings(s)["rent_due_day"])
        expected = {p.period: p for p in rent_periods(
            lease.rent_amount, lease.lease_start, lease.lease_end, horizon, due_day)}
    posted_months = {base for kind, base in sync.history if kind == "rent"}
    for month in sorted(set(expected) | posted_months):
        sync.rent(month, expected.get(month))
    sync.deposit(owed and lease.deposit_amount > 0 and lease.origin == "new"
                 and horizon is not None and lease.lease_start <= horizon)
    s.flush()
    return sync.result


def follow(s: Session, actor: Actor, leases: list[Lease], change: str) -> SyncResult:
    """Sync each lease (sharing one horizon), then apply the money the voids freed."""
    s.flush()
    chain = sorted({i for lease in leases for i in lease_chain(s, lease.id)}, key=str)
    horizon = horizon_of(s, chain)
    result = SyncResult()
    for lease in leases:
        result = result.merge(sync_lease(s, actor, lease, change, horizon=horizon))
    if result.changed:
        apply_unapplied(s, chain)
    return result
