"""GUI test fixtures: offscreen Qt, an isolated QSettings file, an AppContext on the test db."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from coliv_desktop.db.engine import Database
from coliv_desktop.services.context import Actor
from coliv_desktop.ui.context import AppContext, OpenedDatabase


@pytest.fixture(autouse=True)
def no_unexpected_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A form's Yes/No question is a modal box that would wait forever in a test: a test that
    expects one replaces `FormDialog.ask`; any other question fails the test."""
    from coliv_desktop.ui.forms import FormDialog

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
    from coliv_desktop.ui.ledger.profile_prompt import mark_profile_answered

    mark_profile_answered(context)
    yield context
    context.tasks.wait_idle()


@pytest.fixture
def window(qtbot: object, ctx: AppContext) -> Iterator[object]:
    from coliv_desktop.ui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    win.show_pane("dashboard")
    ctx.tasks.wait_idle()
    yield win
    ctx.tasks.wait_idle()
