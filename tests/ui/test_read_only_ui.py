"""A book in a folder that cannot be written, in the window (issue 10, item 6): the title says
read-only, and opening it neither backs it up nor runs the rent run; Qt's own notices go to
the log."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from coliv_desktop.db.migrate import open_database
from coliv_desktop.services import rent_run
from coliv_desktop.services.context import local_actor
from coliv_desktop.services.databases import open_database as open_database_blocking
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.shell import startup
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import flow_41, lease, tenant
from tests.cli.test_trust_cli import made_read_only
from tests.ui.helpers import settle


def test_a_read_only_book_says_so_in_the_title_and_opening_it_writes_nothing(
        qtbot: QtBot, qsettings: QSettings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shared"
    path = folder / "books.db"
    url = make_url(f"sqlite:///{path}")
    db = open_database(url, create=True)
    actor = local_actor(db)
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Ana"),
          date(2025, 12, 1))
    db.dispose()
    before = path.read_bytes()
    posted: list[object] = []
    monkeypatch.setattr(rent_run, "run_rent", lambda *a, **k: posted.append(a))
    with made_read_only(path, monkeypatch):
        ctx = AppContext(qsettings)
        startup.install(ctx)
        errors: list[str] = []
        ctx.bus.error.connect(errors.append)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        ctx.set_database(open_database_blocking(url))
        settle(window)
        qtbot.wait(startup.AFTER_FIRST_PAINT_MS + 100)
        settle(window)
        assert ctx.db.read_only
        assert window.windowTitle().startswith("books.db (read-only) — ")
        assert posted == [] and errors == []
        assert sorted(p.name for p in folder.iterdir()) == ["books.db"]  # no backup
        ctx.tasks.wait_idle()
        ctx.close_database()
    assert path.read_bytes() == before


def test_qt_notices_go_to_the_log_not_the_terminal(
        caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    from PySide6.QtCore import qInstallMessageHandler, qWarning

    from coliv_desktop.ui.shell.app import qt_messages_to_log

    previous = qt_messages_to_log()
    try:
        with caplog.at_level(logging.WARNING, logger="coliv.qt"):
            qWarning("qt.qpa.plugin: could not load an optional plugin")
    finally:
        qInstallMessageHandler(previous)
    assert [r.getMessage() for r in caplog.records if r.name == "coliv.qt"] == [
        "qt.qpa.plugin: could not load an optional plugin"]
    assert "optional plugin" not in capfd.readouterr().err
