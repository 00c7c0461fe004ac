"""Work off the GUI thread: one helper, `run_task`, on a QThreadPool.

A task is a plain function. It runs in a worker thread, opens its own database sessions through
the services, and never touches a widget. Its outcome comes back on the GUI thread as
`on_done(result, error)`: exactly one of the two is set (`error` is the exception it raised, a
`TaskCancelled` when it was cancelled).

Long work takes a `TaskControl` as its only argument (`run_task(fn, on_done, control=...)`):
it reports progress with `control.progress(done, total, text)` and calls `control.check()`
between steps so a cancel stops it there. `run_with_progress` adds the progress dialog with a
Cancel button.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from coliv_desktop.domain.errors import ColivError

Done = Callable[[Any, BaseException | None], None]


class TaskCancelled(Exception):
    """Raised inside a task by `TaskControl.check()` once the person pressed Cancel."""

    def __init__(self) -> None:
        super().__init__("cancelled")


class TaskControl(QObject):
    """Progress and cancel for one long task. Safe to use from the worker thread."""

    progressed = Signal(int, int, str)

    def __init__(self) -> None:
        super().__init__()
        self._cancelled = threading.Event()

    def progress(self, done: int, total: int, text: str = "") -> None:
        self.progressed.emit(done, total, text)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self) -> None:
        if self._cancelled.is_set():
            raise TaskCancelled()


class _Relay(QObject):
    """Lives on the GUI thread; the worker's signal is queued to it."""

    finished = Signal(object, object)

    def __init__(self, on_done: Done, forget: Callable[[_Relay], None]) -> None:
        super().__init__()
        self._on_done = on_done
        self._forget = forget
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object)
    def _deliver(self, result: object, error: object) -> None:
        try:
            self._on_done(result, error if isinstance(error, BaseException) else None)
        finally:
            self._forget(self)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to on_done, never lost in a worker
            if not isinstance(exc, ColivError | TaskCancelled):  # refused input is expected
                logging.getLogger("coliv").error("A background task failed", exc_info=exc)
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


class TaskRunner(QObject):
    """Runs tasks and knows how many are still out (the screenshot waits for none)."""

    busy_changed = Signal(bool)

    def __init__(self, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self.pool = pool or QThreadPool.globalInstance()
        self._relays: set[_Relay] = set()
        self._quiet: set[_Relay] = set()  # running, but not worth the busy indicator
        self._when_idle: list[Callable[[], None]] = []

    @property
    def pending(self) -> int:
        return len(self._relays)

    def run_task(
        self, fn: Callable[..., Any], on_done: Done, *, control: TaskControl | None = None,
        quiet: bool = False,
    ) -> TaskControl:
        """Run `fn()` (or `fn(control)` when a control is given) in a worker thread. A `quiet`
        task (a look in the background every few seconds) does not show the busy indicator."""
        control_used = control or TaskControl()
        relay = _Relay(on_done, self._forget)
        was_busy = self.busy
        self._relays.add(relay)
        if quiet:
            self._quiet.add(relay)
        if self.busy and not was_busy:
            self.busy_changed.emit(True)

        def call() -> Any:
            control_used.check()
            return fn(control_used) if control is not None else fn()

        self.pool.start(_Runnable(call, relay))
        return control_used

    @property
    def busy(self) -> bool:
        return len(self._relays) > len(self._quiet)

    def _forget(self, relay: _Relay) -> None:
        was_busy = self.busy
        self._relays.discard(relay)
        self._quiet.discard(relay)
        relay.deleteLater()
        if was_busy and not self.busy:
            self.busy_changed.emit(False)
        if not self._relays:
            waiting, self._when_idle = self._when_idle, []
            for fn in waiting:
                fn()

    def when_idle(self, fn: Callable[[], None]) -> None:
        """Call `fn` (on the GUI thread) once the tasks started by now and in this turn of
        the event loop are done: work that should not hold up what is being loaded."""

        def check() -> None:
            if self._relays:
                self._when_idle.append(fn)
            else:
                fn()

        QTimer.singleShot(0, check)

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Process events until no task is out (tests, screenshots). False on timeout."""
        app = QApplication.instance()
        deadline = threading.Event()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(deadline.set)
        timer.start(timeout_ms)
        while self._relays and not deadline.is_set():
            self.pool.waitForDone(20)
            if app is not None:
                app.processEvents()
        timer.stop()
        return not self._relays


def run_with_progress(
    runner: TaskRunner,
    parent: QWidget | None,
    title: str,
    fn: Callable[[TaskControl], Any],
    on_done: Done,
    *,
    show_after_ms: int = 500,
) -> TaskControl:
    """Long work with a progress dialog and a Cancel button (shown after `show_after_ms`)."""
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(show_after_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    control = TaskControl()

    def progressed(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(done)
        if text:
            dialog.setLabelText(text)

    def finished(result: Any, error: BaseException | None) -> None:
        dialog.close()
        dialog.deleteLater()
        on_done(result, error)

    control.progressed.connect(progressed, Qt.ConnectionType.QueuedConnection)
    dialog.canceled.connect(control.cancel)
    return runner.run_task(fn, finished, control=control)
