"""The archive: every archived property, unit and room, newest first, each one restorable
(undoably) — archiving keeps history, and this is the way back."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas.portfolio import ArchivedItem
from coliv_desktop.services import portfolio
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, list_filter


class ArchiveDialog(QDialog):
    def __init__(self, ctx: AppContext, editing: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Archived properties, units and rooms")
        self.resize(640, 420)
        self.ctx = ctx
        self.editing = editing
        self.model: RowTableModel[ArchivedItem] = RowTableModel([
            Column("kind", "What", lambda r: r.kind, width=80),
            Column("label", "Name", lambda r: r.label, width=330),
            Column("archived", "Archived", lambda r: r.archived_at.date(), "date", width=100),
        ])
        self.view = ListView(self.model, ctx.settings, "archive")
        self.view.doubleClicked.connect(lambda *_: self.restore_selected())
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.restore_button = QPushButton("Restore")
        self.restore_button.setObjectName("restore_archived")
        self.restore_button.setToolTip("Bring the selected one back (Ctrl+Z archives it again)")
        self.restore_button.clicked.connect(lambda *_: self.restore_selected())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.restore_button)
        bottom.addWidget(self.note, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(list_filter([self.view], "Filter the archive"))
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.reload()

    def reload(self, said: str | None = None) -> None:
        """The archived rows (a short list), read in the background; `said` is the note then
        (what was just done)."""
        db = self.ctx.db
        actor = self.ctx.actor

        def done(items: list[ArchivedItem] | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None or items is None:
                self.note.setText(str(error))
                return
            self._show(items)
            if said:
                self.note.setText(said)

        self.restore_button.setEnabled(False)
        self.ctx.run_task(lambda: portfolio.archived_items(db, actor), done)

    def _show(self, items: list[ArchivedItem]) -> None:
        self.model.set_rows(items)
        self.note.setText(f"{len(items)} archived" if items else
                          "Nothing is archived. Archive Selected (Ctrl+Del) keeps a property, "
                          "unit or room's history and takes it out of the lists.")
        self.restore_button.setEnabled(bool(items))

    def restore_selected(self) -> bool:
        row = self.view.current_row()
        if not isinstance(row, ArchivedItem):
            self.note.setText("Select what to restore.")
            return False
        def done(restored: bool) -> None:
            if shiboken6.isValid(self):  # the list again (read in the background), then the note
                self.reload(f"Restored {row.label}." if restored else None)

        self.editing.restore(row.kind, row.id, on_done=done)
        return True
