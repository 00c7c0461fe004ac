"""The one filter/sort proxy every list uses.

In-memory models: the search box filters on everything a row shows and headers sort by the raw
value (Decimal, date, int: never the formatted text). Database-paged models: the proxy passes
rows through untouched and hands search and sort to the model, which queries again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from coliv_desktop.ui.models.table import SORT_ROLE, PagedQueryModel, RowTableModel


def refilter(proxy: QSortFilterProxyModel, change: Callable[[], None]) -> None:
    """Apply `change` to what the filter depends on, then filter again (Qt 6.9+ API if there)."""
    if hasattr(proxy, "beginFilterChange"):
        proxy.beginFilterChange()
        change()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:  # pragma: no cover - older Qt
        change()
        proxy.invalidateFilter()


class RowFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._needle = ""

    @property
    def table(self) -> RowTableModel[Any]:
        source = self.sourceModel()
        assert isinstance(source, RowTableModel)
        return source

    @property
    def server_side(self) -> bool:
        return isinstance(self.sourceModel(), PagedQueryModel)

    @property
    def search(self) -> str:
        return self._needle

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        source = self.sourceModel()
        if isinstance(source, PagedQueryModel):
            self._needle = needle
            source.set_search(text)
            source.reload()
        else:
            refilter(self, lambda: setattr(self, "_needle", needle))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
                         ) -> bool:
        if not self._needle or self.server_side:
            return True
        return self._needle in self.table.search_text(source_row)

    def lessThan(self, left: QModelIndex | QPersistentModelIndex,
                 right: QModelIndex | QPersistentModelIndex) -> bool:
        a = left.data(SORT_ROLE)
        b = right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, PagedQueryModel):
            if source.set_sort(column, order):
                source.reload()
            return
        super().sort(column, order)
