"""The property tree: a QAbstractItemModel over plain rows (Property -> Unit -> Room).

Built from `services.overview.portfolio_tree` rows; nodes are small dataclasses, never ORM
objects. Properties and units show occupied/total rooms; rooms show their tenants or "vacant",
with vacant and maintenance rooms marked by colour and icon.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from coliv_desktop.schemas.overview import TreeRow

NodeKind = Literal["property", "unit", "room"]
NODE_ROLE = int(Qt.ItemDataRole.UserRole) + 10
SEARCH_ROLE = int(Qt.ItemDataRole.UserRole) + 11
Index = QModelIndex | QPersistentModelIndex

VACANT = QColor("#1a7f37")
MAINTENANCE = QColor("#b35900")
MUTED = QColor("#6b7280")


@dataclass(eq=False)
class Node:
    kind: NodeKind
    id: uuid.UUID
    label: str
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    rooms_total: int = 0
    rooms_occupied: int = 0
    room: TreeRow | None = None

    @property
    def row(self) -> int:
        return self.parent.children.index(self) if self.parent else 0

    @property
    def vacant(self) -> bool:
        return (self.kind == "room" and self.room is not None
                and self.room.status != "maintenance" and not self.room.tenants)

    @property
    def maintenance(self) -> bool:
        return self.kind == "room" and self.room is not None and self.room.status == "maintenance"

    def detail(self) -> str:
        if self.kind != "room" or self.room is None:
            return f"{self.rooms_occupied}/{self.rooms_total}"
        if self.maintenance:
            return "maintenance"
        if not self.room.tenants:
            return "vacant"
        names = ", ".join(self.room.tenants)
        if self.room.beds > 1:
            return f"{names} ({self.room.beds_occupied}/{self.room.beds} beds)"
        return names


def build_nodes(rows: Sequence[TreeRow]) -> list[Node]:
    properties: dict[uuid.UUID, Node] = {}
    units: dict[uuid.UUID, Node] = {}
    for r in rows:
        prop = properties.get(r.property_id)
        if prop is None:
            prop = Node("property", r.property_id, r.property_name)
            properties[r.property_id] = prop
        if r.unit_id is None or r.unit_number is None:
            continue
        unit = units.get(r.unit_id)
        if unit is None:
            unit = Node("unit", r.unit_id, f"Unit {r.unit_number}", parent=prop)
            prop.children.append(unit)
            units[r.unit_id] = unit
        if r.room_id is None:
            continue
        occupied = bool(r.tenants)
        room = Node("room", r.room_id, f"Room {r.room_number}", parent=unit, room=r,
                    rooms_total=1, rooms_occupied=int(occupied))
        unit.children.append(room)
        for holder in (unit, prop):
            holder.rooms_total += 1
            holder.rooms_occupied += int(occupied)
    return list(properties.values())


class PropertyTreeModel(QAbstractItemModel):
    COLUMNS = ("Property / unit / room", "Occupancy")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.roots: list[Node] = []
        self._by_id: dict[uuid.UUID, Node] = {}

    def set_rows(self, rows: Sequence[TreeRow]) -> None:
        self.beginResetModel()
        self.roots = build_nodes(rows)
        self._by_id = {}
        stack = list(self.roots)
        while stack:
            node = stack.pop()
            self._by_id[node.id] = node
            stack.extend(node.children)
        self.endResetModel()

    def node(self, index: Index) -> Node | None:
        if not index.isValid():
            return None
        node = index.internalPointer()
        return node if isinstance(node, Node) else None

    def find(self, ident: uuid.UUID) -> Node | None:
        return self._by_id.get(ident)

    def index_of(self, ident: uuid.UUID) -> QModelIndex:
        node = self._by_id.get(ident)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    # --- Qt model API ------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        siblings = self._children(parent)
        if not 0 <= row < len(siblings) or not 0 <= column < len(self.COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column, siblings[row])

    def _children(self, parent: Index) -> list[Node]:
        node = self.node(parent)
        return self.roots if node is None else node.children

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self.node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(parent))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.COLUMNS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return node.label if column == 0 else node.detail()
        if role == NODE_ROLE:
            return node
        if role == SEARCH_ROLE:
            return f"{node.label} {node.detail()}".casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            if node.kind == "room" and node.room is not None:
                rent = node.room.rent_amount
                return f"{node.label}: {node.detail()} · rent {rent}/mo"
            return f"{node.label}: {node.rooms_occupied} of {node.rooms_total} rooms occupied"
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            if node.maintenance:
                return QBrush(MAINTENANCE)
            if node.vacant:
                return QBrush(VACANT)
            return QBrush(MUTED) if node.kind != "room" else None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            if node.kind == "property" and column == 0:
                font.setBold(True)
                return font
            if column == 1 and (node.vacant or node.maintenance):
                font.setItalic(True)
                return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1 and node.kind != "room":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            from coliv_desktop.ui.widgets import icon

            if node.kind == "room":
                name = ("room-maintenance" if node.maintenance
                        else "room-vacant" if node.vacant else "room")
                return icon(name)
            return icon(node.kind)
        return None


class TreeFilterProxy(QSortFilterProxyModel):
    """The filter box above the tree: keeps matching nodes and their ancestors."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self._needle = ""

    def set_search(self, text: str) -> None:
        from coliv_desktop.ui.models.proxy import refilter

        needle = text.strip().casefold()
        refilter(self, lambda: setattr(self, "_needle", needle))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._needle:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        return self._needle in str(index.data(SEARCH_ROLE) or "")
