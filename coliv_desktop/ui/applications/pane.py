"""Applications: the list (status filter and search) beside the selected application's
matches; new applications and batch placement plans from here."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QByteArray, QModelIndex, Qt, SignalInstance
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QSplitter, QVBoxLayout

from coliv_desktop.schemas.applications import OPEN_STATUSES, ApplicationRow
from coliv_desktop.services import applications
from coliv_desktop.ui.applications.dialog import ApplicationDialog
from coliv_desktop.ui.applications.plan import PlanDialog
from coliv_desktop.ui.applications.view import STATUS_COLOURS, ApplicationView
from coliv_desktop.ui.common.context import AppContext, SignalBus
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.pane import Pane
from coliv_desktop.ui.common.widgets import ListView, heading, muted, search_box, tool_button

FILTERS = (("open", "Open (pending and waitlisted)"), ("pending", "Pending"),
           ("waitlisted", "Waitlisted"), ("approved", "Approved"), ("rejected", "Rejected"),
           ("withdrawn", "Withdrawn"), ("all", "All"))


def application_columns() -> list[Column[ApplicationRow]]:
    # the status beside the name: seen without scrolling sideways on a 1280-pixel screen
    return [
        Column("name", "Applicant", lambda r: r.full_name, width=130),
        Column("status", "Status", lambda r: r.status, width=80),
        Column("move_in", "Move-in", lambda r: r.move_in_date, kind="date", width=85),
        Column("budget", "Budget", lambda r: r.max_rent, kind="money", width=75),
        Column("best", "Best match", lambda r: r.best_room or "", width=160),
        Column("score", "Score", lambda r: r.best_score, kind="int", width=50),
        Column("email", "Email", lambda r: r.email, width=170, visible=False),
    ]


class ApplicationsPane(Pane):
    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        return (bus.applications_changed, bus.leases_changed)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Applications"))
        self.count = muted()
        self.count.setObjectName("application_count")
        top.addWidget(self.count, 1, Qt.AlignmentFlag.AlignBottom)
        self.new_button = tool_button("New application", "add",
                                      "Add an application; it is matched at once", self.add,
                                      allowed=self.ctx.allows("applications.write"))
        self.plan_button = tool_button("Plan placements…", "dashboard",
                                       "Propose rooms for every pending application at once",
                                       self.plan, allowed=self.ctx.allows("applications.write"))
        self.rescore_button = tool_button(
            "Rescore out of date", "turnover", "Score again every open application whose "
            "leases, rooms or residents changed since it was scored", self.rescore_out_of_date,
            allowed=self.ctx.allows("applications.write"))
        self.rescore_button.setObjectName("rescore_out_of_date")
        top.addWidget(self.new_button)
        top.addWidget(self.rescore_button)
        top.addWidget(self.plan_button)
        layout.addLayout(top)
        filters = QHBoxLayout()
        self.status = QComboBox()
        self.status.setObjectName("application_status_filter")
        for key, label in FILTERS:
            self.status.addItem(label, key)
        self.search = search_box("Search name, email, phone or notes")
        filters.addWidget(self.status)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)
        self.model: RowTableModel[ApplicationRow] = RowTableModel(
            application_columns(), money=ctx.money,
            style=lambda r: (QColor(STATUS_COLOURS["withdrawn"])
                             if r.status not in OPEN_STATUSES else None, False))
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("applications_split")
        self.list = ListView(self.model, ctx.settings, "applications")
        self.detail = ApplicationView(ctx)
        self.split.addWidget(self.list)
        self.split.addWidget(self.detail)
        self.list.setMinimumWidth(300)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 3)
        self.split.setSizes([440, 660])
        state = ctx.settings.value("splitters/applications")
        if isinstance(state, QByteArray | bytes):
            self.split.restoreState(QByteArray(state))
        self.split.splitterMoved.connect(
            lambda *_: ctx.settings.setValue("splitters/applications", self.split.saveState()))
        layout.addWidget(self.split, 1)
        self.status.currentIndexChanged.connect(lambda *_: self.reload())
        self.search.textChanged.connect(lambda text: self.list.proxy.set_search(text))
        self.list.selectionModel().currentRowChanged.connect(self._selected)
        self._want: uuid.UUID | None = None

    def reload(self) -> None:
        if not self.ctx.has_database:
            return
        db = self.ctx.db
        actor = self.ctx.actor
        wanted = str(self.status.currentData())
        self.ctx.run_task(lambda: applications.list_applications(
            db, actor, None if wanted in ("open", "all") else wanted), self._show)

    def _show(self, rows: list[ApplicationRow] | None, error: BaseException | None) -> None:
        if error is not None or rows is None:
            self.ctx.bus.error.emit(f"Could not load the applications: {error}")
            return
        wanted = str(self.status.currentData())
        if wanted == "open":
            rows = [r for r in rows if r.status in OPEN_STATUSES]
        current = self.detail.application.id if self.detail.application else None
        self.model.set_rows(rows)
        pending = sum(1 for r in rows if r.status == "pending")
        self.count.setText(f"{len(rows)} shown · {pending} pending")
        target = self._want or current
        if target is not None and self.list.select_where(lambda r: r.id == target):
            self._want = None
            self.detail.show_application(target)
        elif rows and current is None:
            self.list.selectRow(0)
        self.loaded.emit()

    def _selected(self, current: QModelIndex, previous: QModelIndex) -> None:
        row = self.list.current_row()
        self.detail.show_application(row.id if row is not None else None)

    def show_application(self, application_id: uuid.UUID) -> None:
        self._want = application_id
        if not self.list.select_where(lambda r: r.id == application_id):
            self.status.setCurrentIndex(self.status.findData("all"))
            self.reload()

    def add(self) -> None:
        dialog = ApplicationDialog(self.ctx, parent=self)
        if self.detail.run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        self._want = dialog.saved.id
        self.ctx.bus.applications_changed.emit()

    def plan(self) -> None:
        dialog = PlanDialog(self.ctx, parent=self)
        self.detail.run_dialog(dialog)
        if dialog.approved_any:
            bus = self.ctx.bus
            for signal in (bus.applications_changed, *bus.lease_signals()):
                signal.emit()

    def rescore_out_of_date(self) -> None:
        """Each out-of-date open application rescored in its own transaction, with progress
        and Cancel (those done stay done)."""
        from coliv_desktop.services import matching
        from coliv_desktop.ui.common.tasks import TaskCancelled, TaskControl, run_with_progress

        db, actor = self.ctx.db, self.ctx.actor

        def work(control: TaskControl) -> list[uuid.UUID]:
            def progress(done: int, total: int, text: str) -> None:
                control.check()
                control.progress(done, total, text)
            return matching.rescore_out_of_date(db, actor, progress)

        def done(result: list[uuid.UUID] | None, error: BaseException | None) -> None:
            if isinstance(error, TaskCancelled):
                message = "Rescoring stopped; the applications rescored so far keep their scores."
            elif error is not None or result is None:
                message = f"Could not rescore: {error}"
            else:
                message = (f"Rescored {len(result)} application"
                           f"{'s' if len(result) != 1 else ''}." if result
                           else "Every open application's scores are up to date.")
            self.ctx.bus.status_message.emit(message)
            self.ctx.bus.applications_changed.emit()

        run_with_progress(self.ctx.tasks, self, "Rescoring applications", work, done)
