"""The connection dialog's Test Connection and SSL mode (issue 13, item 5), against the local
PostgreSQL (COLIV_TEST_PG_URL: trust authentication, no SSL)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from coliv_desktop.ui.shell.connect import ConnectDialog
from tests.conftest import PG_ENV, pg_admin_url
from tests.ui.helpers import click, type_into

needs_pg = pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set")


def dialog_for(qtbot: QtBot, *, host: str = "", port: int = 0, database: str = "") -> ConnectDialog:
    admin = pg_admin_url()
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.host, host or admin.host or "127.0.0.1")
    dialog.port.setValue(port or admin.port or 5432)
    type_into(qtbot, dialog.database, database or admin.database or "postgres")
    type_into(qtbot, dialog.username, admin.username or "postgres")
    return dialog


def press_test(qtbot: QtBot, dialog: ConnectDialog) -> str:
    click(qtbot, dialog.test_button)
    assert dialog.testing or dialog.test_result.text()  # in a worker: the window answers
    qtbot.waitUntil(lambda: not dialog.testing, timeout=15000)
    QApplication.processEvents()
    assert dialog.test_result.isVisible() and dialog.test_button.isEnabled()
    return dialog.test_result.text()


@needs_pg
def test_a_server_that_answers(qtbot: QtBot) -> None:
    dialog = dialog_for(qtbot)
    assert press_test(qtbot, dialog).startswith("Connected to PostgreSQL")
    assert dialog.isVisible()  # testing does not connect the window


@needs_pg
def test_a_missing_database_is_named(qtbot: QtBot) -> None:
    dialog = dialog_for(qtbot, database="coliv_no_such_book")
    shown = press_test(qtbot, dialog)
    assert "no database named 'coliv_no_such_book'" in shown


@needs_pg
def test_a_closed_port_is_connection_refused(qtbot: QtBot) -> None:
    dialog = dialog_for(qtbot, host="127.0.0.1", port=1)
    assert "connection refused" in press_test(qtbot, dialog)


@needs_pg
def test_ssl_required_of_a_server_without_it(qtbot: QtBot) -> None:
    dialog = dialog_for(qtbot)
    dialog.sslmode.setCurrentText("require")
    assert "does not offer SSL" in press_test(qtbot, dialog)


def test_a_missing_field_is_shown_before_testing(qtbot: QtBot) -> None:
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog.database, "")
    click(qtbot, dialog.test_button)
    assert dialog.fields.error("database") == "is required" and not dialog.testing


def test_the_ssl_mode_goes_into_the_url(qtbot: QtBot, isolated_environment: Any) -> None:
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    assert [dialog.sslmode.itemText(i) for i in range(dialog.sslmode.count())] == [
        "disable", "prefer", "require", "verify-full"]
    assert dialog.sslmode.currentText() == "prefer"
    dialog.sslmode.setCurrentText("verify-full")
    type_into(qtbot, dialog.host, "office-server")
    click(qtbot, dialog.save_button)
    assert dialog.url is not None and dialog.url.query == {"sslmode": "verify-full"}
