"""Profit and loss and Schedule E, every figure computed by hand on a small book (issue 15
items 4 and 8), on both engines; the PDF and CSV."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Charge
from coliv_desktop.domain.errors import PermissionDeniedError, ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.books import CategoryIn, ExpenseCreate
from coliv_desktop.schemas.portfolio import PropertyCreate, RoomCreate, UnitCreate
from coliv_desktop.services import expenses, ledger, pnl, portfolio
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease, tenant

D = Decimal


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2026-04-01")


class Book:
    loft: uuid.UUID
    river: uuid.UUID


@pytest.fixture
def book(db: Database, actor: Actor) -> Book:
    """Two properties: the Downtown Loft and Riverside House, a lease each from January."""
    flow = flow_41(db, actor)
    river = portfolio.add_property(db, actor, build(
        PropertyCreate, name="Riverside House", address="9 River Rd", city="Austin",
        state="TX", zip="78704"))
    unit = portfolio.add_unit(db, actor, build(UnitCreate, property_id=river.id,
                                               unit_number="1", bedrooms=3, bathrooms="1"))
    [room] = portfolio.add_rooms(db, actor, [build(RoomCreate, unit_id=unit.id,
                                                   room_number="R", rent_amount="600")])
    loft_lease = lease(db, actor, flow.rooms["3A-A"], tenant(db, actor, "Ana"),
                       date(2025, 12, 1), date(2026, 12, 31)).id
    river_lease = lease(db, actor, room.id, tenant(db, actor, "Ben"), date(2026, 1, 1),
                        date(2026, 12, 31)).id
    charges = [  # (lease, kind, period, due, amount)
        (loft_lease, "rent", "2025-12", date(2025, 12, 1), "700.00"),  # last year: out
        (loft_lease, "rent", "2026-01", date(2026, 1, 1), "700.00"),
        (loft_lease, "late_fee", "2026-01", date(2026, 1, 6), "35.00"),
        (loft_lease, "deposit", "deposit", date(2026, 1, 1), "1000.00"),  # held: not income
        (loft_lease, "rent", "2026-02", date(2026, 2, 1), "700.00"),
        (loft_lease, "utility", "2026-02 power", date(2026, 2, 15), "45.50"),
        (river_lease, "rent", "2026-01", date(2026, 1, 1), "600.00"),
        (river_lease, "rent", "2026-02", date(2026, 2, 1), "600.00"),  # voided below
        (river_lease, "other", "key", date(2026, 3, 10), "80.00"),
    ]
    ids = []
    with db.write() as s:
        for lease_id, kind, period, due, amount in charges:
            row = Charge(lease_id=lease_id, kind=kind, period=period, due_date=due,
                         amount=D(amount), description=f"{kind} {period}", created_by="test")
            s.add(row)
            s.flush()
            ids.append(row.id)
    ledger.void_charge(db, actor, ids[7], "Posted twice")
    expenses.add_category(db, actor, build(CategoryIn, name="Pest control"))  # off the form

    def spend(prop: uuid.UUID, day: str, category: str, amount: str, **extra: object
              ) -> uuid.UUID:
        return expenses.add_expense(db, actor, build(
            ExpenseCreate, property_id=prop, spent_on=day, payee="Payee", category=category,
            amount=amount, **extra)).id

    spend(flow.property_id, "2026-01-20", "Utilities", "120.00")
    spend(flow.property_id, "2026-02-03", "Repairs", "250.00")
    voided = spend(flow.property_id, "2026-02-10", "Supplies", "30.25")
    expenses.void_expense(db, actor, voided, "Personal purchase")
    spend(river.id, "2026-01-05", "Insurance", "400.00")
    spend(river.id, "2026-03-15", "Utilities", "60.10", status="due")  # due still counts
    spend(river.id, "2026-03-20", "Pest control", "75.00")
    spend(river.id, "2027-01-05", "Taxes", "999.00")  # next year: out
    result = Book()
    result.loft, result.river = flow.property_id, river.id
    return result


def kinds(rent: str = "0", late: str = "0", utility: str = "0", other: str = "0",
          credit: str = "0") -> dict[str, Decimal]:
    return {"rent": D(rent), "late_fee": D(late), "utility": D(utility), "other": D(other),
            "credit": D(credit)}


def test_profit_and_loss_by_hand(db: Database, actor: Actor, book: Book) -> None:
    report = pnl.profit_and_loss(db, actor, 2026)
    assert report.year == 2026 and report.basis == "accrual"
    loft, river = report.properties
    assert (loft.property, river.property) == ("Downtown Loft", "Riverside House")
    jan, feb, mar = loft.months[:3]
    assert [m.month for m in loft.months] == [f"2026-{n:02d}" for n in range(1, 13)]
    assert (jan.income, jan.expenses, jan.net) == (D("735.00"), D("120.00"), D("615.00"))
    assert jan.income_by_kind == kinds(rent="700", late="35")
    assert jan.expenses_by_category == {"Utilities": D("120.00")}
    assert (feb.income, feb.expenses, feb.net) == (D("745.50"), D("250.00"), D("495.50"))
    assert feb.income_by_kind == kinds(rent="700", utility="45.50")
    assert feb.expenses_by_category == {"Repairs": D("250.00")}  # the voided supplies: out
    assert (mar.income, mar.expenses, mar.net) == (D("0"), D("0"), D("0"))
    assert all(m.income == 0 and m.expenses == 0 for m in loft.months[3:])
    t = loft.totals
    assert (t.month, t.income, t.expenses, t.net) == ("2026", D("1480.50"), D("370.00"),
                                                      D("1110.50"))
    assert t.income_by_kind == kinds(rent="1400", late="35", utility="45.50")
    assert t.expenses_by_category == {"Repairs": D("250.00"), "Utilities": D("120.00")}

    jan, feb, mar = river.months[:3]
    assert (jan.income, jan.expenses, jan.net) == (D("600.00"), D("400.00"), D("200.00"))
    assert (feb.income, feb.expenses, feb.net) == (D("0"), D("0"), D("0"))  # voided rent
    assert (mar.income, mar.expenses, mar.net) == (D("80.00"), D("135.10"), D("-55.10"))
    assert mar.income_by_kind == kinds(other="80")
    assert mar.expenses_by_category == {"Pest control": D("75.00"), "Utilities": D("60.10")}
    t = river.totals
    assert (t.income, t.expenses, t.net) == (D("680.00"), D("535.10"), D("144.90"))
    assert t.expenses_by_category == {"Insurance": D("400.00"), "Pest control": D("75.00"),
                                      "Utilities": D("60.10")}

    assert (report.totals.income, report.totals.expenses, report.totals.net) == (
        D("2160.50"), D("905.10"), D("1255.40"))
    assert report.totals.income_by_kind == kinds(rent="2000", late="35", utility="45.50",
                                                 other="80")
    assert (report.months[0].income, report.months[0].expenses, report.months[0].net) == (
        D("1335.00"), D("520.00"), D("815.00"))
    assert report.months[2].net == D("-55.10")


def test_one_property_and_other_years(db: Database, actor: Actor, book: Book) -> None:
    only = pnl.profit_and_loss(db, actor, 2026, book.river)
    assert [p.property for p in only.properties] == ["Riverside House"]
    assert only.totals.net == D("144.90")
    last = pnl.profit_and_loss(db, actor, 2025)
    assert [(p.property, p.totals.income) for p in last.properties] == [
        ("Downtown Loft", D("700.00"))]
    nxt = pnl.profit_and_loss(db, actor, 2027)
    assert nxt.totals.expenses == D("999.00") and nxt.totals.income == 0
    with pytest.raises(ValidationError) as bad:
        pnl.profit_and_loss(db, actor, 12)
    assert bad.value.field == "year"
    staff = Actor(actor.user_id, actor.operator_id, "Sam", "staff")
    with pytest.raises(PermissionDeniedError):
        pnl.profit_and_loss(db, staff, 2026)


def test_schedule_e_by_hand(db: Database, actor: Actor, book: Book) -> None:
    loft, river = pnl.schedule_e(db, actor, 2026).properties
    assert loft.address == "123 Main St, Austin, TX, 78701"
    lines = {ln.line: ln.amount for ln in loft.lines}
    assert list(lines) == [str(n) for n in range(5, 20)]
    assert loft.rents_received == D("1480.50")
    assert {k: v for k, v in lines.items() if v} == {"14": D("250.00"), "17": D("120.00")}
    assert (loft.total_expenses, loft.net) == (D("370.00"), D("1110.50"))
    lines = {ln.line: ln.amount for ln in river.lines}
    assert river.rents_received == D("680.00")
    # Pest control has no Schedule E line: it counts on line 19, Other
    assert {k: v for k, v in lines.items() if v} == {"9": D("400.00"), "17": D("60.10"),
                                                     "19": D("75.00")}
    assert (river.total_expenses, river.net) == (D("535.10"), D("144.90"))
    assert {ln.line: ln.label for ln in river.lines}["17"] == "Utilities"


def test_files(db: Database, actor: Actor, book: Book, tmp_path: Path) -> None:
    out = pnl.pnl_file(db, actor, 2026, tmp_path / "pnl.csv")
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["property", "month", "rent", "late_fee", "utility", "other", "credit",
                       "income", "expenses", "net"]
    assert rows[1] == ["Downtown Loft", "2026-01", "700.00", "35.00", "0.00", "0.00", "0.00",
                       "735.00", "120.00", "615.00"]
    assert rows[13] == ["Downtown Loft", "2026", "1400.00", "35.00", "45.50", "0.00", "0.00",
                        "1480.50", "370.00", "1110.50"]
    assert rows[-1] == ["All properties", "2026", "2000.00", "35.00", "45.50", "80.00", "0.00",
                        "2160.50", "905.10", "1255.40"]
    pdf = pnl.pnl_file(db, actor, 2026, tmp_path / "pnl.pdf")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Profit and loss 2026" in text and "$1,110.50" in text and "$1,255.40" in text
    pdf = pnl.schedule_e_file(db, actor, 2026, tmp_path / "e.pdf")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Schedule E summary 2026" in text and "Rents received" in text and "$144.90" in text
    sheet = pnl.schedule_e_file(db, actor, 2026, tmp_path / "e.csv").read_text("utf-8-sig")
    assert "Riverside House,21,Income or (loss),144.90" in sheet
    with pytest.raises(ValidationError) as bad:
        pnl.pnl_file(db, actor, 2026, tmp_path / "pnl.txt")
    assert bad.value.field == "out"


def test_credits_given_reduce_income_and_a_voided_one_does_not(db: Database, actor: Actor,
                                                               book: Book) -> None:
    """A goodwill credit is income given up, in the month it was given (as the journal books
    it: Dr Income:Credits); a voided credit is nothing."""
    from coliv_desktop.schemas.ledger import CreditCreate

    with db.read() as s:
        ben = s.scalar(select(Charge.lease_id).where(Charge.period == "key"))
    given = ledger.add_credit(db, actor, build(CreditCreate, lease_id=ben, amount="50.00",
                                               received_on="2026-03-12", reason="Noisy works"))
    taken_back = ledger.add_credit(db, actor, build(
        CreditCreate, lease_id=ben, amount="20.00", received_on="2026-03-13", reason="Typo"))
    ledger.void_payment(db, actor, taken_back.id, "Entered twice")
    report = pnl.profit_and_loss(db, actor, 2026)
    river = report.properties[1]
    mar = river.months[2]
    assert mar.income_by_kind == kinds(other="80", credit="-50")
    assert (mar.income, mar.net) == (D("30.00"), D("-105.10"))
    assert river.totals.income == D("630.00")
    schedule = pnl.schedule_e(db, actor, 2026)
    assert schedule.properties[1].rents_received == D("630.00")
    assert given.id is not None
