"""The centre of the window for the tree's selection: a property or unit overview (rooms,
rent, occupancy) or a room's detail (current lease, tenant, lease history)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import shiboken6
from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas.leasing import LeaseRow
from coliv_desktop.schemas.overview import TreeRow
from coliv_desktop.schemas.people import TenantOut
from coliv_desktop.schemas.portfolio import PropertyOut, RoomOut, UnitOut
from coliv_desktop.services import leasing, maintenance, overview, portfolio, tenants
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext, SignalBus
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.pane import Pane
from coliv_desktop.ui.common.widgets import (
    ListView,
    StatCard,
    empty_state,
    heading,
    later,
    muted,
    tool_button,
)
from coliv_desktop.ui.ledger.dialogs import LeaseChoice

Selection = tuple[Literal["property", "unit", "room"], uuid.UUID]


@dataclass(frozen=True)
class OverviewData:
    property: PropertyOut
    unit: UnitOut | None
    rows: list[TreeRow]


@dataclass(frozen=True)
class RoomData:
    property: PropertyOut
    unit: UnitOut
    room: RoomOut
    leases: list[LeaseRow]
    current: list[tuple[LeaseRow, TenantOut]]
    urgent: tuple[str, ...] = ()  # titles of the room's open urgent maintenance requests


def _room_columns(ctx: AppContext) -> list[Column[TreeRow]]:
    return [
        Column("unit", "Unit", lambda r: r.unit_number, width=70),
        Column("room", "Room", lambda r: r.room_number, width=70),
        Column("type", "Type", lambda r: r.room_type if r.beds < 2 else f"shared, {r.beds} beds",
               width=120),
        Column("rent", "Rent / mo", lambda r: r.rent_amount, kind="money", width=100),
        Column("status", "Status", lambda r: "maintenance" if r.status == "maintenance"
               else "occupied" if r.tenants else "vacant", width=100),
        Column("tenant", "Tenant", lambda r: ", ".join(r.tenants), width=200),
        Column("until", "Until", lambda r: r.occupied_until, kind="date", width=100),
    ]


def _lease_columns() -> list[Column[LeaseRow]]:
    return [
        Column("tenant", "Tenant", lambda r: r.tenant_name, width=180),
        Column("bed", "Bed", lambda r: r.bed, kind="int", width=50),
        Column("start", "Start", lambda r: r.lease_start, kind="date", width=100),
        Column("end", "End", lambda r: r.lease_end, kind="date", width=100),
        Column("rent", "Rent / mo", lambda r: r.rent_amount, kind="money", width=100),
        Column("status", "Status", lambda r: r.status, width=90),
        Column("origin", "Origin", lambda r: r.origin, width=90),
    ]


class OverviewView(QWidget):
    """A property or a unit: header, numbers, and its rooms."""

    def __init__(self, pane: PortfolioPane) -> None:
        super().__init__()
        self.pane = pane
        ctx = pane.ctx
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        self.title = heading("")
        self.title.setObjectName("overview_title")
        self.subtitle = muted()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        top.addLayout(titles, 1)
        self.edit_button = tool_button("Edit", "edit", "Edit these details (F2)", pane.edit,
                                       allowed=ctx.allows("portfolio.write"))
        self.add_button = tool_button("Add unit", "add", "Add a unit", pane.add_child,
                                      allowed=ctx.allows("portfolio.write"))
        self.archive_button = tool_button("Archive", "archive", "Archive (undo with Ctrl+Z)",
                                          pane.archive, allowed=ctx.allows("portfolio.write"))
        self.bill_button = tool_button("Utility bill…", "ledger",
                                       "Split a utility bill across these rooms",
                                       pane.utility_bill, allowed=ctx.allows("ledger.write"))
        self.documents_button = tool_button("Documents…", "leases",
                                            "Files attached to this property (plans, "
                                            "certificates, insurance)", pane.documents)
        self.documents_button.setObjectName("property_documents_button")
        for button in (self.add_button, self.edit_button, self.bill_button,
                       self.documents_button, self.archive_button):
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.about = muted()
        layout.addWidget(self.about)
        cards = QHBoxLayout()
        self.rooms_card = StatCard("Rooms")
        self.occupied_card = StatCard("Occupied")
        self.occupancy_card = StatCard("Occupancy")
        self.revenue_card = StatCard("Revenue potential / mo")
        for card in (self.rooms_card, self.occupied_card, self.occupancy_card,
                     self.revenue_card):
            cards.addWidget(card)
        layout.addLayout(cards)
        self.model: RowTableModel[TreeRow] = RowTableModel(_room_columns(ctx), money=ctx.money)
        self.table = ListView(self.model, ctx.settings, "overview_rooms")
        self.table.doubleClicked.connect(self._open_room)
        self.empty = empty_state("")
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)

    def show_data(self, data: OverviewData) -> None:
        ctx = self.pane.ctx
        prop, unit = data.property, data.unit
        rooms = [r for r in data.rows if r.room_id is not None
                 and (unit is None or r.unit_id == unit.id)]
        if unit is None:
            self.title.setText(prop.name)
            self.subtitle.setText(f"{prop.address}, {prop.city}, {prop.state} {prop.zip}")
            about = []
            if prop.amenities:
                about.append("Amenities: " + ", ".join(prop.amenities))
            if prop.house_rules:
                about.append("House rules: " + prop.house_rules.replace("\n", " · "))
            self.about.setText("\n".join(about))
            self.add_button.setText("Add unit")
            units = len({r.unit_id for r in data.rows if r.unit_id})
            self.rooms_card.set(str(len(rooms)), f"in {units} unit{'s' if units != 1 else ''}")
            self.empty.setText("No units yet. Add one with “Add unit” above.")
        else:
            self.title.setText(f"{prop.name} · Unit {unit.unit_number}")
            bits = [f"{unit.bedrooms} bedrooms", f"{unit.bathrooms} bathrooms"]
            if unit.square_feet:
                bits.append(f"{unit.square_feet} sqft")
            if unit.floor is not None:
                bits.append(f"floor {unit.floor}")
            if unit.furnished:
                bits.append("furnished")
            self.subtitle.setText(", ".join(bits))
            self.about.setText("")
            self.add_button.setText("Add rooms")
            self.rooms_card.set(str(len(rooms)))
            self.empty.setText(f"Unit {unit.unit_number} has no rooms yet. "
                               "Add them with “Add rooms” above: several at once.")
        self.about.setVisible(bool(self.about.text()))
        occupied = sum(1 for r in rooms if r.tenants)
        beds = sum(r.beds for r in rooms)
        beds_taken = sum(r.beds_occupied for r in rooms)
        self.occupied_card.set(f"{occupied}/{len(rooms)}", "rooms occupied")
        rate = (Decimal(beds_taken) * 100 / beds).quantize(Decimal("0.1")) if beds else None
        self.occupancy_card.set(f"{rate}%" if rate is not None else "–",
                                f"{beds_taken}/{beds} beds")
        potential = sum((r.rent_amount * r.beds for r in rooms if r.rent_amount is not None),
                        Decimal("0.00"))
        self.revenue_card.set(ctx.money(potential), f"{len(rooms)} rooms")
        self.model.set_rows(rooms)
        self.table.setVisible(bool(rooms))
        self.empty.setVisible(not rooms)

    def _open_room(self, index: Any) -> None:
        row = self.table.current_row()
        if row is not None and row.room_id is not None:
            self.pane.ctx.open_room(row.room_id)


class RoomView(QWidget):
    """One room: facts, who lives there now, and every lease it has had."""

    def __init__(self, pane: PortfolioPane) -> None:
        super().__init__()
        self.pane = pane
        ctx = pane.ctx
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        self.title = heading("")
        self.title.setObjectName("room_title")
        self.subtitle = muted()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        top.addLayout(titles, 1)
        self.lease_button = tool_button("New lease", "leases",
                                        "Let this room (Ctrl+Shift+L)", pane.new_lease,
                                        allowed=ctx.allows("leases.write"))
        self.edit_button = tool_button("Edit room", "edit", "Edit this room (F2)", pane.edit,
                                       allowed=ctx.allows("portfolio.write"))
        self.archive_button = tool_button("Archive", "archive", "Archive this room",
                                          pane.archive, allowed=ctx.allows("portfolio.write"))
        for button in (self.lease_button, self.edit_button, self.archive_button):
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.urgent = QLabel()
        self.urgent.setObjectName("room_urgent")
        self.urgent.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.urgent.setWordWrap(True)
        self.urgent.hide()
        layout.addWidget(self.urgent)
        self.current = QGroupBox("Living here now")
        self.current_layout = QVBoxLayout(self.current)
        layout.addWidget(self.current)
        self.model: RowTableModel[LeaseRow] = RowTableModel(
            _lease_columns(), money=ctx.money,
            style=lambda r: (QColor("#9ca3af") if r.status == "cancelled" else None, False))
        self.history = ListView(self.model, ctx.settings, "room_history")
        self.history.doubleClicked.connect(self._open_tenant)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("room_tabs")
        self.tabs.addTab(self.history, "Lease history")
        self.ledger_tab: QWidget | None = None
        self.ledger_page = QScrollArea()  # holds the ledger tab, once a lease is shown
        layout.addWidget(self.tabs, 1)

    def show_data(self, data: RoomData) -> None:
        ctx = self.pane.ctx
        room = data.room
        self.title.setText(f"Room {data.unit.unit_number}-{room.room_number}")
        kind = "private room" if room.room_type == "private" else f"shared, {room.beds} beds"
        bits = [data.property.name, kind, f"{ctx.money(room.rent_amount)}/mo"
                + (" per bed" if room.beds > 1 else "")]
        if room.size_sqft:
            bits.append(f"{room.size_sqft} sqft")
        if room.has_private_bath:
            bits.append("private bath")
        if room.status == "maintenance":
            bits.append("UNDER MAINTENANCE")
        self.subtitle.setText(" · ".join(bits))
        self.urgent.setText("\n".join(f"Urgent: {title}" for title in data.urgent))
        self.urgent.setVisible(bool(data.urgent))
        while self.current_layout.count():
            item = self.current_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if not data.current:
            note = ("Under maintenance: not lettable until its status is set back to available."
                    if room.status == "maintenance" else
                    "Vacant. Let it with “New lease”.")
            label = muted(note)
            label.setObjectName("room_vacant")
            self.current_layout.addWidget(label)
        for lease, tenant in data.current:
            self.current_layout.addWidget(self._occupant(lease, tenant))
        self.model.set_rows(data.leases)
        self._show_ledger(data.current[0][0].id if data.current else None)

    def _show_ledger(self, lease_id: uuid.UUID | None) -> None:
        """The current lease's ledger as a second tab (issue 4: a lease's ledger tab)."""
        from coliv_desktop.ui.ledger.views import LeaseLedgerTab

        if self.ledger_tab is not None:
            self.tabs.removeTab(self.tabs.indexOf(self.ledger_page))
            self.ledger_page.deleteLater()
            self.ledger_tab = None
        if lease_id is None or not self.pane.ctx.may("ledger.read"):  # no money for staff
            return
        tab = LeaseLedgerTab(self.pane.ctx, lease_id)
        tab.setObjectName("lease_ledger_tab")
        self.ledger_tab = tab
        # Its row of buttons is wide: on a narrow window it scrolls sideways rather than
        # squeezing the property tree (which would then be remembered narrow).
        self.ledger_page = QScrollArea()
        self.ledger_page.setWidgetResizable(True)
        self.ledger_page.setFrameShape(QFrame.Shape.NoFrame)
        self.ledger_page.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.ledger_page.setWidget(tab)
        self.tabs.addTab(self.ledger_page, "Ledger")
        tab.reload()

    def _occupant(self, lease: LeaseRow, tenant: TenantOut) -> QWidget:
        ctx = self.pane.ctx
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        name = QPushButton(tenant.full_name)
        name.setObjectName("occupant")
        name.setFlat(True)
        name.setStyleSheet("font-weight: 600; text-align: left; color: #2563eb;")
        name.setToolTip("Open the tenant's record")
        name.clicked.connect(lambda: ctx.open_tenant(tenant.id))
        grid.addWidget(name, 0, 0)
        end = lease.lease_end.isoformat() if lease.lease_end else "open-ended"
        facts = [f"bed {lease.bed}", f"{lease.lease_start.isoformat()} → {end}"]
        if ctx.may("ledger.read"):  # rents are money, which staff do not see
            facts += [f"{ctx.money(lease.rent_amount)}/mo",
                      f"deposit {ctx.money(lease.deposit_amount)}"]
        grid.addWidget(muted(" · ".join(facts)), 0, 1)
        contact = [tenant.email] + ([tenant.phone] if tenant.phone else [])
        if tenant.emergency_contact_name:
            contact.append(f"emergency: {tenant.emergency_contact_name} "
                           f"{tenant.emergency_contact_phone or ''}".strip())
        grid.addWidget(muted(" · ".join(contact)), 1, 0, 1, 2)
        editing = ctx.editing
        if editing is not None:
            grid.addWidget(tool_button("Move out…", "archive", "Record the move-out date",
                                       lambda: editing.move_out(lease),
                                       allowed=ctx.allows("leases.write")), 0, 2)
            grid.addWidget(tool_button("Renew…", "turnover", "A new term in the same bed",
                                       lambda: editing.renew(lease),
                                       allowed=ctx.allows("leases.write")), 1, 2)
            grid.addWidget(tool_button("Transfer…", "leases", "Move to another room",
                                       lambda: editing.transfer(lease),
                                       allowed=ctx.allows("leases.write")), 0, 3)
        grid.setColumnStretch(1, 1)
        return box

    def _open_tenant(self, index: Any) -> None:
        row = self.history.current_row()
        if row is not None:
            self.pane.ctx.open_tenant(row.tenant_id)


PICK_ONE = "Select a property, unit or room in the tree on the left."
FIRST_STEP = ("No properties yet.\n\nNew here? Add your first property with Portfolio ▸ Add "
              "Property (Ctrl+Shift+P).")


class PortfolioPane(Pane):
    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        return (bus.portfolio_changed, bus.leases_changed, bus.tenants_changed)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.selection: Selection | None = None
        layout = QVBoxLayout(self)
        self.stack = QStackedWidget()
        self.empty = empty_state(PICK_ONE)
        self.overview = OverviewView(self)
        self.room = RoomView(self)
        for widget in (self.empty, self.overview, self.room):
            self.stack.addWidget(widget)
        layout.addWidget(self.stack)
        self.message = QLabel()

    def lease_choice(self) -> LeaseChoice | None:
        """For Record Payment and Charge or Credit: the room shown (its current lease; in a
        shared room the tenant selected in its lease history, if any)."""
        if self.selection is None or self.selection[0] != "room":
            return None
        row = self.room.history.current_row() if self.stack.currentWidget() is self.room \
            else None
        if row is not None and row.status != "cancelled":
            return LeaseChoice(lease_id=row.id)
        return LeaseChoice(room_id=self.selection[1])

    def show_node(self, kind: Literal["property", "unit", "room"], ident: uuid.UUID) -> None:
        self.selection = (kind, ident)
        if self.ctx.has_database:
            self.refresh()

    def reload(self) -> None:
        selection = self.selection
        if selection is None:
            self._show_empty()
            return
        kind, ident = selection
        db = self.ctx.db
        actor = self.ctx.actor

        def load() -> OverviewData | RoomData:
            if kind == "room":
                room = portfolio.get_room(db, actor, ident)
                unit = portfolio.get_unit(db, actor, room.unit_id)
                prop = portfolio.get_property(db, actor, unit.property_id)
                leases = leasing.list_leases(
                    db, actor, leasing.LeaseFilter(room_id=ident, include_cancelled=True))
                leases.sort(key=lambda r: (r.lease_start, r.bed), reverse=True)
                day = today()
                current = [(row, tenants.get_tenant(db, actor, row.tenant_id)) for row in leases
                           if row.status != "cancelled" and row.lease_start <= day
                           and (row.lease_end is None or row.lease_end >= day)]
                urgent = tuple(r.title for r in maintenance.list_requests(
                    db, actor, include_done=False, property_id=prop.id)
                    if r.room_id == ident and r.priority == "urgent")
                return RoomData(prop, unit, room, leases, current, urgent)
            unit_out = portfolio.get_unit(db, actor, ident) if kind == "unit" else None
            prop_id = unit_out.property_id if unit_out else ident
            prop = portfolio.get_property(db, actor, prop_id)
            rows = overview.portfolio_tree(db, actor, property_id=prop_id).rows
            return OverviewData(prop, unit_out, rows)

        def done(data: Any, error: BaseException | None) -> None:
            if error is not None:
                self.selection = None
                self._show_empty()
                self.ctx.bus.status_message.emit(str(error))
                return
            if isinstance(data, RoomData):
                self.room.show_data(data)
                self.stack.setCurrentWidget(self.room)
            else:
                self.overview.show_data(data)
                self.stack.setCurrentWidget(self.overview)
            self.loaded.emit()

        self.ctx.run_task(load, done)

    def _show_empty(self) -> None:
        """Nothing selected: pick one in the tree; the first-step hint on an empty book only."""
        db = self.ctx.db
        actor = self.ctx.actor

        def done(any_property: bool | None, error: BaseException | None) -> None:
            self.empty.setText(FIRST_STEP if error is None and any_property is False
                               else PICK_ONE)
            self.loaded.emit()

        self.stack.setCurrentWidget(self.empty)
        self.ctx.run_task(lambda: bool(portfolio.property_choices(db, actor)), done)

    # --- actions for the selection ----------------------------------------------------------

    def edit(self) -> None:
        editing = self.ctx.editing
        if self.selection is None or editing is None:
            return
        kind, ident = self.selection
        {"property": editing.edit_property, "unit": editing.edit_unit,
         "room": editing.edit_room}[kind](ident)

    def add_child(self) -> None:
        editing = self.ctx.editing
        if self.selection is None or editing is None:
            return
        kind, ident = self.selection
        if kind == "property":
            editing.add_unit(ident)
        elif kind == "unit":
            editing.add_rooms(ident)

    def archive(self) -> None:
        editing = self.ctx.editing
        if self.selection is None or editing is None:
            return
        kind, ident = self.selection

        def done(archived: bool) -> None:
            if archived and kind != "room" and shiboken6.isValid(self):
                self.selection = None  # it left the tree with its rooms

        editing.archive(kind, ident, on_done=done)

    def documents(self) -> None:
        """The files attached to the property shown (or to the unit's property)."""
        if self.selection is None or self.selection[0] == "room":
            return
        from coliv_desktop.ui.common.attachments import DocumentsDialog

        kind, ident = self.selection
        db, actor = self.ctx.db, self.ctx.actor

        def show(prop: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self.ctx.bus.error.emit(str(error))
                return
            DocumentsDialog(self.ctx, "property", prop.id, f"Documents of {prop.name}",
                            self).exec()

        def look_up() -> Any:
            if kind == "property":
                return portfolio.get_property(db, actor, ident)
            return portfolio.get_property(db, actor, portfolio.get_unit(db, actor, ident)
                                          .property_id)

        self.ctx.run_task(look_up, later(show))

    def utility_bill(self) -> None:
        """A utility bill for the property or unit shown, split across its rooms."""
        if self.selection is None or self.selection[0] == "room":
            return
        from coliv_desktop.ui.ledger.utilities import UtilityBillDialog

        kind, ident = self.selection
        db = self.ctx.db
        actor = self.ctx.actor

        def show(unit: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self.ctx.bus.error.emit(str(error))
                return
            dialog = UtilityBillDialog(self.ctx,
                                       property_id=unit.property_id if unit else ident,
                                       unit_id=unit.id if unit else None, parent=self)
            dialog.open()
            self.setProperty("bill_dialog", dialog)

        if kind == "unit":  # the bill is split over the unit's property's rooms
            self.ctx.run_task(lambda: portfolio.get_unit(db, actor, ident), show)
        else:
            show(None, None)

    def new_lease(self) -> None:
        editing = self.ctx.editing
        if self.selection is not None and editing is not None and self.selection[0] == "room":
            editing.new_lease(room_id=self.selection[1])
