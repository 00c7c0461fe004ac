"""Settling a deposit at move-out: deductions with reasons, what the deposit pays, the refund or
what is still owed, shown before saving; then the deposit disposition letter in the preview."""

from __future__ import annotations

import uuid

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.errors import ColivError, ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.deposits import DispositionCreate, DispositionOut
from coliv_desktop.schemas.leasing import LeaseRow
from coliv_desktop.services import deposits, leasing, printing
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.commands import ServiceCommand
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import ERROR_STYLE, FormDialog
from coliv_desktop.ui.ledger.dialogs import METHODS, UNDONE
from coliv_desktop.ui.ledger.views import preview_pdf

PREVIEW_STYLE = "background: #f3f6f9; padding: 8px; border-radius: 4px;"


class LinesGrid(QTableWidget):
    """Rows of (text, amount) typed by the operator: deductions, say."""

    def __init__(self, headers: tuple[str, str], parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(list(headers))
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(1, 110)
        self.verticalHeader().hide()
        self.setMinimumHeight(110)

    def add_line(self, text: str = "", amount: str = "") -> int:
        row = self.rowCount()
        self.insertRow(row)
        self.setItem(row, 0, QTableWidgetItem(text))
        item = QTableWidgetItem(amount)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setItem(row, 1, item)
        return row

    def remove_line(self) -> None:
        row = self.currentRow() if self.currentRow() >= 0 else self.rowCount() - 1
        if row >= 0:
            self.removeRow(row)

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text().strip() if item is not None else ""

    def lines(self) -> list[tuple[str, str]]:
        """Rows with something typed in them (blank rows are ignored)."""
        out = []
        for row in range(self.rowCount()):
            text, amount = self.cell_text(row, 0), self.cell_text(row, 1)
            if text or amount:
                out.append((text, amount))
        return out

    def mark(self, row: int, column: int, message: str | None) -> None:
        item = self.item(row, column)
        if item is not None:
            item.setBackground(QBrush(QColor("#fdecea")) if message else QBrush())
            item.setToolTip(message or "")


class DepositDialog(FormDialog):
    def __init__(self, ctx: AppContext, lease_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__("Settle deposit", parent, runner=ctx, save_text="Settle deposit")
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.lease_id = lease_id
        self.entered: DispositionCreate | None = None  # what was settled, once saved
        self.about = QLabel()  # whose deposit, from the background
        self.about.setObjectName("deposit_about")
        self.about.setWordWrap(True)
        self.about.hide()
        self.body.insertWidget(1, self.about)
        db = ctx.db
        actor = ctx.actor

        def look_up() -> LeaseRow | None:
            lease = leasing.get_lease(db, actor, lease_id)
            rows = leasing.list_leases(db, actor, leasing.LeaseFilter(tenant_id=lease.tenant_id,
                                                               include_cancelled=True))
            return next((r for r in rows if r.id == lease_id), None)

        ctx.run_task(look_up, self._about)
        self.decided_on = DateField(today())
        self.fields.add("decided_on", "Decided on", self.decided_on)
        self.deductions = LinesGrid(("Deduction (reason)", "Amount"))
        self.deductions.setObjectName("deductions")
        self.add_button = QPushButton("Add deduction")
        self.add_button.setObjectName("add_deduction")
        self.remove_button = QPushButton("Remove")
        self.add_button.clicked.connect(lambda: self.deductions.add_line())
        self.remove_button.clicked.connect(self._remove_line)
        grid = QWidget()
        box = QVBoxLayout(grid)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.deductions)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.add_button)
        row_buttons.addWidget(self.remove_button)
        row_buttons.addStretch(1)
        box.addLayout(row_buttons)
        self.fields.add("deductions", "Deductions", grid)
        self.apply_to_balance = QCheckBox("Use the deposit for rent and charges still owed")
        self.apply_to_balance.setChecked(True)
        self.fields.add("apply_to_balance", "", self.apply_to_balance)
        self.refund_method = QComboBox()
        self.refund_method.addItem("(say later)", None)
        for key, label in METHODS:
            self.refund_method.addItem(label, key)
        self.refund_method.setCurrentIndex(self.refund_method.findData("bank_transfer"))
        self.fields.add("refund_method", "Refund by", self.refund_method)
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(50)
        self.note.setPlaceholderText("Printed on the letter (optional)")
        self.fields.add("note", "Note", self.note)
        self.preview = QLabel()
        self.preview.setObjectName("deposit_preview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setStyleSheet(PREVIEW_STYLE)
        self.body.addWidget(self.preview)
        self.grid_error = QLabel()
        self.grid_error.setObjectName("grid_error")
        self.grid_error.setStyleSheet(ERROR_STYLE)
        self.grid_error.hide()
        self.body.addWidget(self.grid_error)
        self.fields.row_errors = self._row_error
        self.finish_layout()
        self.deductions.itemChanged.connect(lambda *_: self.update_preview())
        for signal in (self.apply_to_balance.toggled, self.decided_on.changed):
            signal.connect(lambda *_: self.update_preview())
        self._request = 0
        self.update_preview()

    def _about(self, row: LeaseRow | None, error: BaseException | None) -> None:
        if not shiboken6.isValid(self):
            return
        if error is not None:
            self.show_banner(str(error))
        who = row.tenant_name if row else "tenant"
        self.setWindowTitle(f"Settle deposit: {who}")
        if row is not None:
            place = f"{row.property_name} {row.unit_number}-{row.room_number}"
            ended = row.lease_end.isoformat() if row.lease_end else "open-ended"
            self.about.setText(f"{who} · {place} · moved out {ended} · deposit "
                               f"{self.ctx.money(row.deposit_amount)}")
            self.about.show()

    def _remove_line(self) -> None:
        self.deductions.remove_line()
        self.update_preview()

    # --- input --------------------------------------------------------------------------------

    def build_input(self) -> DispositionCreate:
        return build(DispositionCreate, lease_id=self.lease_id,
                     decided_on=self.decided_on.value(),
                     deductions=[{"reason": reason, "amount": amount}
                                 for reason, amount in self.deductions.lines()],
                     apply_to_balance=self.apply_to_balance.isChecked(),
                     refund_method=self.refund_method.currentData(),
                     note=self.note.toPlainText())

    def save(self, data: DispositionCreate) -> DispositionOut:
        saved = deposits.settle_deposit(self.ctx.db, self.ctx.actor, data, **self.force())
        self.entered = data  # for redo after an undo: the same settlement again
        return saved

    def _row_error(self, row: int, field: str, message: str) -> bool:
        column = {"reason": 0, "amount": 1}.get(field)
        if column is None:
            return False
        # the schema numbers only the lines typed in; map back to the grid's rows
        typed = [r for r in range(self.deductions.rowCount())
                 if self.deductions.cell_text(r, 0) or self.deductions.cell_text(r, 1)]
        target = typed[row] if row < len(typed) else row
        self.deductions.mark(target, column, message)
        self.grid_error.setText(f"Deduction {row + 1}, {field}: {message}")
        self.grid_error.show()
        return True

    def submit(self) -> None:
        self.grid_error.hide()
        for row in range(self.deductions.rowCount()):
            for column in (0, 1):
                self.deductions.mark(row, column, None)
        super().submit()

    def validate_live(self) -> None:  # the grid is checked on Save; the preview shows as you type
        return

    # --- what will happen ----------------------------------------------------------------------

    def update_preview(self) -> None:
        try:
            data = self.build_input()
        except ValidationError as exc:
            self.preview.setText(f"(Complete the form to see the settlement: {exc.detail})")
            return
        self._request += 1
        request = self._request

        def done(result: DispositionOut | None, error: BaseException | None) -> None:
            if request != self._request:
                return
            if error is not None or result is None:
                self.preview.setText(str(error))
                self.save_button.setEnabled(False)
                return
            self.save_button.setEnabled(True)
            self.show_preview(result)

        self.ctx.run_task(lambda: deposits.preview_disposition(self.ctx.db, self.ctx.actor, data),
                          done)

    def show_preview(self, result: DispositionOut) -> None:
        money = self.ctx.money
        lines = [f"Deposit held: {money(result.held)}"]
        for d in result.deductions:
            lines.append(f"  − {d.reason}: {money(d.amount)}")
        rent_paid = result.applied - min(result.applied, result.deductions_total)
        if rent_paid > 0:
            lines.append(f"  − unpaid rent and charges paid from the deposit: {money(rent_paid)}")
        if result.unpaid_before < 0:
            lines.append(f"  + credit on the account (paid ahead): {money(-result.unpaid_before)}")
        lines.append("")
        lines.append(f"Refund to the tenant: {money(result.total_refund)}")
        if result.owed > 0:
            lines.append(f"Still owed by the tenant after the deposit: {money(result.owed)}")
        self.preview.setText("\n".join(lines))

    def show_letter(self) -> None:
        """The deposit disposition letter, in the PDF preview (Print, Save as)."""
        parent = self.parentWidget() or self
        preview_pdf(self.ctx, parent, "Deposit disposition letter",
                    lambda p: printing.deposit_letter_pdf(self.ctx.db, self.ctx.actor,
                                                          self.lease_id, p))


def settle_command(ctx: AppContext, data: DispositionCreate) -> ServiceCommand:
    """A settlement just saved: Ctrl+Z reverses it (its entries voided, the deposit held
    again), Ctrl+Shift+Z settles it again the same way."""
    return ServiceCommand(
        ctx, "Settle deposit",
        lambda: deposits.settle_deposit(ctx.db, ctx.actor, data),
        lambda: deposits.reverse_settlement(ctx.db, ctx.actor, data.lease_id, UNDONE),
        changed=(ctx.bus.ledger_changed, ctx.bus.leases_changed))


def ask_settled_action(parent: QWidget, ctx: AppContext, done: DispositionOut) -> str | None:
    """A settled deposit: "letter" (show it again), "reverse" or None."""
    box = QMessageBox(parent)
    box.setWindowTitle("Deposit settled")
    day = done.decided_on
    box.setText(f"The deposit was settled on {day:%B} {day.day}, {day.year}: refund "
                f"{ctx.money(done.total_refund)}, still owed {ctx.money(done.owed)}.")
    letter = box.addButton("Letter…", QMessageBox.ButtonRole.AcceptRole)
    reverse = box.addButton("Reverse Settlement…", QMessageBox.ButtonRole.DestructiveRole)
    reverse.setToolTip("Entered wrongly: void what it posted and hold the deposit again")
    box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(letter)
    box.exec()
    clicked = box.clickedButton()
    return "letter" if clicked is letter else "reverse" if clicked is reverse else None


def ask_reverse_reason(parent: QWidget, ctx: AppContext, done: DispositionOut) -> str | None:
    paid = (f"\n\nIf the refund of {ctx.money(done.total_refund)} was already paid to the "
            "tenant, settling again works it out again: do not pay it twice."
            if done.total_refund > 0 else "")
    text, ok = QInputDialog.getText(
        parent, "Reverse the settlement",
        "Its deductions, the deposit applied and any refund of credit are voided (the "
        "ledger keeps both), and the deposit is held again, to settle anew." + paid
        + "\n\nWhy is it reversed?")
    return text if ok else None


def deposit_action(ctx: AppContext, lease_id: uuid.UUID, parent: QWidget) -> None:
    """Settle the deposit (when not yet done); once settled, show its letter again or reverse
    the settlement. The look-up and the reversal run in the background."""
    db, actor = ctx.db, ctx.actor

    def reversed_(count: int | None, error: BaseException | None) -> None:
        if isinstance(error, ColivError):
            if shiboken6.isValid(parent):
                QMessageBox.warning(parent, "Reverse the settlement", str(error))
            return
        if error is not None:
            ctx.bus.error.emit(str(error))
            return
        ctx.bus.ledger_changed.emit()
        ctx.bus.leases_changed.emit()
        ctx.bus.status_message.emit(f"Settlement reversed: {count} entries voided; the "
                                    "deposit is held again")

    def found(done: DispositionOut | None, error: BaseException | None) -> None:
        if error is not None:
            ctx.bus.error.emit(str(error))
            return
        if not shiboken6.isValid(parent):
            return
        if done is None:
            if ctx.editing is not None:
                ctx.editing.settle_deposit(lease_id)
            return
        choice = ask_settled_action(parent, ctx, done)
        if choice == "letter":
            preview_pdf(ctx, parent, "Deposit disposition letter",
                        lambda p: printing.deposit_letter_pdf(db, actor, lease_id, p))
        elif choice == "reverse":
            reason = ask_reverse_reason(parent, ctx, done)
            if reason is not None:
                ctx.run_task(lambda: deposits.reverse_settlement(db, actor, lease_id, reason),
                             reversed_)

    ctx.run_task(lambda: deposits.get_disposition(db, actor, lease_id), found)
