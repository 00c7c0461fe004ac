"""Another desk's changes show without anyone pressing Refresh.

Every write has an audit row, so "when was anything last written" is one indexed MAX. Every
`INTERVAL_MS` the watcher asks (in a worker); when the answer moved and this window has not
written anything itself since the last look, someone else did (another desk on the shared
PostgreSQL server, or `coliv` on the same file): every pane reloads and the status bar says
so. After this window's own writes the panes have reloaded already, so the new time is only
noted; a change another desk makes in those same seconds shows with the next one, or on F5.

A look that fails because the server went away (or now refuses us) says so on the bus
(`connection_lost`: the window's banner) and then asks every `RETRY_MS` with a light
`SELECT 1` (`services.databases.ping`) until the server answers: then `connection_back`, the
banner goes, and everything is read again (what others wrote meanwhile).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer

from coliv_desktop.ui.common.context import AppContext

INTERVAL_MS = 15_000
RETRY_MS = 5_000


class ChangeWatcher(QObject):
    def __init__(self, ctx: AppContext, interval_ms: int = INTERVAL_MS,
                 parent: QObject | None = None, *, retry_ms: int = RETRY_MS) -> None:
        super().__init__(parent or ctx)
        self.ctx = ctx
        self.interval_ms, self.retry_ms = interval_ms, retry_ms
        self.lost: str | None = None  # why the server does not answer, while it does not
        self._seen: datetime | None = None
        self._own = 0  # counts this window's own writes (and database switches)
        self._seen_at_own = -1  # the count when _seen was read: equal means _seen is current
        self._asking = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.look)
        ctx.bus.database_switched.connect(self._forget)
        ctx.bus.database_switched.connect(self._back_quietly)
        for signal in (*ctx.bus.data_signals(), ctx.bus.everything_changed):
            signal.connect(self._forget)
        self.timer.start()

    def _forget(self) -> None:
        self._own += 1

    def look(self) -> None:
        if self._asking or not self.ctx.has_database:
            return
        if self.lost is not None:
            self._retry()
            return
        from coliv_desktop.services import history

        db, own = self.ctx.db, self._own
        actor = self.ctx.actor
        self._asking = True

        def done(latest: Any, error: BaseException | None) -> None:
            self._asking = False
            if error is not None:
                self._failed(db, error)
                return
            if own != self._own:
                return  # we wrote meanwhile: look again later
            if self._seen_at_own == own and latest != self._seen:
                self.ctx.refresh_all("Updated with changes entered at another desk")
            self._seen, self._seen_at_own = latest, own

        self.ctx.run_task(lambda: history.last_change(db, actor), done, quiet=True)

    # --- the server went away ------------------------------------------------------------------

    def _failed(self, db: Any, error: BaseException) -> None:
        from coliv_desktop.services.connection import unreachable

        why = unreachable(db, error)
        if why is None or not self.ctx.has_database or db is not self.ctx.db:
            return  # something else, or another database by now: look again later
        self.lost = why
        self.timer.setInterval(self.retry_ms)
        self.ctx.bus.connection_lost.emit(why)

    def _retry(self) -> None:
        from coliv_desktop.services.databases import ConnectionCheck, ping

        db = self.ctx.db
        self._asking = True

        def done(check: ConnectionCheck | None, error: BaseException | None) -> None:
            self._asking = False
            if db is not self.ctx.db or self.lost is None:
                return
            if error is not None or check is None or not check.ok:
                why = check.message if check is not None else str(error)
                if why != self.lost:  # a different reason now (the server refuses us, say)
                    self.lost = why
                    self.ctx.bus.connection_lost.emit(why)
                return
            self._back_quietly()
            self.ctx.refresh_all("The database server answers again")

        self.ctx.run_task(lambda: ping(db), done, quiet=True)

    def _back_quietly(self) -> None:
        if self.lost is None:
            return
        self.lost = None
        self.timer.setInterval(self.interval_ms)
        self.ctx.bus.connection_back.emit()
