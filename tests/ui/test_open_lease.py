"""A lease opens in its room's record: which room is a look-up, made in a worker."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import flow_41, lease, tenant
from tests.ui.helpers import settle


def test_opening_a_lease_shows_its_room(qtbot: QtBot, window: MainWindow) -> None:
    ctx = window.ctx
    flow = flow_41(ctx.db, ctx.actor)
    room = flow.rooms["3B-A"]
    made = lease(ctx.db, ctx.actor, room, tenant(ctx.db, ctx.actor, "Ana"), date(2026, 1, 1))
    ctx.bus.portfolio_changed.emit()
    settle(window)
    window.show_pane("dashboard")
    ctx.open_lease(made.id)
    settle(window)
    assert window.current_pane == "tree"
    node = window.tree.selected_node()
    assert node is not None and node.id == room
