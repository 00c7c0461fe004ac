"""Edit ▸ Go To… (Ctrl+K): type, choose with the arrows, Enter opens it."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from coliv_desktop.ui.shell.main_window import MainWindow
from coliv_desktop.ui.shell.quick_find import QuickFind
from tests.builders import flow_41, lease, tenant
from tests.ui.helpers import menu_action, settle


def _results(dialog: QuickFind) -> list[tuple[str, str]]:
    return [(f.kind, f.label) for f in dialog.model.rows]


def test_go_to_a_tenant_and_to_a_room_from_the_keyboard(qtbot: QtBot,
                                                        window: MainWindow) -> None:
    ctx = window.ctx
    flow = flow_41(ctx.db, ctx.actor)
    tom = tenant(ctx.db, ctx.actor, "Tom", "Becker")
    lease(ctx.db, ctx.actor, flow.rooms["3B-D"], tom, date(2025, 12, 1))
    assert menu_action(window, "go_to").shortcut().toString() == "Ctrl+K"
    menu_action(window, "go_to").trigger()
    dialog: QuickFind = window.quick_find_dialog
    qtbot.keyClicks(dialog.search, "becker")
    qtbot.waitUntil(lambda: bool(dialog.model.rows), timeout=5000)
    assert _results(dialog) == [("Tenant", "Tom Becker"), ("Room", "Downtown Loft · 3B-D")]
    assert dialog.model.rows[1].detail == "Tom Becker"
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    settle(window)
    assert window.current_pane == "tenants" and not dialog.isVisible()
    record: Any = window.pane("tenants")
    qtbot.waitUntil(lambda: record.view.current_row() is not None
                    and record.view.current_row().id == tom, timeout=5000)

    menu_action(window, "go_to").trigger()
    dialog = window.quick_find_dialog
    qtbot.keyClicks(dialog.search, "becker")
    qtbot.waitUntil(lambda: len(dialog.model.rows) == 2, timeout=5000)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # the arrows move through the results
    assert dialog.view.current_row().kind == "Room"
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    settle(window)
    assert window.current_pane == "tree"

    menu_action(window, "go_to").trigger()
    dialog = window.quick_find_dialog
    qtbot.keyClicks(dialog.search, "loft")
    qtbot.waitUntil(lambda: bool(dialog.model.rows), timeout=5000)
    assert _results(dialog)[0] == ("Property", "Downtown Loft")
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "nobody-by-that-name")
    qtbot.waitUntil(lambda: "Nothing matches" in dialog.note.text(), timeout=5000)
    assert dialog.model.rows == []
    dialog.reject()


def test_enter_before_the_results_opens_the_first_when_they_come(
        qtbot: QtBot, window: MainWindow) -> None:
    ctx = window.ctx
    flow_41(ctx.db, ctx.actor)
    sarah = tenant(ctx.db, ctx.actor, "Sarah", "Okafor")
    dialog = window.quick_find()
    qtbot.keyClicks(dialog.search, "okafor")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # at once, before the search ran
    qtbot.waitUntil(lambda: window.current_pane == "tenants", timeout=5000)
    record: Any = window.pane("tenants")
    qtbot.waitUntil(lambda: record.view.current_row() is not None
                    and record.view.current_row().id == sarah, timeout=5000)
