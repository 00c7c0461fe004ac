"""The vendor directory: add, edit, archive and restore vendors; an expired insurance in red."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas import build
from coliv_desktop.schemas.maintenance import VendorCreate, VendorOut, VendorUpdate
from coliv_desktop.services import vendors
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import ERROR_STYLE, FormDialog
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, list_filter, tool_button

EXPIRED = QColor("#b3261e")


def insurance_expired(vendor: VendorOut) -> bool:
    return vendor.insurance_expiry is not None and vendor.insurance_expiry < today()


class VendorDialog(FormDialog):
    def __init__(self, ctx: AppContext, existing: VendorOut | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit vendor" if existing else "Add vendor", parent, runner=ctx)
        self.ctx = ctx
        self.existing = existing
        e = existing
        self.name = QLineEdit(e.name if e else "")
        self.trade = QLineEdit(e.trade if e else "")
        self.trade.setPlaceholderText("plumber, electrician, cleaner…")
        self.phone = QLineEdit(e.phone or "" if e else "")
        self.email = QLineEdit(e.email or "" if e else "")
        self.rates = QPlainTextEdit(e.rates or "" if e else "")
        self.rates.setFixedHeight(50)
        self.notes = QPlainTextEdit(e.notes or "" if e else "")
        self.notes.setFixedHeight(60)
        self.insurance_expiry = DateField(e.insurance_expiry if e else None, optional=True,
                                          none_text="Insurance expiry known")
        for name, label, widget in (
                ("name", "Name", self.name), ("trade", "Trade", self.trade),
                ("phone", "Phone", self.phone), ("email", "Email", self.email),
                ("rates", "Rates", self.rates), ("notes", "Notes", self.notes),
                ("insurance_expiry", "Insurance expires", self.insurance_expiry)):
            self.fields.add(name, label, widget)
        self.finish_layout()

    def build_input(self) -> Any:
        values: dict[str, Any] = dict(
            name=self.name.text(), trade=self.trade.text(), phone=self.phone.text(),
            email=self.email.text().strip() or None, rates=self.rates.toPlainText(),
            notes=self.notes.toPlainText(), insurance_expiry=self.insurance_expiry.value())
        if self.existing is None:
            return build(VendorCreate, **values)
        return build(VendorUpdate, **values, expected_version=self.existing.version)

    def save(self, data: Any) -> VendorOut:
        if self.existing is None:
            return vendors.add_vendor(self.ctx.db, self.ctx.actor, data)
        return vendors.update_vendor(self.ctx.db, self.ctx.actor, self.existing.id, data)

    def reload(self) -> VendorOut | None:
        return vendors.get_vendor(self.ctx.db, self.ctx.actor,
                                  self.existing.id) if self.existing else None

    def refill(self, record: VendorOut) -> None:
        self.name.setText(record.name)
        self.trade.setText(record.trade)
        self.phone.setText(record.phone or "")
        self.email.setText(record.email or "")
        self.rates.setPlainText(record.rates or "")
        self.notes.setPlainText(record.notes or "")
        self.insurance_expiry.set_value(record.insurance_expiry)


class VendorsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = ctx
        self.setWindowTitle("Vendors")
        self.resize(820, 440)
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        write = ctx.allows("maintenance.write")
        self.add_button = tool_button("Add…", "add", "Add a vendor", self.add, allowed=write)
        self.add_button.setObjectName("add_vendor")
        self.edit_button = tool_button("Edit…", "edit", "Edit the selected vendor", self.edit,
                                       allowed=write)
        self.edit_button.setObjectName("edit_vendor")
        self.archive_button = tool_button("Archive", "archive",
                                          "Archive the selected vendor (or restore them)",
                                          self.toggle_archived, allowed=write)
        self.archive_button.setObjectName("archive_vendor")
        self.show_archived = QCheckBox("Show archived")
        for widget in (self.add_button, self.edit_button, self.archive_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.show_archived)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.model: RowTableModel[VendorOut] = RowTableModel([
            Column("name", "Name", lambda v: v.name, width=170),
            Column("trade", "Trade", lambda v: v.trade, width=110),
            Column("phone", "Phone", lambda v: v.phone or "", width=120),
            Column("email", "Email", lambda v: v.email or "", width=170),
            Column("insurance", "Insurance until", lambda v: v.insurance_expiry, kind="date",
                   display=lambda v: (f"{v.insurance_expiry} (expired)"
                                      if insurance_expired(v) else
                                      str(v.insurance_expiry or "")), width=150),
            Column("rates", "Rates", lambda v: v.rates or "", width=140),
            Column("archived", "Archived", lambda v: "yes" if v.archived_at else "",
                   width=70),
        ], style=lambda v: (EXPIRED if insurance_expired(v) else
                            QColor("#9ca3af") if v.archived_at else None, False))
        self.view = ListView(self.model, ctx.settings, "vendors")
        self.view.doubleClicked.connect(lambda *_: self.edit())
        layout.addWidget(list_filter([self.view], "Filter vendors"))
        layout.addWidget(self.view, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.show_archived.toggled.connect(lambda *_: self.reload())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self._enable()
        self.reload()

    def reload(self) -> None:
        ctx, archived = self.ctx, self.show_archived.isChecked()

        def done(rows: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(str(error))
                return
            self.model.set_rows(rows)
            self._enable()

        ctx.run_task(lambda: vendors.list_vendors(ctx.db, ctx.actor,
                                                  include_archived=archived), done)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _enable(self) -> None:
        row = self.view.current_row()
        self.edit_button.setEnabled(row is not None)
        self.archive_button.setEnabled(row is not None)
        self.archive_button.setText("Restore" if row is not None and row.archived_at
                                    else "Archive")

    def _run(self, dialog: QDialog) -> int:
        if self.ctx.editing is not None:
            return self.ctx.editing.run_dialog(dialog)
        return dialog.exec()

    def add(self) -> None:
        if self._run(VendorDialog(self.ctx, None, self)):
            self.reload()

    def edit(self) -> None:
        row = self.view.current_row()
        if row is not None and self.ctx.may("maintenance.write") and self._run(
                VendorDialog(self.ctx, row, self)):
            self.reload()

    def toggle_archived(self) -> None:
        row = self.view.current_row()
        if row is None:
            return
        ctx = self.ctx

        def done(_: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            self._say(str(error) if error is not None else "")
            self.reload()

        ctx.run_task(lambda: vendors.set_vendor_archived(
            ctx.db, ctx.actor, row.id, row.archived_at is None, row.version), done)
