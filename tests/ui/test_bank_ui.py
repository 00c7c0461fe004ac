"""The Bank pane (issue 15, the GUI side): a statement imported through the pane (an OFX into
a new account; a CSV with its columns mapped in the dialog, over a preview), the proposal
confirmed (one payment with a receipt number), the other lines ignored, an undo asking its
reason, and the period reconciled (the difference shown, the period locked, reopened). Every
service call runs in a worker (tests/ui/conftest.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas.bank import BankAccountOut
from coliv_desktop.services import bank, bank_import, ledger, rent_run
from coliv_desktop.services.context import Actor
from coliv_desktop.ui.bank.account import AccountDialog
from coliv_desktop.ui.bank.dialogs import (
    ExpenseDialog,
    ImportDialog,
    MatchLeaseDialog,
    ReconcileDialog,
    RuleDialog,
    RulesDialog,
)
from coliv_desktop.ui.bank.pane import BankPane
from coliv_desktop.ui.shell.actions import Editing
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import flow_41, lease, tenant
from tests.services.test_bank import seed_categories
from tests.ui.helpers import (
    DialogDriver,
    click,
    menu_action,
    off_the_gui_thread,
    settle,
    type_into,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "bank"


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2026-12-10")


def a_book(db: Database, actor: Actor) -> object:
    seed_categories(db)
    flow = flow_41(db, actor)
    sarah = lease(db, actor, flow.rooms["3A-A"], tenant(db, actor, "Sarah", "Chen"),
                  date(2026, 10, 1), date(2027, 9, 30), rent_amount="1200")
    rent_run.run_rent(db, actor, date(2026, 12, 1))
    return sarah.id


def open_pane(window: MainWindow) -> BankPane:
    window.show_pane("bank")
    settle(window)
    pane = window.pane("bank")
    assert isinstance(pane, BankPane)
    return pane


def accounts(window: MainWindow) -> list[BankAccountOut]:
    return off_the_gui_thread(bank.list_accounts, window.ctx.db, window.ctx.actor)


def test_import_confirm_and_reconcile(window: MainWindow, qtbot: QtBot,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = window.ctx
    sarah = a_book(ctx.db, ctx.actor)
    pane = open_pane(window)
    assert pane.lines_stack.currentWidget() is pane.empty
    assert "import a statement" in pane.empty.text()

    def new_account(dialog: ImportDialog) -> None:
        assert dialog.account.currentData() == "__new__"
        type_into(qtbot, dialog.new_name, "Checking")
        click(qtbot, dialog.save_button)

    def reconcile_it(dialog: ReconcileDialog) -> None:
        # the statement's balance and day come from the imported file; compared at once
        assert dialog.balance.text() == "5910.63"
        assert dialog.through.value() == date(2026, 11, 30)
        qtbot.waitUntil(lambda: dialog.check is not None, timeout=10000)
        assert dialog.check is not None and dialog.check.difference == Decimal("1.00")
        assert "difference $1.00" in dialog.outcome.text() and "#b3261e" in \
            dialog.outcome.text()
        assert not dialog.save_button.isEnabled()
        type_into(qtbot, dialog.balance, "5909.63")
        dialog.check = None
        click(qtbot, dialog.compare_button)
        qtbot.waitUntil(lambda: dialog.check is not None, timeout=10000)
        assert dialog.save_button.isEnabled()
        click(qtbot, dialog.save_button)

    def reopen_it(dialog: ReconcileDialog) -> None:
        assert dialog.state.text() == "Locked through 2026-11-30."
        click(qtbot, dialog.reopen_button)
        qtbot.waitUntil(lambda: dialog.reopened, timeout=10000)
        dialog.reject()

    def opening(dialog: AccountDialog) -> None:
        type_into(qtbot, dialog.opening_balance, "4999.00")
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(new_account).then(opening).then(reconcile_it) \
        .then(reopen_it)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    monkeypatch.setattr(Editing, "ask_text", lambda self, title, label: "bank corrected it")
    monkeypatch.setattr(BankPane, "choose_file", lambda self: DATA / "checking_1.0.2.ofx")
    click(qtbot, pane.import_button)
    settle(window)
    assert pane.model.rowCount() == 4 and pane.account.currentText().startswith("Checking")
    assert pane.count.text() == "4 unmatched lines"
    assert pane.view.select_where(lambda r: r.name == "ZELLE FROM SARAH CHEN")
    settle(window)
    assert pane.proposals.item(0).text() == (
        "Payment: Sarah Chen — tenant name SARAH CHEN in the text; amount equals the open "
        "rent of 2026-11; 2 days after the due date")
    assert pane.confirm_button.isEnabled() and not pane.expense_button.isEnabled()
    click(qtbot, pane.confirm_button)
    settle(window)
    assert pane.model.rowCount() == 3  # the matched line left the unmatched list
    (account,) = accounts(window)
    matched = off_the_gui_thread(bank.list_lines, ctx.db, ctx.actor, account.id)
    line = next(ln for ln in matched if ln.status == "matched")
    assert line.lease_id == sarah and line.payment_id is not None
    payment = off_the_gui_thread(ledger.get_payment, ctx.db, ctx.actor, line.payment_id)
    assert payment.receipt_number is not None and payment.amount == Decimal("1200.00")
    while pane.model.rowCount():
        pane.view.selectRow(0)
        click(qtbot, pane.ignore_button)
        settle(window)
    assert pane.lines_stack.currentWidget() is pane.empty
    assert pane.empty.text() == "Nothing waits: every line of this account is matched."
    click(qtbot, pane.account_button)  # the opening balance, in the account's dialog
    settle(window)
    assert accounts(window)[0].opening_balance == Decimal("4999.00")
    click(qtbot, pane.reconcile_button)
    settle(window)
    assert accounts(window)[0].closed_through == date(2026, 11, 30)
    assert "locked through 2026-11-30" in pane.count.text()
    click(qtbot, pane.reconcile_button)
    settle(window)
    assert accounts(window)[0].closed_through is None


def test_csv_columns_mapped_over_a_preview(window: MainWindow, qtbot: QtBot,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = window.ctx
    a_book(ctx.db, ctx.actor)
    pane = open_pane(window)

    def mapping(dialog: ImportDialog) -> None:
        assert dialog.preview_table.rowCount() == 5
        assert dialog.columns["date"].currentData() == "Posting Date"  # from the header
        assert dialog.columns["amount"].currentData() == "Amount"
        type_into(qtbot, dialog.new_name, "Chase")
        dialog.columns["memo"].setCurrentIndex(dialog.columns["memo"].findData("Type"))
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(mapping)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    monkeypatch.setattr(BankPane, "choose_file", lambda self: DATA / "signed_amount.csv")
    window.show_pane("dashboard")
    menu_action(window, "menu_import_bank").trigger()  # Ledger ▸ Import Bank Statement…
    settle(window)
    assert window.current_pane == "bank" and pane.model.rowCount() == 5
    (account,) = accounts(window)
    assert account.csv_mapping is not None and account.csv_mapping["memo"] == "Type"


def test_rules_expenses_undo_and_matching_by_hand(window: MainWindow, qtbot: QtBot,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = window.ctx
    sarah = a_book(ctx.db, ctx.actor)
    off_the_gui_thread(bank_import.import_statement, ctx.db, ctx.actor,
                       DATA / "checking_1.0.2.ofx", "Checking")
    pane = open_pane(window)
    assert pane.view.select_where(lambda r: r.name == "CITY OF AUSTIN UTIL")
    settle(window)
    assert not pane.confirm_button.isEnabled()  # no rule yet
    assert pane.expense_button.isEnabled() and not pane.lease_button.isEnabled()

    def rules(dialog: RulesDialog) -> None:
        click(qtbot, dialog.add_button)
        ctx.tasks.wait_idle()
        assert dialog.model.rowCount() == 1

    def rule(dialog: RuleDialog) -> None:
        type_into(qtbot, dialog.pattern, "city of austin")
        dialog.category.setCurrentIndex(dialog.category.findData("Utilities"))
        dialog.property_box.setCurrentIndex(dialog.property_box.findText("Downtown Loft"))
        click(qtbot, dialog.save_button)

    def undo_reason(title: str, label: str) -> str:
        return "wrong tenant"

    def by_hand(dialog: MatchLeaseDialog) -> None:
        assert dialog.lease.currentData() == str(sarah)  # the proposal's lease first
        click(qtbot, dialog.save_button)

    def expense(dialog: ExpenseDialog) -> None:
        assert dialog.payee.text() == "CHECK 1042"  # no rule: the line's name
        dialog.category.setCurrentIndex(dialog.category.findData("Repairs"))
        dialog.property_box.setCurrentIndex(dialog.property_box.findText("Downtown Loft"))
        type_into(qtbot, dialog.payee, "Joe the plumber")
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(rules).then(rule).then(by_hand).then(expense)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    monkeypatch.setattr(Editing, "ask_text", lambda self, title, label: undo_reason(title,
                                                                                     label))
    click(qtbot, pane.rules_button)
    settle(window)
    assert pane.view.select_where(lambda r: r.name == "CITY OF AUSTIN UTIL")
    settle(window)
    assert pane.proposals.item(0).text().startswith(
        'Expense: payee rule "city of austin" -> Utilities at Downtown Loft')
    click(qtbot, pane.confirm_button)  # the rule's expense
    settle(window)
    assert not pane.view.select_where(lambda r: r.name == "CITY OF AUSTIN UTIL")
    # Sarah's deposit: confirmed, undone (asks the reason), matched again by hand
    assert pane.view.select_where(lambda r: r.name == "ZELLE FROM SARAH CHEN")
    click(qtbot, pane.confirm_button)
    settle(window)
    pane.status.setCurrentIndex(pane.status.findData(""))  # all lines
    settle(window)
    assert pane.view.select_where(lambda r: r.name == "ZELLE FROM SARAH CHEN")
    settle(window)
    assert pane.undo_button.isEnabled() and "payment recorded from this line" in \
        pane.detail_facts.text()
    click(qtbot, pane.undo_button)
    settle(window)
    line = pane.current()
    assert line is not None and line.status == "unmatched"
    click(qtbot, pane.lease_button)
    settle(window)
    line = pane.current()
    assert line is not None and line.status == "matched" and line.lease_id == sarah
    # a withdrawal by hand: the Expense… dialog, then the expense recorded
    assert pane.view.select_where(lambda r: r.name == "CHECK 1042")
    settle(window)
    click(qtbot, pane.expense_button)
    settle(window)
    line = pane.current()
    assert line is not None and line.status == "expense" and line.expense_id is not None
    assert driver.handlers == []
