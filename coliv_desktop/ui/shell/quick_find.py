"""Edit ▸ Go To… (Ctrl+K): type part of a name, an email, a unit or a room, press Enter.

Tenants (name, email, phone) and the portfolio (property, unit, room, who lives there) are
searched by the database as you type, in a worker; the arrows move through what was found.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from coliv_desktop.ui.common.context import AppContext, RecordKind
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView

SHOWN = 8  # of each kind
HINT = "Type to search; ↑ ↓ to choose, Enter to open, Esc to close."


@dataclass(frozen=True)
class Found:
    kind: str  # Tenant, Property, Unit, Room
    label: str
    detail: str
    opens: RecordKind  # shown by the bus signal `open_record(opens)`
    id: uuid.UUID


def find(ctx: AppContext, text: str) -> list[Found]:
    """What `text` names, tenants first (worker-safe: services only)."""
    from coliv_desktop.services import overview, tenants

    db = ctx.db
    actor = ctx.actor
    found = [Found("Tenant", f"{t.first_name} {t.last_name}",
                   " · ".join(x for x in (t.email, t.phone or "") if x), "tenant", t.id)
             for t in tenants.search_tenants(db, actor, text, limit=SHOWN)]
    needle = text.strip().lower()
    rows = overview.portfolio_tree(db, actor, search=text).rows
    places: dict[uuid.UUID, Found] = {}
    units: dict[uuid.UUID, Found] = {}
    rooms: list[Found] = []
    for row in rows:
        if needle in row.property_name.lower() and row.property_id not in places:
            places[row.property_id] = Found("Property", row.property_name, row.city,
                                            "property", row.property_id)
        if row.unit_id is not None and row.unit_id not in units and needle in (
                f"unit {row.unit_number}".lower()):
            units[row.unit_id] = Found("Unit", f"{row.property_name} · Unit {row.unit_number}",
                                       "", "unit", row.unit_id)
        if row.room_id is not None and len(rooms) < SHOWN:
            who = ", ".join(row.tenants) or "vacant"
            rooms.append(Found("Room", f"{row.property_name} · {row.unit_number}-"
                                       f"{row.room_number}", who, "room", row.room_id))
    return [*found, *list(places.values())[:SHOWN], *list(units.values())[:SHOWN], *rooms]


class QuickFind(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Go to")
        self.resize(620, 380)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setObjectName("quick_find")
        self.search.setPlaceholderText("A tenant, an email, a property, a unit, a room…")
        self.search.setClearButtonEnabled(True)
        self.model: RowTableModel[Found] = RowTableModel([
            Column("kind", "What", lambda f: f.kind, width=80),
            Column("label", "Name", lambda f: f.label, width=280),
            Column("detail", "", lambda f: f.detail, width=220),
        ])
        self.view = ListView(self.model, ctx.settings, "quick_find", sortable=False)
        self.view.doubleClicked.connect(lambda *_: self.open_selected())
        self.note = QLabel(HINT)
        self.note.setObjectName("quick_find_note")
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(200)
        self._typing.timeout.connect(self.look)
        self.search.textChanged.connect(lambda *_: self._typing.start())
        self.search.returnPressed.connect(self.open_selected)
        self.search.installEventFilter(self)
        self._request = 0
        self._answered = 0  # the last request whose results are shown
        self._open_when_found = False

    def start(self) -> None:
        """Shown again (the window keeps one): an empty search, nothing pending."""
        self._open_when_found = False
        self._typing.stop()
        self.search.clear()
        self.look()
        self.show()
        self.raise_()
        self.search.setFocus()

    def look(self) -> None:
        text = self.search.text().strip()
        self._request += 1
        request = self._request
        if not text:
            self._answered = request
            self.model.set_rows([])
            self.note.setText(HINT)
            return

        def done(found: Any, error: BaseException | None) -> None:
            if request != self._request:
                return  # typed on since
            self._answered = request
            if error is not None:
                self.note.setText(f"Could not search: {error}")
                return
            self.model.set_rows(found)
            if found:
                self.view.selectRow(0)
            self.note.setText(f"{len(found)} found: Enter opens the selected one."
                              if found else f"Nothing matches “{text}”.")
            if self._open_when_found:
                self._open_when_found = False
                self.open_selected()

        self.ctx.run_task(lambda: find(self.ctx, text), done)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The arrows move through the results while typing goes on in the search box."""
        if watched is self.search and isinstance(event, QKeyEvent) and \
                event.type() == QEvent.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            rows = self.view.model().rowCount()
            if rows:
                current = self.view.currentIndex().row()
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                self.view.selectRow(max(0, min(rows - 1, current + step)))
            return True
        return super().eventFilter(watched, event)

    def open_selected(self) -> bool:
        if self._typing.isActive() or self._request != self._answered:
            # Enter before the results came: open the first one when they come
            if self._typing.isActive():
                self._typing.stop()
                self.look()
            self._open_when_found = True
            return False
        row = self.view.current_row()
        if not isinstance(row, Found):
            return False
        self.accept()
        self.ctx.bus.open_record(row.opens).emit(row.id)
        return True
