"""The ledger pane and dialogs, driven as an operator would (offscreen)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from coliv_desktop.db.engine import Database
from coliv_desktop.services import ledger, printing
from coliv_desktop.services.context import Actor
from coliv_desktop.services.databases import OpenedDatabase
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.ledger.dialogs import UNDONE, RecordPaymentDialog, VoidDialog
from coliv_desktop.ui.ledger.pane import LedgerPane
from coliv_desktop.ui.ledger.views import LeaseLedgerTab
from coliv_desktop.ui.shell import startup
from tests.builders import flow_41, lease, tenant
from tests.services.test_reports import flow_43
from tests.ui.helpers import click


def shown(label: QLabel) -> str:
    """What a (rich text) label shows, with runs of spaces as one."""
    return " ".join(QTextDocumentFragment.fromHtml(label.text()).toPlainText().split())


def settle(ctx: AppContext, qtbot: QtBot) -> None:
    for _ in range(3):  # a task's result may start another task
        assert ctx.tasks.wait_idle()
        qtbot.wait(10)


@pytest.fixture
def pane(ctx: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> LedgerPane:
    monkeypatch.setenv("COLIV_TODAY", "2025-12-01")
    flow_43(ctx.db, ctx.actor)
    widget = LedgerPane(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    settle(ctx, qtbot)
    return widget


def test_pane_lists_entries_with_totals_and_filters(pane: LedgerPane, ctx: AppContext,
                                                    qtbot: QtBot) -> None:
    assert pane.model.rowCount() == 7  # four rent charges, three payments
    assert shown(pane.footer) == (
        "7 entries Charged $3,250.00 Received $2,450.00 Balance owed $800.00")
    pane.status.setCurrentIndex(pane.status.findData("pending"))
    settle(ctx, qtbot)
    assert [pane.model.row(i).tenant_name for i in range(pane.model.rowCount())] == [
        "Tom Tester"]
    pane.status.setCurrentIndex(0)
    qtbot.keyClicks(pane.search, "sarah")
    qtbot.wait(300)
    settle(ctx, qtbot)
    assert pane.model.rowCount() == 2
    pane.tabs.setCurrentWidget(pane.collection)
    pane.collection.month.setDate(pane.collection.month.date().addMonths(0))
    pane.collection.reload()
    settle(ctx, qtbot)
    text = pane.collection.summary.text()
    assert "Collected $2,450.00 / $3,250.00 (75.4%)" in text and "$800.00" in text
    rows = pane.collection.model.rows
    assert [(r.room, r.status) for r in rows][-1] == ("D", "due")
    status = pane.collection.model.column_index("status")
    assert pane.collection.model.index(len(rows) - 1, status).data() == "Due"
    qtbot.keyClicks(pane.collection.filter, "tom")
    assert pane.collection.view.proxy.rowCount() == 1
    pane.collection.filter.clear()
    pane.tabs.setCurrentWidget(pane.reports)
    settle(ctx, qtbot)
    assert pane.reports.model.rowCount() == 1  # Tom owes, nobody else
    pane.reports.choice.setCurrentIndex(2)  # income by property and month, for a chosen year
    settle(ctx, qtbot)
    assert not pane.reports.year.isHidden()
    pane.reports.year.setValue(2025)
    settle(ctx, qtbot)
    assert pane.reports.summary.text() == "Income 2025: $2,450.00"
    pane.reports.year.setValue(2024)
    settle(ctx, qtbot)
    assert pane.reports.summary.text() == "Income 2024: $0.00"


def test_record_payment_shows_the_allocation_then_saves(pane: LedgerPane, ctx: AppContext,
                                                        qtbot: QtBot,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pane.status.setCurrentIndex(pane.status.findData("pending"))
    settle(ctx, qtbot)
    pane.list.selectRow(0)
    dialog = pane.record_payment()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.amount, "1000")
    settle(ctx, qtbot)
    assert "Rent December 2025" in dialog.preview.text()
    assert ("Tom Tester owes $800.00: $200.00 of this $1,000.00 becomes credit."
            in dialog.preview.text())
    asked: list[str] = []
    monkeypatch.setattr(FormDialog, "ask", lambda self, q: asked.append(q) or True)
    with qtbot.waitSignal(ctx.bus.ledger_changed):
        click(qtbot, dialog.save_button)
    assert asked and asked[0].startswith(
        "Tom Tester owes $800.00: $200.00 of this $1,000.00 becomes credit.")
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.saved.receipt_number == 4
    settle(ctx, qtbot)
    assert pane.model.rowCount() == 0  # Tom's December is paid now
    # a payment typed in by mistake: Ctrl+Z (Edit > Undo) voids it, the ledger keeps both
    tom = dialog.saved.lease_id
    assert ctx.undo_stack.undoText() == "Payment of $1,000.00 (receipt No. 000004)"
    ctx.undo_stack.undo()
    settle(ctx, qtbot)
    assert ledger.get_payment(ctx.db, ctx.actor, dialog.saved.id).void_reason == UNDONE
    assert ledger.lease_ledger(ctx.db, ctx.actor, tom).balance == Decimal("800.00")
    assert pane.model.rowCount() == 1  # Tom's December is pending again
    ctx.undo_stack.redo()  # recorded again, as a new payment with its own receipt
    settle(ctx, qtbot)
    assert ledger.lease_ledger(ctx.db, ctx.actor, tom).balance == Decimal("-200.00")
    ctx.undo_stack.undo()
    settle(ctx, qtbot)
    assert ledger.lease_ledger(ctx.db, ctx.actor, tom).balance == Decimal("800.00")


def test_the_tenant_record_shows_what_the_tenant_owes(pane: LedgerPane, ctx: AppContext,
                                                      qtbot: QtBot) -> None:
    from coliv_desktop.services import leasing
    from coliv_desktop.ui.tenants.record import TenantRecord

    record = TenantRecord(ctx)
    qtbot.addWidget(record)
    by_name = {r.tenant_name: r.tenant_id for r in leasing.list_leases(ctx.db, ctx.actor)}
    record.show_tenant(by_name["Tom Tester"])
    settle(ctx, qtbot)
    assert record.balance.text() == "owes $800.00"
    record.show_tenant(by_name["Sarah Tester"])
    settle(ctx, qtbot)
    assert record.balance.text() == "nothing owed"


def test_record_payment_errors_show_next_to_the_field(ctx: AppContext, qtbot: QtBot,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    flow_43(ctx.db, ctx.actor)
    monkeypatch.setattr(FormDialog, "ask", lambda self, question: True)
    dialog = RecordPaymentDialog(ctx)
    qtbot.addWidget(dialog)
    ctx.tasks.wait_idle()  # its look-ups run in the background
    assert dialog.lease.currentIndex() == -1  # nothing selected: no tenant chosen for you
    qtbot.keyClicks(dialog.amount, "12.345")
    click(qtbot, dialog.save_button)
    assert dialog.fields.error("lease_id") == "choose whose payment this is"
    dialog.lease.setCurrentIndex(0)
    click(qtbot, dialog.save_button)
    assert "two decimal places" in dialog.fields.error("amount")
    assert dialog.saved is None
    # a date ahead is said (a post-dated check); years ahead is refused as a typed year
    dialog.amount.setText("100")
    dialog.day.setDate(QDate.currentDate().addDays(20))
    assert dialog.date_note.isVisibleTo(dialog) and "20 days from today" in dialog.date_note.text()
    dialog.day.setDate(QDate.currentDate().addYears(36))
    click(qtbot, dialog.save_button)
    assert "more than a year ahead" in dialog.fields.error("received_on")
    assert dialog.saved is None


def test_a_charge_and_a_credit_by_hand_undone_with_ctrl_z(pane: LedgerPane, ctx: AppContext,
                                                          qtbot: QtBot) -> None:
    pane.status.setCurrentIndex(pane.status.findData("pending"))
    settle(ctx, qtbot)
    pane.list.selectRow(0)  # Tom's December rent
    row = pane.selected()
    assert row is not None
    tom = row.lease_id
    dialog = pane.charge_or_credit()
    qtbot.addWidget(dialog)
    ctx.tasks.wait_idle()  # its look-ups run in the background
    assert dialog.lease.currentData() == str(tom)
    qtbot.keyClicks(dialog.amount, "-5")
    click(qtbot, dialog.save_button)
    assert dialog.saved is None and dialog.fields.error("amount")
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "35")
    qtbot.keyClicks(dialog.description, "Replacement key")
    with qtbot.waitSignal(ctx.bus.ledger_changed):
        click(qtbot, dialog.save_button)
    assert ledger.lease_ledger(ctx.db, ctx.actor, tom).balance == Decimal("835.00")
    assert ctx.undo_stack.undoText() == "Charge of $35.00"

    credit = pane.charge_or_credit()
    qtbot.addWidget(credit)
    ctx.tasks.wait_idle()
    credit.kind.setCurrentIndex(credit.kind.findData("credit"))
    qtbot.keyClicks(credit.amount, "100")
    qtbot.keyClicks(credit.description, "Goodwill: no heating for two days")
    with qtbot.waitSignal(ctx.bus.ledger_changed):
        click(qtbot, credit.save_button)
    assert ledger.lease_ledger(ctx.db, ctx.actor, tom).balance == Decimal("735.00")
    ctx.undo_stack.undo()  # the credit, voided
    settle(ctx, qtbot)
    assert ledger.lease_ledger(ctx.db, ctx.actor, tom).balance == Decimal("835.00")
    ctx.undo_stack.undo()  # the charge, voided
    settle(ctx, qtbot)
    book = ledger.lease_ledger(ctx.db, ctx.actor, tom)
    assert book.balance == Decimal("800.00")
    assert [c.void_reason for c in book.charges if c.description == "Replacement key"] == [
        UNDONE]


def test_receipts_for_every_payment_listed(pane: LedgerPane, ctx: AppContext, qtbot: QtBot,
                                          tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "receipts"
    folder.mkdir()
    monkeypatch.setattr(LedgerPane, "choose_folder", lambda self: str(folder))
    pane.receipts()
    settle(ctx, qtbot)
    assert sorted(p.name for p in folder.iterdir()) == [
        "receipt-000001.pdf", "receipt-000002.pdf", "receipt-000003.pdf"]
    for path in folder.iterdir():
        path.unlink()
    qtbot.keyClicks(pane.search, "mike")  # the filters apply
    qtbot.wait(300)
    settle(ctx, qtbot)
    pane.receipts()
    settle(ctx, qtbot)
    (only,) = folder.iterdir()
    assert "Mike Tester" in PdfReader(only).pages[0].extract_text()


def test_void_with_reason(pane: LedgerPane, ctx: AppContext, qtbot: QtBot) -> None:
    pane.status.setCurrentIndex(pane.status.findData("payment"))
    settle(ctx, qtbot)
    pane.list.selectRow(0)
    row = pane.selected()
    assert row is not None
    dialog = pane.void_selected()
    assert isinstance(dialog, VoidDialog)
    qtbot.addWidget(dialog)
    click(qtbot, dialog.save_button)
    assert "say why" in dialog.fields.error("reason")
    qtbot.keyClicks(dialog.reason, "check bounced")
    click(qtbot, dialog.save_button)
    assert ledger.get_payment(ctx.db, ctx.actor, row.id).void_reason == "check bounced"
    settle(ctx, qtbot)
    # the list shows payments only: what is received now leaves the voided one out
    assert f"Received {ctx.money(Decimal('2450.00') + row.amount)}" in shown(pane.footer)


def test_rent_run_on_open_tells_the_operator(qtbot: QtBot, qsettings: object, db: Database,
                                             actor: Actor, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2025-12-05")
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 12, 1))
    context = AppContext(qsettings)  # type: ignore[arg-type]
    startup.install(context)
    messages: list[str] = []
    context.bus.status_message.connect(messages.append)
    context.set_database(OpenedDatabase(db, actor, "USD", "en_US"))
    qtbot.waitUntil(lambda: bool(messages))  # once the first loads are in and painted
    settle(context, qtbot)
    assert messages and "posted 1 rent charges" in messages[0]
    assert "1 reminders" in messages[0]
    startup.run_rent_on_open(context)
    settle(context, qtbot)
    assert "nothing new to post" in messages[-1]


def test_pdf_preview_and_lease_tab(pane: LedgerPane, ctx: AppContext, qtbot: QtBot,
                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pane.status.setCurrentIndex(pane.status.findData("payment"))
    settle(ctx, qtbot)
    pane.list.selectRow(0)
    row = pane.selected()
    assert row is not None
    path = printing.receipt_pdf(ctx.db, ctx.actor, row.id, tmp_path / "r.pdf")
    preview = PdfPreview(path, "Receipt")
    qtbot.addWidget(preview)
    assert preview.page_count == 1
    copy = preview.save_as(str(tmp_path / "copy.pdf"))
    assert copy is not None and copy.read_bytes() == path.read_bytes()
    tab = LeaseLedgerTab(ctx, row.lease_id)
    qtbot.addWidget(tab)
    tab.reload()
    settle(ctx, qtbot)
    assert tab.model.rowCount() == 2
    assert "Balance $0.00" in tab.balance.text()
    assert Decimal(0) == ledger.lease_ledger(ctx.db, ctx.actor, row.lease_id).balance
    # a statement for a date range the operator picks, as PDF or CSV
    statement = tab.statement()
    qtbot.addWidget(statement)
    ctx.tasks.wait_idle()  # when the account began, looked up in the background
    assert statement.start.value() == date(2025, 12, 1)  # the account's first day
    statement.start.set_value(date(2025, 12, 2))
    statement.end.set_value(date(2025, 12, 1))
    click(qtbot, statement.save_button)
    assert "must end on or after its start" in statement.fields.error("end")
    statement.end.set_value(date(2025, 12, 31))
    click(qtbot, statement.save_button)
    settle(ctx, qtbot)
    shown_pdf = tab.property("last_preview")
    assert isinstance(shown_pdf, PdfPreview) and shown_pdf.windowTitle() == "Statement"
    csv_file = tmp_path / "statement.csv"
    monkeypatch.setattr("coliv_desktop.ui.ledger.dialogs.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(csv_file), ""))
    statement = tab.statement()
    qtbot.addWidget(statement)
    ctx.tasks.wait_idle()
    statement.output.setCurrentIndex(statement.output.findData("csv"))
    click(qtbot, statement.save_button)
    lines = csv_file.read_text("utf-8").splitlines()
    assert lines[0] == "date,description,charge,payment,balance"
    assert lines[1].startswith("2025-12-01,Opening balance") and lines[-1].endswith(",0.00")


def test_window_has_the_ledger_pane_and_a_room_ledger_tab(
    qtbot: QtBot, window: object, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coliv_desktop.ui.portfolio.pane import PortfolioPane
    from coliv_desktop.ui.shell.main_window import MainWindow

    assert isinstance(window, MainWindow)
    monkeypatch.setenv("COLIV_TODAY", "2025-12-01")
    ids = flow_43(ctx.db, ctx.actor)
    ctx.bus.portfolio_changed.emit()
    window.show_pane("ledger")
    settle(ctx, qtbot)
    ledger_pane = window.pane("ledger")
    assert isinstance(ledger_pane, LedgerPane) and ledger_pane.model.rowCount() == 7
    flow = ids["flow"]
    window.tree.select(flow.rooms["3B-D"])  # type: ignore[attr-defined]
    settle(ctx, qtbot)
    room_pane = window.pane("tree")
    assert isinstance(room_pane, PortfolioPane)
    tab = room_pane.findChild(LeaseLedgerTab, "lease_ledger_tab")
    assert tab is not None
    settle(ctx, qtbot)
    assert "Balance $800.00" in tab.balance.text() and tab.model.rowCount() == 1


def test_the_ledger_menu_and_its_shortcut(qtbot: QtBot, window: object, ctx: AppContext,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.ui.shell.main_window import MainWindow

    assert isinstance(window, MainWindow)
    monkeypatch.setenv("COLIV_TODAY", "2025-12-01")
    flow_43(ctx.db, ctx.actor)
    window.show_pane("dashboard")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_M,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    settle(ctx, qtbot)
    assert window.current_pane == "dashboard"  # the dialog opens over where you are
    dialogs = window.findChildren(RecordPaymentDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialogs[0].reject()
