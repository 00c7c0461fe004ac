"""File menu work: new/open SQLite files, connect to PostgreSQL, recent databases, back up,
copy the database to PostgreSQL, the demo portfolio. Opening runs in a worker (it may upgrade
and back up the schema)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from coliv_desktop import config
from coliv_desktop.domain.errors import BookInUse, ColivError, SignInRequired
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.tasks import TaskCancelled, TaskControl, run_with_progress
from coliv_desktop.ui.common.widgets import later, not_saved

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from coliv_desktop.services.databases import OpenedDatabase

FILE_FILTER = "CoLiv databases (*.db *.sqlite);;All files (*)"
JSON_FILTER = "CoLiv exports (*.json);;All files (*)"


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

    def choose_json_to_write(self) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export to JSON",
                                              str(config.data_dir() / "coliv-export.json"),
                                              JSON_FILTER)
        return path or None

    def choose_json_to_read(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Import from JSON",
                                              str(config.data_dir()), JSON_FILTER)
        return path or None

    def run_dialog(self, dialog: QDialog) -> int:
        return dialog.exec()

    def report(self, title: str, text: str) -> None:
        QMessageBox.information(self.window, title, text)

    def fail(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    # --- opening --------------------------------------------------------------------------

    def open_url(self, url: URL | str, *,
                 opener: Callable[..., OpenedDatabase] | None = None,
                 on_done: Callable[[Any, BaseException | None], None] | None = None) -> None:
        """Open in a worker; a progress dialog appears if it takes long (an upgrade with its
        backup, a slow server). Cancel keeps the current database open. `url` may be the
        address as typed: the worker parses it."""
        label = config.display_text(url) if isinstance(url, str) else config.display_url(url)
        self.ctx.bus.status_message.emit(f"Opening {label} …")
        if not self.ctx.has_database:
            opening = getattr(self.window, "show_opening", None)
            if callable(opening):
                opening(label)

        def finished(result: Any, error: BaseException | None) -> None:
            if isinstance(error, TaskCancelled):
                self.ctx.bus.status_message.emit(f"Did not open {label}")
            elif error is None:
                self.ctx.set_database(result)
                self.ctx.bus.status_message.emit(f"Opened {label}")
            elif isinstance(error, SignInRequired):
                if self._signed_in(url, label, on_done):
                    return
                self.ctx.bus.status_message.emit(f"Did not open {label}: nobody signed in")
            elif isinstance(error, BookInUse) and opener is None and self.ask(
                    "The database is in use",
                    f"{label}\n\n{error}\n\nOpen it read-only? You can look at everything "
                    "and print; changes are refused until it is opened again once the other "
                    "program has closed it."):
                self.open_url(url, opener=_read_only, on_done=on_done)
                return
            else:
                reason = str(error) if isinstance(error, ColivError) else \
                    f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                self.fail("Could not open the database", f"{label}\n\n{reason}")
            if error is not None and not self.ctx.has_database:
                welcome = getattr(self.window, "show_welcome", None)
                if callable(welcome):
                    welcome()
            if on_done is not None:
                on_done(result, error)

        def work(control: TaskControl) -> OpenedDatabase:
            # the services (and SQLAlchemy under them) load here, in the worker, the first time
            from coliv_desktop.services import databases

            target = config.parse_db_url(url) if isinstance(url, str) else url
            open_fn = opener or databases.open_database
            opened = open_fn(target, lambda text: control.progress(0, 0, text))
            if control.cancelled:
                databases.close(opened.db)
                control.check()
            return opened

        # The first database of a session opens while the window says so (and loads the
        # database layers then): the dialog is for opening one more, or for a slow upgrade.
        # `later`: a refusal may open a modal question or the sign-in dialog, outside the
        # task's delivery (which would otherwise count as running until it closed)
        run_with_progress(self.ctx.tasks, self.window, f"Opening {label}", work,
                          later(finished), show_after_ms=500 if self.ctx.has_database else 3000)

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
        self.open_url(config.parse_db_url(f"sqlite:///{target}"), opener=_create)

    def open_database(self) -> None:
        path = self.choose_existing_file()
        if path:
            self.open_url(config.parse_db_url(f"sqlite:///{Path(path)}"))

    def connect_postgres(self) -> None:
        from coliv_desktop.ui.shell.connect import ConnectDialog

        dialog = ConnectDialog(self.window)
        if self.run_dialog(dialog) == QDialog.DialogCode.Accepted and dialog.url is not None:
            self.open_url(dialog.url)

    def copy_to_postgres(self) -> None:
        """Copy the open database to an empty PostgreSQL database (the office outgrows one
        desk), verify row counts and money totals, then offer to switch to it. The copy is
        one transaction: cancelled or failed, the target stays empty."""
        from coliv_desktop.services import portability
        from coliv_desktop.ui.shell.connect import ConnectDialog

        if not self.ctx.has_database:
            return
        dialog = ConnectDialog(self.window, title="Copy this database to PostgreSQL",
                               save_text="Copy")
        if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.url is None:
            return
        target_url = dialog.url
        label = config.display_url(target_url)
        source, actor = self.ctx.db, self.ctx.actor

        def work(control: TaskControl) -> list[Any]:
            def step(done: int, total: int, text: str) -> None:
                control.check()
                control.progress(done, total, f"Copying {text}…")

            control.progress(0, 0, f"Preparing {label} …")
            return portability.transfer_to(source, actor, target_url, step,
                                           opening=lambda text: control.progress(0, 0, text))

        def finished(checks: Any, error: BaseException | None) -> None:
            if isinstance(error, TaskCancelled):
                self.ctx.bus.status_message.emit(f"Copy to {label} cancelled; nothing was "
                                                 "written there")
                return
            if error is not None:
                self.fail("Could not copy the database", f"{label}\n\n{error}")
                return
            rows = sum(c.rows_target for c in checks)
            self.ctx.bus.status_message.emit(f"Copied {rows:,} rows to {label}: verified")
            if self.ask("Database copied",
                        f"Copied and verified: {len(checks)} tables, {rows:,} rows, every "
                        f"money total equal, in {label}.\n\nOpen the copy now? (Other "
                        "computers connect to it with File ▸ Connect to PostgreSQL.)"):
                self.open_url(target_url)

        run_with_progress(self.ctx.tasks, self.window, f"Copying to {label}", work, finished)

    def _signed_in(self, url: URL | str, label: str,
                   on_done: Callable[[Any, BaseException | None], None] | None) -> bool:
        """The book has passwords: ask who is at the keyboard (the dialog opens the book as
        them, trying again after a refusal). False when the person cancels."""
        from coliv_desktop.ui.shell.sign_in import SignInDialog

        target = config.parse_db_url(url) if isinstance(url, str) else url
        dialog = SignInDialog(self.ctx, target, label, parent=self.window)
        if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return False
        self.ctx.set_database(dialog.saved)
        self.ctx.bus.status_message.emit(f"Opened {label} as {dialog.saved.actor.name}")
        if on_done is not None:
            on_done(dialog.saved, None)
        return True

    def ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.window, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def start_empty(self) -> None:
        self.open_url(config.parse_db_url(config.default_db_url()), opener=_create)

    def start_demo(self) -> None:
        self.open_url(config.parse_db_url(config.demo_db_url()), opener=_open_demo)

    def back_up(self) -> None:
        """File ▸ Back Up Now, in a worker: a SQLite file is copied into its backups folder
        (behind another process's write lock that waits, so the window must not); a server
        database is exported, every table, into the backups folder under the data folder."""
        if not self.ctx.has_database:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def work(control: TaskControl) -> Any:
            from coliv_desktop.services import databases

            control.progress(0, 0, "Copying the database …" if db.is_sqlite
                             else "Writing every table …")
            return databases.back_up(db, actor)

        def finished(result: Any, error: BaseException | None) -> None:
            if isinstance(error, TaskCancelled):
                return
            if error is not None and not db.is_sqlite:
                self.fail("Could not export", not_saved(error) or str(error))
                return
            if error is not None:
                if not isinstance(error, ColivError | OSError):
                    raise error  # a bug: the crash reporter's
                # a backups folder that cannot be written
                self.fail("Could not back up", not_saved(error) or str(error))
                return
            if result is None:
                self.fail("Back up", "This database has no file to copy.")
                return
            if result.rows is None:
                self.ctx.bus.status_message.emit(f"Backed up to {result.path}")
                self.report("Backed up", f"A copy of the database is in\n{result.path}")
            else:
                self._exported("Backed up", result.path, result.rows)

        run_with_progress(self.ctx.tasks, self.window, "Backing up", work, finished)

    def restore_backup(self) -> QDialog | None:
        """File ▸ Restore from Backup…: the backups of this database file, one put back."""
        if not self.ctx.has_database:
            return None
        if not config.is_sqlite(self.ctx.db.url):
            self.report("Restore from backup",
                        "A shared PostgreSQL database is restored by its server's own "
                        "backups. A JSON export (File ▸ Back Up Now writes one) can be loaded "
                        "into an empty database with File ▸ Import from JSON.")
            return None
        from coliv_desktop.ui.shell.backups import BackupsDialog

        dialog = BackupsDialog(self.ctx, self, self.window)
        self.run_dialog(dialog)
        return dialog

    # --- JSON export and import (every table, full fidelity) --------------------------------

    def export_json(self) -> None:
        from coliv_desktop.services import portability

        path = self.choose_json_to_write()
        if not path:
            return
        db, actor, target = self.ctx.db, self.ctx.actor, Path(path)
        self._export("Exported", lambda: (target, portability.export_file(db, actor, target)))

    def _export(self, done_title: str, write: Callable[[], tuple[Path, dict[str, int]]]
                ) -> None:
        """Write an export in the background, then say where it is."""
        def work(control: TaskControl) -> tuple[Path, dict[str, int]]:
            control.progress(0, 0, "Writing every table …")
            return write()

        def finished(result: Any, error: BaseException | None) -> None:
            if error is not None:
                self.fail("Could not export", not_saved(error) or str(error))
                return
            self._exported(done_title, *result)

        run_with_progress(self.ctx.tasks, self.window, "Exporting", work, finished)

    def _exported(self, done_title: str, target: Path, counts: dict[str, int]) -> None:
        rows = sum(counts.values())
        self.ctx.bus.status_message.emit(f"{done_title}: {rows:,} rows to {target}")
        self.report(done_title, f"Every table ({rows:,} rows) is in\n{target}\n\n"
                                "File ▸ Import from JSON (into an empty database) or "
                                "`coliv import` reads it back.")

    def import_json(self) -> None:
        """Load an export into the open database, which must be empty (one transaction)."""
        from coliv_desktop.services import portability

        path = self.choose_json_to_read()
        if not path:
            return
        db, actor, source = self.ctx.db, self.ctx.actor, Path(path)

        def work(control: TaskControl) -> dict[str, int]:
            control.progress(0, 0, f"Reading {source.name} …")
            return portability.import_file(db, actor, source)

        def finished(counts: Any, error: BaseException | None) -> None:
            if error is not None:
                self.fail("Could not import", f"{source}\n\n{error}\n\nNothing was changed.")
                return
            rows = sum(counts.values())
            self.report("Imported", f"{rows:,} rows from\n{source}")
            # everything changed, the settings (currency, locale) too: open it again, as on
            # any switch of database (every pane reloads, the rent run on open runs)
            self.open_url(db.url)

        run_with_progress(self.ctx.tasks, self.window, "Importing", work, finished)

    # --- verifying the books ----------------------------------------------------------------

    def verify_books(self) -> None:
        """Check the whole database against the ledger's and the leases' rules (read only)."""
        from coliv_desktop.services import integrity

        db = self.ctx.db
        actor = self.ctx.actor

        def work(control: TaskControl) -> list[Any]:
            control.progress(0, 0, "Checking every charge, payment and lease …")
            return integrity.verify_books(db, actor)

        def finished(results: Any, error: BaseException | None) -> None:
            if error is not None:
                self.fail("Could not verify the books", str(error))
                return
            lines = []
            for r in results:
                lines.append(f"{'✓' if r.ok else '✗'} {r.name}")
                lines += [f"      {problem}" for problem in r.problems]
            failed = sum(1 for r in results if not r.ok)
            if failed:
                self.fail("Verify books", f"{failed} of {len(results)} checks found problems "
                          "(nothing was changed):\n\n" + "\n".join(lines))
            else:
                self.report("Verify books", f"All {len(results)} checks passed.\n\n"
                            + "\n".join(lines))
            self.ctx.bus.status_message.emit(
                f"Books verified: {len(results) - failed} of {len(results)} checks passed")

        run_with_progress(self.ctx.tasks, self.window, "Verifying the books", work, finished)

    def show_audit_log(self) -> Any:
        from coliv_desktop.ui.shell.history import HistoryDialog

        dialog = HistoryDialog(self.ctx, self.window)
        self.run_dialog(dialog)
        return dialog



def _create(url: URL, progress: Callable[[str], None] | None = None) -> OpenedDatabase:
    """New Database and the welcome screen's empty portfolio (runs in the opening worker)."""
    from coliv_desktop.services import databases

    return databases.create_database(url, progress)


def _open_demo(url: URL, progress: Callable[[str], None] | None = None) -> OpenedDatabase:
    """The welcome screen's demo portfolio (runs in the opening worker)."""
    from coliv_desktop.services import databases

    return databases.open_demo(url, progress)


def _read_only(url: URL, progress: Callable[[str], None]) -> OpenedDatabase:
    """Open without the writer lock (another program writes the book): every write refused."""
    from coliv_desktop.services import databases

    return databases.open_database(url, progress, read_only=True)
