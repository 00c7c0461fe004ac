"""The ledger pane's tools driven as an operator would: a utility bill split and posted with
its notices, the reminders outbox (copy, print, mark handled), late fee rules per property."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QTableWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.services import late_fees, leasing, ledger, reminders, rent_run, utilities
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.ledger.dialogs import UNDONE
from coliv_desktop.ui.ledger.late_fees import LateFeeRuleDialog, LateFeesDialog
from coliv_desktop.ui.ledger.pane import LedgerPane
from coliv_desktop.ui.ledger.utilities import UtilityBillDialog
from tests.builders import Flow41, flow_41, lease, tenant
from tests.ui.helpers import click, type_into, wait_saved


def button(pane: QWidget, name: str) -> QPushButton:
    found = pane.findChild(QPushButton, name)
    assert isinstance(found, QPushButton), name
    return found


def settle(ctx: AppContext, qtbot: QtBot) -> None:
    for _ in range(3):
        assert ctx.tasks.wait_idle()
        qtbot.wait(10)


@pytest.fixture
def flow(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> Flow41:
    monkeypatch.setenv("COLIV_TODAY", "2026-01-10")
    made = flow_41(ctx.db, ctx.actor)
    lease(ctx.db, ctx.actor, made.rooms["3B-A"], tenant(ctx.db, ctx.actor, "Sarah"),
          date(2025, 6, 1))
    lease(ctx.db, ctx.actor, made.rooms["3B-B"], tenant(ctx.db, ctx.actor, "Mike"),
          date(2025, 12, 16))
    return made


@pytest.fixture
def pane(ctx: AppContext, qtbot: QtBot, flow: Flow41) -> LedgerPane:
    widget = LedgerPane(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    settle(ctx, qtbot)
    return widget


def test_utility_bill_split_previewed_then_posted_with_notices(
        pane: LedgerPane, ctx: AppContext, qtbot: QtBot, flow: Flow41) -> None:
    click(qtbot, button(pane, "utility_bill"))
    dialogs = pane.findChildren(UtilityBillDialog)
    assert len(dialogs) == 1 and pane.tabs.currentWidget() is pane.utilities
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    settle(ctx, qtbot)  # properties, units and rooms come from the background
    assert dialog.property_id.currentText() == "Downtown Loft"
    assert (dialog.period_start.value(), dialog.period_end.value()) == (
        date(2025, 12, 1), date(2025, 12, 31))  # last month, by default
    dialog.unit_id.setCurrentIndex(dialog.unit_id.findData(str(flow.unit_3b)))
    type_into(qtbot, dialog.provider, "Austin Energy")
    type_into(qtbot, dialog.amount, "265.00")
    dialog.rule.setCurrentIndex(dialog.rule.findData("by_size"))
    qtbot.wait(250)
    settle(ctx, qtbot)
    assert dialog.summary.text().startswith(
        "2 tenants pay $105.97, the operator carries $159.03: $265.00 in all")
    shares = {r.tenant: r.amount for r in dialog.shares.rows}
    assert shares == {"Sarah Tester": D("75.00"), "Mike Tester": D("30.97"),
                      "Operator (vacant)": D("159.03")}
    dialog.share_list.selectRow(1)
    assert "Mike Tester lived there 16 of 31 days" in dialog.working.text()
    # fixed percentages: typed per room, checked to add up to 100
    dialog.rule.setCurrentIndex(dialog.rule.findData("percentages"))
    assert not dialog.percentages.isHidden()
    for row, value in enumerate(["40", "20", "20", "10"]):
        dialog.percentages.setItem(row, 1, QTableWidgetItem(value))
    qtbot.wait(250)
    settle(ctx, qtbot)
    assert "add up to 90, not 100" in dialog.summary.text() and dialog.shares.rowCount() == 0
    dialog.percentages.setItem(3, 1, QTableWidgetItem("20"))
    qtbot.wait(250)
    settle(ctx, qtbot)
    assert {r.tenant: r.amount for r in dialog.shares.rows}["Sarah Tester"] == D("106.00")
    click(qtbot, dialog.save_button)
    settle(ctx, qtbot)
    assert dialog.result() == dialog.DialogCode.Accepted
    notices = pane.utilities.property("last_preview")
    assert isinstance(notices, PdfPreview) and notices.page_count == 2
    assert [r.provider for r in pane.utilities.model.rows] == ["Austin Energy"]
    (bill,) = utilities.list_bills(ctx.db, ctx.actor)
    assert bill.amount == D("265.00") and bill.rule == "percentages"
    charges = [c for c in ledger.lease_ledger(ctx.db, ctx.actor, ledger_lease(ctx, "Sarah")).charges
               if c.kind == "utility"]
    assert [c.amount for c in charges] == [D("106.00")]
    # posted by mistake: Ctrl+Z voids every share; Ctrl+Shift+Z posts the bill again
    assert ctx.undo_stack.undoText() == "Austin Energy bill of $265.00"
    ctx.undo_stack.undo()
    settle(ctx, qtbot)
    assert [b.voided for b in utilities.list_bills(ctx.db, ctx.actor)] == [True]
    assert [r.voided for r in pane.utilities.model.rows] == [True]
    ctx.undo_stack.redo()
    settle(ctx, qtbot)
    assert sorted(b.voided for b in utilities.list_bills(ctx.db, ctx.actor)) == [False, True]
    # Mike moved out on Dec 20, recorded late: Split again gives him less, Sarah more
    leasing.end_lease(ctx.db, ctx.actor, ledger_lease(ctx, "Mike"), date(2025, 12, 20))
    asked: list[str] = []
    pane.utilities.confirm = (  # type: ignore[method-assign]
        lambda title, text: asked.append(text) or True)
    assert pane.utilities.view.select_where(lambda r: not r.voided)
    click(qtbot, button(pane.utilities, "resplit_bill"))
    settle(ctx, qtbot)
    assert "Mike Tester: $" in asked[0] and "Void its shares" in asked[0]
    assert sorted(b.voided for b in utilities.list_bills(ctx.db, ctx.actor)) == [False, True, True]
    # and a bill found wrong later: Void bill…, with the reason
    pane.utilities.ask_reason = lambda row: "the meter was misread"  # type: ignore[method-assign]
    assert pane.utilities.view.select_where(lambda r: not r.voided)
    click(qtbot, button(pane.utilities, "void_bill"))
    settle(ctx, qtbot)
    assert [b.voided for b in utilities.list_bills(ctx.db, ctx.actor)] == [True, True, True]
    sarah = ledger.lease_ledger(ctx.db, ctx.actor, ledger_lease(ctx, "Sarah"))
    assert {c.void_reason for c in sarah.charges if c.kind == "utility"} == {
        f"Bill voided: {UNDONE}", "Bill split again after lease changes",
        "Bill voided: the meter was misread"}


def ledger_lease(ctx: AppContext, first: str) -> uuid.UUID:
    return next(r.id for r in leasing.list_leases(ctx.db,
                                                  ctx.actor) if r.tenant_name.startswith(first))


def test_reminders_outbox_copy_print_and_mark_handled(
        pane: LedgerPane, ctx: AppContext, qtbot: QtBot, tmp_path: Path) -> None:
    rent_run.run_rent(ctx.db, ctx.actor, date(2026, 1, 10))
    ledger.record_payment(ctx.db, ctx.actor, build(  # Sarah is paid up, Mike is not
        PaymentCreate, lease_id=ledger_lease(ctx, "Sarah"), amount="7200",
        received_on="2026-01-02", method="bank_transfer"))
    pane.tabs.setCurrentWidget(pane.reminders)
    settle(ctx, qtbot)
    view = pane.reminders
    assert view.summary.text() == "Nothing waiting to go out."
    click(qtbot, view.refresh_button)
    settle(ctx, qtbot)
    rows = view.model.rows
    assert [(r.tenant, r.kind) for r in rows] == [("Mike Tester", "overdue"),
                                                  ("Mike Tester", "overdue")]
    view.view.selectRow(0)
    assert "Dear Mike," in view.text.toPlainText()
    copied = view.copy_text()
    assert QApplication.clipboard().text() == copied and "Overdue: Rent December 2025" in copied
    settle(ctx, qtbot)
    assert len(view.model.rows) == 1
    # print the rest as letters: marked printed once saved from the preview
    click(qtbot, view.print_button)
    settle(ctx, qtbot)
    letters = view.property("last_preview")
    assert isinstance(letters, PdfPreview) and letters.page_count == 1
    assert [r.status for r in reminders.list_outbox(ctx.db, ctx.actor, None)].count("pending") == 1
    letters.save_as(str(tmp_path / "letters.pdf"))
    settle(ctx, qtbot)
    assert view.model.rows == [] and view.summary.text() == "Nothing waiting to go out."
    view.show_box.setCurrentIndex(view.show_box.findData("handled"))
    settle(ctx, qtbot)
    assert sorted(r.status for r in view.model.rows) == ["copied", "printed"]


def test_late_fee_rules_per_property(pane: LedgerPane, ctx: AppContext, qtbot: QtBot,
                                     flow: Flow41) -> None:
    click(qtbot, button(pane, "late_fee_rules"))
    (rules,) = pane.findChildren(LateFeesDialog)
    qtbot.addWidget(rules)
    ctx.tasks.wait_idle()  # the rules are read in the background
    assert "Operator default: no late fee" in rules.default.text()
    assert [(r.property_name, r.own) for r in rules.model.rows] == [("Downtown Loft", False)]
    rules.view.selectRow(0)
    editor = rules.edit()
    assert isinstance(editor, LateFeeRuleDialog)
    qtbot.addWidget(editor)
    ctx.tasks.wait_idle()
    assert editor.use_default.text() == "Follow the operator default: no late fee"
    assert editor.use_default.isChecked() and not editor.mode.isEnabled()
    click(qtbot, editor.use_default)
    editor.mode.setCurrentIndex(editor.mode.findData("percent"))
    type_into(qtbot, editor.percent, "150")
    click(qtbot, editor.save_button)
    assert "100" in editor.fields.error("percent")
    type_into(qtbot, editor.percent, "10")
    type_into(qtbot, editor.cap, "60")
    click(qtbot, editor.save_button)
    assert editor.result() == editor.DialogCode.Accepted
    rule = late_fees.effective_rule(ctx.db, ctx.actor, flow.property_id)
    assert (rule.mode, rule.percent, rule.cap) == ("percent", D("10"), D("60.00"))
    ctx.tasks.wait_idle()  # the list, read again
    assert rules.model.rows[0].own
    rules.view.selectRow(0)
    again = rules.edit()
    assert isinstance(again, LateFeeRuleDialog)
    qtbot.addWidget(again)
    ctx.tasks.wait_idle()
    click(qtbot, again.use_default)
    qtbot.keyClick(again.save_button, Qt.Key.Key_Space)
    wait_saved(qtbot, again)
    assert late_fees.effective_rule(ctx.db, ctx.actor, flow.property_id).property_id is None
    ctx.tasks.wait_idle()
    assert not rules.model.rows[0].own


def test_utility_bill_from_the_unit_overview(qtbot: QtBot, window: object, ctx: AppContext,
                                             flow: Flow41) -> None:
    from coliv_desktop.ui.portfolio.pane import PortfolioPane
    from coliv_desktop.ui.shell.main_window import MainWindow

    assert isinstance(window, MainWindow)
    ctx.bus.portfolio_changed.emit()
    settle(ctx, qtbot)
    assert window.tree.select(flow.unit_3b)
    settle(ctx, qtbot)
    overview = window.pane("tree")
    assert isinstance(overview, PortfolioPane)
    click(qtbot, overview.overview.bill_button)
    settle(ctx, qtbot)  # the unit is read in a worker, then the dialog opens
    dialog = overview.property("bill_dialog")
    assert isinstance(dialog, UtilityBillDialog)
    qtbot.addWidget(dialog)
    settle(ctx, qtbot)
    assert dialog.unit_id.currentData() == str(flow.unit_3b)
    assert [r.label for r in dialog.rooms] == ["3B-A", "3B-B", "3B-C", "3B-D"]
