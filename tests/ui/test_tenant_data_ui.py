"""The tenant record's Data menu: Export data… and Erase… (issue 13, item 7), off the GUI
thread, with the refusal shown in a box."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot

from coliv_desktop.schemas import build
from coliv_desktop.schemas.people import TenantCreate
from coliv_desktop.services import leasing, tenants
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.tenants.record import TenantRecord
from tests.builders import flow_41, lease


def settle(ctx: AppContext, qtbot: QtBot) -> None:
    for _ in range(3):  # a task's result may start another task (later: the next turn)
        assert ctx.tasks.wait_idle()
        qtbot.wait(20)


def test_export_and_erase_from_the_tenant_record(
        ctx: AppContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rooms = flow_41(ctx.db, ctx.actor).rooms
    maya = tenants.add_tenant(ctx.db, ctx.actor, build(
        TenantCreate, first_name="Maya", last_name="Okafor", email="maya@example.com",
        id_number="P-1234")).id
    made = lease(ctx.db, ctx.actor, rooms["3A-A"], maya, date(2025, 1, 1), date(2025, 2, 28),
                 rent_amount="0")
    warnings: list[str] = []
    ctx.editing = SimpleNamespace(  # type: ignore[assignment]
        ask_text=lambda title, label: "their request", confirm=lambda title, text: True,
        warn=lambda title, text: warnings.append(text))
    record = TenantRecord(ctx)
    qtbot.addWidget(record)
    record.show_tenant(maya)
    settle(ctx, qtbot)

    out = tmp_path / "maya.zip"
    monkeypatch.setattr("coliv_desktop.ui.tenants.record.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(out), ""))
    record.export_data()
    settle(ctx, qtbot)
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("tenant.json"))["tenant"]["id_number"] == "P-1234"

    record.erase()  # the lease is still active: refused, said in a box
    settle(ctx, qtbot)
    assert warnings and "active lease" in warnings[0]
    leasing.end_lease(ctx.db, ctx.actor, made.id, date(2025, 2, 28))
    record.erase()
    settle(ctx, qtbot)
    assert record.name.text().startswith("Erased tenant")


def test_the_tenant_dialog_edits_the_protected_fields(
        window: object, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QDialog

    from coliv_desktop.services import protection
    from coliv_desktop.ui.shell.actions import Editing
    from coliv_desktop.ui.tenants.dialog import TenantDialog
    from tests.ui.helpers import DialogDriver, click
    from tests.ui.helpers import settle as settle_window

    ctx: AppContext = window.ctx  # type: ignore[attr-defined]
    maya = tenants.add_tenant(ctx.db, ctx.actor, build(
        TenantCreate, first_name="Maya", last_name="Okafor", email="maya@example.com",
        id_number="P-1234")).id

    def edit(dialog: QDialog) -> None:
        assert isinstance(dialog, TenantDialog)
        assert dialog.id_number.text() == "P-1234"  # read off the GUI thread, decrypted
        dialog.bank_details.setText("GB29 NWBK 6016 1331 9268 19")
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(edit)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    assert ctx.editing is not None
    ctx.editing.edit_tenant(maya)
    settle_window(window)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool(driver.seen), timeout=5000)
    settle_window(window)  # type: ignore[arg-type]
    private = protection.tenant_private(ctx.db, ctx.actor, maya)
    assert (private.id_number, private.bank_details) == ("P-1234",
                                                         "GB29 NWBK 6016 1331 9268 19")
