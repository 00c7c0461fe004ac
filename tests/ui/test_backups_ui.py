"""Backups from the window: the day's copy when a database opens, File ▸ Restore from Backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from coliv_desktop.services import backups, portfolio
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.shell import startup
from coliv_desktop.ui.shell.backups import BackupsDialog
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import flow_41
from tests.ui.helpers import menu_action, settle


def _is_file(ctx: AppContext) -> bool:
    return ctx.db.url.get_backend_name() == "sqlite"


def _property_names(ctx: AppContext) -> set[str]:
    return {p.name for p in portfolio.list_properties(ctx.db, ctx.actor)}


def test_the_day_s_backup_is_made_when_a_database_opens(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    errors: list[str] = []
    ctx.bus.status_message.connect(said.append)
    ctx.bus.error.connect(errors.append)

    def opened() -> None:
        startup.run_rent_on_open(ctx)
        ctx.tasks.wait_idle()
        qtbot.waitUntil(lambda: bool(said) or bool(errors), timeout=5000)

    opened()
    assert not errors
    made = [b for b in backups.list_backups(ctx.db.url) if b.label == "auto"]
    if not _is_file(ctx):  # a server backs itself up
        assert made == [] and "backup" not in said[-1]
        return
    assert len(made) == 1 and said[-1].endswith("Today's backup is made.")
    said.clear()
    opened()  # the second opening of the day: no second copy
    assert len([b for b in backups.list_backups(ctx.db.url) if b.label == "auto"]) == 1
    assert "backup" not in said[-1]

    def full_disk(url: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "daily_backup", full_disk)
    said.clear()
    opened()
    qtbot.waitUntil(lambda: bool(errors) and bool(said), timeout=5000)
    assert "automatic backup could not be made" in errors[-1] and "No space" in errors[-1]
    assert said[-1].startswith("Rent")  # the rent run still ran


def test_restore_from_backup_from_the_file_menu(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = window.ctx
    databases = type(window.databases)
    reports: list[str] = []
    questions: list[str] = []
    dialogs: list[Any] = []
    monkeypatch.setattr(databases, "report", lambda self, title, text: reports.append(text))
    monkeypatch.setattr(databases, "ask",
                        lambda self, title, text: questions.append(text) or True)
    monkeypatch.setattr(databases, "run_dialog",
                        lambda self, d: dialogs.append(d) or int(QDialog.DialogCode.Rejected))
    if not _is_file(ctx):
        menu_action(window, "restore_backup").trigger()
        assert "server" in reports[-1] and not dialogs
        return
    flow_41(ctx.db, ctx.actor)
    menu_action(window, "backup").trigger()  # Back Up Now
    settle(window)
    assert reports[-1].startswith("A copy of the database is in")
    portfolio.add_property(ctx.db, ctx.actor, _later())
    assert _property_names(ctx) == {"Downtown Loft", "Added Later"}

    menu_action(window, "restore_backup").trigger()
    ctx.tasks.wait_idle()  # the backups are listed in a worker
    dialog: BackupsDialog = dialogs[-1]
    assert dialog.model.rowCount() == 1 and dialog.model.rows[0].label == "manual"
    dialog.restore_button.click()
    ctx.tasks.wait_idle()
    qtbot.waitUntil(lambda: _property_names(ctx) == {"Downtown Loft"}, timeout=5000)
    ctx.tasks.wait_idle()
    settle(window)
    assert "“before a restore” backup" in questions[-1]
    window.show_pane("dashboard")
    settle(window)
    assert window.pane("dashboard").rooms_card.value.text() == "0/7"  # type: ignore[attr-defined]
    assert ctx.undo_stack.count() == 0

    # Taken back: the copy of what was there before the restore, restored in turn.
    menu_action(window, "restore_backup").trigger()
    ctx.tasks.wait_idle()  # the backups are listed in a worker
    dialog = dialogs[-1]
    kinds = [b.kind for b in dialog.model.rows]
    assert kinds[0] == "before a restore" and len(kinds) == 2
    dialog.view.selectRow(0)
    dialog.restore_selected()
    ctx.tasks.wait_idle()
    qtbot.waitUntil(lambda: _property_names(ctx) == {"Downtown Loft", "Added Later"},
                    timeout=5000)
    ctx.tasks.wait_idle()
    settle(window)

    # A file that is not a backup is refused in the dialog, before anything is asked.
    menu_action(window, "restore_backup").trigger()
    ctx.tasks.wait_idle()  # the backups are listed in a worker
    dialog = dialogs[-1]
    asked = len(questions)
    notes = Path(str(ctx.db.url.database)).with_name("notes.db")
    notes.write_text("shopping list")
    dialog.restore_from(notes, notes.name)
    ctx.tasks.wait_idle()
    qtbot.waitUntil(lambda: "not a SQLite database" in dialog.note.text(), timeout=5000)
    assert len(questions) == asked


def _later() -> Any:
    from coliv_desktop.schemas import build
    from coliv_desktop.schemas.portfolio import PropertyCreate

    return build(PropertyCreate, name="Added Later", address="9 Elm St", city="Austin",
                 state="TX", zip="78702")


def test_closing_a_changed_book_leaves_a_checked_backup(qtbot: QtBot, window: MainWindow) -> None:
    """Closing the window's book (quitting, or switching to another) backs it up first when
    it changed since its newest backup; unchanged, no copy is added."""
    ctx = window.ctx
    url = ctx.db.url
    if not ctx.db.is_sqlite:
        return  # a server book is the server's to back up
    flow_41(ctx.db, ctx.actor)
    ctx.close_database()
    ctx.tasks.wait_idle()
    closing = [b for b in backups.list_backups(url) if b.label == "close"]
    assert len(closing) == 1
