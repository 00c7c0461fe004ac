"""Edits as undoable commands: QUndoCommand subclasses that call services.

A dialog first runs the service itself (so its errors show next to the fields), then pushes
the command with `done=True`: the stack's first redo() is then skipped. Later undo()/redo()
call services again, in a worker and one at a time (`UndoQueue`); if one is refused (a lease
started meanwhile, say) the error goes to the bus and the command is dropped from the stack.

Undo never overwrites another desk: a `VersionedCommand` carries the version its own last
write left on the rows it edits, and hands it to the service as `expected_version`. When
someone wrote a row since, the service refuses naming who (`ChangedMeanwhile`); the command
is dropped, with every other command on the stack about the same rows (each would be refused
in turn), and the operator is told in a message box.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, SignalInstance
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
from coliv_desktop.services.context import ChangedMeanwhile
from coliv_desktop.ui.common.context import AppContext, SignalBus

# A versioned step: given `expected(row id)` (the version this desk last wrote on a row), it
# calls its services with those as the expected versions and returns {row id: version} for
# the rows it wrote.
Expected = Callable[[uuid.UUID], int | None]
Step = Callable[[Expected], Mapping[uuid.UUID, int]]


class ServiceCommand(QUndoCommand):
    """redo/undo are service calls; `changed` are the bus signals to emit after each
    (`portfolio_changed` unless given). `rows` (ids, resolved through `ctx.ids`) are what the
    command writes: a refusal because one changed meanwhile drops every command about them.

    The stack moves its index at once; the service call itself runs in a worker, queued
    behind any undo or redo still running (`UndoQueue`), so pressing Ctrl+Z three times
    undoes three commands in order while the window stays responsive."""

    def __init__(
        self,
        ctx: AppContext,
        text: str,
        redo: Callable[[], Any],
        undo: Callable[[], Any],
        *,
        changed: Sequence[SignalInstance] | None = None,
        done: bool = True,
        rows: Callable[[], Iterable[uuid.UUID]] = tuple,
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._redo = redo
        self._undo = undo
        self._changed = tuple(changed) if changed is not None else (ctx.bus.portfolio_changed,)
        self._skip_first = done
        self._rows = rows
        self.key = object()  # the same for this command's clones (`drop_stale` rebuilds)
        self.quiet = False  # while the stack is rebuilt, redo()/undo() call nothing

    def rows(self) -> frozenset[uuid.UUID]:
        return frozenset(self.ctx.ids.resolve(i) for i in self._rows())

    def work(self, fn: Callable[[], Any]) -> Any:
        """In the worker: the service call(s) of one undo or redo."""
        return fn()

    def applied(self, result: Any) -> None:
        """On the GUI thread, once `work` succeeded."""

    def emit_changed(self) -> None:
        for signal in self._changed:
            signal.emit()

    def _run(self, fn: Callable[[], Any], verb: str) -> None:
        if self.quiet:
            return
        undo_queue(self.ctx).put(self, fn, verb, self.text())

    def redo(self) -> None:
        if self._skip_first:
            self._skip_first = False
            return
        self._run(self._redo, "redo")

    def undo(self) -> None:
        self._run(self._undo, "undo")

    def clone(self) -> ServiceCommand:
        """The same command in a new QUndoCommand (the stack deletes the ones it clears)."""
        twin = type(self).__new__(type(self))
        QUndoCommand.__init__(twin, self.text())
        twin.__dict__.update(self.__dict__)
        return twin


@dataclass
class _Queued:
    command: ServiceCommand  # its Qt half may be gone after a rebuild: only Python state used
    fn: Callable[[], Any]
    verb: str
    text: str


class UndoQueue(QObject):
    """One context's undos and redos, run one at a time in workers and in the order pressed:
    each expects the versions the one before it wrote, so two must never run at once."""

    NAME = "undo_queue"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.setObjectName(self.NAME)
        self.ctx = ctx
        self._waiting: deque[_Queued] = deque()
        self._running: _Queued | None = None
        # a database switch clears the stack; a result from before it is dropped by run_task
        ctx.bus.database_switched.connect(self._reset)

    @property
    def busy(self) -> bool:
        return self._running is not None or bool(self._waiting)

    def put(self, command: ServiceCommand, fn: Callable[[], Any], verb: str,
            text: str) -> None:
        self._waiting.append(_Queued(command, fn, verb, text))
        self._next()

    def forget(self, keys: set[object]) -> None:
        """Commands dropped from the stack: their waiting undo/redo is not run."""
        self._waiting = deque(q for q in self._waiting if q.command.key not in keys)

    def _reset(self) -> None:
        self._waiting.clear()
        self._running = None

    def _next(self) -> None:
        if self._running is not None or not self._waiting:
            return
        item = self._running = self._waiting.popleft()

        def done(result: Any, error: BaseException | None) -> None:
            if self._running is not item:  # reset meanwhile
                return
            self._running = None
            try:
                self._finished(item, result, error)
            finally:
                self._next()

        self.ctx.run_task(lambda: item.command.work(item.fn), done)

    def _finished(self, item: _Queued, result: Any, error: BaseException | None) -> None:
        command, what = item.command, f"Could not {item.verb} “{item.text}”"
        if isinstance(error, ChangedMeanwhile):
            drop_stale(self.ctx, command, what, error)
            command.emit_changed()  # show what the other desk saved
        elif error is not None:  # refused (ColivError) or failed: the stack would lie
            drop_commands(self.ctx, {command.key})
            self.ctx.bus.error.emit(f"{what}: {error}")
        else:
            command.applied(result)
            command.emit_changed()


def undo_queue(ctx: AppContext) -> UndoQueue:
    """The context's queue of undos and redos (a child of the context, made on first use)."""
    found = ctx.findChild(QObject, UndoQueue.NAME)
    return found if isinstance(found, UndoQueue) else UndoQueue(ctx)


class VersionedCommand(ServiceCommand):
    """A command whose redo and undo are `Step`s, refused by their services if a row changed
    since this desk last wrote it. What this desk last wrote is kept per row for the whole
    stack (`ctx.written`): undoing a later edit of the same row writes it again, and the
    earlier command must then expect that version, not the one its own save left."""

    def __init__(self, ctx: AppContext, text: str, redo: Step, undo: Step, *,
                 written: Mapping[uuid.UUID, int], rows: Callable[[], Iterable[uuid.UUID]],
                 changed: Sequence[SignalInstance] | None = None, done: bool = True,
                 then: Callable[[], None] | None = None) -> None:
        # the steps are kept as plain values (not closures over self), so `clone` carries them
        super().__init__(ctx, text, lambda: redo, lambda: undo, changed=changed, done=done,
                         rows=rows)
        self._then = then
        ctx.written.update(written)  # what the dialog's save left

    def work(self, fn: Callable[[], Any]) -> Any:
        # `ctx.written` is only read here: the queue runs one step at a time, and what the
        # step wrote is recorded on the GUI thread (`applied`)
        ctx = self.ctx
        step: Step = fn()
        return step(lambda ident: ctx.written.get(ctx.ids.resolve(ident)))

    def applied(self, result: Any) -> None:
        self.ctx.written.update(result)
        if self._then is not None:
            self._then()


def one_row(ident: Callable[[], uuid.UUID], write: Callable[[uuid.UUID, int | None], Any]
            ) -> Step:
    """A step writing one row: `write(row id, expected version)` returns the row as saved."""
    def step(expected: Expected) -> Mapping[uuid.UUID, int]:
        row = write(ident(), expected(ident()))
        return {row.id: row.version}
    return step


def drop_commands(ctx: AppContext, keys: set[object],
                  rows: frozenset[uuid.UUID] = frozenset()) -> int:
    """Remove from the stack the commands named by `keys` and those about `rows`, keeping
    the rest of the history in its order and position (undone ones still redoable). Returns
    how many besides `keys` went."""
    stack = ctx.undo_stack
    done = stack.index()
    kept: list[tuple[ServiceCommand, bool]] = []
    gone: set[object] = set()
    others = 0
    for i in range(stack.count()):
        command = stack.command(i)
        if not isinstance(command, ServiceCommand):
            continue
        if command.key in keys or command.rows() & rows:
            gone.add(command.key)
            others += command.key not in keys
        else:
            kept.append((command, i < done))
    undo_queue(ctx).forget(gone | keys)
    if gone:
        twins = [(command.clone(), was_done) for command, was_done in kept]
        stack.clear()
        for twin, _ in twins:
            twin.quiet = True
            stack.push(twin)
        stack.setIndex(sum(1 for _, was_done in twins if was_done))
        for twin, _ in twins:
            twin.quiet = False
    return others


def drop_stale(ctx: AppContext, command: ServiceCommand, what: str,
               exc: ChangedMeanwhile) -> None:
    """After `command` was refused because its rows changed meanwhile: drop it and the other
    commands about those rows too (each would be refused in turn), then say so."""
    dropped = drop_commands(ctx, {command.key}, command.rows())
    also = (f" {dropped} earlier change(s) to the same record were dropped from the undo "
            "history too." if dropped else "")
    ctx.bus.error.emit(f"{what}: {exc}.{also}")  # the status bar and the log

    def warn() -> None:  # a modal box: not from inside the task's delivery
        editing = ctx.editing
        if editing is not None:
            editing.warn("Changed by someone else", f"{what}.\n\n{exc.label} was changed by "
                         f"{exc.who} since. Your change was not undone or redone, so theirs "
                         f"stands; it was removed from the undo history.{also}")

    QTimer.singleShot(0, warn)


@dataclass(frozen=True)
class Kind:
    label: str
    update: Callable[..., Any]
    archive: Callable[..., Any]
    schema: type[Any]
    changed: Callable[[SignalBus], tuple[SignalInstance, ...]]


KINDS: dict[str, Kind] = {
    "property": Kind("property", portfolio.update_property, portfolio.set_property_archived,
                     PropertyUpdate, lambda bus: (bus.portfolio_changed,)),
    "unit": Kind("unit", portfolio.update_unit, portfolio.set_unit_archived, UnitUpdate,
                 lambda bus: (bus.portfolio_changed,)),
    "room": Kind("room", portfolio.update_room, portfolio.set_room_archived, RoomUpdate,
                 lambda bus: (bus.portfolio_changed,)),
    "tenant": Kind("tenant", tenants.update_tenant, tenants.set_tenant_archived, TenantUpdate,
                   lambda bus: (bus.tenants_changed, bus.leases_changed)),
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
    # the fields the output shows (a tenant's protected fields are not in it: not undone)
    fields = [f for f in kind.schema.model_fields
              if f != "expected_version" and f in type(before).model_fields]
    old = {f: getattr(before, f) for f in fields if getattr(before, f) != getattr(after, f)}
    new = {f: getattr(after, f) for f in old}
    if not old:
        return None
    ident = before.id

    def apply(values: dict[str, Any]) -> Step:
        return one_row(lambda: ctx.ids.resolve(ident), lambda i, version: kind.update(
            ctx.db, ctx.actor, i, build(kind.schema, **values, expected_version=version)))

    return VersionedCommand(ctx, text, apply(new), apply(old), written={ident: after.version},
                            rows=lambda: (ident,), changed=kind.changed(ctx.bus))


def _archiving(ctx: AppContext, kind: Kind, ident: uuid.UUID, archived: bool) -> Step:
    return one_row(lambda: ctx.ids.resolve(ident), lambda i, version: kind.archive(
        ctx.db, ctx.actor, i, archived, version))


def archive_command(ctx: AppContext, row: Any, archived: bool, text: str,
                    on_done: Callable[[ServiceCommand | None, ColivError | None], None]
                    ) -> None:
    """Archive (or restore) `row` in a worker, then hand `on_done` the undoable command (or
    the refusal, for the caller to show; any other failure goes to the bus)."""
    kind = KINDS[kind_of(row)]
    ident = row.id
    db, actor = ctx.db, ctx.actor

    def done(made: Any, error: BaseException | None) -> None:
        if isinstance(error, ColivError):
            on_done(None, error)
            return
        if error is not None:
            ctx.bus.error.emit(f"Could not {text[:1].lower()}{text[1:]}: {error}")
            return
        on_done(VersionedCommand(ctx, text, _archiving(ctx, kind, ident, archived),
                                 _archiving(ctx, kind, ident, not archived),
                                 written={ident: made.version}, rows=lambda: (ident,),
                                 changed=kind.changed(ctx.bus)), None)

    ctx.run_task(lambda: kind.archive(db, actor, ident, archived), done)


def add_command(ctx: AppContext, row: Any, text: str) -> ServiceCommand:
    """A property, unit or tenant just added: undo archives it, redo restores it."""
    kind = KINDS[kind_of(row)]
    ident = row.id
    return VersionedCommand(ctx, text, _archiving(ctx, kind, ident, False),
                            _archiving(ctx, kind, ident, True), written={ident: row.version},
                            rows=lambda: (ident,), changed=kind.changed(ctx.bus))


def add_rooms_command(ctx: AppContext, rooms: Sequence[RoomOut], text: str) -> ServiceCommand:
    """Rooms just added: undo deletes them (they have no history yet; refused if someone
    edited one since), redo adds them again."""
    current = [room.id for room in rooms]
    inputs = [
        build(RoomCreate, unit_id=r.unit_id, room_number=r.room_number, room_type=r.room_type,
              beds=r.beds, size_sqft=r.size_sqft, has_private_bath=r.has_private_bath,
              rent_amount=r.rent_amount, available_date=r.available_date, status=r.status)
        for r in rooms
    ]

    def redo(_: Expected) -> Mapping[uuid.UUID, int]:
        unit_ids = [ctx.ids.resolve(i.unit_id) for i in inputs]
        again = portfolio.add_rooms(ctx.db, ctx.actor, [
            i.model_copy(update={"unit_id": u}) for i, u in zip(inputs, unit_ids, strict=True)])
        for index, room in enumerate(again):
            ctx.ids.alias(current[index], room.id)
            current[index] = room.id
        return {room.id: room.version for room in again}

    def undo(expected: Expected) -> Mapping[uuid.UUID, int]:
        ids = [ctx.ids.resolve(i) for i in current]
        portfolio.delete_rooms(ctx.db, ctx.actor, ids, [expected(i) for i in ids])
        return {}

    return VersionedCommand(ctx, text, redo, undo,
                            written={room.id: room.version for room in rooms},
                            rows=lambda: current, changed=(ctx.bus.portfolio_changed,))




def lease_edit(ctx: AppContext, text: str, lease: LeaseOut,
               redo: Callable[[uuid.UUID, int | None], LeaseOut],
               undo: Callable[[uuid.UUID, int | None], LeaseOut]) -> ServiceCommand:
    """A change of one lease just made (`lease` as it left it): redo and undo are
    `service(lease_id, expected_version)`, each refused if the lease changed since."""
    ident = lease.id
    return VersionedCommand(
        ctx, text, one_row(lambda: ident, redo), one_row(lambda: ident, undo),
        written={ident: lease.version}, rows=lambda: (ident,), changed=ctx.bus.lease_signals())


def lease_command(ctx: AppContext, lease: LeaseOut, text: str) -> ServiceCommand:
    """A lease just created: undo cancels it ("entered by mistake"), redo restores it."""
    return lease_edit(
        ctx, text, lease,
        lambda i, v: lease_undo.uncancel_lease(ctx.db, ctx.actor, i, v),
        lambda i, v: leasing.cancel_lease(ctx.db, ctx.actor, i, "undone in CoLiv", v))


def move_out_command(ctx: AppContext, before: LeaseOut, after: LeaseOut,
                     text: str) -> ServiceCommand:
    """A move-out just recorded: undo reopens the lease to its old end (the rent it reversed
    is charged again), redo records the move-out again."""
    move_out = after.lease_end
    assert move_out is not None
    return lease_edit(
        ctx, text, after,
        lambda i, v: leasing.end_lease(ctx.db, ctx.actor, i, move_out, v),
        lambda i, v: lease_undo.reopen_lease(ctx.db, ctx.actor, i, before.lease_end, v))


def reopen_command(ctx: AppContext, before: LeaseOut, after: LeaseOut,
                   text: str) -> ServiceCommand:
    """A move-out undone from the Leases pane (Reopen): undo moves out again, redo reopens."""
    moved_out = before.lease_end
    assert moved_out is not None  # an ended lease has its last day
    return lease_edit(
        ctx, text, after,
        lambda i, v: lease_undo.reopen_lease(ctx.db, ctx.actor, i, after.lease_end, v),
        lambda i, v: leasing.end_lease(ctx.db, ctx.actor, i, moved_out, v))


def renew_command(ctx: AppContext, renewal: LeaseOut, text: str) -> ServiceCommand:
    """A renewal just made: undo removes it (refused once money is recorded on it), redo
    restores it."""
    return lease_edit(
        ctx, text, renewal,
        lambda i, v: lease_undo.uncancel_lease(ctx.db, ctx.actor, i, v),
        lambda i, v: lease_undo.remove_renewal(ctx.db, ctx.actor, i, v))


def cancel_command(ctx: AppContext, cancelled: LeaseOut, reason: str,
                   text: str) -> ServiceCommand:
    """A lease just cancelled: undo restores it if its bed is still free, redo cancels again."""
    return lease_edit(
        ctx, text, cancelled,
        lambda i, v: leasing.cancel_lease(ctx.db, ctx.actor, i, reason, v),
        lambda i, v: lease_undo.uncancel_lease(ctx.db, ctx.actor, i, v))


def transfer_command(ctx: AppContext, origin: uuid.UUID, data: LeaseTransfer, moved: LeaseOut,
                     text: str) -> ServiceCommand:
    """A transfer just made: undo cancels the lease in the new room and reopens the old one
    (refused once money is recorded on the new lease, or if it changed since); redo
    transfers again (refused if the old lease changed since)."""
    current = [moved.id]

    def redo(expected: Expected) -> Mapping[uuid.UUID, int]:
        again = leasing.transfer_lease(ctx.db, ctx.actor, origin, data, expected(origin))
        ctx.ids.alias(current[0], again.id)
        current[0] = again.id
        return {again.id: again.version}

    def undo(expected: Expected) -> Mapping[uuid.UUID, int]:
        back = lease_undo.undo_transfer(ctx.db, ctx.actor, current[0], expected(current[0]))
        return {back.id: back.version}

    return VersionedCommand(ctx, text, redo, undo, written={moved.id: moved.version},
                            rows=lambda: (origin, current[0]), changed=ctx.bus.lease_signals())


PROFILE_FIELDS = ("company_name", "address", "phone", "email")


def settings_command(ctx: AppContext, before: tuple[Any, dict[str, Any]],
                     after: tuple[Any, dict[str, Any]]) -> ServiceCommand | None:
    """File ▸ Settings saved: undo puts back the profile fields and settings it changed (a
    wrong rent due day or late fee is easy to type and costly to keep). The operator row's
    version covers both, so another desk's settings saved since are never put back."""
    from coliv_desktop.schemas.operator import OperatorProfileUpdate
    from coliv_desktop.services import operator

    (old_profile, old_values), (new_profile, new_values) = before, after
    keys = [k for k in new_values if old_values.get(k) != new_values.get(k)]
    fields = [f for f in PROFILE_FIELDS
              if getattr(old_profile, f) != getattr(new_profile, f)]
    if not keys and not fields:
        return None
    ident = new_profile.id
    seen: list[Mapping[str, Any]] = []  # the settings the last step left (read in a worker)

    def apply(profile: Any, values: dict[str, Any]) -> Step:
        def run(i: uuid.UUID, version: int | None) -> Any:
            update = build(OperatorProfileUpdate, expected_version=version,
                           **{f: getattr(profile, f) for f in PROFILE_FIELDS})
            saved, current = operator.save_preferences(ctx.db, ctx.actor, update,
                                                       {k: values[k] for k in keys})
            seen[:] = [current]
            return saved
        return one_row(lambda: ident, run)

    def then() -> None:  # on the GUI thread, before the panes hear settings_changed
        if seen:
            ctx.currency, ctx.locale = str(seen[0]["currency"]), str(seen[0]["locale"])

    return VersionedCommand(ctx, "Change settings", apply(new_profile, new_values),
                            apply(old_profile, old_values), written={ident: new_profile.version},
                            rows=lambda: (ident,), changed=(ctx.bus.settings_changed,), then=then)
