"""Record payment (with the allocation shown before saving), a charge or credit entered by
hand, Void (with a reason), and a tenant statement for a date range. A payment, charge or
credit entered here can be undone with Ctrl+Z: it is voided, so the ledger keeps both."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QLabel,
    QLineEdit,
    QWidget,
)

from coliv_desktop.domain.errors import ColivError, ValidationError
from coliv_desktop.domain.money import parse_money
from coliv_desktop.domain.wording import receipt_no
from coliv_desktop.schemas import build
from coliv_desktop.schemas.leasing import LeaseRow
from coliv_desktop.schemas.ledger import (
    AllocationPreview,
    ChargeCreate,
    CreditCreate,
    PaymentCreate,
    PaymentOut,
)
from coliv_desktop.services import leasing, ledger, printing
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog

METHODS = [("cash", "Cash"), ("check", "Check"), ("bank_transfer", "Bank transfer"),
           ("card", "Card"), ("other", "Other")]


def qdate(day: Any) -> QDate:
    return QDate(day.year, day.month, day.day)


UNDONE = "undone with Ctrl+Z right after it was entered"


@dataclass(frozen=True)
class LeaseChoice:
    """What the operator has selected, for a payment or a charge to start from: a lease (a
    ledger entry, a lease, a reminder, a collection row), else a tenant (the tenant's record),
    else a room (the property tree)."""

    lease_id: uuid.UUID | None = None
    tenant_id: uuid.UUID | None = None
    room_id: uuid.UUID | None = None

    def pick(self, rows: Sequence[LeaseRow], day: date) -> LeaseRow | None:
        """The lease this choice means among `rows`: the lease itself; a tenant's or a room's
        lease running on `day` (the lowest bed of a shared room), else their latest one."""
        if self.lease_id is not None:
            return next((r for r in rows if r.id == self.lease_id), None)
        if self.tenant_id is not None:
            mine = [r for r in rows if r.tenant_id == self.tenant_id]
        elif self.room_id is not None:
            mine = [r for r in rows if r.room_id == self.room_id]
        else:
            return None
        running = sorted((r for r in mine if r.status != "cancelled" and r.lease_start <= day
                          and (r.lease_end is None or r.lease_end >= day)), key=lambda r: r.bed)
        if running:
            return running[0]
        return max(mine, key=lambda r: r.lease_start, default=None)


def lease_picker(ctx: AppContext, choice: LeaseChoice | uuid.UUID | None) -> QComboBox:
    """Every lease by tenant and room, the one `choice` means chosen; none chosen when nothing
    is selected (never the first of the list: money must not land on the wrong tenant).
    The leases are looked up in the background: the picker shows "Loading…", off, meanwhile."""
    wanted = LeaseChoice(lease_id=choice) if isinstance(choice, uuid.UUID) else choice
    combo = QComboBox()
    combo.setPlaceholderText("Loading…")
    combo.setCurrentIndex(-1)
    combo.setEnabled(False)
    db = ctx.db
    actor = ctx.actor

    def done(rows: list[LeaseRow] | None, error: BaseException | None) -> None:
        if not shiboken6.isValid(combo):
            return  # the dialog was closed first
        combo.setEnabled(True)
        combo.setPlaceholderText("Choose the tenant's lease")
        if error is not None or rows is None:
            combo.setToolTip(str(error))
            return
        combo.blockSignals(True)
        for row in rows:
            combo.addItem(f"{row.tenant_name} - {row.property_name} {row.unit_number}-"
                          f"{row.room_number} ({row.status})", str(row.id))
            combo.setItemData(combo.count() - 1, row.tenant_name, TENANT_ROLE)
        combo.setCurrentIndex(-1)
        combo.blockSignals(False)
        found = wanted.pick(rows, today()) if wanted is not None else None
        # ids travel as text: QVariant cannot compare Python UUIDs
        combo.setCurrentIndex(combo.findData(str(found.id)) if found is not None else -1)

    ctx.run_task(lambda: leasing.list_leases(db, actor, leasing.LeaseFilter(active_on=None)), done)
    return combo


TENANT_ROLE = Qt.ItemDataRole.UserRole + 1  # a picker item's tenant name


def picked(combo: QComboBox) -> uuid.UUID | None:
    data = combo.currentData()
    return uuid.UUID(data) if data else None


def entry_command(ctx: AppContext, text: str, made: uuid.UUID, post: Callable[[], Any],
                  void: Callable[[uuid.UUID], Any]) -> Any:
    """An entry just posted (`made`): undo voids it (the ledger keeps both, as for any
    correction); redo posts it again, as a new entry (a payment gets a new receipt number)."""
    from coliv_desktop.ui.common.commands import ServiceCommand

    current = [made]

    def again() -> None:
        current[0] = post().id

    return ServiceCommand(ctx, text, again, lambda: void(current[0]),
                          changed=(ctx.bus.ledger_changed,))


PREVIEW_STYLE = "background: #f3f6f9; padding: 8px; border-radius: 4px;"
CREDIT_STYLE = "color: #92400e; font-weight: 600;"


def credit_sentence(tenant: str, amount: Decimal, result: AllocationPreview,
                    money: Callable[[Decimal], str]) -> str:
    """How much of a payment becomes credit, said plainly: "Sarah Thompson owes nothing: this
    becomes credit." or "… owes $500.00: $400.00 of this $900.00 becomes credit."."""
    owed = result.balance_before
    if owed <= 0:
        already = f" (credit already {money(-owed)})" if owed < 0 else ""
        return f"{tenant} owes nothing{already}: this {money(amount)} becomes credit."
    return (f"{tenant} owes {money(owed)}: {money(result.unapplied)} of this {money(amount)} "
            "becomes credit.")


class RecordPaymentDialog(FormDialog):
    """Lease, amount, date, method, reference; below them, where the money will go."""

    def __init__(self, ctx: AppContext, lease_id: LeaseChoice | uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Record payment", parent, runner=ctx, save_text="Record payment")
        self.ctx = ctx
        self.lease = lease_picker(ctx, lease_id)
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
        self.date_note = QLabel()
        self.date_note.setObjectName("date_note")
        self.date_note.setWordWrap(True)
        self.date_note.setStyleSheet("color: #92400e;")
        self.date_note.hide()
        self.body.addWidget(self.date_note)
        self.preview = QLabel("Type an amount to see where it goes.")
        self.preview.setObjectName("allocation_preview")
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet(PREVIEW_STYLE)
        self.body.addWidget(self.preview)
        self.finish_layout()
        self.amount.textEdited.connect(lambda _t: self.update_preview())
        self.lease.currentIndexChanged.connect(lambda _i: self.update_preview())
        self.day.dateChanged.connect(lambda _d: self._show_date_note())
        self._request = 0
        self.entered: tuple[PaymentCreate, dict[str, bool]] | None = None  # once saved

    @property
    def lease_id(self) -> uuid.UUID | None:
        return picked(self.lease)

    def build_input(self) -> PaymentCreate:
        if self.lease_id is None:
            raise ValidationError("lease_id", "choose whose payment this is")
        return build(PaymentCreate, lease_id=self.lease_id, amount=self.amount.text(),
                     received_on=self.day.date().toPython(), method=self.method.currentData(),
                     reference=self.reference.text())

    @property
    def tenant_name(self) -> str:
        return str(self.lease.currentData(TENANT_ROLE) or "The tenant")

    def prepare(self, data: PaymentCreate) -> AllocationPreview:
        return ledger.preview_allocation(self.ctx.db, self.ctx.actor, data.lease_id, data.amount)

    def confirmation(self, data: PaymentCreate) -> str | None:
        """Money that becomes credit is said plainly before it is saved (it pays nothing owed
        now: a tenant owing nothing, or more than is owed)."""
        result = self.found
        self.show_preview(result)
        if result.unapplied <= 0:
            return None
        return credit_sentence(self.tenant_name, data.amount, result, self.ctx.money) + (
            "\n\nIt is kept on the account and pays the next charges as they are posted. "
            "Record it?")

    def save(self, data: PaymentCreate) -> PaymentOut:
        self.entered = (data, self.force())  # what the person said yes to; redo repeats it
        return ledger.record_payment(self.ctx.db, self.ctx.actor, data, **self.entered[1])

    def after_save(self, result: PaymentOut) -> None:
        assert self.entered is not None
        data, forced = self.entered
        ctx = self.ctx
        self.ctx.undo_stack.push(entry_command(
            ctx, f"Payment of {ctx.money(result.amount)} "
                 f"(receipt No. {receipt_no(result.receipt_number)})",
            result.id, lambda: ledger.record_payment(ctx.db, ctx.actor, data, **forced),
            lambda ident: ledger.void_payment(ctx.db, ctx.actor, ident, UNDONE)))
        self.ctx.bus.ledger_changed.emit()
        self.ctx.bus.status_message.emit(
            f"Recorded {self.ctx.money(result.amount)}, "
            f"receipt No. {receipt_no(result.receipt_number)}. "
            "Undo with Ctrl+Z (it is voided).")

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

        self.ctx.run_task(lambda: ledger.preview_allocation(self.ctx.db, self.ctx.actor, lease_id,
                                                            amount), done)

    def show_preview(self, result: AllocationPreview) -> None:
        money = self.ctx.money
        lines = [f"{a.description} (due {a.due_date:%b %d}): {money(a.amount)}"
                 + ("" if a.amount == a.outstanding_before
                    else f" of {money(a.outstanding_before)}") for a in result.allocations]
        lines.append(f"Balance {money(result.balance_before)} -> {money(result.balance_after)}")
        head = "This payment will go to:"
        if result.unapplied > Decimal(0):
            paid = sum((a.amount for a in result.allocations), Decimal(0))
            head = credit_sentence(self.tenant_name, paid + result.unapplied, result, money)
            if result.allocations:
                head += "\nThe rest goes to:"
        self.preview.setText(head + "\n" + "\n".join(lines))
        self.preview.setStyleSheet(PREVIEW_STYLE + (CREDIT_STYLE if result.unapplied > 0
                                                    else ""))
        self._show_date_note()

    def _show_date_note(self) -> None:
        """A date ahead is allowed (a post-dated check) but said, so a wrong year shows."""
        picked_day: date = self.day.date().toPython()  # type: ignore[assignment]
        ahead = (picked_day - today()).days
        self.date_note.setText(f"Dated {ahead} days from today: a post-dated check? It is "
                               "kept as credit until the charges come due." if ahead > 0 else "")
        self.date_note.setVisible(ahead > 0)


class ChargeOrCreditDialog(FormDialog):
    """A charge entered by hand (a repair, a lost key) or a credit (goodwill, a correction),
    with its description; undone with Ctrl+Z (voided)."""

    def __init__(self, ctx: AppContext, lease_id: LeaseChoice | uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Charge or credit", parent, runner=ctx, save_text="Post")
        self.ctx = ctx
        self.lease = lease_picker(ctx, lease_id)
        self.kind = QComboBox()
        self.kind.setObjectName("entry_kind")
        self.kind.addItem("Charge: the tenant owes more", "charge")
        self.kind.addItem("Credit: the tenant owes less", "credit")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("25.00")
        self.day = QDateEdit(qdate(today()))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.description = QLineEdit()
        self.description.setPlaceholderText("e.g. replacement key, goodwill for the broken heater")
        self.fields.add("lease_id", "Lease", self.lease)
        self.fields.add("kind", "Entry", self.kind)
        self.fields.add("amount", "Amount", self.amount)
        self.fields.add("due_date", "Due on", self.day)
        self.fields.alias("received_on", "due_date")
        self.fields.add("description", "Description", self.description)
        self.fields.alias("reason", "description")
        self.entered: tuple[ChargeCreate | CreditCreate, dict[str, bool]] | None = None
        self.finish_layout()

    def build_input(self) -> ChargeCreate | CreditCreate:
        if picked(self.lease) is None:
            raise ValidationError("lease_id", "choose whose account this goes on")
        if self.kind.currentData() == "credit":
            return build(CreditCreate, lease_id=picked(self.lease), amount=self.amount.text(),
                         received_on=self.day.date().toPython(),
                         reason=self.description.text())
        return build(ChargeCreate, lease_id=picked(self.lease), amount=self.amount.text(),
                     due_date=self.day.date().toPython(), description=self.description.text())

    def save(self, data: ChargeCreate | CreditCreate) -> Any:
        self.entered = (data, self.force())  # redo posts it again, as said yes to
        return post_entry(self.ctx, data, self.entered[1])

    def after_save(self, result: Any) -> None:
        assert self.entered is not None
        data, forced = self.entered
        push_entry(self.ctx, data, forced, result)
        self.ctx.bus.ledger_changed.emit()
        self.ctx.bus.status_message.emit(
            f"Posted a {self.kind.currentData()} of {self.ctx.money(data.amount)}. "
            "Undo with Ctrl+Z (it is voided).")


def _entry_calls(ctx: AppContext, data: ChargeCreate | CreditCreate, forced: dict[str, bool]
                 ) -> tuple[Callable[[], Any], Callable[[uuid.UUID], Any]]:
    """Post and void for a charge or a credit (`forced`: what the person said yes to)."""
    def post() -> Any:
        if isinstance(data, CreditCreate):
            return ledger.add_credit(ctx.db, ctx.actor, data, **forced)
        return ledger.post_charge(ctx.db, ctx.actor, data, **forced)

    def void(ident: uuid.UUID) -> Any:
        if isinstance(data, CreditCreate):
            return ledger.void_payment(ctx.db, ctx.actor, ident, UNDONE)
        return ledger.void_charge(ctx.db, ctx.actor, ident, UNDONE)

    return post, void


def post_entry(ctx: AppContext, data: ChargeCreate | CreditCreate, forced: dict[str, bool]
               ) -> Any:
    """Post a charge or a credit (in a worker)."""
    return _entry_calls(ctx, data, forced)[0]()


def push_entry(ctx: AppContext, data: ChargeCreate | CreditCreate, forced: dict[str, bool],
               made: Any) -> None:
    """The entry just posted, on the undo stack (GUI thread): undo voids it, redo posts it
    again."""
    post, void = _entry_calls(ctx, data, forced)
    what = "Credit" if isinstance(data, CreditCreate) else "Charge"
    ctx.undo_stack.push(entry_command(ctx, f"{what} of {ctx.money(data.amount)}", made.id,
                                      post, void))


class VoidDialog(FormDialog):
    """Void a charge or a payment: it stays in the history, marked, and counts for nothing."""

    def __init__(self, ctx: AppContext, entry: str, entry_id: uuid.UUID, label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Void {entry}", parent, runner=ctx, save_text="Void")
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
        return result

    def after_save(self, result: Any) -> None:
        self.ctx.bus.ledger_changed.emit()


class StatementDialog(FormDialog):
    """A lease's statement (its whole account: renewals and transfers included) for a date
    range, with the running balance: previewed as PDF (print, save) or written as CSV."""

    def __init__(self, ctx: AppContext, lease_id: uuid.UUID, parent: QWidget | None = None
                 ) -> None:
        from coliv_desktop.ui.common.fields import DateField

        super().__init__("Tenant statement", parent, runner=ctx, save_text="Make statement")
        self.ctx = ctx
        self.lease_id = lease_id
        end = today()
        self.start = DateField(date(end.year, 1, 1))
        self.end = DateField(end)
        self.output = QComboBox()
        self.output.setObjectName("statement_format")
        self.output.addItem("PDF: preview, print or save", "pdf")
        self.output.addItem("CSV file, for a spreadsheet", "csv")
        self.fields.add("start", "From", self.start)
        self.fields.add("end", "To", self.end)
        self.fields.alias("to", "end")
        self.fields.add("format", "As", self.output)
        self.note = QLabel("The opening balance on the first day is carried in.")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #57606a;")
        self.body.addWidget(self.note)
        self.target: Path | None = None  # where the CSV goes, chosen on Save
        self.finish_layout()
        # when the account began (its first lease): the default start; Save waits for it
        self.save_button.setEnabled(False)
        db = ctx.db
        actor = ctx.actor
        ctx.run_task(lambda: leasing.get_lease(db, actor, ledger.account_of(db, actor, lease_id)[0])
                     .lease_start, self._began)

    def _began(self, first: date | None, error: BaseException | None) -> None:
        if not shiboken6.isValid(self):
            return
        self.save_button.setEnabled(True)
        if error is not None or first is None:
            self.show_banner(str(error))
            return
        end = today()
        self.start.set_value(max(first, date(end.year, 1, 1)) if first <= end else first)
        self.note.setText(f"The account began on {first.isoformat()}; the opening balance on "
                          "the first day is carried in.")

    def build_input(self) -> tuple[date, date, str]:
        from coliv_desktop.services.reports import check_statement_period

        start, end = self.start.value(), self.end.value()
        if start is None or end is None:  # the date fields are not optional: a safeguard
            raise ValidationError("start" if start is None else "end", "choose a day")
        check_statement_period(start, end)  # the service's rule, shown next to "To"
        return start, end, str(self.output.currentData())

    def submit(self) -> None:
        """A CSV asks where to write it first (here, on the GUI thread); the save writes it."""
        self.target = None
        try:
            start, end, kind = self.build_input()
        except ColivError:
            kind = ""  # the base shows the error
        if kind == "csv" and not self.saving:
            target, _ = QFileDialog.getSaveFileName(self, "Save statement",
                                                    f"statement-{start}-{end}.csv",
                                                    "CSV files (*.csv)")
            if not target:
                self.show_error(ColivError("choose a file to save the CSV to"))
                return
            self.target = Path(target)
        super().submit()

    def save(self, data: tuple[date, date, str]) -> Path | None:
        start, end, kind = data
        if kind == "pdf" or self.target is None:  # the PDF is written by its preview
            return None
        return printing.statement_file(self.ctx.db, self.ctx.actor, self.lease_id, start, end,
                                       self.target)

    def after_save(self, result: Path | None) -> None:
        from coliv_desktop.ui.ledger.views import preview_pdf

        if result is not None:
            return
        start, end, _kind = self.build_input()
        db, lease_id = self.ctx.db, self.lease_id
        actor = self.ctx.actor
        owner = self.parentWidget() or self
        preview_pdf(self.ctx, owner, "Statement", lambda p: printing.statement_pdf(
            db, actor, lease_id, start, end, p))
