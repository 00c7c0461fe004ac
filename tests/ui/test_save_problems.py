"""Every output path (issue 10, item 7, the GUI half): a Save As, an export or a PDF saved into
a folder that cannot be written gives one clear message naming the path and the reason, never
a traceback dialog, and leaves no partial file.

As root nothing is read-only, so the folder that cannot be written is one under a file
(`<tmp>/afile/x.pdf`, `afile` being a file), or a write monkeypatched to fail.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from coliv_desktop.services import printing
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.common.widgets import Messages
from coliv_desktop.ui.ledger.dialogs import StatementDialog
from coliv_desktop.ui.ledger.pane import LedgerPane
from coliv_desktop.ui.ledger.views import ReportsView
from coliv_desktop.ui.shell.databases import Databases
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.services.test_reports import flow_43
from tests.ui.helpers import click, menu_action, settle


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """A folder that cannot be written: its parent is a file."""
    (tmp_path / "saves").mkdir()
    afile = tmp_path / "saves" / "afile"
    afile.write_text("not a folder")
    return afile


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(Messages, "warn", lambda parent, title, text: shown.append((title, text)))
    return shown


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def book(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("COLIV_TODAY", "2025-12-05")
    return flow_43(ctx.db, ctx.actor)


def test_a_pdf_saved_as_into_a_folder_that_cannot_be_written(
        qtbot: QtBot, ctx: AppContext, book: dict[str, Any], blocked: Path, tmp_path: Path,
        warnings: list[tuple[str, str]]) -> None:
    from coliv_desktop.services import ledger_list
    from coliv_desktop.services.ledger_list import LedgerQuery

    payment = ledger_list.receipt_payment_ids(ctx.db, ctx.actor, LedgerQuery())[0]
    path = printing.receipt_pdf(ctx.db, ctx.actor, payment, tmp_path / "r.pdf")
    preview = PdfPreview(path, "Receipt")
    qtbot.addWidget(preview)
    saved: list[str] = []
    preview.delivered.connect(saved.append)
    target = blocked / "x.pdf"
    assert preview.save_as(str(target)) is None
    assert len(warnings) == 1
    title, text = warnings[0]
    assert text.startswith(f"Could not save {target}: ") and text.count("\n") == 0
    assert saved == []  # not "delivered": the letter did not go out
    assert leftovers(blocked.parent) == ["afile"] and blocked.read_text() == "not a folder"
    # a folder that refuses the write (a read-only share): the same, naming it
    good = tmp_path / "out"
    good.mkdir()

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", dst)

    import os
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(os, "replace", refuse)
    try:
        assert preview.save_as(str(good / "copy.pdf")) is None
    finally:
        monkeypatch.undo()
    assert warnings[1][1] == f"Could not save {good / 'copy.pdf'}: permission denied."
    assert leftovers(good) == []  # the temporary file is gone too


def test_a_report_exported_into_a_folder_that_cannot_be_written(
        qtbot: QtBot, ctx: AppContext, book: dict[str, Any], blocked: Path,
        warnings: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    view = ReportsView(ctx)
    qtbot.addWidget(view)
    target = blocked / "aging.pdf"
    monkeypatch.setattr("coliv_desktop.ui.ledger.views.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    messages: list[str] = []
    ctx.bus.status_message.connect(messages.append)
    view.export()
    ctx.tasks.wait_idle()
    QApplication.processEvents()
    assert [t for _, t in warnings] == [messages[-1]]
    assert messages[-1].startswith(f"Could not save {target}: ")


def test_a_statement_csv_into_a_folder_that_cannot_be_written(
        qtbot: QtBot, ctx: AppContext, book: dict[str, Any], blocked: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    target = blocked / "statement.csv"
    monkeypatch.setattr("coliv_desktop.ui.ledger.dialogs.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    dialog = StatementDialog(ctx, book["Tom"])
    qtbot.addWidget(dialog)
    ctx.tasks.wait_idle()  # its look-ups run in the background
    dialog.start.set_value(date(2025, 12, 1))
    dialog.output.setCurrentIndex(dialog.output.findData("csv"))
    click(qtbot, dialog.save_button)
    assert dialog.banner.text().startswith(f"Could not save {target}: ")
    assert dialog.isVisible() or dialog.result() == 0  # still open, nothing written
    assert not target.exists()


def test_receipts_into_a_folder_that_cannot_be_written(
        qtbot: QtBot, ctx: AppContext, book: dict[str, Any], blocked: Path,
        warnings: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    pane = LedgerPane(ctx)
    qtbot.addWidget(pane)
    pane.show()
    settle_ctx(ctx)
    monkeypatch.setattr(LedgerPane, "choose_folder", lambda self: str(blocked / "receipts"))
    pane.receipts()
    settle_ctx(ctx)
    assert len(warnings) == 1 and warnings[0][1].startswith("Could not save ")
    assert str(blocked) in warnings[0][1]


def settle_ctx(ctx: AppContext) -> None:
    for _ in range(3):
        ctx.tasks.wait_idle()
        QApplication.processEvents()


def test_export_to_json_and_back_up_now_say_what_failed(
        qtbot: QtBot, window: MainWindow, blocked: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    failed: list[tuple[str, str]] = []
    monkeypatch.setattr(Databases, "fail", lambda self, title, text: failed.append((title, text)))
    target = blocked / "export.json"
    monkeypatch.setattr(Databases, "choose_json_to_write", lambda self: str(target))
    menu_action(window, "export_json").trigger()
    settle(window)
    assert failed[0][0] == "Could not export"
    assert failed[0][1].startswith(f"Could not save {target}: ")
    assert not target.exists()

    if window.ctx.db.is_sqlite:  # Back Up Now copies the file into its backups folder
        from coliv_desktop.db import migrate

        def refuse(url: Any, reason: str) -> Path:
            raise PermissionError(13, "Permission denied", "/backups/coliv-manual.db")

        monkeypatch.setattr(migrate, "backup_sqlite", refuse)
        menu_action(window, "backup").trigger()
        settle(window)
        assert failed[1] == ("Could not back up",
                             "Could not save /backups/coliv-manual.db: permission denied.")


def test_no_traceback_dialog_for_a_file_problem_anywhere(qtbot: QtBot) -> None:
    """The wording is one helper's: a FileProblem and an OSError read the same way."""
    from coliv_desktop.domain.errors import FileProblem
    from coliv_desktop.ui.common.widgets import not_saved

    assert not_saved(FileProblem("/a/b.pdf", "no space left on device")) == \
        "Could not save /a/b.pdf: no space left on device."
    assert not_saved(OSError(28, "No space left on device", "/a/b.pdf")) == \
        "Could not save /a/b.pdf: no space left on device."
    assert not_saved(ValueError("other")) is None
    QWidget()  # a QApplication exists (qtbot)
