"""Add or edit a property: address, amenities, house rules (the seed's flow 4.1 first step)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas import build
from coliv_desktop.schemas.portfolio import PropertyCreate, PropertyOut, PropertyUpdate
from coliv_desktop.services import portfolio
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog

COMMON_AMENITIES = ("gym", "rooftop", "coworking", "laundry", "parking", "bike storage",
                    "wifi", "garden")


class AmenitiesField(QWidget):
    """Checkboxes for the usual amenities plus a comma-separated "other" line."""

    def __init__(self, chosen: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        self.boxes: dict[str, QCheckBox] = {}
        for i, name in enumerate(COMMON_AMENITIES):
            box = QCheckBox(name.capitalize())
            box.setObjectName(f"amenity_{name.replace(' ', '_')}")
            box.setChecked(name in chosen)
            self.boxes[name] = box
            grid.addWidget(box, i // 4, i % 4)
        layout.addLayout(grid)
        self.other = QLineEdit(", ".join(a for a in chosen if a not in COMMON_AMENITIES))
        self.other.setPlaceholderText("Other amenities, separated by commas")
        self.other.setObjectName("amenities_other")
        layout.addWidget(self.other)

    def set_value(self, chosen: list[str]) -> None:
        for name, box in self.boxes.items():
            box.setChecked(name in chosen)
        self.other.setText(", ".join(a for a in chosen if a not in COMMON_AMENITIES))

    def value(self) -> list[str]:
        chosen = [name for name, box in self.boxes.items() if box.isChecked()]
        chosen += [a.strip() for a in self.other.text().split(",") if a.strip()]
        return chosen


class PropertyDialog(FormDialog):
    def __init__(self, ctx: AppContext, existing: PropertyOut | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit property" if existing else "Add property", parent,
                         runner=ctx)
        self.ctx = ctx
        self.existing = existing
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setPlaceholderText("e.g. Downtown Loft")
        self.address = QLineEdit(existing.address if existing else "")
        self.city = QLineEdit(existing.city if existing else "")
        self.state = QLineEdit(existing.state if existing else "")
        self.zip = QLineEdit(existing.zip if existing else "")
        self.amenities = AmenitiesField(list(existing.amenities) if existing else [])
        self.house_rules = QPlainTextEdit(existing.house_rules or "" if existing else "")
        self.house_rules.setPlaceholderText("No smoking, quiet hours 10 pm - 7 am, ...")
        self.house_rules.setFixedHeight(90)
        for name, label, widget in (
            ("name", "Name", self.name), ("address", "Address", self.address),
            ("city", "City", self.city), ("state", "State", self.state),
            ("zip", "ZIP", self.zip), ("amenities", "Amenities", self.amenities),
            ("house_rules", "House rules", self.house_rules),
        ):
            self.fields.add(name, label, widget)
        if existing is None:
            self.add_next_button("Save && Add Units")
        self.finish_layout()

    def build_input(self) -> Any:
        values: dict[str, Any] = dict(
            name=self.name.text(), address=self.address.text(), city=self.city.text(),
            state=self.state.text(), zip=self.zip.text(), amenities=self.amenities.value(),
            house_rules=self.house_rules.toPlainText())
        if self.existing is None:
            return build(PropertyCreate, **values)
        return build(PropertyUpdate, **values, expected_version=self.existing.version)

    def reload(self) -> PropertyOut | None:
        return portfolio.get_property(self.ctx.db, self.ctx.actor,
                                      self.existing.id) if self.existing else None

    def refill(self, record: PropertyOut) -> None:
        for widget, value in ((self.name, record.name), (self.address, record.address),
                              (self.city, record.city), (self.state, record.state),
                              (self.zip, record.zip)):
            widget.setText(value)
        self.amenities.set_value(list(record.amenities))
        self.house_rules.setPlainText(record.house_rules or "")

    def save(self, data: Any) -> PropertyOut:
        if self.existing is None:
            return portfolio.add_property(self.ctx.db, self.ctx.actor, data)
        return portfolio.update_property(self.ctx.db, self.ctx.actor, self.existing.id, data)
