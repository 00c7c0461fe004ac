"""The maintenance dialogs: a request (new or edit), a cost, a vendor's assignment.

Pickers (places, tenants, vendors, leases) are read in workers; the dialog opens at once and
its pickers fill when the answer comes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from coliv_desktop.schemas import build
from coliv_desktop.schemas.maintenance import (
    CostCreate,
    CostOut,
    RequestCreate,
    RequestOut,
    RequestUpdate,
    VendorOut,
)
from coliv_desktop.services import directory, leasing, maintenance, overview, vendors
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import FormDialog

CATEGORIES = ("plumbing", "electrical", "appliance", "heating_cooling", "pest", "cleaning",
              "furniture", "internet", "other")
PRIORITIES = ("urgent", "high", "medium", "low")
COST_KINDS = ("parts", "labour", "vendor_invoice", "other")
STAFF = ""  # the reporter picker's item for "a member of staff" (no tenant)


def words(value: str) -> str:
    """A stored key as the operator reads it: "heating_cooling" -> "Heating cooling"."""
    return value.replace("_", " ").capitalize()


def chosen(combo: QComboBox) -> uuid.UUID | None:
    value = combo.currentData()
    return uuid.UUID(value) if value else None


def select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(str(value) if isinstance(value, uuid.UUID) else value)
    if index >= 0:
        combo.setCurrentIndex(index)


def wide_box() -> QComboBox:
    """A picker as wide as the form (a property's name is not cut to "Downtow")."""
    box = QComboBox()
    box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box


def choice_box(values: Sequence[str]) -> QComboBox:
    box = wide_box()
    for value in values:
        box.addItem(words(value), value)
    return box


@dataclass
class Places:
    """The portfolio's properties, units and rooms by id: for the pickers and for naming
    where a request is ("Downtown Loft · 3B-A")."""

    properties: dict[uuid.UUID, str] = field(default_factory=dict)
    units: dict[uuid.UUID, tuple[uuid.UUID, str]] = field(default_factory=dict)  # property
    rooms: dict[uuid.UUID, tuple[uuid.UUID, str]] = field(default_factory=dict)  # unit

    @classmethod
    def of(cls, rows: Sequence[Any]) -> Places:
        places = cls()
        for r in rows:
            places.properties[r.property_id] = r.property_name
            if r.unit_id is not None and r.unit_number is not None:
                places.units[r.unit_id] = (r.property_id, r.unit_number)
            if r.room_id is not None and r.unit_id is not None and r.room_number is not None:
                places.rooms[r.room_id] = (r.unit_id, r.room_number)
        return places

    def where(self, property_id: uuid.UUID, unit_id: uuid.UUID | None,
              room_id: uuid.UUID | None) -> str:
        name = self.properties.get(property_id, "?")
        unit = self.units.get(unit_id)[1] if unit_id in self.units else None  # type: ignore[index]
        room = self.rooms.get(room_id)[1] if room_id in self.rooms else None  # type: ignore[index]
        if unit and room:
            return f"{name} · {unit}-{room}"
        if unit:
            return f"{name} · unit {unit}"
        return f"{name} · common areas"


def load_places(ctx: AppContext) -> Places:
    """In a worker: every place of the portfolio (one query)."""
    return Places.of(overview.portfolio_tree(ctx.db, ctx.actor).rows)


class RequestDialog(FormDialog):
    """A new request (pre-filled with a place, from the tree) or an edit of one: the edit
    changes the words, category and priority (where and who reported it are fixed once
    recorded)."""

    def __init__(self, ctx: AppContext, existing: RequestOut | None = None,
                 parent: QWidget | None = None, *, property_id: uuid.UUID | None = None,
                 unit_id: uuid.UUID | None = None, room_id: uuid.UUID | None = None) -> None:
        super().__init__("Edit request" if existing else "Report a problem", parent,
                         runner=ctx)
        self.ctx = ctx
        self.existing = existing
        e = existing
        self.wanted = (e.property_id, e.unit_id, e.room_id) if e else (property_id, unit_id,
                                                                      room_id)
        self.places = Places()
        self.property_id = wide_box()
        self.unit_id = wide_box()
        self.room_id = wide_box()
        self.tenant_id = wide_box()
        self.tenant_id.addItem("A member of staff (me)", STAFF)
        self.category = choice_box(CATEGORIES)
        self.priority = choice_box(PRIORITIES)
        select_data(self.priority, "medium")
        self.title = QLineEdit(e.title if e else "")
        self.title.setPlaceholderText("e.g. Leaking tap in the bathroom")
        self.description = QPlainTextEdit(e.description or "" if e else "")
        self.description.setFixedHeight(70)
        self.access_notes = QPlainTextEdit(e.access_notes or "" if e else "")
        self.access_notes.setFixedHeight(50)
        self.access_notes.setPlaceholderText("keys, pets, when the tenant is in")
        self.holds_room = QCheckBox("Take the room out of letting while open")
        if e:
            select_data(self.category, e.category)
            select_data(self.priority, e.priority)
        if e is None:
            self.fields.add("property_id", "Property", self.property_id)
            self.fields.add("unit_id", "Unit", self.unit_id)
            self.fields.add("room_id", "Room", self.room_id)
        self.fields.add("category", "Category", self.category)
        self.fields.add("priority", "Priority", self.priority)
        self.fields.add("title", "Title", self.title)
        self.fields.add("description", "Description", self.description)
        self.fields.add("access_notes", "Access notes", self.access_notes)
        if e is None:
            self.fields.add("tenant_id", "Reported by", self.tenant_id)
            self.fields.add("holds_room", "", self.holds_room)
            self.property_id.currentIndexChanged.connect(lambda *_: self._fill_units())
            self.unit_id.currentIndexChanged.connect(lambda *_: self._fill_rooms())
            self.room_id.currentIndexChanged.connect(lambda *_: self._room_chosen())
            self._load()
        self.finish_layout()

    # --- pickers -------------------------------------------------------------------------------

    def _load(self) -> None:
        ctx = self.ctx
        for box in (self.property_id, self.tenant_id):
            box.setEnabled(False)

        def look_up() -> tuple[Places, list[Any]]:
            return load_places(ctx), directory.tenant_rows(ctx.db, ctx.actor, "", limit=200)

        def done(found: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None or found is None:
                self.fields.set_error("property_id", f"Could not load the places: {error}")
                return
            self.places, tenants = found
            for t in tenants:
                where = f" · {t.room}" if t.room else ""
                self.tenant_id.addItem(f"{t.full_name}{where}", str(t.id))
            self.property_id.blockSignals(True)
            for ident, name in sorted(self.places.properties.items(), key=lambda kv: kv[1]):
                self.property_id.addItem(name, str(ident))
            property_id, unit_id, room_id = self.wanted
            if room_id in self.places.rooms:
                unit_id = self.places.rooms[room_id][0]
            if unit_id in self.places.units:
                property_id = self.places.units[unit_id][0]
            if property_id is not None:
                select_data(self.property_id, property_id)
            self.property_id.blockSignals(False)
            for box in (self.property_id, self.tenant_id):
                box.setEnabled(True)
            self._fill_units(unit_id, room_id)

        ctx.run_task(look_up, done)

    def _fill_units(self, unit_id: uuid.UUID | None = None,
                    room_id: uuid.UUID | None = None) -> None:
        prop = chosen(self.property_id)
        self.unit_id.blockSignals(True)
        self.unit_id.clear()
        self.unit_id.addItem("Common areas (no unit)", "")
        units = [(i, n) for i, (p, n) in self.places.units.items() if p == prop]
        for ident, number in sorted(units, key=lambda kv: kv[1]):
            self.unit_id.addItem(f"Unit {number}", str(ident))
        if unit_id is not None:
            select_data(self.unit_id, unit_id)
        self.unit_id.blockSignals(False)
        self._fill_rooms(room_id)

    def _fill_rooms(self, room_id: uuid.UUID | None = None) -> None:
        unit = chosen(self.unit_id)
        self.room_id.blockSignals(True)
        self.room_id.clear()
        self.room_id.addItem("The whole unit" if unit else "—", "")
        rooms = [(i, n) for i, (u, n) in self.places.rooms.items() if u == unit]
        for ident, number in sorted(rooms, key=lambda kv: kv[1]):
            self.room_id.addItem(f"Room {number}", str(ident))
        if room_id is not None:
            select_data(self.room_id, room_id)
        self.room_id.setEnabled(unit is not None)
        self.room_id.blockSignals(False)
        self._room_chosen()

    def _room_chosen(self) -> None:
        has_room = chosen(self.room_id) is not None
        self.holds_room.setEnabled(has_room)
        if not has_room:
            self.holds_room.setChecked(False)

    # --- saving --------------------------------------------------------------------------------

    def build_input(self) -> Any:
        values: dict[str, Any] = dict(
            category=self.category.currentData(), priority=self.priority.currentData(),
            title=self.title.text(), description=self.description.toPlainText(),
            access_notes=self.access_notes.toPlainText())
        if self.existing is not None:
            return build(RequestUpdate, **values, expected_version=self.existing.version)
        return build(RequestCreate, **values, property_id=chosen(self.property_id),
                     unit_id=chosen(self.unit_id), room_id=chosen(self.room_id),
                     tenant_id=chosen(self.tenant_id), holds_room=self.holds_room.isChecked())

    def save(self, data: Any) -> RequestOut:
        if self.existing is None:
            return maintenance.add_request(self.ctx.db, self.ctx.actor, data)
        return maintenance.update_request(self.ctx.db, self.ctx.actor, self.existing.id, data)

    def reload(self) -> RequestOut | None:
        return maintenance.get_request(self.ctx.db, self.ctx.actor,
                                       self.existing.id) if self.existing else None

    def refill(self, record: RequestOut) -> None:
        self.title.setText(record.title)
        self.description.setPlainText(record.description or "")
        self.access_notes.setPlainText(record.access_notes or "")
        select_data(self.category, record.category)
        select_data(self.priority, record.priority)


class CostDialog(FormDialog):
    """A cost of a request; "recharge" puts it as one charge on the lease of the room's (or
    the reporting tenant's) current tenant, offered only to the roles that write the ledger."""

    def __init__(self, ctx: AppContext, request: RequestOut,
                 parent: QWidget | None = None) -> None:
        super().__init__("Add cost", parent, runner=ctx)
        self.ctx = ctx
        self.request = request
        self.kind = choice_box(COST_KINDS)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("120.00")
        self.description = QLineEdit()
        self.description.setPlaceholderText("e.g. New tap and washer")
        self.incurred_on = DateField(None, optional=True, none_text="Today")
        self.lease_id = wide_box()
        self.lease_id.addItem("No: the property pays", "")
        self.fields.add("kind", "Kind", self.kind)
        self.fields.add("amount", "Amount", self.amount)
        self.fields.add("description", "Description", self.description)
        self.fields.add("incurred_on", "Date", self.incurred_on)
        self.recharge_allowed = ctx.may("ledger.write")
        if self.recharge_allowed:
            self.fields.add("lease_id", "Recharge to lease", self.lease_id)
            self._load_leases()
        self.finish_layout()

    def _load_leases(self) -> None:
        ctx, request = self.ctx, self.request
        self.lease_id.setEnabled(False)

        def look_up() -> list[Any]:
            if request.room_id is None and request.tenant_id is None:
                return []
            where = (leasing.LeaseFilter(room_id=request.room_id, active_on=today())
                     if request.room_id is not None else
                     leasing.LeaseFilter(tenant_id=request.tenant_id, active_on=today()))
            rows = leasing.list_leases(ctx.db, ctx.actor, where)
            # the reporting tenant's lease first: the usual one to recharge
            return sorted(rows, key=lambda r: r.tenant_id != request.tenant_id)

        def done(rows: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            self.lease_id.setEnabled(True)
            if error is not None:
                self.fields.set_error("lease_id", str(error))
                return
            for r in rows or []:
                self.lease_id.addItem(
                    f"{r.tenant_name} · {r.property_name} {r.unit_number}-{r.room_number}",
                    str(r.id))

        ctx.run_task(look_up, done)

    def build_input(self) -> Any:
        return build(CostCreate, request_id=self.request.id, kind=self.kind.currentData(),
                     amount=self.amount.text(), description=self.description.text(),
                     incurred_on=self.incurred_on.value(),
                     lease_id=chosen(self.lease_id) if self.recharge_allowed else None)

    def save(self, data: Any) -> CostOut:
        return maintenance.add_cost(self.ctx.db, self.ctx.actor, data, **self.force())


class AssignDialog(FormDialog):
    """Give the request to a vendor (or to nobody), for a day when given."""

    def __init__(self, ctx: AppContext, request: RequestOut,
                 parent: QWidget | None = None) -> None:
        super().__init__("Assign vendor", parent, runner=ctx, save_text="Assign")
        self.ctx = ctx
        self.request = request
        self.vendor_id = wide_box()
        self.vendor_id.addItem("Nobody", "")
        self.scheduled_for = DateField(request.scheduled_for, optional=True,
                                       none_text="Set a day for the visit")
        self.fields.add("vendor_id", "Vendor", self.vendor_id)
        self.fields.add("scheduled_for", "Scheduled for", self.scheduled_for)
        self.finish_layout()
        self.vendor_id.setEnabled(False)

        def done(rows: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            self.vendor_id.setEnabled(True)
            if error is not None:
                self.fields.set_error("vendor_id", str(error))
                return
            self.fill_vendors(rows)

        ctx.run_task(lambda: vendors.list_vendors(ctx.db, ctx.actor), done)

    def fill_vendors(self, rows: list[VendorOut]) -> None:
        for v in rows:
            self.vendor_id.addItem(f"{v.name} ({v.trade})", str(v.id))
        if self.request.vendor_id is not None:
            select_data(self.vendor_id, self.request.vendor_id)

    def build_input(self) -> Any:
        return (chosen(self.vendor_id), self.scheduled_for.value())

    def save(self, data: Any) -> RequestOut:
        vendor_id, day = data
        return maintenance.assign_request(self.ctx.db, self.ctx.actor, self.request.id,
                                          vendor_id, day, staff_id=self.request.assigned_to,
                                          expected_version=self.request.version)

    def reload(self) -> RequestOut | None:
        return maintenance.get_request(self.ctx.db, self.ctx.actor, self.request.id)

    def adopt(self, record: Any) -> None:
        self.request = record
