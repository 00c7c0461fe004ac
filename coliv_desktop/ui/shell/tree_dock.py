"""The dockable property tree with its filter box."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMenu,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.errors import ColivError
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.models.tree import NODE_ROLE, Node, PropertyTreeModel, TreeFilterProxy
from coliv_desktop.ui.common.widgets import search_box

if TYPE_CHECKING:
    from coliv_desktop.schemas.overview import OutlineRow, PortfolioTree

FULL_TREE_ROOMS = 500  # up to this many rooms the whole tree loads at once
EXPAND_UP_TO = 10  # properties shown opened the first time
MIN_WIDTH = 260  # the tree's names stay readable beside its occupancy column


URGENT = QColor("#b3261e")
_MARKED = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
           Qt.ItemDataRole.ToolTipRole)


class MarkedTreeProxy(TreeFilterProxy):
    """The tree's filter, also marking the rooms with an open urgent maintenance request
    (a "⚠" after the name, red, the request's title as tooltip)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.urgent: dict[uuid.UUID, str] = {}  # room id -> the open urgent request's title

    def set_urgent(self, urgent: dict[uuid.UUID, str]) -> None:
        """Set just before the tree's rows are (re)set: their reset repaints the marks."""
        self.urgent = urgent

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if not self.urgent or index.column() != 0 or role not in _MARKED:
            return value
        node = super().data(index, NODE_ROLE)
        if not isinstance(node, Node) or node.kind != "room" or node.id not in self.urgent:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{value} ⚠"
        if role == Qt.ItemDataRole.ForegroundRole:
            return URGENT
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Urgent: {self.urgent[node.id]}"
        return value


class TreeDock(QDockWidget):
    node_selected = Signal(str, object)  # kind, id
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Properties", parent)
        self.setObjectName("tree_dock")
        self.ctx = ctx
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        self.filter = search_box("Filter: property, unit, room or tenant")
        self.filter.setObjectName("tree_filter")
        layout.addWidget(self.filter)
        self.model = PropertyTreeModel(self, load_rooms=self._load_rooms,
                                       load_units=self._load_units)
        self.outline = False  # True: a large portfolio, units and rooms load when opened
        self.proxy = MarkedTreeProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTreeView()
        self.view.setObjectName("property_tree")
        self.view.setModel(self.proxy)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed, not ResizeToContents: that asks every row of a 5,000-room tree for its text.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 115)
        layout.addWidget(self.view, 1)
        self.summary = QLabel()
        self.summary.setObjectName("tree_summary")
        self.summary.setStyleSheet("color: #57606a;")
        layout.addWidget(self.summary)
        self.setWidget(body)
        # never squeezed to "Downto…" by a wide pane beside it (nor restored that narrow)
        self.setMinimumWidth(MIN_WIDTH)
        self.tree: PortfolioTree | None = None
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(150)
        self._typing.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(lambda *_: self._typing.start())
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        bus = ctx.bus
        for signal in (bus.database_switched, bus.portfolio_changed, bus.leases_changed,
                       bus.tenants_changed, bus.everything_changed):
            signal.connect(self.reload)
        self._select_after: uuid.UUID | None = None

    def apply_filter(self) -> None:
        self._typing.stop()
        text = self.filter.text()
        if self.outline and text.strip() and self.ctx.has_database:
            db = self.ctx.db
            actor = self.ctx.actor
            unopened = {n.id for n in self.model.roots if not n.loaded}

            def find() -> tuple[list[Any], dict[uuid.UUID, list[Any]]]:
                from coliv_desktop.services import overview

                # Large portfolio: the database finds the matching rooms (and the units of the
                # properties they are in, when not opened yet), then the proxy filters.
                rows = overview.portfolio_tree(db, actor, search=text).rows
                places = {r.property_id for r in rows} & unopened
                return rows, {p: overview.outline(db, actor, property_id=p) for p in places}

            self.ctx.run_task(find, lambda found, error: self._filtered(text, found, error))
            return
        if not text.strip():
            self.model.clear_search()
        self._filtered(text, None, None)

    def _filtered(self, text: str, found: Any, error: BaseException | None) -> None:
        if found:
            rows, units = found
            for property_id, unit_rows in units.items():
                self.model.attach_units(property_id, unit_rows)
            self.model.attach_search(rows)
        self.proxy.set_search(text)
        if text.strip():
            self._expand_loaded()

    def _expand_loaded(self) -> None:
        """Open the filtered tree down to its rooms, never fetching while expanding."""
        for p in range(self.proxy.rowCount()):
            prop = self.proxy.index(p, 0)
            self.view.expand(prop)
            for u in range(self.proxy.rowCount(prop)):
                unit = self.proxy.index(u, 0, prop)
                node = unit.data(NODE_ROLE)
                if isinstance(node, Node) and node.loaded:
                    self.view.expand(unit)

    def _load_rooms(self, unit_id: uuid.UUID) -> None:
        """A unit opened in a large portfolio: its rooms, read in a worker."""
        from coliv_desktop.services import overview

        db = self.ctx.db
        actor = self.ctx.actor
        self.ctx.run_task(lambda: list(overview.portfolio_tree(db, actor, unit_id=unit_id).rows),
                          lambda rows, error: self._attach(error, lambda: self.model.attach_rooms(
                              unit_id, rows)))

    def _load_units(self, property_id: uuid.UUID) -> None:
        """A property opened in a large portfolio: its units, read in a worker."""
        from coliv_desktop.services import overview

        db = self.ctx.db
        actor = self.ctx.actor
        self.ctx.run_task(lambda: overview.outline(db, actor, property_id=property_id),
                          lambda rows, error: self._attach(error, lambda: self.model.attach_units(
                              property_id, rows)))

    def _attach(self, error: BaseException | None, attach: Callable[[], None]) -> None:
        if not shiboken6.isValid(self):
            return
        if error is not None:
            self.ctx.bus.error.emit(f"Could not load the property tree: {error}")
            return
        attach()

    def reload(self) -> None:
        if not self.ctx.has_database:
            return
        db = self.ctx.db
        actor = self.ctx.actor
        current = self.selected_node()
        if current is not None and self._select_after is None:
            self._select_after = current.id

        def load() -> tuple[list[OutlineRow], PortfolioTree | None, dict[uuid.UUID, str]]:
            from coliv_desktop.services import maintenance, overview

            properties = overview.outline(db, actor)
            small = sum(p.rooms_total for p in properties) <= FULL_TREE_ROOMS
            urgent = {r.room_id: r.title for r in maintenance.list_requests(
                db, actor, include_done=False) if r.priority == "urgent" and r.room_id}
            return properties, overview.portfolio_tree(db, actor) if small else None, urgent

        self.ctx.run_task(load, self._show)

    def _show(self, loaded: tuple[list[OutlineRow], PortfolioTree | None,
                                  dict[uuid.UUID, str]] | None,
              error: BaseException | None) -> None:
        if error is not None or loaded is None:
            self.ctx.bus.error.emit(f"Could not load the property tree: {error}")
            return
        properties, tree, urgent = loaded
        self.proxy.set_urgent(urgent)
        self.tree = tree
        expanded = self._expanded_ids()
        self.view.selectionModel().blockSignals(True)
        self.outline = tree is None
        if tree is not None:
            self.model.set_rows(tree.rows)
        else:
            self.model.set_outline(properties)
        self.view.selectionModel().blockSignals(False)
        for root in range(self.proxy.rowCount()):
            index = self.proxy.index(root, 0)
            node = index.data(NODE_ROLE)
            first_time = not expanded and len(self.model.roots) <= EXPAND_UP_TO
            if first_time or (isinstance(node, Node) and node.id in expanded):
                self.view.expand(index)
        for ident in expanded:
            self._expand_to(ident, include_self=True)
        if self.filter.text().strip():
            self.apply_filter()
        total = sum(n.rooms_total for n in self.model.roots)
        occupied = sum(n.rooms_occupied for n in self.model.roots)
        self.summary.setText(f"{len(self.model.roots)} properties · "
                             f"{occupied}/{total} rooms occupied")
        if self._select_after is not None:
            ident, self._select_after = self._select_after, None
            self.select(ident, notify=False)
        self.loaded.emit()

    def _expanded_ids(self) -> set[uuid.UUID]:
        found: set[uuid.UUID] = set()

        def walk(parent: QModelIndex) -> None:
            for row in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(row, 0, parent)
                if self.view.isExpanded(index):
                    node = index.data(NODE_ROLE)
                    if isinstance(node, Node):
                        found.add(node.id)
                    walk(index)

        walk(QModelIndex())
        return found

    def _expand_to(self, ident: uuid.UUID, *, include_self: bool = False) -> QModelIndex:
        source = self.model.index_of(ident)
        index = self.proxy.mapFromSource(source)
        parent = index.parent()
        while parent.isValid():
            self.view.expand(parent)
            parent = parent.parent()
        if include_self and index.isValid():
            self.view.expand(index)
        return index

    def select(self, ident: uuid.UUID, *, notify: bool = True) -> bool:
        """Select a property, unit or room by id (expanding its parents)."""
        if self.model.find(ident) is None and self.outline and self.ctx.has_database:
            self._load_way_to(ident, notify)  # selects it once loaded
            return False
        if self.model.find(ident) is None:
            self._select_after = ident
            return False
        index = self._expand_to(ident)
        if not index.isValid():
            return False
        if not notify:
            self.view.selectionModel().blockSignals(True)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        if not notify:
            self.view.selectionModel().blockSignals(False)
        return True

    def _load_way_to(self, ident: uuid.UUID, notify: bool) -> None:
        """A unit or room of a large portfolio not opened yet: load the units above it (and
        the rooms beside it) in a worker, then select it."""
        from coliv_desktop.services import overview, portfolio

        db = self.ctx.db
        actor = self.ctx.actor

        def read() -> Way | None:
            try:
                unit_id = portfolio.get_room(db, actor, ident).unit_id
            except ColivError:
                unit_id = ident  # perhaps a unit
            try:
                property_id = portfolio.get_unit(db, actor, unit_id).property_id
            except ColivError:
                return None
            units = overview.outline(db, actor, property_id=property_id)
            rooms = (list(overview.portfolio_tree(db, actor, unit_id=unit_id).rows)
                     if unit_id != ident else None)
            return Way(property_id, unit_id, units, rooms)

        def done(way: Way | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self.ctx.bus.error.emit(f"Could not load the property tree: {error}")
                return
            if way is None:
                return
            if self.model.find(way.unit_id) is None:
                self.model.attach_units(way.property_id, way.units)
            if way.rooms is not None:
                self.model.attach_rooms(way.unit_id, way.rooms)
            if self.model.find(ident) is not None:
                self.select(ident, notify=notify)

        self.ctx.run_task(read, done)

    def selected_node(self) -> Node | None:
        node = self.view.currentIndex().data(NODE_ROLE)
        return node if isinstance(node, Node) else None

    def _current_changed(self, current: QModelIndex, previous: Any) -> None:
        node = current.data(NODE_ROLE)
        if isinstance(node, Node):
            self.node_selected.emit(node.kind, node.id)

    def context_menu(self, node: Node) -> QMenu:
        """The right-click menu of a property, unit or room."""
        menu = QMenu(self.view)
        report = menu.addAction("Report a problem…")
        report.setObjectName("report_problem")
        report.setEnabled(self.ctx.may("maintenance.write"))
        report.triggered.connect(lambda *_: self.ctx.bus.open_pane_view.emit(
            "maintenance", f"report:{node.kind}:{node.id}"))
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        node = self.view.indexAt(pos).data(NODE_ROLE)
        if isinstance(node, Node) and self.ctx.has_database:
            self.context_menu(node).exec(self.view.viewport().mapToGlobal(pos))

    def node_text(self, ident: uuid.UUID) -> tuple[str, str] | None:
        """(label, occupancy or tenant) as the tree shows it: for tests and tooltips."""
        node = self.model.find(ident)
        return None if node is None else (node.label, node.detail())


@dataclass
class Way:
    """What `TreeDock._load_way_to` read: the units of a property and a unit's rooms."""

    property_id: uuid.UUID
    unit_id: uuid.UUID
    units: list[OutlineRow]
    rooms: list[Any] | None  # None when the way led to a unit, not a room
