"""File menu work: new/open SQLite files, connect to PostgreSQL, recent databases, back up,
the demo portfolio. Opening runs in a worker (it may upgrade and back up the schema)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget
from sqlalchemy.engine import URL

from coliv_desktop import config
from coliv_desktop.db.migrate import backup_sqlite
from coliv_desktop.domain.errors import ColivError
from coliv_desktop.ui.context import AppContext, OpenedDatabase, open_database_blocking
from coliv_desktop.ui.dialogs.connect import ConnectDialog
from coliv_desktop.ui.tasks import TaskCancelled, TaskControl, run_with_progress

FILE_FILTER = "CoLiv databases (*.db *.sqlite);;All files (*)"


def open_demo_blocking(url: URL, progress: Callable[[str], None] | None = None
                       ) -> OpenedDatabase:
    """Open the demo file, loading the demo portfolio into it the first time."""
    from coliv_desktop.services import demo, portfolio

    opened = open_database_blocking(url, progress)
    if not portfolio.list_properties(opened.db, include_archived=True):
        demo.load_demo(opened.db, opened.actor)
    return opened


class Databases(QObject):
    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window

    # --- file choosers (replaced in tests) ------------------------------------------------------

    def choose_new_file(self) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.window, "New database",
                                              str(config.data_dir() / "coliv.db"), FILE_FILTER)
        return path or None

    def choose_existing_file(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open database",
                                              str(config.data_dir()), FILE_FILTER)
        return path or None

    def run_dialog(self, dialog: QDialog) -> int:
        return dialog.exec()

    def report(self, title: str, text: str) -> None:
        QMessageBox.information(self.window, title, text)

    def fail(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    # --- opening --------------------------------------------------------------------------

    def open_url(self, url: URL, *, opener: Callable[..., OpenedDatabase] | None = None,
                 on_done: Callable[[Any, BaseException | None], None] | None = None) -> None:
        """Open in a worker; a progress dialog appears if it takes long (an upgrade with its
        backup, a slow server). Cancel keeps the current database open."""
        label = config.display_url(url)
        self.ctx.bus.status_message.emit(f"Opening {label} …")
        open_fn = opener or open_database_blocking

        def finished(result: Any, error: BaseException | None) -> None:
            if isinstance(error, TaskCancelled):
                self.ctx.bus.status_message.emit(f"Did not open {label}")
            elif error is None:
                self.ctx.set_database(result)
                self.ctx.bus.status_message.emit(f"Opened {label}")
            else:
                reason = str(error) if isinstance(error, ColivError) else \
                    f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                self.fail("Could not open the database", f"{label}\n\n{reason}")
            if on_done is not None:
                on_done(result, error)

        def work(control: TaskControl) -> OpenedDatabase:
            opened = open_fn(url, lambda text: control.progress(0, 0, text))
            if control.cancelled:
                opened.db.dispose()
                control.check()
            return opened

        run_with_progress(self.ctx.tasks, self.window, f"Opening {label}", work, finished)

    def open_text(self, text: str) -> None:
        try:
            url = config.parse_db_url(text)
        except ColivError as exc:
            self.fail("Not a database address", str(exc))
            return
        self.open_url(url)

    def new_database(self) -> None:
        path = self.choose_new_file()
        if not path:
            return
        target = Path(path)
        if target.suffix == "":
            target = target.with_suffix(".db")
        if target.exists():
            self.fail("New database", f"{target} already exists; use Open Database instead.")
            return
        self.open_url(config.parse_db_url(f"sqlite:///{target}"))

    def open_database(self) -> None:
        path = self.choose_existing_file()
        if path:
            self.open_url(config.parse_db_url(f"sqlite:///{Path(path)}"))

    def connect_postgres(self) -> None:
        dialog = ConnectDialog(self.window)
        if self.run_dialog(dialog) == QDialog.DialogCode.Accepted and dialog.url is not None:
            self.open_url(dialog.url)

    def start_empty(self) -> None:
        self.open_url(config.parse_db_url(config.default_db_url()))

    def start_demo(self) -> None:
        self.open_url(config.parse_db_url(config.demo_db_url()), opener=open_demo_blocking)

    def back_up(self) -> Path | None:
        if not self.ctx.has_database:
            return None
        url = self.ctx.db.url
        if not config.is_sqlite(url):
            self.fail("Back up", "Back Up Now copies SQLite files. Back up a PostgreSQL "
                      "database with pg_dump, or with `coliv export FILE.json`.")
            return None
        path = backup_sqlite(url, "manual")
        if path is None:
            self.fail("Back up", "This database has no file to copy.")
            return None
        self.ctx.bus.status_message.emit(f"Backed up to {path}")
        self.report("Backed up", f"A copy of the database is in\n{path}")
        return path
