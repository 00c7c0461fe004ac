"""The property tree: a QAbstractItemModel over plain rows (Property -> Unit -> Room).

Built from `services.overview.portfolio_tree` rows; nodes are small dataclasses, never ORM
objects. Properties and units show occupied/total rooms; rooms show their tenants or "vacant",
with vacant and maintenance rooms marked by colour and icon.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
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

from coliv_desktop.schemas.dashboard import Dashboard
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
    loaded: bool = True  # a unit's rooms are loaded when it is first expanded

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


def outline_nodes(board: Dashboard) -> list[Node]:
    """Properties and units with their SQL-counted occupancy; rooms come later."""
    roots = []
    for prop in board.properties:
        node = Node("property", prop.id, prop.name, rooms_total=prop.rooms_total,
                    rooms_occupied=prop.rooms_occupied)
        for unit in prop.units:
            node.children.append(Node("unit", unit.id, f"Unit {unit.number}", parent=node,
                                      rooms_total=unit.rooms_total,
                                      rooms_occupied=unit.rooms_occupied,
                                      loaded=unit.rooms_total == 0))
        roots.append(node)
    return roots


RoomLoader = Callable[[uuid.UUID], Sequence[TreeRow]]


class PropertyTreeModel(QAbstractItemModel):
    """Either every row at once (`set_rows`) or, for large portfolios, the outline of
    properties and units (`set_outline`) with each unit's rooms fetched on expand through
    `load_rooms(unit_id)` (canFetchMore/fetchMore)."""

    COLUMNS = ("Property / unit / room", "Occupancy")

    def __init__(self, parent: Any = None, *, load_rooms: RoomLoader | None = None) -> None:
        super().__init__(parent)
        self.roots: list[Node] = []
        self._by_id: dict[uuid.UUID, Node] = {}
        self.load_rooms = load_rooms
        self._partial: set[uuid.UUID] = set()  # units holding only a search's matches

    def _reset(self, roots: list[Node]) -> None:
        self._partial.clear()
        self.beginResetModel()
        self.roots = roots
        self._by_id = {}
        stack = list(self.roots)
        while stack:
            node = stack.pop()
            self._by_id[node.id] = node
            stack.extend(node.children)
        self.endResetModel()

    def set_rows(self, rows: Sequence[TreeRow]) -> None:
        self._reset(build_nodes(rows))

    def set_outline(self, board: Dashboard) -> None:
        self._reset(outline_nodes(board))

    def attach_rooms(self, unit_id: uuid.UUID, rows: Sequence[TreeRow]) -> None:
        """Put a unit's rooms (or the search's matching rooms) under it."""
        unit = self._by_id.get(unit_id)
        if unit is None or unit.kind != "unit":
            return
        parent = self.createIndex(unit.row, 0, unit)
        if unit.children:
            self.beginRemoveRows(parent, 0, len(unit.children) - 1)
            for child in unit.children:
                self._by_id.pop(child.id, None)
            unit.children = []
            self.endRemoveRows()
        rooms = [r for r in rows if r.room_id is not None and r.unit_id == unit_id]
        if rooms:
            self.beginInsertRows(parent, 0, len(rooms) - 1)
            for r in rooms:
                assert r.room_id is not None
                node = Node("room", r.room_id, f"Room {r.room_number}", parent=unit, room=r,
                            rooms_total=1, rooms_occupied=int(bool(r.tenants)))
                unit.children.append(node)
                self._by_id[node.id] = node
            self.endInsertRows()
        unit.loaded = True

    def attach_search(self, rows: Sequence[TreeRow]) -> None:
        """Rooms matching a search, put under their (not yet loaded) units."""
        by_unit: dict[uuid.UUID, list[TreeRow]] = {}
        for r in rows:
            if r.unit_id is not None:
                by_unit.setdefault(r.unit_id, []).append(r)
        for unit_id, unit_rows in by_unit.items():
            unit = self._by_id.get(unit_id)
            if unit is not None and not unit.loaded:
                self.attach_rooms(unit_id, unit_rows)
                self._partial.add(unit_id)

    def clear_search(self) -> None:
        """Units that hold only a search's matches go back to loading all rooms on expand."""
        for unit_id in list(self._partial):
            unit = self._by_id.get(unit_id)
            if unit is not None:
                self.attach_rooms(unit_id, [])
                unit.loaded = False
        self._partial.clear()

    def canFetchMore(self, parent: Index) -> bool:
        node = self.node(parent)
        return node is not None and node.kind == "unit" and not node.loaded \
            and self.load_rooms is not None

    def fetchMore(self, parent: Index) -> None:
        node = self.node(parent)
        if node is None or node.kind != "unit" or node.loaded or self.load_rooms is None:
            return
        self.attach_rooms(node.id, self.load_rooms(node.id))

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
        node = self.node(parent)
        if node is not None and node.kind == "unit" and not node.loaded:
            return node.rooms_total > 0
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
            extra = (f" {node.room.unit_number}-{node.room.room_number}"
                     if node.room is not None else "")
            return f"{node.label} {node.detail()}{extra}".casefold()
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
        self.setAutoAcceptChildRows(True)
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
