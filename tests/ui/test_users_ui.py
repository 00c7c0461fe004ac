"""File ▸ Users… driven as an owner would: add a user with a password (the book then needs
sign-in), change a role, unlock, set up an authenticator with a fixed clock; the banner on a
PostgreSQL book without passwords; who is signed in; the menu item kept from a manager."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime

import pyotp
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import AccountLocked, SignInRefused
from coliv_desktop.schemas.portfolio import PropertyCreate
from coliv_desktop.schemas.users import UserOut
from coliv_desktop.services import portfolio, users
from coliv_desktop.services.context import Actor
from coliv_desktop.services.databases import OpenedDatabase
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.shell.main_window import NO_PASSWORD_BANNER, MainWindow
from coliv_desktop.ui.users.dialogs import (
    AddUserDialog,
    AuthenticatorDialog,
    ChangePasswordDialog,
    PropertiesDialog,
    ResetPasswordDialog,
    RoleDialog,
    UsersDialog,
)
from tests.ui.helpers import DialogDriver, click, menu_action, settle, type_into

OWNER_PASSWORD = "Own3rPassword"
FIXED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def open_users(qtbot: QtBot, window: MainWindow) -> tuple[UsersDialog, DialogDriver]:
    menu_action(window, "users").trigger()
    dialog = window.findChild(UsersDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    settle(window)
    driver = DialogDriver(qtbot)
    dialog.run_dialog = driver  # type: ignore[method-assign]
    return dialog, driver


def listed(dialog: UsersDialog, name: str) -> UserOut:
    return next(u for u in dialog.rows() if u.name == name)


def cell(dialog: UsersDialog, name: str, column: str) -> str:
    keys = [c.key for c in dialog.model.columns]
    row = next(i for i, u in enumerate(dialog.rows()) if u.name == name)
    return str(dialog.model.index(row, keys.index(column)).data(Qt.ItemDataRole.DisplayRole))


@pytest.fixture
def with_staff(db: Database, actor: Actor) -> Actor:
    """The owner has a password, and so does Sam (staff)."""
    users.reset_password(db, actor, actor.name, OWNER_PASSWORD)
    users.add_user(db, actor, "Sam", "staff", "Staff1Pass")
    return actor


def test_add_user_with_password_turns_sign_in_on(qtbot: QtBot, window: MainWindow,
                                                 db: Database) -> None:
    assert not users.needs_sign_in(db)
    assert not window.signed_in_label.isVisible()
    dialog, driver = open_users(qtbot, window)
    assert [u.name for u in dialog.rows()] == [window.ctx.actor.name]

    def fill(form: AddUserDialog) -> None:
        type_into(qtbot, form.name, "Olivia Park")
        role = form.role
        assert isinstance(role, QComboBox)
        role.setCurrentIndex(role.findData("owner"))
        type_into(qtbot, form.password, "short")
        type_into(qtbot, form.password_again, "short")
        click(qtbot, form.save_button)
        assert "upper-case" in form.fields.error("password")  # the rules, at the field
        assert form.isVisible()
        type_into(qtbot, form.password, "Olivia2026")
        type_into(qtbot, form.password_again, "Olivia2025")
        click(qtbot, form.save_button)
        assert form.fields.error("password") == ""
        assert "does not match" in form.fields.error("password_again")
        type_into(qtbot, form.password_again, "Olivia2026")
        click(qtbot, form.save_button)

    driver.then(fill)
    click(qtbot, dialog.buttons["add"])
    settle(window)
    assert isinstance(driver.seen[0], AddUserDialog) and driver.seen[0].saved is not None
    assert users.needs_sign_in(db)
    olivia = listed(dialog, "Olivia Park")
    assert (olivia.role, olivia.has_password, olivia.active) == ("owner", True, True)
    assert "Added Olivia Park" in dialog.message.text()
    # the window now says who is signed in here
    assert window.signed_in_label.isVisible()
    actor = window.ctx.actor
    assert window.signed_in_label.text() == f"Signed in as {actor.name} ({actor.role})"
    assert users.sign_in(db, "Olivia Park", "Olivia2026").role == "owner"


def test_role_change(qtbot: QtBot, window: MainWindow, db: Database, with_staff: Actor) -> None:
    dialog, driver = open_users(qtbot, window)
    dialog.select("Sam")
    assert dialog.buttons["role"].isEnabled()

    def choose(form: RoleDialog) -> None:
        role = form.role
        assert isinstance(role, QComboBox) and role.currentData() == "staff"
        role.setCurrentIndex(role.findData("accountant"))
        click(qtbot, form.save_button)

    driver.then(choose)
    click(qtbot, dialog.buttons["role"])
    settle(window)
    assert cell(dialog, "Sam", "role") == "accountant"
    assert {u.name: u.role for u in users.list_users(db, with_staff)}["Sam"] == "accountant"


def test_disable_and_reset_password(qtbot: QtBot, window: MainWindow, db: Database,
                                    with_staff: Actor) -> None:
    dialog, driver = open_users(qtbot, window)
    dialog.select("Sam")
    assert dialog.buttons["active"].text() == "Disable"
    click(qtbot, dialog.buttons["active"])
    settle(window)
    assert cell(dialog, "Sam", "active") == "disabled"
    assert dialog.buttons["active"].text() == "Enable"
    with pytest.raises(SignInRefused):
        users.sign_in(db, "Sam", "Staff1Pass")
    click(qtbot, dialog.buttons["active"])
    settle(window)
    assert listed(dialog, "Sam").active

    def new_password(form: ResetPasswordDialog) -> None:
        type_into(qtbot, form.password, "Fresh2Pass")
        type_into(qtbot, form.password_again, "Fresh2Pass")
        click(qtbot, form.save_button)

    driver.then(new_password)
    click(qtbot, dialog.buttons["reset"])
    settle(window)
    assert users.sign_in(db, "Sam", "Fresh2Pass").name == "Sam"


def test_unlock(qtbot: QtBot, window: MainWindow, db: Database, with_staff: Actor) -> None:
    for _ in range(users.MAX_FAILED_ATTEMPTS):
        with pytest.raises(SignInRefused):
            users.sign_in(db, "Sam", "wrong")
    with pytest.raises(AccountLocked):
        users.sign_in(db, "Sam", "Staff1Pass")
    dialog, _driver = open_users(qtbot, window)
    assert cell(dialog, "Sam", "locked") != ""
    dialog.select(window.ctx.actor.name)
    assert not dialog.buttons["unlock"].isEnabled()  # the owner is not locked
    dialog.select("Sam")
    assert dialog.buttons["unlock"].isEnabled()
    click(qtbot, dialog.buttons["unlock"])
    settle(window)
    assert cell(dialog, "Sam", "locked") == ""
    assert "Unlocked Sam" in dialog.message.text()
    assert users.sign_in(db, "Sam", "Staff1Pass").name == "Sam"


def test_authenticator_with_a_fixed_clock(qtbot: QtBot, window: MainWindow, db: Database,
                                          with_staff: Actor) -> None:
    dialog, driver = open_users(qtbot, window)
    dialog.clock = lambda: FIXED
    dialog.select("Sam")
    secrets: list[str] = []

    def confirm(form: AuthenticatorDialog) -> None:
        secret = form.enrolment.secret
        secrets.append(secret)
        assert form.enrolment.uri.startswith("otpauth://totp/")
        pixmap = form.qr.pixmap()
        assert not pixmap.isNull() and pixmap.width() >= 100
        assert form.secret.text().replace(" ", "") == secret
        right = pyotp.TOTP(secret).at(FIXED)
        wrong = pyotp.TOTP(secret).at(FIXED.replace(hour=3))
        type_into(qtbot, form.code, wrong)
        click(qtbot, form.save_button)
        assert "does not match" in form.fields.error("code")
        type_into(qtbot, form.code, right)
        click(qtbot, form.save_button)

    driver.then(confirm)
    click(qtbot, dialog.buttons["totp"])
    qtbot.waitUntil(lambda: bool(driver.seen), timeout=10000)
    settle(window)
    assert cell(dialog, "Sam", "totp") == "on"
    secret = secrets[0]
    assert users.sign_in(db, "Sam", "Staff1Pass", pyotp.TOTP(secret).at(FIXED),
                         now=lambda: FIXED).name == "Sam"


def test_limit_to_properties(qtbot: QtBot, window: MainWindow, db: Database,
                             with_staff: Actor) -> None:
    made = {name: portfolio.add_property(db, with_staff, PropertyCreate(
        name=name, address="1 Main St", city="Austin", state="TX", zip="78701")).id
        for name in ("Elm House", "Oak House", "Pine House")}
    dialog, driver = open_users(qtbot, window)
    assert cell(dialog, "Sam", "scope") == "every property"
    dialog.select("Sam")

    def tick(form: PropertiesDialog) -> None:
        names = [form.choices.item(i).text() for i in range(form.choices.count())]
        assert names == ["Elm House", "Oak House", "Pine House"]
        for i in (0, 2):
            form.choices.item(i).setCheckState(Qt.CheckState.Checked)
        click(qtbot, form.save_button)

    driver.then(tick)
    click(qtbot, dialog.buttons["properties"])
    settle(window)
    assert cell(dialog, "Sam", "scope") == "Elm House, Pine House"
    assert set(listed(dialog, "Sam").property_ids or ()) == {made["Elm House"],
                                                             made["Pine House"]}
    sam = users.sign_in(db, "Sam", "Staff1Pass")
    assert [p.name for p in portfolio.list_properties(db, sam)] == ["Elm House",
                                                                         "Pine House"]

    def untick(form: PropertiesDialog) -> None:
        for i in range(form.choices.count()):
            form.choices.item(i).setCheckState(Qt.CheckState.Unchecked)
        click(qtbot, form.save_button)

    driver.then(untick)
    click(qtbot, dialog.buttons["properties"])
    settle(window)
    assert cell(dialog, "Sam", "scope") == "every property"


def test_change_my_password(qtbot: QtBot, window: MainWindow, db: Database) -> None:
    driver = DialogDriver(qtbot)
    window.run_dialog = driver  # type: ignore[method-assign]

    def fill(form: ChangePasswordDialog) -> None:
        type_into(qtbot, form.new_password, "Mine4Now!")
        type_into(qtbot, form.new_password_again, "Mine4Now!")
        click(qtbot, form.save_button)

    driver.then(fill)
    menu_action(window, "change_password").trigger()
    settle(window)
    assert driver.seen[0].result() == 1
    assert users.sign_in(db, window.ctx.actor.name, "Mine4Now!").role == "owner"
    assert window.signed_in_label.isVisible()


def test_banner_on_postgresql_until_a_password_exists(qtbot: QtBot, window: MainWindow,
                                                      db: Database) -> None:
    settle(window)
    on_server = not db.is_sqlite
    assert window.password_banner.isVisible() == on_server
    assert window.password_banner.text() == NO_PASSWORD_BANNER
    dialog, driver = open_users(qtbot, window)
    dialog.select(window.ctx.actor.name)

    def new_password(form: ResetPasswordDialog) -> None:
        type_into(qtbot, form.password, OWNER_PASSWORD)
        type_into(qtbot, form.password_again, OWNER_PASSWORD)
        click(qtbot, form.save_button)

    driver.then(new_password)
    click(qtbot, dialog.buttons["reset"])
    settle(window)
    assert users.needs_sign_in(db)
    assert not window.password_banner.isVisible()
    assert window.signed_in_label.isVisible()


def test_banner_checked_after_a_database_switch(qtbot: QtBot, window: MainWindow,
                                                db: Database, actor: Actor) -> None:
    """The check runs in a worker after `database_switched` (the window was made first)."""
    window.ctx.set_database(OpenedDatabase(db, actor, "USD", "en_US"))
    settle(window)
    assert window.password_banner.isVisible() == (not db.is_sqlite)
    users.reset_password(db, actor, actor.name, OWNER_PASSWORD)
    window.ctx.set_database(OpenedDatabase(db, actor, "USD", "en_US"))
    settle(window)
    assert not window.password_banner.isVisible()
    assert window.signed_in_label.text() == f"Signed in as {actor.name} ({actor.role})"


@pytest.fixture
def manager_window(qtbot: QtBot, qsettings: QSettings, db: Database,
                   actor: Actor) -> Iterator[MainWindow]:
    ctx = AppContext(qsettings)
    ctx.set_database(OpenedDatabase(db, dataclasses.replace(actor, role="manager"), "USD",
                                    "en_US"))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    ctx.tasks.wait_idle()
    yield win
    ctx.tasks.wait_idle()


def test_users_menu_is_for_owners(window: MainWindow, manager_window: MainWindow) -> None:
    assert menu_action(window, "users").isVisible()
    users_action = manager_window.findChild(QAction, "users")
    assert users_action is not None
    assert not users_action.isEnabled() and not users_action.isVisible()
    own = manager_window.findChild(QAction, "change_password")
    assert own is not None and own.isEnabled()  # anyone changes their own password


def test_password_fields_hide_what_is_typed(qtbot: QtBot, window: MainWindow) -> None:
    form = AddUserDialog(window.ctx, window)
    qtbot.addWidget(form)
    for name in ("password", "password_again"):
        widget = form.fields.widgets[name]
        assert isinstance(widget, QLineEdit)
        assert widget.echoMode() == QLineEdit.EchoMode.Password
