"""Editing: the dialogs behind the menus, the undo commands they push, and what they announce.

Every edit runs its service from the dialog (errors show next to the fields), then pushes an
undo command and emits the bus signal for what changed. Modal steps go through `run_dialog`,
`confirm`, `ask_text` and `warn`, which tests replace to drive the dialogs like a person.
What a dialog needs read first (the row before the edit, a label) is read in a worker
(`_look_up`); the dialog opens when it returns, so an action returns before its dialog shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox, QWidget

from coliv_desktop.domain.errors import ColivError
from coliv_desktop.schemas.leasing import LeaseRow
from coliv_desktop.services import leasing, portfolio, protection, tenants
from coliv_desktop.ui.common import commands
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.widgets import later
from coliv_desktop.ui.leases.dialogs import (
    LeaseDialog,
    MoveOutDialog,
    RenewDialog,
    ReopenDialog,
    TransferDialog,
)
from coliv_desktop.ui.portfolio.property import PropertyDialog
from coliv_desktop.ui.portfolio.rooms import RoomDialog, RoomsGridDialog
from coliv_desktop.ui.portfolio.unit import UnitDialog
from coliv_desktop.ui.tenants.dialog import TenantDialog


class Editing(QObject):
    def __init__(self, ctx: AppContext, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.ctx = ctx
        self.window = parent_widget

    # --- modal steps (replaced in tests) -------------------------------------------------------

    def run_dialog(self, dialog: QDialog) -> int:
        return dialog.exec()

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.window, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def ask_text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self.window, title, label)
        return text if ok else None

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    def _emit(self, *signals: SignalInstance) -> None:
        for signal in signals:
            signal.emit()

    def _look_up(self, read: Callable[[], Any], then: Callable[[Any], None],
                 refused: str | None = None) -> None:
        """`read()` in a worker, then `then(result)` here. A refusal is shown in a box titled
        `refused` (or on the status bar); nothing happens once the window is gone."""

        def answer(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is None:
                then(result)
            elif isinstance(error, ColivError) and refused is not None:
                self.warn(refused, str(error))
            else:
                self.ctx.bus.error.emit(str(error))

        self.ctx.run_task(read, later(answer))

    # --- settings --------------------------------------------------------------------------

    def settings(self, on_saved: Callable[[Any], None] | None = None) -> None:
        """File > Settings…: the business profile and every declared setting. `on_saved` is
        called with what was saved (not when cancelled)."""
        from coliv_desktop.services import operator
        from coliv_desktop.services import settings as settings_service

        ctx = self.ctx
        db = ctx.db
        actor = ctx.actor

        def show(before: tuple[Any, dict[str, Any]]) -> None:
            from coliv_desktop.ui.shell.settings import SettingsDialog

            dialog = SettingsDialog(ctx, parent=self.window)
            if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
                return
            command = commands.settings_command(ctx, before, dialog.saved)
            if command is not None:
                ctx.undo_stack.push(command)
            if on_saved is not None:
                on_saved(dialog.saved)

        self._look_up(lambda: (operator.get_profile(db, actor),
                               settings_service.get_settings(db, actor)),
                      show)

    # --- portfolio -------------------------------------------------------------------------

    def add_property(self) -> Any:
        dialog = PropertyDialog(self.ctx, parent=self.window)
        if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        prop = dialog.saved
        self.ctx.undo_stack.push(commands.add_command(self.ctx, prop, f"Add property {prop.name}"))
        self._emit(self.ctx.bus.portfolio_changed)
        self.ctx.bus.open_property.emit(prop.id)
        if dialog.next_requested:
            self.add_unit(prop.id)
        return prop

    def edit_property(self, property_id: uuid.UUID) -> None:
        db = self.ctx.db
        actor = self.ctx.actor

        def show(before: Any) -> None:
            dialog = PropertyDialog(self.ctx, before, parent=self.window)
            if (self.run_dialog(dialog) == QDialog.DialogCode.Accepted
                    and dialog.saved is not None):
                self._push_edit(before, dialog.saved, f"Edit property {before.name}")

        self._look_up(lambda: portfolio.get_property(db, actor, property_id), show)

    def add_unit(self, property_id: uuid.UUID) -> None:
        db = self.ctx.db
        actor = self.ctx.actor

        def show(prop: Any) -> None:
            dialog = UnitDialog(self.ctx, property_id, property_name=prop.name,
                                parent=self.window)
            if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
                return
            unit = dialog.saved
            self.ctx.undo_stack.push(commands.add_command(
                self.ctx, unit, f"Add unit {unit.unit_number}"))
            self._emit(self.ctx.bus.portfolio_changed)
            self.ctx.bus.open_unit.emit(unit.id)
            if dialog.next_requested:
                self.add_rooms(unit.id)

        self._look_up(lambda: portfolio.get_property(db, actor, property_id), show)

    def edit_unit(self, unit_id: uuid.UUID) -> None:
        db = self.ctx.db
        actor = self.ctx.actor

        def show(before: Any) -> None:
            dialog = UnitDialog(self.ctx, before.property_id, before, parent=self.window)
            if (self.run_dialog(dialog) == QDialog.DialogCode.Accepted
                    and dialog.saved is not None):
                self._push_edit(before, dialog.saved, f"Edit unit {before.unit_number}")

        self._look_up(lambda: portfolio.get_unit(db, actor, unit_id), show)

    def add_rooms(self, unit_id: uuid.UUID) -> None:
        db = self.ctx.db
        actor = self.ctx.actor

        def read() -> tuple[Any, int, set[str]]:
            every = portfolio.list_rooms(db, actor, unit_id, include_archived=True)
            return (portfolio.get_unit(db, actor, unit_id), len(portfolio.list_rooms(db, actor,
                                                                                     unit_id)),
                    {r.room_number for r in every})

        def show(found: tuple[Any, int, set[str]]) -> None:
            unit, existing, taken = found
            rows = max(unit.bedrooms - existing, 1)
            dialog = RoomsGridDialog(self.ctx, unit_id, unit.unit_number, rows=0,
                                     parent=self.window)
            dialog.grid.setRowCount(0)
            letters = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in taken]
            for i in range(rows):
                dialog.add_row(letters[i] if i < len(letters) else None)
            if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or not dialog.saved:
                return
            rooms = dialog.saved
            self.ctx.undo_stack.push(commands.add_rooms_command(
                self.ctx, rooms, f"Add {len(rooms)} rooms to unit {unit.unit_number}"))
            self._emit(self.ctx.bus.portfolio_changed)

        self._look_up(read, show)

    def edit_room(self, room_id: uuid.UUID) -> None:
        db = self.ctx.db
        actor = self.ctx.actor

        def show(before: Any) -> None:
            dialog = RoomDialog(self.ctx, before, parent=self.window)
            if (self.run_dialog(dialog) == QDialog.DialogCode.Accepted
                    and dialog.saved is not None):
                self._push_edit(before, dialog.saved, f"Edit room {before.room_number}")

        self._look_up(lambda: portfolio.get_room(db, actor, room_id), show)

    def _row_and_label(self, kind: str, ident: uuid.UUID) -> Callable[[], tuple[Any, str]]:
        """A reader (for a worker) of the row and how a message names it."""
        db = self.ctx.db
        actor = self.ctx.actor

        def read() -> tuple[Any, str]:
            if kind == "property":
                prop = portfolio.get_property(db, actor, ident)
                return prop, prop.name
            if kind == "unit":
                unit = portfolio.get_unit(db, actor, ident)
                return unit, f"unit {unit.unit_number}"
            if kind == "room":
                room = portfolio.get_room(db, actor, ident)
                return room, f"room {room.room_number}"
            tenant = tenants.get_tenant(db, actor, ident)
            return tenant, tenant.full_name

        return read

    def show_archive(self) -> Any:
        from coliv_desktop.ui.portfolio.archive import ArchiveDialog

        dialog = ArchiveDialog(self.ctx, self, parent=self.window)
        self.run_dialog(dialog)
        return dialog

    def restore(self, kind: str, ident: uuid.UUID,
                on_done: Callable[[bool], None] | None = None) -> None:
        """Bring an archived row back (undoable: Ctrl+Z archives it again). `on_done(True)`
        once restored, `on_done(False)` if refused."""
        self._look_up(self._row_and_label(kind, ident), lambda found: self._set_archived(
            kind, *found, archived=False, on_done=on_done))

    def archive(self, kind: str, ident: uuid.UUID,
                on_done: Callable[[bool], None] | None = None) -> None:
        """Archive a row once the person confirms (undoable). `on_done(True)` once archived,
        `on_done(False)` if declined or refused."""

        def ask(found: tuple[Any, str]) -> None:
            row, label = found
            if not self.confirm(f"Archive {kind}",
                                f"Archive {label}? Its history is kept; you can undo this."):
                if on_done is not None:
                    on_done(False)
                return
            self._set_archived(kind, row, label, archived=True, on_done=on_done)

        self._look_up(self._row_and_label(kind, ident), ask)

    def _set_archived(self, kind: str, row: Any, label: str, *, archived: bool,
                      on_done: Callable[[bool], None] | None) -> None:
        verb = "archive" if archived else "restore"

        def done(command: commands.ServiceCommand | None, error: ColivError | None) -> None:
            if not shiboken6.isValid(self):
                return
            if command is None:
                self.warn(f"Cannot {verb} {label}", str(error))
            else:
                self.ctx.undo_stack.push(command)
                self._emit(*commands.KINDS[kind].changed(self.ctx.bus))
            if on_done is not None:
                on_done(command is not None)

        commands.archive_command(self.ctx, row, archived, f"{verb.capitalize()} {label}",
                                 later(done))

    def _push_edit(self, before: Any, after: Any, text: str) -> None:
        command = commands.edit_command(self.ctx, before, after, text)
        if command is not None:
            self.ctx.undo_stack.push(command)
        self._emit(*commands.KINDS[commands.kind_of(before)].changed(self.ctx.bus))

    # --- tenants and leases ------------------------------------------------------------------

    def add_tenant(self) -> Any:
        dialog = TenantDialog(self.ctx, parent=self.window)
        if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        tenant = dialog.saved
        self.ctx.undo_stack.push(commands.add_command(
            self.ctx, tenant, f"Add tenant {tenant.full_name}"))
        self._emit(self.ctx.bus.tenants_changed)
        self.ctx.open_tenant(tenant.id)
        return tenant

    def edit_tenant(self, tenant_id: uuid.UUID) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def read() -> tuple[Any, Any]:
            # the protected fields too, for a role that may read them (decrypted here)
            private = protection.tenant_private(db, actor, tenant_id) \
                if actor.may("documents.read") else None
            return tenants.get_tenant(db, actor, tenant_id), private

        def show(found: tuple[Any, Any]) -> None:
            before, private = found
            dialog = TenantDialog(self.ctx, before, parent=self.window, private=private)
            if (self.run_dialog(dialog) == QDialog.DialogCode.Accepted
                    and dialog.saved is not None):
                self._push_edit(before, dialog.saved, f"Edit tenant {before.full_name}")

        self._look_up(read, show)

    def new_lease(self, *, room_id: uuid.UUID | None = None,
                  tenant_id: uuid.UUID | None = None) -> Any:
        dialog = LeaseDialog(self.ctx, room_id=room_id, tenant_id=tenant_id, parent=self.window)
        if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        lease = dialog.saved
        self.ctx.undo_stack.push(commands.lease_command(self.ctx, lease, "New lease"))
        bus = self.ctx.bus
        self._emit(bus.leases_changed, bus.portfolio_changed, bus.tenants_changed)
        return lease

    def move_out(self, lease: LeaseRow) -> None:
        """Record a move-out (undoable), then settle the deposit if the operator asks to."""
        db = self.ctx.db
        actor = self.ctx.actor

        def show(before: Any) -> None:
            dialog = MoveOutDialog(self.ctx, lease, parent=self.window)
            if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
                return
            self.ctx.undo_stack.push(commands.move_out_command(
                self.ctx, before, dialog.saved, f"Move-out of {lease.tenant_name}"))
            self._emit(*self.ctx.bus.lease_signals())
            if dialog.settle_deposit.isChecked():
                self.settle_deposit(lease.id)

        self._look_up(lambda: leasing.get_lease(db, actor, lease.id), show)

    def renew(self, lease: LeaseRow) -> Any:
        dialog = RenewDialog(self.ctx, lease, parent=self.window)
        if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        self.ctx.undo_stack.push(commands.renew_command(
            self.ctx, dialog.saved, f"Renewal of {lease.tenant_name}'s lease"))
        self._emit(*self.ctx.bus.lease_signals())
        return dialog.saved

    def transfer(self, lease: LeaseRow) -> Any:
        """Move the tenant to another room (undoable)."""
        dialog = TransferDialog(self.ctx, lease, parent=self.window)
        if (self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None
                or dialog.submitted is None):
            return None
        self.ctx.undo_stack.push(commands.transfer_command(
            self.ctx, lease.id, dialog.submitted, dialog.saved,
            f"Transfer of {lease.tenant_name}"))
        self._emit(*self.ctx.bus.lease_signals())
        return dialog.saved

    def cancel_lease(self, lease: LeaseRow) -> None:
        reason = self.ask_text("Cancel lease",
                               f"Why is {lease.tenant_name}'s lease cancelled? "
                               "(for leases entered by mistake; it stays in the history)")
        if reason is None:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def cancelled(done: Any) -> None:
            self.ctx.undo_stack.push(commands.cancel_command(
                self.ctx, done, reason, f"Cancellation of {lease.tenant_name}'s lease"))
            self._emit(*self.ctx.bus.lease_signals())

        self._look_up(lambda: leasing.cancel_lease(db, actor, lease.id, reason), cancelled,
                      refused="Cannot cancel the lease")

    def reopen(self, lease: LeaseRow) -> None:
        """Undo a move-out made earlier (its own undo: move out again)."""
        db = self.ctx.db
        actor = self.ctx.actor

        def show(before: Any) -> None:
            dialog = ReopenDialog(self.ctx, lease, parent=self.window)
            if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
                return
            self.ctx.undo_stack.push(commands.reopen_command(
                self.ctx, before, dialog.saved, f"Reopening of {lease.tenant_name}'s lease"))
            self._emit(*self.ctx.bus.lease_signals())

        self._look_up(lambda: leasing.get_lease(db, actor, lease.id), show)

    def settle_deposit(self, lease_id: uuid.UUID) -> Any:
        """The deposit at move-out: deductions, refund or amount owed, then the letter."""
        from coliv_desktop.ui.ledger.deposit import DepositDialog, settle_command

        dialog = DepositDialog(self.ctx, lease_id, parent=self.window)
        if self.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.saved is None:
            return None
        if dialog.entered is not None:
            self.ctx.undo_stack.push(settle_command(self.ctx, dialog.entered))
        self._emit(self.ctx.bus.ledger_changed)
        dialog.show_letter()
        return dialog.saved
