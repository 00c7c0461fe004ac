"""Edits as undoable commands: QUndoCommand subclasses that call services.

A dialog first runs the service itself (so its errors show next to the fields), then pushes
the command with `done=True`: the stack's first redo() is then skipped. Later undo()/redo()
call services again; if one is refused (a lease started meanwhile, say) the error goes to the
bus and the command is made obsolete so the stack drops it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QUndoCommand

from coliv_desktop.domain.errors import ColivError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.leasing import LeaseOut, LeaseTransfer
from coliv_desktop.schemas.people import TenantOut, TenantUpdate
from coliv_desktop.schemas.portfolio import (
    PropertyOut,
    PropertyUpdate,
    RoomCreate,
    RoomOut,
    RoomUpdate,
    UnitOut,
    UnitUpdate,
)
from coliv_desktop.services import lease_undo, leasing, portfolio, tenants
from coliv_desktop.ui.context import AppContext


class ServiceCommand(QUndoCommand):
    """redo/undo are service calls; `changed` names the bus signals to emit after each."""

    def __init__(
        self,
        ctx: AppContext,
        text: str,
        redo: Callable[[], Any],
        undo: Callable[[], Any],
        *,
        changed: Sequence[str] = ("portfolio_changed",),
        done: bool = True,
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._redo = redo
        self._undo = undo
        self._changed = tuple(changed)
        self._skip_first = done

    def _run(self, fn: Callable[[], Any], verb: str) -> None:
        try:
            fn()
        except ColivError as exc:
            self.setObsolete(True)
            self.ctx.bus.error.emit(f"Could not {verb} “{self.text()}”: {exc}")
            return
        for name in self._changed:
            getattr(self.ctx.bus, name).emit()

    def redo(self) -> None:
        if self._skip_first:
            self._skip_first = False
            return
        self._run(self._redo, "redo")

    def undo(self) -> None:
        self._run(self._undo, "undo")


@dataclass(frozen=True)
class Kind:
    label: str
    update: Callable[..., Any]
    archive: Callable[..., Any]
    schema: type[Any]
    changed: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "property": Kind("property", portfolio.update_property, portfolio.set_property_archived,
                     PropertyUpdate, ("portfolio_changed",)),
    "unit": Kind("unit", portfolio.update_unit, portfolio.set_unit_archived, UnitUpdate,
                 ("portfolio_changed",)),
    "room": Kind("room", portfolio.update_room, portfolio.set_room_archived, RoomUpdate,
                 ("portfolio_changed",)),
    "tenant": Kind("tenant", tenants.update_tenant, tenants.set_tenant_archived, TenantUpdate,
                   ("tenants_changed", "leases_changed")),
}


def kind_of(row: object) -> str:
    if isinstance(row, PropertyOut):
        return "property"
    if isinstance(row, UnitOut):
        return "unit"
    if isinstance(row, RoomOut):
        return "room"
    if isinstance(row, TenantOut):
        return "tenant"
    raise TypeError(f"no undoable edits for {type(row).__name__}")


def edit_command(ctx: AppContext, before: Any, after: Any, text: str) -> ServiceCommand | None:
    """An edit already saved: `before`/`after` are the service outputs around it."""
    kind = KINDS[kind_of(before)]
    fields = [f for f in kind.schema.model_fields if f != "expected_version"]
    old = {f: getattr(before, f) for f in fields if getattr(before, f) != getattr(after, f)}
    new = {f: getattr(after, f) for f in old}
    if not old:
        return None
    ident = before.id

    def apply(values: dict[str, Any]) -> Callable[[], Any]:
        return lambda: kind.update(ctx.db, ctx.actor, ctx.ids.resolve(ident),
                                   build(kind.schema, **values))

    return ServiceCommand(ctx, text, apply(new), apply(old), changed=kind.changed)


def archive_command(ctx: AppContext, row: Any, archived: bool, text: str) -> ServiceCommand:
    """Archive (or restore) `row` now (errors raise here, for the caller to show), undoably."""
    kind = KINDS[kind_of(row)]
    ident = row.id

    def setter(value: bool) -> Callable[[], Any]:
        return lambda: kind.archive(ctx.db, ctx.actor, ctx.ids.resolve(ident), value)

    setter(archived)()
    return ServiceCommand(ctx, text, setter(archived), setter(not archived),
                          changed=kind.changed)


def add_command(ctx: AppContext, row: Any, text: str) -> ServiceCommand:
    """A property, unit or tenant just added: undo archives it, redo restores it."""
    kind = KINDS[kind_of(row)]
    ident = row.id
    return ServiceCommand(
        ctx, text,
        lambda: kind.archive(ctx.db, ctx.actor, ctx.ids.resolve(ident), False),
        lambda: kind.archive(ctx.db, ctx.actor, ctx.ids.resolve(ident), True),
        changed=kind.changed,
    )


def add_rooms_command(ctx: AppContext, rooms: Sequence[RoomOut], text: str) -> ServiceCommand:
    """Rooms just added: undo deletes them (they have no history yet), redo adds them again."""
    current = [room.id for room in rooms]
    inputs = [
        build(RoomCreate, unit_id=r.unit_id, room_number=r.room_number, room_type=r.room_type,
              beds=r.beds, size_sqft=r.size_sqft, has_private_bath=r.has_private_bath,
              rent_amount=r.rent_amount, available_date=r.available_date, status=r.status)
        for r in rooms
    ]

    def redo() -> None:
        unit_ids = [ctx.ids.resolve(i.unit_id) for i in inputs]
        again = portfolio.add_rooms(ctx.db, ctx.actor, [
            i.model_copy(update={"unit_id": u}) for i, u in zip(inputs, unit_ids, strict=True)])
        for index, room in enumerate(again):
            ctx.ids.alias(current[index], room.id)
            current[index] = room.id

    def undo() -> None:
        portfolio.delete_rooms(ctx.db, ctx.actor, [ctx.ids.resolve(i) for i in current])

    return ServiceCommand(ctx, text, redo, undo, changed=("portfolio_changed",))


LEASE_CHANGED = ("leases_changed", "portfolio_changed", "tenants_changed", "ledger_posted")


def lease_command(ctx: AppContext, lease_id: uuid.UUID, text: str) -> ServiceCommand:
    """A lease just created: undo cancels it ("entered by mistake"), redo restores it."""
    return ServiceCommand(
        ctx, text,
        lambda: lease_undo.uncancel_lease(ctx.db, ctx.actor, lease_id),
        lambda: leasing.cancel_lease(ctx.db, ctx.actor, lease_id, "undone in CoLiv"),
        changed=LEASE_CHANGED)


def move_out_command(ctx: AppContext, before: LeaseOut, after: LeaseOut,
                     text: str) -> ServiceCommand:
    """A move-out just recorded: undo reopens the lease to its old end (the rent it reversed
    is charged again), redo records the move-out again."""
    ident, move_out = before.id, after.lease_end
    assert move_out is not None
    return ServiceCommand(
        ctx, text,
        lambda: leasing.end_lease(ctx.db, ctx.actor, ident, move_out),
        lambda: lease_undo.reopen_lease(ctx.db, ctx.actor, ident, before.lease_end),
        changed=LEASE_CHANGED)


def renew_command(ctx: AppContext, renewal: LeaseOut, text: str) -> ServiceCommand:
    """A renewal just made: undo removes it (refused once money is recorded on it), redo
    restores it."""
    ident = renewal.id
    return ServiceCommand(
        ctx, text,
        lambda: lease_undo.uncancel_lease(ctx.db, ctx.actor, ident),
        lambda: lease_undo.remove_renewal(ctx.db, ctx.actor, ident),
        changed=LEASE_CHANGED)


def cancel_command(ctx: AppContext, lease_id: uuid.UUID, reason: str,
                   text: str) -> ServiceCommand:
    """A lease just cancelled: undo restores it if its bed is still free, redo cancels again."""
    return ServiceCommand(
        ctx, text,
        lambda: leasing.cancel_lease(ctx.db, ctx.actor, lease_id, reason),
        lambda: lease_undo.uncancel_lease(ctx.db, ctx.actor, lease_id),
        changed=LEASE_CHANGED)


def transfer_command(ctx: AppContext, origin: uuid.UUID, data: LeaseTransfer, moved: LeaseOut,
                     text: str) -> ServiceCommand:
    """A transfer just made: undo cancels the lease in the new room and reopens the old one
    (refused once money is recorded on the new lease); redo transfers again."""
    current = [moved.id]

    def redo() -> None:
        again = leasing.transfer_lease(ctx.db, ctx.actor, origin, data)
        ctx.ids.alias(current[0], again.id)
        current[0] = again.id

    return ServiceCommand(
        ctx, text, redo,
        lambda: lease_undo.undo_transfer(ctx.db, ctx.actor, current[0]),
        changed=LEASE_CHANGED)


PROFILE_FIELDS = ("company_name", "address", "phone", "email")


def settings_command(ctx: AppContext, before: tuple[Any, dict[str, Any]],
                     after: tuple[Any, dict[str, Any]]) -> ServiceCommand | None:
    """File ▸ Settings saved: undo puts back the profile fields and settings it changed (a
    wrong rent due day or late fee is easy to type and costly to keep)."""
    from coliv_desktop.schemas.operator import OperatorProfileUpdate
    from coliv_desktop.services import operator

    (old_profile, old_values), (new_profile, new_values) = before, after
    keys = [k for k in new_values if old_values.get(k) != new_values.get(k)]
    fields = [f for f in PROFILE_FIELDS
              if getattr(old_profile, f) != getattr(new_profile, f)]
    if not keys and not fields:
        return None

    def apply(profile: Any, values: dict[str, Any]) -> Callable[[], Any]:
        def run() -> Any:
            update = build(OperatorProfileUpdate,
                           **{f: getattr(profile, f) for f in PROFILE_FIELDS})
            _, current = operator.save_preferences(ctx.db, ctx.actor, update,
                                                   {k: values[k] for k in keys})
            ctx.currency, ctx.locale = str(current["currency"]), str(current["locale"])
        return run

    return ServiceCommand(ctx, "Change settings", apply(new_profile, new_values),
                          apply(old_profile, old_values), changed=("settings_changed",))
