"""The database server goes away (issue 13, item 5): a banner says so and the window keeps
trying; an edit attempted meanwhile is refused in one sentence and its dialog keeps what was
typed; when the server answers again the banner goes and the edit can be saved.

The server's going away is simulated, deterministically: the pool is emptied and every new
connection is refused the way libpq refuses it (a closed port). PostgreSQL only: a SQLite file
does not go away like a server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from coliv_desktop.services import tenants
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.shell.main_window import MainWindow
from coliv_desktop.ui.shell.watch import ChangeWatcher
from coliv_desktop.ui.tenants.dialog import TenantDialog
from tests.builders import tenant
from tests.conftest import engines
from tests.ui.helpers import type_into


class Server:
    """Switches the server of a context off and on again."""

    def __init__(self, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ctx, self.monkeypatch = ctx, monkeypatch

    def off(self) -> None:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise psycopg.OperationalError(
                'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
                "Connection refused")

        self.ctx.db.engine.dispose()
        self.monkeypatch.setattr(self.ctx.db.engine.dialect, "connect", refuse)

    def on(self) -> None:
        self.monkeypatch.undo()


# A SQLite file does not go away like a server: these run on PostgreSQL only (wherever the
# test server is configured, as on CI), not skipped on the SQLite parameter.
pytestmark = pytest.mark.parametrize(
    "db_url", [e for e in engines() if e == "postgresql"], indirect=True)


@pytest.fixture
def server(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> Server:
    assert not ctx.db.is_sqlite
    return Server(ctx, monkeypatch)


@pytest.fixture
def watcher(qtbot: QtBot, window: MainWindow) -> Iterator[ChangeWatcher]:
    watch = ChangeWatcher(window.ctx, interval_ms=40, retry_ms=40)
    qtbot.waitUntil(lambda: watch._seen_at_own == watch._own, timeout=5000)
    yield watch
    watch.timer.stop()
    window.ctx.tasks.wait_idle()


def test_banner_while_the_server_is_away_and_the_edit_is_kept(
        qtbot: QtBot, window: MainWindow, watcher: ChangeWatcher, server: Server) -> None:
    ctx = window.ctx
    ident = tenant(ctx.db, ctx.actor, "Ana")
    record = tenants.get_tenant(ctx.db, ctx.actor, ident)
    banner = window.connection_banner
    assert not banner.isVisible()

    server.off()
    qtbot.waitUntil(banner.isVisible, timeout=5000)
    assert "connection refused" in banner.text()
    assert "127.0.0.1:5432" in banner.text()

    dialog = TenantDialog(ctx, record, window)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.phone, "555-0100")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=10000)
    QApplication.processEvents()
    assert dialog.isVisible() and dialog.result() == 0
    assert "Nothing was saved" in dialog.banner.text()
    assert "What you typed stays here" in dialog.banner.text()
    assert "connection refused" in dialog.banner.text()
    assert dialog.phone.text() == "555-0100"  # the person's input is still there
    assert banner.isVisible()  # still away: still retrying

    server.on()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=5000)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=10000)
    assert dialog.result() == 1
    assert tenants.get_tenant(ctx.db, ctx.actor, ident).phone == "555-0100"


def test_switching_database_takes_the_banner_away(
        qtbot: QtBot, window: MainWindow, watcher: ChangeWatcher, server: Server) -> None:
    server.off()
    qtbot.waitUntil(window.connection_banner.isVisible, timeout=5000)
    server.on()
    watcher.timer.stop()
    window.ctx.tasks.wait_idle()
    window.ctx.bus.database_switched.emit()
    assert not window.connection_banner.isVisible() and watcher.lost is None
    assert watcher.timer.interval() == 40
