"""The proxies between a list view and its model.

In-memory models (`RowFilterProxy`): the search box filters on everything a row shows and
headers sort by the raw value (Decimal, date, int: never the formatted text). Database-paged
models (`QueryProxy`): rows pass through untouched, one to one, whatever their number (a
filtering proxy would ask Python about each of a million rows); search and sort go to the
model, which queries again. `proxy_for(model)` picks the right one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QIdentityProxyModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from coliv_desktop.ui.common.models.paged import PagedQueryModel
from coliv_desktop.ui.common.models.table import SORT_ROLE, RowTableModel


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
            source.sort(column, order)
            return
        super().sort(column, order)


class QueryProxy(QIdentityProxyModel):
    """A database-paged model's rows, one to one; search and sort become a new query."""

    server_side = True

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""

    @property
    def table(self) -> PagedQueryModel[Any]:
        source = self.sourceModel()
        assert isinstance(source, PagedQueryModel)
        return source

    @property
    def search(self) -> str:
        return self._needle

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self._needle = needle
        self.table.set_search(text)
        self.table.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.table.sort(column, order)


def proxy_for(model: RowTableModel[Any], parent: Any = None) -> RowFilterProxy | QueryProxy:
    proxy: RowFilterProxy | QueryProxy = (
        QueryProxy(parent) if isinstance(model, PagedQueryModel) else RowFilterProxy(parent))
    proxy.setSourceModel(model)
    return proxy
