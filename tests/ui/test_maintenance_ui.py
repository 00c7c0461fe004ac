"""The Maintenance pane (issue 14, items 1-4, the GUI side): a request reported from a room's
context menu in the tree, assigned to a vendor, resolved, with the queue, the tree's urgent
marker, the room page and the dashboard's counts following; a refused move shows the service's
message and changes nothing; a status move is undone by the reverse move; photos show as
thumbnails in the request's detail; the work order opens in the PDF preview; vendors and
schedules have their dialogs. Every service call runs in a worker (tests/ui/conftest.py)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from coliv_desktop.schemas import build
from coliv_desktop.schemas.maintenance import RequestCreate, VendorCreate
from coliv_desktop.services import attachments, maintenance, vendors
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor
from coliv_desktop.services.databases import OpenedDatabase
from coliv_desktop.ui.common.models.table import FOREGROUND
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.maintenance.dialogs import AssignDialog, CostDialog, RequestDialog
from coliv_desktop.ui.maintenance.pane import OVERDUE, MaintenancePane
from coliv_desktop.ui.maintenance.schedules import ScheduleDialog, SchedulesDialog
from coliv_desktop.ui.maintenance.vendors import EXPIRED, VendorDialog, VendorsDialog
from coliv_desktop.ui.shell.actions import Editing
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import flow_41, lease, tenant
from tests.ui.helpers import DialogDriver, click, off_the_gui_thread, settle, type_into


def a_photo(path: Path) -> Path:
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    assert image.save(str(path), "PNG")
    return path


def first_of_month() -> date:
    return today().replace(day=1)


def open_pane(window: MainWindow) -> MaintenancePane:
    window.show_pane("maintenance")
    settle(window)
    pane = window.pane("maintenance")
    assert isinstance(pane, MaintenancePane)
    return pane


def expand_all(window: MainWindow) -> None:
    window.tree.view.expandAll()
    QApplication.processEvents()


def tree_index(window: MainWindow, ident: uuid.UUID) -> Any:
    expand_all(window)
    index = window.tree.proxy.mapFromSource(window.tree.model.index_of(ident))
    assert index.isValid()
    return index


def request_in(db: Any, actor: Actor, room: uuid.UUID, title: str, priority: str = "high",
               **extra: Any) -> Any:
    return maintenance.add_request(db, actor, build(
        RequestCreate, room_id=room, category="plumbing", priority=priority, title=title,
        **extra))


def test_report_assign_resolve_from_the_tree(window: MainWindow, qtbot: QtBot,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = window.ctx
    f = flow_41(ctx.db, ctx.actor)
    room = f.rooms["3B-A"]
    ana = tenant(ctx.db, ctx.actor, "Ana")
    lease(ctx.db, ctx.actor, room, ana, first_of_month())
    vendor = vendors.add_vendor(ctx.db, ctx.actor, build(
        VendorCreate, name="Pipe Pros", trade="plumber", phone="555-0100"))
    ctx.bus.everything_changed.emit()
    settle(window)
    dashboard = window.pane("dashboard")
    assert dashboard.maintenance_card.value.text() == "0"  # type: ignore[attr-defined]

    def report(dialog: RequestDialog) -> None:
        # the place comes pre-filled from the tree
        assert dialog.property_id.currentText() == "Downtown Loft"
        assert dialog.unit_id.currentText() == "Unit 3B"
        assert dialog.room_id.currentText() == "Room A"
        dialog.priority.setCurrentIndex(dialog.priority.findData("urgent"))
        type_into(qtbot, dialog.title, "Burst pipe")
        type_into(qtbot, dialog.access_notes, "Key at the front desk")
        dialog.tenant_id.setCurrentIndex(dialog.tenant_id.findData(str(ana)))
        dialog.holds_room.setChecked(True)
        click(qtbot, dialog.save_button)

    def assign(dialog: AssignDialog) -> None:
        dialog.vendor_id.setCurrentIndex(dialog.vendor_id.findData(str(vendor.id)))
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(report).then(assign)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    monkeypatch.setattr(Editing, "ask_text", lambda self, title, label: "New washer fitted")

    menu = window.tree.context_menu(tree_index(window, room).data(Qt.ItemDataRole.UserRole + 10))
    action = next(a for a in menu.actions() if a.objectName() == "report_problem")
    assert action.isEnabled()
    action.trigger()
    settle(window)
    pane = window.pane("maintenance")
    assert isinstance(pane, MaintenancePane) and window.current_pane == "maintenance"
    assert pane.model.rowCount() == 1
    row = pane.current()
    assert row is not None and row.title == "Burst pipe" and row.priority == "urgent"
    assert row.tenant_id == ana and row.reported_by == "Ana Tester" and row.holds_room
    assert pane.view.model().index(0, 2).data() == "Downtown Loft · 3B-A"
    assert "Key at the front desk" in pane.about.text()
    # the tree marks the room, the room page says so, the dashboard counts it
    index = tree_index(window, room)
    assert index.data().endswith("⚠") and index.data(Qt.ItemDataRole.ToolTipRole) == \
        "Urgent: Burst pipe"
    window.ctx.open_room(room)
    settle(window)
    portfolio_pane = window.pane("tree")
    urgent = portfolio_pane.room.urgent  # type: ignore[attr-defined]
    assert urgent.isVisibleTo(portfolio_pane) and urgent.text() == "Urgent: Burst pipe"
    window.show_pane("dashboard")
    settle(window)
    assert dashboard.maintenance_card.value.text() == "1"  # type: ignore[attr-defined]

    pane = open_pane(window)
    assert pane.work_order_button.isEnabled() is False  # no vendor yet
    click(qtbot, pane.assign_button)
    settle(window)
    row = pane.current()
    assert row is not None and row.vendor_id == vendor.id
    assert pane.view.model().index(0, 5).data() == "Pipe Pros"
    assert pane.work_order_button.isEnabled()
    assert "Pipe Pros (plumber)" in pane.about.text()
    assert ctx.undo_stack.undoText() == "Assign Burst pipe"

    # Start, then Resolve… (asks for the notes)
    assert pane.move_buttons["in_progress"].isEnabled()
    assert not pane.move_buttons["open"].isEnabled()
    qtbot.mouseClick(pane.move_buttons["in_progress"], Qt.MouseButton.LeftButton)
    settle(window)
    assert pane.current() is not None and pane.current().status == "in_progress"  # type: ignore[union-attr]
    qtbot.mouseClick(pane.move_buttons["resolved"], Qt.MouseButton.LeftButton)
    settle(window)
    # resolved leaves the "not yet resolved" queue: the empty state shows
    assert pane.model.rowCount() == 0 and pane.queue.currentWidget() is pane.empty
    assert pane.empty.text() == "No open requests — all quiet."
    done = off_the_gui_thread(maintenance.get_request, ctx.db, ctx.actor, row.id)
    assert done.status == "resolved" and done.resolution_notes == "New washer fitted"
    log = off_the_gui_thread(maintenance.request_log, ctx.db, ctx.actor, row.id)
    assert [entry.to_status for entry in log if entry.action == "status"] == \
        ["in_progress", "resolved"]
    index = tree_index(window, room)
    assert not index.data().endswith("⚠")
    window.show_pane("dashboard")
    settle(window)
    assert dashboard.maintenance_card.value.text() == "0"  # type: ignore[attr-defined]


def test_a_refused_move_shows_the_message_and_changes_nothing(window: MainWindow) -> None:
    ctx = window.ctx
    f = flow_41(ctx.db, ctx.actor)
    made = request_in(ctx.db, ctx.actor, f.rooms["3A-A"], "Loose handle")
    maintenance.move_request(ctx.db, ctx.actor, made.id, "closed")
    pane = open_pane(window)
    pane.status.setCurrentIndex(pane.status.findData("all"))
    settle(window)
    assert pane.select_request(made.id)
    settle(window)
    # closed is final: no move button is on
    assert not any(button.isEnabled() for button in pane.move_buttons.values())
    pane.move_to("open")  # as if another desk had closed it after this one listed it
    settle(window)
    assert pane.message.isVisibleTo(pane)
    assert "a closed request cannot become open" in pane.message.text()
    after = off_the_gui_thread(maintenance.get_request, ctx.db, ctx.actor, made.id)
    assert after.status == "closed" and after.version == pane.current().version  # type: ignore[union-attr]


def test_a_status_move_is_undone_by_the_reverse_move(window: MainWindow, qtbot: QtBot) -> None:
    ctx = window.ctx
    f = flow_41(ctx.db, ctx.actor)
    made = request_in(ctx.db, ctx.actor, f.rooms["3A-B"], "Dripping tap")
    pane = open_pane(window)
    assert pane.current() is not None and pane.current().id == made.id  # type: ignore[union-attr]
    pane.view.setFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Start
    settle(window)
    assert pane.current().status == "in_progress"  # type: ignore[union-attr]
    assert ctx.undo_stack.canUndo() and "Open → In progress" in ctx.undo_stack.undoText()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(window)
    assert off_the_gui_thread(maintenance.get_request, ctx.db, ctx.actor, made.id).status == \
        "open"
    assert pane.current().status == "open"  # type: ignore[union-attr]
    ctx.undo_stack.redo()
    settle(window)
    assert pane.current().status == "in_progress"  # type: ignore[union-attr]


def test_photos_show_as_thumbnails_and_the_work_order_opens(
        window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    ctx = window.ctx
    f = flow_41(ctx.db, ctx.actor)
    vendor = vendors.add_vendor(ctx.db, ctx.actor, build(
        VendorCreate, name="Иван Сантехник", trade="plumber"))
    made = request_in(ctx.db, ctx.actor, f.rooms["3B-C"], "Blocked drain")
    maintenance.assign_request(ctx.db, ctx.actor, made.id, vendor.id)
    attachments.attach_file(ctx.db, ctx.actor, "maintenance", made.id,
                            a_photo(tmp_path / "drain.png"))
    pane = open_pane(window)
    for _ in range(3):  # the list's answer starts the thumbnails' tasks
        settle(window)
    pane.tabs.setCurrentWidget(pane.photos)
    grid = pane.photos.grid
    assert grid.count() == 1 and grid.item(0).text() == "drain.png"
    assert made.id in {d.owner_id for d in pane.photos.documents}
    assert len(pane.photos.thumbnails) == 1  # decoded: shown as its thumbnail, not a file icon
    assert not grid.item(0).icon().isNull()

    click(qtbot, pane.work_order_button)
    settle(window)
    preview = pane.property("last_preview")
    assert isinstance(preview, PdfPreview) and preview.isVisible()
    text = " ".join(p.extract_text() for p in PdfReader(preview.path).pages)
    assert "Blocked drain" in text and "Иван Сантехник" in text and "3B" in text
    preview.reject()


def test_overdue_rows_are_red_and_filters_narrow_the_queue(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    ctx = window.ctx
    f = flow_41(ctx.db, ctx.actor)
    late = request_in(ctx.db, ctx.actor, f.rooms["3A-A"], "Old leak", "urgent")
    request_in(ctx.db, ctx.actor, f.rooms["3A-B"], "Squeaky door", "low")
    # two days on: the urgent one is past its target, the low one is not
    monkeypatch.setenv("COLIV_TODAY", (late.due_by.date() + timedelta(days=2)).isoformat())
    pane = open_pane(window)
    assert pane.model.rowCount() == 2 and "1 overdue" in pane.count.text()
    first = pane.view.model().index(0, 1)
    assert first.data() == "Old leak" and first.data(FOREGROUND) == OVERDUE
    pane.overdue.setChecked(True)
    settle(window)
    assert pane.model.rowCount() == 1
    pane.overdue.setChecked(False)
    settle(window)
    pane.priority.setCurrentIndex(pane.priority.findData("low"))
    assert pane.model.rowCount() == 1 and pane.current().title == "Squeaky door"  # type: ignore[union-attr]
    pane.priority.setCurrentIndex(0)
    pane.search.setText("leak")
    assert pane.view.model().rowCount() == 1


def test_a_cost_recharged_to_the_lease_posts_one_charge(
        window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = window.ctx
    f = flow_41(ctx.db, ctx.actor)
    ana = tenant(ctx.db, ctx.actor, "Ana")
    made_lease = lease(ctx.db, ctx.actor, f.rooms["3A-C"], ana, first_of_month())
    request_in(ctx.db, ctx.actor, f.rooms["3A-C"], "Broken window", tenant_id=ana)

    def cost(dialog: CostDialog) -> None:
        assert dialog.lease_id.count() == 2  # "the property pays", and Ana's lease
        dialog.lease_id.setCurrentIndex(1)
        dialog.kind.setCurrentIndex(dialog.kind.findData("parts"))
        type_into(qtbot, dialog.amount, "80")
        type_into(qtbot, dialog.description, "New pane")
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(cost)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = open_pane(window)
    click(qtbot, pane.cost_button)
    settle(window)
    assert pane.cost_model.rowCount() == 1
    assert pane.view.model().index(0, 7).data() == "$80.00"
    costs = pane.cost_model.rows
    assert costs[0].lease_id == made_lease.id and costs[0].charge_id is not None


def test_vendors_dialog_adds_and_marks_expired_insurance(
        window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = window.ctx
    flow_41(ctx.db, ctx.actor)

    def add(dialog: VendorDialog) -> None:
        type_into(qtbot, dialog.name, "Sparks Ltd")
        type_into(qtbot, dialog.trade, "electrician")
        assert dialog.insurance_expiry.enabled_box is not None
        dialog.insurance_expiry.enabled_box.setChecked(True)
        dialog.insurance_expiry.set_value(first_of_month().replace(year=2001))
        click(qtbot, dialog.save_button)

    seen: dict[str, Any] = {}

    def directory(dialog: VendorsDialog) -> None:
        settle(window)
        seen["dialog"] = dialog
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        settle(window)
        assert dialog.model.rowCount() == 1
        index = dialog.view.model().index(0, 4)
        assert index.data().endswith("(expired)") and index.data(FOREGROUND) == EXPIRED
        dialog.view.selectRow(0)
        qtbot.mouseClick(dialog.archive_button, Qt.MouseButton.LeftButton)
        settle(window)
        assert dialog.model.rowCount() == 0  # archived: out of the list

    driver = DialogDriver(qtbot).then(directory).then(add)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = open_pane(window)
    click(qtbot, pane.vendors_button)
    settle(window)
    assert off_the_gui_thread(vendors.list_vendors, ctx.db, ctx.actor) == []
    archived = off_the_gui_thread(lambda: vendors.list_vendors(ctx.db, ctx.actor,
                                                               include_archived=True))
    assert [v.name for v in archived] == ["Sparks Ltd"] and seen["dialog"].isHidden()


def test_schedules_dialog_adds_and_runs_once(window: MainWindow, qtbot: QtBot,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = window.ctx
    flow_41(ctx.db, ctx.actor)

    def add(dialog: ScheduleDialog) -> None:
        assert dialog.property_id.currentText() == "Downtown Loft"
        type_into(qtbot, dialog.title, "Boiler service")
        click(qtbot, dialog.save_button)

    def schedules(dialog: SchedulesDialog) -> None:
        settle(window)
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        settle(window)
        assert dialog.model.rowCount() == 1
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
        settle(window)
        assert "1 request raised" in dialog.result_line.text()
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
        settle(window)
        assert dialog.result_line.text().startswith("Nothing due")

    driver = DialogDriver(qtbot)
    driver.then(schedules).then(add)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = open_pane(window)
    click(qtbot, pane.schedules_button)
    settle(window)
    assert pane.model.rowCount() == 1 and pane.current().title == "Boiler service"  # type: ignore[union-attr]


def test_roles_without_maintenance_write_see_no_write_buttons(window: MainWindow) -> None:
    ctx = window.ctx
    f = flow_41(ctx.db, ctx.actor)
    request_in(ctx.db, ctx.actor, f.rooms["3A-A"], "Noisy fan")
    ctx.set_database(OpenedDatabase(ctx.db, Actor(ctx.actor.user_id, ctx.actor.operator_id,
                                                  "Viewer User", "viewer"), "USD", "en_US"))
    ctx.tasks.wait_idle()
    pane = open_pane(window)
    assert pane.model.rowCount() == 1
    for button in (pane.new_button, pane.edit_button, pane.assign_button, pane.cost_button,
                   *pane.move_buttons.values()):
        assert not button.isVisibleTo(pane)
    assert pane.work_order_button.isVisibleTo(pane)


def test_an_edit_saves_against_its_version_and_is_undone(
        window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = window.ctx
    f = flow_41(ctx.db, ctx.actor)
    made = request_in(ctx.db, ctx.actor, f.rooms["3B-B"], "Light flickers", "low")

    def edit(dialog: RequestDialog) -> None:
        assert dialog.existing is not None and dialog.existing.version == made.version
        assert dialog.title.text() == "Light flickers"
        type_into(qtbot, dialog.title, "Ceiling light flickers")
        dialog.priority.setCurrentIndex(dialog.priority.findData("high"))
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(edit)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = open_pane(window)
    pane.view.setFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # Edit…
    settle(window)
    edited = pane.current()
    assert edited is not None and edited.title == "Ceiling light flickers"
    assert edited.priority == "high" and edited.due_by < made.due_by  # a nearer target
    assert ctx.undo_stack.undoText() == "Edit request Ceiling light flickers"
    ctx.undo_stack.undo()
    settle(window)
    back = off_the_gui_thread(maintenance.get_request, ctx.db, ctx.actor, made.id)
    assert (back.title, back.priority, back.due_by) == ("Light flickers", "low", made.due_by)


def test_staff_add_costs_but_cannot_recharge_them(window: MainWindow, qtbot: QtBot,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = window.ctx
    f = flow_41(ctx.db, ctx.actor)
    made = request_in(ctx.db, ctx.actor, f.rooms["3A-A"], "Torn curtain")
    ctx.set_database(OpenedDatabase(ctx.db, Actor(ctx.actor.user_id, ctx.actor.operator_id,
                                                  "Staff User", "staff"), "USD", "en_US"))
    ctx.tasks.wait_idle()

    def cost(dialog: CostDialog) -> None:
        assert not dialog.recharge_allowed and "lease_id" not in dialog.fields.widgets
        type_into(qtbot, dialog.amount, "15")
        type_into(qtbot, dialog.description, "Curtain hooks")
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(cost)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = open_pane(window)
    assert pane.cost_button.isVisibleTo(pane) and pane.move_buttons["closed"].isVisibleTo(pane)
    click(qtbot, pane.cost_button)
    settle(window)
    costs = off_the_gui_thread(maintenance.list_costs, ctx.db, ctx.actor, made.id)
    assert [(c.amount, c.charge_id) for c in costs] == [(pytest.approx(15), None)]
