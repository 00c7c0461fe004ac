"""File ▸ Restore from Backup…: the backups of the open database file, newest first, and
putting one back (the file as it was is kept as a before-restore backup, so a restore can be
taken back the same way)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop import config
from coliv_desktop.services import backups, databases
from coliv_desktop.services.backups import Backup
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, list_filter


class BackupsDialog(QDialog):
    def __init__(self, ctx: AppContext, databases: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.resize(840, 440)
        self.ctx = ctx
        self.databases = databases
        self.url = ctx.db.url
        self.folder = config.backups_dir(self.url)
        self.model: RowTableModel[Backup] = RowTableModel([
            Column("taken", "Taken", lambda b: b.taken_at.astimezone().strftime(
                "%Y-%m-%d %H:%M"), width=140),
            Column("kind", "Kind", lambda b: b.kind, width=200),
            Column("size", "Size (KB)", lambda b: (b.size + 1023) // 1024, "int", width=90),
            Column("file", "File", lambda b: b.path.name, width=320),
        ])
        self.view = ListView(self.model, ctx.settings, "backups", sortable=True)
        self.view.doubleClicked.connect(lambda *_: self.restore_selected())
        intro = QLabel(
            f"Backups of {config.sqlite_path(self.url)}, kept in {self.folder}. One is "
            f"taken automatically the first time the database is opened each day (the "
            "daily, weekly and monthly ones kept as File ▸ Settings ▸ Backups says: 7, 4 "
            "and 12 unless changed), before every upgrade, on closing a changed book, and with "
            "File ▸ Back Up Now. Each copy is checked as it is written. Restoring replaces "
            "everything in the database with the backup; what is there now is first kept as "
            "a “before a restore” backup.")
        intro.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("backups_note")
        self.note.setWordWrap(True)
        self.restore_button = QPushButton("Restore…")
        self.restore_button.setObjectName("restore_backup")
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(lambda *_: self.restore_selected())
        self.file_button = QPushButton("Restore a File…")
        self.file_button.setToolTip("A backup kept somewhere else (a USB stick, another folder)")
        self.file_button.clicked.connect(lambda *_: self.restore_file())
        folder_button = QPushButton("Show Folder")
        folder_button.clicked.connect(lambda *_: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(self.folder))))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        for button in (self.restore_button, self.file_button, folder_button):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(list_filter([self.view], "Filter the backups"))
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        layout.addLayout(bottom)
        self.reload()

    def reload(self) -> None:
        """List the backups in a worker: a folder on a network share can take its time."""
        self.restore_button.setEnabled(False)
        self.note.setText("Looking for backups …")
        url = self.url

        def listed(found: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):  # closed meanwhile
                return
            if error is not None:
                self.model.set_rows([])
                self.note.setText(f"Could not list the backups in {self.folder}: {error}")
                return
            self.model.set_rows(found)
            self.restore_button.setEnabled(bool(found))
            self.note.setText(f"{len(found)} backups." if found else
                              "No backups yet: File ▸ Back Up Now (Ctrl+B) makes one, and one "
                              "is made automatically each day the database is opened.")
            if found:
                self.view.selectRow(0)

        self.ctx.run_task(lambda: backups.list_backups(url), listed)

    def restore_selected(self) -> None:
        row = self.view.current_row()
        if not isinstance(row, Backup):
            self.note.setText("Select the backup to restore.")
            return
        taken = row.taken_at.astimezone().strftime("%A %B %d, %Y at %H:%M")
        self.restore_from(row.path, f"the backup taken {taken} ({row.kind})")

    def restore_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Restore from a backup file",
                                              str(self.folder), "CoLiv database (*.db)")
        if path:
            self.restore_from(Path(path), Path(path).name)

    def restore_from(self, source: Path, described: str) -> None:
        """Check the file (in a worker: a large file takes a moment to read through), confirm,
        then restore in a worker and open the restored database."""
        url = self.url
        self.setEnabled(False)
        self.note.setText(f"Checking {source.name} …")

        def checked(_revision: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):  # closed meanwhile
                return
            self.setEnabled(True)
            if error is not None:  # a service error: say what is wrong with that file
                self.note.setText(f"Cannot restore {source.name}: {error}")
                return
            self.note.setText("")
            if self.databases.ask(
                    "Restore from backup",
                    f"Replace everything in {config.sqlite_path(url)} with {described}?\n\n"
                    "What is in the database now is kept first as a “before a restore” "
                    "backup: restoring that one takes this back."):
                self._restore(source)

        self.ctx.run_task(lambda: databases.check_restore(url, source), checked)

    def _restore(self, source: Path) -> None:
        ctx, url, actor = self.ctx, self.url, self.ctx.actor
        self.setEnabled(False)
        self.note.setText(f"Restoring {source.name} …")

        def finished(restored: Any, error: BaseException | None) -> None:
            alive = shiboken6.isValid(self)
            if alive:
                self.setEnabled(True)
            if error is not None:
                if alive:
                    self.note.setText(f"Could not restore {source.name}: {error}")
                else:
                    ctx.bus.error.emit(f"Could not restore {source.name}: {error}")
                return
            if alive:
                self.accept()
            ctx.bus.status_message.emit(
                f"Restored from {source.name}; what was there is in "
                f"{restored.safety_copy.name}")
            self.databases.open_url(url)  # everything changed: open it again, as on a switch

        ctx.run_task(lambda: databases.restore(url, source, actor), finished)
