"""A tenant's record: contact details, emergency contact, notes, leases and the dated,
searchable contact log (call, email, visit, note)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import shiboken6
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.errors import ColivError, ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.community import TenantConflict
from coliv_desktop.schemas.leasing import LeaseRow
from coliv_desktop.schemas.overview import ContactCreate, ContactOut
from coliv_desktop.schemas.people import TenantOut
from coliv_desktop.services import conflicts, contacts, leasing, ledger, protection, tenants
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.attachments import AttachmentsView
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import ERROR_STYLE
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import (
    ListView,
    empty_state,
    heading,
    later,
    muted,
    search_box,
    tool_button,
)


@dataclass(frozen=True)
class RecordData:
    tenant: TenantOut
    leases: list[LeaseRow]
    log: list[ContactOut]
    balance: Decimal | None  # None: the role does not see money (staff)
    conflicts: list[TenantConflict] = field(default_factory=list)  # newest first


def conflict_text(c: TenantConflict) -> str:
    """"noise (high) with Aiko Tanaka: Music after midnight"."""
    others = f" with {', '.join(c.others)}" if c.others else ""
    return f"{c.category} ({c.severity}){others}: {c.summary.replace(chr(10), ' ')}"


class TenantRecord(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.tenant: TenantOut | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.empty = empty_state("Select a tenant to see their record.")
        self.stack.addWidget(self.empty)
        self.page: QWidget | None = None  # built when the first tenant is shown

    def _build_page(self) -> QWidget:
        ctx = self.ctx
        self.page = QWidget()
        # Scrolled, so a full record (leases, log, conflicts, documents) never squeezes the
        # list above it: the splitter keeps what the reader gave each.
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidget(self.page)
        self.stack.addWidget(self.scroller)
        layout = QVBoxLayout(self.page)
        top = QHBoxLayout()
        self.name = heading("")
        self.name.setObjectName("tenant_name")
        top.addWidget(self.name, 1)
        top.addWidget(tool_button("Edit", "edit", "Edit this tenant (F2)", self.edit,
                                  allowed=self.ctx.allows("tenants.write")))
        top.addWidget(tool_button("New lease", "leases", "Let a room to this tenant",
                                  self.new_lease, allowed=self.ctx.allows("leases.write")))
        self.archive_button = tool_button("Archive", "archive", "Archive this tenant "
                                          "(history kept; Restore brings them back)",
                                          self.archive, allowed=self.ctx.allows("tenants.write"))
        self.archive_button.setObjectName("archive_tenant")
        top.addWidget(self.archive_button)
        self.profile_button = tool_button("Profile…", "applications", "The compatibility "
                                          "profile applicants are matched against",
                                          self.edit_profile,
                                          allowed=self.ctx.allows("tenants.write"))
        top.addWidget(self.profile_button)
        self.data_button = tool_button("Data", "tenants", "The tenant's personal data: "
                                       "export everything held about them, or erase it on "
                                       "their request", lambda: None,
                                       allowed=self.ctx.allows("tenants.export"))
        self.data_button.setObjectName("tenant_data")
        data_menu = QMenu(self.data_button)
        export_action = data_menu.addAction("Export data…", self.export_data)
        export_action.setObjectName("export_tenant_data")
        erase_action = data_menu.addAction("Erase…", self.erase)
        erase_action.setObjectName("erase_tenant")
        self.data_button.setMenu(data_menu)
        top.addWidget(self.data_button)
        layout.addLayout(top)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 5)
        columns.addLayout(right, 6)
        layout.addLayout(columns, 1)
        details = QGroupBox("Contact")
        form = QFormLayout(details)
        self.email = muted()
        self.phone = muted()
        self.emergency = muted()
        self.notes = muted()
        self.balance = QLabel()
        self.balance.setObjectName("tenant_balance")
        form.addRow("Balance", self.balance)
        form.addRow("Email", self.email)
        form.addRow("Phone", self.phone)
        form.addRow("Emergency contact", self.emergency)
        form.addRow("Notes", self.notes)
        left.addWidget(details)
        left.addWidget(heading("Leases", 12))
        lease_columns: list[Column[LeaseRow]] = [
            Column("room", "Room", lambda r: f"{r.property_name} · {r.unit_number}-"
                   f"{r.room_number}", width=170),
            Column("start", "Start", lambda r: r.lease_start, kind="date", width=90),
            Column("end", "End", lambda r: r.lease_end, kind="date", width=90),
            Column("rent", "Rent / mo", lambda r: r.rent_amount, kind="money", width=85),
            Column("status", "Status", lambda r: r.status, width=60),
        ]
        self.lease_model: RowTableModel[LeaseRow] = RowTableModel(lease_columns, money=ctx.money)
        self.lease_view = ListView(self.lease_model, ctx.settings, "tenant_leases")
        self.lease_view.doubleClicked.connect(self._open_room)
        left.addWidget(self.lease_view, 1)
        left.addWidget(self._build_conflicts())
        log_head = QHBoxLayout()
        log_head.addWidget(heading("Contact log", 12))
        self.log_search = search_box("Search the log")
        self.log_search.setObjectName("log_search")
        self.log_search.textChanged.connect(self._filter_log)
        log_head.addWidget(self.log_search, 1)
        right.addLayout(log_head)
        entry = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("contact_kind")
        self.kind.addItems(["call", "email", "visit", "note"])
        self.contact_date = DateField(today())
        self.summary = QLineEdit()
        self.summary.setObjectName("contact_summary")
        self.summary.setPlaceholderText("What was said or done")
        self.summary.returnPressed.connect(self.log_contact)
        self.log_button = QPushButton("Log")
        self.log_button.setObjectName("log_contact")
        self.log_button.setToolTip("Add this to the contact log (Enter)")
        self.log_button.clicked.connect(self.log_contact)
        entry.addWidget(self.kind)
        entry.addWidget(self.contact_date)
        entry.addWidget(self.summary, 1)
        entry.addWidget(self.log_button)
        right.addLayout(entry)
        self.log_error = QLabel()
        self.log_error.setObjectName("error_summary")
        self.log_error.setStyleSheet(ERROR_STYLE)
        self.log_error.hide()
        right.addWidget(self.log_error)
        log_columns: list[Column[ContactOut]] = [
            Column("date", "Date", lambda c: c.contact_date, kind="date", width=90),
            Column("kind", "Kind", lambda c: c.kind, width=50),
            Column("summary", "Summary", lambda c: c.summary, width=240),
            Column("by", "By", lambda c: c.recorded_by, width=60),
        ]
        self.log_model: RowTableModel[ContactOut] = RowTableModel(log_columns)
        self.log_view = ListView(self.log_model, ctx.settings, "contact_log")
        right.addWidget(self.log_view, 1)
        # ID scans, signed leases: personal documents, for the roles that read them
        self.documents_box = QGroupBox("Documents")
        self.documents_box.setObjectName("tenant_documents")
        box_layout = QVBoxLayout(self.documents_box)
        self.documents = AttachmentsView(ctx, self.documents_box)
        box_layout.addWidget(self.documents)
        right.addWidget(self.documents_box, 1)
        return self.page

    def _build_conflicts(self) -> QWidget:
        """The roommate conflicts the tenant is a party to (kept in the Community pane): one
        line each, so the leases above keep their room."""
        box = QWidget()
        box.setObjectName("tenant_conflicts")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(heading("Conflicts", 12))
        self.no_conflicts = muted("none reported")
        self.no_conflicts.setObjectName("no_conflicts")
        head.addWidget(self.no_conflicts, 1)
        layout.addLayout(head)
        self.conflict_model: RowTableModel[TenantConflict] = RowTableModel([
            Column("status", "Status", lambda c: c.status, width=80),
            Column("conflict", "Conflict", conflict_text),
        ])
        self.conflict_view = ListView(self.conflict_model, self.ctx.settings, "tenant_conflicts")
        self.conflict_view.doubleClicked.connect(
            lambda *_: self.ctx.bus.open_pane_view.emit("community", "conflicts"))
        layout.addWidget(self.conflict_view)
        return box

    def show_tenant(self, tenant_id: uuid.UUID | None) -> None:
        if tenant_id is None:
            self.tenant = None
            self.stack.setCurrentWidget(self.empty)
            return
        db = self.ctx.db
        actor = self.ctx.actor

        def load() -> RecordData:
            return RecordData(
                tenants.get_tenant(db, actor, tenant_id),
                leasing.list_leases(db, actor, leasing.LeaseFilter(tenant_id=tenant_id)),
                contacts.list_contacts(db, actor, tenant_id),
                ledger.tenant_balance(db, actor, tenant_id) if actor.may("ledger.read")
                else None,
                conflicts.conflicts_of_tenants(db, actor, [tenant_id])[tenant_id])

        self.ctx.run_task(load, self._show)

    def _show(self, data: RecordData | None, error: BaseException | None) -> None:
        if error is not None or data is None:
            self.stack.setCurrentWidget(self.empty)
            return
        if self.page is None:
            self._build_page()
        t = data.tenant
        self.tenant = t
        archived = " (archived)" if t.archived_at else ""
        self.name.setText(t.full_name + archived)
        self.archive_button.setText("Restore" if t.archived_at else "Archive")
        self.email.setText(t.email)
        self.phone.setText(t.phone or "—")
        emergency = " · ".join(x for x in (t.emergency_contact_name,
                                          t.emergency_contact_phone) if x)
        self.emergency.setText(emergency or "— (add one with Edit)")
        self.notes.setText(t.notes or "—")
        owed = data.balance
        if owed is None:
            self.balance.setText("— (your role does not show money)")
            self.balance.setStyleSheet("")
        else:
            self.balance.setText(f"owes {self.ctx.money(owed)}" if owed > 0 else
                                 f"credit {self.ctx.money(-owed)}" if owed < 0
                                 else "nothing owed")
            self.balance.setStyleSheet("color: #b3261e; font-weight: 600;" if owed > 0 else "")
        self.lease_view.setColumnHidden(self.lease_model.column_index("rent"),
                                        not self.ctx.may("ledger.read"))
        self.lease_model.set_rows(sorted(data.leases, key=lambda r: r.lease_start,
                                         reverse=True))
        self.log_model.set_rows(data.log)
        self.conflict_model.set_rows(data.conflicts)
        self.conflict_view.setVisible(bool(data.conflicts))
        # as tall as its rows (three at most): the leases above keep the room
        shown = min(len(data.conflicts), 3)
        self.conflict_view.setFixedHeight(
            self.conflict_view.horizontalHeader().sizeHint().height()
            + shown * self.conflict_view.verticalHeader().defaultSectionSize()
            + 2 * self.conflict_view.frameWidth())
        self.no_conflicts.setVisible(not data.conflicts)
        self.log_view.proxy.set_search(self.log_search.text())
        may_read = self.ctx.may("documents.read")
        self.documents_box.setVisible(may_read)
        if may_read:
            self.documents.show_owner("tenant", t.id)
        self.stack.setCurrentWidget(self.scroller)

    def _filter_log(self, text: str) -> None:
        self.log_view.proxy.set_search(text)

    def log_contact(self) -> None:
        if self.tenant is None or not self.log_button.isEnabled():
            return  # a second Enter while the first is being saved logs nothing twice
        self.log_error.hide()
        tenant_id = self.tenant.id

        def refused(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self.log_error.setText(f"{exc.detail}" if exc.field == "summary" else str(exc))
            else:
                self.log_error.setText(str(exc))
            self.log_error.show()

        try:
            data = build(ContactCreate, tenant_id=tenant_id, kind=self.kind.currentText(),
                         contact_date=self.contact_date.value(), summary=self.summary.text())
        except ColivError as exc:
            refused(exc)
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.log_button.setEnabled(False)

        def done(_: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            self.log_button.setEnabled(True)
            if isinstance(error, ColivError):
                refused(error)
                return
            if error is not None:
                self.ctx.bus.error.emit(f"Could not log the contact: {error}")
                return
            self.summary.clear()
            if self.tenant is not None and self.tenant.id == tenant_id:
                self.show_tenant(tenant_id)

        self.ctx.run_task(lambda: contacts.add_contact(db, actor, data), done)

    def edit(self) -> None:
        if self.tenant is not None and self.ctx.editing is not None:
            self.ctx.editing.edit_tenant(self.tenant.id)

    def edit_profile(self) -> None:
        from coliv_desktop.ui.applications.dialog import TenantProfileDialog

        if self.tenant is not None and self.ctx.editing is not None:
            dialog = TenantProfileDialog(self.ctx, self.tenant, parent=self)
            if self.ctx.editing.run_dialog(dialog) == QDialog.DialogCode.Accepted:
                self.ctx.bus.applications_changed.emit()

    def archive(self) -> None:
        """Archive the tenant, or restore one who is archived."""
        if self.tenant is None or self.ctx.editing is None:
            return
        if self.tenant.archived_at is not None:
            self.ctx.editing.restore("tenant", self.tenant.id)
        else:
            self.ctx.editing.archive("tenant", self.tenant.id)

    def export_data(self) -> None:
        """Everything held about the tenant, as JSON in a zip (services.protection)."""
        if self.tenant is None:
            return
        tenant = self.tenant
        name = f"{tenant.first_name}-{tenant.last_name}".replace(" ", "-")
        path, _ = QFileDialog.getSaveFileName(self, "Export the tenant's data",
                                              f"{name}-data.zip", "Zip archive (*.zip)")
        if not path:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def done(written: Any, error: BaseException | None) -> None:
            if error is not None:
                if self.ctx.editing is not None and shiboken6.isValid(self):
                    self.ctx.editing.warn("Export not written", str(error))
                return
            self.ctx.bus.status_message.emit(f"Wrote {written}")

        self.ctx.run_task(lambda: protection.export_tenant(db, actor, tenant.id, path),
                          later(done))

    def erase(self) -> None:
        """Erase the tenant's personal data on request; the books keep amounts and dates."""
        editing = self.ctx.editing
        if self.tenant is None or editing is None:
            return
        tenant = self.tenant
        reason = editing.ask_text("Erase tenant", "Why is this tenant's personal data erased "
                                                  "(e.g. their request of today)?")
        if not reason or not reason.strip():
            return
        if not editing.confirm("Erase tenant", f"Erase {tenant.full_name}'s personal data? "
                               "Names, contact details, ID and bank details, notes and the "
                               "contact log's texts are removed for good; the ledger keeps "
                               "its amounts and dates. This cannot be undone."):
            return
        db, actor = self.ctx.db, self.ctx.actor

        def done(_: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                editing.warn("Not erased", str(error))
                return
            self.ctx.bus.tenants_changed.emit()
            self.show_tenant(tenant.id)

        self.ctx.run_task(lambda: protection.erase_tenant(db, actor, tenant.id, reason),
                          later(done))

    def new_lease(self) -> None:
        if self.tenant is not None and self.ctx.editing is not None:
            self.ctx.editing.new_lease(tenant_id=self.tenant.id)

    def _open_room(self, index: Any) -> None:
        row = self.lease_view.current_row()
        if row is not None:
            self.ctx.open_room(row.room_id)


