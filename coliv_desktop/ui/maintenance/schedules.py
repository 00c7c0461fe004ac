"""Recurring maintenance: the schedules, add one, archive or restore, and "Run due now" (the
service's run: one request per period due, idempotent)."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas import build
from coliv_desktop.schemas.maintenance import ScheduleCreate, ScheduleOut
from coliv_desktop.services import maintenance, vendors
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import ERROR_STYLE, FormDialog
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, muted, tool_button
from coliv_desktop.ui.maintenance.dialogs import (
    CATEGORIES,
    PRIORITIES,
    Places,
    choice_box,
    chosen,
    load_places,
    select_data,
    wide_box,
    words,
)


class ScheduleDialog(FormDialog):
    """A new schedule: where (a property, optionally a unit and room), what, how often, from
    when, and the vendor who usually does it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Add schedule", parent, runner=ctx)
        self.ctx = ctx
        self.places = Places()
        self.property_id = wide_box()
        self.unit_id = wide_box()
        self.unit_id.addItem("Common areas (no unit)", "")
        self.title = QLineEdit()
        self.title.setPlaceholderText("e.g. Boiler service")
        self.category = choice_box(CATEGORIES)
        self.priority = choice_box(PRIORITIES)
        select_data(self.priority, "medium")
        self.every_months = QSpinBox()
        self.every_months.setRange(1, 120)
        self.every_months.setValue(12)
        self.every_months.setSuffix(" months")
        self.next_due = DateField(today())
        self.vendor_id = wide_box()
        self.vendor_id.addItem("No vendor", "")
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(60)
        for name, label, widget in (
                ("property_id", "Property", self.property_id), ("unit_id", "Unit", self.unit_id),
                ("title", "Title", self.title), ("category", "Category", self.category),
                ("priority", "Priority", self.priority),
                ("every_months", "Every", self.every_months),
                ("next_due", "First due", self.next_due), ("vendor_id", "Vendor", self.vendor_id),
                ("description", "Description", self.description)):
            self.fields.add(name, label, widget)
        self.property_id.currentIndexChanged.connect(lambda *_: self._fill_units())
        self.finish_layout()

        def look_up() -> tuple[Places, list[Any]]:
            return load_places(ctx), vendors.list_vendors(ctx.db, ctx.actor)

        def done(found: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None or found is None:
                self.fields.set_error("property_id", str(error))
                return
            self.places, rows = found
            self.property_id.blockSignals(True)
            for ident, name in sorted(self.places.properties.items(), key=lambda kv: kv[1]):
                self.property_id.addItem(name, str(ident))
            self.property_id.blockSignals(False)
            for v in rows:
                self.vendor_id.addItem(f"{v.name} ({v.trade})", str(v.id))
            self._fill_units()

        ctx.run_task(look_up, done)

    def _fill_units(self) -> None:
        prop = chosen(self.property_id)
        while self.unit_id.count() > 1:
            self.unit_id.removeItem(1)
        units = [(i, n) for i, (p, n) in self.places.units.items() if p == prop]
        for ident, number in sorted(units, key=lambda kv: kv[1]):
            self.unit_id.addItem(f"Unit {number}", str(ident))

    def build_input(self) -> Any:
        return build(ScheduleCreate, property_id=chosen(self.property_id),
                     unit_id=chosen(self.unit_id), title=self.title.text(),
                     category=self.category.currentData(), priority=self.priority.currentData(),
                     every_months=self.every_months.value(), next_due=self.next_due.value(),
                     vendor_id=chosen(self.vendor_id),
                     description=self.description.toPlainText())

    def save(self, data: Any) -> ScheduleOut:
        return maintenance.add_schedule(self.ctx.db, self.ctx.actor, data)


class SchedulesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = ctx
        self.ran = False  # a run raised requests: the queue reloads
        self.places = Places()
        self.setWindowTitle("Recurring maintenance")
        self.resize(760, 400)
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        write = ctx.allows("maintenance.write")
        self.add_button = tool_button("Add…", "add", "Add a schedule", self.add, allowed=write)
        self.add_button.setObjectName("add_schedule")
        self.archive_button = tool_button("Archive", "archive",
                                          "Archive the selected schedule (or restore it)",
                                          self.toggle_archived, allowed=write)
        self.archive_button.setObjectName("archive_schedule")
        self.run_button = tool_button("Run due now", "turnover",
                                      "Raise a request for every period due up to today "
                                      "(running twice raises nothing twice)", self.run,
                                      allowed=write)
        self.run_button.setObjectName("run_schedules")
        self.show_archived = QCheckBox("Show archived")
        for widget in (self.add_button, self.archive_button, self.run_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.show_archived)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.result_line = muted()
        self.result_line.setObjectName("run_result")
        layout.addWidget(self.result_line)
        self.model: RowTableModel[ScheduleOut] = RowTableModel([
            Column("title", "Title", lambda r: r.title, width=200),
            Column("where", "Where", lambda r: self.places.where(r.property_id, r.unit_id,
                                                                r.room_id), width=200),
            Column("category", "Category", lambda r: words(r.category), width=100),
            Column("every", "Every", lambda r: r.every_months, kind="int",
                   display=lambda r: f"{r.every_months} mo", width=60),
            Column("next", "Next due", lambda r: r.next_due, kind="date", width=95),
            Column("archived", "Archived", lambda r: "yes" if r.archived_at else "", width=70),
        ])
        self.view = ListView(self.model, ctx.settings, "maintenance_schedules")
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

        def load() -> tuple[Places, list[ScheduleOut]]:
            return load_places(ctx), maintenance.list_schedules(ctx.db, ctx.actor,
                                                                include_archived=archived)

        def done(found: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None or found is None:
                self._say(str(error))
                return
            self.places, rows = found
            self.model.set_rows(rows)
            self._enable()

        ctx.run_task(load, done)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _enable(self) -> None:
        row = self.view.current_row()
        self.archive_button.setEnabled(row is not None)
        self.archive_button.setText("Restore" if row is not None and row.archived_at
                                    else "Archive")

    def add(self) -> None:
        dialog = ScheduleDialog(self.ctx, self)
        shown = (self.ctx.editing.run_dialog(dialog) if self.ctx.editing is not None
                 else dialog.exec())
        if shown:
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

        ctx.run_task(lambda: maintenance.set_schedule_archived(
            ctx.db, ctx.actor, row.id, row.archived_at is None, row.version), done)

    def run(self) -> None:
        ctx = self.ctx

        def done(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(str(error))
                return
            count = len(result.created)
            self.ran = self.ran or count > 0
            self.result_line.setText(
                f"Run through {result.through}: {count} request{'s' if count != 1 else ''} "
                "raised." if count else f"Nothing due through {result.through}.")
            self.reload()

        ctx.run_task(lambda: maintenance.run_schedules(ctx.db, ctx.actor), done)
