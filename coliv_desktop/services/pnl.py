"""Profit and loss per property and month, and the Schedule E summary (issue 15).

Accrual basis: income is what the ledger charged (charges not voided) in the month of their
due date, by kind (rent, late fees, utilities, other), less the credits given on account (not
voided) in the month they were given; deposit charges are not income (a deposit is held, and
owed back), nor is a tenant's credit balance paid back at move-out, nor the release of an
unpaid deposit. A charge belongs to the property of its lease's room. These are the journal's
income accounts (services.journals), so the two agree to the cent.
Expenses are the expenses not voided, in the month of their date (`spent_on`), by category,
paid or still due. Net = income - expenses.

Schedule E (per property, for a year): line 3 "rents received" is all of that income (rent,
late fees, utilities recharged and other charges); lines 5 to 19 add the expenses by their
category's Schedule E line (a category off the schedule counts on line 19, "Other"), line 20
is their total and line 21 the net. Depreciation and passive-loss limits are the
accountant's.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    Charge,
    Expense,
    ExpenseCategory,
    Lease,
    Payment,
    Property,
    Room,
    Unit,
)
from coliv_desktop.db.models.books import SCHEDULE_E
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import ZERO
from coliv_desktop.domain.sheet_writer import Column, csv_bytes
from coliv_desktop.files import write_atomically
from coliv_desktop.schemas.books import (
    INCOME_KINDS,
    PnlMonth,
    PnlProperty,
    PnlReport,
    ScheduleE,
    ScheduleELine,
    ScheduleEProperty,
)
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.deposits import CREDIT_REFUND, RELEASE_NOTE
from coliv_desktop.services.ledger_sql import charge_live, payment_live

FIRST_YEAR, LAST_YEAR = 1900, 2200
# The labels of Schedule E's expense lines (line 19 is "Other").
LINE_LABELS = {line: name for name, line in SCHEDULE_E if name != "Rent paid (master lease)"}
LINES = tuple(str(n) for n in range(5, 20))

_Cell = tuple[dict[str, Decimal], dict[str, Decimal]]  # income by kind, expenses by category


def _check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError("year", f"{year} is not a year to report on")
    return year


def _month(value: date) -> int:
    return value.month


def _figures(s: Session, year: int, property_id: uuid.UUID | None
             ) -> tuple[dict[uuid.UUID, dict[int, _Cell]], dict[uuid.UUID, str]]:
    """Income by kind and expenses by category, per property and month of the year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    cells: dict[uuid.UUID, dict[int, _Cell]] = defaultdict(
        lambda: defaultdict(lambda: (defaultdict(lambda: ZERO), defaultdict(lambda: ZERO))))
    income = (select(Unit.property_id, Charge.due_date, Charge.kind, func.sum(Charge.amount))
              .join(Lease, Lease.id == Charge.lease_id)
              .join(Room, Room.id == Lease.room_id)
              .join(Unit, Unit.id == Room.unit_id)
              .where(Charge.kind != "deposit", charge_live(),
                     ~Charge.period.startswith(CREDIT_REFUND),
                     Charge.due_date >= start, Charge.due_date <= end)
              .group_by(Unit.property_id, Charge.due_date, Charge.kind))
    credits = (select(Unit.property_id, Payment.received_on, func.sum(Payment.amount))
               .join(Lease, Lease.id == Payment.lease_id)
               .join(Room, Room.id == Lease.room_id)
               .join(Unit, Unit.id == Room.unit_id)
               .where(Payment.kind == "credit", payment_live(),
                      or_(Payment.note.is_(None), Payment.note != RELEASE_NOTE),
                      Payment.received_on >= start, Payment.received_on <= end)
               .group_by(Unit.property_id, Payment.received_on))
    spent = (select(Expense.property_id, Expense.spent_on, ExpenseCategory.name,
                    func.sum(Expense.amount))
             .join(ExpenseCategory, ExpenseCategory.id == Expense.category_id)
             .where(Expense.voided_on.is_(None), Expense.spent_on >= start,
                    Expense.spent_on <= end)
             .group_by(Expense.property_id, Expense.spent_on, ExpenseCategory.name))
    if property_id is not None:
        income = income.where(Unit.property_id == property_id)
        credits = credits.where(Unit.property_id == property_id)
        spent = spent.where(Expense.property_id == property_id)
    for prop, day, kind, amount in s.execute(income):
        cells[prop][_month(day)][0][kind] += amount or ZERO
    for prop, day, amount in s.execute(credits):
        cells[prop][_month(day)][0]["credit"] -= amount or ZERO
    for prop, day, category, amount in s.execute(spent):
        cells[prop][_month(day)][1][category] += amount or ZERO
    wanted = set(cells) | ({property_id} if property_id is not None else set())
    names = dict(s.execute(select(Property.id, Property.name)
                           .where(Property.id.in_(wanted))).all()) if wanted else {}
    return cells, names


def _line(label: str, income: dict[str, Decimal], spent: dict[str, Decimal]) -> PnlMonth:
    by_kind = {k: income.get(k, ZERO) for k in INCOME_KINDS}
    by_category = {k: v for k, v in sorted(spent.items()) if v}
    total_in = sum(by_kind.values(), ZERO)
    total_out = sum(by_category.values(), ZERO)
    return PnlMonth(month=label, income=total_in, expenses=total_out, net=total_in - total_out,
                    income_by_kind=by_kind, expenses_by_category=by_category)


def _add(into: tuple[dict[str, Decimal], dict[str, Decimal]], cell: _Cell) -> None:
    for k, v in cell[0].items():
        into[0][k] = into[0].get(k, ZERO) + v
    for k, v in cell[1].items():
        into[1][k] = into[1].get(k, ZERO) + v


def profit_and_loss(db: Database, actor: Actor, year: int,
                    property_id: uuid.UUID | None = None) -> PnlReport:
    """Every property with income or expenses in `year` (or the one asked for), twelve
    months each with the year's totals, the months of all of them together, and the total."""
    _check_year(year)
    with reading(db, actor, "ledger.read") as s:
        cells, names = _figures(s, year, property_id)
    properties: list[PnlProperty] = []
    every: list[tuple[dict[str, Decimal], dict[str, Decimal]]] = [({}, {}) for _ in range(12)]
    grand: tuple[dict[str, Decimal], dict[str, Decimal]] = ({}, {})
    for prop in sorted(names, key=lambda p: (names[p].lower(), str(p))):
        months = cells.get(prop, {})
        year_total: tuple[dict[str, Decimal], dict[str, Decimal]] = ({}, {})
        lines = []
        for m in range(1, 13):
            cell = months.get(m, ({}, {}))
            lines.append(_line(f"{year:04d}-{m:02d}", cell[0], cell[1]))
            _add(year_total, cell)
            _add(every[m - 1], cell)
            _add(grand, cell)
        properties.append(PnlProperty(property_id=prop, property=names[prop], months=lines,
                                      totals=_line(f"{year:04d}", *year_total)))
    return PnlReport(year=year, properties=properties,
                     months=[_line(f"{year:04d}-{m + 1:02d}", *every[m]) for m in range(12)],
                     totals=_line(f"{year:04d}", *grand))


def schedule_e(db: Database, actor: Actor, year: int,
               property_id: uuid.UUID | None = None) -> ScheduleE:
    """The Schedule E summary of each property with figures in `year` (see the module)."""
    _check_year(year)
    with reading(db, actor, "ledger.read") as s:
        cells, names = _figures(s, year, property_id)
        lines = dict(s.execute(select(ExpenseCategory.name, ExpenseCategory.schedule_e_line))
                     .all())
        addresses = {pid: ", ".join(p for p in (street, city, state, zip_) if p)
                     for pid, street, city, state, zip_ in s.execute(
                         select(Property.id, Property.address, Property.city, Property.state,
                                Property.zip).where(Property.id.in_(list(names))))}
    out: list[ScheduleEProperty] = []
    for prop in sorted(names, key=lambda p: (names[p].lower(), str(p))):
        income: dict[str, Decimal] = {}
        spent: dict[str, Decimal] = {}
        for cell in cells.get(prop, {}).values():
            _add((income, spent), cell)
        by_line = {line: ZERO for line in LINES}
        for category, amount in spent.items():
            line = lines.get(category) or "19"
            by_line[line if line in by_line else "19"] += amount
        rents = sum(income.values(), ZERO)
        total = sum(by_line.values(), ZERO)
        out.append(ScheduleEProperty(
            property_id=prop, property=names[prop], address=addresses.get(prop, ""),
            rents_received=rents, royalties_received=ZERO,
            lines=[ScheduleELine(line=line, label=LINE_LABELS.get(line, "Other"),
                                 amount=by_line[line]) for line in LINES],
            total_expenses=total, net=rents - total))
    return ScheduleE(year=year, properties=out)


# --- files -------------------------------------------------------------------------------------

PNL_COLUMNS = (Column("property"), Column("month"), *[Column(k) for k in INCOME_KINDS],
               Column("income", "money"), Column("expenses", "money"), Column("net", "money"))


def pnl_rows(report: PnlReport) -> list[list[object]]:
    """The P&L as rows: each property's months and its year total, then the year's total."""
    rows: list[list[object]] = []
    for prop in report.properties:
        for m in [*prop.months, prop.totals]:
            rows.append([prop.property, m.month, *[m.income_by_kind[k] for k in INCOME_KINDS],
                         m.income, m.expenses, m.net])
    t = report.totals
    rows.append(["All properties", t.month, *[t.income_by_kind[k] for k in INCOME_KINDS],
                 t.income, t.expenses, t.net])
    return rows


def _suffix(out: Path | str) -> tuple[Path, str]:
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".csv"):
        raise ValidationError("out", "the file name must end in .pdf or .csv")
    return path, suffix


def pnl_file(db: Database, actor: Actor, year: int, out: Path | str,
             property_id: uuid.UUID | None = None) -> Path:
    """The P&L as PDF (per property, a row per month) or CSV (by the file's suffix)."""
    from coliv_desktop.documents import pnl as pnl_docs
    from coliv_desktop.services.printing import letterhead

    path, suffix = _suffix(out)
    report = profit_and_loss(db, actor, year, property_id)
    if suffix == ".csv":
        columns = [*PNL_COLUMNS[:2], *[Column(c.title, "money") for c in PNL_COLUMNS[2:6]],
                   *PNL_COLUMNS[6:]]
        return write_atomically(path, csv_bytes(columns, pnl_rows(report)))
    return pnl_docs.pnl(letterhead(db, actor), report).save(path)


def schedule_e_file(db: Database, actor: Actor, year: int, out: Path | str,
                    property_id: uuid.UUID | None = None) -> Path:
    """The Schedule E summary as PDF or CSV (one row per property and line)."""
    from coliv_desktop.documents import pnl as pnl_docs
    from coliv_desktop.services.printing import letterhead

    path, suffix = _suffix(out)
    data = schedule_e(db, actor, year, property_id)
    if suffix == ".csv":
        rows: list[list[object]] = []
        for p in data.properties:
            rows.append([p.property, "3", "Rents received", p.rents_received])
            rows += [[p.property, ln.line, ln.label, ln.amount] for ln in p.lines]
            rows.append([p.property, "20", "Total expenses", p.total_expenses])
            rows.append([p.property, "21", "Income or (loss)", p.net])
        columns = [Column("property"), Column("line"), Column("label"),
                   Column("amount", "money")]
        return write_atomically(path, csv_bytes(columns, rows))
    return pnl_docs.schedule_e(letterhead(db, actor), data).save(path)
