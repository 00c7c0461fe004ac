"""Help menu: the keyboard shortcuts (read from the menus, no key bound twice), About."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from coliv_desktop import config
from coliv_desktop.ui.shell.about import AboutDialog
from coliv_desktop.ui.shell.main_window import MainWindow
from coliv_desktop.ui.shell.shortcuts import clashing_keys, shortcut_rows
from tests.ui.helpers import menu_action, type_into


def test_keyboard_shortcuts_lists_every_key_and_none_is_bound_twice(
        qtbot: QtBot, window: MainWindow) -> None:
    assert clashing_keys(window.menuBar()) == {}  # Qt runs neither command of a clash
    menu_action(window, "shortcuts").trigger()
    dialog = window.show_shortcuts()
    assert dialog.isVisible() and not dialog.isModal()
    rows = {(r.menu, r.command): r.keys for r in dialog.model.rows}
    assert rows[("File", "Back Up Now")] == "Ctrl+B"
    assert rows[("Edit", "Undo")] == "Ctrl+Z"
    assert rows[("Edit", "Redo")].startswith("Ctrl+Shift+Z")
    assert rows[("Ledger", "Record Payment")] == "Ctrl+Shift+M"
    assert rows[("Help", "Keyboard Shortcuts")] == "F1"
    assert ("View", "Dashboard") in rows  # the panes' keys too
    assert len(rows) == len(shortcut_rows(window.menuBar())) >= 25
    type_into(qtbot, dialog.search, "payment")
    shown = {dialog.view.model().index(i, 2).data() for i in range(dialog.view.model().rowCount())}
    assert shown and all("payment" in text.lower() for text in shown)


def test_about_names_the_database_and_where_the_log_is(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("coliv_desktop.ui.shell.main_window.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    menu_action(window, "about").trigger()
    about = window.findChild(AboutDialog, "about")
    assert about is not None and about.isVisible()
    said = about.details.text()
    assert window.ctx.db_label in said and str(config.log_file()) in said
    menu_action(window, "log_file").trigger()
    menu_action(window, "data_folder").trigger()
    assert Path(opened[0]) in (config.log_file(), config.log_file().parent)
    assert Path(opened[1]) == config.data_dir()


def test_about_shows_the_package_version_and_the_licences(
        qtbot: QtBot, window: MainWindow) -> None:
    menu_action(window, "about").trigger()
    about = window.findChild(AboutDialog, "about")
    assert about is not None
    # The version a `pip install` recorded: the one `coliv --version` prints too.
    assert about.version.text() == f"<b>CoLiv Desktop</b> {version('coliv-desktop')}"
    text = about.licences.toPlainText()
    assert "LGPL" in text and "relinking" in text and "LGPL-3.0.txt" in text  # Qt's terms
    assert "DejaVu" in text
    for name in ("PySide6", "SQLAlchemy", "alembic", "pydantic", "reportlab", "keyring",
                 "psycopg", "babel", "numpy"):
        assert name in text, name
    assert f"SQLAlchemy\n{version('sqlalchemy')}\nMIT\n" in text  # name, version, licence
    assert "scipy" not in text  # a test-only dependency since domain/assignment.py
    about.reject()
    assert not about.isVisible()


def test_open_recent_numbers_the_files_and_marks_the_missing(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    here = tmp_path / "office.db"
    here.write_bytes(b"")
    gone = tmp_path / "usb" / "old.db"
    window.ctx.settings.setValue("database/recent", [f"sqlite:///{here}", f"sqlite:///{gone}"])
    window.recent_menu.aboutToShow.emit()
    actions = [a for a in window.recent_menu.actions() if not a.isSeparator()]
    assert [(a.text(), a.isEnabled()) for a in actions[:2]] == [
        ("&1 office.db", True), ("&2 old.db  (missing)", False)]
    assert actions[1].toolTip() == str(gone)
    clear = next(a for a in actions if a.objectName() == "clear_recent")
    clear.trigger()
    assert window.ctx.recent_databases() == []
    window.recent_menu.aboutToShow.emit()
    assert [a.text() for a in window.recent_menu.actions()] == ["(none yet)"]
