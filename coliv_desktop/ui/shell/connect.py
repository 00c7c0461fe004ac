"""Connect to a shared PostgreSQL server; the password goes to the OS keychain, never a file.

Test Connection tries the server in a worker and names what is wrong (unreachable, refused,
authentication, database missing, SSL required ...: `services.databases.check_connection`);
the SSL mode chosen goes into the URL's query (libpq's `sslmode`)."""

from __future__ import annotations

from typing import NamedTuple

import shiboken6
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)
from sqlalchemy.engine import URL

from coliv_desktop import config
from coliv_desktop.domain.errors import ColivError, ValidationError
from coliv_desktop.services.databases import SSL_MODES, ConnectionCheck, check_connection
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.common.tasks import TaskRunner


class Connection(NamedTuple):
    url: URL
    password: str
    remember: bool  # in the OS keychain


def _ssl_query(mode: str) -> dict[str, str]:
    """libpq's default (prefer) is left out, so the URL (and the keychain entry named by it)
    stays as it was before the choice existed."""
    return {} if mode == DEFAULT_SSLMODE else {"sslmode": mode}


DEFAULT_SSLMODE = "prefer"


class ConnectDialog(FormDialog):
    """Builds the URL and stores the password; the caller opens the database."""

    def __init__(self, parent: QWidget | None = None, *, title: str = "Connect to PostgreSQL",
                 save_text: str = "Connect") -> None:
        # the password goes to the OS keychain in the background (it may ask the person)
        super().__init__(title, parent, runner=TaskRunner(), save_text=save_text)
        self.host = QLineEdit("localhost")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("coliv")
        self.username = QLineEdit("coliv")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("leave empty for trust/peer authentication")
        self.sslmode = QComboBox()
        self.sslmode.addItems(list(SSL_MODES))
        self.sslmode.setCurrentText(DEFAULT_SSLMODE)  # libpq's: encrypted when offered
        self.sslmode.setToolTip("disable: never encrypted; prefer: encrypted when the server "
                                "offers it; require: always encrypted; verify-full: encrypted "
                                "and the server's certificate checked against its name")
        self.remember = QCheckBox("Save the password in the OS keychain")
        self.remember.setChecked(True)
        self.remember.setEnabled(config.keychain_available())
        if not config.keychain_available():
            self.remember.setToolTip("This machine has no OS keychain")
        for name, label, widget in (
            ("host", "Server", self.host), ("port", "Port", self.port),
            ("database", "Database", self.database), ("username", "User", self.username),
            ("password", "Password", self.password), ("sslmode", "SSL", self.sslmode),
            ("remember", "", self.remember),
        ):
            self.fields.add(name, label, widget)
        self.fields.alias("db_url", "host")
        self.url: URL | None = None
        self.test_result = QLabel()
        self.test_result.setObjectName("test_result")
        self.test_result.setWordWrap(True)
        self.test_result.hide()
        self.body.addWidget(self.test_result)
        self.test_button = self.buttons.addButton("Test Connection",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.setObjectName("test_connection")
        self.test_button.clicked.connect(self.test_connection)
        self.testing = False  # a test is running in the background
        self.finish_layout()

    def test_connection(self) -> None:
        """Try the server as typed, in a worker; the result shows under the form."""
        if self.testing or self.saving:
            return
        self.fields.clear()
        self.show_banner(None)
        try:
            url, password, _remember = self.build_input()
        except ColivError as exc:
            self.show_error(exc)
            return
        self.testing = True
        self.test_button.setEnabled(False)
        self._show_result("Testing the connection…", None)
        self.runner.run_task(lambda: check_connection(url, password or None), self._tested)

    def _tested(self, check: ConnectionCheck | None, error: BaseException | None) -> None:
        if not shiboken6.isValid(self):
            return
        self.testing = False
        self.test_button.setEnabled(True)
        if error is not None or check is None:
            self._show_result(f"Could not test the connection: {error}", False)
            return
        self._show_result(check.message[:1].upper() + check.message[1:], check.ok)

    def _show_result(self, text: str, ok: bool | None) -> None:
        colour = "#57606a" if ok is None else "#1a7f37" if ok else "#b3261e"
        self.test_result.setStyleSheet(f"color: {colour};")
        self.test_result.setText(text)
        self.test_result.show()

    def build_input(self) -> Connection:
        for name, edit in (("host", self.host), ("database", self.database),
                           ("username", self.username)):
            if not edit.text().strip():
                raise ValidationError(name, "is required")
        url = URL.create("postgresql+psycopg", username=self.username.text().strip(),
                         host=self.host.text().strip(), port=self.port.value(),
                         database=self.database.text().strip(),
                         query=_ssl_query(self.sslmode.currentText()))
        return Connection(config.parse_db_url(url.render_as_string(hide_password=False)),
                          self.password.text(), self.remember.isChecked())

    def save(self, data: Connection) -> URL:
        url, password, remember = data
        if password and remember:
            config.store_password(url, password)
        return url.set(password=password) if password else url

    def after_save(self, result: URL) -> None:
        self.url = result
