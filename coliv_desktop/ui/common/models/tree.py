"""The property tree: a QAbstractItemModel over plain rows (Property -> Unit -> Room).

Built from `services.overview.portfolio_tree` rows; nodes are small dataclasses, never ORM
objects. Properties and units show occupied/total rooms; rooms show their tenants or "vacant",
with vacant and maintenance rooms marked by colour and icon.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

if TYPE_CHECKING:  # plain rows from the services; their module loads with the services
    from coliv_desktop.schemas.overview import OutlineRow, TreeRow

NodeKind = Literal["property", "unit", "room"]
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
DECORATION = int(Qt.ItemDataRole.DecorationRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
FONT = int(Qt.ItemDataRole.FontRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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
    loaded: bool = True  # a large portfolio's units and rooms load when first expanded
    children_total: int = 0  # how many children there are to load, while not loaded

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


def outline_nodes(rows: Sequence[OutlineRow]) -> list[Node]:
    """Properties with their SQL-counted occupancy; units and rooms come when opened."""
    return [Node("property", r.id, r.label, rooms_total=r.rooms_total,
                 rooms_occupied=r.rooms_occupied, loaded=r.children == 0,
                 children_total=r.children) for r in rows]


def unit_nodes(parent: Node, rows: Sequence[OutlineRow]) -> list[Node]:
    return [Node("unit", r.id, f"Unit {r.label}", parent=parent, rooms_total=r.rooms_total,
                 rooms_occupied=r.rooms_occupied, loaded=r.children == 0,
                 children_total=r.children) for r in rows]


# Asks for a unit's rooms or a property's units; the answer comes later, through
# `attach_rooms` / `attach_units` (the read runs in a worker).
Request = Callable[[uuid.UUID], None]


class PropertyTreeModel(QAbstractItemModel):
    """Either every row at once (`set_rows`) or, for large portfolios, the outline of
    properties (`set_outline`), each property's units fetched when it opens through
    `load_units(property_id)` and each unit's rooms through `load_rooms(unit_id)`
    (canFetchMore/fetchMore): these only ask, and the rows arrive through `attach_units` /
    `attach_rooms` when read."""

    COLUMNS = ("Property / unit / room", "Occupancy")

    def __init__(self, parent: Any = None, *, load_rooms: Request | None = None,
                 load_units: Request | None = None) -> None:
        super().__init__(parent)
        self.roots: list[Node] = []
        self._by_id: dict[uuid.UUID, Node] = {}
        self.load_rooms = load_rooms
        self.load_units = load_units
        self._partial: set[uuid.UUID] = set()  # units holding only a search's matches
        self._asked: set[uuid.UUID] = set()  # nodes whose children are being read

    def _reset(self, roots: list[Node]) -> None:
        self._partial.clear()
        self._asked.clear()
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

    def set_outline(self, rows: Sequence[OutlineRow]) -> None:
        self._reset(outline_nodes(rows))

    def attach_units(self, property_id: uuid.UUID, rows: Sequence[OutlineRow]) -> None:
        """Put a property's units (counted, rooms not loaded) under it."""
        self._asked.discard(property_id)
        prop = self._by_id.get(property_id)
        if prop is None or prop.kind != "property" or prop.loaded:
            return
        units = unit_nodes(prop, rows)
        if units:
            self.beginInsertRows(self.createIndex(self._row(prop), 0, prop), 0, len(units) - 1)
            prop.children = units
            for unit in units:
                self._by_id[unit.id] = unit
            self.endInsertRows()
        prop.loaded = True

    def attach_rooms(self, unit_id: uuid.UUID, rows: Sequence[TreeRow]) -> None:
        """Put a unit's rooms (or the search's matching rooms) under it."""
        self._asked.discard(unit_id)
        unit = self._by_id.get(unit_id)
        if unit is None or unit.kind != "unit":
            return
        parent = self.createIndex(self._row(unit), 0, unit)
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
        if node is None or node.loaded:
            return False
        loader = self.load_rooms if node.kind == "unit" else self.load_units
        return loader is not None

    def fetchMore(self, parent: Index) -> None:
        node = self.node(parent)
        if node is None or node.loaded or node.id in self._asked:
            return
        loader = self.load_rooms if node.kind == "unit" else self.load_units
        if loader is not None:
            self._asked.add(node.id)  # the view asks again on every scroll meanwhile
            loader(node.id)

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
        return self.createIndex(self._row(node), 0, node)

    # --- Qt model API ------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        siblings = self._children(parent)
        if not 0 <= row < len(siblings) or not 0 <= column < len(self.COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column, siblings[row])

    def _children(self, parent: Index) -> list[Node]:
        node = self.node(parent)
        return self.roots if node is None else node.children

    def _row(self, node: Node) -> int:
        """Where `node` is among its siblings (a property: among the roots)."""
        siblings = node.parent.children if node.parent is not None else self.roots
        return siblings.index(node)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self.node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(self._row(node.parent), 0, node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(parent))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.COLUMNS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        node = self.node(parent)
        if node is not None and not node.loaded:
            return node.children_total > 0
        return self.rowCount(parent) > 0

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == DISPLAY:
            return node.label if column == 0 else node.detail()
        if role == FONT:
            if node.kind == "property" and column == 0:
                return _font(bold=True)
            if column == 1 and (node.vacant or node.maintenance):
                return _font(italic=True)
            return None
        if role == FOREGROUND:
            if column != 1:
                return None
            if node.maintenance:
                return MAINTENANCE  # a colour serves as the brush
            if node.vacant:
                return VACANT
            return MUTED if node.kind != "room" else None
        if role == DECORATION:
            if column != 0:
                return None
            from coliv_desktop.ui.common.widgets import icon

            if node.kind == "room":
                name = ("room-maintenance" if node.maintenance
                        else "room-vacant" if node.vacant else "room")
                return icon(name)
            return icon(node.kind)
        if role == ALIGNMENT:
            if column == 1 and node.kind != "room":
                return RIGHT
            return None
        if role == NODE_ROLE:
            return node
        if role == SEARCH_ROLE:
            extra = (f" {node.room.unit_number}-{node.room.room_number}"
                     if node.room is not None else "")
            return f"{node.label} {node.detail()}{extra}".casefold()
        if role == TOOLTIP:
            if node.kind == "room" and node.room is not None:
                rent = node.room.rent_amount
                return f"{node.label}: {node.detail()} · rent {rent}/mo"
            return f"{node.label}: {node.rooms_occupied} of {node.rooms_total} rooms occupied"
        return None


_FONTS: dict[tuple[bool, bool], QFont] = {}


def _font(*, bold: bool = False, italic: bool = False) -> QFont:
    """The tree's bold and italic fonts, made once (painting asks for them per row)."""
    font = _FONTS.get((bold, italic))
    if font is None:
        font = QFont()
        font.setBold(bold)
        font.setItalic(italic)
        _FONTS[(bold, italic)] = font
    return font


class TreeFilterProxy(QSortFilterProxyModel):
    """The filter box above the tree: keeps matching nodes and their ancestors."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self._needle = ""

    def set_search(self, text: str) -> None:
        from coliv_desktop.ui.common.models.proxy import refilter

        needle = text.strip().casefold()
        refilter(self, lambda: setattr(self, "_needle", needle))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._needle:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        return self._needle in str(index.data(SEARCH_ROLE) or "")
