"""Utility bills split across rooms: previewed, then posted as a charge on each lease."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    Charge,
    Lease,
    Property,
    Room,
    Tenant,
    Unit,
    UtilityBill,
    Void,
)
from coliv_desktop.db.models import UtilityShare as ShareRow
from coliv_desktop.domain import ledger as rules
from coliv_desktop.domain import utilities as split
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas.utilities import (
    BillRoom,
    ShareOut,
    UtilityBillIn,
    UtilityBillOut,
    UtilityBillRow,
)
from coliv_desktop.services import audit, books_lock
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading, writing
from coliv_desktop.services.lease_sql import overlapping
from coliv_desktop.services.ledger import apply_unapplied
from coliv_desktop.services.ledger_sql import cents, charge_live, lease_chain, money
from coliv_desktop.services.portfolio import get_row


def _compute(s: Session, data: UtilityBillIn) -> tuple[list[split.Share], dict[str, str],
                                                       dict[str, str]]:
    prop = get_row(s, Property, data.property_id, "property")
    query = (select(Room, Unit.unit_number).join(Unit, Unit.id == Room.unit_id)
             .where(Unit.property_id == prop.id, Room.archived_at.is_(None))
             .order_by(Unit.unit_number, Room.room_number))
    if data.unit_id is not None:
        unit = get_row(s, Unit, data.unit_id, "unit")
        if unit.property_id != prop.id:
            raise ValidationError("unit_id", "that unit is in another property")
        query = query.where(Room.unit_id == unit.id)
    rooms = s.execute(query).all()
    if not rooms:
        raise ValidationError("unit_id", "there are no rooms to split this bill across")
    leases = s.execute(
        select(Lease, Tenant.first_name, Tenant.last_name)
        .join(Tenant, Tenant.id == Lease.tenant_id)
        .where(Lease.room_id.in_([r.id for r, _ in rooms]),
               overlapping(data.period_start, data.period_end))
        .order_by(Lease.lease_start, Lease.bed)).all()
    names: dict[str, str] = {}
    labels: dict[str, str] = {}
    inputs = []
    for room, unit_number in rooms:
        label = f"{unit_number}-{room.room_number}"
        labels[str(room.id)] = label
        occupants = []
        for lease, first, last in leases:
            if lease.room_id == room.id:
                names[str(lease.id)] = f"{first} {last}"
                occupants.append(split.Occupant(str(lease.id), f"{first} {last}",
                                                lease.lease_start, lease.lease_end))
        inputs.append(split.RoomInput(str(room.id), label, beds=room.beds, size=room.size_sqft,
                                      percent=data.percentages.get(room.id),
                                      occupants=occupants))
    shares = split.split_bill(data.amount, data.period_start, data.period_end, data.rule,
                              inputs, data.vacant_to)
    return shares, names, labels


def _out(data: UtilityBillIn, shares: list[split.Share], names: dict[str, str],
         labels: dict[str, str], bill_id: uuid.UUID | None = None,
         charges: dict[str, uuid.UUID] | None = None) -> UtilityBillOut:
    return UtilityBillOut(
        id=bill_id, due_date=data.due_date, provider=data.provider,
        period_start=data.period_start,
        period_end=data.period_end, amount=data.amount, rule=data.rule, vacant_to=data.vacant_to,
        shares=[ShareOut(
            lease_id=None if sh.key == split.OPERATOR else uuid.UUID(sh.key),
            tenant="Operator (vacant)" if sh.key == split.OPERATOR else names[sh.key],
            room=labels.get(sh.room_key or "", ""), amount=sh.amount, days=sh.days,
            working=sh.working, charge_id=(charges or {}).get(sh.key)) for sh in shares])


def preview_bill(db: Database, actor: Actor, data: UtilityBillIn) -> UtilityBillOut:
    with reading(db, actor, "ledger.read") as s:
        shares, names, labels = _compute(s, data)
    return _out(data, shares, names, labels)


def post_bill(db: Database, actor: Actor, data: UtilityBillIn) -> UtilityBillOut:
    with writing(db, actor, "ledger.write") as s:
        return _post_in(s, actor, data)


def _post_in(s: Session, actor: Actor, data: UtilityBillIn) -> UtilityBillOut:
    """Post a bill inside the caller's transaction (a re-split voids and posts together)."""
    books_lock.refuse_if_closed(s, data.property_id, data.due_date, "due_date")
    shares, names, labels = _compute(s, data)
    bill = UtilityBill(
        property_id=data.property_id, unit_id=data.unit_id, provider=data.provider,
        period_start=data.period_start, period_end=data.period_end, amount=data.amount,
        due_date=data.due_date, rule=data.rule, vacant_to=data.vacant_to,
        percentages={str(k): str(v) for k, v in data.percentages.items()},
        notes=data.notes, created_by=actor.name)
    s.add(bill)
    s.flush()
    charges: dict[str, uuid.UUID] = {}
    for sh in shares:
        charge_id = None
        if sh.key != split.OPERATOR and sh.amount > 0:
            charge = Charge(
                lease_id=uuid.UUID(sh.key), kind="utility", period=f"bill:{bill.id}",
                period_start=data.period_start, period_end=data.period_end,
                due_date=data.due_date, amount=sh.amount,
                description=f"{data.provider} {data.period_start:%b %d} - "
                            f"{data.period_end:%b %d, %Y} (your share)",
                working=sh.working, created_by=actor.name)
            s.add(charge)
            s.flush()
            charge_id = charges[sh.key] = charge.id
        s.add(ShareRow(bill_id=bill.id,
                       lease_id=None if sh.key == split.OPERATOR else uuid.UUID(sh.key),
                       room_id=uuid.UUID(sh.room_key) if sh.room_key else None,
                       amount=sh.amount, days=sh.days, working=sh.working,
                       charge_id=charge_id))
    s.flush()
    apply_unapplied(s, [uuid.UUID(k) for k in charges])
    audit.record(s, actor, "create", "utility_bill", bill.id,
                 f"{data.provider} bill {data.amount:.2f} split {data.rule} across "
                 f"{len(charges)} leases",
                 {"amount": data.amount, "rule": data.rule, "vacant_to": data.vacant_to,
                  "shares": [[sh.key, sh.amount] for sh in shares]})
    return _out(data, shares, names, labels, bill.id, charges)


def void_bill(db: Database, actor: Actor, bill_id: uuid.UUID, reason: str) -> int:
    """Void every tenant's share of a posted bill (entered with the wrong amount, say): each
    share's charge is voided with the reason, money that paid it is free again; the bill and
    its shares stay on record. Returns how many charges were voided."""
    why = rules.check_void_reason(reason)
    with writing(db, actor, "ledger.write") as s:
        bill = get_row(s, UtilityBill, bill_id, "bill")
        count = _void_in(s, actor, bill, f"Bill voided: {why}")
        if not count:
            raise ValidationError("bill_id", "this bill has no live charges: it was already "
                                             "voided")
        audit.record(s, actor, "void", "utility_bill", bill.id,
                     f"Voided the {bill.provider} bill {bill.amount:.2f} ({count} "
                     f"tenant shares): {why}", {"reason": why, "charges": count})
        return count


def _void_in(s: Session, actor: Actor, bill: UtilityBill, reason: str) -> int:
    """Void the bill's live share charges (money that paid them is free again)."""
    live = list(s.scalars(
        select(Charge).join(ShareRow, ShareRow.charge_id == Charge.id)
        .where(ShareRow.bill_id == bill.id, charge_live())))
    for charge in live:
        s.add(Void(charge_id=charge.id, voided_on=today(), reason=reason,
                   created_by=actor.name))
    s.flush()
    chains: set[uuid.UUID] = set()
    for charge in live:
        chains.update(lease_chain(s, charge.lease_id))
    apply_unapplied(s, sorted(chains))
    return len(live)


def bill_input(db: Database, actor: Actor, bill_id: uuid.UUID) -> UtilityBillIn:
    """What a posted bill was entered with (to split it again as it was)."""
    with reading(db, actor, "ledger.read") as s:
        return _input_of(get_row(s, UtilityBill, bill_id, "bill"))


def _input_of(bill: UtilityBill) -> UtilityBillIn:
    return UtilityBillIn(
        property_id=bill.property_id, unit_id=bill.unit_id, provider=bill.provider,
        period_start=bill.period_start, period_end=bill.period_end, amount=bill.amount,
        due_date=bill.due_date, rule=bill.rule,
        vacant_to=bill.vacant_to,
        percentages={uuid.UUID(k): Decimal(v) for k, v in (bill.percentages or {}).items()},
        notes=bill.notes)


def resplit_bill(db: Database, actor: Actor, bill_id: uuid.UUID) -> UtilityBillOut:
    """Split a posted bill again over who lives there now (a move-in or move-out recorded
    late, inside the bill's period): its shares are voided and the bill posted anew with the
    same entries, in one transaction. Returns the new bill with its shares."""
    with writing(db, actor, "ledger.write") as s:
        bill = get_row(s, UtilityBill, bill_id, "bill")
        if not _void_in(s, actor, bill, "Bill split again after lease changes") and \
                _bill_voided(s, bill):
            raise ValidationError("bill_id", "this bill was voided; enter it again instead")
        fresh = _post_in(s, actor, _input_of(bill))
        audit.record(s, actor, "resplit", "utility_bill", bill.id,
                     f"Split the {bill.provider} bill {bill.amount:.2f} again: replaced by "
                     f"bill {fresh.id}", {"replaced_by": fresh.id})
        return fresh


def _bill_voided(s: Session, bill: UtilityBill) -> bool:
    """Every share that had a charge has it voided (a bill the operator carried whole has
    none, and is not void)."""
    charged = s.scalar(select(func.count(ShareRow.id)).where(
        ShareRow.bill_id == bill.id, ShareRow.charge_id.is_not(None))) or 0
    return bool(charged)


def bills_to_split_again(db: Database, actor: Actor) -> list[UtilityBillRow]:
    """Bills in force whose split no longer matches the leases (`needs_resplit`)."""
    return [row for row in list_bills(db, actor) if row.needs_resplit]


def _out_of_step(s: Session) -> set[uuid.UUID]:
    """Bills in force whose split no longer matches the leases: a move-in, move-out or
    cancellation entered after the bill, inside its period, left someone's share wrong
    (the fix is Split again, a deliberate step: it changes other tenants' charges).

    Only bills with a lease of their rooms written after them, in a way that can change the
    split (it starts or ends inside the period, was cancelled, or has no share), are split
    again to compare: a query or two per such bill, not per bill."""
    rooms_of_bill = (select(Room.id).join(Unit, Unit.id == Room.unit_id)
                     .where(Unit.property_id == UtilityBill.property_id,
                            UtilityBill.unit_id.is_(None) | (Room.unit_id == UtilityBill.unit_id)))
    has_share = (select(ShareRow.id)
                 .where(ShareRow.bill_id == UtilityBill.id, ShareRow.lease_id == Lease.id)
                 .correlate(UtilityBill, Lease).exists())
    # A lease that covers the whole period, has its share and is not cancelled splits as it
    # did, whatever else was edited on it (a later move-out, notes): not worth a new split.
    could_change_split = (
        (Lease.lease_start > UtilityBill.period_start)
        | (Lease.lease_end < UtilityBill.period_end)
        | (Lease.status == "cancelled") | ~has_share)
    changed_since = (select(Lease.id)
                     .where(Lease.room_id.in_(rooms_of_bill),
                            Lease.updated_at > UtilityBill.created_at,
                            Lease.lease_start <= UtilityBill.period_end,
                            (Lease.lease_end.is_(None))
                            | (Lease.lease_end >= UtilityBill.period_start),
                            could_change_split)
                     .correlate(UtilityBill).exists())
    stale: set[uuid.UUID] = set()
    for bill in s.scalars(select(UtilityBill).where(changed_since)):
        stored = s.execute(select(ShareRow.lease_id, ShareRow.amount, ShareRow.charge_id)
                           .where(ShareRow.bill_id == bill.id)).all()
        charged = {c for _, _, c in stored if c is not None}
        if charged and charged <= set(s.scalars(select(Void.charge_id).where(
                Void.charge_id.in_(charged)))):
            continue  # voided (or replaced by a split made again): not in force
        try:
            fresh, _, _ = _compute(s, _input_of(bill))
        except ValidationError:  # its rooms were archived since: nothing to compare
            continue
        now = {uuid.UUID(sh.key): sh.amount for sh in fresh
               if sh.key != split.OPERATOR and sh.amount}
        then = {lease_id: amount for lease_id, amount, _ in stored
                if lease_id is not None and amount}
        if now != then:
            stale.add(bill.id)
    return stale


def bill_rooms(db: Database, actor: Actor, property_id: uuid.UUID,
               unit_id: uuid.UUID | None = None) -> list[BillRoom]:
    """The rooms a bill for this property (or unit) is split across, in the order shown."""
    query = (select(Room, Unit.unit_number).join(Unit, Unit.id == Room.unit_id)
             .where(Unit.property_id == property_id, Room.archived_at.is_(None))
             .order_by(Unit.unit_number, Room.room_number))
    if unit_id is not None:
        query = query.where(Room.unit_id == unit_id)
    with reading(db, actor, "ledger.read") as s:
        return [BillRoom(room_id=room.id, label=f"{number}-{room.room_number}",
                         size_sqft=room.size_sqft, beds=room.beds)
                for room, number in s.execute(query)]


def list_bills(db: Database, actor: Actor,
               property_id: uuid.UUID | None = None) -> list[UtilityBillRow]:
    """Posted bills, newest period first, with how they were shared."""
    tenants = func.sum(func.coalesce(cents_of(ShareRow.amount, ShareRow.lease_id), 0))
    voided = select(Void.charge_id).where(Void.charge_id.is_not(None))
    live_charges = func.sum(case((ShareRow.charge_id.is_not(None)
                                  & ShareRow.charge_id.not_in(voided), 1), else_=0))
    charged = func.sum(case((ShareRow.charge_id.is_not(None), 1), else_=0))
    query = (
        select(UtilityBill, Property.name, Unit.unit_number,
               func.count(ShareRow.id), tenants, live_charges, charged)
        .join(Property, Property.id == UtilityBill.property_id)
        .outerjoin(Unit, Unit.id == UtilityBill.unit_id)
        .outerjoin(ShareRow, ShareRow.bill_id == UtilityBill.id)
        .group_by(UtilityBill.id, Property.name, Unit.unit_number)
        .order_by(UtilityBill.period_start.desc(), UtilityBill.created_at.desc())
    )
    if property_id is not None:
        query = query.where(UtilityBill.property_id == property_id)
    rows = []
    with reading(db, actor, "ledger.read") as s:
        out_of_step = _out_of_step(s)
        for bill, prop, unit, count, tenant_cents, live, with_charge in s.execute(query):
            share = money(tenant_cents)
            rows.append(UtilityBillRow(
                id=bill.id, property_name=prop, unit_number=unit, provider=bill.provider,
                period_start=bill.period_start, period_end=bill.period_end, amount=bill.amount,
                due_date=bill.due_date, rule=bill.rule, vacant_to=bill.vacant_to,
                tenants_share=share, operator_share=bill.amount - share, shares=count,
                voided=bool(with_charge) and not live, needs_resplit=bill.id in out_of_step))
    return rows


def get_bill(db: Database, actor: Actor, bill_id: uuid.UUID) -> UtilityBillOut:
    """A posted bill with its shares, as previewed when it was entered."""
    with reading(db, actor, "ledger.read") as s:
        bill = get_row(s, UtilityBill, bill_id, "utility bill")
        prop = get_row(s, Property, bill.property_id, "property")
        unit = s.get(Unit, bill.unit_id) if bill.unit_id else None
        rows = s.execute(
            select(ShareRow, Tenant.first_name, Tenant.last_name, Room.room_number,
                   Unit.unit_number)
            .outerjoin(Lease, Lease.id == ShareRow.lease_id)
            .outerjoin(Tenant, Tenant.id == Lease.tenant_id)
            .outerjoin(Room, Room.id == ShareRow.room_id)
            .outerjoin(Unit, Unit.id == Room.unit_id)
            .where(ShareRow.bill_id == bill.id)
            # the split's own order: rooms by unit and number, their tenants by move-in,
            # the operator's vacant share last
            .order_by(ShareRow.lease_id.is_(None), Unit.unit_number, Room.room_number,
                      Lease.lease_start, Lease.bed, ShareRow.id)).all()
        shares = [ShareOut(
            lease_id=row.lease_id,
            tenant=f"{first} {last}" if row.lease_id else "Operator (vacant)",
            room=f"{unit_number}-{room_number}" if room_number else "", amount=row.amount,
            days=row.days, working=row.working, charge_id=row.charge_id)
            for row, first, last, room_number, unit_number in rows]
        place = prop.name + (f", unit {unit.unit_number}" if unit is not None else "")
        return UtilityBillOut(
            id=bill.id, place=place, due_date=bill.due_date, provider=bill.provider,
            period_start=bill.period_start, period_end=bill.period_end, amount=bill.amount,
            rule=bill.rule, vacant_to=bill.vacant_to, shares=shares)


def cents_of(amount: Any, lease_id: Any) -> Any:
    """A share's cents when it is a tenant's (it has a lease), else NULL."""
    return case((lease_id.is_not(None), cents(amount)), else_=None)
