"""Add or edit a unit of a property (flow 4.1: "Add Units")."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from coliv_desktop.schemas import build
from coliv_desktop.schemas.portfolio import UnitCreate, UnitOut, UnitUpdate
from coliv_desktop.services import portfolio
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import text_or_none
from coliv_desktop.ui.common.forms import FormDialog


class UnitDialog(FormDialog):
    def __init__(self, ctx: AppContext, property_id: uuid.UUID, existing: UnitOut | None = None,
                 *, property_name: str = "", parent: QWidget | None = None) -> None:
        title = "Edit unit" if existing else f"Add a unit to {property_name or 'the property'}"
        super().__init__(title, parent, runner=ctx)
        self.ctx = ctx
        self.property_id = property_id
        self.existing = existing
        self.unit_number = QLineEdit(existing.unit_number if existing else "")
        self.unit_number.setPlaceholderText("e.g. 3B")
        self.floor = QLineEdit("" if existing is None or existing.floor is None
                               else str(existing.floor))
        self.bedrooms = QSpinBox()
        self.bedrooms.setRange(0, 50)
        self.bedrooms.setValue(existing.bedrooms if existing else 1)
        self.bathrooms = QDoubleSpinBox()
        self.bathrooms.setRange(0, 50)
        self.bathrooms.setDecimals(1)
        self.bathrooms.setSingleStep(0.5)
        self.bathrooms.setValue(float(existing.bathrooms) if existing else 1.0)
        self.square_feet = QLineEdit("" if existing is None or existing.square_feet is None
                                     else str(existing.square_feet))
        self.furnished = QCheckBox("Furnished")
        self.furnished.setChecked(bool(existing and existing.furnished))
        for name, label, widget in (
            ("unit_number", "Unit number", self.unit_number), ("floor", "Floor", self.floor),
            ("bedrooms", "Bedrooms", self.bedrooms), ("bathrooms", "Bathrooms", self.bathrooms),
            ("square_feet", "Square feet", self.square_feet), ("furnished", "", self.furnished),
        ):
            self.fields.add(name, label, widget)
        if existing is None:
            self.add_next_button("Save && Add Rooms")
        self.finish_layout()

    def build_input(self) -> Any:
        values: dict[str, Any] = dict(
            unit_number=self.unit_number.text(), floor=text_or_none(self.floor),
            bedrooms=self.bedrooms.value(),
            bathrooms=Decimal(str(self.bathrooms.value())).quantize(Decimal("0.1")),
            square_feet=text_or_none(self.square_feet), furnished=self.furnished.isChecked())
        if self.existing is None:
            return build(UnitCreate, property_id=self.property_id, **values)
        return build(UnitUpdate, **values, expected_version=self.existing.version)

    def reload(self) -> UnitOut | None:
        return portfolio.get_unit(self.ctx.db, self.ctx.actor,
                                  self.existing.id) if self.existing else None

    def refill(self, record: UnitOut) -> None:
        self.unit_number.setText(record.unit_number)
        self.floor.setText("" if record.floor is None else str(record.floor))
        self.bedrooms.setValue(record.bedrooms)
        self.bathrooms.setValue(float(record.bathrooms))
        self.square_feet.setText("" if record.square_feet is None else str(record.square_feet))
        self.furnished.setChecked(record.furnished)

    def save(self, data: Any) -> UnitOut:
        if self.existing is None:
            return portfolio.add_unit(self.ctx.db, self.ctx.actor, data)
        return portfolio.update_unit(self.ctx.db, self.ctx.actor, self.existing.id, data)
