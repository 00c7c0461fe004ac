"""Tenants: every tenant (20,000 and more), searched and sorted by the database, loaded a
page at a time; the selected tenant's record beside the list."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QByteArray, QModelIndex, Qt, QTimer, SignalInstance
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.paging import Cursor, Seek, Slice
from coliv_desktop.schemas.overview import TenantRow
from coliv_desktop.services import directory
from coliv_desktop.ui.common.context import AppContext, SignalBus
from coliv_desktop.ui.common.models.paged import PagedQueryModel
from coliv_desktop.ui.common.models.table import Column
from coliv_desktop.ui.common.pane import Pane
from coliv_desktop.ui.common.widgets import ListView, heading, muted, search_box, tool_button
from coliv_desktop.ui.ledger.dialogs import LeaseChoice
from coliv_desktop.ui.tenants.record import TenantRecord


def tenant_columns() -> list[Column[TenantRow]]:
    return [
        Column("name", "Name", lambda r: f"{r.last_name}, {r.first_name}", width=190,
               sort="name"),
        Column("email", "Email", lambda r: r.email, width=220, sort="email"),
        Column("phone", "Phone", lambda r: r.phone, width=120, sort="phone"),
        Column("room", "Lives in", lambda r: r.room or "", width=200, sort="room"),
        Column("lease_end", "Lease ends", lambda r: r.lease_end, kind="date", width=100,
               sort="lease_end"),
    ]


class TenantsPane(Pane):
    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        return (bus.tenants_changed, bus.leases_changed)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Tenants"))
        self.count = muted()
        self.count.setObjectName("tenant_count")
        top.addWidget(self.count, 1, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(tool_button("Add tenant", "add", "Add a tenant (Ctrl+Shift+T)",
                                  self._add, allowed=self.ctx.allows("tenants.write")))
        layout.addLayout(top)
        self.search = search_box("Search name, email, phone or room")
        self.show_archived = QCheckBox("Show archived")
        self.show_archived.setObjectName("show_archived_tenants")
        self.show_archived.setToolTip("List archived tenants too (greyed); open one to restore")
        self._with_archived = False  # read by the page queries, which run in workers
        self.show_archived.toggled.connect(self._toggle_archived)
        find = QHBoxLayout()
        find.addWidget(self.search, 1)
        find.addWidget(self.show_archived)
        layout.addLayout(find)
        self.model: PagedQueryModel[TenantRow] = PagedQueryModel(
            tenant_columns(), None, self._count, seek=self._seek, anchors=self._anchors,
            run=ctx.run_task, money=ctx.money,
            style=lambda r: (QColor("#9ca3af") if r.archived_at else None, False))
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("tenants_split")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.view = ListView(self.model, ctx.settings, "tenants")
        left_layout.addWidget(self.view)
        self.empty = QLabel()
        self.record = TenantRecord(ctx)
        self.split.addWidget(left)
        self.split.addWidget(self.record)
        self.split.setSizes([330, 400])
        state = ctx.settings.value("splitters/tenants")
        if isinstance(state, QByteArray | bytes):
            self.split.restoreState(QByteArray(state))
        self.split.splitterMoved.connect(
            lambda *_: ctx.settings.setValue("splitters/tenants", self.split.saveState()))
        layout.addWidget(self.split, 1)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(250)
        self._typing.timeout.connect(lambda: self.view.proxy.set_search(self.search.text()))
        self.search.textChanged.connect(lambda *_: self._typing.start())
        self.view.selectionModel().currentRowChanged.connect(self._selected)
        self.model.modelReset.connect(self._update_count)
        self._want: uuid.UUID | None = None
        ctx.bus.tenants_changed.connect(self._refresh_record)

    def _seek(self, search: str, sort: str, descending: bool, seek: Seek, limit: int
              ) -> Slice[TenantRow]:
        return directory.tenant_seek(self.ctx.db, self.ctx.actor, search, sort=sort,
                                     descending=descending,
                                     seek=seek, limit=limit,
                                     include_archived=self._with_archived)

    def _anchors(self, search: str, sort: str, descending: bool, every: int) -> list[Cursor]:
        return directory.tenant_anchors(self.ctx.db, self.ctx.actor, search, sort=sort,
                                        descending=descending,
                                        every=every, include_archived=self._with_archived)

    def _count(self, search: str) -> int:
        return directory.count_tenant_rows(self.ctx.db, self.ctx.actor, search,
                                           include_archived=self._with_archived)

    def reload(self) -> None:
        self.model.reload()

    def _toggle_archived(self, shown: bool) -> None:
        self._with_archived = shown
        self.model.reload()

    def apply_search_now(self) -> None:
        """Search at once rather than after the typing pause (tests, Enter key)."""
        self._typing.stop()
        self.view.proxy.set_search(self.search.text())

    def _update_count(self) -> None:
        total = self.model.total
        what = "tenant" if total == 1 else "tenants"
        found = f" matching “{self.model.search}”" if self.model.search else ""
        self.count.setText(f"{total:,} {what}{found}")
        if self._want is not None:
            want = self._want
            if self.view.select_where(lambda r: r.id == want):
                self._want = None
        self.loaded.emit()

    def _selected(self, current: QModelIndex, previous: QModelIndex) -> None:
        row = self.view.current_row()
        self.record.show_tenant(row.id if row is not None else None)

    def show_tenant(self, tenant_id: uuid.UUID) -> None:
        """Open a tenant's record (from any pane), selecting them in the list if loaded."""
        self.record.show_tenant(tenant_id)
        if not self.view.select_where(lambda r: r.id == tenant_id):
            self._want = tenant_id

    def lease_choice(self) -> LeaseChoice | None:
        """For Record Payment and Charge or Credit: the tenant whose record is open (their
        current lease), else the one tenant the search leaves listed."""
        shown = self.record.tenant
        ident = shown.id if shown is not None else self.view.lone_value("id")
        return LeaseChoice(tenant_id=ident) if ident is not None else None

    def _refresh_record(self) -> None:
        if self.record.tenant is not None and self.ctx.has_database:
            self.record.show_tenant(self.record.tenant.id)

    def prepare_screenshot(self) -> None:
        if self.model.rowCount():
            self.view.selectRow(0)

    def _add(self) -> None:
        if self.ctx.editing is not None:
            self.ctx.editing.add_tenant()
