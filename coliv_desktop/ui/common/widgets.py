"""Small widgets and helpers every pane uses: list views with remembered columns, the search
box, empty-state messages, icons, message boxes and the one wording of a file not saved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.locations import resource
from coliv_desktop.ui.common.models.proxy import proxy_for
from coliv_desktop.ui.common.models.table import RowTableModel

R = TypeVar("R")
E = TypeVar("E", bound=BaseException)


class Messages:
    """Modal message boxes, in one place (tests replace them: a modal box would wait)."""

    @staticmethod
    def warn(parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)


def not_saved(error: BaseException, target: object = None) -> str | None:
    """One sentence for a file that could not be written, naming the path and the reason
    (`domain.errors.FileProblem`, or an OSError from below it); None for any other error."""
    from coliv_desktop.domain.errors import FileProblem

    if isinstance(error, FileProblem):
        return f"Could not save {error.path}: {error.reason}."
    if isinstance(error, OSError):
        path = error.filename or target
        reason = error.strerror or str(error) or type(error).__name__
        return f"Could not save {Path(str(path)) if path else 'the file'}: " \
               f"{reason[0].lower() + reason[1:]}."
    return None


@cache
def icon(name: str) -> QIcon:
    """An icon from resources/icons/NAME.svg (empty icon when missing)."""
    path = resource("icons", f"{name}.svg")
    return QIcon(str(path)) if path.exists() else QIcon()


def search_box(placeholder: str, parent: QWidget | None = None) -> QLineEdit:
    box = QLineEdit(parent)
    box.setPlaceholderText(placeholder)
    box.setClearButtonEnabled(True)
    box.setObjectName("search")
    box.setToolTip(f"{placeholder} (Ctrl+F)")
    return box


def list_filter(views: Sequence[ListView], placeholder: str = "Filter this list") -> QLineEdit:
    """A search box over in-memory lists: each keeps the rows whose shown text matches."""
    box = search_box(placeholder)
    for view in views:
        box.textChanged.connect(view.proxy.set_search)
    return box


def shortcut_text(tooltip: str, shortcut: str) -> str:
    native = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
    return f"{tooltip} ({native})" if native else tooltip


def empty_state(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("empty_state")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5f6368; font-size: 13pt; padding: 32px;")
    return label


EXPORT_SHORTCUT = "Ctrl+Shift+E"


class ListView(QTableView):
    """A sortable table over a RowTableModel through the shared proxy (`proxy_for`: a
    database-paged model's search and sort go to its query).

    Column choices (which are shown, widths, order) are kept in QSettings under
    `columns/<key>`: right-click the header to choose columns.
    """

    def __init__(self, model: RowTableModel[Any], settings: QSettings, key: str,
                 parent: QWidget | None = None, *, sortable: bool = True) -> None:
        super().__init__(parent)
        self.table_model = model
        self.proxy = proxy_for(model, self)
        self.setModel(self.proxy)
        self.settings = settings
        self.settings_key = f"columns/{key}"
        self.setObjectName(f"{key}_list")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionsMovable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._list_menu)
        for index, column in enumerate(model.columns):
            if column.width:
                self.setColumnWidth(index, column.width)
            if not column.visible:
                self.setColumnHidden(index, True)
        first = 0
        sort_by = getattr(model, "sort_by", None)
        for index, column in enumerate(model.columns):
            if sort_by is not None and column.sort == sort_by:
                first = index
        descending = bool(getattr(model, "descending", False))
        header.setSortIndicator(first, Qt.SortOrder.DescendingOrder if descending
                                else Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(sortable)
        self._restore()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(300)
        self._save_timer.timeout.connect(self.save_columns)
        header.sectionResized.connect(lambda *_: self._save_timer.start())
        header.sectionMoved.connect(lambda *_: self._save_timer.start())
        header.sortIndicatorChanged.connect(lambda *_: self._save_timer.start())
        # A reload (an edit here, another desk's, F5) resets the model: keep the reader's place.
        self._place: tuple[Any, int, int, int] | None = None
        self._wanted: tuple[Any, int] | None = None  # (id, column) not loaded yet (paged)
        self.proxy.modelAboutToBeReset.connect(self._remember_place)
        # a timer of this view: gone with it, so a reset just before a dialog closes cannot
        # call back into a deleted view
        self._place_timer = QTimer(self)
        self._place_timer.setSingleShot(True)
        self._place_timer.setInterval(0)
        self._place_timer.timeout.connect(self._restore_place)
        self.proxy.modelReset.connect(self._place_timer.start)
        self.proxy.dataChanged.connect(lambda *_: self._select_wanted())

    def _column_keys(self) -> str:
        return ",".join(column.key for column in self.table_model.columns)

    def _restore(self) -> None:
        state = self.settings.value(self.settings_key)
        keys = self.settings.value(f"columns_keys/{self.settings_key}")
        # a header remembered for other columns (a newer version moved them) would put one
        # column's width and place on another: start from the defaults then
        if keys is not None and str(keys) != self._column_keys():
            return
        if isinstance(state, QByteArray | bytes) and state:
            self.horizontalHeader().restoreState(QByteArray(state))

    def save_columns(self) -> None:
        self.settings.setValue(self.settings_key, self.horizontalHeader().saveState())
        self.settings.setValue(f"columns_keys/{self.settings_key}", self._column_keys())

    def set_column_visible(self, key: str, visible: bool) -> None:
        self.setColumnHidden(self.table_model.column_index(key), not visible)
        self.save_columns()

    def column_visible(self, key: str) -> bool:
        return not self.isColumnHidden(self.table_model.column_index(key))

    def column_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.setTitle("Columns")
        for index, column in enumerate(self.table_model.columns):
            action = QAction(column.title, menu)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(index))
            action.toggled.connect(lambda on, k=column.key: self.set_column_visible(k, on))
            menu.addAction(action)
        return menu

    def _column_menu(self, pos: Any) -> None:
        self.column_menu().exec(self.horizontalHeader().mapToGlobal(pos))

    def list_menu(self) -> QMenu:
        """The list's right-click menu: Export… (what the list shows, to CSV or XLSX) and the
        column choices."""
        menu = QMenu(self)
        # the shortcut only shown: File ▸ Export This List… has it (one action per key)
        export = QAction(f"Export…\t{EXPORT_SHORTCUT}", menu)
        export.setObjectName("export_list")
        export.setStatusTip("Save the rows this list shows, as shown, to CSV or XLSX")
        export.triggered.connect(lambda *_: self.export())
        menu.addAction(export)
        menu.addSeparator()
        menu.addMenu(self.column_menu())
        return menu

    def _list_menu(self, pos: Any) -> None:
        menu = self.list_menu()
        menu.exec(self.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def export(self, target: Path | None = None) -> None:
        """Write the rows this list shows to a CSV or XLSX file (asked for unless given)."""
        from coliv_desktop.ui.common.table_export import export_view

        export_view(self, self.table_model, target)

    def current_row(self) -> Any:
        index = self.currentIndex()
        if not index.isValid():
            return None
        source = self.proxy.mapToSource(index)
        return self.table_model.cached_row(source.row())

    def lone_value(self, attribute: str, most: int = 200) -> Any:
        """The one value of `attribute` every listed row shares (a filter down to one tenant,
        say), or None: rows differ, none is listed, more than `most`, or some not loaded."""
        count = self.proxy.rowCount()
        if not 0 < count <= most:
            return None
        values = set()
        for i in range(count):
            row = self.table_model.cached_row(self.proxy.mapToSource(self.proxy.index(i, 0)).row())
            if row is None:
                return None
            values.add(getattr(row, attribute, None))
        return values.pop() if len(values) == 1 else None

    def _remember_place(self) -> None:
        index = self.currentIndex()
        row = self.current_row()
        self._place = (getattr(row, "id", None), index.row(), max(index.column(), 0),
                       self.verticalScrollBar().value())
        self._wanted = None

    def _restore_place(self) -> None:
        """After a reset: the same scroll position and the same record selected (once its
        page has come, for a list the database pages), unless the code that reloaded chose a
        row or a position itself meanwhile."""
        place, self._place = self._place, None
        if place is None:
            return
        ident, row_number, column, scroll = place
        bar = self.verticalScrollBar()
        if bar.value() == 0 and scroll:
            bar.setValue(min(scroll, bar.maximum()))
        if ident is None or self.currentIndex().isValid():
            return
        same = self.proxy.index(row_number, column)
        source = self.proxy.mapToSource(same) if same.isValid() else same
        if source.isValid() and getattr(
                self.table_model.cached_row(source.row()), "id", None) == ident:
            self.setCurrentIndex(same)
            return
        self._wanted = (ident, column)
        self._select_wanted()

    def _select_wanted(self) -> None:
        if self._wanted is None:
            return
        if self.currentIndex().isValid():  # the person (or the code) chose meanwhile
            self._wanted = None
            return
        ident, column = self._wanted
        for number, row in self.table_model.loaded_rows():
            if getattr(row, "id", None) == ident:
                found = self.proxy.mapFromSource(self.table_model.index(number, column))
                if found.isValid():
                    self._wanted = None
                    self.setCurrentIndex(found)
                return

    def select_where(self, predicate: Any) -> bool:
        """Select the first row (of those loaded) that `predicate` accepts."""
        found = []
        for number, row in self.table_model.loaded_rows():
            if predicate(row):
                index = self.proxy.mapFromSource(self.table_model.index(number, 0))
                if index.isValid():
                    found.append(index)
        if not found:
            return False
        first = min(found, key=lambda i: i.row())
        self.selectRow(first.row())
        self.scrollTo(first)
        return True


class StatCard(QFrame):
    """A number with its caption, for dashboards and overviews."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stat_card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#stat_card { background: palette(base); border: 1px solid #d0d7de;"
            " border-radius: 8px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        self.value = QLabel("–")
        self.value.setObjectName("stat_value")
        self.value.setStyleSheet("font-size: 18pt; font-weight: 600;")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("color: #57606a;")
        self.detail = QLabel("")
        self.detail.setStyleSheet("color: #57606a; font-size: 9pt;")
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))


def heading(text: str, size: int = 16, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setStyleSheet(f"font-size: {size}pt; font-weight: 600;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def muted(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setStyleSheet("color: #57606a;")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class GatedButton(QPushButton):
    """A button for what only some roles may do (`AppContext.allows`): hidden for the others,
    whatever the pane's own logic asks (it shows and enables it as it would for anyone, and
    the button keeps that wish for when a user who may signs in)."""

    def __init__(self, icon_: QIcon, text: str, parent: QWidget | None,
                 allowed: Callable[[], bool]) -> None:
        super().__init__(icon_, text, parent)
        self._allowed = allowed
        self._wanted_visible = True
        if not allowed():
            super().setVisible(False)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt's name)
        self._wanted_visible = visible
        super().setVisible(visible and self._allowed())

    def refresh(self) -> None:
        """Show or hide again for whoever is signed in now."""
        parent = self.parentWidget()
        shown = self._wanted_visible and self._allowed()
        if parent is not None and shown != self.isVisibleTo(parent):
            super().setVisible(shown)


def refresh_gates(root: QWidget) -> None:
    """After a sign-in or a switch of book: every gated button under `root` for the new user."""
    for button in root.findChildren(GatedButton):
        button.refresh()


def tool_button(text: str, icon_name: str, tooltip: str, slot: Any,
                parent: QWidget | None = None, *,
                allowed: Callable[[], bool] | None = None) -> QPushButton:
    """A pane's command button; with `allowed` (`ctx.allows("ledger.write")`), hidden from
    the roles that may not do it."""
    button = (QPushButton(icon(icon_name), text, parent) if allowed is None
              else GatedButton(icon(icon_name), text, parent, allowed))
    button.setToolTip(tooltip)
    button.clicked.connect(lambda *_: slot())
    return button


def later(on_done: Callable[[R, E | None], None]) -> Callable[[R, E | None], None]:
    """A task's `on_done` that runs in the next turn of the event loop: for one that opens a
    modal dialog or box, so the task counts as done meanwhile (no busy indicator, nothing
    waiting on it) and the dialog's own event loop is not nested in the task's delivery."""

    def deliver(result: R, error: E | None) -> None:
        QTimer.singleShot(0, lambda: on_done(result, error))

    return deliver
