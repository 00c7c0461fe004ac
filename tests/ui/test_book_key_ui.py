"""File ▸ Book Key (issue 13 item 7): the owner saves the recovery sheet and, on a computer
whose keychain lacks the key, types it back in from the sheet."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from coliv_desktop.db import crypto
from coliv_desktop.db.engine import Database
from coliv_desktop.services import protection
from coliv_desktop.services.context import Actor
from coliv_desktop.services.databases import OpenedDatabase
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.users.book_key import EnterBookKeyDialog, save_recovery_sheet
from tests.services.test_protection import ID_NUMBER, protected_tenant
from tests.ui.helpers import type_into


def test_the_recovery_sheet_is_saved_where_the_owner_chose(
        window: Any, ctx: AppContext, tmp_path: Path) -> None:
    target = tmp_path / "sheet.pdf"
    save_recovery_sheet(ctx, window, str(target))
    ctx.tasks.wait_idle()
    QApplication.processEvents()
    assert target.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert "keep it somewhere safe" in window.statusBar().currentMessage()


def test_the_key_typed_from_the_sheet_unlocks_the_book_on_a_new_computer(
        qtbot: Any, ctx: AppContext, db: Database, actor: Actor,
        isolated_environment: Any) -> None:
    tenant_id = protected_tenant(db, actor)
    _book, key = protection.book_key(db, actor)
    isolated_environment.passwords.clear()  # a new computer: its keychain lacks the key
    fresh = Database(db.url)
    try:
        ctx.set_database(OpenedDatabase(fresh, actor, "USD", "en_US"))
        dialog = EnterBookKeyDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        type_into(qtbot, dialog.key, crypto.new_key())  # another book's key: refused
        dialog.save_button.click()
        qtbot.waitUntil(lambda: not dialog.saving, timeout=10000)
        ctx.tasks.wait_idle()
        QApplication.processEvents()
        assert dialog.isVisible() and "not the key of this book" in dialog.banner.text()
        type_into(qtbot, dialog.key, " ".join(key[i:i + 4] for i in range(0, len(key), 4)))
        dialog.save_button.click()
        qtbot.waitUntil(lambda: not dialog.saving, timeout=10000)
        ctx.tasks.wait_idle()
        assert dialog.result() == 1
        assert protection.tenant_private(fresh, actor, tenant_id).id_number == ID_NUMBER
    finally:
        ctx.tasks.wait_idle()
        fresh.dispose()
