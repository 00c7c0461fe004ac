"""Lease edits through the window, undone with Ctrl+Z: move-out (with the rent it reversed),
renewal and cancellation; the deposit settled from the move-out flow, with its letter."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import PaymentCreate
from coliv_desktop.services import deposits, leasing, ledger, rent_run
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.leases.dialogs import (
    MoveOutDialog,
    RenewDialog,
    ReopenDialog,
    TransferDialog,
)
from coliv_desktop.ui.leases.pane import LeasesPane
from coliv_desktop.ui.ledger.deposit import DepositDialog
from coliv_desktop.ui.shell.actions import Editing
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import flow_41, lease, tenant
from tests.ui.helpers import DialogDriver, click, settle, type_into

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


class Driver(DialogDriver):
    """Like a window manager, gives the main window back its activation when a dialog closes
    (keyboard shortcuts such as Ctrl+Z go to the active window)."""

    def __call__(self, dialog: QDialog) -> int:
        result = super().__call__(dialog)
        parent = dialog.parentWidget()
        if parent is not None and parent.window().isVisible():
            parent.window().activateWindow()
            self.qtbot.waitUntil(parent.window().isActiveWindow, timeout=2000)
        return result


@pytest.fixture
def sarah(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> uuid.UUID:
    monkeypatch.setenv("COLIV_TODAY", "2026-01-20")
    db, actor = window.ctx.db, window.ctx.actor
    flow = flow_41(db, actor)
    made = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 12, 1),
                 date(2026, 5, 31), deposit_amount="900")
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=made.id, amount="1800",
                                           received_on="2025-12-01", method="cash"))
    rent_run.run_rent(db, actor, date(2026, 1, 20))
    window.ctx.bus.leases_changed.emit()
    return made.id


def leases_pane(window: MainWindow, lease_id: uuid.UUID, status: str = "all") -> LeasesPane:
    window.show_pane("leases")
    settle(window)
    pane = window.pane("leases")
    assert isinstance(pane, LeasesPane)
    pane.status.setCurrentIndex(pane.status.findData(status))
    settle(window)
    assert pane.view.select_where(lambda r: r.id == lease_id)
    return pane


def move_out_on(qtbot: QtBot, day: str, settle_deposit: bool) -> Any:
    def handler(dialog: MoveOutDialog) -> None:
        assert dialog.settle_deposit.isChecked()  # the lease has a deposit: offered by default
        dialog.move_out_date.set_value(date.fromisoformat(day))  # picked in the calendar
        if not settle_deposit:
            click(qtbot, dialog.settle_deposit)
        click(qtbot, dialog.save_button)
    return handler


def test_ctrl_z_after_a_move_out_restores_the_lease_and_the_balance(
        qtbot: QtBot, window: MainWindow, sarah: uuid.UUID,
        monkeypatch: pytest.MonkeyPatch) -> None:
    db = window.ctx.db
    actor = window.ctx.actor
    assert ledger.lease_ledger(db, actor, sarah).balance == D("900.00")  # January
    driver = Driver(qtbot).then(move_out_on(qtbot, "2025-12-20", settle_deposit=False))
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = leases_pane(window, sarah)
    click(qtbot, pane.move_out_button)
    settle(window)
    ended = leasing.get_lease(db, actor, sarah)
    assert (ended.status, ended.lease_end) == ("ended", date(2025, 12, 20))
    assert ledger.lease_ledger(db, actor, sarah).balance == D("-319.35")  # December re-prorated
    assert window.undo_action.text() == "&Undo Move-out of Sarah Tester"
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    settle(window)
    reopened = leasing.get_lease(db, actor, sarah)
    assert (reopened.status, reopened.lease_end) == ("active", date(2026, 5, 31))
    assert ledger.lease_ledger(db, actor, sarah).balance == D("900.00")
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    settle(window)
    assert leasing.get_lease(db, actor, sarah).status == "ended"
    assert ledger.lease_ledger(db, actor, sarah).balance == D("-319.35")


def test_move_out_then_settle_the_deposit_and_print_the_letter(
        qtbot: QtBot, window: MainWindow, sarah: uuid.UUID,
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, str] = {}

    def settle_it(dialog: DepositDialog) -> None:
        click(qtbot, dialog.add_button)
        dialog.deductions.item(0, 0).setText("Carpet cleaning")
        dialog.deductions.item(0, 1).setText("12.345")
        click(qtbot, dialog.save_button)  # three decimals: refused, shown on the row
        seen["error"] = dialog.grid_error.text()
        dialog.deductions.item(0, 1).setText("120")
        window.ctx.tasks.wait_idle()
        qtbot.wait(20)
        seen["preview"] = dialog.preview.text()
        click(qtbot, dialog.save_button)

    driver = (Driver(qtbot).then(move_out_on(qtbot, "2025-12-20", settle_deposit=True))
              .then(settle_it))
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = leases_pane(window, sarah)
    click(qtbot, pane.move_out_button)
    settle(window)
    assert "Deduction 1, amount" in seen["error"] and "two decimal places" in seen["error"]
    assert "Carpet cleaning: $120.00" in seen["preview"]
    assert "Refund to the tenant: $1,099.35" in seen["preview"]
    done = deposits.get_disposition(window.ctx.db, window.ctx.actor, sarah)
    assert done is not None and done.total_refund == D("1099.35")
    letter = window.property("last_preview")
    assert isinstance(letter, PdfPreview) and letter.page_count == 1
    assert letter.windowTitle() == "Deposit disposition letter"
    letter.reject()  # Close
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    # Ctrl+Z right after takes the settlement back (the deposit is held again); redo
    # settles it again the same way
    held = ledger.lease_ledger(window.ctx.db, window.ctx.actor, sarah).deposit_held
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    settle(window)
    assert deposits.get_disposition(window.ctx.db, window.ctx.actor, sarah) is None
    assert ledger.lease_ledger(window.ctx.db, window.ctx.actor, sarah).deposit_held > held
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    settle(window)
    again = deposits.get_disposition(window.ctx.db, window.ctx.actor, sarah)
    assert again is not None and again.total_refund == D("1099.35")
    # the Leases pane's Deposit… on a settled deposit: the letter again, or a reversal
    from coliv_desktop.ui.ledger import deposit as deposit_ui

    choices = iter(["letter", "reverse"])
    monkeypatch.setattr(deposit_ui, "ask_settled_action", lambda *_: next(choices))
    monkeypatch.setattr(deposit_ui, "ask_reverse_reason", lambda *_: "wrong deduction")
    pane = leases_pane(window, sarah)
    window.setProperty("last_preview", None)
    pane.setProperty("last_preview", None)
    assert pane.deposit_button.isEnabled()
    click(qtbot, pane.deposit_button)
    settle(window)
    assert isinstance(pane.property("last_preview"), PdfPreview)
    pane.property("last_preview").reject()
    click(qtbot, pane.deposit_button)
    settle(window)
    assert deposits.get_disposition(window.ctx.db, window.ctx.actor, sarah) is None
    book = ledger.lease_ledger(window.ctx.db, window.ctx.actor, sarah)
    assert any(c.void_reason == "Deposit settlement reversed: wrong deduction"
               for c in book.charges)


def test_undo_of_a_renewal_and_of_a_cancellation(qtbot: QtBot, window: MainWindow,
                                                 sarah: uuid.UUID,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = window.ctx.db
    actor = window.ctx.actor

    def renew(dialog: RenewDialog) -> None:
        dialog.new_end.set_value(date(2026, 11, 30))
        type_into(qtbot, dialog.rent_amount, "950")
        click(qtbot, dialog.save_button)

    driver = Driver(qtbot).then(renew)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    monkeypatch.setattr(Editing, "ask_text", lambda self, title, label: "typed in twice")
    pane = leases_pane(window, sarah)
    click(qtbot, pane.renew_button)
    settle(window)
    renewals = [r for r in leasing.list_leases(db, actor) if r.origin == "renewal"]
    assert [(r.lease_start, r.rent_amount) for r in renewals] == [(date(2026, 6, 1), D("950.00"))]
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    settle(window)
    assert leasing.get_lease(db, actor, renewals[0].id).status == "cancelled"
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    settle(window)
    assert leasing.get_lease(db, actor, renewals[0].id).status == "active"
    # cancelling the renewal from the pane, then Ctrl+Z
    pane = leases_pane(window, renewals[0].id)
    click(qtbot, pane.cancel_button)
    settle(window)
    assert leasing.get_lease(db, actor, renewals[0].id).status == "cancelled"
    assert window.undo_action.text() == "&Undo Cancellation of Sarah Tester's lease"
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    settle(window)
    assert leasing.get_lease(db, actor, renewals[0].id).status == "active"


def test_reopen_a_move_out_made_earlier(qtbot: QtBot, window: MainWindow, sarah: uuid.UUID,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    db = window.ctx.db
    actor = window.ctx.actor
    before = ledger.lease_ledger(db, actor, sarah).balance
    leasing.end_lease(db, window.ctx.actor, sarah, date(2025, 12, 20))  # another day, no undo
    window.ctx.bus.leases_changed.emit()
    seen: dict[str, Any] = {}

    def reopen(dialog: ReopenDialog) -> None:
        seen["end"] = dialog.lease_end.value()  # the end before the move-out, from the log
        click(qtbot, dialog.save_button)

    driver = Driver(qtbot).then(reopen)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = leases_pane(window, sarah, "ended")
    assert pane.reopen_button.isEnabled() and not pane.move_out_button.isEnabled()
    click(qtbot, pane.reopen_button)
    settle(window)
    assert seen["end"] == date(2026, 5, 31)
    assert leasing.get_lease(db, actor, sarah).status == "active"
    assert ledger.lease_ledger(db, actor, sarah).balance == before
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    settle(window)
    assert leasing.get_lease(db, actor, sarah).lease_end == date(2025, 12, 20)


def test_transfer_to_another_room_then_undo_and_redo(qtbot: QtBot, window: MainWindow,
                                                     sarah: uuid.UUID,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db = window.ctx.db
    actor = window.ctx.actor
    before = ledger.lease_ledger(db, actor, sarah).balance
    old_room = leasing.get_lease(db, actor, sarah).room_id
    seen: dict[str, Any] = {}

    def transfer(dialog: TransferDialog) -> None:
        rooms = [dialog.room_id.itemText(i) for i in range(dialog.room_id.count())]
        seen["rooms"] = rooms
        dialog.transfer_date.set_value(date(2026, 1, 16))
        index = next(i for i, text in enumerate(rooms) if "3B-B" in text)
        dialog.room_id.setCurrentIndex(index)
        seen["hint"] = dialog.rent_amount.placeholderText()
        click(qtbot, dialog.save_button)

    driver = Driver(qtbot).then(transfer)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = leases_pane(window, sarah)
    assert pane.transfer_button.isEnabled()
    click(qtbot, pane.transfer_button)
    settle(window)
    # the picker offers the free rooms, not the one the tenant is in
    assert not any("3B-A" in text for text in seen["rooms"]) and seen["hint"] == "750.00"
    old = leasing.get_lease(db, actor, sarah)
    assert (old.status, old.lease_end) == ("ended", date(2026, 1, 15))
    (moved,) = [r for r in leasing.list_leases(db, actor) if r.origin == "transfer"]
    assert (moved.lease_start, moved.lease_end, moved.rent_amount, moved.status) == (
        date(2026, 1, 16), date(2026, 5, 31), D("750.00"), "active")
    assert moved.room_id != old_room
    assert window.undo_action.text() == "&Undo Transfer of Sarah Tester"
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    settle(window)
    back = leasing.get_lease(db, actor, sarah)
    assert (back.status, back.lease_end, back.room_id) == ("active", date(2026, 5, 31), old_room)
    assert leasing.get_lease(db, actor, moved.id).status == "cancelled"
    assert ledger.lease_ledger(db, actor, sarah).balance == before
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    settle(window)
    again = [r for r in leasing.list_leases(db, actor)
             if r.origin == "transfer" and r.status == "active"]
    assert [(r.lease_start, r.rent_amount) for r in again] == [(date(2026, 1, 16), D("750.00"))]
    assert leasing.get_lease(db, actor, sarah).status == "ended"
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # undo reaches the lease redo made
    settle(window)
    assert leasing.get_lease(db, actor, sarah).status == "active"


def test_the_lease_agreement_from_the_leases_pane_and_the_lease_tab(
        qtbot: QtBot, window: MainWindow, sarah: uuid.UUID, tmp_path: Any) -> None:
    from pypdf import PdfReader

    from coliv_desktop.ui.ledger.views import LeaseLedgerTab

    pane = leases_pane(window, sarah)
    assert pane.agreement_button.isEnabled()
    click(qtbot, pane.agreement_button)
    settle(window)
    preview = pane.property("last_preview")
    assert isinstance(preview, PdfPreview) and preview.windowTitle() == "Lease agreement"
    saved = preview.save_as(str(tmp_path / "agreement.pdf"))
    assert saved is not None
    text = " ".join(page.extract_text() for page in PdfReader(saved).pages)
    assert "Sarah Tester" in text and "900.00" in text
    preview.reject()
    tab = LeaseLedgerTab(window.ctx, sarah)
    qtbot.addWidget(tab)
    tab.agreement()
    settle(window)
    again = tab.property("last_preview")
    assert isinstance(again, PdfPreview) and again.page_count == preview.page_count
    again.reject()
