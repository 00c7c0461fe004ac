"""Maintenance: the queue of requests (most urgent first, overdue ones in red), filtered and
searched, with the selected request's detail below: its log, costs, vendor, work order and
photos. Status moves are one click (or Alt+letter); each is undone by the reverse move where
the service allows that move."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas.maintenance import CostOut, LogOut, RequestOut, VendorOut
from coliv_desktop.services import maintenance, vendors
from coliv_desktop.services.maintenance import MOVES
from coliv_desktop.ui.common.attachments import AttachmentsView
from coliv_desktop.ui.common.commands import VersionedCommand, one_row
from coliv_desktop.ui.common.context import AppContext, SignalBus
from coliv_desktop.ui.common.forms import ERROR_STYLE
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.pane import Pane
from coliv_desktop.ui.common.widgets import (
    ListView,
    empty_state,
    heading,
    muted,
    search_box,
    shortcut_text,
    tool_button,
)
from coliv_desktop.ui.maintenance.dialogs import (
    PRIORITIES,
    AssignDialog,
    CostDialog,
    Places,
    RequestDialog,
    load_places,
    select_data,
    words,
)

OVERDUE = QColor("#b3261e")
DONE_GREY = QColor("#9ca3af")
RANK = {p: i for i, p in enumerate(PRIORITIES)}
STATUSES = (("active", "Not yet resolved"), ("open", "Open"), ("in_progress", "In progress"),
            ("waiting_parts", "Waiting parts"), ("resolved", "Resolved"), ("closed", "Closed"),
            ("all", "All"))
# (target status, button text, shortcut, tooltip); the shortcuts work while the focus is in
# the pane (the menu bar's Alt+letters are kept clear of them)
MOVE_BUTTONS = (("in_progress", "Start", "Alt+S", "Work on it has started"),
                ("waiting_parts", "Waiting parts", "Alt+W", "Waiting for parts"),
                ("resolved", "Resolve…", "Alt+R", "Fixed: asks for the resolution notes"),
                ("closed", "Close", "Alt+C", "Nothing more to do (final)"),
                ("open", "Reopen", "Alt+O", "Open it again"))


@dataclass
class QueueRow:
    """A request with the names the queue shows."""

    request: RequestOut
    where: str
    vendor: str

    @property
    def id(self) -> uuid.UUID:
        return self.request.id


@dataclass
class QueueData:
    places: Places
    vendors: list[VendorOut]
    requests: list[RequestOut]


@dataclass
class Detail:
    request: RequestOut
    log: list[LogOut]
    costs: list[CostOut]


def queue_columns() -> list[Column[QueueRow]]:
    return [
        Column("priority", "Priority", lambda r: RANK.get(r.request.priority, 9),
               display=lambda r: words(r.request.priority), width=64),
        Column("title", "Title", lambda r: r.request.title, width=190),
        Column("where", "Where", lambda r: r.where, width=160),
        Column("category", "Category", lambda r: words(r.request.category), width=90),
        Column("status", "Status", lambda r: words(r.request.status), width=90),
        Column("vendor", "Vendor", lambda r: r.vendor, width=110),
        Column("due", "Due by", lambda r: r.request.due_by,
               display=lambda r: f"{r.request.due_by:%Y-%m-%d %H:%M}", width=132,
               tooltip="The response target of the priority; red when past"),
        Column("cost", "Cost", lambda r: r.request.cost, kind="money", width=70),
    ]


def row_style(row: QueueRow) -> tuple[QColor | None, bool]:
    if row.request.overdue:
        return OVERDUE, row.request.priority == "urgent"
    if row.request.status in maintenance.DONE:
        return DONE_GREY, False
    return None, row.request.priority == "urgent"


class MaintenancePane(Pane):
    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        return (bus.portfolio_changed, bus.tenants_changed)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.places = Places()
        self.vendors: list[VendorOut] = []
        self.requests: list[RequestOut] = []
        self.detail: Detail | None = None
        self._loading = 0
        self._detail_loading = 0
        self._want: uuid.UUID | None = None
        write = ctx.allows("maintenance.write")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Maintenance"))
        self.count = muted()
        self.count.setObjectName("maintenance_count")
        top.addWidget(self.count, 1, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(top)
        actions = QHBoxLayout()
        self.new_button = tool_button("New request…", "add", "Report a problem (Alt+N)",
                                      self.new_request, allowed=write)
        self.new_button.setObjectName("new_request")
        self.edit_button = tool_button("Edit…", "edit", "Edit the selected request (Alt+I)",
                                       self.edit_request, allowed=write)
        self.edit_button.setObjectName("edit_request")
        actions.addWidget(self.new_button)
        actions.addWidget(self.edit_button)
        self.move_buttons: dict[str, Any] = {}
        for to, text, keys, tip in MOVE_BUTTONS:
            button = tool_button(text, "turnover", shortcut_text(tip, keys),
                                 lambda t=to: self.move_to(t), allowed=write)
            button.setObjectName(f"move_{to}")
            self.move_buttons[to] = button
            actions.addWidget(button)
        for keys, button in (("Alt+N", self.new_button), ("Alt+I", self.edit_button),
                             *((k, self.move_buttons[t]) for t, _, k, _ in MOVE_BUTTONS)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            # a hidden (role) or disabled (move not allowed) button does nothing
            shortcut.activated.connect(lambda b=button: b.isVisible() and b.isEnabled()
                                       and b.click())
        actions.addStretch(1)
        self.vendors_button = tool_button("Vendors…", "tenants", "The vendor directory",
                                          self.show_vendors)
        self.vendors_button.setObjectName("vendors_button")
        self.schedules_button = tool_button("Schedules…", "turnover",
                                            "Recurring maintenance", self.show_schedules)
        self.schedules_button.setObjectName("schedules_button")
        self.costs_button = tool_button("Costs…", "ledger",
                                        "Each property's maintenance cost, month by month",
                                        self.show_costs, allowed=ctx.allows("ledger.read"))
        self.costs_button.setObjectName("costs_button")
        # on the title's row: the command row then fits a 1280-pixel window beside the tree
        for button in (self.vendors_button, self.schedules_button, self.costs_button):
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(actions)
        filters = QHBoxLayout()
        self.status = QComboBox()
        self.status.setObjectName("maintenance_status")
        for key, label in STATUSES:
            self.status.addItem(label, key)
        self.priority = QComboBox()
        self.priority.setObjectName("maintenance_priority")
        self.priority.addItem("Any priority", "")
        for p in PRIORITIES:
            self.priority.addItem(words(p), p)
        self.property_filter = QComboBox()
        self.property_filter.setObjectName("maintenance_property")
        self.property_filter.addItem("Every property", "")
        self.vendor_filter = QComboBox()
        self.vendor_filter.setObjectName("maintenance_vendor")
        self.vendor_filter.addItem("Any vendor", "")
        self.overdue = QCheckBox("Overdue only")
        self.overdue.setObjectName("maintenance_overdue")
        self.search = search_box("Search title, place, vendor")
        for widget in (self.status, self.priority, self.property_filter, self.vendor_filter,
                       self.overdue):
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)
        self.message = QLabel()
        self.message.setObjectName("maintenance_message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.model: RowTableModel[QueueRow] = RowTableModel(
            queue_columns(), money=ctx.money, style=row_style)
        self.view = ListView(self.model, ctx.settings, "maintenance")
        self.view.doubleClicked.connect(lambda *_: self.edit_request())
        self.empty = empty_state("No open requests — all quiet.")
        self.queue = QStackedWidget()
        self.queue.addWidget(self.view)
        self.queue.addWidget(self.empty)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("maintenance_split")
        split.addWidget(self.queue)
        split.addWidget(self._detail_panel())
        split.setSizes([320, 280])
        layout.addWidget(split, 1)
        self.search.textChanged.connect(self.view.proxy.set_search)
        self.status.currentIndexChanged.connect(lambda *_: self.reload())
        for box in (self.property_filter, self.vendor_filter):
            box.currentIndexChanged.connect(lambda *_: self.reload())
        self.overdue.toggled.connect(lambda *_: self.reload())
        self.priority.currentIndexChanged.connect(lambda *_: self._show_rows())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self._enable()

    def _detail_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        self.detail_title = heading("", 13)
        self.detail_title.setObjectName("request_title")
        self.detail_facts = muted()
        self.detail_facts.setObjectName("request_facts")
        titles.addWidget(self.detail_title)
        titles.addWidget(self.detail_facts)
        head.addLayout(titles, 1)
        write = self.ctx.allows("maintenance.write")
        self.assign_button = tool_button("Assign vendor…", "tenants",
                                         "Give the request to a vendor, for a day",
                                         self.assign, allowed=write)
        self.assign_button.setObjectName("assign_vendor")
        self.cost_button = tool_button("Add cost…", "ledger", "Record a cost of this request",
                                       self.add_cost, allowed=write)
        self.cost_button.setObjectName("add_cost")
        self.work_order_button = tool_button("Work order…", "ledger",
                                             "The vendor's work order as PDF: preview, print "
                                             "or save", self.work_order)
        self.work_order_button.setObjectName("work_order")
        for button in (self.assign_button, self.cost_button, self.work_order_button):
            head.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("request_tabs")
        self.about = muted()
        self.about.setObjectName("request_about")
        self.about.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.about.setContentsMargins(8, 6, 8, 6)
        self.tabs.addTab(self.about, "Details")
        self.log_model: RowTableModel[LogOut] = RowTableModel([
            Column("when", "When", lambda r: r.created_at,
                   display=lambda r: f"{r.created_at:%Y-%m-%d %H:%M}", width=130),
            Column("who", "Who", lambda r: r.actor_name, width=120),
            Column("what", "What", lambda r: self._log_text(r), width=400),
        ])
        self.log_view = ListView(self.log_model, self.ctx.settings, "maintenance_log")
        self.tabs.addTab(self.log_view, "Log")
        self.cost_model: RowTableModel[CostOut] = RowTableModel([
            Column("on", "Date", lambda r: r.incurred_on, kind="date", width=95),
            Column("kind", "Kind", lambda r: words(r.kind), width=110),
            Column("description", "Description", lambda r: r.description, width=260),
            Column("amount", "Amount", lambda r: r.amount, kind="money", width=90),
            Column("recharged", "Recharged", lambda r: "yes" if r.charge_id else "",
                   width=80),
        ], money=self.ctx.money)
        self.cost_view = ListView(self.cost_model, self.ctx.settings, "maintenance_costs")
        self.tabs.addTab(self.cost_view, "Costs")
        self.photos = AttachmentsView(self.ctx)
        self.photos.setObjectName("request_photos")
        self.tabs.addTab(self.photos, "Photos")
        layout.addWidget(self.tabs, 1)
        self.detail_box = panel
        return panel

    @staticmethod
    def _log_text(row: LogOut) -> str:
        move = (f"{words(row.from_status or 'new')} → {words(row.to_status)}"
                if row.to_status else words(row.action))
        return f"{move}: {row.note}" if row.note else move

    # --- loading -------------------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        status = str(self.status.currentData())
        return dict(status=None if status in ("active", "all") else status,
                    include_done=status != "active", overdue=self.overdue.isChecked(),
                    property_id=_uuid(self.property_filter.currentData()),
                    vendor_id=_uuid(self.vendor_filter.currentData()))

    def reload(self) -> None:
        if not self.ctx.has_database:
            return
        db, actor = self.ctx.db, self.ctx.actor
        wanted = self.filters()
        self._loading += 1
        token = self._loading

        def load() -> QueueData:
            return QueueData(load_places(self.ctx),
                             vendors.list_vendors(db, actor, include_archived=True),
                             maintenance.list_requests(db, actor, **wanted))

        def done(data: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or token != self._loading:
                return
            if error is not None or data is None:
                self._say(f"Could not load the maintenance queue: {error}")
                return
            self.places, self.vendors, self.requests = data.places, data.vendors, data.requests
            self._fill_filter(self.property_filter, sorted(
                self.places.properties.items(), key=lambda kv: kv[1]))
            self._fill_filter(self.vendor_filter, [(v.id, v.name) for v in self.vendors])
            self._show_rows()
            self.loaded.emit()

        self.ctx.run_task(load, done)

    @staticmethod
    def _fill_filter(box: QComboBox, items: list[tuple[uuid.UUID, str]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for ident, name in items:
            box.addItem(name, str(ident))
        select_data(box, current)
        box.blockSignals(False)

    def _show_rows(self) -> None:
        priority = self.priority.currentData()
        names = {v.id: v.name for v in self.vendors}
        rows = [QueueRow(r, self.places.where(r.property_id, r.unit_id, r.room_id),
                         names.get(r.vendor_id, "") if r.vendor_id else "")
                for r in self.requests if not priority or r.priority == priority]
        shown = self.current()
        self.model.set_rows(rows)
        self.queue.setCurrentWidget(self.view if rows else self.empty)
        filtered = self.status.currentIndex() != 0 or any(
            (self.priority.currentIndex(), self.property_filter.currentIndex(),
             self.vendor_filter.currentIndex(), self.overdue.isChecked()))
        self.empty.setText("Nothing matches these filters." if filtered
                           else "No open requests — all quiet.")
        overdue = sum(1 for r in rows if r.request.overdue)
        self.count.setText(f"{len(rows)} request{'s' if len(rows) != 1 else ''}"
                           + (f" · {overdue} overdue" if overdue else ""))
        want, self._want = self._want, None
        want = want or (shown.id if shown is not None else None)
        if want is not None and self.select_request(want):
            pass
        elif rows and not self.view.currentIndex().isValid():
            self.view.selectRow(0)  # the most urgent: its detail shows at once
        self._selected()

    def current(self) -> RequestOut | None:
        row = self.view.current_row()
        return row.request if isinstance(row, QueueRow) else None

    def select_request(self, request_id: uuid.UUID) -> bool:
        return self.view.select_where(lambda r: r.id == request_id)

    def _selected(self) -> None:
        request = self.current()
        self._enable()
        if request is None:
            self.detail = None
            self.detail_box.setEnabled(False)
            self.detail_title.setText("Select a request to see its log, costs and photos.")
            self.detail_facts.setText("")
            return
        self.detail_box.setEnabled(True)
        self._show_facts(request)
        self.photos.show_owner("maintenance", request.id)
        db, actor = self.ctx.db, self.ctx.actor
        self._detail_loading += 1
        token = self._detail_loading

        def load() -> Detail:
            return Detail(request, maintenance.request_log(db, actor, request.id),
                          maintenance.list_costs(db, actor, request.id))

        def done(detail: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or token != self._detail_loading:
                return
            if error is not None or detail is None:
                self._say(str(error))
                return
            self.detail = detail
            self.log_model.set_rows(detail.log)
            self.cost_model.set_rows(detail.costs)

        self.ctx.run_task(load, done)

    def _show_facts(self, r: RequestOut) -> None:
        where = self.places.where(r.property_id, r.unit_id, r.room_id)
        vendor = next((v for v in self.vendors if v.id == r.vendor_id), None)
        self.detail_title.setText(r.title)
        bits = [where, words(r.category), f"{words(r.priority)} priority", words(r.status),
                f"due by {r.due_by:%Y-%m-%d %H:%M}" + (" (OVERDUE)" if r.overdue else "")]
        self.detail_facts.setText(" · ".join(bits))
        lines = [f"Reported by {r.reported_by} on {r.created_at:%Y-%m-%d %H:%M}",
                 "Vendor: " + (f"{vendor.name} ({vendor.trade})" if vendor else "none yet")
                 + (f", scheduled for {r.scheduled_for}" if r.scheduled_for else ""),
                 f"Cost so far: {self.ctx.money(r.cost)}"]
        if r.holds_room:
            lines.append("The room is out of letting while this is open.")
        for label, text in (("Description", r.description), ("Access", r.access_notes),
                            ("Resolution", r.resolution_notes)):
            if text:
                lines.append(f"{label}: {text}")
        self.about.setText("\n".join(lines))

    def _enable(self) -> None:
        request = self.current()
        allowed = MOVES.get(request.status, ()) if request is not None else ()
        for to, button in self.move_buttons.items():
            button.setEnabled(to in allowed)
        for button in (self.edit_button, self.assign_button, self.cost_button):
            button.setEnabled(request is not None and request.status != "closed")
        self.work_order_button.setEnabled(request is not None and request.vendor_id is not None)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _changed(self) -> None:
        # the room may have been taken or given back; the tree, the room page and the
        # dashboard's counts read the queue too
        self.ctx.bus.portfolio_changed.emit()

    def show_view(self, view: str) -> None:
        """`open_pane_view`: a status filter ("open", "all"...), or "report:KIND:ID" (the
        tree's "Report a problem…": the request dialog with that place filled in)."""
        if view.startswith("report:"):
            _, kind, ident = view.split(":", 2)
            if kind in ("property", "unit", "room"):
                self.new_request(**{f"{kind}_id": uuid.UUID(ident)})
            return
        select_data(self.status, view)

    # --- modal steps (through ctx.editing, which the tests drive) --------------------------------

    def run_dialog(self, dialog: QDialog) -> int:
        if self.ctx.editing is not None:
            return self.ctx.editing.run_dialog(dialog)
        return dialog.exec()

    def ask_text(self, title: str, label: str) -> str | None:
        if self.ctx.editing is not None:
            return self.ctx.editing.ask_text(title, label)
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(self, title, label)
        return text if ok else None

    # --- status moves --------------------------------------------------------------------------

    def move_to(self, to: str) -> None:
        """Move the selected request to `to`; the service's refusal is shown, nothing
        changes. Undo is the reverse move where the service allows it."""
        request = self.current()
        if request is None:
            return
        note: str | None = None
        if to == "resolved":
            note = self.ask_text("Resolve request", f"How was “{request.title}” fixed?")
            if note is None:
                return
        ctx, before = self.ctx, request.status
        db, actor = ctx.db, ctx.actor

        def done(moved: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(f"Not moved: {error}")
                return
            self._say("")
            if before in MOVES.get(to, ()):
                self._push_move(moved, before, to, note)
            self._changed()

        ctx.run_task(lambda: maintenance.move_request(db, actor, request.id, to, note or None,
                                                      expected_version=request.version), done)

    def _push_move(self, moved: RequestOut, before: str, to: str, note: str | None) -> None:
        ctx = self.ctx
        ident = moved.id

        def write(status: str, words_: str | None) -> Any:
            return lambda i, v: maintenance.move_request(ctx.db, ctx.actor, i, status, words_,
                                                         expected_version=v)

        ctx.undo_stack.push(VersionedCommand(
            ctx, f"{moved.title}: {words(before)} → {words(to)}",
            one_row(lambda: ident, write(to, note)),
            one_row(lambda: ident, write(before, "undone in CoLiv")),
            written={ident: moved.version}, rows=lambda: (ident,),
            changed=(ctx.bus.portfolio_changed,)))

    # --- dialogs -------------------------------------------------------------------------------

    def new_request(self, *, property_id: uuid.UUID | None = None,
                    unit_id: uuid.UUID | None = None, room_id: uuid.UUID | None = None) -> None:
        dialog = RequestDialog(self.ctx, None, self, property_id=property_id, unit_id=unit_id,
                               room_id=room_id)
        if self.run_dialog(dialog) and dialog.saved is not None:
            self._after_save(dialog.saved)

    def edit_request(self) -> None:
        request = self.current()
        if request is None or not self.ctx.may("maintenance.write"):
            return
        dialog = RequestDialog(self.ctx, request, self)
        if self.run_dialog(dialog) and dialog.saved is not None:
            after: RequestOut = dialog.saved
            self._push_edit(request, after)
            self._after_save(after)

    def _push_edit(self, before: RequestOut, after: RequestOut) -> None:
        from coliv_desktop.schemas.maintenance import RequestUpdate

        ctx, ident = self.ctx, after.id
        keys = ("title", "description", "access_notes", "category", "priority")
        if all(getattr(before, k) == getattr(after, k) for k in keys):
            return

        def write(source: RequestOut) -> Any:
            values = {k: getattr(source, k) for k in keys}
            return lambda i, v: maintenance.update_request(
                ctx.db, ctx.actor, i, RequestUpdate(**values, expected_version=v))

        ctx.undo_stack.push(VersionedCommand(
            ctx, f"Edit request {after.title}", one_row(lambda: ident, write(after)),
            one_row(lambda: ident, write(before)), written={ident: after.version},
            rows=lambda: (ident,), changed=(ctx.bus.portfolio_changed,)))

    def _after_save(self, saved: RequestOut) -> None:
        self._say("")
        self._want = saved.id  # selected once the queue has reloaded
        self._changed()
        if not self.isVisible():  # a hidden pane reloads when shown; the detail must too
            self.mark_stale()

    def assign(self) -> None:
        request = self.current()
        if request is None:
            return
        dialog = AssignDialog(self.ctx, request, self)
        if self.run_dialog(dialog) and dialog.saved is not None:
            self._push_assign(dialog.request, dialog.saved)
            self._after_save(dialog.saved)

    def _push_assign(self, before: RequestOut, after: RequestOut) -> None:
        """Undo gives the request back to whom it had (the service refuses an archived
        vendor: the command is then dropped, with the reason)."""
        if (before.vendor_id, before.scheduled_for) == (after.vendor_id, after.scheduled_for):
            return
        ctx, ident = self.ctx, after.id

        def write(source: RequestOut) -> Any:
            return lambda i, v: maintenance.assign_request(
                ctx.db, ctx.actor, i, source.vendor_id, source.scheduled_for,
                staff_id=source.assigned_to, expected_version=v)

        ctx.undo_stack.push(VersionedCommand(
            ctx, f"Assign {after.title}", one_row(lambda: ident, write(after)),
            one_row(lambda: ident, write(before)), written={ident: after.version},
            rows=lambda: (ident,), changed=(ctx.bus.portfolio_changed,)))

    def add_cost(self) -> None:
        request = self.current()
        if request is None:
            return
        dialog = CostDialog(self.ctx, request, self)
        if self.run_dialog(dialog) and dialog.saved is not None:
            if dialog.saved.charge_id is not None:
                self.ctx.bus.ledger_changed.emit()
            self._after_save(request)

    def work_order(self) -> None:
        """The work order, with the request's photos as thumbnails, in the PDF preview."""
        from coliv_desktop.ui.ledger.views import preview_pdf

        request = self.current()
        if request is None:
            return
        db, actor, ident = self.ctx.db, self.ctx.actor, request.id

        def write(path: Any) -> Any:
            return vendors.work_order_pdf(db, actor, ident, path)  # with the request's photos

        preview_pdf(self.ctx, self, f"Work order: {request.title}", write)

    def show_vendors(self) -> None:
        from coliv_desktop.ui.maintenance.vendors import VendorsDialog

        dialog = VendorsDialog(self.ctx, self)
        self.run_dialog(dialog)
        self.reload()

    def show_costs(self) -> None:
        from coliv_desktop.ui.maintenance.costs import CostsDialog

        self.run_dialog(CostsDialog(self.ctx, self))

    def show_schedules(self) -> None:
        from coliv_desktop.ui.maintenance.schedules import SchedulesDialog

        dialog = SchedulesDialog(self.ctx, self)
        self.run_dialog(dialog)
        if dialog.ran:
            self._changed()


def _uuid(value: Any) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None
