"""Every list exports what it shows (issue 15): right-click a list ▸ Export…, or File ▸ Export
This List… (Ctrl+Shift+E), writes the rows its search and filters keep, in the order shown,
with the columns shown in their order, to CSV or XLSX (`domain.sheet_writer`: formulas
neutralised, money as numbers with two decimals, dates as dates).

The cells are the columns' raw values where the column has a kind (money, date, whole
numbers), else the text the list shows. A list the database pages (tenants, leases, the
ledger) is read again whole in a worker, page after page, with progress and Cancel; a list
held in memory is copied on the GUI thread (no query) and written in a worker. The file is
written at the end, in one go (`files.write_atomically`): a cancel leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtWidgets import QApplication, QFileDialog, QTableView, QWidget

from coliv_desktop.domain.errors import ColivError
from coliv_desktop.domain.sheet_writer import Column as SheetColumn
from coliv_desktop.domain.sheet_writer import Kind as SheetKind
from coliv_desktop.domain.sheet_writer import write_sheet
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.models.paged import PagedQueryModel
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.tasks import TaskCancelled, TaskControl, run_with_progress
from coliv_desktop.ui.common.widgets import ListView, Messages, not_saved

PAGE = 1000  # rows per query when a paged list is read whole
FILTERS = "Excel workbook (*.xlsx);;CSV, comma separated (*.csv)"
Cell = Callable[[Any], Any]


@dataclass(frozen=True)
class Snapshot:
    """What to write, taken on the GUI thread: the columns and how to get each cell, and the
    rows (in memory) or the pages to read (a database-paged list)."""

    title: str
    columns: list[SheetColumn]
    cells: list[Cell]
    rows: list[Any] | None
    pages: Callable[[], Iterator[tuple[list[Any], int]]] | None


def _cell(model: RowTableModel[Any], column: Column[Any]) -> tuple[SheetKind, Cell]:
    """The sheet kind of a list column, and its cell: the raw value when typed, else the
    text the list shows."""
    def shown(row: Any) -> str:
        return model.display_text(column, row)

    def typed(cls: type | tuple[type, ...]) -> Cell:
        def value(row: Any) -> Any:
            raw = column.value(row)
            if raw is None:
                return None
            return raw if isinstance(raw, cls) and not isinstance(raw, bool) else shown(row)
        return value

    if column.kind == "money":
        return "money", typed(Decimal)
    if column.kind == "date":
        return "date", typed(date)
    if column.kind == "int":
        return "int", typed(int)
    return "text", shown


def shown_columns(view: QTableView, model: RowTableModel[Any]) -> list[Column[Any]]:
    """The columns the view shows, in the order it shows them (moved columns too)."""
    header = view.horizontalHeader()
    logical = sorted((header.visualIndex(i), i) for i in range(len(model.columns))
                     if not view.isColumnHidden(i))
    return [model.columns[i] for _, i in logical]


def snapshot(view: QTableView, model: RowTableModel[Any], title: str) -> Snapshot:
    columns, cells = [], []
    for column in shown_columns(view, model):
        kind, cell = _cell(model, column)
        columns.append(SheetColumn(column.title, kind))
        cells.append(cell)
    if isinstance(model, PagedQueryModel):
        paged, query = model, (model.search, model.sort_by, model.descending)
        return Snapshot(title, columns, cells, None, lambda: paged.every_page(PAGE, query))
    proxy = view.model()
    rows = []
    for r in range(proxy.rowCount()):
        source = proxy.mapToSource(proxy.index(r, 0)) if hasattr(proxy, "mapToSource") \
            else proxy.index(r, 0)
        rows.append(model.row(source.row()))
    return Snapshot(title, columns, cells, rows, None)


def write(shot: Snapshot, path: Path, control: TaskControl | None = None) -> int:
    """Build every row's cells and write the file; returns how many rows (worker-safe)."""
    out: list[list[Any]] = []

    def add(rows: list[Any]) -> None:
        for row in rows:
            out.append([cell(row) for cell in shot.cells])

    if control is not None:
        control.check()
    if shot.pages is not None:
        for rows, total in shot.pages():
            if control is not None:
                control.check()
                control.progress(len(out), total, f"Read {len(out):,} of {total:,} rows …")
            add(rows)
    else:
        add(shot.rows or [])
    if control is not None:
        control.check()
        control.progress(len(out), len(out), f"Writing {len(out):,} rows …")
    write_sheet(path, shot.columns, out, shot.title)
    return len(out)


def context_of(widget: QWidget) -> AppContext | None:
    """The AppContext of the pane or dialog the widget is in (panes and dialogs keep theirs
    as `ctx`)."""
    node: Any = widget
    while node is not None:
        ctx = getattr(node, "ctx", None)
        if isinstance(ctx, AppContext):
            return ctx
        node = node.parentWidget()
    return None


def suggested_name(view: QTableView) -> str:
    key = view.objectName().removesuffix("_list") or "list"
    return f"{key.replace('_', '-')}-{date.today().isoformat()}.xlsx"


def ask_target(view: QTableView) -> Path | None:
    target, chosen = QFileDialog.getSaveFileName(view, "Export the list",
                                                 suggested_name(view), FILTERS)
    if not target:
        return None
    path = Path(target)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        path = path.with_name(path.name + (".csv" if "csv" in chosen.lower() else ".xlsx"))
    return path


def export_view(view: QTableView, model: RowTableModel[Any], target: Path | None = None,
                on_done: Callable[[int | None, BaseException | None], None] | None = None
                ) -> None:
    """Ask for a file (unless `target`), then write the list there in a worker."""
    ctx = context_of(view)
    if ctx is None:  # a list outside any pane or dialog of the app: nothing runs tasks
        Messages.warn(view, "Export", "This list cannot be exported from here.")
        return
    path = target or ask_target(view)
    if path is None:
        return
    title = view.objectName().removesuffix("_list").replace("_", " ").title() or "List"
    shot = snapshot(view, model, title)

    def done(count: int | None, error: BaseException | None) -> None:
        if on_done is not None:
            on_done(count, error)
        if isinstance(error, TaskCancelled):
            ctx.bus.status_message.emit("Export cancelled: no file written")
        elif error is not None:
            sentence = not_saved(error, path)
            if sentence is None:
                sentence = str(error) if isinstance(error, ColivError) else \
                    f"Could not export the list: {error}"
            Messages.warn(view if shiboken6.isValid(view) else None, "Export", sentence)
        else:
            ctx.bus.status_message.emit(
                f"Exported {count:,} row{'' if count == 1 else 's'} to {path}")

    run_with_progress(ctx.tasks, view, "Exporting the list",
                      lambda control: write(shot, path, control), done)


def list_in_front(page: QWidget | None) -> ListView | None:
    """The list Ctrl+Shift+E exports: the one holding the keyboard focus, else the first
    list the page shows (not one on a hidden tab)."""
    if page is None:
        return None
    node: Any = QApplication.focusWidget()
    while node is not None and not isinstance(node, ListView):
        node = node.parentWidget()
    if isinstance(node, ListView) and page.isAncestorOf(node) and node.isVisible():
        return node
    shown = [v for v in page.findChildren(ListView) if v.isVisible()]
    return shown[0] if shown else None
