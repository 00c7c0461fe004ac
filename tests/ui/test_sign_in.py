"""Opening a book that has passwords: the sign-in dialog, a refusal shown in it, the
authenticator code asked for when the account has one, and the session as that person."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import URL, make_url

from coliv_desktop.services import databases, users
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.shell.main_window import MainWindow
from coliv_desktop.ui.shell.sign_in import SignInDialog
from tests.ui.helpers import type_into

OWNER_PASSWORD = "Owner-pass1"
STAFF_PASSWORD = "Staff-pass1"


@pytest.fixture
def desk(qtbot: QtBot, qsettings: QSettings) -> Iterator[tuple[AppContext, MainWindow]]:
    ctx = AppContext(qsettings)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    yield ctx, window
    ctx.tasks.wait_idle()
    ctx.close_database()
    ctx.tasks.wait_idle()


def _book(tmp_path: Path, *, totp: bool = False) -> tuple[URL, str | None]:
    """A book with an owner and a staff member who sign in (the staff member with an
    authenticator, when asked)."""
    url = make_url(f"sqlite:///{tmp_path / 'signed.db'}")
    opened = databases.create_database(url)
    db, actor = opened.db, opened.actor
    users.add_user(db, actor, "Olivia", "owner", OWNER_PASSWORD)
    owner = users.sign_in(db, "Olivia", OWNER_PASSWORD)
    users.add_user(db, owner, "Sam", "staff", STAFF_PASSWORD)
    secret = None
    if totp:
        sam = users.sign_in(db, "Sam", STAFF_PASSWORD)
        enrolment = users.enrol_totp(db, sam, "Sam")
        secret = enrolment.secret
        users.confirm_totp(db, sam, "Sam", secret, pyotp.TOTP(secret).now())
    databases.close(db)
    return url, secret


def _open(qtbot: QtBot, window: MainWindow, url: URL, handle: Any) -> list[Any]:
    """Open `url`; each sign-in dialog goes to `handle(dialog)`; returns what on_done got."""
    done: list[Any] = []
    window.databases.run_dialog = handle  # type: ignore[method-assign]
    window.databases.open_url(url, on_done=lambda result, error: done.append((result, error)))
    qtbot.waitUntil(lambda: bool(done) or window.ctx.has_database, timeout=20_000)
    return done


def _sign_in(qtbot: QtBot, dialog: SignInDialog, name: str, password: str,
             code: str | None = None) -> None:
    dialog.ctx.tasks.wait_idle()
    type_into(qtbot, dialog.name, name)
    type_into(qtbot, dialog.password, password)
    if code is not None:
        type_into(qtbot, dialog.code, code)
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=20_000)


def test_a_book_with_passwords_opens_after_signing_in(
        qtbot: QtBot, desk: tuple[AppContext, MainWindow], tmp_path: Path) -> None:
    ctx, window = desk
    url, _ = _book(tmp_path)
    seen: list[str] = []

    def handle(dialog: QDialog) -> int:
        assert isinstance(dialog, SignInDialog)
        dialog.show()
        _sign_in(qtbot, dialog, "Sam", "wrong-Pass9")  # refused: shown, the dialog stays
        seen.append(dialog.banner.text())
        assert dialog.isVisible() and dialog.saved is None
        _sign_in(qtbot, dialog, "Sam", STAFF_PASSWORD)
        return dialog.result()

    done = _open(qtbot, window, url, handle)
    assert done and done[0][1] is None
    assert "wrong name or password" in seen[0]
    assert ctx.has_database and ctx.actor.name == "Sam" and ctx.actor.role == "staff"
    assert ctx.settings.value("signin/name") == "Sam"  # remembered, never the password
    assert STAFF_PASSWORD not in str(dict((k, ctx.settings.value(k))
                                          for k in ctx.settings.allKeys()))


def test_an_account_with_an_authenticator_is_asked_for_its_code(
        qtbot: QtBot, desk: tuple[AppContext, MainWindow], tmp_path: Path) -> None:
    ctx, window = desk
    url, secret = _book(tmp_path, totp=True)
    assert secret is not None
    asked: list[bool] = []

    def handle(dialog: QDialog) -> int:
        assert isinstance(dialog, SignInDialog)
        dialog.show()
        assert not dialog.code.isVisible()
        _sign_in(qtbot, dialog, "Sam", STAFF_PASSWORD)
        asked.append(dialog.code.isVisible())
        _sign_in(qtbot, dialog, "Sam", STAFF_PASSWORD, pyotp.TOTP(secret).now())
        return dialog.result()

    _open(qtbot, window, url, handle)
    assert asked == [True]
    assert ctx.has_database and ctx.actor.name == "Sam"


def test_cancelling_the_sign_in_opens_nothing(
        qtbot: QtBot, desk: tuple[AppContext, MainWindow], tmp_path: Path) -> None:
    ctx, window = desk
    url, _ = _book(tmp_path)
    done = _open(qtbot, window, url, lambda dialog: int(QDialog.DialogCode.Rejected))
    assert done and done[0][1] is not None
    assert not ctx.has_database
