"""Table models over plain rows (service results: Pydantic outputs or dataclasses).

`RowTableModel` holds every row in memory (small and medium lists); `PagedQueryModel` asks a
service for one page at a time, sorted and filtered by the database (lists that can grow past
tens of thousands of rows), loading further pages through canFetchMore/fetchMore.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from coliv_desktop.domain.money import money_str

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
Kind = Literal["text", "money", "int", "date", "percent", "bool"]

ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # the row object itself
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # the raw value, for sorting
KEY_ROLE = int(Qt.ItemDataRole.UserRole) + 3  # the column key of a header section

_NUMERIC: frozenset[str] = frozenset({"money", "int", "percent"})


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: how to get its value from a row and how to show it.

    `sort` names the service's sort key when the list is sorted by the database (None: the
    database cannot sort by this column, so its header does not sort).
    """

    key: str
    title: str
    value: Callable[[R], Any]
    kind: Kind = "text"
    display: Callable[[R], str] | None = None
    visible: bool = True
    width: int | None = None
    tooltip: str | None = None
    sort: str | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in _NUMERIC


def _format(value: Any, kind: Kind, money: Callable[[Decimal], str]) -> str:
    if value is None:
        return ""
    if kind == "money" and isinstance(value, Decimal):
        return money(value)
    if kind == "date" and isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if kind == "percent":
        return f"{value}%"
    if kind == "bool":
        return "Yes" if value else ""
    return str(value)


def sort_key(value: Any) -> Any:
    """Values that compare across None (None sorts first) and mixed case text."""
    if value is None:
        return (0, "")
    if isinstance(value, str):
        return (1, value.casefold())
    return (1, value)


Styler = Callable[[Any], tuple[QColor | None, bool]]


class RowTableModel(QAbstractTableModel, Generic[R]):
    """A read-only table over a list of rows. `set_rows` replaces them in one model reset.

    `style(row)` may return (text colour or None, bold) to mark rows (archived, vacant...).
    """

    server_side = False

    def __init__(
        self,
        columns: Sequence[Column[R]],
        *,
        money: Callable[[Decimal], str] = money_str,
        style: Styler | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.money = money
        self.style = style
        self._rows: list[R] = []
        self._search: dict[int, str] = {}

    # --- rows --------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._search.clear()
        self.endResetModel()

    @property
    def rows(self) -> list[R]:
        return self._rows

    def row(self, index: int) -> R:
        return self._rows[index]

    def column_index(self, key: str) -> int:
        for i, column in enumerate(self.columns):
            if column.key == key:
                return i
        raise KeyError(key)

    def search_text(self, row: int) -> str:
        """Everything shown in a row, lower-cased: what the search box matches against."""
        text = self._search.get(row)
        if text is None:
            item = self._rows[row]
            text = " ".join(self.display_text(c, item) for c in self.columns).casefold()
            self._search[row] = text
        return text

    def display_text(self, column: Column[R], item: R) -> str:
        if column.display is not None:
            return column.display(item)
        return _format(column.value(item), column.kind, self.money)

    # --- Qt model API ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        item = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display_text(column, item)
        if role == SORT_ROLE:
            return sort_key(column.value(item))
        if role == ROW_ROLE:
            return item
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (Qt.AlignmentFlag.AlignRight if column.numeric
                          else Qt.AlignmentFlag.AlignLeft)
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.display_text(column, item) or None
        if self.style is not None and role in (Qt.ItemDataRole.ForegroundRole,
                                                Qt.ItemDataRole.FontRole):
            colour, bold = self.style(item)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(colour) if colour is not None else None
            if bold:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip or column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (Qt.AlignmentFlag.AlignRight if column.numeric
                          else Qt.AlignmentFlag.AlignLeft)
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == KEY_ROLE:
            return column.key
        return None


@dataclass(frozen=True)
class Page(Generic[R]):
    rows: list[R]
    total: int


Fetch = Callable[[str, str, bool, int, int], list[R]]  # (search, sort, descending, offset, limit)
Count = Callable[[str], int]
Run = Callable[[Callable[[], Any], Callable[[Any, BaseException | None], None]], Any]


class PagedQueryModel(RowTableModel[R]):
    """Rows come from the database a page at a time, searched and sorted by the query.

    `fetch(search, sort, descending, offset, limit)` and `count(search)` are service calls.
    `reload()` loads the first page through `run` (the context's `run_task`) so the GUI never
    waits for it (without `run` it loads at once); further pages come through fetchMore as the
    view scrolls.
    """

    server_side = True

    def __init__(
        self,
        columns: Sequence[Column[R]],
        fetch: Fetch[R],
        count: Count,
        *,
        page_size: int = 200,
        default_sort: str = "name",
        run: Run | None = None,
        money: Callable[[Decimal], str] = money_str,
        style: Styler | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(columns, money=money, style=style, parent=parent)
        self._fetch = fetch
        self._count = count
        self.run = run
        self.page_size = page_size
        self.search = ""
        self.sort_by = default_sort
        self.descending = False
        self.total = 0
        self._request = 0
        self.loading = False

    def first_page(self) -> Page[R]:
        """The query for the current search and sort: total and first page (worker-safe)."""
        search, sort_by, descending = self.search, self.sort_by, self.descending
        total = self._count(search)
        rows = self._fetch(search, sort_by, descending, 0, self.page_size)
        return Page(rows, total)

    def apply_page(self, page: Page[R]) -> None:
        self.beginResetModel()
        self._rows = list(page.rows)
        self._search.clear()
        self.total = page.total
        self.endResetModel()

    def reload_now(self) -> None:
        """Synchronous reload (tests, and callers already off the GUI thread)."""
        self.apply_page(self.first_page())

    def reload(self) -> None:
        """Query again for the current search and sort (in the background when `run` is set)."""
        if self.run is None:
            self.reload_now()
            return
        self._request += 1
        request = self._request
        self.loading = True

        def done(page: Page[R] | None, error: BaseException | None) -> None:
            if request != self._request:
                return  # a newer search or sort superseded this one
            self.loading = False
            if error is None and page is not None:
                self.apply_page(page)

        self.run(self.first_page, done)

    def set_search(self, text: str) -> None:
        self.search = text.strip()

    def set_sort(self, column: int, order: Qt.SortOrder) -> bool:
        key = self.columns[column].sort if 0 <= column < len(self.columns) else None
        if key is None:
            return False
        self.sort_by = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        return True

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        start = len(self._rows)
        rows = self._fetch(self.search, self.sort_by, self.descending, start, self.page_size)
        if not rows:
            self.total = start
            return
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()
