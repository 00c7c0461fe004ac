"""Forms save and look up in the background (issue 11): the Save button is off and the dialog
stays while a save runs; a look-up superseded by a later one is dropped; a dialog closed
before its look-up returns is left alone."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from coliv_desktop.schemas import build
from coliv_desktop.schemas.portfolio import RoomOut, RoomUpdate
from coliv_desktop.services import leasing, portfolio
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.leases.dialogs import LeaseDialog
from tests.builders import flow_41, lease, tenant


class HeldRentDialog(FormDialog):
    """A rent editor whose save waits until the test lets it finish."""

    def __init__(self, ctx: AppContext, room_id: uuid.UUID) -> None:
        super().__init__("Edit rent", runner=ctx)
        self.ctx = ctx
        self.room_id = room_id
        self.release = threading.Event()
        self.save_thread: str | None = None
        self.rent = QLineEdit()
        self.fields.add("rent_amount", "Rent", self.rent)
        self.finish_layout()

    def build_input(self) -> RoomUpdate:
        return build(RoomUpdate, rent_amount=self.rent.text())

    def save(self, data: RoomUpdate) -> RoomOut:
        self.save_thread = threading.current_thread().name
        assert self.release.wait(10)
        return portfolio.update_room(self.ctx.db, self.ctx.actor, self.room_id, data)


def test_the_save_button_is_off_and_the_dialog_stays_while_a_save_runs(
        qtbot: QtBot, ctx: AppContext) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    dialog = HeldRentDialog(ctx, flow.rooms["3B-A"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.rent, "950")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    try:
        assert dialog.saving
        assert not dialog.save_button.isEnabled() and not dialog.buttons.isEnabled()
        assert dialog.cursor().shape() == Qt.CursorShape.BusyCursor
        dialog.reject()  # Cancel
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc
        dialog.close()  # the window's close button
        qtbot.wait(50)
        assert dialog.isVisible() and dialog.result() == 0
        dialog.submit()  # Enter again: one save at a time
    finally:
        dialog.release.set()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=10000)
    assert dialog.result() == FormDialog.DialogCode.Accepted and not dialog.isVisible()
    assert dialog.save_thread != threading.main_thread().name  # saved in a worker
    assert dialog.saved.rent_amount == Decimal("950.00")
    assert dialog.save_button.isEnabled()
    assert portfolio.get_room(ctx.db, ctx.actor,
                              flow.rooms["3B-A"]).rent_amount == Decimal("950.00")


def test_a_refused_save_gives_the_buttons_back(qtbot: QtBot, ctx: AppContext) -> None:
    flow_41(ctx.db, ctx.actor)
    dialog = HeldRentDialog(ctx, uuid.uuid4())  # a room deleted since, say
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.release.set()
    dialog.rent.setText("950")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.saving, timeout=10000)
    assert "room" in dialog.banner.text() and dialog.isVisible() and dialog.saved is None
    assert dialog.save_button.isEnabled()
    assert dialog.cursor().shape() != Qt.CursorShape.BusyCursor


def test_free_rooms_for_dates_changed_since_are_dropped(
        qtbot: QtBot, ctx: AppContext, monkeypatch: Any) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    day = today()
    lease(ctx.db, ctx.actor, flow.rooms["3B-A"], tenant(ctx.db, ctx.actor, "Sarah"), day,
          day + timedelta(days=60))
    later = day + timedelta(days=61)  # 3B-A is free from then
    real = leasing.free_rooms

    def slow_for_later(db: Any, actor: Any, start: date, end: date | None) -> Any:
        if start == later:  # the first answer comes back last
            time.sleep(0.4)
        return real(db, actor, start, end)

    monkeypatch.setattr(leasing, "free_rooms", slow_for_later)
    dialog = LeaseDialog(ctx, tenant_id=tenant(ctx.db, ctx.actor, "Mike", "Chen"))
    qtbot.addWidget(dialog)
    ctx.tasks.wait_idle()
    dialog.lease_start.set_value(later)  # asks for the rooms free from then ...
    dialog.lease_start.set_value(day)  # ... and at once for today again
    assert not dialog.room_id.isEnabled()
    ctx.tasks.wait_idle()
    labels = [dialog.room_id.itemText(i) for i in range(dialog.room_id.count())]
    assert len(labels) == 6 and not any("3B-A" in text for text in labels)
    assert dialog.room_id.isEnabled()


def test_a_dialog_closed_before_its_look_ups_return_is_left_alone(
        qtbot: QtBot, ctx: AppContext) -> None:
    flow_41(ctx.db, ctx.actor)
    dialog = LeaseDialog(ctx)
    dialog.deleteLater()  # closed at once: tenants and rooms are still being looked up
    qtbot.wait(10)
    assert ctx.tasks.wait_idle()  # their answers find no dialog, and nothing breaks
