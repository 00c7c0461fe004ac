"""What needs the operator's attention today, for the dashboard: leases past their end with no
move-out recorded, deposits of ended leases not yet settled, money past due, utility bills
split before a lease change in their period, reminders waiting in the outbox, applications
waiting for a decision. Each item names the pane that deals with it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import aliased

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import DepositDisposition, Lease, Property, Room, Tenant, Unit
from coliv_desktop.domain.money import ZERO, money_str
from coliv_desktop.domain.wording import plural
from coliv_desktop.schemas.dashboard import AttentionItem
from coliv_desktop.services import applications, reminders, reports, utilities
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.lease_sql import past_end_without_move_out

NAMED = 3  # people named in an item; the rest are counted


def _names(people: list[str]) -> str:
    shown = ", ".join(people[:NAMED])
    return shown + (f" and {len(people) - NAMED} more" if len(people) > NAMED else "")


def needs_attention(db: Database, actor: Actor, on: date | None = None,
                    money: Callable[[Decimal], str] = money_str) -> list[AttentionItem]:
    """The items, most urgent first; `money` formats amounts (the app passes the operator's
    currency format)."""
    day = on or today()
    place = (Tenant.first_name + " " + Tenant.last_name + " (" + Property.name + " "
             + Unit.unit_number + "-" + Room.room_number + ")")
    joined = (select(place, Lease.lease_end).select_from(Lease)
              .join(Tenant, Tenant.id == Lease.tenant_id)
              .join(Room, Room.id == Lease.room_id)
              .join(Unit, Unit.id == Room.unit_id)
              .join(Property, Property.id == Unit.property_id))
    items: list[AttentionItem] = []
    with reading(db, actor, "read") as s:
        overstayed = s.execute(joined.where(past_end_without_move_out(day))
                               .order_by(Lease.lease_end)).all()
        following = aliased(Lease)  # a renewal or transfer: the deposit went on with it
        unsettled = s.execute(
            joined.outerjoin(DepositDisposition, DepositDisposition.lease_id == Lease.id)
            .where(Lease.status == "ended", Lease.deposit_amount > 0,
                   DepositDisposition.id.is_(None),
                   ~select(following.id).where(following.previous_lease_id == Lease.id,
                                               following.status != "cancelled").exists())
            .order_by(Lease.lease_end)).all()
    if overstayed:
        items.append(AttentionItem(
            kind="move_outs", pane="leases:overdue", count=len(overstayed),
            text=f"{plural(len(overstayed), 'lease has', 'leases have')} passed the end date "
                 f"with no move-out recorded: {_names([r[0] for r in overstayed])}. Record "
                 "the move-out or renew."))
    if actor.may("ledger.read"):  # money: not for staff
        if unsettled:
            items.append(AttentionItem(
                kind="deposits", pane="leases:ended", count=len(unsettled),
                text=f"{plural(len(unsettled), 'deposit', 'deposits')} of ended leases to settle: "
                     f"{_names([r[0] for r in unsettled])}."))
        aging = reports.aging_report(db, actor, day)
        late = [r for r in aging.rows if r.past_due > ZERO]
        if late:
            owed = sum((r.past_due for r in late), ZERO)
            items.append(AttentionItem(
                kind="overdue", pane="ledger", count=len(late),
                text=f"{plural(len(late), 'tenant owes', 'tenants owe')} {money(owed)} past "
                     f"due: {_names([r.tenant for r in late])}."))
        resplit = utilities.bills_to_split_again(db, actor)
        if resplit:
            bills = [f"{b.provider} {b.period_start:%b %Y} ({b.property_name}"
                     + (f" {b.unit_number})" if b.unit_number else ")") for b in resplit]
            items.append(AttentionItem(
                kind="utilities", pane="ledger:utilities", count=len(resplit),
                text=f"{plural(len(resplit), 'utility bill was', 'utility bills were')} split "
                     f"before a move-in or move-out in its period was entered: {_names(bills)}. "
                     "Select it in the Ledger's utility bills and Split again."))
        waiting = len(reminders.list_outbox(db, actor))
        if waiting:
            items.append(AttentionItem(
                kind="reminders", pane="ledger:reminders", count=waiting,
                text=f"{plural(waiting, 'reminder is', 'reminders are')} waiting in the outbox "
                     "(Ledger ▸ Reminders)."))
    undecided = applications.count_open(db, actor)
    if undecided:
        items.append(AttentionItem(
            kind="applications", pane="applications", count=undecided,
            text=f"{plural(undecided, 'application is', 'applications are')} waiting for a "
                 "decision."))
    return items
