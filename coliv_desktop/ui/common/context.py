"""The application context handed to every window, pane and dialog (no globals, no singletons).

It holds the open database and the acting user, the app-wide signal bus, the QSettings, the
undo stack and the task runner. Switching databases happens here, so every pane hears of it
through one signal.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QObject, QSettings, Signal, SignalInstance
from PySide6.QtGui import QUndoStack

from coliv_desktop import config
from coliv_desktop.domain.errors import ColivError
from coliv_desktop.domain.money import MoneyFormat, format_money, set_money_format
from coliv_desktop.ui.common.tasks import Done, TaskControl, TaskRunner

if TYPE_CHECKING:  # the database layers load in the worker that opens the first database
    from sqlalchemy.engine import URL

    from coliv_desktop.services.context import Actor
    from coliv_desktop.services.databases import Database, OpenedDatabase
    from coliv_desktop.ui.common.editing_port import EditingPort

MAX_RECENT = 8


class SignalBus(QObject):
    """App-wide events. Panes subscribe instead of calling each other.

    The `*_changed` signals say "data of this kind changed: reload what you show of it". The
    `open_*` signals ask the main window to show a record (any pane may emit them).
    """

    database_switched = Signal()
    portfolio_changed = Signal()  # properties, units, rooms
    tenants_changed = Signal()
    leases_changed = Signal()
    ledger_changed = Signal()
    applications_changed = Signal()
    settings_changed = Signal()
    everything_changed = Signal()  # Refresh (F5), or another desk wrote: reload what you show

    open_pane = Signal(str)  # pane key
    # A pane at one of its views: ("leases", "overdue") the Leases pane with one filter,
    # ("ledger", "utilities") the Ledger pane's utility bills; the pane's `show_view` knows.
    open_pane_view = Signal(str, str)
    open_property = Signal(object)  # uuid.UUID
    open_unit = Signal(object)
    open_room = Signal(object)
    open_tenant = Signal(object)
    open_lease = Signal(object)

    status_message = Signal(str)  # a short note for the status bar
    error = Signal(str)  # something failed that no dialog is there to show
    # The database server stopped answering (why, in one sentence) / answers again: the
    # window's banner (`ui.shell.watch` looks every few seconds meanwhile).
    connection_lost = Signal(str)
    connection_back = Signal()

    def data_signals(self) -> tuple[SignalInstance, ...]:
        """Every "data of this kind changed" signal: each `*_changed` declared above but
        `everything_changed`, found by name so a new one cannot be left out (the change watcher
        takes each as this window's own write)."""
        return tuple(getattr(self, name) for name in DATA_SIGNALS)

    def lease_signals(self) -> tuple[SignalInstance, ...]:
        """What a lease's change changes: the leases, the rooms' occupancy, the tenants'
        standing and the ledger (its charges follow the lease)."""
        return (self.leases_changed, self.portfolio_changed, self.tenants_changed,
                self.ledger_changed)

    def open_record(self, kind: RecordKind) -> SignalInstance:
        """The signal that shows one record of `kind` in the window."""
        return {"property": self.open_property, "unit": self.open_unit, "room": self.open_room,
                "tenant": self.open_tenant, "lease": self.open_lease}[kind]


RecordKind = Literal["property", "unit", "room", "tenant", "lease"]
DATA_SIGNALS = tuple(name for name, value in vars(SignalBus).items()
                     if isinstance(value, Signal) and name.endswith("_changed")
                     and name != "everything_changed")


class IdAliases:
    """Undo of an add deletes the row; redo adds it again under a new id. Commands created
    before that refer to the old id, so they resolve ids through here."""

    def __init__(self) -> None:
        self._map: dict[uuid.UUID, uuid.UUID] = {}

    def alias(self, old: uuid.UUID, new: uuid.UUID) -> None:
        if old != new:
            self._map[old] = new

    def resolve(self, ident: uuid.UUID) -> uuid.UUID:
        seen = set()
        while ident in self._map and ident not in seen:
            seen.add(ident)
            ident = self._map[ident]
        return ident

    def clear(self) -> None:
        self._map.clear()


class AppContext(QObject):
    """Database, actor, signal bus, settings, undo stack and background tasks, in one place."""

    def __init__(
        self,
        settings: QSettings,
        *,
        runner: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.bus = SignalBus(self)
        self.tasks = runner or TaskRunner()
        self.undo_stack = QUndoStack(self)
        self.ids = IdAliases()
        # row id -> the version this desk's last undoable write left on it (ui.common.commands): an
        # undo or redo expects it, so it never writes over another desk's change
        self.written: dict[uuid.UUID, int] = {}
        self._db: Database | None = None
        self._actor: Actor | None = None
        self.currency = "USD"
        self.locale = "en_US"
        self.generation = 0  # bumped on every database switch; stale task results are dropped
        # amounts typed in dialogs are read in the book's format (set on this, the GUI thread)
        self.bus.settings_changed.connect(self._reload_money_format)
        # The main window's editing actions (ui.shell.actions.Editing): dialogs any pane may open.
        self.editing: EditingPort | None = None

    # --- the open database -----------------------------------------------------------------

    @property
    def has_database(self) -> bool:
        return self._db is not None

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("no database is open")
        return self._db

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise RuntimeError("no database is open")
        return self._actor

    def may(self, permission: str) -> bool:
        """Whether whoever is signed in may do this (False with no book open)."""
        return self._actor is not None and self._actor.may(permission)

    def allows(self, permission: str) -> Callable[[], bool]:
        """`may`, asked later: for a control that shows only to the roles that may use it."""
        return lambda: self.may(permission)

    @property
    def db_label(self) -> str:
        if self._db is None:
            return "no database"
        path = config.sqlite_path(self._db.url)
        return str(path) if path else config.display_url(self._db.url)

    def set_database(self, opened: OpenedDatabase) -> None:
        """Switch to an opened database (on the GUI thread): every pane reloads."""
        old, old_actor = self._db, self._actor
        self._db = opened.db
        self._actor = opened.actor
        self.currency = opened.currency
        self.locale = opened.locale
        set_money_format(opened.money_format)
        self.generation += 1
        self.undo_stack.clear()
        self.ids.clear()
        self.written.clear()
        remembered = url_without_password(opened.db.url)
        self.add_recent(remembered)
        self.settings.setValue("database/last", remembered)
        if old is not None and old is not opened.db:
            # a switch to another book backs up the one left; the same file opened again (after
            # a restore) does not: its old connections may still see what was replaced
            reopened = str(old.url) == str(opened.db.url)
            self._close_in_worker(old, None if reopened else old_actor)
        logging.getLogger("coliv").info("Opened %s", self.db_label)
        self.bus.database_switched.emit()

    def close_database(self) -> None:
        """Forget the open database; a SQLite book changed since its newest backup is backed
        up, then its connections close, in a worker (on PostgreSQL a goodbye to the server);
        `tasks.wait_idle()` waits for that at exit."""
        if self._db is not None:
            self._close_in_worker(self._db, self._actor)
        self._db = None
        self._actor = None

    def _close_in_worker(self, db: Database, actor: Actor | None) -> None:
        def work() -> None:
            from coliv_desktop.services.databases import back_up_on_close, close

            try:
                if actor is not None:
                    back_up_on_close(db, actor)
            except (ColivError, OSError) as exc:  # the book closes all the same; the log says
                logging.getLogger("coliv").warning("No backup on close: %s", exc)
            finally:
                close(db)

        self.tasks.run_task(work, lambda _result, _error: None, quiet=True)

    def refresh_all(self, why: str = "") -> None:
        """Read everything again (settings first, as another desk may have changed the
        currency), then every pane reloads what it shows."""
        if self._db is None:
            return
        db = self._db
        actor = self.actor

        def read() -> tuple[str, str, MoneyFormat]:
            from coliv_desktop.services.settings import get_settings, money_format_of

            values = get_settings(db, actor)
            return str(values["currency"]), str(values["locale"]), money_format_of(values)

        def done(result: Any, error: BaseException | None) -> None:
            if error is None and result is not None:
                self.currency, self.locale, fmt = result
                set_money_format(fmt)
            self.bus.everything_changed.emit()
            if why:
                self.bus.status_message.emit(why)

        self.run_task(read, done)

    def _reload_money_format(self) -> None:
        """Settings saved (the locale, currency or largest amount may have changed)."""
        if self._db is None:
            return
        from coliv_desktop.services.settings import book_money_format

        db = self._db
        actor = self.actor

        def done(result: Any, error: BaseException | None) -> None:
            if error is None and isinstance(result, MoneyFormat):
                set_money_format(result)

        self.run_task(lambda: book_money_format(db, actor), done, quiet=True)

    # --- background work -------------------------------------------------------------------

    def run_task(
        self, fn: Callable[..., Any], on_done: Done, *, control: TaskControl | None = None,
        quiet: bool = False,
    ) -> TaskControl:
        """`TaskRunner.run_task`, except that a result from before a database switch is dropped."""
        generation = self.generation

        def guarded(result: Any, error: BaseException | None) -> None:
            if generation == self.generation:
                on_done(result, error)

        return self.tasks.run_task(fn, guarded, control=control, quiet=quiet)

    # --- presentation helpers ----------------------------------------------------------------

    def money(self, amount: Decimal | None) -> str:
        if amount is None:
            return ""
        return format_money(amount, self.currency, self.locale)

    def recent_databases(self) -> list[str]:
        value = self.settings.value("database/recent", [])
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value] if isinstance(value, list) else []

    def add_recent(self, url_text: str) -> None:
        recent = [u for u in self.recent_databases() if u != url_text]
        self.settings.setValue("database/recent", [url_text, *recent][:MAX_RECENT])

    # --- navigation ------------------------------------------------------------------------

    def open_tenant(self, tenant_id: uuid.UUID) -> None:
        self.bus.open_tenant.emit(tenant_id)

    def open_lease(self, lease_id: uuid.UUID) -> None:
        self.bus.open_lease.emit(lease_id)

    def open_room(self, room_id: uuid.UUID) -> None:
        self.bus.open_room.emit(room_id)


def url_without_password(url: URL) -> str:
    """How a database is remembered in the settings: passwords live in the keychain only."""
    return url.set(password=None).render_as_string(hide_password=False)
