"""Roommate conflicts: the list, a new report (a unit, then parties among its tenants), the
selected report's mediation log with notes, its status moves (only the allowed ones, one
click each) and its documents."""

from __future__ import annotations

import uuid
from typing import Any, cast

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.community import (
    ConflictCreate,
    ConflictNoteOut,
    ConflictOut,
    ConflictStatus,
)
from coliv_desktop.services import conflicts
from coliv_desktop.ui.common.attachments import AttachmentsView
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import (
    ListView,
    empty_state,
    heading,
    list_filter,
    muted,
    tool_button,
)
from coliv_desktop.ui.community.common import (
    WRITE,
    CommunityTab,
    Places,
    chosen,
    local_text,
    residents,
)

CATEGORIES = (("noise", "Noise"), ("cleanliness", "Cleanliness"), ("guests", "Guests"),
              ("bills", "Bills"), ("safety", "Safety"), ("other", "Other"))
SEVERITIES = (("low", "Low"), ("medium", "Medium"), ("high", "High"))
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}
STATUS_RANK = {"escalated": 0, "open": 1, "mediating": 2, "resolved": 3}
SEVERITY_COLOURS = {"high": QColor("#b3261e"), "medium": QColor("#9a6700")}
GREY = QColor("#9ca3af")
# (target status, button text, what it does): each a click; enabled when MOVES allows it
MOVES = (("mediating", "Mediating", "Mediation has started"),
         ("resolved", "Resolve…", "Resolved: record the outcome"),
         ("escalated", "Escalate", "Mediation did not help: escalate"),
         ("open", "Reopen", "The conflict is back: open it again"))


def conflict_order(c: ConflictOut) -> tuple[int, int]:
    """The ones needing attention first (escalated, open, mediating), newest first within."""
    return (STATUS_RANK.get(c.status, 4), -c.reported_on.toordinal())


def parties_text(c: ConflictOut) -> str:
    return ", ".join(p.name for p in c.parties)


class ConflictDialog(FormDialog):
    """A new report: the unit first, then two or more of the people living in it."""

    def __init__(self, ctx: AppContext, places: Places, *, property_id: uuid.UUID | None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Report a conflict", parent, runner=ctx, save_text="Report")
        self.ctx = ctx
        self.unit_id = QComboBox()
        units = sorted(places.units.items(), key=lambda u: places.unit_label(u[0]).casefold())
        for unit_id, (prop, _number) in units:
            if property_id is None or prop == property_id:
                self.unit_id.addItem(places.unit_label(unit_id), str(unit_id))
        self.parties = QListWidget()
        self.parties.setObjectName("parties")
        self.parties.setMaximumHeight(130)
        self.conflict_type = QComboBox()
        for key, label in CATEGORIES:
            self.conflict_type.addItem(label, key)
        self.severity = QComboBox()
        for key, label in SEVERITIES:
            self.severity.addItem(label, key)
        self.severity.setCurrentIndex(1)
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("What happened, as the parties told it")
        self.description.setMinimumHeight(90)
        self.fields.add("unit_id", "Unit", self.unit_id)
        self.fields.add("parties", "Between", self.parties)
        self.fields.add("conflict_type", "Category", self.conflict_type)
        self.fields.add("severity", "Severity", self.severity)
        self.fields.add("description", "Summary", self.description)
        self.finish_layout()
        self.unit_id.currentIndexChanged.connect(lambda *_: self._load_parties())
        self._load_parties()

    def _load_parties(self) -> None:
        self.parties.clear()
        unit = chosen(self.unit_id)
        if unit is None:
            return
        request = int(self.parties.property("request") or 0) + 1
        self.parties.setProperty("request", request)
        ctx = self.ctx

        def done(rows: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or self.parties.property("request") != request:
                return
            if error is not None:
                self.show_banner(str(error))
                return
            for row in rows:
                item = QListWidgetItem(f"{row.tenant_name} (room {row.room_number})")
                item.setData(Qt.ItemDataRole.UserRole, str(row.tenant_id))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.parties.addItem(item)
            if len(rows) < 2:
                self.fields.set_error("parties", "Fewer than two people live in this unit")
            else:
                self.fields.clear("parties")

        ctx.run_task(lambda: residents(ctx, unit_id=unit), done)

    def check_party(self, name: str) -> None:
        """Tick the person whose label starts with `name` (what a click on the box does)."""
        for row in range(self.parties.count()):
            item = self.parties.item(row)
            if item.text().startswith(name):
                item.setCheckState(Qt.CheckState.Checked)

    def chosen_parties(self) -> list[uuid.UUID]:
        out = []
        for row in range(self.parties.count()):
            item = self.parties.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(uuid.UUID(str(item.data(Qt.ItemDataRole.UserRole))))
        return out

    def build_input(self) -> Any:
        parties = self.chosen_parties()
        if len(parties) < 2:
            raise ValidationError("parties", "tick at least two people")
        return build(ConflictCreate, unit_id=chosen(self.unit_id), parties=parties,
                     conflict_type=self.conflict_type.currentData(),
                     severity=self.severity.currentData(),
                     description=self.description.toPlainText())

    def save(self, data: Any) -> ConflictOut:
        return conflicts.report_conflict(self.ctx.db, self.ctx.actor, data)


class ConflictsTab(CommunityTab):
    title = "Conflicts"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.conflict: ConflictOut | None = None
        self.rows: list[ConflictOut] = []
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.new_button = tool_button("New…", "add", "Report a conflict between roommates "
                                      "(Ctrl+N)", self.new, allowed=ctx.allows(WRITE))
        self.new_button.setObjectName("new_conflict")
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        self.open_only = QCheckBox("Only unresolved")
        self.open_only.toggled.connect(lambda *_: self.reload())
        buttons.addWidget(self.open_only)
        layout.addLayout(buttons)
        self.model: RowTableModel[ConflictOut] = RowTableModel([
            Column("order", "Needing attention first", conflict_order, visible=False,
                   display=lambda c: ""),
            Column("reported", "Reported", lambda c: c.reported_on, kind="date", width=85),
            Column("unit", "Unit", lambda c: self.places.unit_label(c.unit_id), width=160),
            Column("parties", "Parties", parties_text, width=200),
            Column("category", "Category", lambda c: c.conflict_type, width=90,
                   display=lambda c: dict(CATEGORIES).get(c.conflict_type, c.conflict_type)),
            Column("severity", "Severity", lambda c: SEVERITY_RANK.get(c.severity, 0), width=65,
                   display=lambda c: c.severity.capitalize()),
            Column("status", "Status", lambda c: STATUS_RANK.get(c.status, 4), width=85,
                   display=lambda c: c.status.capitalize()),
            Column("summary", "Summary", lambda c: c.description.replace("\n", " ")),
        ], style=lambda c: (GREY if c.status == "resolved"
                            else SEVERITY_COLOURS.get(c.severity), c.status == "escalated"))
        self.view = ListView(self.model, ctx.settings, "conflicts")
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.search = list_filter([self.view], "Search unit, people, category or status")
        layout.addWidget(self.search)
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.view, 1)
        self.empty = empty_state("No conflicts reported. Report one with New… (Ctrl+N).")
        self.empty.setObjectName("conflicts_empty")
        top_layout.addWidget(self.empty, 1)
        split.addWidget(top)
        split.addWidget(self._build_detail())
        split.setSizes([230, 290])
        layout.addWidget(split, 1)
        self._selected()

    def _build_detail(self) -> QWidget:
        box = QWidget()
        outer = QHBoxLayout(box)
        outer.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        head = QHBoxLayout()
        self.detail_title = heading("Mediation log", 12)
        head.addWidget(self.detail_title)
        head.addStretch(1)
        left.addLayout(head)
        moves = QHBoxLayout()
        self.note_button = tool_button("Add note…", "edit", "A line in the mediation log, "
                                       "dated now", self.add_note, allowed=self.ctx.allows(WRITE))
        self.note_button.setObjectName("add_conflict_note")
        moves.addWidget(self.note_button)
        self.move_buttons: dict[str, Any] = {}
        for status, text, tip in MOVES:
            button = tool_button(text, "turnover", tip, lambda s=status: self.move_to(s),
                                 allowed=self.ctx.allows(WRITE))
            button.setObjectName(f"conflict_to_{status}")
            self.move_buttons[status] = button
            moves.addWidget(button)
        moves.addStretch(1)
        left.addLayout(moves)
        self.summary = muted()
        self.summary.setObjectName("conflict_summary")
        left.addWidget(self.summary)
        self.log_model: RowTableModel[ConflictNoteOut] = RowTableModel([
            Column("when", "When", lambda n: n.created_at, width=130,
                   display=lambda n: local_text(n.created_at)),
            Column("by", "By", lambda n: n.author, width=80),
            Column("move", "Status", lambda n: n.to_status or "", width=140,
                   display=lambda n: (f"{n.from_status} → {n.to_status}" if n.from_status
                                      else n.to_status or "")),
            Column("text", "Note", lambda n: n.text.replace("\n", " ")),
        ])
        self.log_view = ListView(self.log_model, self.ctx.settings, "conflict_log")
        # notes are read whole: each row as tall as its note
        self.log_view.setWordWrap(True)
        self.log_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.log_search = list_filter([self.log_view], "Search the log")
        left.addWidget(self.log_search)
        left.addWidget(self.log_view, 1)
        outer.addLayout(left, 5)
        self.documents_box = QGroupBox("Documents")
        self.documents_box.setObjectName("conflict_documents")
        docs = QVBoxLayout(self.documents_box)
        self.documents = AttachmentsView(self.ctx, self.documents_box)
        docs.addWidget(self.documents)
        outer.addWidget(self.documents_box, 2)
        self.documents_box.setMaximumWidth(330)
        return box

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        open_only = self.open_only.isChecked()
        self.worker.load(lambda: conflicts.list_conflicts(db, actor, open_only=open_only),
                         self._fill)

    def _fill(self, rows: list[ConflictOut]) -> None:
        prop = self.property_id
        if prop is not None:  # the report names its unit; the unit, its property
            rows = [c for c in rows if self.places.property_of_unit(c.unit_id) == prop]
        self.rows = rows
        self.model.set_rows(rows)
        self.view.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._selected()

    def selected(self) -> ConflictOut | None:
        row = self.view.current_row()
        return row if isinstance(row, ConflictOut) else None

    def _selected(self) -> None:
        chosen_row = self.selected()
        self.conflict = chosen_row
        if chosen_row is None:
            self.detail_title.setText("Mediation log")
            self.summary.setText("Select a conflict to see its log.")
            self.log_model.set_rows([])
            self.documents_box.setVisible(False)
            self._enable()
            return
        self.detail_title.setText(f"{parties_text(chosen_row)} · "
                                  f"{self.places.unit_label(chosen_row.unit_id)}")
        self.documents_box.setVisible(True)
        self.documents.show_owner("conflict", chosen_row.id)
        self._load_detail(chosen_row.id)
        self._enable()

    def _load_detail(self, conflict_id: uuid.UUID) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def show(found: ConflictOut) -> None:
            if self.conflict is None or self.conflict.id != conflict_id:
                return
            self.conflict = found
            text = (f"{found.status.capitalize()} · {found.severity} {found.conflict_type} · "
                    f"reported {found.reported_on.isoformat()}\n{found.description}")
            if found.outcome:
                text += f"\nOutcome: {found.outcome}"
            self.summary.setText(text)
            self.log_model.set_rows(found.notes)
            self._enable()

        self.worker.load(lambda: conflicts.get_conflict(db, actor, conflict_id), show)

    def _enable(self) -> None:
        row = self.conflict
        self.note_button.setEnabled(row is not None)
        allowed = conflicts.MOVES.get(row.status, frozenset()) if row is not None else frozenset()
        for status, button in self.move_buttons.items():
            button.setEnabled(status in allowed)

    # --- commands ----------------------------------------------------------------------------

    def new(self) -> None:
        dialog = ConflictDialog(self.ctx, self.places, property_id=self.property_id, parent=self)
        if self.worker.run_dialog(dialog) == QDialog.DialogCode.Accepted:
            saved = dialog.saved
            self.reload()
            if isinstance(saved, ConflictOut):
                self.ctx.bus.status_message.emit(f"Reported a conflict between "
                                                 f"{parties_text(saved)}")

    def add_note(self) -> None:
        row = self.conflict
        if row is None or not self.may_write():
            return
        text = self.worker.ask_text("Mediation note", "What was said or agreed?")
        if text is None or not text.strip():
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.worker.run(lambda: conflicts.add_conflict_note(db, actor, row.id, text),
                        lambda _: self._load_detail(row.id), "Note not added")

    def move_to(self, status: str) -> None:
        row = self.conflict
        if row is None or not self.may_write():
            return
        outcome: str | None = None
        if status == "resolved":
            outcome = self.worker.ask_text("Resolve conflict", "How was it resolved? (the "
                                           "outcome is kept with the report)")
            if outcome is None:
                return
        db, actor = self.ctx.db, self.ctx.actor
        version = row.version
        self.worker.run(lambda: conflicts.set_conflict_status(
            db, actor, row.id, cast(ConflictStatus, status), outcome=outcome or None,
            expected_version=version), lambda _: self.reload(), "Status not changed")

    def prepare_screenshot(self) -> None:
        if self.model.rows:
            self.view.selectRow(0)
