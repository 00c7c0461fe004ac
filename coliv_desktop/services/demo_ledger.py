"""The demo's books: rent charged through the day the demo is loaded, and a payment history a
real business would have. Everything goes through the ledger's own services (rent run, record
payment, settle deposit, post a utility bill, the reminders outbox), one call each, as an
operator would have made them over the months.

The `ledger` section of resources/demo/portfolio.json says how each tenant pays:
  "habits": {"_default": {"days": -2, "method": "bank_transfer"},
             "tom": {"unpaid_last": true}, "jessica": {"partial_last": "400.00"}, ...}
`days` is when rent is paid relative to its due date (negative: early); the first payment,
on the move-in day, is the deposit and the first month together. `unpaid_last` leaves the
latest month unpaid, `partial_last` pays only that much of it. Also: the operator's default
late fee, deposit settlements for tenants who moved out, utility bills.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.schedule import rent_periods
from coliv_desktop.schemas import build
from coliv_desktop.schemas.deposits import DispositionCreate
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.schemas.utilities import UtilityBillIn
from coliv_desktop.services import (
    deposits,
    leasing,
    ledger,
    portfolio,
    reminders,
    rent_run,
    utilities,
)
from coliv_desktop.services.context import Actor
from coliv_desktop.services.settings import get_settings, set_settings

REFERENCE = {"bank_transfer": "TRF-{n:05d}", "check": "Check #{n:04d}", "card": "Card ···{n:04d}"}


def _payments(db: Database, actor: Actor, day: date, leases: dict[str, uuid.UUID],
              habits: dict[str, dict[str, Any]]) -> list[tuple[date, uuid.UUID, Decimal, str]]:
    """(date, lease, amount, method) of every payment the tenants made up to `day`."""
    due_day = int(get_settings(db, actor)["rent_due_day"])
    default = habits.get("_default", {})
    out = []
    for key, lease_id in leases.items():
        lease = leasing.get_lease(db, actor, lease_id)
        if lease.status == "cancelled" or lease.lease_start > day:
            continue
        habit = {**default, **habits.get(key, {})}
        method = str(habit.get("method", "bank_transfer"))
        periods = rent_periods(lease.rent_amount, lease.lease_start, lease.lease_end, day,
                               due_day)
        for i, period in enumerate(periods):
            amount = period.amount
            paid_on = period.due_date + timedelta(days=int(habit.get("days", 0)))
            if i == 0:  # moving in: the deposit and the first month, on the day
                amount += lease.deposit_amount if lease.origin == "new" else Decimal(0)
                paid_on = lease.lease_start
            last = i == len(periods) - 1 and i > 0
            if last and habit.get("unpaid_last"):
                continue
            if last and "partial_last" in habit:
                amount = Decimal(str(habit["partial_last"]))
            if paid_on <= day and amount > 0:
                out.append((max(paid_on, lease.lease_start), lease_id, amount, method))
    return sorted(out, key=lambda p: (p[0], str(p[1])))


def load_ledger(db: Database, actor: Actor, day: date, spec: dict[str, Any],
                leases: dict[str, uuid.UUID]) -> dict[str, int]:
    """The books of the demo: `leases` maps the JSON's tenant keys to their lease ids."""
    actor.require("ledger.write")
    if not spec:
        return {}
    # 1. every month's rent and deposits, as the app's rent run would have posted them
    rent_run.run_rent(db, actor, day)
    # 2. the payments, oldest first (receipt numbers run in date order)
    made = ledger.record_payments(db, actor, [build(
        PaymentCreate, lease_id=lease_id, amount=amount, received_on=paid_on, method=method,
        reference=REFERENCE[method].format(n=1000 + n) if method in REFERENCE else None)
        for n, (paid_on, lease_id, amount, method) in enumerate(
            _payments(db, actor, day, leases, spec.get("habits", {})), start=1)])
    # 3. the late fee rule, then the rent run of today posts fees on what is overdue now
    if spec.get("late_fee_default"):
        set_settings(db, actor, spec["late_fee_default"])
    fees = rent_run.run_rent(db, actor, day).late_fees_created
    # 4. deposits of tenants who moved out, settled a few days later with the deductions
    settled = 0
    for item in spec.get("deposit_settlements", []):
        lease_id = leases[item["tenant"]]
        ended = leasing.get_lease(db, actor, lease_id).lease_end
        assert ended is not None
        deposits.settle_deposit(db, actor, build(
            DispositionCreate, lease_id=lease_id,
            decided_on=min(ended + timedelta(days=int(item.get("after_move_out", 3))), day),
            deductions=item.get("deductions", []), refund_method=item.get("refund_method"),
            note=item.get("note")))
        settled += 1
    # 5. last month's utility bills, split across their units
    bills = 0
    first = day.replace(day=1)
    start, end = (first - timedelta(days=1)).replace(day=1), first - timedelta(days=1)
    properties = {p.name: p.id for p in portfolio.list_properties(db, actor)}
    for item in spec.get("utility_bills", []):
        prop = properties[item["property"]]
        unit = next((u.id for u in portfolio.list_units(db, actor, prop)
                     if u.unit_number == item.get("unit")), None)
        utilities.post_bill(db, actor, build(
            UtilityBillIn, property_id=prop, unit_id=unit, provider=item["provider"],
            period_start=start, period_end=end, amount=item["amount"],
            due_date=day + timedelta(days=int(item.get("due_in", 10))),
            rule=item.get("rule", "equal"), vacant_to=item.get("vacant_to", "operator")))
        bills += 1
    # 6. the reminders due today wait in the outbox
    reminded = reminders.refresh_outbox(db, actor, day)
    return {"payments": len(made), "late fees": fees, "deposits settled": settled,
            "utility bills": bills, "reminders": reminded}
