"""What the app does when a database opens: the day's backup of the file, then the rent run
(posts what is due today and says so)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coliv_desktop.ui.common.context import AppContext

if TYPE_CHECKING:
    from coliv_desktop.schemas.ledger import RentRunResult


def describe(result: RentRunResult) -> str:
    if result.charges_created == 0 and result.late_fees_created == 0:
        return f"Rent is up to date through {result.through:%B %d, %Y}: nothing new to post."
    parts = [f"{result.charges_created - result.deposits_created} rent charges"]
    if result.deposits_created:
        parts.append(f"{result.deposits_created} deposits")
    if result.late_fees_created:
        parts.append(f"{result.late_fees_created} late fees")
    return f"Rent run through {result.through:%B %d, %Y}: posted " + ", ".join(parts) + "."


def run_rent_on_open(ctx: AppContext) -> None:
    """The day's backup of a database file (before anything is written), then everything due
    up to today posted, in the background; then tell the operator."""
    from coliv_desktop.services import backups, reminders, rent_run
    from coliv_desktop.services.clock import today

    if not ctx.has_database:
        return
    db, actor, day = ctx.db, ctx.actor, today()
    posting = actor.may("ledger.write")

    def work() -> tuple[Path | None, str | None, RentRunResult | None, int]:
        try:
            made, problem = backups.daily_backup(db.url), None
        except (OSError, sqlite3.Error) as exc:  # a full disk, a folder not writable
            made, problem = None, f"{type(exc).__name__}: {exc}"
        if not posting:
            return made, problem, None, 0
        result = rent_run.run_rent(db, actor, day)
        return made, problem, result, reminders.refresh_outbox(db, actor, day)

    def done(outcome: Any, error: BaseException | None) -> None:
        if error is not None:
            ctx.bus.error.emit(f"The rent run did not complete: {error}")
            return
        made, problem, result, reminded = outcome
        if problem:
            ctx.bus.error.emit(f"Today's automatic backup could not be made ({problem}). "
                               "Use File ▸ Back Up Now to try again.")
        if result is None:
            return
        text = describe(result)
        if reminded:
            text += f" {reminded} reminders are waiting in the outbox."
        if made is not None:
            text += " Today's backup is made."
        ctx.bus.status_message.emit(text)
        if result.charges_created or result.late_fees_created:
            ctx.bus.ledger_changed.emit()

    ctx.run_task(work, done)


AFTER_FIRST_PAINT_MS = 250


def install(ctx: AppContext) -> None:
    """Run the rent run each time a database is opened (the main window calls this once),
    once the window's first loads are in and painted: the operator sees the dashboard first,
    and its first paint does not share the machine with the rent run."""
    from PySide6.QtCore import QTimer

    def later() -> None:
        QTimer.singleShot(AFTER_FIRST_PAINT_MS, lambda: run_rent_on_open(ctx))

    ctx.bus.database_switched.connect(lambda: ctx.tasks.when_idle(later))
