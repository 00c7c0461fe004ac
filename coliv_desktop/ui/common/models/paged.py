"""A window onto a list the database searches, sorts and counts: lists of any length.

The model knows how many rows the query has (one COUNT), which is what `rowCount()` reports, so
the scroll bar is right from the start and a jump to the end is one jump. Rows come a page at a
time, only for the pages the view asks for (the ones on screen), in a worker; until a page
arrives its rows show a placeholder. At most `cache_pages` pages are kept (the least recently
shown go first), so memory stays flat whatever the length of the list. A page's cells are
formatted in the worker that read it, so painting only looks strings up.

Keyset paging (`seek`, see `services.keyset`): a page is read from where it starts, not by
how many rows lie before it, so page 2,500 of a million rows costs what page 1 costs. The
model keeps the cursors of the first and last rows of every page it has read (after the rows
themselves are dropped), so the next or previous page is a seek from its neighbour. A jump
(the scroll bar dragged to the middle) needs the cursor at a position: the `anchors` (the
cursor every `page_size` rows, one narrow pass) are read once per query and order in the
background shortly after the first page is shown; until they are in, a jump skips its way
from the nearest end of the list or the nearest page read (an OFFSET, as before).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor

from coliv_desktop.domain.money import money_str
from coliv_desktop.domain.paging import Cursor, Seek, Slice
from coliv_desktop.ui.common.models.table import (
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
Seeker = Callable[[str, str, bool, Seek, int], Slice[R]]  # (search, sort, descending, seek, limit)
Anchors = Callable[[str, str, bool, int], list[Cursor]]  # (search, sort, descending, every)
Count = Callable[[str], int]
Bounds = tuple[Cursor, Cursor]  # a page's first and last rows' cursors
Run = Callable[[Callable[[], Any], Callable[[Any, BaseException | None], None]], Any]

PLACEHOLDER = "…"  # shown for a row whose page is on its way from the database
ANCHOR_DELAY_MS = 300  # the first page is painted, and a search being typed has settled


@dataclass(frozen=True)
class Page(Generic[R]):
    rows: list[R]
    total: int
    bounds: Bounds | None = None


def plan(number: int, page_size: int, total: int, bounds: Mapping[int, Bounds],
         anchors: Sequence[Cursor] | None) -> Seek:
    """How to read page `number` most cheaply: from a neighbour's cursor, from its anchor, or
    else skipping the fewest rows: from the nearer end of the list, or from the nearest page
    already read (its cursor, then the pages between)."""
    offset = number * page_size
    limit = max(min(page_size, total - offset), 0)
    if number - 1 in bounds:
        return Seek(bounds[number - 1][1])
    if number + 1 in bounds:  # a page before another is a full one
        return Seek(bounds[number + 1][0], backwards=True)
    if anchors is not None and number < len(anchors):
        return Seek(anchors[number], inclusive=True)
    best = Seek(skip=offset)
    from_end = max(total - offset - limit, 0)
    if from_end < best.skip:
        best = Seek(backwards=True, skip=from_end)
    for known, (first, last) in bounds.items():
        if known < number and (number - known - 1) * page_size < best.skip:
            best = Seek(last, skip=(number - known - 1) * page_size)
        elif known > number and (known - number) * page_size - limit < best.skip:
            best = Seek(first, backwards=True, skip=(known - number) * page_size - limit)
    return best


def _bounded(page: Slice[R]) -> tuple[list[R], Bounds | None]:
    if page.first is None or page.last is None:
        return page.rows, None
    return page.rows, (page.first, page.last)


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
    """Rows from `seek(search, sort, descending, seek, limit)` (keyset paging, with
    `anchors(search, sort, descending, every)` for jumps; see the module's doc) or else from
    `fetch(search, sort, descending, offset, limit)`, counted by `count(search)` (all service
    calls), loaded through `run` (the context's `run_task`: the GUI never waits; without
    `run`, at once). Anchors are read for lists of `anchor_from` rows or more (below that an
    OFFSET costs next to nothing).

    `fetch_from_end(search, sort, descending, offset, limit)`, when given with `fetch`, reads
    the same list backwards (the last row first): the pages past the middle come from it, so
    the end of a million rows costs what the start costs instead of skipping a million rows.
    """

    server_side = True
    anchors_arrived = Signal()  # jumps are seeks from now on

    def __init__(
        self,
        columns: Sequence[Column[R]],
        fetch: Fetch[R] | None,
        count: Count,
        *,
        fetch_from_end: Fetch[R] | None = None,
        seek: Seeker[R] | None = None,
        anchors: Anchors | None = None,
        anchor_from: int = 10_000,
        page_size: int = 200,
        cache_pages: int = 12,
        default_sort: str = "name",
        run: Run | None = None,
        money: Callable[[Decimal], str] = money_str,
        style: Styler | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(columns, money=money, style=style, parent=parent)
        if fetch is None and seek is None:
            raise ValueError("a paged model reads its rows with fetch or seek")
        self._fetch = fetch
        self._count = count
        self._fetch_from_end = fetch_from_end
        self._seek = seek
        self._anchor_reader = anchors
        self.anchor_from = anchor_from
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
        self._bounds: dict[int, Bounds] = {}  # every page read for this query, rows kept or not
        self.anchors: list[Cursor] | None = None  # the cursor every page_size rows, once read
        self._wanted: dict[int, None] = {}  # pages asked for, in the order asked
        self._request = 0  # bumped by every reload: loads for an older query are dropped
        self._page_task: object | None = None  # the page load in flight
        self._flush_pending = False

    # --- the query ---------------------------------------------------------------------------

    def first_page(self) -> Page[R]:
        """The query for the current search and sort: total and first page (worker-safe)."""
        search, sort_by, descending = self.search, self.sort_by, self.descending
        total = self._count(search)
        if not total:
            return Page([], 0)
        rows, bounds = self._read_first(search, sort_by, descending)
        return Page(rows, total, bounds)

    def _read_first(self, search: str, sort_by: str, descending: bool
                    ) -> tuple[list[R], Bounds | None]:
        if self._seek is None:
            assert self._fetch is not None
            return self._fetch(search, sort_by, descending, 0, self.page_size), None
        return _bounded(self._seek(search, sort_by, descending, Seek(), self.page_size))

    def apply_page(self, page: Page[R]) -> None:
        self._apply(page.total, self._shown(page.rows), page.bounds)

    def _apply(self, total: int, first: list[Shown[R]], bounds: Bounds | None = None
               ) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._bounds.clear()
        self.anchors = None
        self._wanted.clear()
        self._page_task = None
        self.total = total
        if first:
            self._pages[0] = first
        if bounds is not None:
            self._bounds[0] = bounds
        self.endResetModel()
        self._want_anchors()

    def reload_now(self) -> None:
        """Synchronous reload (tests, and callers already off the GUI thread)."""
        self._request += 1
        self.queried = True
        page = self.first_page()
        self.apply_page(page)

    # --- anchors: where each page starts, for jumps ---------------------------------------

    def _want_anchors(self) -> None:
        """Read the anchors of this query and order if the list is long enough to need them:
        at once without `run`, else in a worker a moment after the first page is shown."""
        if self._anchor_reader is None or self.total < self.anchor_from:
            return
        if self.run is None:
            self.anchors = self._anchor_reader(self.search, self.sort_by, self.descending,
                                               self.page_size)
            return
        QTimer.singleShot(ANCHOR_DELAY_MS, self, lambda request=self._request:
                          self._read_anchors(request))

    def _read_anchors(self, request: int) -> None:
        reader = self._anchor_reader
        if request != self._request or reader is None or self.run is None:
            return  # a newer search or sort superseded this one
        search, sort_by, descending, every = (self.search, self.sort_by, self.descending,
                                              self.page_size)

        def done(anchors: list[Cursor] | None, error: BaseException | None) -> None:
            if request == self._request and error is None and anchors is not None:
                self.anchors = anchors
                self.anchors_arrived.emit()

        self.run(lambda: reader(search, sort_by, descending, every), done)

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
                    rows, bounds = arrived["page"]
                    self._apply(arrived["count"], rows, bounds)
            return done

        def first() -> tuple[list[Shown[R]], Bounds | None]:
            rows, bounds = self._read_first(search, sort_by, descending)
            return self._shown(rows), bounds

        self.run(lambda: self._count(search), part("count"))
        self.run(first, part("page"))

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

    def every_page(self, page_size: int = 1000, query: tuple[str, str, bool] | None = None
                   ) -> Iterator[tuple[list[R], int]]:
        """Every row of the search, filters and sort, a page at a time with the total: the
        query the list runs, read from its start (worker-safe; an export of the whole list,
        not only the pages on screen). `query`: (search, sort, descending) as taken on the
        GUI thread (default: now). Keyset pages when the model seeks."""
        search, sort_by, descending = query or (self.search, self.sort_by, self.descending)
        total = self._count(search)
        seek, done = Seek(), 0
        while done < total:
            if self._seek is not None:
                page = self._seek(search, sort_by, descending, seek, page_size)
                rows = page.rows
                seek = Seek(page.last) if page.last is not None else seek
            else:
                assert self._fetch is not None
                rows = self._fetch(search, sort_by, descending, done, page_size)
            if not rows:
                return
            done += len(rows)
            yield rows, max(total, done)

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
            self._arrived(number, *self._load(number, self.search, self.sort_by,
                                              self.descending, self.total,
                                              dict(self._bounds), self.anchors))
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

    def _load(self, number: int, search: str, sort_by: str, descending: bool, total: int,
              bounds: Mapping[int, Bounds], anchors: Sequence[Cursor] | None
              ) -> tuple[list[Shown[R]], Bounds | None]:
        """One page's rows and its bounds (worker-safe: it reads no state that changes;
        `bounds` and `anchors` are what was known when the load was asked for)."""
        offset = number * self.page_size
        limit = min(self.page_size, total - offset)
        if limit <= 0:
            return [], None
        if self._seek is not None:
            rows, bound = _bounded(self._seek(
                search, sort_by, descending, plan(number, self.page_size, total, bounds,
                                                  anchors), limit))
            return self._shown(rows), bound
        assert self._fetch is not None
        if self._fetch_from_end is not None and offset > total // 2:
            from_end = total - offset - limit
            rows = list(reversed(self._fetch_from_end(search, sort_by, descending, from_end,
                                                      limit)))
        else:
            rows = self._fetch(search, sort_by, descending, offset, limit)
        return self._shown(rows), None

    def _store(self, number: int, rows: list[Shown[R]], bounds: Bounds | None = None) -> None:
        self._pages[number] = rows
        self._pages.move_to_end(number)
        if bounds is not None:
            self._bounds[number] = bounds
        while len(self._pages) > self.cache_pages:
            self._pages.popitem(last=False)

    def _arrived(self, number: int, rows: list[Shown[R]], bounds: Bounds | None = None
                 ) -> None:
        """Keep a page that came from the database and repaint its rows."""
        self._store(number, rows, bounds)
        if rows:
            first = number * self.page_size
            self.dataChanged.emit(self.index(first, 0),
                                  self.index(first + len(rows) - 1, len(self.columns) - 1))

    def _want(self, number: int) -> None:
        """The view needs a page that is not loaded: load it now, or soon in the background."""
        if self.run is None:
            self._store(number, *self._load(number, self.search, self.sort_by, self.descending,
                                            self.total, dict(self._bounds), self.anchors))
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
        bounds, anchors = dict(self._bounds), self.anchors  # copies: the worker's own

        def work() -> list[tuple[int, list[Shown[R]], Bounds | None]]:
            loaded = []
            for n in numbers:  # a page read here is a neighbour for the next one
                rows, bound = self._load(n, search, sort_by, descending, total, bounds,
                                         anchors)
                if bound is not None:
                    bounds[n] = bound
                loaded.append((n, rows, bound))
            return loaded

        def done(pages: list[tuple[int, list[Shown[R]], Bounds | None]] | None,
                 error: BaseException | None) -> None:
            if self._page_task is task:
                self._page_task = None
            if request != self._request:
                return
            self.error = error
            for number, rows, bound in pages or []:
                self._arrived(number, rows, bound)
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
