"""The audit log: every change anyone made, newest first, searched by the database a page at
a time, filtered by who, what kind of thing and which days, exported as CSV; the selected
entry's changes (old and new values) below the list."""

from __future__ import annotations

import json
import uuid

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.errors import ColivError, ValidationError
from coliv_desktop.schemas.history import AuditRow
from coliv_desktop.services import history
from coliv_desktop.ui.common.context import AppContext, RecordKind
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.models.paged import PagedQueryModel
from coliv_desktop.ui.common.models.table import Column
from coliv_desktop.ui.common.widgets import ListView, muted, not_saved, search_box

# What an entry is about -> the bus signal that shows it (money entries show their lease).
# the record an entry's entity is shown as (money entries as their lease)
OPENS: dict[str, RecordKind] = {
    "tenant": "tenant", "lease": "lease", "room": "room", "unit": "unit",
    "property": "property", "payment": "lease", "credit": "lease", "charge": "lease"}


def opens(ctx: AppContext, row: AuditRow) -> tuple[RecordKind, uuid.UUID] | None:
    """(kind, id) of the record an entry is about, if it still exists to be shown. A money
    entry's lease is looked up: call it in a worker."""
    from coliv_desktop.domain.errors import ColivError
    from coliv_desktop.services import ledger

    kind = OPENS.get(row.entity_type)
    if kind is None or not row.entity_id:
        return None
    try:
        ident = uuid.UUID(row.entity_id)
        if row.entity_type in ("payment", "credit"):
            ident = ledger.get_payment(ctx.db, ctx.actor, ident).lease_id
        elif row.entity_type == "charge":
            ident = ledger.get_charge(ctx.db, ctx.actor, ident).lease_id
    except (ValueError, ColivError):  # gone since (an add undone), or not an id
        return None
    return kind, ident


class HistoryDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit log")
        self.resize(980, 620)
        self.ctx = ctx
        db = ctx.db
        actor = ctx.actor
        self.where = history.EVERYTHING  # read by the model's workers: replaced, never changed
        self.search = search_box("Search what was done, by whom, to what")
        self.count = muted()
        self.count.setObjectName("audit_count")
        self.model: PagedQueryModel[AuditRow] = PagedQueryModel(
            [Column("when", "When", lambda r: r.occurred_at.astimezone(), width=150,
                    sort="when", display=lambda r: f"{r.occurred_at.astimezone():%Y-%m-%d %H:%M}"),
             Column("who", "Who", lambda r: r.actor_name, width=90),
             Column("action", "Did", lambda r: r.action, width=90),
             Column("what", "To", lambda r: r.entity_type, width=90),
             Column("summary", "What happened", lambda r: r.summary, width=520)],
            None, lambda search: history.count_audit_entries(db, actor, search, where=self.where),
            seek=lambda search, sort, descending, seek, limit: history.audit_seek(
                db, actor, search, where=self.where, descending=descending, seek=seek, limit=limit),
            anchors=lambda search, sort, descending, every: history.audit_anchors(
                db, actor, search, where=self.where, descending=descending, every=every),
            run=ctx.run_task, default_sort="when")
        self.model.descending = True  # newest first
        self.view = ListView(self.model, ctx.settings, "audit_log")
        self.changes = QPlainTextEdit()
        self.changes.setObjectName("audit_changes")
        self.changes.setReadOnly(True)
        self.changes.setMaximumHeight(150)
        self.changes.setPlaceholderText("Select an entry to see what it changed")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("audit_open")
        self.open_button.setToolTip("Show the record this entry is about (Enter)")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(lambda *_: self.open_selected())
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.view.activated.connect(lambda *_: self.open_selected())
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setObjectName("audit_export")
        self.export_button.setToolTip("Every entry the filters keep, as a CSV file")
        self.export_button.clicked.connect(lambda *_: self.export())
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.verify_button = QPushButton("Verify")
        self.verify_button.setObjectName("audit_verify")
        self.verify_button.setToolTip("Check that no entry was changed, removed or slipped in "
                                      "behind the app's back (the entries' hash chain)")
        self.verify_button.clicked.connect(lambda *_: self.verify())
        buttons.addButton(self.verify_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addLayout(self._build_filters())
        layout.addWidget(self.count)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.changes)
        layout.addWidget(buttons)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(250)
        self._typing.timeout.connect(lambda: self.view.proxy.set_search(self.search.text()))
        self.search.textChanged.connect(lambda *_: self._typing.start())
        self.model.modelReset.connect(self._counted)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_changes())
        self.model.reload()

    def _build_filters(self) -> QHBoxLayout:
        """Who, what kind of thing, from and to which day: each change reads the list again.
        The names and kinds are read in a worker."""
        self.who = QComboBox()
        self.who.setObjectName("audit_who")
        self.what = QComboBox()
        self.what.setObjectName("audit_what")
        for box, anyone in ((self.who, "Anyone"), (self.what, "Anything")):
            box.addItem(anyone, None)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.start = DateField(None, optional=True, none_text="From this day on")
        self.start.setObjectName("audit_from")
        self.end = DateField(None, optional=True, none_text="Up to this day")
        self.end.setObjectName("audit_to")
        self.filter_error = QLabel()
        self.filter_error.setStyleSheet("color: #b3261e;")
        row = QHBoxLayout()
        for label, widget in (("By", self.who), ("About", self.what), ("From", self.start),
                              ("to", self.end)):
            row.addWidget(QLabel(label))
            row.addWidget(widget)
        row.addWidget(self.filter_error, 1)
        self.who.currentIndexChanged.connect(lambda *_: self.apply_filters())
        self.what.currentIndexChanged.connect(lambda *_: self.apply_filters())
        self.start.changed.connect(self.apply_filters)
        self.end.changed.connect(self.apply_filters)
        db = self.ctx.db
        actor = self.ctx.actor

        def fill(choices: tuple[list[str], list[str]] | None, error: BaseException | None
                 ) -> None:
            if choices is None or not shiboken6.isValid(self):
                return
            for box, names in zip((self.who, self.what), choices, strict=True):
                box.blockSignals(True)
                for name in names:
                    box.addItem(name, name)
                box.blockSignals(False)

        self.ctx.run_task(lambda: history.audit_choices(db, actor), fill)
        return row

    def apply_filters(self) -> None:
        where = history.AuditFilter(who=self.who.currentData(),
                                    entity_type=self.what.currentData(),
                                    start=self.start.value(), end=self.end.value())
        try:
            history.check_filter(where)  # the service's rule, before any worker reads
        except ValidationError as exc:  # the only field it names is the last day
            self.filter_error.setText(f"The last day {exc.detail}.")
            return
        self.filter_error.setText("")
        self.where = where
        self.model.reload()

    def export(self, target: str | None = None) -> None:
        """Every entry the search and filters keep, as CSV, written in a worker."""
        if target is None:
            target, _ = QFileDialog.getSaveFileName(self, "Export the audit log",
                                                    "audit-log.csv", "CSV files (*.csv)")
        if not target:
            return
        db, search, where = self.ctx.db, self.model.search, self.where
        actor = self.ctx.actor
        self.export_button.setEnabled(False)

        def done(written: int | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            self.export_button.setEnabled(True)
            if isinstance(error, ColivError | OSError):
                self.count.setText(f"Not exported: {not_saved(error) or error}")
            elif error is None:
                self.count.setText(f"Exported {written:,} entr{'y' if written == 1 else 'ies'}"
                                   f" to {target}")

        self.ctx.run_task(lambda: history.export_audit_csv(db, actor, target, search, where), done)

    def verify(self) -> None:
        """Walk the whole chain in a worker; say whether it holds, or the first broken link."""
        from coliv_desktop.services import audit

        db, actor = self.ctx.db, self.ctx.actor
        self.verify_button.setEnabled(False)
        self.count.setText("Verifying the audit log …")

        def done(report: audit.ChainReport | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            self.verify_button.setEnabled(True)
            if report is None:
                self.count.setText(f"Could not verify: {error}")
            elif report.ok:
                said = report.describe()
                self.count.setText(f"✓ {said[:1].upper()}{said[1:]}")
            else:
                self.count.setText(f"✗ The audit log was tampered with: {report.describe()}")
                self.count.setStyleSheet("color: #b3261e;")

        self.ctx.run_task(lambda: audit.verify_chain(db, actor), done)

    def apply_search_now(self) -> None:
        self._typing.stop()
        self.view.proxy.set_search(self.search.text())

    def _counted(self) -> None:
        total = self.model.total
        self.count.setText(f"{total:,} entr{'y' if total == 1 else 'ies'}"
                           + (f" matching “{self.model.search}”" if self.model.search else ""))

    def open_selected(self) -> bool:
        """The record the selected entry is about, in the window (the log closes once it is
        found, in the background). False when the entry is about nothing that can be shown."""
        row = self.view.current_row()
        if not isinstance(row, AuditRow) or OPENS.get(row.entity_type) is None:
            return False
        ctx = self.ctx

        def done(target: tuple[RecordKind, uuid.UUID] | None, error: BaseException | None) -> None:
            if target is None or not shiboken6.isValid(self):
                if error is None and shiboken6.isValid(self):
                    self.changes.setPlainText("What this entry is about is gone since.")
                return
            kind, ident = target
            self.accept()
            ctx.bus.open_record(kind).emit(ident)

        ctx.run_task(lambda: opens(ctx, row), done)
        return True

    def _show_changes(self) -> None:
        row = self.view.current_row()
        self.open_button.setEnabled(isinstance(row, AuditRow) and row.entity_type in OPENS)
        if isinstance(row, AuditRow):
            self.changes.setPlainText(json.dumps(row.changes, indent=2, ensure_ascii=False)
                                      if row.changes else "(no field changes recorded)")
