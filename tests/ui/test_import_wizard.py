"""The spreadsheet import wizard (issue 15 item 5, the GUI side), walked like a person: a
small file, a column the guess missed fixed on the mapping page, the problems page with
Import disabled, the date order asked, Cancel writing nothing, then the import and the
panes told. Every service call runs in a worker (tests/ui/conftest.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from coliv_desktop.db import models as m
from coliv_desktop.db.engine import Database
from coliv_desktop.services import sheet_import
from coliv_desktop.services.context import Actor
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.sheets.wizard import ImportWizard
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.ui.helpers import menu_action, settle, type_into

LEFT = Qt.MouseButton.LeftButton
ROOMS = ("House,Street,City,State,Zip,Unit,Room,Cost,Free from\n"
         "Maple,1 Main St,Austin,TX,78701,1,A,\"$1,200.50\",03/04/2026\n"
         "Maple,,,,,1,B,950,05/06/2026\n"
         "Oak,2 Oak St,Austin,TX,78702,1,A,800,\n")


def rooms_in(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(m.Room)) or 0)


def wait(ctx: AppContext) -> None:
    for _ in range(3):
        ctx.tasks.wait_idle()
        QApplication.processEvents()


def choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)


def next_button(wizard: QWizard) -> QPushButton:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert isinstance(button, QPushButton)
    return button


def start(qtbot: QtBot, ctx: AppContext, path: Path, kind: str = "Rooms") -> ImportWizard:
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    choose(wizard.files.kind, kind)
    type_into(qtbot, wizard.files.path, str(path))
    wizard.files.reload()
    wait(ctx)
    return wizard


def test_walk_the_wizard_fix_a_column_and_import(qtbot: QtBot, ctx: AppContext, db: Database,
                                                 tmp_path: Path) -> None:
    path = tmp_path / "rooms.csv"
    path.write_text(ROOMS, encoding="utf-8")
    wizard = start(qtbot, ctx, path)
    assert wizard.files.isComplete()
    assert "3 rows under the header on row 1" in wizard.files.status.text()
    assert wizard.files.raw.item(1, 0).text() == "Maple"
    assert next_button(wizard).isEnabled(), next_button(wizard).isVisible()
    qtbot.mouseClick(next_button(wizard), LEFT)
    wait(ctx)
    page = wizard.columns
    assert wizard.currentPage() is page
    # "Cost" is not a name the guess knows for the rent: Next waits until it is chosen
    assert page.combos["property"].currentText() == "House"
    assert page.combos["rent"].currentData() is None
    assert not page.isComplete() and not next_button(wizard).isEnabled()
    choose(page.combos["rent"], "Cost")
    choose(page.combos["available_date"], "Free from")
    wait(ctx)
    # 03/04/2026 and 05/06/2026 read two ways: the order is asked, not guessed
    assert "choose their order" in page.asked.text()
    assert not page.isComplete()
    choose(page.date_order, "day/month/year (04/03/2026)")
    assert page.isComplete() and next_button(wizard).isEnabled()
    type_into(qtbot, page.name, "Our rooms")
    qtbot.mouseClick(page.save, LEFT)
    wait(ctx)
    assert page.note.text() == "Saved as 'Our rooms'."
    assert page.saved.currentText() == "Our rooms"
    # a slip, then the saved mapping loaded again
    choose(page.combos["rent"], "(not in the file)")
    wait(ctx)
    assert not next_button(wizard).isEnabled()
    load = next(b for b in page.findChildren(QPushButton) if b.text() == "&Load")
    qtbot.mouseClick(load, LEFT)
    wait(ctx)
    assert page.combos["rent"].currentText() == "Cost"
    assert page.date_order.currentData() == "dmy" and next_button(wizard).isEnabled()
    wizard.next()
    wait(ctx)
    check = wizard.check
    assert wizard.checked is not None and wizard.checked.problems == []
    assert "create 2 properties, 2 units, 3 rooms" in check.summary.text()
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isEnabled() and finish.text() == "&Import"
    assert rooms_in(db) == 0  # checking wrote nothing
    with qtbot.waitSignal(ctx.bus.portfolio_changed, timeout=10_000):
        qtbot.mouseClick(finish, LEFT)
        wait(ctx)
    assert wizard.imported is not None and wizard.checked is not None
    assert rooms_in(db) == 3
    assert wizard.checked.date_order == "dmy"


def test_problems_keep_import_disabled(qtbot: QtBot, ctx: AppContext, db: Database,
                                       actor: Actor, tmp_path: Path) -> None:
    path = tmp_path / "rooms.csv"
    path.write_text("Property,Address,City,State,ZIP,Unit,Room,Rent\n"
                    "Maple,1 Main St,Austin,TX,78701,1,A,abc\n"
                    "Maple,,,,,1,A,900\n", encoding="utf-8")
    wizard = start(qtbot, ctx, path)
    wizard.next()
    wait(ctx)
    assert wizard.columns.isComplete()
    wizard.next()
    wait(ctx)
    table = wizard.check.problems
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert [row[:2] for row in rows] == [["2", "Rent"], ["3", "Room"]]
    assert rows[0][3] == "abc"
    assert "2 problem(s)" in wizard.check.summary.text()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert rooms_in(db) == 0


def test_cancel_writes_nothing(qtbot: QtBot, ctx: AppContext, db: Database, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rooms.csv"
    path.write_text("Property,Address,City,State,ZIP,Unit,Room,Rent\n"
                    "Maple,1 Main St,Austin,TX,78701,1,A,900\n", encoding="utf-8")
    wizard = start(qtbot, ctx, path)
    wizard.next()
    wait(ctx)
    wizard.next()
    wait(ctx)
    original = sheet_import.import_sheet

    def cancelled_while_writing(*args: object, **kwargs: object) -> object:
        progress = kwargs.get("progress")
        if progress is not None:
            while not hasattr(wizard, "control"):  # the worker may start before it is kept
                time.sleep(0.01)
            wizard.control.cancel()  # the person presses Cancel as rows are checked
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sheet_import, "import_sheet", cancelled_while_writing)
    wizard.accept()
    wait(ctx)
    assert wizard.check.summary.text() == "Cancelled: nothing was imported."
    assert wizard.imported is None and wizard.isVisible()
    assert rooms_in(db) == 0


def test_the_menu_opens_it_for_those_who_may(qtbot: QtBot, window: MainWindow) -> None:
    settle(window)
    menu_action(window, "import_spreadsheet").trigger()
    wizard = window.findChild(ImportWizard)
    assert wizard is not None and wizard.isVisible()
    kinds = [wizard.files.kind.itemData(i) for i in range(wizard.files.kind.count())]
    assert kinds == ["rooms", "tenants", "leases", "balances", "payments"]
    wizard.reject()


def test_an_xlsx_sheet_is_chosen(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["nothing to import here"])
    tenants = book.create_sheet("Tenants 2026")
    tenants.append(["Tenants, as of March"])
    tenants.merge_cells("A1:C1")
    tenants.append(["First name", "Last name", "Email"])
    tenants.append(["Ana", "Lima", "ana@example.com"])
    path = tmp_path / "people.xlsx"
    book.save(path)
    wizard = start(qtbot, ctx, path, kind="Tenants")
    files = wizard.files
    assert [files.sheet.itemText(i) for i in range(files.sheet.count())] == [
        "Notes", "Tenants 2026"]
    assert not files.encoding.isEnabled() and not files.isComplete()  # no rows under a header
    files.sheet.setCurrentIndex(1)
    files.sheet.activated.emit(1)
    wait(ctx)
    assert files.isComplete()
    assert "1 rows under the header on row 2 (sheet Tenants 2026)" in files.status.text()
    wizard.next()
    wait(ctx)
    assert wizard.columns.columns() == {"first_name": "First name", "last_name": "Last name",
                                        "email": "Email"}
    wizard.next()
    wait(ctx)
    assert wizard.checked is not None and wizard.checked.created == {"tenants": 1}
