"""GUI test fixtures: offscreen Qt, an isolated QSettings file, an AppContext on the test db."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from coliv_desktop.db.engine import Database
from coliv_desktop.services.context import Actor
from coliv_desktop.services.databases import OpenedDatabase
from coliv_desktop.ui.common.context import AppContext


@pytest.fixture(autouse=True)
def no_unexpected_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A form's Yes/No question is a modal box that would wait forever in a test: a test that
    expects one replaces `FormDialog.ask`; any other question fails the test."""
    from coliv_desktop.ui.common.forms import FormDialog

    def ask(self: FormDialog, question: str) -> bool:
        raise AssertionError(f"unexpected question in {self.windowTitle()!r}: {question}")

    monkeypatch.setattr(FormDialog, "ask", ask)


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def ctx(qtbot: object, qsettings: QSettings, db: Database, actor: Actor) -> Iterator[AppContext]:
    context = AppContext(qsettings)
    context.set_database(OpenedDatabase(db, actor, "USD", "en_US"))
    # the business profile question (asked before a database's first document) is answered;
    # tests/ui/test_documents_ui.py asks it
    from coliv_desktop.ui.shell.profile_prompt import mark_profile_answered

    mark_profile_answered(context)
    yield context
    context.tasks.wait_idle()


@pytest.fixture
def window(qtbot: object, ctx: AppContext) -> Iterator[object]:
    from coliv_desktop.ui.shell.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    win.show_pane("dashboard")
    ctx.tasks.wait_idle()
    yield win
    ctx.tasks.wait_idle()


# --- The GUI-thread guard -----------------------------------------------------------------
# A statement run on the Qt main thread from code under coliv_desktop/ui would freeze the
# window for as long as the database takes (a network round trip on PostgreSQL, up to the busy
# timeout behind another process's write lock on SQLite). Every statement is checked; one
# issued on the main thread with a `coliv_desktop.ui` frame on its stack fails the test.
# Test code that builds its data through the services directly is not UI code and passes.

_gui_thread_statements: list[str] = []


def _ui_caller() -> str | None:
    """The innermost coliv_desktop.ui frame on the current stack, as "module:line", if any."""
    import sys

    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name.startswith("coliv_desktop.ui"):
            return f"{name}:{frame.f_lineno} in {frame.f_code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _check_statement(conn: object, cursor: object, statement: str, *args: object) -> None:
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    caller = _ui_caller()
    if caller is not None:
        _gui_thread_statements.append(f"{caller}: {statement.split(chr(10))[0][:80]}")


@pytest.fixture(autouse=True)
def no_query_on_the_gui_thread() -> Iterator[None]:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    _gui_thread_statements.clear()
    event.listen(Engine, "before_cursor_execute", _check_statement)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", _check_statement)
    found = list(dict.fromkeys(_gui_thread_statements))
    _gui_thread_statements.clear()
    report = os.environ.get("COLIV_GUI_GUARD_REPORT")  # list the sites instead of failing
    if report and found:
        with open(report, "a", encoding="utf-8") as out:
            out.writelines(line + "\n" for line in found)
        return
    if found:
        pytest.fail("database statements ran on the GUI thread from the UI:\n  "
                    + "\n  ".join(found[:15]), pytrace=False)
