"""Starting the desktop app: QApplication, settings, the first database, the main window."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from coliv_desktop import APP_NAME, config
from coliv_desktop.domain.errors import ColivError
from coliv_desktop.ui.common import screens
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.widgets import icon
from coliv_desktop.ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

ORGANIZATION = "CoLiv"


def create_app() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("CoLiv Desktop")
    app.setOrganizationName(ORGANIZATION)
    app.setStyle("Fusion")
    font = QFont(app.font())
    if font.pointSize() < 10:
        font.setPointSize(10)
    app.setFont(font)
    app.setWindowIcon(icon("coliv"))
    screens.install()
    return app


def user_settings() -> QSettings:
    return QSettings(ORGANIZATION, "CoLiv Desktop")


def start_text(cli_value: str | None, settings: QSettings) -> str | None:
    """Which database to open at start, as typed; None means first run (the welcome screen).

    `--db` and COLIV_DB_URL win; then the database open last time (if its file still
    exists); then the per-user file if it exists. Decided without parsing a URL, so the window
    appears before SQLAlchemy has loaded (the worker that opens the database parses it).
    """
    given = cli_value or os.environ.get(config.DB_URL_ENV)
    if given:
        return given
    last = str(settings.value("database/last") or "").strip()
    if last.startswith(("sqlite:", "postgres")):
        path = config.sqlite_text_path(last)
        if path is None or path.exists():
            return last
    return config.default_db_url() if config.default_db_path().exists() else None


def start_url(cli_value: str | None, settings: QSettings) -> URL | None:
    """`start_text`, parsed (an address remembered from last time that no longer parses is
    passed over for the per-user file)."""
    text = start_text(cli_value, settings)
    if text is None:
        return None
    try:
        return config.parse_db_url(text)
    except ColivError:
        if cli_value or os.environ.get(config.DB_URL_ENV):
            raise
    default = config.default_db_path()
    return config.parse_db_url(config.default_db_url()) if default.exists() else None


def build_window(settings: QSettings) -> tuple[AppContext, MainWindow]:
    from coliv_desktop.ui.shell import startup
    from coliv_desktop.ui.shell.watch import ChangeWatcher

    ctx = AppContext(settings)
    startup.install(ctx)  # the rent run for today, each time a database opens
    ChangeWatcher(ctx)  # what other desks write shows by itself
    return ctx, MainWindow(ctx)


def launch(db_url: str | None, settings: QSettings) -> tuple[AppContext, MainWindow]:
    """The start of `coliv`, up to the event loop: the window is built and shown at once;
    the database (`--db`, COLIV_DB_URL, the last one, or the per-user file) opens in a
    worker, and the panes fill in when it is open. Nothing here loads SQLAlchemy, Pydantic or
    the services: the worker does, while the window is already on screen. With no database
    yet, the welcome page."""
    ctx, window = build_window(settings)
    window.show()
    text = start_text(db_url, settings)
    if text is not None:
        window.databases.open_url(text)
    return ctx, window


def qt_messages_to_log() -> Any:
    """Qt's own notices (an optional plugin it could not load, a font it substituted) go to
    the log, not over the terminal the app was started from. Returns the handler replaced."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("coliv.qt")
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}

    def to_log(kind: QtMsgType, _context: object, message: str) -> None:
        qt_log.log(levels.get(kind, logging.WARNING), "%s", message)

    return qInstallMessageHandler(to_log)


def run(db_url: str | None = None) -> int:
    """`coliv` with no subcommand: the desktop window."""
    from coliv_desktop.ui.shell.crash import CrashReporter, setup_logging

    try:
        log_file = setup_logging()
    except OSError:  # a read-only data folder: still start, and report to the terminal
        log_file = None
    qt_messages_to_log()
    app = create_app()
    ctx, window = launch(db_url, user_settings())
    if log_file is not None:
        CrashReporter(log_file, parent=app).install()
    code = app.exec()
    ctx.tasks.wait_idle()
    ctx.close_database()
    ctx.tasks.wait_idle()  # the connections close in a worker
    return int(code)
