"""The rent run the app does when a database opens: posts what is due today and says so."""

from __future__ import annotations

from typing import Any

from coliv_desktop.schemas.ledger import RentRunResult
from coliv_desktop.services import reminders, rent_run
from coliv_desktop.services.clock import today
from coliv_desktop.ui.context import AppContext


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
    """Post everything due up to today in the background, then tell the operator."""
    if not ctx.has_database or not ctx.actor.may("ledger.write"):
        return
    db, actor, day = ctx.db, ctx.actor, today()

    def work() -> tuple[RentRunResult, int]:
        result = rent_run.run_rent(db, actor, day)
        return result, reminders.refresh_outbox(db, actor, day)

    def done(outcome: Any, error: BaseException | None) -> None:
        if error is not None:
            ctx.bus.error.emit(f"The rent run did not complete: {error}")
            return
        result, reminded = outcome
        text = describe(result)
        if reminded:
            text += f" {reminded} reminders are waiting in the outbox."
        ctx.bus.status_message.emit(text)
        if result.charges_created or result.late_fees_created:
            ctx.bus.ledger_posted.emit()

    ctx.run_task(work, done)


def install(ctx: AppContext) -> None:
    """Run the rent run each time a database is opened (the main window calls this once)."""
    ctx.bus.database_switched.connect(lambda: run_rent_on_open(ctx))
