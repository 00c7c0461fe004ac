"""Journals for the accountant (issue 15): every format balances, and Beancount itself accepts
the ledger and computes, per tenant and per property, the balances the book has."""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data as bean
from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    Charge,
    Expense,
    Lease,
    Payment,
    Property,
    Room,
    Tenant,
    Unit,
    Void,
)
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.journal import bean_component
from coliv_desktop.schemas import build
from coliv_desktop.schemas.books import ExpenseCreate
from coliv_desktop.schemas.deposits import DispositionCreate
from coliv_desktop.schemas.ledger import ChargeCreate, CreditCreate, PaymentCreate
from coliv_desktop.services import (
    bank,
    bank_import,
    deposits,
    expenses,
    journals,
    leasing,
    ledger,
    ledger_sql,
    pnl,
    reconcile,
    rent_run,
)
from coliv_desktop.services.context import Actor
from coliv_desktop.services.demo import load_demo
from coliv_desktop.services.deposits import CREDIT_REFUND, RELEASE_NOTE
from tests.builders import flow_41, lease, tenant

DAY = date(2025, 11, 25)
EVER = (date(2000, 1, 1), date(2030, 12, 31))


def small_book(db: Database, actor: Actor, tmp: Path) -> dict[str, uuid.UUID]:
    """Two tenants, one house: rent, a void, a credit, a deposit settled with a deduction and
    a refund, an expense paid, one due then paid, one voided."""
    house = flow_41(db, actor)
    ana = tenant(db, actor, "Ana", "=SUM(A1)")  # a formula for a name: neutralised in CSV
    li = tenant(db, actor, "李", "小龙")  # no upper-case letter: "X-李-小龙" in Beancount
    first = lease(db, actor, house.rooms["3B-A"], ana, date(2025, 1, 1), date(2025, 3, 31),
                  rent_amount="900", deposit_amount="500")
    second = lease(db, actor, house.rooms["3B-B"], li, date(2025, 2, 1), None,
                   rent_amount="750", deposit_amount="0")
    rent_run.run_rent(db, actor, date(2025, 3, 31))
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=first.id, amount="1400",
                                           received_on=date(2025, 1, 3), method="cash"))
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=first.id, amount="900",
                                           received_on=date(2025, 2, 2), method="check",
                                           reference="=HYPERLINK(1)"))
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=second.id, amount="750",
                                           received_on=date(2025, 2, 1), method="card"))
    bounced = ledger.record_payment(db, actor, build(
        PaymentCreate, lease_id=second.id, amount="750", received_on=date(2025, 3, 1),
        method="check"))
    ledger.void_payment(db, actor, bounced.id, "check bounced")
    key = ledger.post_charge(db, actor, build(ChargeCreate, lease_id=second.id, kind="other",
                                              due_date=date(2025, 3, 5), amount="40",
                                              description="Lost key"))
    ledger.void_charge(db, actor, key.id, "key found")
    ledger.add_credit(db, actor, build(CreditCreate, lease_id=second.id, amount="50",
                                       received_on=date(2025, 3, 10), reason="Noisy works"))
    leasing.end_lease(db, actor, first.id, date(2025, 3, 31))
    deposits.settle_deposit(db, actor, build(
        DispositionCreate, lease_id=first.id, decided_on=date(2025, 4, 2),
        deductions=[{"reason": "Broken lamp", "amount": "60"}], refund_method="check"))
    prop = house.property_id
    expenses.add_expense(db, actor, build(ExpenseCreate, property_id=prop,
                                          spent_on=date(2025, 1, 20), payee="City Water",
                                          category="Utilities", amount="80.15"))
    due = expenses.add_expense(db, actor, build(
        ExpenseCreate, property_id=prop, spent_on=date(2025, 2, 10), payee="+Handy Co",
        category="Repairs", amount="300", status="due", due_date=date(2025, 3, 10)))
    wrong = expenses.add_expense(db, actor, build(ExpenseCreate, property_id=prop,
                                                  spent_on=date(2025, 2, 11), payee="Typo Inc",
                                                  category="Supplies", amount="999"))
    statement = tmp / "statement.csv"  # a bank line matched to a lease, one to an expense
    statement.write_text("Date,Amount,Description\n2025-03-20,750.00,LI XIAOLONG RENT\n"
                         "2025-03-21,-42.10,HARDWARE STORE\n", "utf-8")
    bank_import.import_statement(db, actor, statement, "Credit Union",
                                 mapping={"date": "Date", "amount": "Amount",
                                          "name": "Description"})
    by_name = {ln.name: ln.id for ln in bank.list_lines(db, actor)}
    reconcile.match_to_lease(db, actor, by_name["LI XIAOLONG RENT"], second.id)
    reconcile.match_to_expense(db, actor, by_name["HARDWARE STORE"], "Supplies", prop)
    expenses.mark_paid(db, actor, due.id, date(2025, 3, 12))  # Dr payable / Cr bank then
    expenses.void_expense(db, actor, wrong.id, "typed twice")  # voided today: 2025-04-15
    return {"property": prop, "first": first.id, "second": second.id}


def bean_figures(path: Path) -> tuple[dict[str, D], dict[str, D]]:
    """Beancount's own load (errors fail the test): balance per account, and income less
    expenses per property (by the transactions' `property` metadata)."""
    entries, errors, _options = loader.load_file(str(path))
    assert errors == []
    accounts: dict[str, D] = defaultdict(D)
    net: dict[str, D] = defaultdict(D)
    for entry in entries:
        if not isinstance(entry, bean.Transaction):
            continue
        assert sum((p.units.number for p in entry.postings), D(0)) == 0
        for posting in entry.postings:
            accounts[posting.account] += posting.units.number
            if posting.account.split(":")[0] in ("Income", "Expenses"):
                net[entry.meta["property"]] -= posting.units.number
    return accounts, net


def book_figures(db: Database) -> tuple[dict[str, uuid.UUID], dict[str, D]]:
    """Independently of the journal: the Beancount account of each tenant, and the accrual
    profit per property: charges not voided (deposits and credit refunds are not income),
    less credits (not the release of an unpaid deposit), less expenses not voided."""
    net: dict[str, D] = defaultdict(D)
    with db.read() as s:
        names = {t.id: f"Assets:Receivable:{bean_component(f'{t.first_name} {t.last_name}')}"
                 for t in s.scalars(select(Tenant))}
        place = dict(s.execute(select(Lease.id, Unit.property_id)
                               .join(Room, Room.id == Lease.room_id)
                               .join(Unit, Unit.id == Room.unit_id)).all())
        prop_names = dict(s.execute(select(Property.id, Property.name)).all())
        voided_c = set(s.scalars(select(Void.charge_id)))
        voided_p = set(s.scalars(select(Void.payment_id)))
        for c in s.scalars(select(Charge)):
            if c.id not in voided_c and c.kind != "deposit" and not c.period.startswith(
                    CREDIT_REFUND):
                net[prop_names[place[c.lease_id]]] += c.amount
        for p in s.scalars(select(Payment).where(Payment.kind == "credit")):
            if p.id not in voided_p and p.note != RELEASE_NOTE:
                net[prop_names[place[p.lease_id]]] -= p.amount
        for x in s.scalars(select(Expense).where(Expense.voided_on.is_(None))):
            net[prop_names[x.property_id]] -= x.amount
    return {name: tid for tid, name in names.items()}, net


def check_against_beancount(db: Database, actor: Actor, tmp_path: Path) -> dict[str, D]:
    out = tmp_path / "book.beancount"
    done = journals.export_journal(db, actor, *EVER, "beancount", out)
    assert done.paths == [out] and done.entries > 0
    accounts, net = bean_figures(out)
    tenants_by_account, expected_net = book_figures(db)
    for account, tenant_id in tenants_by_account.items():
        assert accounts.get(account, D(0)) == ledger.tenant_balance(db, actor, tenant_id), account
    assert {k: v for k, v in net.items() if v} == {k: v for k, v in expected_net.items() if v}
    # the deposits owed back: what the ledger holds, and the deposits charged not yet paid
    with db.read() as s:
        held = sum(ledger_sql.deposits_held(s).values(), D(0))
        unpaid = sum((view.outstanding for view, charge in ledger_sql.open_charges(
            s, s.scalars(select(Lease.id))) if charge.kind == "deposit"), D(0))
    assert -accounts.get("Liabilities:Tenant-Deposits", D(0)) == held + unpaid
    return accounts


def test_a_small_book_in_beancount(db: Database, actor: Actor, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2025-04-15")
    ids = small_book(db, actor, tmp_path)
    accounts = check_against_beancount(db, actor, tmp_path)
    # by hand: Ana owed 3 x 900 rent + 500 deposit, paid 2300; at move-out the lamp (60) is
    # charged and the whole deposit applied: 3200 + 60 - 2300 - 500 = 460 still owed
    assert accounts["Assets:Receivable:Ana-SUM-A1"] == D("460.00")
    assert accounts["Liabilities:Tenant-Deposits"] == D("0.00")
    assert accounts["Expenses:Repairs"] == D("300.00")
    assert accounts["Liabilities:Accounts-Payable"] == D("0.00")  # the bill was paid
    assert accounts["Income:Credits"] == D("50.00")
    assert accounts["Income:Other"] == D("-60.00")  # the lamp; the key was voided
    # 李 owes February's and March's rent less the credit, paid March by the bank (the
    # bounced check is void)
    assert accounts["Assets:Receivable:X-李-小龙"] == D("-50.00")
    assert accounts["Assets:Bank:Credit-Union"] == D("750.00") - D("42.10")
    assert accounts["Expenses:Supplies"] == D("42.10")  # the hardware; the typo is voided
    assert ids["second"]


def test_the_demo_in_beancount(db: Database, actor: Actor, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", DAY.isoformat())
    load_demo(db, actor, DAY)
    with db.read() as s:
        some = s.execute(select(Lease.id, Unit.property_id).join(Room, Room.id == Lease.room_id)
                         .join(Unit, Unit.id == Room.unit_id)).first()
    assert some is not None
    expenses.add_expense(db, actor, build(ExpenseCreate, property_id=some.property_id,
                                          spent_on=date(2025, 11, 3), payee="Austin Insurance",
                                          category="Insurance", amount="1234.56"))
    check_against_beancount(db, actor, tmp_path)


def test_every_format_balances_with_its_dates_and_columns(
        db: Database, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2025-04-15")
    small_book(db, actor, tmp_path)
    start, end = date(2025, 2, 1), date(2025, 3, 31)
    book = journals.journal(db, actor, start, end)
    assert book.entries and all(start <= e.day <= end for e in book.entries)
    assert [e.number for e in book.entries] == list(range(1, len(book.entries) + 1))
    debits = sum(ln.amount for e in book.entries for ln in e.lines if ln.amount > 0)

    qbo = journals.export_journal(db, actor, start, end, "qbo", tmp_path / "qbo.csv")
    rows = list(csv.DictReader(io.StringIO(qbo.paths[0].read_text("utf-8"))))
    assert list(rows[0]) == ["Journal No", "Journal Date", "Account Name", "Debits", "Credits",
                             "Description", "Name", "Class"]
    per_entry: dict[str, D] = defaultdict(D)
    for row in rows:
        assert bool(row["Debits"]) != bool(row["Credits"])
        per_entry[row["Journal No"]] += D(row["Debits"] or 0) - D(row["Credits"] or 0)
        month, day_, year = row["Journal Date"].split("/")
        assert start <= date(int(year), int(month), int(day_)) <= end
        assert row["Class"] == "Downtown Loft"
    assert set(per_entry.values()) == {D(0)} and len(per_entry) == len(book.entries)
    assert sum(D(r["Debits"] or 0) for r in rows) == debits == qbo.debits
    names = {r["Name"] for r in rows}
    assert "'Ana =SUM(A1)" not in names and "Ana =SUM(A1)" in names  # starts with A: as is
    assert "'+Handy Co" in names  # a payee beginning with + is neutralised
    assert any(r["Description"].endswith("(=HYPERLINK(1))") for r in rows)

    iso = journals.export_journal(db, actor, start, end, "qbo", tmp_path / "iso.csv", "ymd")
    first = next(csv.DictReader(io.StringIO(iso.paths[0].read_text("utf-8"))))
    assert date.fromisoformat(first["Journal Date"]) == book.entries[0].day  # another company
    with pytest.raises(ValidationError) as wrong:
        journals.export_journal(db, actor, start, end, "iif", tmp_path / "no.iif", "dmy")
    assert wrong.value.field == "dates" and not (tmp_path / "no.iif").exists()

    xero = journals.export_journal(db, actor, start, end, "xero", tmp_path / "xero.csv")
    lines = [r for p in xero.paths
             for r in csv.DictReader(io.StringIO(p.read_text("utf-8")))]
    assert list(lines[0])[:6] == ["*Narration", "*Date", "Description", "*AccountCode",
                                  "*TaxRate", "*Amount"]
    journal_sums: dict[tuple[str, str], D] = defaultdict(D)
    for r in lines:
        journal_sums[(r["*Narration"], r["*Date"])] += D(r["*Amount"])
        day_, month, year = r["*Date"].split("/")
        assert start <= date(int(year), int(month), int(day_)) <= end
        assert r["TrackingName1"] == "Property" and r["TrackingOption1"] == "Downtown Loft"
    assert set(journal_sums.values()) == {D(0)} and len(journal_sums) == len(book.entries)

    iif = journals.export_journal(db, actor, start, end, "iif", tmp_path / "book.iif")
    text = iif.paths[0].read_text("utf-8").splitlines()
    header = next(ln for ln in text if ln.startswith("!TRNS")).split("\t")
    assert header[:9] == ["!TRNS", "TRNSID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS",
                          "AMOUNT", "DOCNUM"]
    assert "!SPL" in [ln.split("\t")[0] for ln in text] and "!ENDTRNS" in text
    total, count = D(0), 0
    for ln in text:
        cells = ln.split("\t")
        if cells[0] in ("TRNS", "SPL"):
            assert cells[2] == "GENERAL JOURNAL" and len(cells) == 10
            total += D(cells[7])
        elif cells[0] == "ENDTRNS":
            assert total == 0
            count += 1
    assert count == len(book.entries)


def test_xero_files_hold_300_lines_at_most(db: Database, actor: Actor, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", DAY.isoformat())
    load_demo(db, actor, DAY)
    done = journals.export_journal(db, actor, *EVER, "xero", tmp_path / "j.csv")
    assert done.lines > 300 and len(done.paths) >= 2
    assert done.paths[1] == tmp_path / "j-2.csv"
    counted = 0
    for path in done.paths:
        rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
        assert 0 < len(rows) <= 300
        assert sum(D(r["*Amount"]) for r in rows) == 0  # no entry split across two files
        counted += len(rows)
    assert counted == done.lines


def test_a_range_that_ends_before_it_starts(db: Database, actor: Actor, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        journals.export_journal(db, actor, date(2025, 2, 1), date(2025, 1, 1), "qbo",
                                tmp_path / "x.csv")
    assert caught.value.field == "end"
    with pytest.raises(ValidationError) as caught:
        journals.export_journal(db, actor, date(2025, 1, 1), date(2025, 2, 1), "csv",
                                tmp_path / "x.csv")
    assert caught.value.field == "format"
    assert not (tmp_path / "x.csv").exists()


def test_the_journal_and_the_profit_and_loss_agree(db: Database, actor: Actor, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """For a year whose voids fall in the year: Beancount's income less expenses per property
    is the P&L's net (services.pnl) to the cent: both count credits given against income,
    and neither counts a credit balance paid back at move-out as income."""
    monkeypatch.setenv("COLIV_TODAY", DAY.isoformat())
    load_demo(db, actor, DAY)
    out = tmp_path / "2025.beancount"
    journals.export_journal(db, actor, date(2025, 1, 1), date(2025, 12, 31), "beancount", out)
    _accounts, net = bean_figures(out)
    report = pnl.profit_and_loss(db, actor, 2025)
    assert report.totals.expenses > 0  # the demo's bills are in
    expected = {p.property: p.totals.net for p in report.properties}
    assert {k: v for k, v in net.items() if v} == {k: v for k, v in expected.items() if v}


def test_a_user_limited_to_one_house_journals_only_that_house(
        db: Database, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2025-04-15")
    ids = small_book(db, actor, tmp_path)
    other = flow_41(db, actor)  # a second house, with a tenant of its own
    someone = tenant(db, actor, "Other", "House")
    elsewhere = lease(db, actor, other.rooms["3A-A"], someone, date(2025, 1, 1),
                      date(2025, 3, 31), rent_amount="600", deposit_amount="0")
    rent_run.run_rent(db, actor, date(2025, 3, 31))
    assert ledger.lease_ledger(db, actor, elsewhere.id).balance == D("1800.00")
    manager = Actor(actor.user_id, actor.operator_id, "Manager", "manager",
                    property_ids=frozenset({ids["property"]}))
    book = journals.journal(db, manager, *EVER)
    assert book.entries and {e.property for e in book.entries} == {"Downtown Loft"}
    assert all(("property_id", str(ids["property"])) in e.meta for e in book.entries)
    assert not any(ln.name == "Other House" for e in book.entries for ln in e.lines)
    everything = journals.journal(db, actor, *EVER)
    assert {e.property for e in everything.entries} == {"Downtown Loft", "Downtown Loft 2"}
