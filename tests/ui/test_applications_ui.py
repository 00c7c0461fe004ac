"""The Applications pane driven as an operator would (issue 5, item 8): add an application,
read the ranked rooms, approve through the dialog, see the property tree change."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from coliv_desktop.services import applications, leasing, matching, placement
from coliv_desktop.ui.applications.approve import ApproveDialog
from coliv_desktop.ui.applications.dialog import ApplicationDialog, TenantProfileDialog
from coliv_desktop.ui.applications.pane import ApplicationsPane
from coliv_desktop.ui.applications.plan import PlanDialog
from coliv_desktop.ui.applications.view import TIER_BACKGROUNDS
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.shell.actions import Editing
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import lease, tenant
from tests.flow42 import MOVE_IN, PROFILES, Flow42, apply, flow_42
from tests.ui.helpers import DialogDriver, click, menu_action, settle, type_into


def choose(combo: QComboBox, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def fill_sarah(qtbot: QtBot) -> object:
    def handler(dialog: ApplicationDialog) -> None:
        type_into(qtbot, dialog.first_name, "Sarah")
        type_into(qtbot, dialog.last_name, "Thompson")
        type_into(qtbot, dialog.email, "sarah@email.com")
        type_into(qtbot, dialog.phone, "555-0123")
        dialog.move_in_date.set_value(MOVE_IN)
        type_into(qtbot, dialog.max_rent, "950")
        choose(dialog.profile.combos["sleep_schedule"], "night_owl")
        choose(dialog.profile.combos["noise_tolerance"], "moderate")
        choose(dialog.profile.combos["social_preference"], "sometimes_social")
        dialog.profile.cleanliness.setValue(4)
        click(qtbot, dialog.profile.flags["work_from_home"])
        click(qtbot, dialog.profile.flags["pet_allergies"])
        type_into(qtbot, dialog.profile.age, "28")
        click(qtbot, dialog.save_button)
    return handler


@pytest.fixture
def loft(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> Flow42:
    monkeypatch.setenv("COLIV_TODAY", MOVE_IN.isoformat())  # the tree shows move-in day
    flow = flow_42(window.ctx.db, window.ctx.actor)
    window.ctx.bus.portfolio_changed.emit()
    settle(window)
    return flow


def open_pane(window: MainWindow) -> ApplicationsPane:
    menu_action(window, "pane_applications").trigger()
    settle(window)
    pane = window.pane("applications")
    assert isinstance(pane, ApplicationsPane)
    return pane


def test_add_review_approve_and_see_the_tree_change(
    qtbot: QtBot, window: MainWindow, loft: Flow42, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path
) -> None:
    pane = open_pane(window)
    assert pane.model.rows == []
    saved: dict[str, object] = {}

    def approve(dialog: ApproveDialog) -> None:
        assert dialog.room_id.currentText().startswith(" 92 · Downtown Loft 3B-A")
        assert "roommates: Mike, Jessica, Tom" in dialog.note.text()
        type_into(qtbot, dialog.deposit_amount, "450")
        click(qtbot, dialog.save_button)

    def preview(dialog: PdfPreview) -> None:
        assert dialog.page_count == 1
        saved["letter"] = dialog.save_as(str(tmp_path / "welcome.pdf"))

    driver = DialogDriver(qtbot).then(fill_sarah(qtbot)).then(approve).then(preview)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))

    click(qtbot, pane.new_button)
    settle(window)
    assert [r.full_name for r in pane.model.rows] == ["Sarah Thompson"]
    view = pane.detail
    assert view.name.text() == "Sarah Thompson" and view.status.text() == "pending"
    assert "allergic to pets" in view.profile.text()

    # the ranked rooms: best first, tier colour, roommates with pair scores
    first = view.model.rows[0]
    assert (first.property_name, first.room_label, first.score, first.tier) == (
        "Downtown Loft", "3B-A", 92, "excellent")
    top_left = view.view.model().index(0, 0)
    assert top_left.data() == "92"
    brush = top_left.data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(brush, QBrush) and brush.color().name() == TIER_BACKGROUNDS["excellent"]
    roommates = view.view.model().index(0, view.model.column_index("roommates")).data()
    assert roommates == "Mike 83, Jessica 79, Tom 100"
    assert "Jessica" in view.detail.text() and "87.25" in view.detail.text()

    assert view.view.select_where(lambda c: c.room_label == "2A-B")
    settle(window)
    assert "pet allergy: Lisa has pets" in view.detail.text()
    assert view.excluded.isHidden()
    click(qtbot, view.excluded_toggle)
    assert not view.excluded.isHidden()
    reasons = [view.excluded.item(i).text() for i in range(view.excluded.count())]
    assert "Downtown Loft 3B-B: no free bed on 2025-12-01 (Mike Resident)" in reasons

    # approve through the dialog; the tree shows Sarah in 3B-A
    assert window.tree.node_text(loft.rooms["3B-A"]) == ("Room A", "vacant")
    assert view.view.select_where(lambda c: c.room_label == "3B-A")
    click(qtbot, view.approve_button)
    settle(window)
    assert window.tree.node_text(loft.rooms["3B-A"]) == ("Room A", "Sarah Thompson")
    assert window.tree.node_text(loft.units["3B"])[1] == "4/4"
    assert view.status.text() == "approved"
    assert not view.approve_button.isEnabled() and view.letter_button.isEnabled()
    (lease,) = [r for r in leasing.list_leases(window.ctx.db, window.ctx.actor)
                if r.tenant_name == "Sarah Thompson"]
    assert (lease.room_number, str(lease.deposit_amount)) == ("A", "450.00")
    assert [r.full_name for r in pane.model.rows] == []  # the open filter hides it now

    click(qtbot, view.letter_button)
    settle(window)  # the letter is rendered in a worker, then previewed
    letter = saved["letter"]
    assert isinstance(letter, Path) and letter.read_bytes().startswith(b"%PDF")


def test_an_approval_undone_with_ctrl_z_and_with_its_button(
    qtbot: QtBot, window: MainWindow, loft: Flow42, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = window.ctx.db
    actor = window.ctx.actor
    sarah = apply(db, window.ctx.actor)

    threads: list[str] = []
    real_approve = placement.approve_application

    def approve_in_a_worker(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_approve(*args, **kwargs)

    monkeypatch.setattr(placement, "approve_application", approve_in_a_worker)

    def approve(dialog: ApproveDialog) -> None:
        type_into(qtbot, dialog.deposit_amount, "450")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # no wait here
        assert dialog.saving and not dialog.buttons.isEnabled()  # the transaction runs
        dialog.reject()  # Esc meanwhile: the dialog waits for the save to finish
        assert dialog.isVisible()

    driver = DialogDriver(qtbot).then(approve)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    monkeypatch.setattr(Editing, "confirm", lambda self, title, text: True)
    pane = open_pane(window)
    assert pane.list.select_where(lambda r: r.id == sarah.id)
    settle(window)
    view = pane.detail
    assert view.view.select_where(lambda c: c.room_label == "3B-A")
    assert not view.unapprove_button.isEnabled()
    click(qtbot, view.approve_button)
    settle(window)
    assert window.tree.node_text(loft.rooms["3B-A"]) == ("Room A", "Sarah Thompson")
    assert threads and threads[0] != threading.main_thread().name  # off the GUI thread
    first = applications.get_application(db, actor, sarah.id).approved_lease_id
    assert window.undo_action.text() == "&Undo Approval of Sarah Thompson"

    window.activateWindow()  # as the window manager does when the dialog closes
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(window)
    assert applications.get_application(db, actor, sarah.id).status == "pending"
    assert first is not None and leasing.get_lease(db, actor, first).status == "cancelled"
    assert window.tree.node_text(loft.rooms["3B-A"]) == ("Room A", "vacant")

    window.redo_action.trigger()
    settle(window)
    again = applications.get_application(db, actor, sarah.id)
    assert again.status == "approved" and again.approved_lease_id not in (None, first)
    lease = leasing.get_lease(db, actor, again.approved_lease_id)  # type: ignore[arg-type]
    assert (lease.room_id, str(lease.deposit_amount)) == (loft.rooms["3B-A"], "450.00")
    assert window.tree.node_text(loft.rooms["3B-A"]) == ("Room A", "Sarah Thompson")

    # later, from the application itself (the status filter shows approved ones)
    pane.status.setCurrentIndex(pane.status.findData("approved"))
    settle(window)
    assert pane.list.select_where(lambda r: r.id == sarah.id)
    settle(window)
    assert view.unapprove_button.isEnabled()
    click(qtbot, view.unapprove_button)
    settle(window)
    assert applications.get_application(db, actor, sarah.id).status == "pending"
    assert window.tree.node_text(loft.rooms["3B-A"]) == ("Room A", "vacant")
    assert window.undo_action.text() == "&Undo Undo approval of Sarah Thompson"


def test_reject_with_a_reason_and_the_status_filter(
    qtbot: QtBot, window: MainWindow, loft: Flow42, monkeypatch: pytest.MonkeyPatch
) -> None:
    omar = apply(window.ctx.db, window.ctx.actor, "Omar", "Haddad",
                 profile_data=PROFILES["Brad"])
    pane = open_pane(window)
    monkeypatch.setattr(Editing, "ask_text", lambda self, title, label: "No references")
    assert pane.list.select_where(lambda r: r.id == omar.id)
    settle(window)
    click(qtbot, pane.detail.reject_button)
    settle(window)
    assert applications.get_application(window.ctx.db, window.ctx.actor,
                                        omar.id).rejection_reason == (
        "No references")
    assert pane.model.rows == []
    pane.status.setCurrentIndex(pane.status.findData("rejected"))
    settle(window)
    assert [r.id for r in pane.model.rows] == [omar.id]
    assert pane.detail.status.text() == "rejected"
    assert "Rejected: No references" in pane.detail.facts.text()
    click(qtbot, pane.detail.reopen_button)
    settle(window)
    assert applications.get_application(window.ctx.db, window.ctx.actor,
                                        omar.id).status == "pending"


def test_an_application_out_of_date_is_rescored_when_opened(
    qtbot: QtBot, window: MainWindow, loft: Flow42
) -> None:
    db, actor = window.ctx.db, window.ctx.actor
    sarah = apply(db, actor)
    # 3B-A let from the Leases pane after Sarah was scored: her stored results still list it
    lease(db, actor, loft.rooms["3B-A"], tenant(db, actor, "Walk-in"), MOVE_IN)
    assert matching.get_matches(db, actor, sarah.id).out_of_date
    pane = open_pane(window)
    assert pane.list.select_where(lambda r: r.id == sarah.id)
    settle(window)
    window.ctx.tasks.wait_idle()
    settle(window)
    view = pane.detail
    assert "3B-A" not in {c.room_label for c in view.model.rows}
    assert "changed since" not in view.scored.text()
    assert not matching.get_matches(db, actor, sarah.id).out_of_date


def test_rescore_out_of_date_from_the_pane(
    qtbot: QtBot, window: MainWindow, loft: Flow42
) -> None:
    db, actor = window.ctx.db, window.ctx.actor
    sarah = apply(db, actor)
    pane = open_pane(window)
    assert [r.best_room for r in pane.model.rows] == ["Downtown Loft 3B-A"]
    lease(db, actor, loft.rooms["3B-A"], tenant(db, actor, "Walk-in"), MOVE_IN)
    messages: list[str] = []
    window.ctx.bus.status_message.connect(messages.append)
    click(qtbot, pane.rescore_button)
    window.ctx.tasks.wait_idle()
    settle(window)
    assert messages[-1] == "Rescored 1 application."
    assert [r.best_room for r in pane.model.rows] != ["Downtown Loft 3B-A"]
    assert not matching.get_matches(db, actor, sarah.id).out_of_date


def test_the_plan_review_approves_only_the_ticked_lines(
    qtbot: QtBot, window: MainWindow, loft: Flow42, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, actor = window.ctx.db, window.ctx.actor
    sarah = apply(db, actor)
    yuki = apply(db, actor, "Yuki", "Sato", profile_data=PROFILES["Mike"], max_rent="700")
    pane = open_pane(window)
    seen: dict[str, object] = {}

    def review(dialog: PlanDialog) -> None:
        window.ctx.tasks.wait_idle()
        assert dialog.plan is not None and len(dialog.plan.placements) == 2
        assert "plan total" in dialog.totals.text()
        row = next(i for i, p in enumerate(dialog.plan.placements)
                   if p.application_id == yuki.id)
        dialog.set_ticked(row, False)
        assert dialog.ticked() == [(sarah.id, dialog.plan.placements[1 - row].room_id)]
        assert dialog.approve_button.text() == "Approve ticked (1)"
        click(qtbot, dialog.approve_button)
        window.ctx.tasks.wait_idle()
        settle(window)
        seen["outcome"] = dialog.outcome.text()
        dialog.accept()

    driver = DialogDriver(qtbot).then(review)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    click(qtbot, pane.plan_button)
    settle(window)
    assert seen["outcome"] == "Approved 1."
    assert applications.get_application(db, actor, sarah.id).status == "approved"
    assert applications.get_application(db, actor, yuki.id).status == "pending"
    assert window.tree.node_text(loft.rooms["3B-A"]) == ("Room A", "Sarah Thompson")


def test_planning_shows_progress_and_can_be_cancelled(
    qtbot: QtBot, window: MainWindow, loft: Flow42, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from coliv_desktop.ui.applications import plan as plan_dialog

    def slow_plan(db: object, actor: object, *, min_score: int, progress: Any) -> None:
        for i in range(400):  # about 4 s, unless cancelled
            progress(i, 400, f"Scoring applicant {i + 1} of 400…")
            time.sleep(0.01)

    monkeypatch.setattr(plan_dialog.placement, "plan", slow_plan)
    seen: dict[str, str] = {}

    def cancel(dialog: PlanDialog) -> None:
        progress = None
        def shown() -> bool:
            nonlocal progress
            found = [d for d in dialog.findChildren(QProgressDialog) if d.isVisible()]
            progress = found[0] if found else None
            return progress is not None
        qtbot.waitUntil(shown, timeout=3000)
        assert progress is not None and "Scoring applicant" in progress.labelText()
        (button,) = [b for b in progress.findChildren(QPushButton) if b.text() == "Cancel"]
        click(qtbot, button)
        window.ctx.tasks.wait_idle()
        settle(window)
        seen["totals"] = dialog.totals.text()
        dialog.accept()

    driver = DialogDriver(qtbot).then(cancel)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    click(qtbot, open_pane(window).plan_button)
    settle(window)
    assert seen["totals"].startswith("Planning cancelled")


def test_a_residents_profile_from_the_tenant_record(
    qtbot: QtBot, window: MainWindow, loft: Flow42, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = window.ctx.db
    actor = window.ctx.actor
    sarah = apply(db, window.ctx.actor)
    lisa = loft.tenants["Lisa"]

    def no_more_cats(dialog: TenantProfileDialog) -> None:
        assert dialog.profile.flags["has_pets"].isChecked()
        click(qtbot, dialog.profile.flags["has_pets"])
        type_into(qtbot, dialog.profile.age, "two hundred")
        click(qtbot, dialog.save_button)
        assert dialog.fields.error("compatibility_profile.age")  # shown next to the field
        type_into(qtbot, dialog.profile.age, "41")
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(no_more_cats)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    window.ctx.open_tenant(lisa)
    settle(window)
    record = window.pane("tenants").record  # type: ignore[attr-defined]
    click(qtbot, record.profile_button)
    settle(window)
    profile = applications.get_tenant_profile(db, actor, lisa)
    assert profile is not None and not profile.has_pets and profile.age == 41
    cats = next(c for c in matching.get_matches(db, actor, sarah.id).candidates
                if c.room_label == "2A-B")
    assert cats.score > 0  # rescored in the same transaction


def test_a_roommates_profile_from_the_applications_set_profile_link(
    qtbot: QtBot, window: MainWindow, loft: Flow42, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"set profile…" next to a roommate without one: the tenant is read in a worker, then
    the profile dialog opens for that tenant; saving it reloads the application."""
    db = window.ctx.db
    sarah = apply(db, window.ctx.actor)
    lisa = loft.tenants["Lisa"]
    shown: list[str] = []

    def cancel(dialog: TenantProfileDialog) -> None:
        shown.append(dialog.windowTitle())
        dialog.reject()

    driver = DialogDriver(qtbot).then(cancel)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = open_pane(window)
    assert pane.list.select_where(lambda r: r.id == sarah.id)
    settle(window)
    pane.detail._link(f"profile:{lisa}")  # the link's target, as a click hands it over
    assert shown == []  # not yet: the dialog opens once the tenant is read
    settle(window)
    assert len(shown) == 1 and "Lisa" in shown[0], shown
