"""A window onto a list the database searches, sorts and counts: lists of any length.

The model knows how many rows the query has (one COUNT), which is what `rowCount()` reports, so
the scroll bar is right from the start and a jump to the end is one jump. Rows come a page at a
time, only for the pages the view asks for (the ones on screen), in a worker; until a page
arrives its rows show a placeholder. At most `cache_pages` pages are kept (the least recently
shown go first), so memory stays flat whatever the length of the list. A page's cells are
formatted in the worker that read it, so painting only looks strings up.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor

from coliv_desktop.domain.money import money_str
from coliv_desktop.ui.models.table import (
    ALIGNMENT,
    DISPLAY,
    FONT,
    FOREGROUND,
    ROW_ROLE,
    SORT_ROLE,
    TOOLTIP,
    Column,
    Index,
    RowTableModel,
    Styler,
    bold_font,
    sort_key,
)

R = TypeVar("R")

Fetch = Callable[[str, str, bool, int, int], list[R]]  # (search, sort, descending, offset, limit)
Count = Callable[[str], int]
Run = Callable[[Callable[[], Any], Callable[[Any, BaseException | None], None]], Any]

PLACEHOLDER = "…"  # shown for a row whose page is on its way from the database


@dataclass(frozen=True)
class Page(Generic[R]):
    rows: list[R]
    total: int


class Shown(Generic[R]):
    """A row as the list shows it: the row, its cells' text, its colour and weight."""

    __slots__ = ("bold", "colour", "item", "texts")

    def __init__(self, item: R, texts: tuple[str, ...], colour: QColor | None, bold: bool
                 ) -> None:
        self.item = item
        self.texts = texts
        self.colour = colour
        self.bold = bold


class PagedQueryModel(RowTableModel[R]):
    """Rows from `fetch(search, sort, descending, offset, limit)`, counted by `count(search)`
    (both service calls), loaded through `run` (the context's `run_task`: the GUI never waits;
    without `run`, at once).

    `fetch_from_end(search, sort, descending, offset, limit)`, when given, reads the same list
    backwards (the last row first): the pages past the middle come from it, so the end of a
    million rows costs what the start costs instead of skipping a million rows.
    """

    server_side = True

    def __init__(
        self,
        columns: Sequence[Column[R]],
        fetch: Fetch[R],
        count: Count,
        *,
        fetch_from_end: Fetch[R] | None = None,
        page_size: int = 200,
        cache_pages: int = 12,
        default_sort: str = "name",
        run: Run | None = None,
        money: Callable[[Decimal], str] = money_str,
        style: Styler | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(columns, money=money, style=style, parent=parent)
        self._fetch = fetch
        self._count = count
        self._fetch_from_end = fetch_from_end
        self.run = run
        self.page_size = page_size
        self.cache_pages = max(cache_pages, 2)
        self.search = ""
        self.sort_by = default_sort
        self.descending = False
        self.total = 0
        self.loading = False
        self.queried = False  # False until the first reload: sorting before it queries nothing
        self.error: BaseException | None = None  # the last failed load, if any
        self._pages: OrderedDict[int, list[Shown[R]]] = OrderedDict()  # least recent first
        self._wanted: dict[int, None] = {}  # pages asked for, in the order asked
        self._request = 0  # bumped by every reload: loads for an older query are dropped
        self._page_task: object | None = None  # the page load in flight
        self._flush_pending = False

    # --- the query ---------------------------------------------------------------------------

    def first_page(self) -> Page[R]:
        """The query for the current search and sort: total and first page (worker-safe)."""
        search, sort_by, descending = self.search, self.sort_by, self.descending
        total = self._count(search)
        rows = self._fetch(search, sort_by, descending, 0, self.page_size) if total else []
        return Page(rows, total)

    def _first(self) -> tuple[int, list[Shown[R]]]:
        page = self.first_page()
        return page.total, self._shown(page.rows)

    def apply_page(self, page: Page[R]) -> None:
        self._apply(page.total, self._shown(page.rows))

    def _apply(self, total: int, first: list[Shown[R]]) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._wanted.clear()
        self._page_task = None
        self.total = total
        if first:
            self._pages[0] = first
        self.endResetModel()

    def reload_now(self) -> None:
        """Synchronous reload (tests, and callers already off the GUI thread)."""
        self._request += 1
        self.queried = True
        self._apply(*self._first())

    def reload(self) -> None:
        """Query again for the current search and sort (in the background when `run` is set):
        the count and the first page in two workers at once, applied when both are in."""
        if self.run is None:
            self.reload_now()
            return
        self._request += 1
        request = self._request
        self.queried = True
        self.loading = True
        self._wanted.clear()
        self._page_task = None
        search, sort_by, descending = self.search, self.sort_by, self.descending
        arrived: dict[str, Any] = {}

        def part(name: str) -> Callable[[Any, BaseException | None], None]:
            def done(value: Any, error: BaseException | None) -> None:
                if request != self._request:
                    return  # a newer search or sort superseded this one
                arrived[name] = value
                if error is not None:
                    self.loading = False
                    self.error = error
                    self._request += 1  # the other half is of no use now
                elif len(arrived) == 2:
                    self.loading = False
                    self.error = None
                    self._apply(arrived["count"], arrived["page"])
            return done

        self.run(lambda: self._count(search), part("count"))
        self.run(lambda: self._shown(self._fetch(search, sort_by, descending, 0, self.page_size)),
                 part("page"))

    def set_search(self, text: str) -> None:
        self.search = text.strip()

    def set_sort(self, column: int, order: Qt.SortOrder) -> bool:
        """Sort by a column the database can sort by; False (and no change) for the others."""
        key = self.columns[column].sort if 0 <= column < len(self.columns) else None
        if key is None:
            return False
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_by, self.descending):
            return False
        self.sort_by = key
        self.descending = descending
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: query again in the new order (the view calls this)."""
        if self.set_sort(column, order) and self.queried:
            self.reload()

    # --- rows: the cache of pages -------------------------------------------------------------

    @property
    def rows(self) -> list[R]:
        """The rows loaded now, in list order (not the whole list: see `row`)."""
        return [row for _, row in self.loaded_rows()]

    def loaded_rows(self) -> Iterator[tuple[int, R]]:
        for number in sorted(self._pages):
            start = number * self.page_size
            for offset, shown in enumerate(self._pages[number]):
                yield start + offset, shown.item

    def _cached(self, index: int) -> Shown[R] | None:
        number, offset = divmod(index, self.page_size)
        page = self._pages.get(number)
        if page is None or offset >= len(page):
            return None
        if next(reversed(self._pages)) != number:
            self._pages.move_to_end(number)
        return page[offset]

    def cached_row(self, index: int) -> R | None:
        """Row `index` if its page is loaded (without asking the database), else None."""
        shown = self._cached(index)
        return None if shown is None else shown.item

    def has_rows(self, indexes: Iterable[int]) -> bool:
        """Whether every row in `indexes` (within the list) is loaded."""
        return all(self._cached(i) is not None for i in indexes if 0 <= i < self.total)

    def row(self, index: int) -> R:
        """Row `index`, loading its page at once if it is not loaded (prefer `cached_row`)."""
        found = self._cached(index)
        if found is None:
            number = index // self.page_size
            self._arrived(number, self._load(number, self.search, self.sort_by,
                                             self.descending, self.total))
            found = self._cached(index)
        if found is None:
            raise IndexError(index)
        return found.item

    def search_text(self, row: int) -> str:
        shown = self._cached(row)
        return "" if shown is None else " ".join(shown.texts).casefold()

    def _shown(self, rows: list[R]) -> list[Shown[R]]:
        """Rows with their cells formatted (worker-safe: money formatting, dates, styles)."""
        style = self.style
        result = []
        for item in rows:
            colour, bold = style(item) if style is not None else (None, False)
            texts = tuple(self.display_text(c, item) for c in self.columns)
            result.append(Shown(item, texts, colour, bold))
        return result

    def _load(self, number: int, search: str, sort_by: str, descending: bool, total: int
              ) -> list[Shown[R]]:
        """One page's rows (worker-safe: it reads no state that changes)."""
        offset = number * self.page_size
        limit = min(self.page_size, total - offset)
        if limit <= 0:
            return []
        if self._fetch_from_end is not None and offset > total // 2:
            from_end = total - offset - limit
            rows = list(reversed(self._fetch_from_end(search, sort_by, descending, from_end,
                                                      limit)))
        else:
            rows = self._fetch(search, sort_by, descending, offset, limit)
        return self._shown(rows)

    def _store(self, number: int, rows: list[Shown[R]]) -> None:
        self._pages[number] = rows
        self._pages.move_to_end(number)
        while len(self._pages) > self.cache_pages:
            self._pages.popitem(last=False)

    def _arrived(self, number: int, rows: list[Shown[R]]) -> None:
        """Keep a page that came from the database and repaint its rows."""
        self._store(number, rows)
        if rows:
            first = number * self.page_size
            self.dataChanged.emit(self.index(first, 0),
                                  self.index(first + len(rows) - 1, len(self.columns) - 1))

    def _want(self, number: int) -> None:
        """The view needs a page that is not loaded: load it now, or soon in the background."""
        if self.run is None:
            self._store(number, self._load(number, self.search, self.sort_by, self.descending,
                                           self.total))
            return
        self._wanted.pop(number, None)
        self._wanted[number] = None
        if not self._flush_pending and self._page_task is None:
            self._flush_pending = True
            QTimer.singleShot(0, self._flush)

    def _flush(self) -> None:
        """Load the pages asked for last (the ones on screen now), one task at a time."""
        self._flush_pending = False
        if self._page_task is not None or self.loading or not self._wanted or self.run is None:
            return
        numbers = [n for n in list(self._wanted)[-4:] if n not in self._pages]
        self._wanted.clear()
        if not numbers:
            return
        task = object()
        self._page_task = task
        request = self._request
        search, sort_by, descending, total = self.search, self.sort_by, self.descending, self.total

        def work() -> list[tuple[int, list[Shown[R]]]]:
            return [(n, self._load(n, search, sort_by, descending, total)) for n in numbers]

        def done(pages: list[tuple[int, list[Shown[R]]]] | None,
                 error: BaseException | None) -> None:
            if self._page_task is task:
                self._page_task = None
            if request != self._request:
                return
            self.error = error
            for number, rows in pages or []:
                self._arrived(number, rows)
            if self._wanted and error is None:
                self._flush()

        self.run(work, done)

    # --- Qt model API ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        row = index.row()
        shown = self._cached(row)
        if shown is None:
            if not 0 <= row < self.total:
                return None
            self._want(row // self.page_size)
            shown = self._cached(row)  # there at once when loading synchronously
            if shown is None:
                return PLACEHOLDER if role == DISPLAY and index.column() == 0 else None
        if role == DISPLAY:
            return shown.texts[index.column()]
        if role == ALIGNMENT:
            return self.columns[index.column()].alignment
        if role == FOREGROUND:
            return shown.colour
        if role == FONT:
            return bold_font() if shown.bold else None
        if role == ROW_ROLE:
            return shown.item
        if role == TOOLTIP:
            return shown.texts[index.column()] or None
        if role == SORT_ROLE:
            return sort_key(self.columns[index.column()].value(shown.item))
        return None
