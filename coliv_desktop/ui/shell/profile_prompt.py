"""Before a database's first document: a business profile with no name prints a stand-in
letterhead ("Your co-living operator"), so the app asks once (Open Settings… / Print anyway /
Cancel). Every place that starts a document goes through `with_profile`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from coliv_desktop.services import printing
from coliv_desktop.ui.common.context import AppContext

PROFILE_ANSWERED = "profile_prompt_generation"  # ctx property: the database it was settled for


def mark_profile_answered(ctx: AppContext) -> None:
    """No more asking about the business profile for the open database (it is set, or the
    operator chose to print anyway)."""
    ctx.setProperty(PROFILE_ANSWERED, ctx.generation)


def with_profile(ctx: AppContext, parent: QWidget, proceed: Callable[[], None]) -> None:
    """Before a document: a book whose business profile has no name prints a stand-in
    letterhead, so the first document of each database asks once (Open Settings… / Print
    anyway / Cancel); then `proceed()` makes the document."""
    if ctx.property(PROFILE_ANSWERED) == ctx.generation:
        proceed()
        return
    db = ctx.db
    actor = ctx.actor

    def checked(is_set: Any, error: BaseException | None) -> None:
        if error is not None:
            ctx.bus.error.emit(str(error))
        elif is_set:
            mark_profile_answered(ctx)
            proceed()
        else:
            ask_for_profile(ctx, parent, proceed)

    ctx.run_task(lambda: printing.profile_is_set(db, actor), checked)


def ask_for_profile(ctx: AppContext, parent: QWidget, proceed: Callable[[], None]) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Question, "Business profile",
                      "Your business profile has no name yet, so this document would print "
                      f"“{printing.UNNAMED}” as its letterhead, without your address and contact "
                      "details.", parent=parent)
    box.setObjectName("profile_prompt")
    box.setInformativeText("Fill in the profile in Settings (asked once for this database).")
    settings = box.addButton("Open Settings…", QMessageBox.ButtonRole.AcceptRole)
    anyway = box.addButton("Print anyway", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(settings)

    def answered(button: Any) -> None:
        if button is anyway:
            mark_profile_answered(ctx)
            proceed()
        elif button is settings and ctx.editing is not None:
            def saved(_: Any) -> None:  # the document gets the profile
                mark_profile_answered(ctx)
                proceed()

            ctx.editing.settings(on_saved=saved)

    box.buttonClicked.connect(answered)
    box.open()
    parent.setProperty("profile_prompt", box)
    return box
