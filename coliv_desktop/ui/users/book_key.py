"""File ▸ Book Key: the owner prints the recovery sheet of the book's key, or types the key
back in from it on a computer whose keychain lacks it (a new desk, a reinstalled system).
The same as `coliv db recovery-sheet` and `coliv db recovery-key --set`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFileDialog, QLineEdit, QWidget

from coliv_desktop.services import protection
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.common.widgets import muted, not_saved


class EnterBookKeyDialog(FormDialog):
    """The key, typed from the recovery sheet (spaces between its groups are fine)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Enter Key from Recovery Sheet", parent, runner=ctx,
                         save_text="Use this key")
        self.ctx = ctx
        self.body.insertWidget(1, muted(
            "The tenants' protected fields (ID numbers, bank details, emergency phone numbers) "
            "are encrypted with the book's key, kept in this computer's keychain. Type it "
            "from the recovery sheet the owner printed; it is checked against the book before "
            "it is kept."))
        self.key = QLineEdit()
        self.key.setFont(QFont("monospace"))
        self.key.setPlaceholderText("XXXX XXXX XXXX …")
        self.fields.add("key", "Key", self.key)
        self.finish_layout()

    def build_input(self) -> str:
        return self.key.text()

    def save(self, data: str) -> str:
        return protection.set_book_key(self.ctx.db, self.ctx.actor, data)

    def after_save(self, result: Any) -> None:
        self.ctx.refresh_all("The book's key is in this computer's keychain")


def save_recovery_sheet(ctx: AppContext, parent: QWidget,
                        target: str | None = None) -> None:
    """Ask where, then write the sheet there in the background (never into a temporary
    folder: it holds the key) and say what to do with it."""
    if target is None:
        target, _ = QFileDialog.getSaveFileName(parent, "Save the recovery sheet",
                                                "coliv-recovery-sheet.pdf", "PDF (*.pdf)")
    if not target:
        return
    db, actor, out = ctx.db, ctx.actor, Path(target)

    def done(path: Any, error: BaseException | None) -> None:
        if error is not None:
            ctx.bus.error.emit(f"The recovery sheet was not saved: {not_saved(error) or error}")
            return
        ctx.bus.status_message.emit(
            f"Wrote {path}: print it, keep it somewhere safe, then delete the file")

    ctx.run_task(lambda: protection.recovery_sheet_pdf(db, actor, out), done)
