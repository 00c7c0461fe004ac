"""When something unexpected fails: a log file, and a dialog instead of silence.

Started from a desktop icon, the app has no console: an exception in a slot or a thread
would otherwise print to nowhere while the window carries on as if the click did nothing.
The reporter writes the traceback to the log (`logs/coliv.log` in the data folder, rotated)
and says what happened on the GUI thread, naming the log to send to whoever supports the
office. The books stay consistent either way: every service call is one transaction, so a
failure leaves the last action undone, never half done.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from coliv_desktop import __version__, config

log = logging.getLogger("coliv")

LOG_BYTES = 1_000_000
LOG_KEEP = 3


def setup_logging(path: Path | None = None) -> Path:
    """Log to a rotating file (four files of at most a megabyte); returns its path."""
    from coliv_desktop.files import PrivateRotatingFileHandler

    target = path or config.log_file()  # tenants' names may be in it: readable by the user only
    for handler in list(log.handlers):
        if isinstance(handler, RotatingFileHandler):
            log.removeHandler(handler)
            handler.close()
    handler = PrivateRotatingFileHandler(target, maxBytes=LOG_BYTES, backupCount=LOG_KEEP,
                                         encoding="utf-8")
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.info("CoLiv Desktop %s started (Python %s)", __version__, sys.version.split()[0])
    return target


ShowError = Callable[[str, str], None]


class CrashReporter(QObject):
    """sys.excepthook and threading.excepthook: log, then tell the person (one dialog at a
    time; what fails again while it is open is logged only)."""

    _reported = Signal(str, str)  # summary, details: queued to the GUI thread

    def __init__(self, path: Path, show: ShowError | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._show = show or self._dialog
        self._showing = False
        self._reported.connect(self._on_reported, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def excepthook(self, kind: type[BaseException], error: BaseException,
                   trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        log.critical("Unexpected error", exc_info=(kind, error, trace))
        details = "".join(traceback.format_exception(kind, error, trace))
        self._reported.emit(f"{kind.__name__}: {error}", details)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _on_reported(self, summary: str, details: str) -> None:
        if self._showing:
            return
        self._showing = True
        try:
            self._show(summary, details)
        finally:
            self._showing = False

    def _dialog(self, summary: str, details: str) -> None:
        box = QMessageBox(QApplication.activeWindow())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Something went wrong")
        box.setText(f"CoLiv Desktop ran into an error it did not expect:\n\n{summary}")
        box.setInformativeText(
            "What you were doing may not have been saved; everything saved before is safe "
            "(each change is stored whole or not at all). The details are in\n"
            f"{self.path}\nif you report this.")
        box.setDetailedText(details)
        box.exec()
