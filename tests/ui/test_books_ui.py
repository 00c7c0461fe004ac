"""The Books pane (issue 15, items 3 and 4, the GUI side): an expense added in the pane shows
in the list and changes the profit and loss; voided with a reason it stays, greyed and struck
through, out of the totals, and Undo brings it back; a recurring bill posted through the
bills tab; the chart and the exports; staff never see the pane. Every service call runs in a
worker (tests/ui/conftest.py fails a query on the GUI thread)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCharts import QBarSeries, QLineSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from coliv_desktop.schemas import build
from coliv_desktop.schemas.books import ExpenseCreate
from coliv_desktop.services import expenses, rent_run
from coliv_desktop.services.context import Actor
from coliv_desktop.ui.books.dialogs import BillDialog, ExpenseDialog, PostBillsDialog
from coliv_desktop.ui.books.expenses import VOID_GREY
from coliv_desktop.ui.books.pane import BooksPane
from coliv_desktop.ui.common.models.table import FONT, FOREGROUND
from coliv_desktop.ui.shell.actions import Editing
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import Flow41, flow_41, lease, tenant
from tests.ui.helpers import DialogDriver, click, settle, type_into

DAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", DAY.isoformat())


@pytest.fixture
def book(db: Any, actor: Actor) -> Flow41:
    """The Downtown Loft with one lease at 900 a month since January, rent posted."""
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Ana"), date(2026, 1, 1))
    rent_run.run_rent(db, actor, DAY)
    return flow


def open_books(window: MainWindow, tab: str = "expenses") -> BooksPane:
    window.show_pane("books")
    settle(window)
    pane = window.pane("books")
    assert isinstance(pane, BooksPane)
    pane.show_view(tab)
    settle(window)
    return pane


def test_an_expense_added_in_the_pane_changes_the_profit_and_loss(
        window: MainWindow, book: Flow41, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    pane = open_books(window, "pnl")
    march = pane.pnl.model.rows[2]
    assert (march.income, march.expenses, march.net) == (Decimal("900.00"), 0, Decimal(
        "900.00"))
    assert "net $2,700.00" in pane.pnl.summary.text()

    def fill(dialog: ExpenseDialog) -> None:
        assert dialog.property_id.currentText() == "Downtown Loft"
        dialog.place.setCurrentIndex(dialog.place.findText("    Room 3B-A"))
        type_into(qtbot, dialog.payee, "Ace Plumbing")
        dialog.category.setCurrentIndex(dialog.category.findData("Repairs"))
        type_into(qtbot, dialog.amount, "abc")
        click(qtbot, dialog.save_button)
        assert dialog.isVisible() and dialog.fields.error("amount")  # said next to it
        type_into(qtbot, dialog.amount, "$1,250.50")
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(fill)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane.show_view("expenses")
    pane.expenses.view.setFocus()
    qtbot.keyClick(pane.expenses.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    settle(window)
    assert len(driver.seen) == 1
    rows = pane.expenses.model.rows
    assert len(rows) == 1
    row = rows[0]
    assert (row.expense.payee, row.expense.amount, row.where) == (
        "Ace Plumbing", Decimal("1250.50"), "Downtown Loft · 3B-A")
    assert pane.expenses.current() is not None
    assert "total $1,250.50" in pane.expenses.total.text()
    pane.show_view("pnl")
    settle(window)
    march = pane.pnl.model.rows[2]
    assert (march.expenses, march.net) == (Decimal("1250.50"), Decimal("-350.50"))
    assert march.expenses_by_category == {"Repairs": Decimal("1250.50")}
    assert pane.pnl.model.rows[-1].net == Decimal("1449.50")  # the year: 2,700 - 1,250.50
    assert pane.pnl.categories.rows == [("Repairs", Decimal("1250.50"))]
    series = pane.pnl.chart.series()
    bars = next(s for s in series if isinstance(s, QBarSeries))
    line = next(s for s in series if isinstance(s, QLineSeries))
    assert [b.label() for b in bars.barSets()] == ["Income", "Expenses"]
    assert bars.barSets()[1].at(2) == pytest.approx(1250.5)
    assert line.at(2).y() == pytest.approx(-350.5)


def test_void_with_a_reason_then_undo(window: MainWindow, book: Flow41, db: Any,
                                      actor: Actor, monkeypatch: pytest.MonkeyPatch,
                                      qtbot: QtBot) -> None:
    made = expenses.add_expense(db, actor, build(
        ExpenseCreate, property_id=book.property_id, spent_on="2026-03-02",
        payee="Austin Energy", category="Utilities", amount="80.00", status="due"))
    monkeypatch.setattr(Editing, "ask_text", lambda self, title, label: "Entered twice")
    pane = open_books(window)
    assert pane.expenses.paid_button.isEnabled()
    pane.expenses.view.setFocus()
    qtbot.keyClick(pane.expenses.view, Qt.Key.Key_Delete)
    settle(window)
    [row] = pane.expenses.model.rows
    assert row.expense.voided_on == DAY and row.expense.void_reason == "Entered twice"
    index = pane.expenses.model.index(0, 0)
    assert pane.expenses.model.data(index, FOREGROUND) == VOID_GREY
    assert pane.expenses.model.data(index, FONT).strikeOut()
    assert "1 voided (not counted)" in pane.expenses.total.text()
    assert not pane.expenses.edit_button.isEnabled()
    assert window.ctx.undo_stack.undoText() == "Void expense to Austin Energy"
    window.ctx.undo_stack.undo()
    settle(window)
    settle(window)
    [row] = pane.expenses.model.rows
    assert row.id == made.id and row.expense.voided_on is None
    click(qtbot, pane.expenses.paid_button)
    settle(window)
    assert pane.expenses.model.rows[0].expense.status == "paid"


def test_filters_and_receipt(window: MainWindow, book: Flow41, db: Any, actor: Actor,
                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for day, payee, category in (("2026-01-05", "Costco", "Supplies"),
                                 ("2026-02-05", "Austin Energy", "Utilities")):
        expenses.add_expense(db, actor, build(
            ExpenseCreate, property_id=book.property_id, spent_on=day, payee=payee,
            category=category, amount="10"))
    pane = open_books(window)
    tab = pane.expenses
    assert [r.expense.payee for r in tab.model.rows] == ["Austin Energy", "Costco"]
    tab.category.setCurrentIndex(tab.category.findData("Supplies"))
    settle(window)
    assert [r.expense.payee for r in tab.model.rows] == ["Costco"]
    tab.category.setCurrentIndex(0)
    tab.search.setText("energy")
    settle(window)
    assert [r.expense.payee for r in tab.model.rows] == ["Austin Energy"]
    tab.search.setText("nothing like it")
    settle(window)
    assert tab.stack.currentWidget() is tab.empty
    assert tab.empty.text() == "No expense matches these filters."
    tab.search.setText("")
    settle(window)
    tab.start.set_value(date(2026, 3, 1))  # From after To: said, the list as it was
    tab.end.set_value(date(2026, 1, 1))
    settle(window)
    assert tab.message.text() == "To: must not be before the From date"
    tab.start.set_value(None)
    tab.end.set_value(None)
    settle(window)
    assert len(tab.model.rows) == 2
    receipt = tmp_path / "bill.pdf"
    receipt.write_bytes(b"%PDF-1.4 a receipt")
    monkeypatch.setattr(type(tab), "choose_receipt", lambda self: str(receipt))
    tab.view.selectRow(0)
    tab.attach()
    settle(window)
    assert tab.current() is not None and tab.current().document_name == "bill.pdf"
    opened: list[tuple[Path, str]] = []
    monkeypatch.setattr(BooksPane, "show_file",
                        lambda self, path, name, parent=None: opened.append((path, name)))
    assert tab.open_button.isEnabled()
    tab.open_receipt()
    settle(window)
    assert opened and opened[0][0].read_bytes() == b"%PDF-1.4 a receipt"


def test_a_bill_posted_from_the_bills_tab(window: MainWindow, book: Flow41, qtbot: QtBot,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def new_bill(dialog: BillDialog) -> None:
        type_into(qtbot, dialog.payee, "Lamar Holdings")
        dialog.category.setCurrentIndex(dialog.category.findData("Rent paid (master lease)"))
        type_into(qtbot, dialog.amount, "2150")
        dialog.starts_on.set_value(date(2026, 1, 1))
        dialog.autopay.setChecked(True)
        click(qtbot, dialog.save_button)

    def post(dialog: PostBillsDialog) -> None:
        dialog.through.set_value(date(2026, 3, 31))
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(new_bill).then(post)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = open_books(window, "bills")
    click(qtbot, pane.bills.add_button)
    settle(window)
    assert [b.payee for b in pane.bills.model.rows] == ["Lamar Holdings"]
    click(qtbot, pane.bills.post_button)
    settle(window)
    assert pane.bills.message.text() == "Posted 3 expenses through 2026-03-31."
    assert pane.bills.model.rows[0].last_period == "2026-03"
    pane.show_view("expenses")
    settle(window)
    assert [r.expense.source for r in pane.expenses.model.rows] == ["recurring"] * 3
    pane.show_view("schedule-e")
    settle(window)
    model = pane.schedule_e.model
    assert model is not None
    lines = {r.line: r.amounts for r in model.rows}
    assert lines["19"] == [Decimal("6450.00")] and lines["3"] == [Decimal("2700.00")]
    assert lines["21"] == [Decimal("-3750.00")]


def test_export_csv(window: MainWindow, book: Flow41, tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "pnl.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    pane = open_books(window, "pnl")
    pane.pnl.csv_button.click()
    settle(window)
    text = target.read_text("utf-8-sig")
    assert "Downtown Loft,2026-03,900.00,0.00,0.00,0.00,0.00,900.00,0.00,900.00" in text


def test_staff_never_see_the_books(window: MainWindow, ctx: Any, db: Any, actor: Actor
                                   ) -> None:
    from coliv_desktop.services.databases import OpenedDatabase

    staff = Actor(actor.user_id, actor.operator_id, "Sam", "staff")
    ctx.set_database(OpenedDatabase(db, staff, "USD", "en_US"))
    ctx.tasks.wait_idle()
    assert not window.pane_actions["books"].isEnabled()
    window.show_pane("books")
    ctx.tasks.wait_idle()
    assert window.current_pane == "dashboard"


def test_categories_dialog(window: MainWindow, book: Flow41, qtbot: QtBot,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.ui.books.categories import CategoriesDialog
    from coliv_desktop.ui.books.dialogs import CategoryDialog

    answers = iter(["Pest and vermin", "line 14"])
    monkeypatch.setattr(Editing, "ask_text", lambda self, title, label: next(answers))

    def new(dialog: CategoryDialog) -> None:
        type_into(qtbot, dialog.name, "Pest control")
        type_into(qtbot, dialog.line, "40")
        click(qtbot, dialog.save_button)
        assert dialog.fields.error("schedule_e_line")  # 5 to 19 only
        type_into(qtbot, dialog.line, "7")
        click(qtbot, dialog.save_button)

    def manage(dialog: CategoriesDialog) -> None:
        settle(window)
        assert dialog.model.rows[0].name == "Advertising"
        click(qtbot, dialog.add_button)
        settle(window)
        assert dialog.view.select_where(lambda c: c.name == "Pest control")
        row = dialog.current()
        assert row is not None and row.schedule_e_line == "7"
        click(qtbot, dialog.rename_button)
        settle(window)
        click(qtbot, dialog.line_button)
        settle(window)
        row = dialog.current()
        assert row is not None and (row.name, row.schedule_e_line) == ("Pest and vermin", "14")
        click(qtbot, dialog.archive_button)
        settle(window)
        assert "Pest and vermin" not in [c.name for c in dialog.model.rows]
        dialog.accept()

    # the categories dialog first; its New… opens the category form inside it
    driver = DialogDriver(qtbot).then(manage).then(new)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = open_books(window)
    click(qtbot, pane.expenses.category_button)
    settle(window)
    assert "Pest and vermin" not in [pane.expenses.category.itemData(i)
                                     for i in range(pane.expenses.category.count())]


def test_an_edit_is_undone(window: MainWindow, book: Flow41, db: Any, actor: Actor,
                           qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    expenses.add_expense(db, actor, build(
        ExpenseCreate, property_id=book.property_id, spent_on="2026-03-02",
        payee="Austin Energy", category="Utilities", amount="80.00",
        room_id=book.rooms["3A-B"]))

    def edit(dialog: ExpenseDialog) -> None:
        assert dialog.place.currentText() == "    Room 3A-B"
        type_into(qtbot, dialog.amount, "95.25")
        dialog.place.setCurrentIndex(0)  # the whole property
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(edit)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = open_books(window)
    click(qtbot, pane.expenses.edit_button)
    settle(window)
    [row] = pane.expenses.model.rows
    assert row.expense.amount == Decimal("95.25") and row.expense.room_id is None
    window.ctx.undo_stack.undo()
    settle(window)
    settle(window)
    [row] = pane.expenses.model.rows
    assert row.expense.amount == Decimal("80.00") and row.expense.room_id == book.rooms["3A-B"]
