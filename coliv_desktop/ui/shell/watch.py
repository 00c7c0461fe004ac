"""Another desk's changes show without anyone pressing Refresh.

Every write has an audit row, so "when was anything last written" is one indexed MAX. Every
`INTERVAL_MS` the watcher asks (in a worker); when the answer moved and this window has not
written anything itself since the last look, someone else did (another desk on the shared
PostgreSQL server, or `coliv` on the same file): every pane reloads and the status bar says
so. After this window's own writes the panes have reloaded already, so the new time is only
noted; a change another desk makes in those same seconds shows with the next one, or on F5.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer

from coliv_desktop.ui.common.context import AppContext

INTERVAL_MS = 15_000


class ChangeWatcher(QObject):
    def __init__(self, ctx: AppContext, interval_ms: int = INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or ctx)
        self.ctx = ctx
        self._seen: datetime | None = None
        self._own = 0  # counts this window's own writes (and database switches)
        self._seen_at_own = -1  # the count when _seen was read: equal means _seen is current
        self._asking = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.look)
        ctx.bus.database_switched.connect(self._forget)
        for signal in (*ctx.bus.data_signals(), ctx.bus.everything_changed):
            signal.connect(self._forget)
        self.timer.start()

    def _forget(self) -> None:
        self._own += 1

    def look(self) -> None:
        if self._asking or not self.ctx.has_database:
            return
        from coliv_desktop.services import history

        db, own = self.ctx.db, self._own
        self._asking = True

        def done(latest: Any, error: BaseException | None) -> None:
            self._asking = False
            if error is not None or own != self._own:
                return  # unreachable for a moment, or we wrote meanwhile: look again later
            if self._seen_at_own == own and latest != self._seen:
                self.ctx.refresh_all("Updated with changes entered at another desk")
            self._seen, self._seen_at_own = latest, own

        self.ctx.run_task(lambda: history.last_change(db), done, quiet=True)
