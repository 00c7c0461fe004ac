"""Another process holds the SQLite write lock (a `coliv rent run` from a script, say): the
window keeps answering while opening the database, Back Up Now and a restore wait for it, and
each completes once the lock is released. A QTimer ticking every 20 ms is the witness: a call
on the GUI thread would stop it for as long as the lock is held."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import URL, make_url

from coliv_desktop.services import backups, databases, portfolio
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.shell import startup
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import flow_41
from tests.ui.helpers import menu_action, settle

HELD_S = 1.0
# The longest the event loop may go without a tick while the lock is held: well under the
# time the lock is held, with room for a busy test machine.
LONGEST_GAP_S = 0.5


class WriteLock:
    """BEGIN IMMEDIATE on a connection of its own, released by a thread after `seconds`."""

    def __init__(self, path: Path, seconds: float = HELD_S) -> None:
        self.released_at = float("inf")
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("BEGIN IMMEDIATE")
        self.taken_at = time.monotonic()
        self._thread = threading.Thread(target=self._release, args=(seconds,), daemon=True)
        self._thread.start()

    def _release(self, seconds: float) -> None:
        time.sleep(seconds)
        self._conn.execute("COMMIT")
        self._conn.close()
        self.released_at = time.monotonic()

    def wait(self, qtbot: QtBot) -> None:
        """Until released, the event loop running (the heartbeat with it)."""
        qtbot.waitUntil(lambda: self.released_at < float("inf"), timeout=10_000)


class Heartbeat:
    """When the event loop ran: a QTimer's ticks."""

    def __init__(self) -> None:
        self.beats: list[float] = [time.monotonic()]
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(lambda: self.beats.append(time.monotonic()))
        self.timer.start()

    def longest_gap(self, start: float, end: float) -> float:
        during = [t for t in self.beats if start <= t <= end]
        assert len(during) >= 2, "the event loop never ran"
        edges = [start, *during, end]
        return max(b - a for a, b in zip(edges, edges[1:], strict=False))


def _book(tmp_path: Path) -> URL:
    url = make_url(f"sqlite:///{tmp_path / 'books.db'}")
    opened = databases.create_database(url)
    flow_41(opened.db, opened.actor)
    databases.close(opened.db)
    return url


@pytest.fixture
def desk(qtbot: QtBot, qsettings: QSettings) -> Iterator[tuple[AppContext, MainWindow]]:
    """A window as `coliv` starts it (the rent run and the day's backup on every open)."""
    ctx = AppContext(qsettings)
    startup.install(ctx)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    yield ctx, window
    ctx.tasks.wait_idle()
    ctx.close_database()
    ctx.tasks.wait_idle()


def _open(qtbot: QtBot, window: MainWindow, url: URL) -> tuple[float, BaseException | None]:
    done: list[tuple[float, BaseException | None]] = []
    window.databases.open_url(url, on_done=lambda _r, e: done.append((time.monotonic(), e)))
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    return done[0]


def test_opening_waits_for_the_lock_while_the_window_answers(
        qtbot: QtBot, desk: tuple[AppContext, MainWindow], tmp_path: Path) -> None:
    ctx, window = desk
    url = _book(tmp_path)
    heart = Heartbeat()
    lock = WriteLock(tmp_path / "books.db")
    finished_at, error = _open(qtbot, window, url)  # opening writes (the acting user): waits
    lock.wait(qtbot)
    assert error is None and ctx.has_database
    assert finished_at >= lock.released_at  # it did wait for the lock ...
    assert heart.longest_gap(lock.taken_at, lock.released_at) < LONGEST_GAP_S  # ... not frozen
    settle(window)
    assert window.pane("dashboard").rooms_card.value.text() == "0/7"  # type: ignore[attr-defined]


def test_back_up_and_restore_while_another_process_writes(
        qtbot: QtBot, desk: tuple[AppContext, MainWindow], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, window = desk
    url = _book(tmp_path)
    assert _open(qtbot, window, url)[1] is None
    settle(window)
    qtbot.wait(startup.AFTER_FIRST_PAINT_MS + 100)  # the rent run on open is done
    settle(window)
    reports: list[str] = []
    dialogs: list[Any] = []
    said: list[tuple[float, str]] = []
    ctx.bus.status_message.connect(lambda text: said.append((time.monotonic(), text)))
    databases_ui = type(window.databases)
    monkeypatch.setattr(databases_ui, "report", lambda self, title, text: reports.append(text))
    monkeypatch.setattr(databases_ui, "ask", lambda self, title, text: True)

    def run_dialog(_self: object, dialog: QDialog) -> int:
        dialogs.append(dialog)  # not shown: the test drives it
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(databases_ui, "run_dialog", run_dialog)
    heart = Heartbeat()

    # Back Up Now: the copy reads (WAL: readers pass a writer), in a worker all the same
    lock = WriteLock(tmp_path / "books.db")
    menu_action(window, "backup").trigger()
    qtbot.waitUntil(lambda: bool(reports), timeout=20_000)
    assert reports[-1].startswith("A copy of the database is in")
    manual = [b for b in backups.list_backups(url) if b.label == "manual"]
    assert len(manual) == 1
    lock.wait(qtbot)
    assert heart.longest_gap(lock.taken_at, lock.released_at) < LONGEST_GAP_S
    portfolio.add_property(ctx.db, ctx.actor, _later())

    # Restore from Backup: writes the file and its audit entry, then opens it again: waits
    menu_action(window, "restore_backup").trigger()
    ctx.tasks.wait_idle()  # the backups are listed in a worker
    dialog = dialogs[-1]
    dialog.view.selectRow(0)
    lock = WriteLock(tmp_path / "books.db")
    dialog.restore_selected()
    qtbot.waitUntil(lambda: any(text.startswith("Opened") for _, text in said),
                    timeout=20_000)
    lock.wait(qtbot)
    restored_at = next(t for t, text in said if text.startswith("Restored from"))
    assert restored_at >= lock.released_at
    assert heart.longest_gap(lock.taken_at, lock.released_at) < LONGEST_GAP_S
    settle(window)
    assert {p.name for p in portfolio.list_properties(ctx.db, ctx.actor)} == {"Downtown Loft"}


def _later() -> Any:
    from coliv_desktop.schemas import build
    from coliv_desktop.schemas.portfolio import PropertyCreate

    return build(PropertyCreate, name="Added Later", address="9 Elm St", city="Austin",
                 state="TX", zip="78702")


def test_every_pane_and_a_dialog_save_while_another_process_writes(
        qtbot: QtBot, desk: tuple[AppContext, MainWindow], tmp_path: Path) -> None:
    """Every pane shown (reads pass a writer on SQLite's WAL) and a room's rent saved from its
    dialog (the save waits for the lock): the event loop keeps ticking throughout; the dialog
    stays open with its buttons off until the save is through, then closes with it saved."""
    from coliv_desktop.ui.portfolio.rooms import RoomDialog
    from coliv_desktop.ui.shell.panes import PANES
    from tests.ui.helpers import type_into

    ctx, window = desk
    url = _book(tmp_path)
    assert _open(qtbot, window, url)[1] is None
    settle(window)
    qtbot.wait(startup.AFTER_FIRST_PAINT_MS + 100)  # the rent run on open is done
    settle(window)
    room = next(r for r in portfolio.list_rooms(ctx.db, ctx.actor) if r.rent_amount is not None)
    heart = Heartbeat()

    lock = WriteLock(tmp_path / "books.db", seconds=3 * HELD_S)
    for spec in PANES:
        window.show_pane(spec.key)
        settle(window)
        assert window.current_pane == spec.key
    dialog = RoomDialog(ctx, room, parent=window)
    dialog.show()
    ctx.tasks.wait_idle()
    type_into(qtbot, dialog.fields.widgets["rent_amount"], "1234.00")
    dialog.submit()
    assert dialog.saving and not dialog.buttons.isEnabled()  # waiting for the lock
    dialog.reject()  # Esc while saving: the save finishes first
    assert dialog.isVisible()
    lock.wait(qtbot)
    qtbot.waitUntil(lambda: not dialog.saving, timeout=10_000)
    assert heart.longest_gap(lock.taken_at, lock.released_at) < LONGEST_GAP_S
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert str(portfolio.get_room(ctx.db, ctx.actor, room.id).rent_amount) == "1234.00"


def test_a_book_another_program_writes_is_offered_read_only(
        qtbot: QtBot, desk: tuple[AppContext, MainWindow], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One writer per file: while another program holds the book's writer lock, opening it
    names the holder and offers it read-only; yes opens it so (the title says it, writes are
    refused), and the lock stays the other program's."""
    import subprocess
    import sys

    ctx, window = desk
    url = _book(tmp_path)
    asked: list[str] = []
    databases_ui = type(window.databases)
    monkeypatch.setattr(databases_ui, "ask", lambda self, title, text: asked.append(text) or True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from sqlalchemy.engine import make_url\n"
         "from coliv_desktop.services import databases\n"
         "opened = databases.open_database(make_url(sys.argv[1]))\n"
         "print('held', flush=True)\n"
         "time.sleep(60)\n", str(url)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        _open(qtbot, window, url)
        qtbot.waitUntil(lambda: ctx.has_database, timeout=20_000)
        assert asked and f"process {holder.pid}" in asked[0]
        assert ctx.db.read_only and "(read-only)" in window.windowTitle()
        assert databases.writer_holder(url) is not None
    finally:
        holder.kill()
        holder.wait()
