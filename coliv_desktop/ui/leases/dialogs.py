"""Leases: a new lease (the room picker lists only rooms free for the dates), move-out,
renewal, transfer to another room, reopening after a move-out."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import shiboken6
from dateutil.relativedelta import relativedelta
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from coliv_desktop.schemas import build
from coliv_desktop.schemas.leasing import (
    LeaseCreate,
    LeaseOut,
    LeaseRenewal,
    LeaseRow,
    LeaseTransfer,
)
from coliv_desktop.schemas.overview import PortfolioTree, TenantRow
from coliv_desktop.services import directory, leasing, overview
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import FieldErrors, FormDialog, no_rent_question


def chosen(combo: QComboBox) -> uuid.UUID | None:
    """The id behind a picker's current item (items carry ids as text: Qt compares those)."""
    value = combo.currentData()
    return uuid.UUID(value) if value else None


def select_id(combo: QComboBox, ident: uuid.UUID | None) -> bool:
    index = combo.findData(str(ident)) if ident is not None else -1
    if index >= 0:
        combo.setCurrentIndex(index)
    return index >= 0


def fill_free_rooms(ctx: AppContext, fields: FieldErrors, combo: QComboBox,
                    rents: dict[uuid.UUID, str], start: date | None, end: date | None, *,
                    prefer: uuid.UUID | None = None, leave_out: uuid.UUID | None = None,
                    then: Callable[[], None] | None = None) -> None:
    """Fill a room picker with the rooms that have a bed free over [start, end] (rent and free
    beds in each label; `rents` gets each room's rent for the rent field's hint), keeping the
    current choice when it is still free; no free room is an error on the `room_id` field.

    The rooms are looked up in the background (the picker is off meanwhile) and `then` runs
    once they are in; each date change asks again, and an answer for dates changed since is
    dropped."""
    request = int(combo.property("request") or 0) + 1
    combo.setProperty("request", request)
    if start is None or (end is not None and end < start):
        combo.clear()
        combo.setEnabled(True)
        if then is not None:
            then()
        return
    current = chosen(combo) or prefer
    combo.setEnabled(False)
    db = ctx.db
    actor = ctx.actor

    def look_up() -> tuple[dict[uuid.UUID, int], PortfolioTree]:
        free = dict(leasing.free_rooms(db, actor, start, end))
        if leave_out is not None:
            free.pop(leave_out, None)
        return free, overview.portfolio_tree(db, actor, start)

    def done(result: Any, error: BaseException | None) -> None:
        if not shiboken6.isValid(combo) or combo.property("request") != request:
            return  # closed, or the dates changed since: a later answer is coming
        combo.setEnabled(True)
        if error is not None:
            fields.set_error("room_id", str(error))
            return
        free, tree = result
        combo.blockSignals(True)
        combo.clear()
        rents.clear()
        for row in tree.rows:
            if row.room_id is None or row.room_id not in free:
                continue
            beds = free[row.room_id]
            extra = f", {beds} beds free" if row.beds > 1 else ""
            rent = ctx.money(row.rent_amount)
            combo.addItem(f"{row.property_name} · {row.unit_number}-{row.room_number} "
                          f"({rent}{extra})", str(row.room_id))
            rents[row.room_id] = "" if row.rent_amount is None else f"{row.rent_amount:.2f}"
        if not select_id(combo, current):
            combo.setCurrentIndex(0 if combo.count() else -1)
        combo.blockSignals(False)
        if not free:
            fields.set_error("room_id", "No room has a free bed for these dates")
        else:
            fields.clear("room_id")
        if then is not None:
            then()

    ctx.run_task(look_up, done)


class LeaseDialog(FormDialog):
    def __init__(self, ctx: AppContext, *, room_id: uuid.UUID | None = None,
                 tenant_id: uuid.UUID | None = None, parent: QWidget | None = None) -> None:
        super().__init__("New lease", parent, runner=ctx, save_text="Create lease")
        self.setMinimumWidth(520)
        self.ctx = ctx
        self.wanted_room = room_id
        start = today()
        self.tenant_search = QLineEdit()
        self.tenant_search.setPlaceholderText("Type a name or email to find the tenant")
        self.tenant_search.setObjectName("tenant_search")
        self.tenant_id = QComboBox()
        self.lease_start = DateField(start)
        self.lease_end = DateField(start + relativedelta(months=6) - timedelta(days=1),
                                   optional=True, none_text="Has an end date")
        self.room_id = QComboBox()
        self.room_id.setToolTip("Only rooms with a free bed for these dates are listed")
        self.rent_amount = QLineEdit()
        self.rent_amount.setPlaceholderText("the room's rent")
        self.rent_amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.deposit_amount = QLineEdit("0.00")
        self.deposit_amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        self.fields.add("tenant_search", "Find tenant", self.tenant_search)
        for name, label, widget in (
            ("tenant_id", "Tenant", self.tenant_id), ("lease_start", "Start", self.lease_start),
            ("lease_end", "End", self.lease_end), ("room_id", "Room", self.room_id),
            ("rent_amount", "Rent / month", self.rent_amount),
            ("deposit_amount", "Deposit", self.deposit_amount), ("notes", "Notes", self.notes),
        ):
            self.fields.add(name, label, widget)
        self.fields.alias("bed", "room_id")
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.load_tenants)
        self.tenant_search.textEdited.connect(lambda *_: self._search_timer.start())
        self.lease_start.changed.connect(self.load_rooms)
        self.lease_end.changed.connect(self.load_rooms)
        self.room_id.currentIndexChanged.connect(self._room_chosen)
        self._rents: dict[uuid.UUID, str] = {}
        self._tenants_request = 0
        self.finish_layout()
        self.load_tenants(select=tenant_id)
        self.load_rooms()

    # --- pickers (small queries: up to 50 tenants, free rooms for the dates) -------------------

    def load_tenants(self, select: uuid.UUID | None = None) -> None:
        """Up to 50 tenants matching the search, in the background; an answer for a search
        typed over since is dropped."""
        current = select or chosen(self.tenant_id)
        self._tenants_request += 1
        request = self._tenants_request
        db, text = self.ctx.db, self.tenant_search.text()
        actor = self.ctx.actor

        def look_up() -> list[TenantRow]:
            rows = directory.tenant_rows(db, actor, text, limit=50)
            if select is not None and all(r.id != select for r in rows):
                from coliv_desktop.services.tenants import get_tenant

                t = get_tenant(db, actor, select)
                rows.insert(0, TenantRow(
                    id=t.id, first_name=t.first_name, last_name=t.last_name, email=t.email,
                    phone=t.phone, room=None, lease_end=None, archived_at=t.archived_at))
            return rows

        def done(rows: list[TenantRow] | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or request != self._tenants_request:
                return
            if error is not None or rows is None:
                self.fields.set_error("tenant_id", str(error))
                return
            self._fill_tenants(rows, current)

        self.ctx.run_task(look_up, done)

    def _fill_tenants(self, rows: list[TenantRow], current: uuid.UUID | None) -> None:
        self.tenant_id.blockSignals(True)
        self.tenant_id.clear()
        for r in rows:
            where = f" · {r.room}" if r.room else ""
            self.tenant_id.addItem(f"{r.full_name} <{r.email}>{where}", str(r.id))
        if not select_id(self.tenant_id, current):
            self.tenant_id.setCurrentIndex(0 if rows else -1)
        self.tenant_id.blockSignals(False)

    def load_rooms(self) -> None:
        start, end = self.lease_start.value(), self.lease_end.value()
        fill_free_rooms(self.ctx, self.fields, self.room_id, self._rents, start, end,
                        prefer=self.wanted_room, then=self._room_chosen)

    def _room_chosen(self) -> None:
        room = chosen(self.room_id)
        text = self._rents.get(room, "") if room is not None else ""
        self.rent_amount.setPlaceholderText(text or "the room's rent")

    def build_input(self) -> LeaseCreate:
        from coliv_desktop.domain.errors import ValidationError

        tenant_id, room_id = chosen(self.tenant_id), chosen(self.room_id)
        if tenant_id is None:
            raise ValidationError("tenant_id", "choose a tenant (add one with Tenants ▸ Add)")
        if room_id is None:
            raise ValidationError("room_id", "no room with a free bed is chosen for these dates")
        return build(LeaseCreate, room_id=room_id, tenant_id=tenant_id,
                     lease_start=self.lease_start.value(), lease_end=self.lease_end.value(),
                     rent_amount=self.rent_amount.text().strip() or None,
                     deposit_amount=self.deposit_amount.text().strip() or "0",
                     notes=self.notes.toPlainText())

    def confirmation(self, data: LeaseCreate) -> str | None:
        rent = data.rent_amount
        if rent is None and data.room_id in self._rents:  # the room's rent, as the service
            rent = Decimal(self._rents[data.room_id])
        name = self.tenant_id.currentText().split(" <")[0]
        return no_rent_question(f"{name}'s lease", rent)

    def save(self, data: LeaseCreate) -> LeaseOut:
        return leasing.create_lease(self.ctx.db, self.ctx.actor, data, **self.force())


class LeaseActionDialog(FormDialog):
    """A dialog acting on one lease (move-out, renewal, reopening, transfer): saved against
    the version of the row it was opened from, so another desk's change meanwhile is asked
    about (Reload reads the lease again), never overwritten silently."""

    ctx: AppContext
    lease: LeaseRow

    def reload(self) -> LeaseRow:
        return leasing.get_lease_row(self.ctx.db, self.ctx.actor, self.lease.id)

    def adopt(self, record: LeaseRow) -> None:
        self.lease = record


class MoveOutDialog(LeaseActionDialog):
    def __init__(self, ctx: AppContext, lease: LeaseRow, parent: QWidget | None = None) -> None:
        super().__init__(f"Move-out: {lease.tenant_name}", parent, runner=ctx,
                         save_text="Record move-out")
        self.ctx = ctx
        self.lease = lease
        default = lease.lease_end or today()
        self.move_out_date = DateField(default)
        self.fields.add("move_out_date", "Last night", self.move_out_date)
        self.fields.alias("lease_end", "move_out_date")
        note = QLabel("Rent already charged for days after the move-out is reversed, and the "
                      "last month re-prorated. Undo with Ctrl+Z.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #57606a;")
        self.body.addWidget(note)
        self.settle_deposit = QCheckBox("Settle the deposit next (deductions, refund, letter)")
        self.settle_deposit.setObjectName("settle_deposit_next")
        self.settle_deposit.setChecked(lease.deposit_amount > 0)
        self.body.addWidget(self.settle_deposit)
        self.finish_layout()

    def build_input(self) -> date:
        day = self.move_out_date.value()
        assert day is not None
        return day

    def refill(self, record: LeaseRow) -> None:
        self.move_out_date.set_value(record.lease_end or today())

    def save(self, data: date) -> LeaseOut:
        return leasing.end_lease(self.ctx.db, self.ctx.actor, self.lease.id, data,
                                 expected_version=self.lease.version, **self.force())


class RenewDialog(LeaseActionDialog):
    def __init__(self, ctx: AppContext, lease: LeaseRow, parent: QWidget | None = None) -> None:
        super().__init__(f"Renew: {lease.tenant_name}", parent, runner=ctx, save_text="Renew lease")
        self.ctx = ctx
        self.lease = lease
        base = lease.lease_end or today()
        self.new_end = DateField(base + relativedelta(months=6), optional=True,
                                 none_text="Has an end date (else month to month)")
        self.rent_amount = QLineEdit(f"{lease.rent_amount:.2f}")
        self.rent_amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields.add("new_end", "New end", self.new_end)
        self.fields.add("rent_amount", "Rent / month", self.rent_amount)
        self.finish_layout()

    def build_input(self) -> Any:
        return build(LeaseRenewal, new_end=self.new_end.value(),
                     rent_amount=self.rent_amount.text().strip() or None)

    def confirmation(self, data: LeaseRenewal) -> str | None:
        return no_rent_question(f"{self.lease.tenant_name}'s renewal", data.rent_amount)

    def refill(self, record: LeaseRow) -> None:
        self.new_end.set_value((record.lease_end or today()) + relativedelta(months=6))
        self.rent_amount.setText(f"{record.rent_amount:.2f}")

    def save(self, data: LeaseRenewal) -> LeaseOut:
        return leasing.renew_lease(self.ctx.db, self.ctx.actor, self.lease.id, data,
                                   expected_version=self.lease.version, **self.force())


class ReopenDialog(LeaseActionDialog):
    """Undo a move-out recorded earlier (Ctrl+Z only reaches this session's edits): the lease
    runs to its old end again and the rent the move-out reversed is charged again."""

    def __init__(self, ctx: AppContext, lease: LeaseRow, parent: QWidget | None = None) -> None:
        from coliv_desktop.services import lease_undo

        super().__init__(f"Reopen: {lease.tenant_name}", parent, runner=ctx,
                         save_text="Reopen lease")
        self.ctx = ctx
        self.lease = lease
        self.lease_end = DateField(lease.lease_end or today(), optional=True,
                                   none_text="Had an end date (else open-ended)")
        self.fields.add("lease_end", "Runs until", self.lease_end)
        self.note = QLabel(self.REFUSED)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #57606a;")
        self.body.addWidget(self.note)
        self.finish_layout()
        # the end it had before the move-out, from the audit log: Save waits for it
        self.save_button.setEnabled(False)
        lease_id = lease.id
        ctx.run_task(lambda: lease_undo.end_before_move_out(ctx.db, ctx.actor, lease_id),
                     self._old_end)

    REFUSED = ("The rent the move-out reversed is charged again; refused if the bed was let "
               "since or the deposit was settled.")

    def _old_end(self, result: tuple[bool, date | None] | None,
                 error: BaseException | None) -> None:
        if not shiboken6.isValid(self):
            return
        self.save_button.setEnabled(True)
        if error is not None or result is None:
            self.show_banner(str(error))
            return
        found, old_end = result
        if found:
            self.lease_end.set_value(old_end)
            self.note.setText("The end it had before the move-out is filled in. " + self.REFUSED)

    def build_input(self) -> date | None:
        return self.lease_end.value()

    def save(self, data: date | None) -> LeaseOut:
        from coliv_desktop.services import lease_undo

        return lease_undo.reopen_lease(self.ctx.db, self.ctx.actor, self.lease.id, data,
                                       expected_version=self.lease.version)


class TransferDialog(LeaseActionDialog):
    """Move a tenant to another room: the lease ends the night before the transfer date and a
    new one in the chosen room runs to the old end, carrying the deposit and the balance."""

    def __init__(self, ctx: AppContext, lease: LeaseRow, parent: QWidget | None = None) -> None:
        super().__init__(f"Transfer: {lease.tenant_name}", parent, runner=ctx, save_text="Transfer")
        self.setMinimumWidth(480)
        self.ctx = ctx
        self.lease = lease
        default = max(today(), lease.lease_start + timedelta(days=1))
        if lease.lease_end is not None:
            default = min(default, lease.lease_end)
        self.transfer_date = DateField(default)
        self.room_id = QComboBox()
        self.room_id.setObjectName("transfer_room")
        self.room_id.setToolTip("Rooms with a bed free from the transfer date to the lease's end")
        self.rent_amount = QLineEdit()
        self.rent_amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.rent_amount.setPlaceholderText("the new room's rent")
        self.fields.add("transfer_date", "First night in the new room", self.transfer_date)
        self.fields.add("room_id", "New room", self.room_id)
        self.fields.alias("bed", "room_id")
        self.fields.add("rent_amount", "Rent / month", self.rent_amount)
        end = lease.lease_end.isoformat() if lease.lease_end else "open-ended"
        note = QLabel(f"Now in {lease.property_name} · {lease.unit_number}-{lease.room_number} "
                      f"until {end}. The deposit and the balance move with the tenant; rent "
                      "already charged is re-prorated between the two rooms. Undo with Ctrl+Z.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #57606a;")
        self.body.addWidget(note)
        self._rents: dict[uuid.UUID, str] = {}
        self.submitted: LeaseTransfer | None = None
        self.transfer_date.changed.connect(self.load_rooms)
        self.room_id.currentIndexChanged.connect(self._room_chosen)
        self.finish_layout()
        self.load_rooms()

    def load_rooms(self) -> None:
        fill_free_rooms(self.ctx, self.fields, self.room_id, self._rents,
                        self.transfer_date.value(), self.lease.lease_end,
                        leave_out=self.lease.room_id, then=self._room_chosen)

    def _room_chosen(self) -> None:
        room = chosen(self.room_id)
        text = self._rents.get(room, "") if room is not None else ""
        self.rent_amount.setPlaceholderText(text or "the new room's rent")

    def build_input(self) -> LeaseTransfer:
        from coliv_desktop.domain.errors import ValidationError

        room_id = chosen(self.room_id)
        if room_id is None:
            raise ValidationError("room_id", "no room with a free bed is chosen for these dates")
        return build(LeaseTransfer, room_id=room_id, transfer_date=self.transfer_date.value(),
                     rent_amount=self.rent_amount.text().strip() or None)

    def confirmation(self, data: LeaseTransfer) -> str | None:
        rent = data.rent_amount
        if rent is None and data.room_id in self._rents:
            rent = Decimal(self._rents[data.room_id])
        return no_rent_question(f"{self.lease.tenant_name}'s lease in the new room", rent)

    def save(self, data: LeaseTransfer) -> LeaseOut:
        self.submitted = data  # what redo repeats
        return leasing.transfer_lease(self.ctx.db, self.ctx.actor, self.lease.id, data,
                                      expected_version=self.lease.version, **self.force())

    def refill(self, record: LeaseRow) -> None:
        self.load_rooms()  # the beds free until the lease's end, which may have moved
