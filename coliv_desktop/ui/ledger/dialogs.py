"""Record payment (with the allocation shown before saving) and Void (with a reason)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QWidget,
)

from coliv_desktop.domain.errors import ColivError, ValidationError
from coliv_desktop.domain.money import parse_money
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import AllocationPreview, PaymentCreate, PaymentOut
from coliv_desktop.services import leasing, ledger
from coliv_desktop.services.clock import today
from coliv_desktop.ui.context import AppContext
from coliv_desktop.ui.forms import FormDialog

METHODS = [("cash", "Cash"), ("check", "Check"), ("bank_transfer", "Bank transfer"),
           ("card", "Card"), ("other", "Other")]


def qdate(day: Any) -> QDate:
    return QDate(day.year, day.month, day.day)


class RecordPaymentDialog(FormDialog):
    """Lease, amount, date, method, reference; below them, where the money will go."""

    def __init__(self, ctx: AppContext, lease_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Record payment", parent, save_text="Record payment")
        self.ctx = ctx
        self.lease = QComboBox()
        rows = leasing.list_leases(ctx.db, leasing.LeaseFilter(active_on=None))
        for row in rows:
            self.lease.addItem(f"{row.tenant_name} - {row.property_name} {row.unit_number}-"
                               f"{row.room_number} ({row.status})", str(row.id))
        if lease_id is not None:  # ids travel as text: QVariant cannot compare Python UUIDs
            self.lease.setCurrentIndex(max(0, self.lease.findData(str(lease_id))))
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("900.00")
        self.day = QDateEdit(qdate(today()))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.method = QComboBox()
        for key, label in METHODS:
            self.method.addItem(label, key)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("check number, transfer reference...")
        self.fields.add("lease_id", "Lease", self.lease)
        self.fields.add("amount", "Amount", self.amount)
        self.fields.add("received_on", "Received on", self.day)
        self.fields.add("method", "Method", self.method)
        self.fields.add("reference", "Reference", self.reference)
        self.preview = QLabel("Type an amount to see where it goes.")
        self.preview.setObjectName("allocation_preview")
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet("background: #f3f6f9; padding: 8px; border-radius: 4px;")
        self.body.addWidget(self.preview)
        self.finish_layout()
        self.amount.textEdited.connect(lambda _t: self.update_preview())
        self.lease.currentIndexChanged.connect(lambda _i: self.update_preview())
        self.last_preview: AllocationPreview | None = None
        self._request = 0

    @property
    def lease_id(self) -> uuid.UUID | None:
        data = self.lease.currentData()
        return uuid.UUID(data) if data else None

    def build_input(self) -> PaymentCreate:
        return build(PaymentCreate, lease_id=self.lease_id, amount=self.amount.text(),
                     received_on=self.day.date().toPython(), method=self.method.currentData(),
                     reference=self.reference.text())

    def save(self, data: PaymentCreate) -> PaymentOut:
        result = ledger.record_payment(self.ctx.db, self.ctx.actor, data)
        self.ctx.bus.ledger_posted.emit()
        self.ctx.bus.status_message.emit(
            f"Recorded {self.ctx.money(result.amount)}, receipt {result.receipt_number}")
        return result

    def update_preview(self) -> None:
        """Ask the ledger (in the background) how the typed amount would be allocated."""
        lease_id = self.lease_id
        try:
            amount = parse_money(self.amount.text(), "amount")
        except ValidationError:
            self.preview.setText("Type an amount to see where it goes.")
            return
        if lease_id is None or amount <= 0:
            return
        self._request += 1
        request = self._request

        def done(result: AllocationPreview | None, error: BaseException | None) -> None:
            if request != self._request:
                return
            if error is not None or result is None:
                self.preview.setText(str(error))
                return
            self.show_preview(result)

        self.ctx.run_task(lambda: ledger.preview_allocation(self.ctx.db, lease_id, amount), done)

    def show_preview(self, result: AllocationPreview) -> None:
        self.last_preview = result
        money = self.ctx.money
        lines = [f"{a.description} (due {a.due_date:%b %d}): {money(a.amount)}"
                 + ("" if a.amount == a.outstanding_before
                    else f" of {money(a.outstanding_before)}") for a in result.allocations]
        if result.unapplied > Decimal(0):
            lines.append(f"Kept as credit for the next charges: {money(result.unapplied)}")
        if not lines:
            lines.append("Nothing is owed now: all of it is kept as credit.")
        lines.append(f"Balance {money(result.balance_before)} -> {money(result.balance_after)}")
        self.preview.setText("This payment will go to:\n" + "\n".join(lines))


class VoidDialog(FormDialog):
    """Void a charge or a payment: it stays in the history, marked, and counts for nothing."""

    def __init__(self, ctx: AppContext, entry: str, entry_id: uuid.UUID, label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Void {entry}", parent, save_text="Void")
        self.ctx = ctx
        self.entry = entry
        self.entry_id = entry_id
        note = QLabel(f"{label}\n\nThe entry stays in the ledger, marked void, and no longer "
                      "counts. This cannot be undone; enter it again if you void by mistake.")
        note.setWordWrap(True)
        self.body.insertWidget(1, note)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. check bounced, typed the wrong amount")
        self.fields.add("reason", "Reason", self.reason)
        self.finish_layout()

    def build_input(self) -> str:
        text = self.reason.text().strip()
        if not text:
            raise ValidationError("reason", "say why this entry is voided")
        return text

    def save(self, data: str) -> Any:
        try:
            if self.entry == "payment":
                result: Any = ledger.void_payment(self.ctx.db, self.ctx.actor, self.entry_id, data)
            else:
                result = ledger.void_charge(self.ctx.db, self.ctx.actor, self.entry_id, data)
        except ValidationError as exc:
            if exc.field in ("payment_id", "charge_id"):
                raise ColivError(exc.detail) from None
            raise
        self.ctx.bus.ledger_posted.emit()
        return result
