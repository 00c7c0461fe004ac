"""The dashboard's attention list leads to where the thing is dealt with."""

from __future__ import annotations

from datetime import date
from typing import Any

from pytestqt.qtbot import QtBot

from coliv_desktop.schemas import build
from coliv_desktop.schemas.utilities import UtilityBillIn
from coliv_desktop.services import utilities
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import flow_41, lease, tenant
from tests.ui.helpers import settle


def test_a_bill_to_split_again_is_named_and_its_link_opens_the_utility_bills(
        qtbot: QtBot, window: MainWindow) -> None:
    ctx = window.ctx
    flow = flow_41(ctx.db, ctx.actor)
    lease(ctx.db, ctx.actor, flow.rooms["3B-A"], tenant(ctx.db, ctx.actor, "Sarah"),
          date(2025, 6, 1))
    bill = utilities.post_bill(ctx.db, ctx.actor, build(
        UtilityBillIn, property_id=flow.property_id, unit_id=flow.unit_3b,
        provider="Gas Co", period_start="2025-12-01", period_end="2025-12-31",
        amount="90.00", due_date="2026-01-15", rule="equal"))
    lease(ctx.db, ctx.actor, flow.rooms["3B-C"], tenant(ctx.db, ctx.actor, "Omar"),
          date(2025, 12, 10))  # moved in mid-December, entered after the bill
    ctx.bus.ledger_changed.emit()
    board: Any = window.pane("dashboard")
    window.show_pane("dashboard")
    settle(window)
    qtbot.waitUntil(lambda: "utilities" in [i.kind for i in board.attention_items])
    text = board.attention.text()
    assert "Gas Co Dec 2025" in text and "Open Utility Bills</a>" in text
    board.attention.linkActivated.emit("ledger:utilities")
    settle(window)
    ledger: Any = window.pane("ledger")
    assert window.current_pane == "ledger" and ledger.tabs.currentWidget() is ledger.utilities
    view = ledger.utilities
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.rows[0].id == bill.id
    status = view.model.index(0, view.model.column_index("status")).data()
    assert status == "split again?" and "1 to split again" in view.summary.text()


def test_a_click_on_a_chart_bar_shows_that_property(qtbot: QtBot, window: MainWindow) -> None:
    from coliv_desktop.schemas.portfolio import PropertyCreate
    from coliv_desktop.services import portfolio

    ctx = window.ctx
    flow = flow_41(ctx.db, ctx.actor)
    other = portfolio.add_property(ctx.db, ctx.actor, build(
        PropertyCreate, name="Maple Commons", address="9 Elm St", city="Austin", state="TX",
        zip="78702"))
    ctx.bus.portfolio_changed.emit()
    board: Any = window.pane("dashboard")
    window.show_pane("dashboard")
    settle(window)
    qtbot.waitUntil(lambda: board.data is not None and len(board.data.board.properties) == 2)
    qtbot.waitUntil(lambda: len(window.tree.model.roots) == 2)  # the tree has them too
    ctx.tasks.wait_idle()
    names = [p.name for p in board.data.board.properties]
    assert names == ["Downtown Loft", "Maple Commons"]
    (occupancy,) = board.occupancy_chart.chart().series()
    occupancy.barSets()[0].clicked.emit(0)  # the chart lists the properties bottom-up
    settle(window)
    assert window.current_pane == "tree"
    qtbot.waitUntil(lambda: window.tree.selected_node() is not None
                    and window.tree.selected_node().id == other.id, timeout=5000)
    window.show_pane("dashboard")
    settle(window)
    (roll,) = board.roll_chart.chart().series()
    roll.barSets()[1].clicked.emit(1)  # the vacant part of the other bar
    settle(window)
    qtbot.waitUntil(lambda: window.tree.selected_node() is not None
                    and window.tree.selected_node().id == flow.property_id, timeout=5000)
