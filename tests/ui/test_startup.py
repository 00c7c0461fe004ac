"""How the window starts: shown before the database layers load, the database opened in a
worker, the dashboard filled in when it is open, the rent run after that."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from coliv_desktop.services.databases import open_database as open_database_blocking
from coliv_desktop.ui.shell.app import launch, start_text
from tests.builders import flow_41
from tests.ui.helpers import settle


def test_the_window_is_built_and_shown_without_loading_the_database_layers(
        tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QSettings
        from coliv_desktop.ui.shell.app import build_window, create_app
        app = create_app()
        ctx, window = build_window(QSettings({str(tmp_path / "s.ini")!r},
                                             QSettings.Format.IniFormat))
        window.show()
        app.processEvents()
        window.grab()
        heavy = sorted({{m.split(".")[0] for m in sys.modules}}
                       & {{"sqlalchemy", "pydantic", "alembic", "reportlab", "psycopg"}})
        ours = sorted(m for m in sys.modules if m.startswith(("coliv_desktop.db",
                      "coliv_desktop.services", "coliv_desktop.schemas")))
        print(heavy, ours)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[] []"


def test_launch_shows_the_window_then_opens_the_database_in_a_worker(
        qtbot: QtBot, qsettings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "start.db"
    opened = open_database_blocking(make_url(f"sqlite:///{path}"), create=True)
    flow_41(opened.db, opened.actor)
    opened.db.dispose()
    ran: list[bool] = []
    from coliv_desktop.ui.shell import startup

    monkeypatch.setattr(startup, "run_rent_on_open", lambda ctx: ran.append(ctx.has_database))
    assert start_text(None, qsettings) is None  # nothing to open: the welcome page
    ctx, window = launch(f"sqlite:///{path}", qsettings)
    qtbot.addWidget(window)
    assert window.isVisible() and not ctx.has_database  # on screen before the database
    assert window.stack.currentWidget() is window.opening
    assert "start.db" in window.opening.text()
    settle(window)
    qtbot.waitUntil(lambda: bool(ran))
    assert ctx.has_database and window.current_pane == "dashboard"
    board = window.panes["dashboard"]
    assert board.rooms_card.value.text() == "0/7"  # type: ignore[attr-defined]
    assert [n.label for n in window.tree.model.roots] == ["Downtown Loft"]
    assert ran == [True]  # the rent run came after the first loads
    # next time, the same database opens without being named
    assert start_text(None, qsettings) == f"sqlite:///{path}"
