"""Field widgets the dialogs share."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QLineEdit, QWidget


def text_or_none(edit: QLineEdit) -> str | None:
    value = edit.text().strip()
    return value or None


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DateField(QWidget):
    """A date, optionally empty (a checkbox says whether there is one)."""

    changed = Signal()

    def __init__(self, day: date | None, *, optional: bool = False, none_text: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.enabled_box: QCheckBox | None = None
        if optional:
            self.enabled_box = QCheckBox()
            self.enabled_box.setChecked(day is not None)
            self.enabled_box.setToolTip(none_text or "Set a date")
            layout.addWidget(self.enabled_box)
            self.enabled_box.toggled.connect(self._toggled)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(to_qdate(day or date.today()))
        self.edit.dateChanged.connect(lambda *_: self.changed.emit())
        layout.addWidget(self.edit, 1)
        self._toggled(day is not None or not optional)

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        self.changed.emit()

    def value(self) -> date | None:
        if self.enabled_box is not None and not self.enabled_box.isChecked():
            return None
        return from_qdate(self.edit.date())

    def set_value(self, day: date | None) -> None:
        if self.enabled_box is not None:
            self.enabled_box.setChecked(day is not None)
        if day is not None:
            self.edit.setDate(to_qdate(day))
