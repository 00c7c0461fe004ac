"""Undo and redo never freeze the window (issue 11): with another connection holding the write
lock (a `coliv rent run` from a script, another desk's long transaction), Ctrl+Z returns at
once, the event loop keeps turning, and the undo lands once the lock is released.

SQLite: a separate sqlite3 connection to the same file holds BEGIN IMMEDIATE. PostgreSQL: a
separate connection holds the room's row (SELECT … FOR UPDATE), which the undo must write.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text

from coliv_desktop import config
from coliv_desktop.schemas import build
from coliv_desktop.schemas.portfolio import RoomUpdate
from coliv_desktop.services import portfolio
from coliv_desktop.ui.common import commands
from coliv_desktop.ui.common.context import AppContext
from tests.builders import flow_41

HELD_MS = 1000


@contextmanager
def write_lock_held(ctx: AppContext, room: uuid.UUID) -> Iterator[Callable[[], None]]:
    """Another connection holds the lock the undo needs; yields `release`."""
    path = config.sqlite_path(ctx.db.url)
    if path is not None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")

        def release() -> None:
            if other.in_transaction:
                other.execute("ROLLBACK")

        try:
            yield release
        finally:
            release()
            other.close()
        return
    engine = create_engine(ctx.db.url)
    conn = engine.connect()
    transaction = conn.begin()
    conn.execute(text("SELECT id FROM rooms WHERE id = :id FOR UPDATE"), {"id": room})

    def release_pg() -> None:
        if transaction.is_active:
            transaction.rollback()

    try:
        yield release_pg
    finally:
        release_pg()
        conn.close()
        engine.dispose()


def run_locked(qtbot: QtBot, ctx: AppContext, room: uuid.UUID, step: Callable[[], None],
               expected: Decimal) -> None:
    """`step` (Ctrl+Z or Ctrl+Shift+Z) while the lock is held for HELD_MS: it returns at once,
    a 20 ms timer keeps firing meanwhile, and the rent is `expected` once the lock is gone."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    queue = commands.undo_queue(ctx)
    with write_lock_held(ctx, room) as release:
        released: list[float] = []

        def let_go() -> None:
            release()
            released.append(time.monotonic())

        timer.start()
        QTimer.singleShot(HELD_MS, let_go)
        started = time.monotonic()
        step()
        assert time.monotonic() - started < 0.2  # the press returned at once
        assert queue.busy  # waiting for the lock, in a worker
        qtbot.waitUntil(lambda: not queue.busy, timeout=15_000)
        finished = time.monotonic()
        timer.stop()
    assert released and finished >= released[0]  # it waited for the lock...
    during = [t for t in ticks if t <= released[0]]
    assert len(during) >= HELD_MS // 20 // 3  # ...with the event loop turning meanwhile
    gaps = [b - a for a, b in zip(during, during[1:], strict=False)]
    assert max(gaps) < 0.25, max(gaps)
    assert portfolio.get_room(ctx.db, ctx.actor, room).rent_amount == expected


def test_undo_and_redo_of_a_rent_change_wait_for_the_lock_without_freezing(
        qtbot: QtBot, ctx: AppContext) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    room = flow.rooms["3B-B"]  # rent 750
    before = portfolio.get_room(ctx.db, ctx.actor, room)
    after = portfolio.update_room(ctx.db, ctx.actor, room, build(
        RoomUpdate, rent_amount="975", expected_version=before.version))
    command = commands.edit_command(ctx, before, after, "Edit room B")
    assert command is not None
    ctx.undo_stack.push(command)
    errors: list[str] = []
    ctx.bus.error.connect(errors.append)

    run_locked(qtbot, ctx, room, ctx.undo_stack.undo, Decimal("750.00"))
    assert ctx.undo_stack.index() == 0 and ctx.undo_stack.canRedo()
    run_locked(qtbot, ctx, room, ctx.undo_stack.redo, Decimal("975.00"))
    assert ctx.undo_stack.index() == 1 and ctx.undo_stack.count() == 1
    assert errors == []


def test_undo_then_redo_pressed_while_locked_run_one_after_the_other(
        qtbot: QtBot, ctx: AppContext) -> None:
    """Ctrl+Z then Ctrl+Shift+Z before the first got the lock: the redo waits for the undo
    (it expects the version the undo writes), so both go through, in order."""
    flow = flow_41(ctx.db, ctx.actor)
    room = flow.rooms["3B-B"]
    before = portfolio.get_room(ctx.db, ctx.actor, room)
    after = portfolio.update_room(ctx.db, ctx.actor, room, build(
        RoomUpdate, rent_amount="975", expected_version=before.version))
    command = commands.edit_command(ctx, before, after, "Edit room B")
    assert command is not None
    ctx.undo_stack.push(command)
    errors: list[str] = []
    ctx.bus.error.connect(errors.append)

    def both() -> None:
        ctx.undo_stack.undo()
        ctx.undo_stack.redo()

    run_locked(qtbot, ctx, room, both, Decimal("975.00"))
    assert errors == [] and ctx.undo_stack.count() == 1 and ctx.undo_stack.index() == 1
    undone = portfolio.get_room(ctx.db, ctx.actor, room)
    assert undone.version == after.version + 2  # written twice: undone, then redone
