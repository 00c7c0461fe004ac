"""Rooms: several at once in a grid with a running revenue total (flow 4.1's key step,
"Add rooms to unit 3B"), and the single-room editor."""

from __future__ import annotations

import string
import uuid
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import parse_money
from coliv_desktop.schemas import build
from coliv_desktop.schemas.portfolio import RoomCreate, RoomOut, RoomUpdate
from coliv_desktop.services import portfolio
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField, text_or_none
from coliv_desktop.ui.common.forms import ERROR_STYLE, NO_RENT, FormDialog, no_rent_question

GRID_COLUMNS = ("Room", "Rent / month", "Size (sqft)", "Private bath", "Type", "Beds")
GRID_FIELDS = ("room_number", "rent_amount", "size_sqft", "has_private_bath", "room_type",
               "beds")


class RoomsGridDialog(FormDialog):
    """Add several rooms to one unit in one transaction: all saved, or none."""

    def __init__(self, ctx: AppContext, unit_id: uuid.UUID, unit_label: str, *,
                 rows: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(f"Add rooms to unit {unit_label}", parent, runner=ctx,
                         save_text="Save All Rooms")
        self.setMinimumWidth(720)
        self.ctx = ctx
        self.unit_id = unit_id
        self.grid = QTableWidget(0, len(GRID_COLUMNS))
        self.grid.setObjectName("rooms_grid")
        self.grid.setHorizontalHeaderLabels(GRID_COLUMNS)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().hide()
        self.grid.setMinimumHeight(220)
        self.body.addWidget(self.grid)
        buttons = QHBoxLayout()
        self.add_row_button = QPushButton("Add row")
        self.add_row_button.setObjectName("add_row")
        self.add_row_button.clicked.connect(lambda: self.add_row())
        self.remove_row_button = QPushButton("Remove row")
        self.remove_row_button.clicked.connect(self.remove_row)
        buttons.addWidget(self.add_row_button)
        buttons.addWidget(self.remove_row_button)
        buttons.addStretch(1)
        self.total_label = QLabel()
        self.total_label.setObjectName("revenue_total")
        self.total_label.setStyleSheet("font-weight: 600;")
        buttons.addWidget(self.total_label)
        self.body.addLayout(buttons)
        self.grid_error = QLabel()
        self.grid_error.setObjectName("grid_error")
        self.grid_error.setStyleSheet(ERROR_STYLE)
        self.grid_error.setWordWrap(True)
        self.grid_error.hide()
        self.body.addWidget(self.grid_error)
        self.fields.row_errors = self._row_error
        self.grid.itemChanged.connect(lambda *_: self.update_total())
        for _ in range(max(rows, 1)):
            self.add_row()
        self.finish_layout()
        self.update_total()

    # --- rows -----------------------------------------------------------------------------

    def add_row(self, number: str | None = None) -> int:
        row = self.grid.rowCount()
        self.grid.insertRow(row)
        self.grid.setItem(row, 0, QTableWidgetItem(number or string.ascii_uppercase[row % 26]))
        for column in (1, 2):
            item = QTableWidgetItem("")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.setItem(row, column, item)
        bath = QCheckBox()
        bath.toggled.connect(lambda *_: self.update_total())
        self.grid.setCellWidget(row, 3, bath)
        kind = QComboBox()
        kind.addItems(["private", "shared"])
        self.grid.setCellWidget(row, 4, kind)
        beds = QSpinBox()
        beds.setRange(1, 20)
        beds.setValue(1)
        beds.valueChanged.connect(lambda *_: self.update_total())
        kind.currentTextChanged.connect(
            lambda text, b=beds: b.setValue(2 if text == "shared" and b.value() < 2 else
                                            1 if text == "private" else b.value()))
        self.grid.setCellWidget(row, 5, beds)
        self.update_total()
        return row

    def remove_row(self) -> None:
        row = self.grid.currentRow()
        if row < 0:
            row = self.grid.rowCount() - 1
        if row >= 0 and self.grid.rowCount() > 1:
            self.grid.removeRow(row)
            self.update_total()

    def set_cell(self, row: int, field: str, value: Any) -> None:
        column = GRID_FIELDS.index(field)
        widget = self.grid.cellWidget(row, column)
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QComboBox):
            widget.setCurrentText(str(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value))
        else:
            item = self.grid.item(row, column)
            assert item is not None
            item.setText(str(value))

    def _text(self, row: int, column: int) -> str:
        item = self.grid.item(row, column)
        return item.text().strip() if item is not None else ""

    def row_values(self, row: int) -> dict[str, Any]:
        bath = self.grid.cellWidget(row, 3)
        kind = self.grid.cellWidget(row, 4)
        beds = self.grid.cellWidget(row, 5)
        assert isinstance(bath, QCheckBox) and isinstance(kind, QComboBox)
        assert isinstance(beds, QSpinBox)
        return dict(unit_id=self.unit_id, room_number=self._text(row, 0),
                    rent_amount=self._text(row, 1), size_sqft=self._text(row, 2) or None,
                    has_private_bath=bath.isChecked(), room_type=kind.currentText(),
                    beds=beds.value())

    # --- totals and errors -------------------------------------------------------------------

    def update_total(self) -> None:
        total = Decimal("0.00")
        rooms = 0
        for row in range(self.grid.rowCount()):
            beds = self.grid.cellWidget(row, 5)
            try:
                rent = parse_money(self._text(row, 1), "rent_amount")
            except ValidationError:
                continue
            rooms += 1
            total += rent * (beds.value() if isinstance(beds, QSpinBox) else 1)
        noun = "room" if rooms == 1 else "rooms"
        self.total_label.setText(
            f"Revenue potential: {self.ctx.money(total)}/mo ({rooms} {noun})")

    def _clear_cells(self) -> None:
        self.grid_error.hide()
        for row in range(self.grid.rowCount()):
            for column in (0, 1, 2):
                item = self.grid.item(row, column)
                if item is not None:
                    item.setBackground(QBrush())
                    item.setToolTip("")

    def _row_error(self, row: int, field: str, message: str) -> bool:
        if field not in GRID_FIELDS or row >= self.grid.rowCount():
            return False
        column = GRID_FIELDS.index(field)
        item = self.grid.item(row, column)
        if item is not None:
            item.setBackground(QBrush(QColor("#fdecea")))
            item.setToolTip(message)
        room = self._text(row, 0) or f"row {row + 1}"
        self.grid_error.setText(f"Room {room}, {GRID_COLUMNS[column].lower()}: {message}")
        self.grid_error.show()
        self.grid.setCurrentCell(row, column)
        return True

    def validate_live(self) -> None:  # the grid checks on Save
        return

    def submit(self) -> None:
        self._clear_cells()
        super().submit()

    def build_input(self) -> list[RoomCreate]:
        rooms = []
        for row in range(self.grid.rowCount()):
            try:
                rooms.append(build(RoomCreate, **self.row_values(row)))
            except ValidationError as exc:
                raise ValidationError(f"rooms[{row}].{exc.field}", exc.detail) from None
        return rooms

    def confirmation(self, data: list[RoomCreate]) -> str | None:
        free = [room.room_number for room in data if room.rent_amount == NO_RENT]
        if not free:
            return None
        return no_rent_question(("room " if len(free) == 1 else "rooms ") + ", ".join(free),
                                NO_RENT)

    def save(self, data: list[RoomCreate]) -> list[RoomOut]:
        try:
            return portfolio.add_rooms(self.ctx.db, self.ctx.actor, data)
        except ValidationError as exc:
            if len(data) == 1 and not exc.field.startswith("rooms["):
                raise ValidationError(f"rooms[0].{exc.field}", exc.detail) from None
            raise


class RoomDialog(FormDialog):
    """Edit one room."""

    def __init__(self, ctx: AppContext, existing: RoomOut, parent: QWidget | None = None
                 ) -> None:
        super().__init__(f"Edit room {existing.room_number}", parent, runner=ctx)
        self.ctx = ctx
        self.existing = existing
        self.room_number = QLineEdit(existing.room_number)
        self.rent_amount = QLineEdit(f"{existing.rent_amount:.2f}")
        self.rent_amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.room_type = QComboBox()
        self.room_type.addItems(["private", "shared"])
        self.room_type.setCurrentText(existing.room_type)
        self.beds = QSpinBox()
        self.beds.setRange(1, 20)
        self.beds.setValue(existing.beds)
        self.size_sqft = QLineEdit("" if existing.size_sqft is None else str(existing.size_sqft))
        self.has_private_bath = QCheckBox("Private bathroom")
        self.has_private_bath.setChecked(existing.has_private_bath)
        self.available_date = DateField(existing.available_date, optional=True,
                                        none_text="Available now")
        self.status = QComboBox()
        self.status.addItems(["available", "maintenance"])
        self.status.setCurrentText(existing.status)
        for name, label, widget in (
            ("room_number", "Room", self.room_number),
            ("rent_amount", "Rent / month", self.rent_amount),
            ("room_type", "Type", self.room_type), ("beds", "Beds", self.beds),
            ("size_sqft", "Size (sqft)", self.size_sqft),
            ("has_private_bath", "", self.has_private_bath),
            ("available_date", "Available from", self.available_date),
            ("status", "Status", self.status),
        ):
            self.fields.add(name, label, widget)
        self.finish_layout()

    def build_input(self) -> RoomUpdate:
        return build(RoomUpdate, room_number=self.room_number.text(),
                     rent_amount=self.rent_amount.text(), room_type=self.room_type.currentText(),
                     beds=self.beds.value(), size_sqft=text_or_none(self.size_sqft),
                     has_private_bath=self.has_private_bath.isChecked(),
                     available_date=self.available_date.value(),
                     status=self.status.currentText(), expected_version=self.existing.version)

    def confirmation(self, data: RoomUpdate) -> str | None:
        if self.existing.rent_amount == NO_RENT:  # asked when it was set; not at every edit
            return None
        return no_rent_question(f"room {data.room_number}", data.rent_amount)

    def reload(self) -> RoomOut:
        return portfolio.get_room(self.ctx.db, self.ctx.actor, self.existing.id)

    def refill(self, record: RoomOut) -> None:
        self.room_number.setText(record.room_number)
        self.rent_amount.setText(f"{record.rent_amount:.2f}")
        self.room_type.setCurrentText(record.room_type)
        self.beds.setValue(record.beds)
        self.size_sqft.setText("" if record.size_sqft is None else str(record.size_sqft))
        self.has_private_bath.setChecked(record.has_private_bath)
        self.available_date.set_value(record.available_date)
        self.status.setCurrentText(record.status)

    def save(self, data: RoomUpdate) -> RoomOut:
        return portfolio.update_room(self.ctx.db, self.ctx.actor, self.existing.id, data)
