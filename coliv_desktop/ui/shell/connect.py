"""Connect to a shared PostgreSQL server; the password goes to the OS keychain, never a file."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtWidgets import QCheckBox, QLineEdit, QSpinBox, QWidget
from sqlalchemy.engine import URL

from coliv_desktop import config
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.common.tasks import TaskRunner


class Connection(NamedTuple):
    url: URL
    password: str
    remember: bool  # in the OS keychain


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
        self.remember = QCheckBox("Save the password in the OS keychain")
        self.remember.setChecked(True)
        self.remember.setEnabled(config.keychain_available())
        if not config.keychain_available():
            self.remember.setToolTip("This machine has no OS keychain")
        for name, label, widget in (
            ("host", "Server", self.host), ("port", "Port", self.port),
            ("database", "Database", self.database), ("username", "User", self.username),
            ("password", "Password", self.password), ("remember", "", self.remember),
        ):
            self.fields.add(name, label, widget)
        self.fields.alias("db_url", "host")
        self.url: URL | None = None
        self.finish_layout()

    def build_input(self) -> Connection:
        for name, edit in (("host", self.host), ("database", self.database),
                           ("username", self.username)):
            if not edit.text().strip():
                raise ValidationError(name, "is required")
        url = URL.create("postgresql+psycopg", username=self.username.text().strip(),
                         host=self.host.text().strip(), port=self.port.value(),
                         database=self.database.text().strip())
        return Connection(config.parse_db_url(url.render_as_string(hide_password=False)),
                          self.password.text(), self.remember.isChecked())

    def save(self, data: Connection) -> URL:
        url, password, remember = data
        if password and remember:
            config.store_password(url, password)
        return url.set(password=password) if password else url

    def after_save(self, result: URL) -> None:
        self.url = result
