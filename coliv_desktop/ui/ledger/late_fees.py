"""Late fee rules: each property's own rule or the operator default, and the editor of one
property's rule. The default itself is a setting (File > Settings…)."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.late_fees import MODES
from coliv_desktop.schemas import build
from coliv_desktop.schemas.late_fees import LateFeeRuleIn, PropertyLateFee
from coliv_desktop.services import late_fees
from coliv_desktop.services.settings import get_settings
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView

MODE_LABELS = {"none": "No late fee", "flat": "A flat amount", "percent": "A percent of the "
                                                                          "overdue rent"}


class LateFeeRuleDialog(FormDialog):
    """One property's rule, or "follow the operator default"."""

    def __init__(self, ctx: AppContext, row: PropertyLateFee,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Late fees at {row.property_name}", parent, runner=ctx,
                         save_text="Save rule")
        self.ctx = ctx
        self.row = row
        self.use_default = QCheckBox("Follow the operator default")
        self.use_default.setObjectName("use_default")
        db = ctx.db  # the default, for the check box's text, from the background
        actor = ctx.actor

        def described(text: str | None, error: BaseException | None) -> None:
            if shiboken6.isValid(self.use_default) and text is not None:
                self.use_default.setText(f"Follow the operator default: {text}")

        ctx.run_task(lambda: late_fees.default_rule(get_settings(db, actor)).describe(), described)
        self.use_default.setChecked(not row.own)
        self.body.insertWidget(1, self.use_default)
        rule = row.rule
        self.mode = QComboBox()
        for key in MODES:
            self.mode.addItem(MODE_LABELS[key], key)
        self.mode.setCurrentIndex(self.mode.findData(rule.mode))
        self.grace_days = QSpinBox()
        self.grace_days.setRange(0, 60)
        self.grace_days.setValue(rule.grace_days)
        self.grace_days.setSuffix(" days")
        self.flat_amount = QLineEdit(f"{rule.flat_amount:.2f}")
        self.percent = QLineEdit(f"{rule.percent.normalize():f}")
        self.cap = QLineEdit(f"{rule.cap:.2f}" if rule.cap is not None else "")
        self.cap.setPlaceholderText("no cap")
        for edit in (self.flat_amount, self.percent, self.cap):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setMaximumWidth(140)
        for name, label, widget in (("mode", "Late fee", self.mode),
                                    ("grace_days", "Grace after the due date", self.grace_days),
                                    ("flat_amount", "Flat amount", self.flat_amount),
                                    ("percent", "Percent of overdue rent", self.percent),
                                    ("cap", "At most", self.cap)):
            self.fields.add(name, label, widget)
        note = QLabel("Posted by the rent run once per month of overdue rent, with the rule "
                      "written on the fee.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #57606a;")
        self.body.addWidget(note)
        self.finish_layout()
        self.use_default.toggled.connect(lambda *_: self._enable())
        self.mode.currentIndexChanged.connect(lambda *_: self._enable())
        self._enable()

    def _enable(self) -> None:
        own = not self.use_default.isChecked()
        mode = self.mode.currentData()
        self.mode.setEnabled(own)
        self.grace_days.setEnabled(own and mode != "none")
        self.flat_amount.setEnabled(own and mode == "flat")
        self.percent.setEnabled(own and mode == "percent")
        self.cap.setEnabled(own and mode == "percent")

    def build_input(self) -> LateFeeRuleIn | None:
        if self.use_default.isChecked():
            return None
        mode = self.mode.currentData()
        return build(LateFeeRuleIn, mode=mode, grace_days=self.grace_days.value(),
                     flat_amount=self.flat_amount.text().strip() or "0",
                     percent=self.percent.text().strip().rstrip("%") or "0",
                     cap=(self.cap.text().strip() or None) if mode == "percent" else None,
                     expected_version=self.row.version)

    def save(self, data: LateFeeRuleIn | None) -> Any:
        pid = self.row.property_id
        if data is None:
            result = late_fees.clear_property_rule(self.ctx.db, self.ctx.actor, pid,
                                                   self.row.version)
        else:
            result = late_fees.set_property_rule(self.ctx.db, self.ctx.actor, pid, data)
        return result

    def reload(self) -> PropertyLateFee:
        return late_fees.property_rule(self.ctx.db, self.ctx.actor, self.row.property_id)

    def adopt(self, record: Any) -> None:
        self.row = record

    def refill(self, record: Any) -> None:
        rule = record.rule
        self.use_default.setChecked(not record.own)
        self.mode.setCurrentIndex(self.mode.findData(rule.mode))
        self.grace_days.setValue(rule.grace_days)
        self.flat_amount.setText(f"{rule.flat_amount:.2f}")
        self.percent.setText(f"{rule.percent.normalize():f}")
        self.cap.setText(f"{rule.cap:.2f}" if rule.cap is not None else "")
        self._enable()

    def after_save(self, result: Any) -> None:
        self.ctx.bus.status_message.emit(f"{self.row.property_name}: {result.description}")


class LateFeesDialog(QDialog):
    """Every property and the rule its late fees follow."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Late fee rules")
        self.resize(720, 380)
        self.ctx = ctx
        self.default = QLabel()
        self.default.setObjectName("late_fee_default")
        self.default.setWordWrap(True)
        self.model: RowTableModel[PropertyLateFee] = RowTableModel([
            Column("property", "Property", lambda r: r.property_name, width=180),
            Column("source", "Rule", lambda r: "its own" if r.own else "operator default",
                   width=120),
            Column("rule", "Late fee", lambda r: r.rule.description.rsplit(" (", 1)[0],
                   width=360),
        ], money=ctx.money, style=lambda r: (None, r.own))
        self.view = ListView(self.model, ctx.settings, "late_fee_rules")
        self.view.doubleClicked.connect(lambda *_: self.edit())
        self.edit_button = QPushButton("Edit rule…")
        self.edit_button.setObjectName("edit_late_fee")
        self.edit_button.clicked.connect(lambda: self.edit())
        self.default_button = QPushButton("Operator default…")
        self.default_button.setToolTip("The default is a setting: File > Settings… (Ctrl+,)")
        self.default_button.clicked.connect(self._settings)
        row = QHBoxLayout()
        row.addWidget(self.edit_button)
        row.addWidget(self.default_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.default)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        """The default and every property's rule, read in the background."""
        db = self.ctx.db
        actor = self.ctx.actor

        def read() -> tuple[str, list[PropertyLateFee]]:
            rule = late_fees.default_rule(get_settings(db, actor))
            return rule.describe(), late_fees.list_property_rules(db, actor)

        def done(result: tuple[str, list[PropertyLateFee]] | None,
                 error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None or result is None:
                self.default.setText(f"Could not read the rules: {error}")
                return
            described, rows = result
            self.default.setText(f"Operator default: {described.rsplit(' (', 1)[0]}. "
                                 "Properties without a rule of their own follow it.")
            self.model.set_rows(rows)

        self.ctx.run_task(read, done)

    def edit(self) -> LateFeeRuleDialog | None:
        row = self.view.current_row()
        if not isinstance(row, PropertyLateFee):
            return None
        dialog = LateFeeRuleDialog(self.ctx, row, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def _settings(self) -> None:
        if self.ctx.editing is not None:
            self.ctx.editing.settings()
            self.reload()
