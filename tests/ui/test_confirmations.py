"""Confirmations (issue 10, items 3, 8 and 15, the GUI half): one mechanism in the form base.

A service that raises NeedsConfirmation is asked as a question with its message: No goes back
to the form with nothing written, Yes calls the same service again with `force=True`. A room
or a lease at a rent of 0.00 is allowed, and asked first ("Save ... with no rent (0.00)?").
The services are replaced here by ones that ask the first time, as the real ones do for a
lease starting years back, a dealbreaker room or money dated before the book's first lease.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from coliv_desktop.domain.errors import NeedsConfirmation
from coliv_desktop.services import applications, directory, leasing, ledger, placement, portfolio
from coliv_desktop.services.clock import today
from coliv_desktop.ui.applications.approve import ApproveDialog
from coliv_desktop.ui.applications.pane import ApplicationsPane
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.leases.dialogs import LeaseDialog, select_id
from coliv_desktop.ui.ledger.dialogs import ChargeOrCreditDialog, RecordPaymentDialog
from coliv_desktop.ui.portfolio.rooms import RoomDialog, RoomsGridDialog
from coliv_desktop.ui.shell.actions import Editing
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import flow_41, lease, tenant
from tests.flow42 import MOVE_IN, apply, flow_42
from tests.ui.helpers import DialogDriver, click, menu_action, settle, type_into

QUESTION = "The lease starts 3 years back, on 2023-01-01. Is that right?"


class Answers:
    """Replaces `FormDialog.ask`: records each question and gives the next answer."""

    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    @property
    def ask(self) -> Callable[[FormDialog, str], bool]:
        def ask(dialog: FormDialog, question: str) -> bool:
            self.asked.append(question)
            return self.answers.pop(0)
        return ask


def asking(monkeypatch: pytest.MonkeyPatch, module: Any, name: str
           ) -> list[dict[str, Any]]:
    """Make `module.name` raise NeedsConfirmation unless called with force=True (then run the
    real one); returns the keyword arguments of every call."""
    real: Callable[..., Any] = getattr(module, name)
    calls: list[dict[str, Any]] = []

    def service(*args: Any, **kwargs: Any) -> Any:
        calls.append(dict(kwargs))
        if not kwargs.pop("force", False):
            raise NeedsConfirmation("lease_start", QUESTION)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, service)
    return calls


def test_a_new_lease_the_service_asks_about_no_goes_back_yes_saves_with_force(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    mike = tenant(ctx.db, ctx.actor, "Mike", "Chen")
    calls = asking(monkeypatch, leasing, "create_lease")
    answers = Answers(False, True)
    monkeypatch.setattr(FormDialog, "ask", answers.ask)
    dialog = LeaseDialog(ctx, tenant_id=mike)
    qtbot.addWidget(dialog)
    ctx.tasks.wait_idle()  # the tenants and the free rooms, looked up in the background
    assert select_id(dialog.room_id, flow.rooms["3B-A"])
    click(qtbot, dialog.save_button)
    assert answers.asked == [QUESTION]
    assert dialog.saved is None and dialog.result() == 0  # No: the form, as it was
    assert directory.lease_rows(ctx.db, ctx.actor, status="all") == []
    click(qtbot, dialog.save_button)
    assert answers.asked == [QUESTION, QUESTION]
    assert calls == [{}, {}, {"force": True}]  # asked again on the second Save, then forced
    assert dialog.saved is not None and dialog.result() == FormDialog.DialogCode.Accepted
    assert [r.tenant_name for r in directory.lease_rows(ctx.db, ctx.actor,
                                                        status="all")] == ["Mike Chen"]


def test_an_approval_the_service_asks_about_saves_with_force_after_yes(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", MOVE_IN.isoformat())
    flow = flow_42(window.ctx.db, window.ctx.actor)
    sarah = apply(window.ctx.db, window.ctx.actor)
    window.ctx.bus.portfolio_changed.emit()
    calls = asking(monkeypatch, placement, "approve_application")
    answers = Answers(True)
    monkeypatch.setattr(FormDialog, "ask", answers.ask)
    driver = DialogDriver(qtbot).then(lambda d: click(qtbot, d.save_button))
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    menu_action(window, "pane_applications").trigger()
    settle(window)
    pane = window.pane("applications")
    assert isinstance(pane, ApplicationsPane)
    assert pane.list.select_where(lambda r: r.id == sarah.id)
    settle(window)
    assert pane.detail.view.select_where(lambda c: c.room_label == "3B-A")
    click(qtbot, pane.detail.approve_button)
    settle(window)
    assert isinstance(driver.seen[0], ApproveDialog)
    assert answers.asked == [QUESTION]
    assert [c.get("force", False) for c in calls] == [False, True]
    app = applications.get_application(window.ctx.db, window.ctx.actor, sarah.id)
    assert app.status == "approved"
    lease_row = leasing.get_lease(window.ctx.db, window.ctx.actor, app.approved_lease_id)  # type: ignore[arg-type]
    assert lease_row.room_id == flow.rooms["3B-A"]
    # undone, then redone: the redo repeats what the person said yes to
    window.ctx.undo_stack.undo()
    window.ctx.undo_stack.redo()
    settle(window)
    assert calls[-1] == {"force": True}
    assert applications.get_application(window.ctx.db, window.ctx.actor,
                                        sarah.id).status == "approved"


def _tom(ctx: AppContext) -> uuid.UUID:
    flow = flow_41(ctx.db, ctx.actor)
    return lease(ctx.db, ctx.actor, flow.rooms["3B-D"], tenant(ctx.db, ctx.actor, "Tom"),
                 date(2025, 12, 1)).id


def test_a_payment_the_service_asks_about_is_recorded_with_force_and_redone_so(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2025-12-05")
    tom = _tom(ctx)
    from coliv_desktop.services import rent_run

    rent_run.run_rent(ctx.db, ctx.actor, date(2025, 12, 5))  # Tom owes December
    calls = asking(monkeypatch, ledger, "record_payment")
    answers = Answers(True)
    monkeypatch.setattr(FormDialog, "ask", answers.ask)
    dialog = RecordPaymentDialog(ctx, tom)
    qtbot.addWidget(dialog)
    ctx.tasks.wait_idle()  # its look-ups run in the background
    type_into(qtbot, dialog.amount, "800")
    click(qtbot, dialog.save_button)
    assert answers.asked == [QUESTION]  # owing $800, paying $800: only the service's question
    assert [c.get("force", False) for c in calls] == [False, True]
    assert ledger.lease_ledger(ctx.db, ctx.actor, tom).balance == Decimal("0.00")
    ctx.undo_stack.undo()
    ctx.tasks.wait_idle()  # undo and redo run in workers
    ctx.undo_stack.redo()
    ctx.tasks.wait_idle()
    assert calls[-1] == {"force": True}
    assert ledger.lease_ledger(ctx.db, ctx.actor, tom).balance == Decimal("0.00")


def test_a_charge_the_service_asks_about_no_writes_nothing(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    tom = _tom(ctx)
    calls = asking(monkeypatch, ledger, "post_charge")
    answers = Answers(False)
    monkeypatch.setattr(FormDialog, "ask", answers.ask)
    dialog = ChargeOrCreditDialog(ctx, tom)
    qtbot.addWidget(dialog)
    ctx.tasks.wait_idle()  # its look-ups run in the background
    type_into(qtbot, dialog.amount, "25")
    type_into(qtbot, dialog.description, "Replacement key")
    click(qtbot, dialog.save_button)
    assert answers.asked == [QUESTION] and calls == [{}]
    assert dialog.saved is None and ledger.lease_ledger(ctx.db, ctx.actor,
                                                        tom).balance == Decimal("0.00")
    assert ctx.undo_stack.count() == 0


# --- a rent of 0.00: allowed, asked first --------------------------------------------------


def test_a_room_edited_to_no_rent_is_asked_first(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    room = portfolio.get_room(ctx.db, ctx.actor, flow.rooms["3B-B"])
    answers = Answers(False, True)
    monkeypatch.setattr(FormDialog, "ask", answers.ask)
    dialog = RoomDialog(ctx, room)
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog.rent_amount, "0")
    click(qtbot, dialog.save_button)
    assert answers.asked[0].startswith("Save room B with no rent (0.00)?")
    assert portfolio.get_room(ctx.db, ctx.actor, room.id).rent_amount == Decimal("750.00")
    click(qtbot, dialog.save_button)
    assert portfolio.get_room(ctx.db, ctx.actor, room.id).rent_amount == Decimal("0.00")
    # a room already at 0.00 is not asked again when another field changes
    again = RoomDialog(ctx, portfolio.get_room(ctx.db, ctx.actor, room.id))
    qtbot.addWidget(again)
    type_into(qtbot, again.size_sqft, "125")
    click(qtbot, again.save_button)
    assert len(answers.asked) == 2 and again.saved is not None


def test_rooms_added_at_no_rent_are_named_in_the_question(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    answers = Answers(False)
    monkeypatch.setattr(FormDialog, "ask", answers.ask)
    dialog = RoomsGridDialog(ctx, flow.unit_3a, "3A", rows=2)
    qtbot.addWidget(dialog)
    dialog.set_cell(0, "room_number", "D")
    dialog.set_cell(0, "rent_amount", "0")
    dialog.set_cell(1, "room_number", "E")
    dialog.set_cell(1, "rent_amount", "650")
    click(qtbot, dialog.save_button)
    assert answers.asked[0].startswith("Save room D with no rent (0.00)?")
    assert len(portfolio.list_rooms(ctx.db, ctx.actor, flow.unit_3a)) == 3  # nothing added


def test_a_lease_at_no_rent_is_asked_first_typed_or_from_the_room(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    from coliv_desktop.schemas import build
    from coliv_desktop.schemas.portfolio import RoomUpdate

    portfolio.update_room(ctx.db, ctx.actor, flow.rooms["3B-C"],
                          build(RoomUpdate, rent_amount="0"))  # the live-in manager's room
    ana = tenant(ctx.db, ctx.actor, "Ana", "Lopez")
    answers = Answers(False, True)
    monkeypatch.setattr(FormDialog, "ask", answers.ask)
    dialog = LeaseDialog(ctx, tenant_id=ana)
    qtbot.addWidget(dialog)
    ctx.tasks.wait_idle()
    assert select_id(dialog.room_id, flow.rooms["3B-C"])
    assert dialog.rent_amount.placeholderText() == "0.00"  # the room's rent, shown
    click(qtbot, dialog.save_button)
    assert answers.asked[0].startswith("Save Ana Lopez's lease with no rent (0.00)?")
    assert directory.lease_rows(ctx.db, ctx.actor, status="all") == []
    click(qtbot, dialog.save_button)
    made = directory.lease_rows(ctx.db, ctx.actor, status="all")
    assert [(r.tenant_name, r.rent_amount) for r in made] == [("Ana Lopez", Decimal("0.00"))]
    # a rent typed as 0 in another room is asked too; a rent typed otherwise is not
    bo = tenant(ctx.db, ctx.actor, "Bo", "Kim")
    answers.answers = [False]
    other = LeaseDialog(ctx, tenant_id=bo)
    qtbot.addWidget(other)
    ctx.tasks.wait_idle()
    assert select_id(other.room_id, flow.rooms["3B-D"])
    type_into(qtbot, other.rent_amount, "0.00")
    click(qtbot, other.save_button)
    assert answers.asked[-1].startswith("Save Bo Kim's lease with no rent (0.00)?")
    type_into(qtbot, other.rent_amount, "780")
    other.lease_end.set_value(today() + timedelta(days=90))
    click(qtbot, other.save_button)
    assert len(answers.asked) == 3 and other.saved is not None
