"""Leases: current, upcoming or past, searched and sorted by the database a page at a time;
new lease, move-out, renewal, transfer and cancellation from here."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, SignalInstance
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout

from coliv_desktop.domain.paging import Cursor, Seek, Slice
from coliv_desktop.schemas.leasing import LeaseRow
from coliv_desktop.services import directory
from coliv_desktop.ui.common.context import AppContext, SignalBus
from coliv_desktop.ui.common.models.paged import PagedQueryModel
from coliv_desktop.ui.common.models.table import Column
from coliv_desktop.ui.common.pane import Pane
from coliv_desktop.ui.common.widgets import ListView, heading, muted, search_box, tool_button
from coliv_desktop.ui.ledger.dialogs import LeaseChoice

STATUSES = (("current", "Current"), ("upcoming", "Upcoming"), ("ended", "Ended"),
            ("overdue", "Past end, no move-out"), ("all", "All"))


def lease_columns() -> list[Column[LeaseRow]]:
    return [
        Column("tenant", "Tenant", lambda r: r.tenant_name, width=160, sort="tenant"),
        Column("room", "Room", lambda r: f"{r.property_name} · {r.unit_number}-{r.room_number}",
               width=200, sort="room"),
        Column("bed", "Bed", lambda r: r.bed, kind="int", width=40),
        Column("start", "Start", lambda r: r.lease_start, kind="date", width=95, sort="start"),
        Column("end", "End", lambda r: r.lease_end, kind="date", width=95, sort="end",
               display=lambda r: r.lease_end.isoformat() if r.lease_end else "open"),
        Column("rent", "Rent / mo", lambda r: r.rent_amount, kind="money", width=95,
               sort="rent"),
        Column("deposit", "Deposit", lambda r: r.deposit_amount, kind="money", width=90),
        Column("status", "Status", lambda r: r.status, width=70, sort="status"),
        Column("origin", "Origin", lambda r: r.origin, width=80, visible=False),
    ]


class LeasesPane(Pane):
    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        return (bus.leases_changed, bus.tenants_changed, bus.portfolio_changed)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Leases"))
        self.count = muted()
        self.count.setObjectName("lease_count")
        top.addWidget(self.count, 1, Qt.AlignmentFlag.AlignBottom)
        self.new_button = tool_button("New lease", "add", "Let a room (Ctrl+Shift+L)",
                                      self._new, allowed=self.ctx.allows("leases.write"))
        self.move_out_button = tool_button("Move out…", "archive",
                                           "Record the selected tenant's move-out",
                                           self._move_out, allowed=self.ctx.allows("leases.write"))
        self.renew_button = tool_button("Renew…", "turnover", "Renew the selected lease",
                                        self._renew, allowed=self.ctx.allows("leases.write"))
        self.transfer_button = tool_button("Transfer…", "leases",
                                           "Move the selected tenant to another room",
                                           self._transfer, allowed=self.ctx.allows("leases.write"))
        self.transfer_button.setObjectName("transfer_button")
        self.cancel_button = tool_button("Cancel lease…", "archive",
                                         "Void a lease entered by mistake", self._cancel,
                                         allowed=self.ctx.allows("leases.write"))
        self.reopen_button = tool_button("Reopen…", "turnover",
                                         "Undo the selected lease's move-out (made earlier)",
                                         self._reopen, allowed=self.ctx.allows("leases.write"))
        self.reopen_button.setObjectName("reopen_button")
        self.deposit_button = tool_button("Deposit…", "ledger",
                                          "Settle the deposit of an ended lease (deductions, "
                                          "refund, letter), or print its letter again",
                                          self._deposit, allowed=self.ctx.allows("ledger.write"))
        self.deposit_button.setObjectName("deposit_button")
        self.agreement_button = tool_button("Agreement…", "ledger",
                                            "The selected lease's agreement as PDF: preview, "
                                            "print or save", self._agreement,
                                            allowed=self.ctx.allows("documents.read"))
        self.agreement_button.setObjectName("agreement_button")
        self.documents_button = tool_button("Documents…", "leases",
                                            "Files attached to the selected lease (the signed "
                                            "agreement, an inventory)", self._documents,
                                            allowed=self.ctx.allows("documents.read"))
        self.documents_button.setObjectName("lease_documents_button")
        layout.addLayout(top)
        actions = QHBoxLayout()  # a row of their own: the pane keeps its width for the list
        for button in (self.new_button, self.move_out_button, self.renew_button,
                       self.transfer_button, self.reopen_button, self.cancel_button,
                       self.deposit_button, self.agreement_button, self.documents_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        filters = QHBoxLayout()
        self.status = QComboBox()
        self.status.setObjectName("lease_status")
        for key, label in STATUSES:
            self.status.addItem(label, key)
        self.status.setToolTip("Which leases to list")
        # what the workers read: a plain value set on the GUI thread, never the widget
        self.status_filter = str(self.status.currentData())
        self.search = search_box("Search tenant, property or room (e.g. 3B-A)")
        filters.addWidget(self.status)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)
        self.model: PagedQueryModel[LeaseRow] = PagedQueryModel(
            lease_columns(), None, self._count, seek=self._seek, anchors=self._anchors,
            run=ctx.run_task, money=ctx.money,
            default_sort="room",
            style=lambda r: (QColor("#9ca3af") if r.status != "active" else None, False))
        self.view = ListView(self.model, ctx.settings, "leases")
        self.view.doubleClicked.connect(self._open)
        layout.addWidget(self.view, 1)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(250)
        self._typing.timeout.connect(lambda: self.view.proxy.set_search(self.search.text()))
        self.search.textChanged.connect(lambda *_: self._typing.start())
        self.status.currentIndexChanged.connect(lambda *_: self._status_changed())
        self.model.modelReset.connect(self._update_count)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self._enable()

    def show_view(self, view: str) -> None:
        """`open_pane_view`: the views of this pane are its filters."""
        self.show_status(view)

    def show_status(self, status: str) -> None:
        """List the leases of one filter ("overdue": past their end, no move-out recorded)."""
        index = self.status.findData(status)
        if index >= 0:
            self.status.setCurrentIndex(index)

    def _status_changed(self) -> None:
        self.status_filter = str(self.status.currentData())
        self.model.reload()

    def _seek(self, search: str, sort: str, descending: bool, seek: Seek, limit: int
              ) -> Slice[LeaseRow]:
        return directory.lease_seek(self.ctx.db, self.ctx.actor, search, status=self.status_filter,
                                    sort=sort, descending=descending, seek=seek, limit=limit)

    def _anchors(self, search: str, sort: str, descending: bool, every: int) -> list[Cursor]:
        return directory.lease_anchors(self.ctx.db, self.ctx.actor, search,
                                       status=self.status_filter,
                                       sort=sort, descending=descending, every=every)

    def _count(self, search: str) -> int:
        return directory.count_lease_rows(self.ctx.db, self.ctx.actor, search,
                                          status=self.status_filter)

    def reload(self) -> None:
        money = self.ctx.may("ledger.read")  # staff see who lives where, not the rents
        for key in ("rent", "deposit"):
            self.view.setColumnHidden(self.model.column_index(key), not money)
        self.model.reload()

    def _update_count(self) -> None:
        total = self.model.total
        self.count.setText(f"{total:,} {self.status.currentText().lower()} "
                           f"lease{'s' if total != 1 else ''}")
        self._enable()
        self.loaded.emit()

    def _enable(self) -> None:
        row = self.view.current_row()
        active = row is not None and row.status == "active"
        self.move_out_button.setEnabled(active)
        self.renew_button.setEnabled(row is not None and row.lease_end is not None)
        self.transfer_button.setEnabled(active)
        self.cancel_button.setEnabled(row is not None and row.status != "cancelled")
        self.deposit_button.setEnabled(row is not None and row.status == "ended"
                                       and row.deposit_amount > 0)
        self.reopen_button.setEnabled(row is not None and row.status == "ended")
        self.agreement_button.setEnabled(row is not None and row.status != "cancelled")
        self.documents_button.setEnabled(row is not None)

    def lease_choice(self) -> LeaseChoice | None:
        """For Record Payment and Charge or Credit: the selected lease, else the one lease the
        search leaves listed."""
        row = self.view.current_row()
        ident = row.id if row is not None else self.view.lone_value("id")
        return LeaseChoice(lease_id=ident) if ident is not None else None

    def _open(self, *_: object) -> None:
        row = self.view.current_row()
        if row is not None:
            self.ctx.open_room(row.room_id)

    def _new(self) -> None:
        if self.ctx.editing is not None:
            self.ctx.editing.new_lease()

    def _move_out(self) -> None:
        row = self.view.current_row()
        if row is not None and self.ctx.editing is not None:
            self.ctx.editing.move_out(row)

    def _renew(self) -> None:
        row = self.view.current_row()
        if row is not None and self.ctx.editing is not None:
            self.ctx.editing.renew(row)

    def _transfer(self) -> None:
        row = self.view.current_row()
        if row is not None and self.ctx.editing is not None:
            self.ctx.editing.transfer(row)

    def _cancel(self) -> None:
        row = self.view.current_row()
        if row is not None and self.ctx.editing is not None:
            self.ctx.editing.cancel_lease(row)

    def _deposit(self) -> None:
        from coliv_desktop.ui.ledger.deposit import deposit_action

        row = self.view.current_row()
        if row is not None:
            deposit_action(self.ctx, row.id, self)

    def _agreement(self) -> None:
        from coliv_desktop.ui.ledger.views import lease_agreement

        row = self.view.current_row()
        if row is not None:
            lease_agreement(self.ctx, self, row.id)

    def _documents(self) -> None:
        from coliv_desktop.ui.common.attachments import DocumentsDialog

        row = self.view.current_row()
        if row is not None:
            DocumentsDialog(self.ctx, "lease", row.id,
                            f"Documents of the lease: {row.tenant_name}, {row.property_name} "
                            f"{row.unit_number}-{row.room_number}",
                            self).exec()

    def _reopen(self) -> None:
        row = self.view.current_row()
        if row is not None and self.ctx.editing is not None:
            self.ctx.editing.reopen(row)
