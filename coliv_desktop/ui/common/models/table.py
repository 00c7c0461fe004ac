"""Table models over plain rows (service results: Pydantic outputs or dataclasses).

`RowTableModel` holds every row in memory (small and medium lists); `PagedQueryModel` is a
window onto a list the database searches, sorts and counts (lists that can grow past tens of
thousands of rows): it knows the length, and holds only the few pages on screen lately.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from coliv_desktop.domain.money import money_str

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
Kind = Literal["text", "money", "int", "date", "percent", "bool"]

DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
FONT = int(Qt.ItemDataRole.FontRole)
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

    @cached_property
    def alignment(self) -> int:
        horizontal = Qt.AlignmentFlag.AlignRight if self.numeric else Qt.AlignmentFlag.AlignLeft
        return int(horizontal | Qt.AlignmentFlag.AlignVCenter)


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

_BOLD: list[QFont] = []


def bold_font() -> QFont:
    if not _BOLD:
        font = QFont()
        font.setBold(True)
        _BOLD.append(font)
    return _BOLD[0]


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

    def cached_row(self, index: int) -> R | None:
        """Row `index`, or None when there is no such row (or it is not loaded)."""
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def loaded_rows(self) -> Iterator[tuple[int, R]]:
        """(row number, row) for every row held in memory."""
        return enumerate(self._rows)

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
        return self.item_data(self._rows[index.row()], self.columns[index.column()], role)

    def item_data(self, item: R, column: Column[R], role: int) -> Any:
        """What a cell shows of `item` in `column` for `role`."""
        if role == DISPLAY:
            return self.display_text(column, item)
        if role == ALIGNMENT:
            return column.alignment
        if role == SORT_ROLE:
            return sort_key(column.value(item))
        if role == ROW_ROLE:
            return item
        if role == TOOLTIP:
            return self.display_text(column, item) or None
        if self.style is not None and role in (FOREGROUND, FONT):
            colour, bold = self.style(item)
            if role == FOREGROUND:
                return colour  # Qt takes a colour for a brush (a QBrush costs PySide far more)
            return bold_font() if bold else None
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
            return column.alignment
        if role == KEY_ROLE:
            return column.key
        return None

