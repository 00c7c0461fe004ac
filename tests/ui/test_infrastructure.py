"""The UI building blocks other panes plug into: tasks, table models, proxy, forms, undo."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QThread
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.portfolio import RoomUpdate
from coliv_desktop.services import portfolio
from coliv_desktop.ui.common.commands import edit_command
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.common.models import (
    ROW_ROLE,
    Column,
    PagedQueryModel,
    QueryProxy,
    RowFilterProxy,
    RowTableModel,
    proxy_for,
)
from coliv_desktop.ui.common.models.paged import PLACEHOLDER
from coliv_desktop.ui.common.tasks import TaskCancelled, TaskControl, TaskRunner
from coliv_desktop.ui.common.widgets import ListView
from tests.builders import flow_41
from tests.ui.helpers import click


def test_run_task_delivers_result_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: dict[str, Any] = {}

    def work() -> int:
        seen["worker"] = threading.get_ident()
        return 42

    def done(result: Any, error: BaseException | None) -> None:
        seen["result"], seen["error"] = result, error
        seen["gui"] = QThread.currentThread() is QApplication.instance().thread()

    runner.run_task(work, done)
    assert runner.wait_idle()
    assert seen["result"] == 42 and seen["error"] is None
    assert seen["gui"] is True
    assert seen["worker"] != threading.get_ident()


def test_run_task_delivers_the_error(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: list[Any] = []

    def work() -> None:
        raise ValidationError("rent_amount", "must not be negative")

    runner.run_task(work, lambda r, e: seen.append((r, e)))
    assert runner.wait_idle()
    result, error = seen[0]
    assert result is None and isinstance(error, ValidationError)
    assert error.field == "rent_amount"


def test_long_task_reports_progress_and_stops_on_cancel(qtbot: QtBot) -> None:
    runner = TaskRunner()
    control = TaskControl()
    steps: list[int] = []
    release = threading.Event()
    reached = threading.Event()
    outcome: list[Any] = []

    def work(c: TaskControl) -> str:
        for i in range(1000):
            c.check()
            c.progress(i, 1000, f"step {i}")
            if i == 3:
                reached.set()
                release.wait(5)
        return "finished"

    control.progressed.connect(lambda done, total, text: steps.append(done))
    runner.run_task(work, lambda r, e: outcome.append((r, e)), control=control)
    assert reached.wait(5)
    control.cancel()
    release.set()
    assert runner.wait_idle()
    result, error = outcome[0]
    assert result is None and isinstance(error, TaskCancelled)
    qtbot.waitUntil(lambda: 3 in steps)
    assert max(steps) == 3  # stopped at the next check after Cancel


@dataclass(frozen=True)
class Row:
    name: str
    rent: Decimal
    start: date | None


COLUMNS: list[Column[Row]] = [
    Column("name", "Name", lambda r: r.name, sort="name"),
    Column("rent", "Rent", lambda r: r.rent, kind="money", sort="rent"),
    Column("start", "Start", lambda r: r.start, kind="date"),
]
ROWS = [Row("Zoe", Decimal("900.00"), date(2025, 1, 1)),
        Row("adam", Decimal("1250.50"), None),
        Row("Maya", Decimal("99.00"), date(2024, 6, 1))]


def test_table_model_formats_aligns_and_returns_rows(qtbot: QtBot) -> None:
    model: RowTableModel[Row] = RowTableModel(COLUMNS)
    model.set_rows(ROWS)
    assert model.rowCount() == 3 and model.columnCount() == 3
    assert model.index(1, 1).data() == "1250.50"
    assert model.index(1, 2).data() == ""
    assert model.index(0, 2).data() == "2025-01-01"
    align = model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole)
    assert align & int(Qt.AlignmentFlag.AlignRight)
    assert model.index(2, 0).data(ROW_ROLE) is ROWS[2]
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Rent"


def test_proxy_sorts_by_value_not_text_and_searches(qtbot: QtBot) -> None:
    model: RowTableModel[Row] = RowTableModel(COLUMNS)
    model.set_rows(ROWS)
    proxy = RowFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    # As text "1250.50" < "900.00" < "99.00"; by value 99 < 900 < 1250.50.
    assert [proxy.index(r, 0).data() for r in range(3)] == ["Maya", "Zoe", "adam"]
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 0).data() for r in range(3)] == ["adam", "Maya", "Zoe"]
    proxy.set_search("MAY")
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data() == "Maya"
    proxy.set_search("1250.50")
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data() == "adam"
    proxy.set_search("")
    assert proxy.rowCount() == 3


class PagedSource:
    """A list of rows behind fetch/count/fetch_from_end, recording every query."""

    def __init__(self, size: int) -> None:
        self.data = [Row(f"tenant {i:05d}", Decimal(i), None) for i in range(size)]
        self.calls: list[tuple[str, str, str, bool, int, int]] = []

    def _rows(self, search: str, sort: str, desc: bool) -> list[Row]:
        rows = [r for r in self.data if search in r.name]
        rows.sort(key=lambda r: r.rent if sort == "rent" else r.name, reverse=desc)
        return rows

    def fetch(self, search: str, sort: str, desc: bool, offset: int, limit: int) -> list[Row]:
        self.calls.append(("fetch", search, sort, desc, offset, limit))
        return self._rows(search, sort, desc)[offset:offset + limit]

    def fetch_from_end(self, search: str, sort: str, desc: bool, offset: int, limit: int
                       ) -> list[Row]:
        self.calls.append(("from_end", search, sort, desc, offset, limit))
        return self._rows(search, sort, desc)[::-1][offset:offset + limit]

    def count(self, search: str) -> int:
        return sum(1 for r in self.data if search in r.name)


def test_paged_model_knows_the_length_and_loads_only_the_pages_shown(qtbot: QtBot) -> None:
    source = PagedSource(100_000)
    model: PagedQueryModel[Row] = PagedQueryModel(
        COLUMNS, source.fetch, source.count, fetch_from_end=source.fetch_from_end,
        page_size=100, cache_pages=4)
    proxy = proxy_for(model)
    assert isinstance(proxy, QueryProxy)
    model.reload()
    assert model.rowCount() == proxy.rowCount() == 100_000 == model.total
    assert source.calls == [("fetch", "", "name", False, 0, 100)]  # the first page only
    assert proxy.index(150, 0).data() == "tenant 00150"  # page 1, loaded when asked for
    assert source.calls[-1] == ("fetch", "", "name", False, 100, 100)
    # the last page is read from the end: no query skips 99,900 rows
    assert proxy.index(99_999, 0).data() == "tenant 99999"
    assert proxy.index(99_900, 1).data() == "99900.00"
    assert source.calls[-1] == ("from_end", "", "name", False, 0, 100)
    for page in range(10):  # memory stays flat: at most cache_pages pages are kept
        proxy.index(page * 100 + 5, 0).data()
    assert len(model.rows) == 4 * 100
    assert model.cached_row(5) is None and model.cached_row(905) == source.data[905]
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    assert source.calls[-1] == ("fetch", "", "rent", True, 0, 100)
    assert proxy.index(0, 0).data() == "tenant 99999"
    proxy.sort(2, Qt.SortOrder.AscendingOrder)  # the database cannot sort by Start: no query
    assert source.calls[-1][2] == "rent"
    proxy.set_search("tenant 012")
    assert model.total == 100 and proxy.rowCount() == 100
    assert source.calls[-1] == ("fetch", "tenant 012", "rent", True, 0, 100)


def test_paged_model_shows_placeholders_until_a_page_arrives(qtbot: QtBot) -> None:
    source = PagedSource(1000)
    waiting: list[tuple[Any, Any]] = []

    def run(fn: Any, done: Any) -> None:  # a worker that runs when the test says so
        waiting.append((fn, done))

    def finish() -> None:
        while waiting:
            fn, done = waiting.pop(0)
            done(fn(), None)

    model: PagedQueryModel[Row] = PagedQueryModel(
        COLUMNS, source.fetch, source.count, page_size=100, run=run)
    model.reload()
    assert model.loading and model.rowCount() == 0
    finish()
    assert not model.loading and model.rowCount() == 1000
    assert model.index(0, 0).data() == "tenant 00000"
    assert model.index(555, 0).data() == PLACEHOLDER and model.index(555, 1).data() is None
    assert not model.has_rows(range(550, 560))
    with qtbot.waitSignal(model.dataChanged):
        qtbot.waitUntil(lambda: bool(waiting))  # the request goes out on the next event loop
        finish()
    assert model.index(555, 0).data() == "tenant 00555"
    assert model.has_rows(range(500, 600))
    model.index(777, 0).data()
    qtbot.waitUntil(lambda: len(waiting) == 1)
    model.reload()  # the page on its way belongs to the older query: it is dropped
    finish()
    assert model.cached_row(777) is None and model.rowCount() == 1000
    assert model.cached_row(0) == source.data[0]


def test_list_view_remembers_hidden_columns(qtbot: QtBot, qsettings: QSettings) -> None:
    model: RowTableModel[Row] = RowTableModel(COLUMNS)
    view = ListView(model, qsettings, "things")
    qtbot.addWidget(view)
    view.set_column_visible("start", False)
    again = ListView(RowTableModel(COLUMNS), qsettings, "things")
    qtbot.addWidget(again)
    assert not again.column_visible("start")
    assert again.column_visible("rent")


class RentDialog(FormDialog):
    def __init__(self, ctx: AppContext, room_id: Any) -> None:
        super().__init__("Edit rent", runner=ctx)
        self.ctx = ctx
        self.room_id = room_id
        self.rent = QLineEdit()
        self.fields.add("rent_amount", "Rent", self.rent)
        self.finish_layout()

    def build_input(self) -> RoomUpdate:
        return build(RoomUpdate, rent_amount=self.rent.text())

    def save(self, data: RoomUpdate) -> Any:
        return portfolio.update_room(self.ctx.db, self.ctx.actor, self.room_id, data)


def test_form_dialog_shows_errors_next_to_the_field(qtbot: QtBot, ctx: AppContext) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    dialog = RentDialog(ctx, flow.rooms["3B-A"])
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.rent, "-5")  # typing: the error appears as you type
    assert "must not be negative" in dialog.fields.error("rent_amount")
    dialog.rent.clear()
    qtbot.keyClicks(dialog.rent, "950")
    assert dialog.fields.error("rent_amount") == ""
    click(qtbot, dialog.save_button)
    assert dialog.result() == FormDialog.DialogCode.Accepted
    assert portfolio.get_room(ctx.db, ctx.actor,
                              flow.rooms["3B-A"]).rent_amount == Decimal("950.00")


def test_undo_and_redo_of_an_edit_go_through_the_services(qtbot: QtBot, ctx: AppContext) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    room_id = flow.rooms["3B-A"]
    before = portfolio.get_room(ctx.db, ctx.actor, room_id)
    after = portfolio.update_room(ctx.db, ctx.actor, room_id,
                                  build(RoomUpdate, rent_amount="999"))
    command = edit_command(ctx, before, after, "Edit room A")
    assert command is not None
    ctx.undo_stack.push(command)
    assert portfolio.get_room(ctx.db, ctx.actor, room_id).rent_amount == Decimal("999.00")
    ctx.undo_stack.undo()  # in a worker: the stack moves at once, the row once it ran
    ctx.tasks.wait_idle()
    assert portfolio.get_room(ctx.db, ctx.actor, room_id).rent_amount == Decimal("900.00")
    ctx.undo_stack.redo()
    ctx.tasks.wait_idle()
    assert portfolio.get_room(ctx.db, ctx.actor, room_id).rent_amount == Decimal("999.00")


@pytest.mark.parametrize("text", ["", "  "])
def test_context_without_database_says_so(qsettings: QSettings, text: str) -> None:
    context = AppContext(qsettings)
    assert not context.has_database
    assert context.db_label == "no database"
    with pytest.raises(RuntimeError):
        _ = context.db
