"""Reports computed by SQL aggregates over the ledger: collection, aging, rent roll, income,
and a tenant statement. Cents are summed in SQL and turned into Decimal once.

Collection for a month: every charge due that month except deposits (they are held, not
earned), voids left out; `collected` is what has been allocated to them so far.
Income (cash basis): money allocated to earned charges (not deposits), by the month it was
received; a deposit applied at move-out counts when it is applied.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Charge, Lease, Payment, Property, Room, Tenant, Unit, Void
from coliv_desktop.domain import aging
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import ZERO
from coliv_desktop.domain.wording import receipt_no
from coliv_desktop.schemas.reports import (
    AgingReport,
    AgingRow,
    CollectionReport,
    CollectionRow,
    IncomeReport,
    IncomeRow,
    RentRoll,
    RentRollRow,
    Statement,
    StatementLine,
    VacancyRow,
)
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.lease_sql import active_on
from coliv_desktop.services.ledger_sql import (
    account_roots,
    cents,
    charge_live,
    deposits_held,
    lease_chain,
    live_allocations,
    money,
    paid_per_charge,
    past_due,
    payment_live,
)
from coliv_desktop.services.portfolio import get_row

tenant_name = Tenant.first_name + " " + Tenant.last_name


def parse_month(text: str) -> tuple[date, date]:
    try:
        first = date.fromisoformat(f"{text.strip()}-01")
    except ValueError:
        raise ValidationError("month", f"{text!r} is not a month (use YYYY-MM)") from None
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def rate(collected: Decimal, expected: Decimal) -> Decimal:
    if expected == ZERO:
        return Decimal("0.0")
    return (collected * 100 / expected).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def collection(db: Database, actor: Actor, month: str,
               property_id: uuid.UUID | None = None) -> CollectionReport:
    """Each lease with charges due in `month`: what was due, what is paid, and its status:
    overdue when a charge of the month is unpaid past its due date, due when something is
    open but nothing is past due yet, paid when nothing is open (`domain.aging`)."""
    first, last = parse_month(month)
    day = today()
    paid = paid_per_charge()
    got = func.coalesce(paid.c.paid, 0)
    late = case((past_due(day), cents(Charge.amount) - got), else_=0)
    query = (
        select(Lease.id, Property.name, Unit.unit_number, Room.room_number, tenant_name,
               func.sum(cents(Charge.amount)), func.sum(got), func.sum(late))
        .select_from(Charge)
        .outerjoin(paid, paid.c.charge_id == Charge.id)
        .join(Lease, Lease.id == Charge.lease_id)
        .join(Tenant, Tenant.id == Lease.tenant_id)
        .join(Room, Room.id == Lease.room_id)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
        .where(Charge.due_date.between(first, last), Charge.kind != "deposit", charge_live())
        .group_by(Lease.id, Property.name, Unit.unit_number, Room.room_number, Tenant.first_name,
                  Tenant.last_name)
        .order_by(Property.name, Unit.unit_number, Room.room_number, Tenant.first_name)
    )
    if property_id is not None:
        query = query.where(Unit.property_id == property_id)
    rows: list[CollectionRow] = []
    with reading(db, actor, "ledger.read") as s:
        for lid, prop, unit, room, who, due_c, paid_c, late_c in s.execute(query):
            due, received = money(due_c), money(paid_c)
            rows.append(CollectionRow(
                lease_id=lid, property=prop, unit=unit, room=room, tenant=who, due=due,
                paid=received, past_due=money(late_c),
                status=aging.account_status(due - received, money(late_c))))
    expected = sum((r.due for r in rows), ZERO)
    collected = sum((r.paid for r in rows), ZERO)
    return CollectionReport(month=first.strftime("%Y-%m"), expected=expected,
                            collected=collected, outstanding=expected - collected,
                            collection_rate=rate(collected, expected), rooms=rows)


def aging_report(db: Database, actor: Actor, as_of: date | None = None) -> AgingReport:
    day = as_of or today()
    paid = paid_per_charge()
    edges = aging.bucket_edges(day)[1:]  # "current" is what is not past due
    bucket = case((~past_due(day), "current"),
                  *[(Charge.due_date >= edge, name) for name, edge in edges], else_="90+")
    left = cents(Charge.amount) - func.coalesce(paid.c.paid, 0)
    query = (
        select(Lease.id, tenant_name, Property.name, Unit.unit_number, Room.room_number,
               bucket.label("bucket"), func.sum(left))
        .select_from(Charge)
        .outerjoin(paid, paid.c.charge_id == Charge.id)
        .join(Lease, Lease.id == Charge.lease_id)
        .join(Tenant, Tenant.id == Lease.tenant_id)
        .join(Room, Room.id == Lease.room_id)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
        .where(charge_live(), left > 0, Charge.due_date <= day)
        .group_by(Lease.id, Tenant.first_name, Tenant.last_name, Property.name,
                  Unit.unit_number, Room.room_number, bucket)
    )
    per: dict[uuid.UUID, AgingRow] = {}
    buckets: dict[uuid.UUID, dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(aging.BUCKETS, ZERO))
    names: dict[uuid.UUID, tuple[str, str, str, str]] = {}
    with reading(db, actor, "ledger.read") as s:
        for lid, who, prop, unit, room, name, amount in s.execute(query):
            buckets[lid][name] += money(amount)
            names[lid] = (who, prop, unit, room)
    for lid, values in buckets.items():
        who, prop, unit, room = names[lid]
        total = sum(values.values(), ZERO)
        per[lid] = AgingRow(lease_id=lid, tenant=who, property=prop, unit=unit, room=room,
                            buckets=values, total=total, past_due=total - values["current"])
    rows = sorted(per.values(), key=lambda r: (r.property, r.unit, r.room, r.tenant))
    totals = {b: sum((r.buckets[b] for r in rows), ZERO) for b in aging.BUCKETS}
    return AgingReport(as_of=day, rows=rows, totals=totals, total=sum(totals.values(), ZERO))


def _balances(s: Session) -> dict[uuid.UUID, Decimal]:
    """Balance per lease: live charges less live money in, by two grouped queries."""
    charged = dict(s.execute(
        select(Charge.lease_id, func.sum(cents(Charge.amount)))
        .where(charge_live()).group_by(Charge.lease_id)).all())
    received = dict(s.execute(
        select(Payment.lease_id, func.sum(cents(Payment.amount)))
        .where(payment_live()).group_by(Payment.lease_id)).all())
    return {lid: money(charged.get(lid)) - money(received.get(lid))
            for lid in set(charged) | set(received)}


def rent_roll(db: Database, actor: Actor, as_of: date | None = None) -> RentRoll:
    day = as_of or today()
    query = (
        select(Lease.id, Property.name, Unit.unit_number, Room.room_number, Lease.bed,
               tenant_name, Lease.lease_start, Lease.lease_end, Lease.rent_amount,
               Lease.deposit_amount)
        .join(Tenant, Tenant.id == Lease.tenant_id)
        .join(Room, Room.id == Lease.room_id)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
        .where(active_on(day))
        .order_by(Property.name, Unit.unit_number, Room.room_number, Lease.bed)
    )
    rows: list[RentRollRow] = []
    with reading(db, actor, "ledger.read") as s:
        leases = s.execute(query).all()
        vacancies = _vacancies(s, day)
        roots = account_roots(s)
        balances = _balances(s)
        held = deposits_held(s)
    per_account: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    held_account: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    for lid, amount in balances.items():
        per_account[roots.get(lid, lid)] += amount
    for lid, amount in held.items():
        held_account[roots.get(lid, lid)] += amount
    for lid, prop, unit, room, bed, who, start, end, rent, deposit in leases:
        root = roots.get(lid, lid)
        rows.append(RentRollRow(
            lease_id=lid, property=prop, unit=unit, room=room, bed=bed, tenant=who,
            lease_start=start, lease_end=end, rent=rent, deposit=deposit,
            deposit_held=held_account[root], balance=per_account[root]))
    return RentRoll(as_of=day, rows=rows, total_rent=sum((r.rent for r in rows), ZERO),
                    total_balance=sum((r.balance for r in rows), ZERO), vacancies=vacancies,
                    total_asking=sum((v.asking_rent for v in vacancies), ZERO))


def _vacancies(s: Session, day: date) -> list[VacancyRow]:
    """Every bed of a live room that no lease holds on `day`, with the room's rent per bed."""
    rooms = s.execute(
        select(Room.id, Property.name, Unit.unit_number, Room.room_number, Room.beds,
               Room.room_type, Room.rent_amount, Room.status, Room.available_date)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
        .where(Room.archived_at.is_(None), Unit.archived_at.is_(None),
               Property.archived_at.is_(None))
        .order_by(Property.name, Unit.unit_number, Room.room_number)).all()
    taken: dict[uuid.UUID, set[int]] = defaultdict(set)
    for room_id, bed in s.execute(select(Lease.room_id, Lease.bed).where(active_on(day))):
        taken[room_id].add(bed)
    return [VacancyRow(room_id=rid, property=prop, unit=unit, room=room, bed=bed,
                       shared=kind == "shared", asking_rent=rent, status=status,
                       available_date=available)
            for rid, prop, unit, room, beds, kind, rent, status, available in rooms
            for bed in range(1, beds + 1) if bed not in taken[rid]]


def check_statement_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationError("to", "the statement must end on or after its start")


def statement(db: Database, actor: Actor, lease_id: uuid.UUID, start: date, end: date) -> Statement:
    """Every entry of the tenant's account from `start` to `end` with a running balance."""
    check_statement_period(start, end)
    with reading(db, actor, "ledger.read") as s:
        lease = get_row(s, Lease, lease_id, "lease")
        chain = lease_chain(s, lease.id)
        tenant = s.get(Tenant, lease.tenant_id)
        room = s.get(Room, lease.room_id)
        unit = s.get(Unit, room.unit_id) if room else None
        prop = s.get(Property, unit.property_id) if unit else None
        place = f"{prop.name if prop else ''}, {unit.unit_number if unit else ''}-" \
                f"{room.room_number if room else ''}"
        voided_c = select(Void.charge_id).where(Void.charge_id.is_not(None))
        voided_p = select(Void.payment_id).where(Void.payment_id.is_not(None))
        charges = s.execute(
            select(Charge.due_date, Charge.description, Charge.amount, Charge.id.in_(voided_c))
            .where(Charge.lease_id.in_(chain)).order_by(Charge.due_date, Charge.created_at)
        ).all()
        payments = s.execute(
            select(Payment.received_on, Payment.kind, Payment.method, Payment.receipt_number,
                   Payment.note, Payment.amount, Payment.id.in_(voided_p))
            .where(Payment.lease_id.in_(chain))
            .order_by(Payment.received_on, Payment.created_at)).all()
    events: list[tuple[date, int, str, Decimal | None, Decimal | None, bool]] = []
    for due, description, amount, void in charges:
        events.append((due, 0, description, amount, None, bool(void)))
    for day, kind, method, number, note, amount, void in payments:
        if kind == "payment":
            text = f"Payment, {str(method).replace('_', ' ')}" + (
                f", receipt No. {receipt_no(number)}" if number is not None else "")
        elif kind == "deposit":
            text = "Deposit applied at move-out"
        else:
            text = f"Credit: {note}"
        events.append((day, 1, text, None, amount, bool(void)))
    events.sort(key=lambda e: (e[0], e[1]))
    opening = ZERO
    lines: list[StatementLine] = []
    running = ZERO
    for day, _order, text, charge, paid, void in events:
        delta = ZERO if void else (charge or ZERO) - (paid or ZERO)
        if day < start:
            opening += delta
            running = opening
            continue
        if day > end:
            break
        running += delta
        lines.append(StatementLine(day=day, description=text + (" (VOID)" if void else ""),
                                   charge=charge, payment=paid, balance=running, void=void))
    return Statement(lease_id=lease.id,
                     tenant=f"{tenant.first_name} {tenant.last_name}" if tenant else "",
                     place=place, start=start, end=end, opening=opening, lines=lines,
                     closing=running if lines else opening)


def _month_expr(db: Database, column: object) -> object:
    if db.dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def income(db: Database, actor: Actor, start: date, end: date) -> IncomeReport:
    alloc = live_allocations()
    month = cast(_month_expr(db, Payment.received_on), String)
    query = (
        select(Property.name, month.label("month"), Charge.kind, func.sum(alloc.c.cents))
        .select_from(alloc)
        .join(Payment, Payment.id == alloc.c.payment_id)
        .join(Charge, Charge.id == alloc.c.charge_id)
        .join(Lease, Lease.id == Charge.lease_id)
        .join(Room, Room.id == Lease.room_id)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Property, Property.id == Unit.property_id)
        .where(Charge.kind != "deposit", Payment.received_on.between(start, end))
        .group_by(Property.name, month, Charge.kind)
    )
    table: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: {"rent": ZERO, "late_fee": ZERO, "utility": ZERO, "other": ZERO})
    with reading(db, actor, "ledger.read") as s:
        for prop, mon, kind, amount in s.execute(query):
            table[(prop, mon)][kind] += money(amount)
    rows = [IncomeRow(property=p, month=m, rent=v["rent"], late_fees=v["late_fee"],
                      utilities=v["utility"], other=v["other"], total=sum(v.values(), ZERO))
            for (p, m), v in sorted(table.items())]
    return IncomeReport(start=start, end=end, rows=rows,
                        total=sum((r.total for r in rows), ZERO))
