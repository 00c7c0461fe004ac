"""Every list exports what it shows (issue 15): the rows its search and filters keep, in its
order, its shown columns, typed cells in XLSX, formulas neutralised; and the journal dialog."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from coliv_desktop.domain.journal import DESCRIPTIONS
from coliv_desktop.domain.sheet_writer import neutralise
from coliv_desktop.schemas import build
from coliv_desktop.schemas.people import TenantCreate
from coliv_desktop.services import tenants as tenant_service
from coliv_desktop.services.demo import load_demo
from coliv_desktop.ui.common import table_export
from coliv_desktop.ui.common.tasks import TaskCancelled, TaskControl
from coliv_desktop.ui.common.widgets import ListView, Messages
from coliv_desktop.ui.journals.dialog import JournalDialog
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.ui.helpers import menu_action, off_the_gui_thread, settle

DAY = date(2025, 11, 25)


@pytest.fixture
def book(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setenv("COLIV_TODAY", DAY.isoformat())
    ctx = window.ctx
    load_demo(ctx.db, ctx.actor, DAY)
    tenant_service.add_tenant(ctx.db, ctx.actor, build(
        TenantCreate, first_name="Hacker", last_name="=SUM(A1)", email="h@example.com"))
    ctx.bus.everything_changed.emit()
    settle(window)
    return window


def sheet(path: Path) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in load_workbook(path).active.iter_rows(values_only=True)]


def shown_texts(view: ListView, column: int) -> list[str]:
    model = view.model()
    return [str(model.index(r, column).data()) for r in range(model.rowCount())]


def test_the_tenants_list_with_a_search(book: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    book.show_pane("tenants")
    pane: Any = book.pane("tenants")
    settle(book)
    qtbot.keyClicks(pane.search, "a")
    qtbot.wait(400)  # the search waits for typing to pause
    settle(book)
    view: ListView = pane.view
    shown = view.model().rowCount()
    assert shown > 2
    out = tmp_path / "tenants.xlsx"
    view.export(out)
    settle(book)
    rows = sheet(out)
    titles = [c.title for c in table_export.shown_columns(view, view.table_model)]
    assert list(rows[0]) == titles and len(rows) == shown + 1
    names = [r[0] for r in rows[1:]]
    # the same rows in the same order (a formula start behind an apostrophe)
    assert names == [neutralise(t) for t in shown_texts(view, 0)]
    assert "'=SUM(A1), Hacker" in names  # a formula start is neutralised, kept as text
    assert all(not str(n).startswith("=") for n in names)


def test_the_ledger_exports_every_page_typed(book: MainWindow, qtbot: QtBot, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    book.show_pane("ledger")
    pane: Any = book.pane("ledger")
    settle(book)
    view: ListView = pane.list
    everything = view.model().rowCount()
    qtbot.keyClicks(pane.search, "an")
    qtbot.wait(400)
    settle(book)
    total = view.model().rowCount()
    assert 10 < total < everything
    monkeypatch.setattr(table_export, "PAGE", 7)  # read again in many pages
    out = tmp_path / "ledger.xlsx"
    monkeypatch.setattr(table_export.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "ledger"), "Excel workbook (*.xlsx)"))
    menu_action(book, "export_list").trigger()  # Ctrl+Shift+E: the list in front
    settle(book)
    rows = sheet(out)
    assert len(rows) == total + 1 and rows[0][0] == "Date"
    amount = list(rows[0]).index("Amount")
    assert all(isinstance(r[0], datetime) for r in rows[1:])  # dates as dates
    assert all(isinstance(r[amount], int | float) for r in rows[1:])  # money as numbers
    cell = load_workbook(out).active.cell(row=2, column=amount + 1)
    assert cell.number_format == "#,##0.00"
    # newest first, as the list shows it, and only the rows the search keeps
    assert rows[1][0] >= rows[-1][0]
    tenant = list(rows[0]).index("Tenant")
    assert [r[tenant] for r in rows[1:]] == shown_texts(view, 1)  # all on screen: 1 page
    # the whole query is read again in pages (not only the pages loaded on screen)
    pages = off_the_gui_thread(lambda: list(pane.model.every_page(page_size=7)))
    assert len(pages) == -(-total // 7) and sum(len(p) for p, _ in pages) == total
    assert len({r[0] for r in rows[1:]}) > 1


def test_a_list_held_in_memory_with_its_filter(book: MainWindow, qtbot: QtBot,
                                               tmp_path: Path) -> None:
    book.show_pane("ledger")
    pane: Any = book.pane("ledger")
    pane.tabs.setCurrentWidget(pane.collection)
    settle(book)
    collection = pane.collection
    qtbot.keyClicks(collection.filter, "tom")
    settle(book)
    view: ListView = collection.view
    assert view.model().rowCount() == 1
    view.export(tmp_path / "collection.csv")
    settle(book)
    rows = list(csv.reader(io.StringIO((tmp_path / "collection.csv").read_text("utf-8-sig"))))
    assert rows[0] == ["Property", "Room", "Tenant", "Due", "Paid", "Status"]
    assert len(rows) == 2 and rows[1][2] == "Tom Becker"
    assert Decimal(rows[1][3]) > 0 and rows[1][4] == "0.00"  # plain numbers, two decimals


def test_a_file_that_cannot_be_written_is_one_sentence(book: MainWindow, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    monkeypatch.setattr(Messages, "warn", lambda _p, _t, text: told.append(text))
    book.show_pane("tenants")
    settle(book)
    view: ListView = book.pane("tenants").view  # type: ignore[attr-defined]
    (tmp_path / "folder.xlsx").mkdir()
    view.export(tmp_path / "folder.xlsx")
    settle(book)
    assert len(told) == 1 and told[0].startswith("Could not save") and "\n" not in told[0]


def test_a_cancelled_export_writes_nothing(book: MainWindow, tmp_path: Path) -> None:
    book.show_pane("ledger")
    settle(book)
    view: ListView = book.pane("ledger").list  # type: ignore[attr-defined]
    shot = table_export.snapshot(view, view.table_model, "Ledger")
    control = TaskControl()
    control.cancel()
    with pytest.raises(TaskCancelled):
        off_the_gui_thread(table_export.write, shot, tmp_path / "x.xlsx", control)
    assert not (tmp_path / "x.xlsx").exists()


def test_the_journal_dialog(book: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    dialog = JournalDialog(book.ctx, book)
    qtbot.addWidget(dialog)
    dialog.show()
    assert (dialog.start.value(), dialog.end.value()) == (date(2024, 1, 1), date(2024, 12, 31))
    assert dialog.path.text().endswith("journal-2024-qbo.csv")
    dialog.start.set_value(date(2025, 1, 1))
    dialog.end.set_value(date(2025, 12, 31))
    dialog.format.setCurrentIndex(dialog.format.findData("beancount"))
    assert dialog.about.text() == DESCRIPTIONS["beancount"]
    assert not dialog.dates.isEnabled()  # a Beancount ledger has one date format
    dialog.format.setCurrentIndex(dialog.format.findData("xero"))
    assert dialog.dates.isEnabled() and dialog.dates.currentData() == "dmy"
    dialog.format.setCurrentIndex(dialog.format.findData("beancount"))
    assert dialog.path.text().endswith("journal-2025-beancount.beancount")
    dialog.path.clear()
    qtbot.keyClicks(dialog.path, str(tmp_path / "books.beancount"))
    dialog.end.set_value(date(2024, 12, 31))
    qtbot.mouseClick(dialog.export_button, qtbot_button())
    assert dialog.status.text().startswith("To:")  # nothing read, nothing written
    dialog.end.set_value(date(2025, 12, 31))
    qtbot.mouseClick(dialog.export_button, qtbot_button())
    settle(book)
    assert str(tmp_path / "books.beancount") in dialog.status.text()
    assert dialog.written is not None and dialog.written.entries > 100
    _entries, errors, _ = loader.load_file(str(tmp_path / "books.beancount"))
    assert errors == []


def qtbot_button() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_journal_dialog_cancelled_writes_nothing(book: MainWindow, qtbot: QtBot,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from coliv_desktop.services import journals

    reading = threading.Event()
    release = threading.Event()
    real = journals.journal

    def slow(*args: Any) -> Any:
        book_read = real(*args)
        reading.set()
        release.wait(10)
        return book_read

    monkeypatch.setattr(journals, "journal", slow)
    dialog = JournalDialog(book.ctx, book)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(tmp_path / "j.iif"))
    dialog.format.setCurrentIndex(dialog.format.findData("iif"))
    qtbot.mouseClick(dialog.export_button, qtbot_button())
    assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    assert not dialog.close_button.isEnabled()
    assert reading.wait(10)
    qtbot.mouseClick(dialog.cancel_button, qtbot_button())
    release.set()
    settle(book)
    assert dialog.status.text() == "Cancelled: no file written."
    assert not (tmp_path / "j.iif").exists() and not dialog.progress.isVisible()
