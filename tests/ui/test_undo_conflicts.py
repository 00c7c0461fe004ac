"""Undo never overwrites another desk (issue 10, item 4).

Two desks on one book, each with its own context (its own undo stack) and its own name: desk A
edits, desk B changes the same row, desk A presses Ctrl+Z. The undo is refused naming desk B,
nothing is written, and the command leaves A's undo history with every other command about
that row. Run on SQLite and on PostgreSQL (the `db` fixture).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.leasing import LeaseRenewal, LeaseTransfer
from coliv_desktop.schemas.operator import OperatorProfileUpdate
from coliv_desktop.schemas.people import TenantUpdate
from coliv_desktop.schemas.portfolio import PropertyUpdate, RoomCreate, RoomUpdate, UnitUpdate
from coliv_desktop.services import (
    lease_undo,
    leasing,
    operator,
    placement,
    portfolio,
    settings,
    tenants,
)
from coliv_desktop.services.context import Actor, ChangedMeanwhile
from coliv_desktop.services.databases import OpenedDatabase
from coliv_desktop.ui.common import commands
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.portfolio.rooms import RoomDialog
from coliv_desktop.ui.shell.actions import Editing
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import Flow41, flow_41, lease, tenant
from tests.flow42 import apply, flow_42
from tests.ui.helpers import DialogDriver, click, settle, type_into

CTRL = Qt.KeyboardModifier.ControlModifier


def desk(qsettings: QSettings, db: Database, actor: Actor, name: str) -> AppContext:
    context = AppContext(qsettings)
    context.set_database(OpenedDatabase(db, Actor(actor.user_id, actor.operator_id, name,
                                                  actor.role), "USD", "en_US"))
    return context


@pytest.fixture
def desk_b(qsettings: QSettings, db: Database, actor: Actor) -> Iterator[AppContext]:
    context = desk(qsettings, db, actor, "Desk B")
    yield context
    context.tasks.wait_idle()


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(Editing, "warn", lambda self, title, text: shown.append((title, text)))
    return shown


def undo(ctx: AppContext) -> None:
    """Ctrl+Z, and wait for its service call (it runs in a worker)."""
    ctx.undo_stack.undo()
    ctx.tasks.wait_idle()


def redo(ctx: AppContext) -> None:
    ctx.undo_stack.redo()
    ctx.tasks.wait_idle()


def edit_rent(qtbot: QtBot, rent: str) -> Callable[[RoomDialog], None]:
    def handler(dialog: RoomDialog) -> None:
        type_into(qtbot, dialog.rent_amount, rent)
        click(qtbot, dialog.save_button)
    return handler


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, modifiers: Any = CTRL) -> None:
    # the window manager hands the focus back when a dialog closes; offscreen Qt does not
    # once the dialog opened from a task's result
    window.activateWindow()
    QApplication.processEvents()
    qtbot.keyClick(window, key, modifiers)
    settle(window)


def test_desk_a_ctrl_z_does_not_put_back_750_over_desk_b_1000(
        qtbot: QtBot, window: MainWindow, desk_b: AppContext, warnings: list[tuple[str, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's story: A sets a rent 750 to 975, B sets 1000, A presses Ctrl+Z."""
    ctx = window.ctx
    room = flow_41(ctx.db, ctx.actor).rooms["3B-B"]  # rent 750
    ctx.bus.portfolio_changed.emit()
    settle(window)
    driver = DialogDriver(qtbot).then(edit_rent(qtbot, "975"))
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    assert window.tree.select(room)
    qtbot.keyClick(window.tree.view, Qt.Key.Key_F2)
    settle(window)  # the room is read in a worker, then its dialog opens
    assert portfolio.get_room(ctx.db, ctx.actor, room).rent_amount == Decimal("975.00")

    # desk B, with its own window state, sets 1000 on the copy it just read
    seen = portfolio.get_room(desk_b.db, desk_b.actor, room)
    portfolio.update_room(desk_b.db, desk_b.actor, room,
                          build(RoomUpdate, rent_amount="1000", expected_version=seen.version))

    assert window.undo_action.text() == "&Undo Edit room B"
    press(qtbot, window, Qt.Key.Key_Z)
    assert portfolio.get_room(ctx.db, ctx.actor,
                              room).rent_amount == Decimal("1000.00")  # B's stands
    assert len(warnings) == 1
    title, text = warnings[0]
    assert "Desk B" in text and "Room B" in text and "Edit room B" in text
    assert ctx.undo_stack.count() == 0  # dropped, not waiting to be refused again
    assert not window.undo_action.isEnabled() and not window.redo_action.isEnabled()
    assert "Desk B" in window.statusBar().currentMessage()
    shown = window.pane("tree")
    assert "$1,000.00/mo" in shown.room.subtitle.text()  # type: ignore[attr-defined]


def test_a_refused_redo_is_dropped_too_and_other_rows_keep_their_history(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext, warnings: list[tuple[str, str]]
) -> None:
    """A edits room B twice and room C once, undoes everything; B changes room B; A redoes:
    the first redo of room B is refused, both room B commands leave the stack, room C's stays
    where it was (still undone, still redoable)."""
    from coliv_desktop.ui.shell.actions import Editing as RealEditing
    ctx.editing = RealEditing(ctx, None)  # type: ignore[arg-type]
    flow = flow_41(ctx.db, ctx.actor)
    b, c = flow.rooms["3B-B"], flow.rooms["3B-C"]

    def edit(room: uuid.UUID, rent: str) -> None:
        before = portfolio.get_room(ctx.db, ctx.actor, room)
        after = portfolio.update_room(ctx.db, ctx.actor, room, build(
            RoomUpdate, rent_amount=rent, expected_version=before.version))
        command = commands.edit_command(ctx, before, after, f"Edit {before.room_number} "
                                                           f"to {rent}")
        assert command is not None
        ctx.undo_stack.push(command)

    edit(b, "975")
    edit(c, "850")
    edit(b, "990")
    for _ in range(3):  # pressed in a row: queued, run one after another in order
        ctx.undo_stack.undo()
    ctx.tasks.wait_idle()
    assert portfolio.get_room(ctx.db, ctx.actor, b).rent_amount == Decimal("750.00")
    assert portfolio.get_room(ctx.db, ctx.actor, c).rent_amount == Decimal("800.00")

    now = portfolio.get_room(desk_b.db, desk_b.actor, b)
    portfolio.update_room(desk_b.db, desk_b.actor, b,
                          build(RoomUpdate, rent_amount="760", expected_version=now.version))
    redo(ctx)
    QApplication.processEvents()
    assert portfolio.get_room(ctx.db, ctx.actor, b).rent_amount == Decimal("760.00")
    assert [ctx.undo_stack.command(i).text() for i in range(ctx.undo_stack.count())] == [
        "Edit C to 850"]
    assert ctx.undo_stack.index() == 0 and ctx.undo_stack.canRedo()
    assert "Desk B" in warnings[0][1] and "1 earlier change" in warnings[0][1]
    redo(ctx)  # room C's edit is still there to redo
    assert portfolio.get_room(ctx.db, ctx.actor, c).rent_amount == Decimal("850.00")
    undo(ctx)
    assert portfolio.get_room(ctx.db, ctx.actor, c).rent_amount == Decimal("800.00")


def test_undos_pressed_in_a_row_skip_the_ones_a_refusal_dropped(
        qtbot: QtBot, ctx: AppContext, desk_b: AppContext, warnings: list[tuple[str, str]]
) -> None:
    """A edits room B, room C, room B again; B changes room B; A presses Ctrl+Z three times
    before the first returns. They run one at a time: the first is refused and drops both
    room B commands (the queued undo of the earlier one is not run, so one warning), and room
    C's undo, queued between them, still goes through."""
    from coliv_desktop.ui.shell.actions import Editing as RealEditing
    ctx.editing = RealEditing(ctx, None)  # type: ignore[arg-type]
    flow = flow_41(ctx.db, ctx.actor)
    b, c = flow.rooms["3B-B"], flow.rooms["3B-C"]
    for room, rent in ((b, "975"), (c, "850"), (b, "990")):
        before = portfolio.get_room(ctx.db, ctx.actor, room)
        after = portfolio.update_room(ctx.db, ctx.actor, room, build(
            RoomUpdate, rent_amount=rent, expected_version=before.version))
        command = commands.edit_command(ctx, before, after, f"Edit {before.room_number} "
                                                           f"to {rent}")
        assert command is not None
        ctx.undo_stack.push(command)
    now = portfolio.get_room(desk_b.db, desk_b.actor, b)
    portfolio.update_room(desk_b.db, desk_b.actor, b,
                          build(RoomUpdate, rent_amount="760", expected_version=now.version))
    for _ in range(3):
        ctx.undo_stack.undo()
    assert ctx.undo_stack.index() == 0  # the stack moved at once; the calls are queued
    ctx.tasks.wait_idle()
    QApplication.processEvents()
    assert portfolio.get_room(ctx.db, ctx.actor, b).rent_amount == Decimal("760.00")  # B's stands
    assert portfolio.get_room(ctx.db, ctx.actor, c).rent_amount == Decimal("800.00")  # C's undone
    assert [ctx.undo_stack.command(i).text() for i in range(ctx.undo_stack.count())] == [
        "Edit C to 850"]
    assert ctx.undo_stack.index() == 0 and ctx.undo_stack.canRedo()
    assert len(warnings) == 1 and "1 earlier change" in warnings[0][1], warnings
    redo(ctx)
    assert portfolio.get_room(ctx.db, ctx.actor, c).rent_amount == Decimal("850.00")


# --- every undoable edit of a versioned row -------------------------------------------------


@dataclass
class Case:
    """`made(ctx, flow)` does desk A's edit through the services and returns its command and a
    reader of what the undo would overwrite; `meddle(ctx_b, flow)` is desk B's change."""

    made: Callable[[AppContext, Flow41], tuple[commands.ServiceCommand, Callable[[], Any]]]
    meddle: Callable[[AppContext, Flow41], None]


def _room_rent(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    room = flow.rooms["3B-B"]
    before = portfolio.get_room(ctx.db, ctx.actor, room)
    after = portfolio.update_room(ctx.db, ctx.actor, room, build(RoomUpdate, rent_amount="975"))
    return (commands.edit_command(ctx, before, after, "Edit room B"),
            lambda: portfolio.get_room(ctx.db, ctx.actor, room).rent_amount)


def _property(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    before = portfolio.get_property(ctx.db, ctx.actor, flow.property_id)
    after = portfolio.update_property(ctx.db, ctx.actor, flow.property_id,
                                      build(PropertyUpdate, name="Uptown Loft"))
    return (commands.edit_command(ctx, before, after, "Edit property"),
            lambda: portfolio.get_property(ctx.db, ctx.actor, flow.property_id).name)


def _unit(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    before = portfolio.get_unit(ctx.db, ctx.actor, flow.unit_3b)
    after = portfolio.update_unit(ctx.db, ctx.actor, flow.unit_3b,
                                  build(UnitUpdate, square_feet=1600))
    return (commands.edit_command(ctx, before, after, "Edit unit"),
            lambda: portfolio.get_unit(ctx.db, ctx.actor, flow.unit_3b).square_feet)


def _sarah(ctx: AppContext) -> uuid.UUID:
    return tenant(ctx.db, ctx.actor, "Sarah", "Thompson")


def _tenant_edit(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    ident = _sarah(ctx)
    before = tenants.get_tenant(ctx.db, ctx.actor, ident)
    after = tenants.update_tenant(ctx.db, ctx.actor, ident, build(TenantUpdate, phone="555-0101"))
    return (commands.edit_command(ctx, before, after, "Edit tenant"),
            lambda: tenants.get_tenant(ctx.db, ctx.actor, ident).phone)


def _tenant_archive(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    ident = _sarah(ctx)
    row = tenants.get_tenant(ctx.db, ctx.actor, ident)
    made: list[commands.ServiceCommand | None] = []
    commands.archive_command(ctx, row, True, "Archive Sarah",
                             lambda command, error: made.append(command))
    ctx.tasks.wait_idle()
    return made[0], lambda: tenants.get_tenant(ctx.db, ctx.actor, ident).archived_at is None


def _sarah_of(ctx: AppContext) -> uuid.UUID:
    return tenants.search_tenants(ctx.db, ctx.actor, "Sarah", include_archived=True)[0].id


def _meddle_tenant(ctx: AppContext, flow: Flow41) -> None:
    ident = _sarah_of(ctx)
    tenants.update_tenant(ctx.db, ctx.actor, ident, build(TenantUpdate, phone="555-0199"))


def _property_added(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    prop = portfolio.get_property(ctx.db, ctx.actor, flow.property_id)
    return (commands.add_command(ctx, prop, "Add property"),
            lambda: portfolio.get_property(ctx.db, ctx.actor, flow.property_id).archived_at is None)


def _rooms_added(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    rooms = portfolio.add_rooms(ctx.db, ctx.actor, [
        build(RoomCreate, unit_id=flow.unit_3a, room_number=n, rent_amount="650") for n in "DE"])
    return (commands.add_rooms_command(ctx, rooms, "Add 2 rooms"),
            lambda: len(portfolio.list_rooms(ctx.db, ctx.actor, flow.unit_3a)))


def _meddle_room_d(ctx: AppContext, flow: Flow41) -> None:
    room = next(r for r in portfolio.list_rooms(ctx.db, ctx.actor,
                                                flow.unit_3a) if r.room_number == "D")
    portfolio.update_room(ctx.db, ctx.actor, room.id, build(RoomUpdate, rent_amount="700"))


def _sarahs_lease(ctx: AppContext, flow: Flow41, end: date | None = date(2026, 5, 31)) -> Any:
    return lease(ctx.db, ctx.actor, flow.rooms["3B-A"], _sarah(ctx), date(2025, 12, 1), end)


def _lease_of(ctx: AppContext, flow: Flow41) -> Any:
    rows = leasing.list_leases(ctx.db, ctx.actor, leasing.LeaseFilter(room_id=flow.rooms["3B-A"],
                                                           include_cancelled=True))
    return rows[0]


def _new_lease(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    made = _sarahs_lease(ctx, flow)
    return (commands.lease_command(ctx, made, "New lease"),
            lambda: leasing.get_lease(ctx.db, ctx.actor, made.id).status)


def _meddle_move_out(ctx: AppContext, flow: Flow41) -> None:
    leasing.end_lease(ctx.db, ctx.actor, _lease_of(ctx, flow).id, date(2026, 3, 31))


def _moved_out(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    made = _sarahs_lease(ctx, flow)
    after = leasing.end_lease(ctx.db, ctx.actor, made.id, date(2026, 2, 28))
    return (commands.move_out_command(ctx, made, after, "Move-out"),
            lambda: leasing.get_lease(ctx.db, ctx.actor, made.id).lease_end)


def _meddle_move_out_again(ctx: AppContext, flow: Flow41) -> None:
    """B puts the move-out on another day: reopen, then move out on the 15th."""
    ident = _lease_of(ctx, flow).id
    lease_undo.reopen_lease(ctx.db, ctx.actor, ident, date(2026, 5, 31))
    leasing.end_lease(ctx.db, ctx.actor, ident, date(2026, 3, 15))


def _reopened(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    made = _sarahs_lease(ctx, flow)
    ended = leasing.end_lease(ctx.db, ctx.actor, made.id, date(2026, 2, 28))
    after = lease_undo.reopen_lease(ctx.db, ctx.actor, made.id, date(2026, 5, 31))
    return (commands.reopen_command(ctx, ended, after, "Reopening"),
            lambda: leasing.get_lease(ctx.db, ctx.actor, made.id).lease_end)


def _renewed(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    made = _sarahs_lease(ctx, flow)
    renewal = leasing.renew_lease(ctx.db, ctx.actor, made.id,
                                  build(LeaseRenewal, new_end="2026-11-30"))
    return (commands.renew_command(ctx, renewal, "Renewal"),
            lambda: leasing.get_lease(ctx.db, ctx.actor, renewal.id).status)


def _meddle_renewal(ctx: AppContext, flow: Flow41) -> None:
    rows = leasing.list_leases(ctx.db, ctx.actor, leasing.LeaseFilter(room_id=flow.rooms["3B-A"]))
    renewal = next(r for r in rows if r.origin == "renewal")
    leasing.end_lease(ctx.db, ctx.actor, renewal.id, date(2026, 8, 31))


def _cancelled(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    made = _sarahs_lease(ctx, flow)
    done = leasing.cancel_lease(ctx.db, ctx.actor, made.id, "typed the wrong room")
    return (commands.cancel_command(ctx, done, "typed the wrong room", "Cancellation"),
            lambda: leasing.get_lease(ctx.db, ctx.actor, made.id).status)


def _meddle_uncancel_and_end(ctx: AppContext, flow: Flow41) -> None:
    ident = _lease_of(ctx, flow).id
    lease_undo.uncancel_lease(ctx.db, ctx.actor, ident)
    leasing.end_lease(ctx.db, ctx.actor, ident, date(2026, 1, 31))


def _transferred(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    made = _sarahs_lease(ctx, flow)
    data = build(LeaseTransfer, room_id=flow.rooms["3B-C"], transfer_date="2026-02-01")
    moved = leasing.transfer_lease(ctx.db, ctx.actor, made.id, data)
    return (commands.transfer_command(ctx, made.id, data, moved, "Transfer"),
            lambda: (leasing.get_lease(ctx.db, ctx.actor, made.id).lease_end,
                     leasing.get_lease(ctx.db, ctx.actor, made.id).status))


def _meddle_new_room(ctx: AppContext, flow: Flow41) -> None:
    rows = leasing.list_leases(ctx.db, ctx.actor, leasing.LeaseFilter(room_id=flow.rooms["3B-C"]))
    leasing.end_lease(ctx.db, ctx.actor, rows[0].id, date(2026, 4, 30))


def _settings(ctx: AppContext, flow: Flow41) -> tuple[Any, Callable[[], Any]]:
    def saved() -> tuple[Any, dict[str, Any]]:
        return operator.get_profile(ctx.db, ctx.actor), settings.get_settings(ctx.db, ctx.actor)

    before = saved()
    profile = before[0]
    update = build(OperatorProfileUpdate, company_name=profile.company_name,
                   expected_version=profile.version)
    after = operator.save_preferences(ctx.db, ctx.actor, update, {"rent_due_day": 5})
    return (commands.settings_command(ctx, before, after),
            lambda: settings.get_settings(ctx.db, ctx.actor)["rent_due_day"])


def _meddle_settings(ctx: AppContext, flow: Flow41) -> None:
    settings.set_settings(ctx.db, ctx.actor, {"late_fee_mode": "flat", "late_fee_flat": "25"})


CASES = {
    "room rent": Case(_room_rent, lambda c, f: portfolio.update_room(
        c.db, c.actor, f.rooms["3B-B"], build(RoomUpdate, rent_amount="1000"))),
    "property": Case(_property, lambda c, f: portfolio.update_property(
        c.db, c.actor, f.property_id, build(PropertyUpdate, city="Round Rock"))),
    "unit": Case(_unit, lambda c, f: portfolio.update_unit(
        c.db, c.actor, f.unit_3b, build(UnitUpdate, bathrooms="3"))),
    "tenant": Case(_tenant_edit, _meddle_tenant),
    "archived tenant": Case(_tenant_archive, _meddle_tenant),
    "added property": Case(_property_added, lambda c, f: portfolio.update_property(
        c.db, c.actor, f.property_id, build(PropertyUpdate, city="Round Rock"))),
    "added rooms": Case(_rooms_added, _meddle_room_d),
    "new lease": Case(_new_lease, _meddle_move_out),
    "move-out": Case(_moved_out, _meddle_move_out_again),
    "reopening": Case(_reopened, _meddle_move_out),
    "renewal": Case(_renewed, _meddle_renewal),
    "cancellation": Case(_cancelled, _meddle_uncancel_and_end),
    "transfer": Case(_transferred, _meddle_new_room),
    "settings": Case(_settings, _meddle_settings),
}


@pytest.fixture
def two_desks(qtbot: QtBot, ctx: AppContext, desk_b: AppContext,
              warnings: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
              ) -> tuple[AppContext, AppContext, Flow41]:
    monkeypatch.setenv("COLIV_TODAY", "2026-01-20")
    from coliv_desktop.ui.shell.actions import Editing as RealEditing

    ctx.editing = RealEditing(ctx, None)  # type: ignore[arg-type]
    return ctx, desk_b, flow_41(ctx.db, ctx.actor)


@pytest.mark.parametrize("name", list(CASES))
def test_each_command_undoes_and_redoes_on_its_own_versions(
        name: str, two_desks: tuple[AppContext, AppContext, Flow41],
        warnings: list[tuple[str, str]]) -> None:
    """Without another desk: undo, redo, undo again all go through (each step hands the
    service the version the previous one wrote)."""
    ctx, _, flow = two_desks
    command, read = CASES[name].made(ctx, flow)
    done = read()
    ctx.undo_stack.push(command)
    undo(ctx)
    undone = read()
    assert undone != done
    redo(ctx)
    assert read() == done
    undo(ctx)
    assert read() == undone
    QApplication.processEvents()
    assert warnings == [] and ctx.undo_stack.count() == 1


@pytest.mark.parametrize("name", list(CASES))
def test_each_command_is_refused_after_another_desk_wrote_its_row(
        name: str, two_desks: tuple[AppContext, AppContext, Flow41],
        warnings: list[tuple[str, str]]) -> None:
    ctx, other, flow = two_desks
    command, read = CASES[name].made(ctx, flow)
    ctx.undo_stack.push(command)
    CASES[name].meddle(other, flow)
    theirs = read()
    undo(ctx)
    QApplication.processEvents()
    assert read() == theirs  # nothing written over desk B's change
    assert ctx.undo_stack.count() == 0
    assert len(warnings) == 1 and "Desk B" in warnings[0][1], warnings


def test_a_redo_after_another_desk_wrote_is_refused(
        two_desks: tuple[AppContext, AppContext, Flow41], warnings: list[tuple[str, str]]
) -> None:
    ctx, other, flow = two_desks
    command, read = _room_rent(ctx, flow)
    ctx.undo_stack.push(command)
    undo(ctx)
    assert read() == Decimal("750.00")
    portfolio.update_room(other.db, other.actor, flow.rooms["3B-B"],
                          build(RoomUpdate, rent_amount="800"))
    redo(ctx)
    QApplication.processEvents()
    assert read() == Decimal("800.00")
    assert ctx.undo_stack.count() == 0 and "Desk B" in warnings[0][1]


def test_an_approval_undo_is_refused_after_another_desk_changed_the_application(
        two_desks: tuple[AppContext, AppContext, Flow41], warnings: list[tuple[str, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, other, _ = two_desks
    from coliv_desktop.services import applications
    from coliv_desktop.ui.applications.view import ApplicationView
    from tests.flow42 import MOVE_IN

    monkeypatch.setenv("COLIV_TODAY", MOVE_IN.isoformat())
    loft = flow_42(ctx.db, ctx.actor)
    sarah = apply(ctx.db, ctx.actor)
    data = placement.ApprovalInput(room_id=loft.rooms["3B-A"])
    done = placement.approve_application(ctx.db, ctx.actor, sarah.id, data)
    view = ApplicationView(ctx)
    command = view._approval_command(done.application, data, "Approval of Sarah",
                                     approved=True)
    ctx.undo_stack.push(command)
    undo(ctx)  # on its own the approval undoes and redoes
    redo(ctx)
    assert applications.get_application(ctx.db, ctx.actor, sarah.id).status == "approved"
    lease_id = applications.get_application(ctx.db, ctx.actor, sarah.id).approved_lease_id
    assert lease_id is not None
    # desk B takes the approval back and approves her again (into the same room)
    back = placement.undo_approval(other.db, other.actor, sarah.id)
    placement.approve_application(other.db, other.actor, sarah.id,
                                  data.model_copy(update={"expected_version": back.version}))
    theirs = applications.get_application(ctx.db, ctx.actor, sarah.id).approved_lease_id
    undo(ctx)
    QApplication.processEvents()
    now = applications.get_application(ctx.db, ctx.actor, sarah.id)
    assert now.status == "approved" and now.approved_lease_id == theirs
    assert ctx.undo_stack.count() == 0 and "Desk B" in warnings[0][1]


def test_a_stale_edit_names_who_changed_the_row(
        db: Database, actor: Actor) -> None:
    """The service's refusal itself names the last writer (read from the audit log)."""
    flow = flow_41(db, actor)
    room = flow.rooms["3B-B"]
    seen = portfolio.get_room(db, actor, room)
    dana = Actor(actor.user_id, actor.operator_id, "Dana", actor.role)
    portfolio.update_room(db, dana, room, build(RoomUpdate, rent_amount="1000"))
    with pytest.raises(ChangedMeanwhile) as refused:
        portfolio.update_room(db, actor, room, build(RoomUpdate, rent_amount="975",
                                                     expected_version=seen.version))
    assert "Room B was changed by Dana on " in str(refused.value)
    assert "Edited room B" in str(refused.value)
    assert portfolio.get_room(db, actor, room).rent_amount == Decimal("1000.00")
