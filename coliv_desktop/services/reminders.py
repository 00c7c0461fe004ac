"""The reminders outbox: what to tell whom, as the seed's flow 4.3 has it.

For every open charge (not a deposit) a reminder is due 7 days before its due date, on the due
date, and once it is overdue. `refresh_outbox(as_of)` adds the one reminder that fits each charge
on that day (a charge already overdue does not also get "due in 7 days"); the UNIQUE key
(charge, kind) means each is written once. The operator prints them as letters or copies the
text; sending by email (a later issue) reads the same outbox.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Charge, Lease, Property, Reminder, Room, Tenant, Unit
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain.aging import is_past_due
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import format_money
from coliv_desktop.domain.wording import plural
from coliv_desktop.schemas.reminders import ReminderOut
from coliv_desktop.services import audit
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading, writing
from coliv_desktop.services.ledger_sql import cents, charge_live, money, paid_per_charge
from coliv_desktop.services.operator import PLACEHOLDER, get_profile
from coliv_desktop.services.settings import get_settings

LEAD_DAYS = 7
HANDLED = ("printed", "copied", "sent", "dismissed")


def _kind(due: date, as_of: date) -> str | None:
    if is_past_due(due, as_of):
        return "overdue"
    if as_of == due:
        return "due"
    if (due - as_of).days <= LEAD_DAYS:
        return "before_due"
    return None


def _text(kind: str, first: str, what: str, amount: str, due: date, place: str,
          business: str) -> tuple[str, str]:
    when = f"{due:%B} {due.day}, {due.year}"
    thing = f"{amount} for “{what}”"
    if kind == "before_due":
        subject = f"{what}: {amount} due {when}"
        lead = f"This is a friendly reminder that {thing} is due on {when}."
    elif kind == "due":
        subject = f"{what}: {amount} due today"
        lead = f"{thing[0].upper()}{thing[1:]} is due today, {when}."
    else:
        subject = f"Overdue: {what}, {amount}"
        lead = (f"Our records show that {thing}, due on {when}, has not been paid yet. "
                "Please pay as soon as you can, or talk to us if something is wrong.")
    body = (f"Dear {first},\n\n{lead}\n\nRoom: {place}\n\n"
            f"If you have already paid, please ignore this message.\n\n{business}")
    return subject, body


def refresh_outbox(db: Database, actor: Actor, as_of: date | None = None) -> int:
    day = as_of or today()
    settings = get_settings(db, actor)
    name = get_profile(db, actor).company_name
    business = name if name and name != PLACEHOLDER else "Your landlord"
    currency, locale = str(settings["currency"]), str(settings["locale"])
    with writing(db, actor, "ledger.write") as s:
        paid = paid_per_charge()
        left = cents(Charge.amount) - paid.c.paid
        rows = s.execute(
            select(Charge.id, Charge.lease_id, Charge.description, Charge.due_date,
                   Charge.amount, paid.c.paid, Tenant.id, Tenant.first_name, Property.name,
                   Unit.unit_number, Room.room_number)
            .outerjoin(paid, paid.c.charge_id == Charge.id)
            .join(Lease, Lease.id == Charge.lease_id)
            .join(Tenant, Tenant.id == Lease.tenant_id)
            .join(Room, Room.id == Lease.room_id)
            .join(Unit, Unit.id == Room.unit_id)
            .join(Property, Property.id == Unit.property_id)
            .where(charge_live(), Charge.kind != "deposit",
                   Charge.due_date <= day + timedelta(days=LEAD_DAYS),
                   (paid.c.paid.is_(None)) | (left > 0))
        ).all()
        existing = {(cid, kind) for cid, kind in s.execute(select(Reminder.charge_id,
                                                                  Reminder.kind))}
        now = utcnow()
        new: list[dict[str, Any]] = []
        for cid, lid, what, due, amount, paid_c, tid, first, prop, unit, room in rows:
            kind = _kind(due, day)
            if kind is None or (cid, kind) in existing:
                continue
            owed = amount - money(paid_c)
            subject, body = _text(kind, first, what, format_money(owed, currency, locale), due,
                                  f"{prop}, {unit}-{room}", business)
            new.append({"id": uuid.uuid4(), "charge_id": cid, "lease_id": lid, "tenant_id": tid,
                        "kind": kind, "due_on": day, "amount": owed, "subject": subject,
                        "body": body, "status": "pending", "created_at": now, "updated_at": now,
                        "version": 1})
        if new:
            s.execute(insert(Reminder), new)
            audit.record(s, actor, "create", "reminders", None,
                         f"{plural(len(new), 'reminder')} added to the outbox for {day}",
                         {"as_of": day, "count": len(new)})
        return len(new)


def list_outbox(db: Database, actor: Actor, status: str | None = "pending") -> list[ReminderOut]:
    """Reminders by status (None: all). Pending ones are listed only while their charge is
    still owed: one paid or voided since (a move-out reversed it, say) needs no reminder."""
    query = (select(Reminder, Tenant.first_name + " " + Tenant.last_name)
             .join(Tenant, Tenant.id == Reminder.tenant_id)
             .join(Charge, Charge.id == Reminder.charge_id)
             .order_by(Reminder.due_on, Tenant.last_name, Tenant.first_name, Charge.due_date,
                       Charge.kind, Reminder.id))
    if status is not None:
        query = query.where(Reminder.status == status)
    if status == "pending":
        paid = paid_per_charge()
        query = (query.outerjoin(paid, paid.c.charge_id == Charge.id)
                 .where(charge_live(),
                        cents(Charge.amount) > func.coalesce(paid.c.paid, 0)))
    with reading(db, actor, "ledger.read") as s:
        return [ReminderOut(id=r.id, charge_id=r.charge_id, lease_id=r.lease_id,
                            tenant_id=r.tenant_id, tenant=name, kind=r.kind, due_on=r.due_on,
                            amount=r.amount, subject=r.subject, body=r.body, status=r.status)
                for r, name in s.execute(query)]


def mark(db: Database, actor: Actor, ids: list[uuid.UUID], status: str) -> int:
    """Printed, copied, sent or dismissed: the reminder leaves the pending outbox."""
    if status not in HANDLED:
        raise ValidationError("status", f"must be one of {', '.join(HANDLED)}")
    with writing(db, actor, "ledger.write") as s:
        rows = list(s.scalars(select(Reminder).where(Reminder.id.in_(ids))))
        for row in rows:
            row.status = status
            row.handled_at = utcnow()
        s.flush()
        audit.record(s, actor, "update", "reminders", None,
                     f"{plural(len(rows), 'reminder')} {status}",
                     {"ids": [r.id for r in rows], "status": status})
        return len(rows)
