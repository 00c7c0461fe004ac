"""Sign in to a book that has passwords: name, password and, for an account with a second
factor, the authenticator code. Signing in is opening: the save opens the book in a worker as
that person (`services.databases.open_database(..., credentials=...)`), so a refusal (wrong
password, locked until when, disabled, code needed) shows here and the person tries again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLineEdit, QWidget

from coliv_desktop.domain.errors import ColivError, TotpRequired, ValidationError
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from coliv_desktop.services.databases import Credentials, OpenedDatabase

LAST_NAME = "signin/name"  # QSettings: the name typed last time on this desk (never a password)


class SignInDialog(FormDialog):
    """`saved` is the opened book (an `OpenedDatabase`) once the sign-in succeeded."""

    def __init__(self, ctx: AppContext, url: URL, label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Sign in — {label}", parent, runner=ctx, save_text="Sign In")
        self.ctx = ctx
        self.url = url
        self.name = QLineEdit(str(ctx.settings.value(LAST_NAME, "") or ""))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.code = QLineEdit()
        self.code.setPlaceholderText("6 digits from your authenticator app")
        self.code.setMaxLength(10)
        for name, label_text, widget in (("name", "User", self.name),
                                         ("password", "Password", self.password),
                                         ("totp", "Authenticator code", self.code)):
            self.fields.add(name, label_text, widget)
        self._show_code(False)
        self.finish_layout()
        (self.password if self.name.text() else self.name).setFocus()

    def _show_code(self, shown: bool) -> None:
        holder = self.code.parentWidget()
        if holder is not None:
            self.form.setRowVisible(holder, shown)

    def build_input(self) -> Credentials:
        from coliv_desktop.services.databases import Credentials

        name = self.name.text().strip()
        if not name:
            raise ValidationError("name", "is required")
        if not self.password.text():
            raise ValidationError("password", "is required")
        code = self.code.text().strip() if self.code.isVisible() else ""
        return Credentials(name, self.password.text(), code or None)

    def save(self, data: Credentials) -> OpenedDatabase:
        from coliv_desktop.services import databases

        return databases.open_database(self.url, credentials=data)

    def after_save(self, result: Any) -> None:
        self.ctx.settings.setValue(LAST_NAME, self.name.text().strip())

    def show_error(self, exc: ColivError) -> None:
        if isinstance(exc, TotpRequired):
            self._show_code(True)
            self.show_banner("Enter the code your authenticator app shows for this account.")
            self.code.setFocus()
            return
        super().show_error(exc)
        self.password.selectAll()
        self.password.setFocus()
