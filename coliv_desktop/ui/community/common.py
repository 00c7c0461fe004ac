"""What the Community pane's tabs share: the tab's shape (property filter, search, list, the
work run in workers), the pickers' look-ups and a date-and-time field."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QWidget,
)

from coliv_desktop.schemas.leasing import LeaseRow
from coliv_desktop.services import leasing, portfolio
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.widgets import later

WRITE = "community.write"


@dataclass(frozen=True)
class Places:
    """Names for the ids the community rows carry: properties and units."""

    properties: dict[uuid.UUID, str] = field(default_factory=dict)
    units: dict[uuid.UUID, tuple[uuid.UUID, str]] = field(default_factory=dict)  # id -> prop, no

    def unit_label(self, unit_id: uuid.UUID | None) -> str:
        if unit_id is None or unit_id not in self.units:
            return ""
        prop, number = self.units[unit_id]
        return f"{self.properties.get(prop, '?')} · {number}"

    def property_of_unit(self, unit_id: uuid.UUID) -> uuid.UUID | None:
        found = self.units.get(unit_id)
        return found[0] if found else None


def load_places(ctx: AppContext) -> Places:
    """Runs in a worker."""
    db, actor = ctx.db, ctx.actor
    props = dict(portfolio.property_choices(db, actor))
    units = {u.id: (u.property_id, u.unit_number) for u in portfolio.list_units(db, actor)}
    return Places(props, units)


def residents(ctx: AppContext, *, property_id: uuid.UUID | None = None,
              unit_id: uuid.UUID | None = None) -> list[LeaseRow]:
    """Runs in a worker: one row per tenant with a lease (not cancelled, not ended before
    today) in the property or unit, by name."""
    rows = leasing.list_leases(ctx.db, ctx.actor, leasing.LeaseFilter(
        property_id=property_id, unit_id=unit_id))
    day = today()
    seen: dict[uuid.UUID, LeaseRow] = {}
    for row in rows:
        if row.status != "cancelled" and (row.lease_end is None or row.lease_end >= day):
            seen.setdefault(row.tenant_id, row)
    return sorted(seen.values(), key=lambda r: r.tenant_name.casefold())


def chosen(combo: QComboBox) -> uuid.UUID | None:
    value = combo.currentData()
    return uuid.UUID(value) if value else None


def select_id(combo: QComboBox, ident: uuid.UUID | None) -> None:
    index = combo.findData(str(ident) if ident is not None else "")
    if index >= 0:
        combo.setCurrentIndex(index)


class DateTimeField(QWidget):
    """A date and time on this computer's clock, optionally empty."""

    changed = Signal()

    def __init__(self, moment: datetime | None, *, optional: bool = False,
                 none_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.enabled_box: QCheckBox | None = None
        if optional:
            self.enabled_box = QCheckBox()
            self.enabled_box.setChecked(moment is not None)
            self.enabled_box.setToolTip(none_text)
            self.enabled_box.toggled.connect(self._toggled)
            layout.addWidget(self.enabled_box)
        self.edit = QDateTimeEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.edit.dateTimeChanged.connect(lambda *_: self.changed.emit())
        layout.addWidget(self.edit, 1)
        self.set_value(moment or default_start())
        if self.enabled_box is not None:
            self.enabled_box.setChecked(moment is not None)
        self._toggled(moment is not None or not optional)

    def _toggled(self, on: bool) -> None:
        self.edit.setEnabled(on)
        self.changed.emit()

    def value(self) -> datetime | None:
        """Naive: the wall clock as typed (the schema reads it in this computer's zone)."""
        if self.enabled_box is not None and not self.enabled_box.isChecked():
            return None
        moment = self.edit.dateTime().toPython()
        assert isinstance(moment, datetime)
        return moment.replace(second=0, microsecond=0)

    def set_value(self, moment: datetime | None) -> None:
        if self.enabled_box is not None:
            self.enabled_box.setChecked(moment is not None)
        if moment is not None:
            local = moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
            self.edit.setDateTime(QDateTime(local))


def default_start() -> datetime:
    """Next week, at seven in the evening: when house events usually are."""
    day = today() + timedelta(days=7)
    return datetime(day.year, day.month, day.day, 19, 0)


def local_text(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class Worker:
    """Service calls from a tab, each in a worker: a refusal in a box titled by the caller;
    nothing happens once the widget is gone."""

    def __init__(self, ctx: AppContext, owner: QWidget) -> None:
        self.ctx = ctx
        self.owner = owner

    def warn(self, title: str, text: str) -> None:
        editing = self.ctx.editing
        if editing is not None:
            editing.warn(title, text)
        else:
            self.ctx.bus.error.emit(f"{title}: {text}")

    def run(self, work: Callable[[], Any], then: Callable[[Any], None], refused: str) -> None:
        def done(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self.owner):
                return
            if error is not None:
                self.warn(refused, str(error))
                return
            then(result)

        self.ctx.run_task(work, later(done))

    def load(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """A read for what a tab shows: a failure goes to the status bar's error."""
        def done(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self.owner):
                return
            if error is not None:
                self.ctx.bus.error.emit(str(error))
                return
            then(result)

        self.ctx.run_task(work, done)

    def run_dialog(self, dialog: QDialog) -> int:
        editing = self.ctx.editing
        return int(editing.run_dialog(dialog) if editing is not None else dialog.exec())

    def confirm(self, title: str, text: str) -> bool:
        editing = self.ctx.editing
        return editing.confirm(title, text) if editing is not None else False

    def ask_text(self, title: str, label: str) -> str | None:
        editing = self.ctx.editing
        return editing.ask_text(title, label) if editing is not None else None


class CommunityTab(QWidget):
    """One tab of the Community pane. The pane sets `property_id` (None: every property) and
    `places`, then calls `reload()`; Ctrl+N calls `new()`, Delete `delete()`."""

    title = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.worker = Worker(ctx, self)
        self.property_id: uuid.UUID | None = None
        self.places = Places()

    def may_write(self) -> bool:
        return self.ctx.may(WRITE)

    def reload(self) -> None:
        """Load what the tab shows (in a worker). Override."""

    def new(self) -> None:
        """Ctrl+N. Override."""

    def delete(self) -> None:
        """The Delete key. Override."""

    def prepare_screenshot(self) -> None:
        """Select the first row, so the detail shows. Override."""
