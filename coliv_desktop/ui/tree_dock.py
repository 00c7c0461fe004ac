"""The dockable property tree with its filter box."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas.overview import PortfolioTree
from coliv_desktop.services import overview
from coliv_desktop.ui.context import AppContext
from coliv_desktop.ui.models.tree import NODE_ROLE, Node, PropertyTreeModel, TreeFilterProxy
from coliv_desktop.ui.widgets import search_box


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
        self.model = PropertyTreeModel(self)
        self.proxy = TreeFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTreeView()
        self.view.setObjectName("property_tree")
        self.view.setModel(self.proxy)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.view, 1)
        self.summary = QLabel()
        self.summary.setObjectName("tree_summary")
        self.summary.setStyleSheet("color: #57606a;")
        layout.addWidget(self.summary)
        self.setWidget(body)
        self.tree: PortfolioTree | None = None
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(150)
        self._typing.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(lambda *_: self._typing.start())
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        for name in ("database_switched", "portfolio_changed", "leases_changed",
                     "tenants_changed"):
            getattr(ctx.bus, name).connect(self.reload)
        self._select_after: uuid.UUID | None = None

    def apply_filter(self) -> None:
        self._typing.stop()
        self.proxy.set_search(self.filter.text())
        if self.filter.text().strip():
            self.view.expandAll()

    def reload(self) -> None:
        if not self.ctx.has_database:
            return
        db = self.ctx.db
        current = self.selected_node()
        if current is not None and self._select_after is None:
            self._select_after = current.id
        self.ctx.run_task(lambda: overview.portfolio_tree(db), self._show)

    def _show(self, tree: PortfolioTree | None, error: BaseException | None) -> None:
        if error is not None or tree is None:
            self.ctx.bus.error.emit(f"Could not load the property tree: {error}")
            return
        self.tree = tree
        expanded = self._expanded_ids()
        self.view.selectionModel().blockSignals(True)
        self.model.set_rows(tree.rows)
        self.view.selectionModel().blockSignals(False)
        for root in range(self.proxy.rowCount()):
            index = self.proxy.index(root, 0)
            node = index.data(NODE_ROLE)
            if not expanded or (isinstance(node, Node) and node.id in expanded):
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

    def selected_node(self) -> Node | None:
        node = self.view.currentIndex().data(NODE_ROLE)
        return node if isinstance(node, Node) else None

    def _current_changed(self, current: QModelIndex, previous: Any) -> None:
        node = current.data(NODE_ROLE)
        if isinstance(node, Node):
            self.node_selected.emit(node.kind, node.id)

    def node_text(self, ident: uuid.UUID) -> tuple[str, str] | None:
        """(label, occupancy or tenant) as the tree shows it: for tests and tooltips."""
        node = self.model.find(ident)
        return None if node is None else (node.label, node.detail())


