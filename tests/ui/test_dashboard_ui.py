"""The dashboard on the demo book: rooms and beds each beside their own percentage, money axes
in the book's currency; and the Ledger's Collection tab agreeing with the dashboard on what
is past due (issue 10 items 1 and 11)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCharts import QCategoryAxis
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from coliv_desktop.services.demo import load_demo
from coliv_desktop.ui.dashboard.pane import axis_money, money_ticks
from coliv_desktop.ui.ledger.pane import LedgerPane
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.ui.helpers import settle

DAY = date(2026, 12, 5)


@pytest.fixture
def demo(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setenv("COLIV_TODAY", DAY.isoformat())
    load_demo(window.ctx.db, window.ctx.actor, DAY)
    window.ctx.bus.portfolio_changed.emit()
    window.show_pane("dashboard")
    settle(window)
    return window


def _row(board: Any, label: str) -> dict[str, str]:
    model = board.model
    index = next(i for i, r in enumerate(model.rows) if r.label.strip() == label)
    return {c.key: model.index(index, n).data() for n, c in enumerate(model.columns)}


def test_rooms_and_beds_each_have_their_own_percentage(qtbot: QtBot, demo: MainWindow) -> None:
    board: Any = demo.pane("dashboard")
    qtbot.waitUntil(lambda: board.data is not None and board.model.rowCount() > 0)
    maple = _row(board, "Maple Commons")
    assert (maple["rooms"], maple["rooms_let"], maple["room_rate"]) == ("10", "7", "70.0%")
    assert (maple["beds"], maple["beds_let"], maple["bed_rate"]) == ("13", "9", "69.2%")
    headers = [board.model.headerData(n, Qt.Orientation.Horizontal)
               for n in range(board.model.columnCount())]
    assert headers.index("% of rooms") == headers.index("Rooms let") + 1
    assert headers.index("% of beds") == headers.index("Beds let") + 1
    assert board.occupancy_card.value.text() == "60.9%"
    assert "61.5% of beds" in board.occupancy_card.detail.text()


def test_the_money_axis_carries_the_currency(qtbot: QtBot, demo: MainWindow) -> None:
    board: Any = demo.pane("dashboard")
    qtbot.waitUntil(lambda: board.data is not None)
    axis = [a for a in board.roll_chart.chart().axes() if isinstance(a, QCategoryAxis)]
    assert len(axis) == 1
    assert axis[0].categoriesLabels() == ["$0", "$2,000", "$4,000", "$6,000", "$8,000"]
    demo.ctx.currency, demo.ctx.locale = "EUR", "de_DE"
    board.reload()
    settle(demo)
    (axis,) = [a for a in board.roll_chart.chart().axes() if isinstance(a, QCategoryAxis)]
    assert axis.categoriesLabels()[1] == "2.000\xa0€"


def test_axis_helpers() -> None:
    from decimal import Decimal

    assert money_ticks(Decimal("7700")) == [Decimal(v) for v in (0, 2000, 4000, 6000, 8000)]
    assert money_ticks(Decimal("950"))[-1] == Decimal("1000")
    assert money_ticks(Decimal("0")) == [Decimal(0), Decimal(1)]
    assert axis_money(Decimal("12500"), "USD", "en_US") == "$12,500"
    assert axis_money(Decimal("12500"), "JPY", "ja_JP") == "￥12,500"


def test_the_collection_tab_and_the_dashboard_agree_on_past_due(
        qtbot: QtBot, demo: MainWindow) -> None:
    board: Any = demo.pane("dashboard")
    qtbot.waitUntil(lambda: bool(board.attention_items))
    line = next(i for i in board.attention_items if i.kind == "overdue")
    assert line.text.startswith("2 tenants owe $1,200.00 past due: Jessica Alvarez, Tom Becker")
    demo.show_pane("ledger")
    settle(demo)
    pane = demo.pane("ledger")
    assert isinstance(pane, LedgerPane)
    pane.tabs.setCurrentWidget(pane.collection)
    pane.collection.month.setDate(QDate(2026, 12, 1))
    pane.collection.reload()
    settle(demo)
    model = pane.collection.model
    status = model.column_index("status")
    shown = {model.rows[i].tenant: model.index(i, status).data()
             for i in range(model.rowCount())}
    assert [t for t, s in shown.items() if s == "Overdue"] == ["Jessica Alvarez", "Tom Becker"]
    assert shown["Aiko Tanaka"] == "Due" and shown["Priya Nair"] == "Paid"


def test_the_rent_roll_tab_lists_the_vacancies(qtbot: QtBot, demo: MainWindow) -> None:
    demo.show_pane("ledger")
    settle(demo)
    pane = demo.pane("ledger")
    assert isinstance(pane, LedgerPane)
    pane.tabs.setCurrentWidget(pane.reports)
    pane.reports.choice.setCurrentText("Rent roll")
    settle(demo)
    text = pane.reports.summary.text()
    assert text.startswith("16 leases, rent $10,685.00")
    assert "9 vacant rooms and 1 vacant bed, asking $7,115.00" in text
    model = pane.reports.model
    tenant, rent = model.column_index("tenant"), model.column_index("rent")
    rows = [(model.index(i, tenant).data(), model.index(i, rent).data())
            for i in range(model.rowCount())]
    assert ("Vacant: under maintenance", "$640.00") in rows
    assert sum(1 for who, _ in rows if who.startswith("Vacant")) == 10
