"""File ▸ Users… (owners): who may use this book, with what role, limited to which
properties; passwords, locks and authenticators. Also Change My Password… and Set Up
Authenticator… for whoever is signed in.

Every service call runs in a worker (`ctx.run_task`); each edit is a `FormDialog` whose save
runs in the background and whose errors (the password rules, a mismatch) show at the field.
Dialogs opened from the list go through `UsersDialog.run_dialog`, which tests replace.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.errors import ColivError, ValidationError
from coliv_desktop.schemas.users import TotpEnrolment, UserOut
from coliv_desktop.services import portfolio, users
from coliv_desktop.services.context import ROLES
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import ERROR_STYLE, FormDialog
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, later, muted
from coliv_desktop.ui.users.qr import qr_image

Clock = Callable[[], datetime]

ROLE_HELP = {
    "owner": "everything, including users and settings",
    "manager": "everything but users and settings",
    "staff": "maintenance, community, tenants' contact details; no money",
    "accountant": "the ledger and reports; read-only elsewhere",
    "viewer": "read-only",
}


def role_box(current: str | None = None) -> QComboBox:
    box = QComboBox()
    for role in ROLES:
        box.addItem(f"{role} ({ROLE_HELP.get(role, '')})", role)
    if current is not None:
        box.setCurrentIndex(max(0, box.findData(current)))
    return box


def password_box(placeholder: str = "") -> QLineEdit:
    box = QLineEdit()
    box.setEchoMode(QLineEdit.EchoMode.Password)
    box.setPlaceholderText(placeholder)
    return box


def checked_password(password: str, again: str, field: str, again_field: str) -> str:
    """The password typed twice, if it keeps the rules and both match (errors at the field)."""
    users.check_password_rules(password, field)
    if password != again:
        raise ValidationError(again_field, "does not match the password typed above")
    return password


def locked_text(user: UserOut, now: datetime | None = None) -> str:
    until = user.locked_until
    if until is None:
        return ""
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    if until <= (now or datetime.now(UTC)):
        return ""
    return f"{until.astimezone():%Y-%m-%d %H:%M}"


# --- the edits ---------------------------------------------------------------------------------

class AddUserDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Add User", parent, runner=ctx, save_text="Add")
        self.ctx = ctx
        self.name = self.fields.add("name", "Name", QLineEdit())
        self.role = self.fields.add("role", "Role", role_box("staff"))
        self.email = self.fields.add("email", "Email (optional)", QLineEdit())
        self.password = self.fields.add("password", "Password", password_box(
            users.PASSWORD_RULES))
        self.password_again = self.fields.add("password_again", "Password again",
                                              password_box())
        self.finish_layout()

    def build_input(self) -> dict[str, Any]:
        assert isinstance(self.name, QLineEdit) and isinstance(self.role, QComboBox)
        assert isinstance(self.email, QLineEdit)
        assert isinstance(self.password, QLineEdit)
        assert isinstance(self.password_again, QLineEdit)
        name = self.name.text().strip()
        if not name:
            raise ValidationError("name", "must not be empty")
        password = checked_password(self.password.text(), self.password_again.text(),
                                    "password", "password_again")
        return {"name": name, "role": str(self.role.currentData()), "password": password,
                "email": self.email.text().strip() or None}

    def save(self, data: dict[str, Any]) -> UserOut:
        ctx = self.ctx
        return users.add_user(ctx.db, ctx.actor, data["name"], data["role"], data["password"],
                              email=data["email"])


class RoleDialog(FormDialog):
    def __init__(self, ctx: AppContext, user: UserOut, parent: QWidget | None = None) -> None:
        super().__init__(f"Role of {user.name}", parent, runner=ctx)
        self.ctx = ctx
        self.user = user
        self.role = self.fields.add("role", "Role", role_box(user.role))
        self.finish_layout()

    def build_input(self) -> str:
        assert isinstance(self.role, QComboBox)
        return str(self.role.currentData())

    def save(self, data: str) -> UserOut:
        return users.set_role(self.ctx.db, self.ctx.actor, self.user.name, data)


class ResetPasswordDialog(FormDialog):
    """An owner sets someone's password (it also lifts a lock)."""

    def __init__(self, ctx: AppContext, user: UserOut, parent: QWidget | None = None) -> None:
        super().__init__(f"New Password for {user.name}", parent, runner=ctx)
        self.ctx = ctx
        self.user = user
        self.password = self.fields.add("password", "New password", password_box(
            users.PASSWORD_RULES))
        self.password_again = self.fields.add("password_again", "Password again",
                                              password_box())
        self.finish_layout()

    def build_input(self) -> str:
        assert isinstance(self.password, QLineEdit)
        assert isinstance(self.password_again, QLineEdit)
        return checked_password(self.password.text(), self.password_again.text(), "password",
                                "password_again")

    def save(self, data: str) -> UserOut:
        return users.reset_password(self.ctx.db, self.ctx.actor, self.user.name, data)


class ChangePasswordDialog(FormDialog):
    """File ▸ Change My Password…: the signed-in user, knowing the current one."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Change My Password", parent, runner=ctx)
        self.ctx = ctx
        self.old_password = self.fields.add("old_password", "Current password", password_box(
            "(empty if you have none yet)"))
        self.new_password = self.fields.add("new_password", "New password", password_box(
            users.PASSWORD_RULES))
        self.new_password_again = self.fields.add("new_password_again", "New password again",
                                                  password_box())
        self.finish_layout()

    def build_input(self) -> tuple[str, str]:
        assert isinstance(self.old_password, QLineEdit)
        assert isinstance(self.new_password, QLineEdit)
        assert isinstance(self.new_password_again, QLineEdit)
        new = checked_password(self.new_password.text(), self.new_password_again.text(),
                               "new_password", "new_password_again")
        return self.old_password.text(), new

    def save(self, data: tuple[str, str]) -> None:
        users.change_own_password(self.ctx.db, self.ctx.actor, *data)
        return None


class PropertiesDialog(FormDialog):
    """Limit a user to some properties: none ticked is every property."""

    def __init__(self, ctx: AppContext, user: UserOut,
                 properties: list[tuple[uuid.UUID, str]], parent: QWidget | None = None) -> None:
        super().__init__(f"Properties {user.name} Sees", parent, runner=ctx)
        self.ctx = ctx
        self.user = user
        self.body.insertWidget(1, muted("Tick the properties this user looks after: every list, "
                                        "report and search shows only those. Tick none for "
                                        "every property."))
        self.choices = QListWidget()
        scope = set(user.property_ids or ())
        for ident, name in properties:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, ident)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ident in scope
                               else Qt.CheckState.Unchecked)
            self.choices.addItem(item)
        self.fields.add("property_ids", "Properties", self.choices)
        self.finish_layout()

    def checked(self) -> list[uuid.UUID]:
        return [self.choices.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.choices.count())
                if self.choices.item(i).checkState() == Qt.CheckState.Checked]

    def build_input(self) -> list[uuid.UUID]:
        return self.checked()

    def save(self, data: list[uuid.UUID]) -> UserOut:
        return users.set_properties(self.ctx.db, self.ctx.actor, self.user.name, data or None)


class AuthenticatorDialog(FormDialog):
    """Set Up Authenticator…: scan the QR code (or type the secret) into an authenticator
    app, then type the code it shows; the secret is in force once the code matches."""

    def __init__(self, ctx: AppContext, name: str, enrolment: TotpEnrolment,
                 parent: QWidget | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(f"Set Up Authenticator for {name}", parent, runner=ctx,
                         save_text="Turn On")
        self.ctx = ctx
        self.user_name = name
        self.enrolment = enrolment
        self.clock = clock
        self.qr = QLabel()
        self.qr.setObjectName("totp_qr")
        self.qr.setPixmap(QPixmap.fromImage(qr_image(enrolment.uri)))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.insertWidget(1, muted(
            "Scan this code with an authenticator app (or type the secret below into it), "
            "then type the six-digit code it shows. From then on signing in as "
            f"{name} asks for a code too."))
        self.body.insertWidget(2, self.qr)
        self.secret = QLabel(" ".join(enrolment.secret[i:i + 4]
                                      for i in range(0, len(enrolment.secret), 4)))
        self.secret.setObjectName("totp_secret")
        self.secret.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow("Secret", self.secret)
        self.code = self.fields.add("code", "Code", QLineEdit())
        assert isinstance(self.code, QLineEdit)
        self.code.setPlaceholderText("123456")
        self.code.setMaxLength(10)
        self.finish_layout()

    def build_input(self) -> str:
        assert isinstance(self.code, QLineEdit)
        code = self.code.text().strip().replace(" ", "")
        if not code.isdigit():
            raise ValidationError("code", "type the six digits the authenticator app shows")
        return code

    def save(self, data: str) -> UserOut:
        clock = {"now": self.clock} if self.clock is not None else {}
        return users.confirm_totp(self.ctx.db, self.ctx.actor, self.user_name,
                                  self.enrolment.secret, data, **clock)


def set_up_authenticator(ctx: AppContext, parent: QWidget, name: str,
                         run_dialog: Callable[[QDialog], int],
                         shown: Callable[[str], None], *, clock: Clock | None = None,
                         done: Callable[[UserOut], None] | None = None) -> None:
    """Enrol `name` in a worker, then show the QR code and ask for a code. `shown(text)` tells
    the person what came of it (a refusal, or that it is on)."""
    db, actor = ctx.db, ctx.actor

    def enrolled(enrolment: Any, error: BaseException | None) -> None:
        if not shiboken6.isValid(parent):
            return
        if error is not None:
            shown(str(error))
            return
        dialog = AuthenticatorDialog(ctx, name, enrolment, parent, clock=clock)
        if run_dialog(dialog) == QDialog.DialogCode.Accepted and dialog.saved is not None:
            shown(f"{name} now signs in with an authenticator code too.")
            if done is not None:
                done(dialog.saved)

    ctx.run_task(lambda: users.enrol_totp(db, actor, name), later(enrolled))


# --- the list ----------------------------------------------------------------------------------

class UsersDialog(QDialog):
    """File ▸ Users…: every user of the book and what can be done to each."""

    changed = Signal()  # a user was added or changed (a password may exist now)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Users")
        self.resize(860, 460)
        self.clock: Clock | None = None  # the authenticator check's clock (tests fix it)
        self.properties: dict[uuid.UUID, str] = {}
        self.property_list: list[tuple[uuid.UUID, str]] = []
        self.model: RowTableModel[UserOut] = RowTableModel([
            Column("name", "Name", lambda u: u.name, width=160),
            Column("role", "Role", lambda u: u.role, width=90),
            Column("active", "Active", lambda u: "yes" if u.active else "disabled", width=70),
            Column("password", "Password", lambda u: "set" if u.has_password else "none",
                   width=80),
            Column("locked", "Locked until", locked_text, width=130),
            Column("totp", "Authenticator", lambda u: "on" if u.totp else "", width=100),
            Column("scope", "Properties", self._scope_text, width=200),
        ], money=ctx.money)
        self.view = ListView(self.model, ctx.settings, "users")
        self.message = QLabel()
        self.message.setObjectName("users_message")
        self.message.setWordWrap(True)
        self.message.hide()

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, slot, tip in (
            ("add", "Add User…", self.add_user, "A new user with a role and a password"),
            ("role", "Set Role…", self.set_role, "What the selected user may do"),
            ("active", "Disable", self.toggle_active,
             "A disabled user cannot sign in; their history stays"),
            ("reset", "Reset Password…", self.reset_password,
             "Give the selected user a new password (it also unlocks them)"),
            ("unlock", "Unlock", self.unlock, "Lift the lock after five failed sign-ins"),
            ("properties", "Limit to Properties…", self.limit_properties,
             "The properties the selected user sees"),
            ("totp", "Set Up Authenticator…", self.set_up_authenticator,
             "A code from a phone app on top of the password"),
        ):
            button = QPushButton(text)
            button.setObjectName(f"users_{key}")
            button.setToolTip(tip)
            button.clicked.connect(lambda *_a, s=slot: s())
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(close)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self._selected()
        self.reload()

    # --- replaced in tests -----------------------------------------------------------------

    def run_dialog(self, dialog: QDialog) -> int:
        return dialog.exec()

    # --- the list --------------------------------------------------------------------------

    def _scope_text(self, user: UserOut) -> str:
        if not user.property_ids:
            return "every property"
        names = sorted(self.properties.get(i, "?") for i in user.property_ids)
        return ", ".join(names)

    def reload(self, select: str | None = None) -> None:
        """Read the users (and the properties, for their names) in a worker."""
        db, actor = self.ctx.db, self.ctx.actor
        current = self.selected()
        keep = select or (current.name if current is not None else None)

        def read() -> tuple[list[UserOut], list[tuple[uuid.UUID, str]]]:
            return users.list_users(db, actor), portfolio.property_choices(db, actor)

        def done(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self.say(str(error), error=True)
                return
            rows, self.property_list = result
            self.properties = dict(self.property_list)
            self.model.set_rows(rows)
            for i, user in enumerate(rows):
                if user.name == keep:
                    self.view.selectRow(self.view.proxy.mapFromSource(
                        self.model.index(i, 0)).row())
            self._selected()

        self.ctx.run_task(read, done)

    def rows(self) -> list[UserOut]:
        found = (self.model.cached_row(i) for i in range(self.model.rowCount()))
        return [row for row in found if row is not None]

    def selected(self) -> UserOut | None:
        row = self.view.current_row()
        return row if isinstance(row, UserOut) else None

    def select(self, name: str) -> None:
        for i in range(self.view.proxy.rowCount()):
            source = self.view.proxy.mapToSource(self.view.proxy.index(i, 0))
            row = self.model.cached_row(source.row())
            if row is not None and row.name == name:
                self.view.selectRow(i)
                return
        raise LookupError(name)

    def _selected(self) -> None:
        user = self.selected()
        for key, button in self.buttons.items():
            button.setEnabled(key == "add" or user is not None)
        if user is not None:
            self.buttons["active"].setText("Disable" if user.active else "Enable")
            self.buttons["unlock"].setEnabled(bool(locked_text(user)) or user.failed_attempts > 0)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setVisible(bool(text))

    def _changed(self, note: str, select: str | None = None) -> None:
        self.say(note)
        self.reload(select)
        self.changed.emit()

    # --- what the buttons do ------------------------------------------------------------------

    def _edit(self, dialog: FormDialog, note: Callable[[Any], str]) -> None:
        if self.run_dialog(dialog) == QDialog.DialogCode.Accepted:
            saved = dialog.saved
            self._changed(note(saved), saved.name if isinstance(saved, UserOut) else None)

    def add_user(self) -> None:
        self._edit(AddUserDialog(self.ctx, self),
                   lambda u: f"Added {u.name} ({u.role}).")

    def set_role(self) -> None:
        user = self.selected()
        if user is not None:
            self._edit(RoleDialog(self.ctx, user, self),
                       lambda u: f"{u.name} is now {u.role}.")

    def reset_password(self) -> None:
        user = self.selected()
        if user is not None:
            self._edit(ResetPasswordDialog(self.ctx, user, self),
                       lambda u: f"Set a new password for {u.name}.")

    def limit_properties(self) -> None:
        user = self.selected()
        if user is not None:
            self._edit(PropertiesDialog(self.ctx, user, self.property_list, self),
                       lambda u: f"{u.name} sees {self._scope_text(u)}.")

    def _direct(self, work: Callable[[], UserOut], note: Callable[[UserOut], str]) -> None:
        """A change with nothing to type: in a worker, the outcome above the list."""
        def done(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self.say(str(error) if isinstance(error, ColivError) else f"Failed: {error}",
                         error=True)
                return
            self._changed(note(result), result.name)

        self.ctx.run_task(work, done)

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self._direct(lambda: users.set_active(db, actor, user.name, not user.active),
                     lambda u: f"{'Enabled' if u.active else 'Disabled'} {u.name}.")

    def unlock(self) -> None:
        user = self.selected()
        if user is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self._direct(lambda: users.unlock(db, actor, user.name), lambda u: f"Unlocked {u.name}.")

    def set_up_authenticator(self) -> None:
        user = self.selected()
        if user is None:
            return

        def shown(text: str) -> None:
            self.say(text, error=not text.endswith("too."))

        set_up_authenticator(self.ctx, self, user.name, self.run_dialog, shown,
                             clock=self.clock,
                             done=lambda u: self._changed(
                                 f"{u.name} now signs in with an authenticator code too.",
                                 u.name))
