"""Bank statements on both engines (issue 15): import once (the same or overlapping files add
nothing), proposals with their reasons, matching to a lease (one payment with a receipt
number, or a link to the one recorded by hand), expenses by payee rule, undo, reconciliation
and the period lock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    AuditEntry,
    BankStatement,
    BankTransaction,
    Charge,
    Expense,
    ExpenseCategory,
    Payment,
    Room,
    Unit,
    Void,
)
from coliv_desktop.db.models.books import SCHEDULE_E
from coliv_desktop.domain.errors import ConflictError, ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.bank import BankAccountCreate, BankAccountUpdate, PayeeRuleCreate
from coliv_desktop.schemas.books import ExpenseCreate
from coliv_desktop.schemas.deposits import DispositionCreate
from coliv_desktop.schemas.ledger import ChargeCreate, CreditCreate, PaymentCreate
from coliv_desktop.services import (
    bank,
    bank_import,
    deposits,
    expenses,
    leasing,
    ledger,
    reconcile,
    rent_run,
)
from coliv_desktop.services.books_lock import PeriodClosed
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease, tenant

DATA = Path(__file__).resolve().parents[1] / "data" / "bank"
DAY = "2026-12-10"


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", DAY)


def seed_categories(db: Database) -> None:
    """The Schedule E categories migration 0010 seeds: the PostgreSQL fixture's TRUNCATE
    between tests removes them (tests/conftest.py), so they are put back here."""
    with db.write() as s:
        if not s.scalar(select(func.count()).select_from(ExpenseCategory)):
            s.add_all([ExpenseCategory(name=name, schedule_e_line=line)
                       for name, line in SCHEDULE_E])


@pytest.fixture(autouse=True)
def categories(db: Database) -> None:
    seed_categories(db)


@dataclass
class Book:
    property_id: uuid.UUID
    sarah: uuid.UUID  # lease of Sarah Chen, rent 1200
    marcus: uuid.UUID  # lease of Marcus Webb, rent 950


def book(db: Database, actor: Actor) -> Book:
    flow = flow_41(db, actor)
    sarah = lease(db, actor, flow.rooms["3A-A"], tenant(db, actor, "Sarah", "Chen"),
                  date(2026, 10, 1), date(2027, 9, 30), rent_amount="1200")
    marcus = lease(db, actor, flow.rooms["3A-B"], tenant(db, actor, "Marcus", "Webb"),
                   date(2026, 10, 1), date(2027, 9, 30), rent_amount="950")
    rent_run.run_rent(db, actor, date(2026, 12, 1))
    # October paid by hand; November and December open
    for lid, amount in ((sarah.id, "1200"), (marcus.id, "950")):
        ledger.record_payment(db, actor, build(PaymentCreate, lease_id=lid, amount=amount,
                                               received_on="2026-10-02", method="check"))
    return Book(flow.property_id, sarah.id, marcus.id)


def lines(db: Database, actor: Actor, **kw: object) -> list[bank.BankLineOut]:
    return bank.list_lines(db, actor, **kw)  # type: ignore[arg-type]


def count(db: Database, model: type, *where: object) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_ofx_import_twice_and_overlapping_adds_nothing(db: Database, actor: Actor) -> None:
    book(db, actor)
    first = bank_import.import_statement(db, actor, DATA / "checking_1.0.2.ofx", "Checking")
    assert (first.imported, first.duplicates, first.account_created) == (4, 0, True)
    assert first.reader == "ofxtools" and first.closing_balance == Decimal("5910.63")
    again = bank_import.import_statement(db, actor, DATA / "checking_1.0.2.ofx", "Checking")
    assert (again.imported, again.duplicates, again.account_created) == (0, 4, False)
    # found by its ACCTID, no name needed; one line in common with the first file
    overlap = bank_import.import_statement(db, actor, DATA / "sloppy.ofx")
    assert overlap.reader == "tolerant" and overlap.account == "Checking"
    assert (overlap.imported, overlap.duplicates) == (2, 1)
    assert count(db, BankTransaction) == 6 and count(db, BankStatement) == 3
    accounts = bank.list_accounts(db, actor)
    assert [a.name for a in accounts] == ["Checking"]
    assert accounts[0].ofx_account_id == "000123456789" and accounts[0].unmatched == 6


def test_csv_import_needs_and_keeps_its_mapping(db: Database, actor: Actor) -> None:
    with pytest.raises(ValidationError) as missing:
        bank_import.import_statement(db, actor, DATA / "signed_amount.csv", "Chase")
    assert missing.value.field == "mapping" and "Posting Date" in missing.value.detail
    assert count(db, BankTransaction) == 0 and bank.list_accounts(db, actor) == []
    mapping = {"date": "Posting Date", "amount": "Amount", "name": "Description",
               "reference": "Check or Slip #", "balance": "Balance"}
    result = bank_import.import_statement(db, actor, DATA / "signed_amount.csv", "Chase",
                                          mapping=mapping)
    assert (result.imported, result.duplicates) == (5, 0)  # two identical coffees: two lines
    assert result.closing_balance == Decimal("5616.63")
    again = bank_import.import_statement(db, actor, DATA / "signed_amount.csv", "Chase")
    assert (again.imported, again.duplicates) == (0, 5)  # the saved mapping read it
    amounts = sorted(ln.amount for ln in lines(db, actor))
    assert amounts == [Decimal(a) for a in ("-250.00", "-84.37", "-4.50", "-4.50", "1200.00")]


@pytest.mark.parametrize(("name", "mapping", "expected"), [
    ("debit_credit.csv", {"date": "Date", "debit": "Debit", "credit": "Credit",
                          "name": "Description"}, ["950.00", "-120.00", "-85.00"]),
    ("inverted_sign.csv", {"date": "Transaction Date", "amount": "Amount",
                           "name": "Description", "invert": True},
     ["-63.18", "-29.99", "63.18"]),
    ("semicolon_comma_dmy.csv", {"date": "Buchungstag", "amount": "Betrag",
                                 "name": "Verwendungszweck"}, ["1200.00", "-84.37", "-9.90"]),
])
def test_csv_sign_conventions(db: Database, actor: Actor, name: str, mapping: dict[str, object],
                              expected: list[str]) -> None:
    bank_import.import_statement(db, actor, DATA / name, "Bank", mapping=mapping)
    found = sorted(lines(db, actor), key=lambda ln: (ln.posted_on, ln.name))
    assert [f"{ln.amount:.2f}" for ln in found] == expected


def test_a_bad_file_writes_nothing_and_names_the_row(db: Database, actor: Actor) -> None:
    with pytest.raises(ValidationError) as bad:
        bank_import.import_statement(db, actor, DATA / "bad_row.csv", "Bank",
                                     mapping={"date": "Date", "amount": "Amount"})
    assert bad.value.field == "row 3 Amount" and "ten dollars" in bad.value.detail
    with pytest.raises(ValidationError) as ofx:
        bank_import.import_statement(db, actor, DATA / "bad_amount.ofx", "Bank")
    assert ofx.value.field == "line 16 TRNAMT"
    with pytest.raises(ValidationError) as ambiguous:
        bank_import.import_statement(db, actor, DATA / "ambiguous_dates.csv", "Bank",
                                     mapping={"date": "Date", "amount": "Amount"})
    assert ambiguous.value.field == "date_order"
    assert bank.list_accounts(db, actor) == [] and count(db, BankTransaction) == 0
    ok = bank_import.import_statement(db, actor, DATA / "ambiguous_dates.csv", "Bank",
                                      mapping={"date": "Date", "amount": "Amount"},
                                      date_order="mdy")
    assert ok.imported == 2 and bank.list_accounts(db, actor)[0].csv_mapping == {
        "date": "Date", "amount": "Amount", "date_order": "mdy"}
    with db.read() as s:
        statement = s.get(BankStatement, ok.statement_id)
        assert statement is not None and (statement.lines, statement.duplicates) == (2, 0)
        assert statement.imported_by == actor.name and len(statement.sha256) == 64
    with pytest.raises(ValidationError) as unknown:
        bank.set_csv_mapping(db, actor, ok.account_id, {"date": "Date", "sum": "Amount"})
    assert unknown.value.field == "mapping"
    saved = bank.set_csv_mapping(db, actor, ok.account_id, {
        "date": "Date", "amount": "Amount", "invert": True, "date_order": "mdy"})
    assert saved.csv_mapping == {"date": "Date", "amount": "Amount", "invert": True,
                                 "date_order": "mdy"}


def test_deposit_proposals_with_reasons(db: Database, actor: Actor) -> None:
    b = book(db, actor)
    bank_import.import_statement(db, actor, DATA / "checking_1.0.2.ofx", "Checking",
                                 property_id=b.property_id)
    by_name = {ln.name: ln for ln in lines(db, actor, unmatched=True)}
    sarah = by_name["ZELLE FROM SARAH CHEN"].proposals
    assert sarah[0].kind == "payment" and sarah[0].lease_id == b.sarah
    assert sarah[0].reason == ("tenant name SARAH CHEN in the text; amount equals the open "
                               "rent of 2026-11; 2 days after the due date")
    assert len(sarah[0].charge_ids) == 1
    assert by_name["CHECK 1042"].proposals == []  # no rule, no name


def test_confirm_records_one_payment_with_a_receipt(db: Database, actor: Actor) -> None:
    b = book(db, actor)
    bank_import.import_statement(db, actor, DATA / "checking_1.0.2.ofx", "Checking")
    line = next(ln for ln in lines(db, actor) if ln.name == "ZELLE FROM SARAH CHEN")
    payments_before = count(db, Payment)
    done = reconcile.match_to_lease(db, actor, line.id, b.sarah)
    assert done.status == "matched" and done.payment_id is not None
    assert done.matched_by == actor.name and done.matched_at is not None
    assert bank.get_line(db, actor, line.id).payment_id == done.payment_id
    assert count(db, Payment) == payments_before + 1
    payment = ledger.get_payment(db, actor, done.payment_id)
    assert payment.receipt_number is not None and payment.method == "bank_transfer"
    assert payment.reference == "202611030001" and payment.received_on == date(2026, 11, 3)
    assert [a.amount for a in payment.allocations] == [Decimal("1200.00")]
    with pytest.raises(ConflictError, match="already matched"):
        reconcile.match_to_lease(db, actor, line.id, b.sarah)
    withdrawal = next(ln for ln in lines(db, actor) if ln.amount < 0)
    with pytest.raises(ValidationError) as refused:
        reconcile.match_to_lease(db, actor, withdrawal.id, b.sarah)
    assert refused.value.field == "lease_id"
    undone = reconcile.undo_match(db, actor, line.id, "wrong tenant")
    assert undone.status == "unmatched" and undone.payment_id is None
    assert count(db, Void, Void.payment_id == done.payment_id) == 1
    again = next(ln for ln in lines(db, actor, unmatched=True) if ln.id == line.id)
    assert again.proposals[0].lease_id == b.sarah  # proposed again


def test_a_payment_recorded_by_hand_is_linked_not_doubled(db: Database, actor: Actor) -> None:
    b = book(db, actor)
    by_hand = ledger.record_payment(db, actor, build(
        PaymentCreate, lease_id=b.marcus, amount="950", received_on="2026-11-01",
        method="bank_transfer"))
    bank_import.import_statement(db, actor, DATA / "checking_2.x.ofx", "Credit union")
    line = next(ln for ln in lines(db, actor) if ln.amount > 0)
    top = line.proposals[0]
    assert top.kind == "link" and top.payment_id == by_hand.id
    assert top.reason.startswith("already recorded: link to receipt No.")
    assert "1 day apart" in top.reason and "MARCUS WEBB" in top.reason
    payments = count(db, Payment)
    done = reconcile.match_to_lease(db, actor, line.id, b.marcus)
    assert done.payment_id == by_hand.id and count(db, Payment) == payments
    undone = reconcile.undo_match(db, actor, line.id, "not this one")
    assert undone.status == "unmatched" and count(db, Void) == 0  # unlinked, not voided


def test_withdrawal_by_payee_rule_becomes_an_expense(db: Database, actor: Actor) -> None:
    b = book(db, actor)
    rule = bank.add_rule(db, actor, build(PayeeRuleCreate, pattern="city of austin util",
                                          category="utilities", property_id=b.property_id))
    assert rule.category == "Utilities"
    result = bank_import.import_statement(db, actor, DATA / "checking_1.0.2.ofx", "Checking")
    assert result.proposed == 2  # Sarah's deposit and the utility bill
    line = next(ln for ln in lines(db, actor) if ln.name == "CITY OF AUSTIN UTIL")
    proposal = line.proposals[0]
    assert proposal.kind == "expense" and proposal.category == "Utilities"
    assert proposal.reason.startswith('payee rule "city of austin util" -> Utilities at')
    done = reconcile.match_to_expense(db, actor, line.id, "Utilities", b.property_id)
    assert done.status == "expense" and done.expense_id is not None
    with db.read() as s:
        expense = s.get(Expense, done.expense_id)
        assert expense is not None and expense.amount == Decimal("84.37")
        assert expense.source == "bank" and expense.spent_on == date(2026, 11, 5)
    deposit = next(ln for ln in lines(db, actor) if ln.amount > 0)
    with pytest.raises(ValidationError):
        reconcile.match_to_expense(db, actor, deposit.id, "Utilities", b.property_id)
    reconcile.undo_match(db, actor, line.id, "duplicate bill")
    with db.read() as s:
        expense = s.get(Expense, done.expense_id)
        assert expense is not None and expense.voided_on is not None
    bank.delete_rule(db, actor, rule.id)
    assert bank.list_rules(db, actor) == []


def test_reconcile_locks_the_period_and_reopen_lifts_it(db: Database, actor: Actor) -> None:
    b = book(db, actor)
    account = bank.add_account(db, actor, build(
        BankAccountCreate, name="Checking", property_id=b.property_id,
        opening_balance="4999.00", opening_on="2026-11-01"))
    bank_import.import_statement(db, actor, DATA / "checking_1.0.2.ofx", "Checking")
    check = reconcile.check_reconciliation(db, actor, "Checking", date(2026, 11, 30),
                                           Decimal("5910.63"))
    assert check.book_balance == Decimal("5909.63") and check.difference == Decimal("1.00")
    assert not check.can_lock
    with pytest.raises(ValidationError) as off:
        reconcile.reconcile(db, actor, "Checking", date(2026, 11, 30), Decimal("5910.63"))
    assert off.value.field == "balance" and "differs from the book's 5909.63" in off.value.detail
    with pytest.raises(ValidationError) as waiting:
        reconcile.reconcile(db, actor, account.id, date(2026, 11, 30), Decimal("5909.63"))
    assert waiting.value.field == "through" and "4 lines" in waiting.value.detail
    for line in lines(db, actor):
        if line.name == "ZELLE FROM SARAH CHEN":
            reconcile.match_to_lease(db, actor, line.id, b.sarah)
        else:
            reconcile.ignore_line(db, actor, line.id, "test")
    done = reconcile.reconcile(db, actor, "Checking", date(2026, 11, 30), Decimal("5909.63"))
    assert done.period_start == date(2026, 11, 1) and done.period_end == date(2026, 11, 30)
    with pytest.raises(PeriodClosed) as closed:
        ledger.record_payment(db, actor, build(PaymentCreate, lease_id=b.marcus, amount="10",
                                               received_on="2026-11-20", method="cash"))
    assert closed.value.field == "received_on" and "2026-11-30" in str(closed.value)
    with pytest.raises(PeriodClosed):
        ledger.add_credit(db, actor, build(CreditCreate, lease_id=b.marcus, amount="10",
                                           received_on="2026-11-20", reason="goodwill"))
    with pytest.raises(PeriodClosed):
        ledger.post_charge(db, actor, build(ChargeCreate, lease_id=b.marcus, amount="10",
                                            due_date="2026-11-20", description="Key"))
    matched = next(ln for ln in lines(db, actor) if ln.status == "matched")
    assert matched.locked
    with pytest.raises(PeriodClosed):
        ledger.void_payment(db, actor, matched.payment_id, "bounced")  # type: ignore[arg-type]
    with pytest.raises(PeriodClosed):
        reconcile.undo_match(db, actor, matched.id, "oops")
    with pytest.raises(PeriodClosed):
        expenses.add_expense(db, actor, build(
            ExpenseCreate, property_id=b.property_id, spent_on="2026-11-15", payee="X",
            category="Repairs", amount="5"))
    # after the period: allowed
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=b.marcus, amount="10",
                                           received_on="2026-12-01", method="cash"))
    with pytest.raises(ValidationError, match="reconciled through 2026-11-30 already"):
        reconcile.reconcile(db, actor, "Checking", date(2026, 11, 30), Decimal("5909.63"))
    reopened = reconcile.reopen(db, actor, "Checking", "bank corrected a line")
    assert reopened.reopen_reason == "bank corrected a line"
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=b.marcus, amount="10",
                                           received_on="2026-11-20", method="cash"))
    again = reconcile.reconcile(db, actor, "Checking", date(2026, 11, 30), Decimal("5909.63"))
    assert again.id == done.id and again.reopened_at is None
    assert reopened.reopened_by == actor.name and again.reconciled_by == actor.name
    (history,) = reconcile.list_reconciliations(db, actor, "Checking")
    assert history.id == done.id and history.reopen_reason is None
    with db.read() as s:
        actions = set(s.scalars(select(AuditEntry.action).where(
            AuditEntry.entity_type == "bank_account")))
    assert {"reconcile", "reopen"} <= actions


def test_new_lines_in_a_locked_period_are_refused(db: Database, actor: Actor) -> None:
    bank.add_account(db, actor, build(BankAccountCreate, name="Checking"))
    bank_import.import_statement(db, actor, DATA / "checking_2.x.ofx", "Checking")
    for line in lines(db, actor):
        reconcile.ignore_line(db, actor, line.id)
    reconcile.reconcile(db, actor, "Checking", date(2026, 11, 30), Decimal("830.00"))
    with pytest.raises(PeriodClosed) as closed:
        bank_import.import_statement(db, actor, DATA / "debit_credit.csv", "Checking",
                                     mapping={"date": "Date", "debit": "Debit",
                                              "credit": "Credit", "name": "Description"})
    assert closed.value.field == "row 2"
    assert count(db, BankTransaction) == 2


def test_a_deposit_settled_in_a_locked_period_is_refused(db: Database, actor: Actor) -> None:
    b = book(db, actor)
    leasing.end_lease(db, actor, b.marcus, date(2026, 11, 15))
    bank.add_account(db, actor, build(BankAccountCreate, name="Operator",
                                      opening_on="2026-11-01"))
    reconcile.reconcile(db, actor, "Operator", date(2026, 11, 30), Decimal("0.00"))
    with pytest.raises(PeriodClosed) as closed:
        deposits.settle_deposit(db, actor, build(DispositionCreate, lease_id=b.marcus,
                                                 decided_on="2026-11-20"))
    assert closed.value.field == "decided_on"
    deposits.settle_deposit(db, actor, build(DispositionCreate, lease_id=b.marcus,
                                             decided_on="2026-12-01"))


def test_an_account_is_edited_but_not_under_a_lock(db: Database, actor: Actor) -> None:
    b = book(db, actor)
    card = bank.add_account(db, actor, build(BankAccountCreate, name="Card",
                                             opening_balance="-250.00"))
    assert card.opening_balance == Decimal("-250.00")  # a card's balance is owed
    other = bank.add_account(db, actor, build(BankAccountCreate, name="Savings"))
    with pytest.raises(ConflictError, match="already a bank account named"):
        bank.update_account(db, actor, other.id, build(BankAccountUpdate, name="card"))
    edited = bank.update_account(db, actor, card.id, build(
        BankAccountUpdate, name="Visa", property_id=b.property_id, opening_balance="0",
        opening_on="2026-11-01", expected_version=card.version))
    assert (edited.name, edited.property_id, edited.property_name) == (
        "Visa", b.property_id, "Downtown Loft")
    with pytest.raises(ConflictError):  # written meanwhile: the old version is refused
        bank.update_account(db, actor, card.id, build(
            BankAccountUpdate, name="Visa 2", expected_version=card.version))
    reconcile.reconcile(db, actor, card.id, date(2026, 11, 30), Decimal("0.00"))
    with pytest.raises(ConflictError, match="reopen that period before changing its property"):
        bank.set_account_property(db, actor, card.id, None)
    with pytest.raises(ConflictError, match="before changing its opening balance"):
        bank.set_opening_balance(db, actor, card.id, Decimal("5.00"))
    renamed = bank.update_account(db, actor, card.id, build(
        BankAccountUpdate, name="Visa card", property_id=b.property_id, opening_balance="0",
        opening_on="2026-11-01"))
    assert renamed.name == "Visa card" and renamed.closed_through == date(2026, 11, 30)


def test_a_match_voided_elsewhere_waits_again(db: Database, actor: Actor) -> None:
    """The payment a line became voided in the ledger (a bounced transfer), the expense
    voided in the Books pane: the line waits again, is proposed again, and matches anew."""
    b = book(db, actor)
    bank.add_rule(db, actor, build(PayeeRuleCreate, pattern="CITY OF AUSTIN",
                                   category="Utilities", property_id=b.property_id))
    bank_import.import_statement(db, actor, DATA / "checking_1.0.2.ofx", "Checking")
    by_name = {ln.name: ln for ln in lines(db, actor)}
    deposit = reconcile.match_to_lease(db, actor, by_name["ZELLE FROM SARAH CHEN"].id, b.sarah)
    bill = reconcile.match_to_expense(db, actor, by_name["CITY OF AUSTIN UTIL"].id,
                                      "Utilities", b.property_id)
    assert bank.list_accounts(db, actor)[0].unmatched == 2
    assert {ln.id for ln in lines(db, actor, status="matched")} == {deposit.id}
    ledger.void_payment(db, actor, deposit.payment_id, "the transfer bounced")  # type: ignore[arg-type]
    expenses.void_expense(db, actor, bill.expense_id, "entered twice")  # type: ignore[arg-type]
    waiting = {ln.id: ln for ln in lines(db, actor, unmatched=True)}
    assert deposit.id in waiting and bill.id in waiting
    assert waiting[deposit.id].status == "unmatched"
    assert "voided since" in (waiting[deposit.id].note or "")
    assert waiting[deposit.id].proposals[0].lease_id == b.sarah
    assert waiting[bill.id].proposals[0].category == "Utilities"
    assert lines(db, actor, status="matched") == []
    assert bank.list_accounts(db, actor)[0].unmatched == 4
    check = reconcile.check_reconciliation(db, actor, "Checking", date(2026, 11, 30),
                                           Decimal("910.63"))
    assert check.unmatched == 4 and not check.can_lock
    again = reconcile.match_to_lease(db, actor, deposit.id, b.sarah)
    assert again.payment_id not in (None, deposit.payment_id)
    reconcile.match_to_expense(db, actor, bill.id, "Utilities", b.property_id)
    assert bank.list_accounts(db, actor)[0].unmatched == 2


def test_the_rent_run_refuses_rent_backdated_into_a_locked_period(db: Database,
                                                                   actor: Actor) -> None:
    """A lease entered late, starting in a reconciled month: the run names the charge and
    posts nothing (not the open months either) until the period is reopened."""
    b = book(db, actor)
    bank.add_account(db, actor, build(BankAccountCreate, name="Operator",
                                      opening_on="2026-11-01"))
    reconcile.reconcile(db, actor, "Operator", date(2026, 11, 30), Decimal("0.00"))
    with db.read() as s:  # room C of unit 3A is still free
        free = s.scalar(select(Room.id).join(Unit, Unit.id == Room.unit_id)
                        .where(Unit.unit_number == "3A", Room.room_number == "C"))
    late = lease(db, actor, free, tenant(db, actor, "Lena", "Late"), date(2026, 11, 10),
                 date(2027, 6, 30), rent_amount="800")
    before = count(db, Charge)
    with pytest.raises(PeriodClosed) as closed:
        rent_run.run_rent(db, actor, date(2026, 12, 1))
    assert closed.value.field == "through" and closed.value.day == date(2026, 11, 10)
    assert str(late.id) in str(closed.value) and "2026-11-30" in str(closed.value)
    assert count(db, Charge) == before
    reconcile.reopen(db, actor, "Operator", "Lena's lease entered late")
    rent_run.run_rent(db, actor, date(2026, 12, 1))
    assert count(db, Charge, Charge.lease_id == late.id) >= 2
    assert b.property_id is not None


def test_a_utility_bill_due_in_a_locked_period_is_refused(db: Database, actor: Actor) -> None:
    from coliv_desktop.schemas.utilities import UtilityBillIn
    from coliv_desktop.services import utilities

    b = book(db, actor)
    bank.add_account(db, actor, build(BankAccountCreate, name="Operator",
                                      opening_on="2026-11-01"))
    reconcile.reconcile(db, actor, "Operator", date(2026, 11, 30), Decimal("0.00"))
    with db.read() as s:
        unit = s.scalar(select(Unit.id).where(Unit.unit_number == "3A"))

    def bill(due: str) -> UtilityBillIn:
        return build(UtilityBillIn, property_id=b.property_id, unit_id=unit, provider="Power",
                     period_start="2026-10-01", period_end="2026-10-31", amount="90.00",
                     due_date=due, rule="equal")

    before = count(db, Charge)
    with pytest.raises(PeriodClosed) as closed:
        utilities.post_bill(db, actor, bill("2026-11-20"))
    assert closed.value.field == "due_date" and count(db, Charge) == before
    utilities.post_bill(db, actor, bill("2026-12-05"))
    assert count(db, Charge) == before + 2
