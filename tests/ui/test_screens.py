"""Fits the screens operators have (issue 10, item 13).

The main window and every dialog lie inside the screen's available geometry (a 1366x768 laptop,
1280x800, 1440x900), a geometry remembered from a bigger monitor is restored inside it; at
1280x800 the Applications pane shows each applicant's status and each candidate's roommates
without scrolling sideways; a room's Ledger tab does not squeeze the property tree (nor is the
tree remembered narrow); the first-step hint shows only on an empty book.

The window-by-window check runs `screen_probe.py` in a child process whose offscreen platform
is given the screen (`QT_QPA_PLATFORM=offscreen:configfile=...`); the pane checks run here with
the available geometry replaced.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot

from coliv_desktop.services import portfolio
from coliv_desktop.ui.applications.pane import ApplicationsPane
from coliv_desktop.ui.common import screens
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.portfolio.pane import FIRST_STEP, PICK_ONE, PortfolioPane
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import flow_41
from tests.flow42 import MOVE_IN, PROFILES, apply, flow_42
from tests.ui.helpers import menu_action, settle

ROOT = Path(__file__).resolve().parents[2]


def probe(tmp_path: Path, width: int, height: int, settings: Path | None = None
          ) -> dict[str, Any]:
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{
        "name": "test", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
           "COLIV_DATA_DIR": str(tmp_path / "data")}
    settings = settings or tmp_path / "settings.ini"
    done = subprocess.run([sys.executable, "-m", "tests.ui.screen_probe", str(settings)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def outside(result: dict[str, Any]) -> dict[str, list[int]]:
    sx, sy, sw, sh = result["screen"]
    return {name: [x, y, w, h] for name, (x, y, w, h) in result["windows"].items()
            if x < sx or y < sy or x + w > sx + sw or y + h > sy + sh}


@pytest.mark.parametrize("size", [(1366, 768), (1280, 800), (1440, 900)])
def test_the_window_and_every_dialog_lie_inside_the_screen(
        tmp_path: Path, size: tuple[int, int]) -> None:
    result = probe(tmp_path, *size)
    assert result["screen"] == [0, 0, *size]
    assert len(result["windows"]) > 30  # the main window, its status bar, every dialog
    assert outside(result) == {}
    if size == (1366, 768):  # the laptop: the window was 1280x800 there
        assert result["windows"]["main"][3] <= 768
        assert result["windows"]["pdf_preview"][3] <= 768  # its buttons on screen


def test_a_geometry_remembered_from_a_bigger_monitor_is_restored_inside(
        qtbot: QtBot, tmp_path: Path) -> None:
    big = QMainWindow()
    qtbot.addWidget(big)
    big.setGeometry(QRect(300, 200, 1900, 1150))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("window/geometry", big.saveGeometry())
    settings.sync()
    result = probe(tmp_path, 1366, 768, tmp_path / "settings.ini")
    assert outside(result) == {}
    x, y, w, h = result["windows"]["main"]
    assert w <= 1366 and h <= 768


@pytest.fixture
def screen_1280x800(monkeypatch: pytest.MonkeyPatch) -> QRect:
    area = QRect(0, 0, 1280, 800)
    monkeypatch.setattr(screens, "available_geometry", lambda window: area)
    return area


@pytest.fixture
def wide_window(qtbot: QtBot, ctx: AppContext, screen_1280x800: QRect) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    settle(window)
    assert window.frameGeometry().width() <= 1280 and window.frameGeometry().height() <= 800
    window.resize(screens.first_size(window))
    settle(window)
    return window


def test_at_1280x800_the_applications_pane_shows_statuses_and_roommates_in_full(
        qtbot: QtBot, wide_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    window = wide_window
    monkeypatch.setenv("COLIV_TODAY", MOVE_IN.isoformat())
    db, actor = window.ctx.db, window.ctx.actor
    flow_42(db, actor)
    for first, last, who in (("Sarah", "Thompson", None), ("Omar", "Haddad", "Brad"),
                             ("Lena", "Kowalczyk-Brzęczyszczykiewicz", "Mike")):
        apply(db, actor, first, last, **({"profile_data": PROFILES[who]} if who else {}))
    window.ctx.bus.everything_changed.emit()
    menu_action(window, "pane_applications").trigger()
    settle(window)
    pane = window.pane("applications")
    assert isinstance(pane, ApplicationsPane)
    assert pane.list.select_where(lambda r: r.full_name == "Sarah Thompson")
    settle(window)
    QApplication.processEvents()

    listed = pane.list
    status = pane.model.column_index("status")
    right = listed.columnViewportPosition(status) + listed.columnWidth(status)
    assert 0 <= listed.columnViewportPosition(status) and right <= listed.viewport().width()
    for row in range(pane.model.rowCount()):  # every status reads in full, not "pendin…"
        text = str(listed.model().index(row, status).data())
        assert listed.fontMetrics().horizontalAdvance(text) + 8 <= listed.columnWidth(status)

    view = pane.detail.view
    model = pane.detail.model
    assert model.rowCount() > 3
    assert view.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways to
    mates = model.column_index("roommates")
    assert view.columnViewportPosition(mates) + view.columnWidth(mates) \
        <= view.viewport().width()
    for row in range(model.rowCount()):
        index = view.model().index(row, mates)
        cell = view.visualRect(index)
        needed = view.fontMetrics().boundingRect(
            QRect(0, 0, cell.width() - 8, 10_000), int(Qt.TextFlag.TextWordWrap),
            str(index.data()))
        assert needed.height() <= cell.height(), (index.data(), cell, needed)


def test_a_rooms_ledger_tab_does_not_squeeze_the_tree_now_or_after_a_restart(
        qtbot: QtBot, ctx: AppContext, screen_1280x800: QRect, wide_window: MainWindow,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = wide_window
    flow = flow_41(ctx.db, ctx.actor)
    from datetime import date

    from tests.builders import lease, tenant

    lease(ctx.db, ctx.actor, flow.rooms["3B-A"], tenant(ctx.db, ctx.actor, "Sarah"),
          date(2025, 12, 1))
    ctx.bus.everything_changed.emit()
    settle(window)
    before = window.tree.width()
    assert before >= 280
    assert window.tree.select(flow.rooms["3B-A"])
    settle(window)
    pane = window.pane("tree")
    assert isinstance(pane, PortfolioPane)
    pane.room.tabs.setCurrentIndex(pane.room.tabs.count() - 1)  # the Ledger tab
    settle(window)
    assert pane.room.tabs.tabText(pane.room.tabs.currentIndex()) == "Ledger"
    assert window.tree.width() == before
    names = window.tree.view
    name = names.fontMetrics().horizontalAdvance("Downtown Loft")
    assert names.columnWidth(0) >= name + names.indentation() + 24  # not "Downto…"
    window.resizeDocks([window.tree], [120], Qt.Orientation.Horizontal)
    assert window.tree.width() >= 260  # not even by hand: the names stay readable


def test_the_tree_keeps_its_width_with_a_ledger_tab_open_and_after_a_restart(
        tmp_path: Path) -> None:
    """Two starts of the app on a 1280x800 screen with the same settings: the second opens
    with the tree as wide as the first had it, though a room's Ledger tab was open."""
    first = probe(tmp_path, 1280, 800)
    assert first["tree"]["start"] >= 280
    assert first["tree"]["ledger_tab"] == first["tree"]["start"]
    second = probe(tmp_path, 1280, 800)
    assert second["tree"]["start"] == first["tree"]["start"]


def test_the_first_step_hint_shows_only_on_an_empty_book(
        qtbot: QtBot, wide_window: MainWindow) -> None:
    window = wide_window
    window.show_pane("tree")
    settle(window)
    pane = window.pane("tree")
    assert isinstance(pane, PortfolioPane)
    assert pane.empty.text() == FIRST_STEP and "New here?" in FIRST_STEP
    flow_41(window.ctx.db, window.ctx.actor)
    window.ctx.bus.portfolio_changed.emit()
    settle(window)
    assert pane.stack.currentWidget() is pane.empty
    assert pane.empty.text() == PICK_ONE
    assert portfolio.list_properties(window.ctx.db, window.ctx.actor)
