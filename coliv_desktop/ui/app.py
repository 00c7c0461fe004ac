"""Starting the desktop app: QApplication, settings, the first database, the main window."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from sqlalchemy.engine import URL

from coliv_desktop import APP_NAME, config
from coliv_desktop.domain.errors import ColivError
from coliv_desktop.ui.context import AppContext
from coliv_desktop.ui.main_window import MainWindow
from coliv_desktop.ui.widgets import icon

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
    return app


def user_settings() -> QSettings:
    return QSettings(ORGANIZATION, "CoLiv Desktop")


def start_url(cli_value: str | None, settings: QSettings) -> URL | None:
    """Which database to open at start; None means first run (the welcome screen).

    `--db` and COLIV_DB_URL win; then the database open last time; then the per-user file if
    it exists.
    """
    if cli_value or os.environ.get(config.DB_URL_ENV):
        return config.resolve_db_url(cli_value)
    last = settings.value("database/last")
    if last:
        try:
            url = config.parse_db_url(str(last))
        except ColivError:
            url = None
        path = config.sqlite_path(url) if url is not None else None
        if url is not None and (path is None or path.exists()):
            return url
    default = config.parse_db_url(config.default_db_url())
    path = config.sqlite_path(default)
    return default if path is not None and path.exists() else None


def build_window(settings: QSettings) -> tuple[AppContext, MainWindow]:
    from coliv_desktop.ui.ledger import startup

    ctx = AppContext(settings)
    startup.install(ctx)  # the rent run for today, each time a database opens
    return ctx, MainWindow(ctx)


def run(db_url: str | None = None) -> int:
    """`coliv` with no subcommand: the desktop window."""
    app = create_app()
    settings = user_settings()
    ctx, window = build_window(settings)
    window.show()
    url = start_url(db_url, settings)
    if url is not None:
        window.databases.open_url(url)
    code = app.exec()
    ctx.tasks.wait_idle()
    ctx.close_database()
    return int(code)
