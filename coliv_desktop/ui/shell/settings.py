"""File > Settings… (Ctrl+,): the business profile printed on documents, and every operator
setting, built from its declaration in `config.SETTINGS` (type, label, bounds, choices, kind).
Saved together in one transaction; errors show next to their field."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import shiboken6
from babel import Locale
from babel.numbers import list_currencies
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from coliv_desktop.config import LOCALES, SETTINGS, Setting
from coliv_desktop.schemas import build
from coliv_desktop.schemas.operator import OperatorProfile, OperatorProfileUpdate
from coliv_desktop.services import operator, settings
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog


class FileField(QWidget):
    """A file path with a Browse… button."""

    def __init__(self, caption: str, name_filter: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("(none)")
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._browse)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.browse)
        self.caption = caption
        self.name_filter = name_filter
        self.changed = self.edit.textEdited

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.caption, self.edit.text(),
                                              self.name_filter)
        if path:
            self.edit.setText(path)

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming, like QLineEdit
        self.edit.setText(text)


def _editor(setting: Setting, value: Any) -> tuple[QWidget, Callable[[], Any]]:
    """A widget for one declared setting, and how to read the value typed into it."""
    if setting.choices:
        combo = QComboBox()
        combo.addItems(list(setting.choices))
        combo.setCurrentText(str(value))
        return combo, combo.currentText
    if setting.kind in ("currency", "locale"):
        combo = QComboBox()
        combo.setEditable(True)
        if setting.kind == "currency":
            combo.addItems(sorted(list_currencies()))
        else:
            for code in LOCALES:
                combo.addItem(f"{code} ({Locale.parse(code).get_display_name('en')})", code)
        index = combo.findData(str(value)) if setting.kind == "locale" else -1
        if index >= 0:
            combo.setCurrentIndex(index)
        else:
            combo.setCurrentText(str(value))

        def read() -> str:
            text = combo.currentText().strip()
            data = combo.currentData()
            chosen = combo.itemText(combo.currentIndex()) if combo.currentIndex() >= 0 else ""
            return str(data) if data and text == chosen else text.split(" ")[0]
        return combo, read
    if setting.kind == "file":
        field = FileField(setting.label, "Images (*.png *.jpg *.jpeg)")
        field.setText(str(value))
        return field, field.text
    if setting.type is int:
        spin = QSpinBox()
        spin.setRange(int(setting.minimum if setting.minimum is not None else -10**6),
                      int(setting.maximum if setting.maximum is not None else 10**6))
        spin.setValue(int(str(value)))
        return spin, spin.value
    edit = QLineEdit(f"{value:.2f}" if setting.kind == "money" and isinstance(value, Decimal)
                     else str(value))
    if setting.type is Decimal:
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.setMaximumWidth(140)
    return edit, lambda: edit.text().strip()


def _set_editor(widget: QWidget, setting: Setting, value: Any) -> None:
    """Show `value` in an editor `_editor` made (Reload after someone else saved)."""
    if isinstance(widget, QComboBox):
        index = widget.findData(str(value)) if setting.kind == "locale" else -1
        if index >= 0:
            widget.setCurrentIndex(index)
        else:
            widget.setCurrentText(str(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(str(value)))
    elif isinstance(widget, FileField | QLineEdit):
        widget.setText(f"{value:.2f}" if setting.kind == "money" and isinstance(value, Decimal)
                       else str(value))


class SettingsDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Settings", parent, runner=ctx, save_text="Save settings")
        self.setMinimumWidth(620)
        self.ctx = ctx
        self.readers: dict[str, Callable[[], Any]] = {}
        self.loading = QLabel("Loading…")
        self.form.addRow(self.loading)
        self.save_button.setEnabled(False)  # until the form is filled
        self.finish_layout()
        db = ctx.db
        actor = ctx.actor
        ctx.run_task(lambda: (operator.get_profile(db, actor), settings.get_settings(db, actor)),
                     self._loaded)

    def _loaded(self, result: tuple[OperatorProfile, dict[str, Any]] | None,
                error: BaseException | None) -> None:
        if not shiboken6.isValid(self):
            return
        if error is not None or result is None:
            self.loading.setText(f"Could not read the settings: {error}")
            return
        self.form.removeRow(self.loading)
        self.profile, values = result
        self._build(values)
        self.save_button.setEnabled(True)
        self.finish_layout()  # live validation of the fields just added

    def _build(self, values: dict[str, Any]) -> None:
        self._section("Business profile",
                      "Printed at the top of receipts, letters, statements and reminders.")
        name = self.profile.company_name
        self.company_name = QLineEdit("" if name == operator.PLACEHOLDER else name)
        self.company_name.setPlaceholderText("Brightside Co-Living")
        self.address = QPlainTextEdit(self.profile.address or "")
        self.address.setFixedHeight(54)
        self.address.setPlaceholderText("Street, city, postcode")
        self.phone = QLineEdit(self.profile.phone or "")
        self.email = QLineEdit(self.profile.email or "")
        for key, label, widget in (("company_name", "Business name", self.company_name),
                                   ("address", "Address", self.address),
                                   ("phone", "Phone", self.phone),
                                   ("email", "Email", self.email)):
            self.fields.add(key, label, widget)
        group = None
        for setting in SETTINGS:
            if setting.group != group:
                group = setting.group
                self._section(group)
            editor, read = _editor(setting, values[setting.key])
            if setting.help:
                editor.setToolTip(setting.help)
            self.fields.add(setting.key, setting.label, editor)
            self.readers[setting.key] = read

    def _section(self, title: str, note: str = "") -> None:
        label = QLabel(f"<b>{title}</b>" + (f"<br><span style='color:#57606a'>{note}</span>"
                                             if note else ""))
        label.setContentsMargins(0, 10, 0, 2)
        self.form.addRow(label)

    def values(self) -> dict[str, Any]:
        return {key: read() for key, read in self.readers.items()}

    def build_input(self) -> tuple[OperatorProfileUpdate, dict[str, Any]]:
        profile = build(OperatorProfileUpdate, company_name=self.company_name.text(),
                        address=self.address.toPlainText(), phone=self.phone.text(),
                        email=self.email.text(), expected_version=self.profile.version)
        values = self.values()
        settings.prepare(values)  # each value against its declaration, as you type
        return profile, values

    def save(self, data: tuple[OperatorProfileUpdate, dict[str, Any]]) -> Any:
        profile, values = data
        return operator.save_preferences(self.ctx.db, self.ctx.actor, profile, values)

    def reload(self) -> tuple[OperatorProfile, dict[str, Any]]:
        return operator.get_profile(self.ctx.db,
                                    self.ctx.actor), settings.get_settings(self.ctx.db,
                                                                           self.ctx.actor)

    def adopt(self, record: tuple[OperatorProfile, dict[str, Any]]) -> None:
        self.profile = record[0]  # its version is the one the next save is made against

    def refill(self, record: tuple[OperatorProfile, dict[str, Any]]) -> None:
        profile, values = record
        name = profile.company_name
        self.company_name.setText("" if name == operator.PLACEHOLDER else name)
        self.address.setPlainText(profile.address or "")
        self.phone.setText(profile.phone or "")
        self.email.setText(profile.email or "")
        for setting in SETTINGS:
            _set_editor(self.fields.widgets[setting.key], setting, values[setting.key])

    def after_save(self, saved: Any) -> None:
        current = saved[1]
        self.ctx.currency = str(current["currency"])
        self.ctx.locale = str(current["locale"])
        self.ctx.bus.settings_changed.emit()
        self.ctx.bus.status_message.emit("Settings saved")
