"""Utility bills: enter a bill for a unit or a property, choose the split rule and who carries
vacant shares, see each share with its working before posting; the list of posted bills, and
each tenant's notice (PDF) of their share."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.utilities import RULE_LABELS
from coliv_desktop.schemas import build
from coliv_desktop.schemas.portfolio import PropertyOut, UnitOut
from coliv_desktop.schemas.utilities import (
    BillRoom,
    ShareOut,
    UtilityBillIn,
    UtilityBillOut,
    UtilityBillRow,
)
from coliv_desktop.services import portfolio, printing, utilities
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import ERROR_STYLE, FormDialog
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, list_filter
from coliv_desktop.ui.ledger.views import preview_pdf

VACANT = [("operator", "The operator (vacant rooms and days are not billed)"),
          ("occupants", "The tenants (spread in proportion to their shares)")]


def period_text(start: date, end: date) -> str:
    """"Oct 1–31, 2026", "Oct 15 – Nov 14, 2026", "Dec 1, 2025 – Jan 31, 2026"."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%b} {start.day}–{end.day}, {end.year}"
    if start.year == end.year:
        return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"
    return f"{start:%b} {start.day}, {start.year} – {end:%b} {end.day}, {end.year}"


def last_month() -> tuple[date, date]:
    first_this = today().replace(day=1)
    end = first_this - timedelta(days=1)
    return end.replace(day=1), end


class UtilityBillDialog(FormDialog):
    def __init__(self, ctx: AppContext, *, property_id: uuid.UUID | None = None,
                 unit_id: uuid.UUID | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Enter utility bill", parent, runner=ctx, save_text="Post bill")
        self.setMinimumWidth(820)
        self.ctx = ctx
        start, end = last_month()
        self.property_id = QComboBox()
        self.property_id.setPlaceholderText("Loading…")
        self.property_id.setEnabled(False)  # filled from the background
        self.unit_id = QComboBox()
        self.rooms: list[BillRoom] = []
        self._units_request = self._rooms_request = 0
        self.provider = QLineEdit()
        self.provider.setPlaceholderText("e.g. Austin Energy, City Water, Fiber Internet")
        self.period_start = DateField(start)
        self.period_end = DateField(end)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("265.00")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setMaximumWidth(160)
        self.due_date = DateField(today() + timedelta(days=14))
        self.rule = QComboBox()
        for key, label in RULE_LABELS.items():
            self.rule.addItem(label[0].upper() + label[1:], key)
        self.vacant_to = QComboBox()
        for key, label in VACANT:
            self.vacant_to.addItem(label, key)
        self.percentages = QTableWidget(0, 2)
        self.percentages.setObjectName("percentages_grid")
        self.percentages.setHorizontalHeaderLabels(["Room", "Percent"])
        self.percentages.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.percentages.verticalHeader().hide()
        self.percentages.setMaximumHeight(150)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(40)
        for name, label, widget in (
            ("property_id", "Property", self.property_id), ("unit_id", "Unit", self.unit_id),
            ("provider", "Provider", self.provider),
            ("period_start", "Period from", self.period_start),
            ("period_end", "to", self.period_end), ("amount", "Amount", self.amount),
            ("due_date", "Tenants pay by", self.due_date), ("rule", "Split", self.rule),
            ("vacant_to", "Vacant shares go to", self.vacant_to),
            ("percentages", "Percentages", self.percentages), ("notes", "Notes", self.notes),
        ):
            self.fields.add(name, label, widget)
        self.fields.row_errors = self._row_error
        # the preview: each share, its working below
        self.shares: RowTableModel[ShareOut] = RowTableModel([
            Column("tenant", "Tenant", lambda r: r.tenant, width=200),
            Column("room", "Room", lambda r: r.room, width=80),
            Column("days", "Days", lambda r: r.days if r.lease_id else None, "int", width=60),
            Column("amount", "Share", lambda r: r.amount, "money", width=110),
        ], money=ctx.money)
        self.share_list = ListView(self.shares, ctx.settings, "bill_shares", sortable=False)
        self.share_list.setMinimumHeight(150)
        self.summary = QLabel("Fill in the bill to see how it is shared.")
        self.summary.setObjectName("bill_summary")
        self.summary.setWordWrap(True)
        self.working = QLabel()
        self.working.setObjectName("share_working")
        self.working.setWordWrap(True)
        self.working.setStyleSheet("color: #57606a;")
        self.working.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.summary)
        self.body.addWidget(self.share_list, 1)
        self.body.addWidget(self.working)
        self.entered: tuple[UtilityBillIn, dict[str, bool]] | None = None  # once saved
        self.finish_layout()
        self.share_list.selectionModel().currentRowChanged.connect(lambda *_: self._working())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.update_preview)
        self.property_id.currentIndexChanged.connect(lambda *_: self._load_units())
        self.unit_id.currentIndexChanged.connect(lambda *_: self._load_rooms())
        self.rule.currentIndexChanged.connect(lambda *_: self._rule_chosen())
        for signal in (self.provider.textEdited, self.amount.textEdited,
                       self.period_start.changed, self.period_end.changed,
                       self.vacant_to.currentIndexChanged, self.percentages.itemChanged):
            signal.connect(lambda *_: self._timer.start())
        self._request = 0
        self.accepted.connect(self.show_notices)
        self._rule_chosen()
        db = ctx.db
        actor = ctx.actor

        def loaded(props: list[PropertyOut] | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            self.property_id.setEnabled(True)
            if error is not None or props is None:
                self.show_banner(str(error))
                return
            self.property_id.blockSignals(True)
            for prop in props:
                self.property_id.addItem(prop.name, str(prop.id))
            if property_id is not None:
                self.property_id.setCurrentIndex(
                    max(0, self.property_id.findData(str(property_id))))
            elif props:
                self.property_id.setCurrentIndex(0)
            self.property_id.blockSignals(False)
            self._load_units(unit_id)

        ctx.run_task(lambda: portfolio.list_properties(db, actor), loaded)

    # --- pickers -------------------------------------------------------------------------------

    def _chosen(self, combo: QComboBox) -> uuid.UUID | None:
        data = combo.currentData()
        return uuid.UUID(data) if data else None

    def _load_units(self, select: uuid.UUID | None = None) -> None:
        """The property's units, from the background (an answer for a property chosen over
        since is dropped), then its rooms."""
        prop = self._chosen(self.property_id)
        self._units_request += 1
        request = self._units_request
        db = self.ctx.db
        actor = self.ctx.actor

        def done(units: list[UnitOut] | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or request != self._units_request:
                return
            self.unit_id.setEnabled(True)
            if error is not None:
                self.show_banner(str(error))
            self.unit_id.blockSignals(True)
            self.unit_id.clear()
            self.unit_id.addItem("Whole property (every room)", None)
            for unit in units or []:
                self.unit_id.addItem(f"Unit {unit.unit_number}", str(unit.id))
            if select is not None:
                self.unit_id.setCurrentIndex(max(0, self.unit_id.findData(str(select))))
            self.unit_id.blockSignals(False)
            self._load_rooms()

        self.unit_id.setEnabled(False)
        self.ctx.run_task(lambda: portfolio.list_units(db, actor, prop) if prop is not None else [],
                          done)

    def _load_rooms(self) -> None:
        """The rooms sharing the bill, from the background; a stale answer is dropped."""
        prop, unit = self._chosen(self.property_id), self._chosen(self.unit_id)
        self._rooms_request += 1
        request = self._rooms_request
        db = self.ctx.db
        actor = self.ctx.actor

        def done(rooms: list[BillRoom] | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or request != self._rooms_request:
                return
            if error is not None:
                self.show_banner(str(error))
            self._fill_rooms(rooms or [])

        self.ctx.run_task(lambda: utilities.bill_rooms(db, actor, prop, unit) if prop is not None
                          else [], done)

    def _fill_rooms(self, rooms: list[BillRoom]) -> None:
        self.rooms = rooms
        self.percentages.blockSignals(True)
        self.percentages.setRowCount(0)
        share = (Decimal(100) / len(rooms)).quantize(Decimal("0.01")) if rooms else Decimal(0)
        for i, room in enumerate(rooms):
            self.percentages.insertRow(i)
            label = QTableWidgetItem(room.label)
            label.setFlags(label.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.percentages.setItem(i, 0, label)
            value = share if i < len(rooms) - 1 else Decimal(100) - share * (len(rooms) - 1)
            item = QTableWidgetItem(f"{value.normalize():f}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.percentages.setItem(i, 1, item)
        self.percentages.blockSignals(False)
        self._timer.start()

    def _rule_chosen(self) -> None:
        holder = self.percentages.parentWidget()
        if holder is not None:
            self.form.setRowVisible(holder, self.rule.currentData() == "percentages")
        self._timer.start()

    # --- input --------------------------------------------------------------------------------

    def build_input(self) -> UtilityBillIn:
        prop = self._chosen(self.property_id)
        if prop is None:
            raise ValidationError("property_id", "add a property first")
        percentages: dict[str, str] = {}
        if self.rule.currentData() == "percentages":
            for i, room in enumerate(self.rooms):
                item = self.percentages.item(i, 1)
                text = item.text().strip() if item is not None else ""
                try:
                    value = Decimal(text.rstrip("%").strip())
                except ArithmeticError:
                    raise ValidationError(f"rooms[{i}].percent",
                                          "type a percentage (0 for none)") from None
                percentages[str(room.room_id)] = f"{value}"
        return build(UtilityBillIn, property_id=prop, unit_id=self._chosen(self.unit_id),
                     provider=self.provider.text(), period_start=self.period_start.value(),
                     period_end=self.period_end.value(), amount=self.amount.text(),
                     due_date=self.due_date.value(), rule=self.rule.currentData(),
                     vacant_to=self.vacant_to.currentData(), percentages=percentages,
                     notes=self.notes.toPlainText())

    def save(self, data: UtilityBillIn) -> UtilityBillOut:
        self.entered = (data, self.force())  # what redo posts again (forced too)
        return utilities.post_bill(self.ctx.db, self.ctx.actor, data, **self.entered[1])

    def after_save(self, posted: UtilityBillOut) -> None:
        from coliv_desktop.ui.ledger.dialogs import UNDONE, entry_command

        ctx = self.ctx
        assert self.entered is not None
        data, forced = self.entered
        if posted.id is not None and any(s.lease_id for s in posted.shares):
            # undone like any entry: voided (a bill the operator carries has nothing to void)
            ctx.undo_stack.push(entry_command(
                ctx, f"{posted.provider} bill of {ctx.money(posted.amount)}", posted.id,
                lambda: utilities.post_bill(ctx.db, ctx.actor, data, **forced),
                lambda ident: utilities.void_bill(ctx.db, ctx.actor, ident, UNDONE)))
        ctx.bus.ledger_changed.emit()
        tenants = sum(1 for s in posted.shares if s.lease_id is not None)
        ctx.bus.status_message.emit(
            f"{posted.provider} bill of {ctx.money(posted.amount)} posted to "
            f"{tenants} tenants. Undo with Ctrl+Z (its shares are voided).")

    def show_notices(self) -> None:
        """Once posted: each tenant's notice of their share, in the PDF preview."""
        posted = self.saved
        if not (isinstance(posted, UtilityBillOut) and posted.id is not None
                and any(s.lease_id for s in posted.shares)):
            return
        bill_id = posted.id
        parent = self.parentWidget() or self
        preview_pdf(self.ctx, parent, "Utility notices",
                    lambda p: printing.utility_notices_pdf(self.ctx.db, self.ctx.actor, bill_id, p))

    def _row_error(self, row: int, field: str, message: str) -> bool:
        if field != "percent" or row >= self.percentages.rowCount():
            return False
        self.fields.set_error("percentages", f"Room {self.rooms[row].label}: {message}")
        return True

    def validate_live(self) -> None:  # the preview reports problems as you type
        return

    # --- preview ---------------------------------------------------------------------------

    def update_preview(self) -> None:
        self.fields.clear("percentages")
        try:
            data = self.build_input()
        except ValidationError as exc:
            self._problem(exc)
            return
        self._request += 1
        request = self._request

        def done(result: UtilityBillOut | None, error: BaseException | None) -> None:
            if request != self._request:
                return
            if isinstance(error, ValidationError):
                self._problem(error)
            elif error is not None or result is None:
                self.summary.setText(str(error))
            else:
                self.show_preview(result)

        self.ctx.run_task(lambda: utilities.preview_bill(self.ctx.db, self.ctx.actor, data), done)

    def _problem(self, exc: ValidationError) -> None:
        self.shares.set_rows([])
        self.working.clear()
        if exc.field.startswith("rooms[") and exc.field.endswith(".percent"):
            self.fields.show(exc)
        self.summary.setText(f"Not ready to post: {exc}")
        self.summary.setStyleSheet(ERROR_STYLE)

    def show_preview(self, result: UtilityBillOut) -> None:
        money = self.ctx.money
        tenants = [s for s in result.shares if s.lease_id is not None]
        operator = sum((s.amount for s in result.shares if s.lease_id is None), Decimal("0.00"))
        total = sum((s.amount for s in result.shares), Decimal("0.00"))
        self.shares.set_rows(result.shares)
        self.summary.setStyleSheet("font-weight: 600;")
        self.summary.setText(
            f"{len(tenants)} tenants pay {money(total - operator)}"
            + (f", the operator carries {money(operator)}" if operator else "")
            + f": {money(total)} in all, the whole bill. Select a share to see its working.")
        if tenants:
            self.share_list.selectRow(0)
        self._working()

    def _working(self) -> None:
        row = self.share_list.current_row()
        self.working.setText(row.working if isinstance(row, ShareOut) else "")


def _status(row: UtilityBillRow) -> str:
    return "void" if row.voided else "split again?" if row.needs_resplit else "posted"


class UtilitiesView(QWidget):
    """The ledger pane's Utilities tab: posted bills, newest first; enter a bill; notices."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model: RowTableModel[UtilityBillRow] = RowTableModel([
            Column("period", "Period", lambda r: r.period_start, "date", width=125,
                   display=lambda r: period_text(r.period_start, r.period_end)),
            Column("provider", "Provider", lambda r: r.provider, width=120),
            Column("where", "Property / unit", lambda r: r.property_name
                   + (f" {r.unit_number}" if r.unit_number else " (all units)"), width=150),
            Column("rule", "Split", lambda r: RULE_LABELS.get(r.rule, r.rule), width=110),
            Column("amount", "Bill", lambda r: r.amount, "money", width=80),
            Column("operator", "Operator carries", lambda r: r.operator_share, "money",
                   width=115),
            Column("tenants", "Tenants pay", lambda r: r.tenants_share, "money", width=95,
                   visible=False),
            Column("due", "Due", lambda r: r.due_date, "date", width=92),
            Column("status", "Status", _status, width=100,
                   tooltip="“split again?”: a move-in or move-out inside the bill's period "
                           "was entered after it; Split again shares it over who lived there"),
        ], money=ctx.money, style=lambda r: (
            QColor("#9ca3af") if r.voided else QColor("#b45309") if r.needs_resplit else None,
            r.needs_resplit))
        self.view = ListView(self.model, ctx.settings, "utility_bills")
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(self.model.column_index("rule"),  # the least read
                                    QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda *_: self.notices())
        self.enter_button = QPushButton("Enter bill…")
        self.enter_button.setObjectName("enter_bill")
        self.enter_button.clicked.connect(lambda: self.enter_bill())
        self.notices_button = QPushButton("Tenant notices…")
        self.notices_button.setObjectName("bill_notices")
        self.notices_button.setToolTip("Each tenant's share with its working, as a PDF")
        self.notices_button.clicked.connect(lambda: self.notices())
        self.void_button = QPushButton("Void bill…")
        self.void_button.setObjectName("void_bill")
        self.void_button.setToolTip("Void every tenant's share of the selected bill (entered "
                                    "by mistake), with the reason")
        self.void_button.clicked.connect(lambda: self.void_selected())
        self.resplit_button = QPushButton("Split again…")
        self.resplit_button.setObjectName("resplit_bill")
        self.resplit_button.setToolTip("Split the selected bill again over who lives there now "
                                       "(a move-in or move-out recorded after it was posted)")
        self.resplit_button.clicked.connect(lambda: self.resplit_selected())
        self.summary = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.enter_button)
        top.addWidget(self.notices_button)
        top.addWidget(self.resplit_button)
        top.addWidget(self.void_button)
        top.addWidget(self.summary, 1)
        self.filter = list_filter([self.view], "Filter bills by property, unit or provider")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)

    def reload(self) -> None:
        def done(rows: list[UtilityBillRow] | None, error: BaseException | None) -> None:
            if error is None and rows is not None:
                self.model.set_rows(rows)
                resplit = sum(1 for r in rows if r.needs_resplit)
                self.summary.setText(
                    (f"{len(rows)} bill" + ("s" if len(rows) != 1 else "")
                     + (f"; {resplit} to split again (a move-in or move-out in its period "
                        "was entered after it)" if resplit else ""))
                    if rows else
                    "No utility bills yet: “Enter bill…” splits one across the rooms of a "
                    "unit or a property.")

        self.ctx.run_task(lambda: utilities.list_bills(self.ctx.db, self.ctx.actor), done)

    def enter_bill(self, property_id: uuid.UUID | None = None,
                   unit_id: uuid.UUID | None = None) -> UtilityBillDialog:
        dialog = UtilityBillDialog(self.ctx, property_id=property_id, unit_id=unit_id,
                                   parent=self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog


    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def resplit_selected(self) -> None:
        """Show the bill's split as it would be now, then (confirmed) void the old shares and
        post the new ones, in one transaction (both in the background)."""
        row = self.view.current_row()
        if not isinstance(row, UtilityBillRow) or row.voided:
            self.summary.setText("Select a bill that is not void.")
            return
        ctx = self.ctx
        db, actor, money = ctx.db, ctx.actor, ctx.money

        def previewed(now: UtilityBillOut | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None or now is None:
                self.summary.setText(str(error))
                return
            lines = "\n".join(f"{share.tenant}: {money(share.amount)}" for share in now.shares)
            if not self.confirm("Split again", f"The {row.provider} bill of "
                                f"{money(row.amount)} split over who lives there now:\n\n"
                                f"{lines}\n\nVoid its shares and post these instead?"):
                return
            ctx.run_task(lambda: utilities.resplit_bill(db, actor, row.id), split)

        def split(fresh: Any, error: BaseException | None) -> None:
            if error is not None:
                if shiboken6.isValid(self):
                    self.summary.setText(str(error))
                return
            ctx.bus.ledger_changed.emit()
            ctx.bus.status_message.emit(f"Split the {row.provider} bill again")
            if shiboken6.isValid(self):
                self.reload()

        ctx.run_task(lambda: utilities.preview_bill(db, actor, utilities.bill_input(db, actor,
                                                                                    row.id)),
                     previewed)

    def ask_reason(self, row: UtilityBillRow) -> str | None:
        text, ok = QInputDialog.getText(
            self, "Void bill", f"Why is the {row.provider} bill of "
            f"{self.ctx.money(row.amount)} voided? Every tenant's share is voided with it.")
        return text if ok else None

    def void_selected(self) -> None:
        row = self.view.current_row()
        if not isinstance(row, UtilityBillRow) or row.voided:
            self.summary.setText("Select a bill that is not void.")
            return
        reason = self.ask_reason(row)
        if reason is None:
            return
        ctx = self.ctx
        db, actor = ctx.db, ctx.actor

        def done(count: int | None, error: BaseException | None) -> None:
            if error is not None:
                if shiboken6.isValid(self):
                    self.summary.setText(str(error))
                return
            ctx.bus.ledger_changed.emit()
            ctx.bus.status_message.emit(f"Voided the {row.provider} bill: {count} shares")
            if shiboken6.isValid(self):
                self.reload()

        ctx.run_task(lambda: utilities.void_bill(db, actor, row.id, reason), done)

    def notices(self) -> Any:
        row = self.view.current_row()
        if not isinstance(row, UtilityBillRow):
            self.summary.setText("Select a bill to print its tenants' notices.")
            return None
        bill_id = row.id
        preview_pdf(self.ctx, self, "Utility notices",
                    lambda p: printing.utility_notices_pdf(self.ctx.db, self.ctx.actor, bill_id, p))
        return bill_id
