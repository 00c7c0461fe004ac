"""The main window driven as an operator would: the issue's item-10 scenarios and more."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit
from pytestqt.qtbot import QtBot

from coliv_desktop.__main__ import main as cli_main
from coliv_desktop.schemas.portfolio import UnitUpdate
from coliv_desktop.services import directory, portability, portfolio, tenants
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.portfolio.property import PropertyDialog
from coliv_desktop.ui.portfolio.rooms import RoomDialog, RoomsGridDialog
from coliv_desktop.ui.portfolio.unit import UnitDialog
from coliv_desktop.ui.shell.actions import Editing
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import flow_41, lease, tenant
from tests.ui.helpers import DialogDriver, click, menu_action, settle, type_into


def fill_property(qtbot: QtBot) -> Any:
    def handler(dialog: PropertyDialog) -> None:
        for field, text in (("name", "Downtown Loft"), ("address", "123 Main St"),
                            ("city", "Austin"), ("state", "TX"), ("zip", "78701")):
            type_into(qtbot, getattr(dialog, field), text)
        for amenity in ("gym", "rooftop", "coworking"):
            click(qtbot, dialog.amenities.boxes[amenity])
        qtbot.keyClicks(dialog.house_rules, "No smoking")
        click(qtbot, dialog.next_button)  # "Save & Add Units"
    return handler


def fill_unit(qtbot: QtBot, number: str, bedrooms: int, sqft: int) -> Any:
    def handler(dialog: UnitDialog) -> None:
        type_into(qtbot, dialog.unit_number, number)
        type_into(qtbot, dialog.bedrooms, str(bedrooms))
        type_into(qtbot, dialog.bathrooms, "2")
        type_into(qtbot, dialog.square_feet, str(sqft))
        click(qtbot, dialog.next_button)  # "Save & Add Rooms"
    return handler


def fill_rooms(qtbot: QtBot, rooms: list[tuple[str, str, str, bool]], seen: dict[str, str]
               ) -> Any:
    def handler(dialog: RoomsGridDialog) -> None:
        assert dialog.grid.rowCount() == len(rooms)  # one row per bedroom, lettered
        for row, (number, rent, size, bath) in enumerate(rooms):
            assert dialog.grid.item(row, 0).text() == number
            dialog.grid.item(row, 1).setText(rent)
            dialog.grid.item(row, 2).setText(size)
            box = dialog.grid.cellWidget(row, 3)
            assert isinstance(box, QCheckBox)
            if bath:
                click(qtbot, box)
        seen[dialog.windowTitle()] = dialog.total_label.text()
        click(qtbot, dialog.save_button)
    return handler


def test_flow_41_through_the_dialogs(qtbot: QtBot, window: MainWindow,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    totals: dict[str, str] = {}
    driver = (DialogDriver(qtbot)
              .then(fill_property(qtbot))
              .then(fill_unit(qtbot, "3A", 3, 1200))
              .then(fill_rooms(qtbot, [("A", "700", "120", False), ("B", "700", "110", False),
                                       ("C", "700", "110", False)], totals)))
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    menu_action(window, "add_property").trigger()
    settle(window)
    prop = portfolio.list_properties(window.ctx.db, window.ctx.actor)[0]
    assert prop.amenities == ["gym", "rooftop", "coworking"]
    # Unit 3B through the menu with the property selected in the tree.
    window.tree.select(prop.id)
    driver.then(fill_unit(qtbot, "3B", 4, 1500)).then(fill_rooms(qtbot, [
        ("A", "900", "150", True), ("B", "750", "120", False), ("C", "800", "130", False),
        ("D", "800", "130", False)], totals))
    menu_action(window, "add_unit").trigger()
    settle(window)
    assert totals["Add rooms to unit 3B"] == "Revenue potential: $3,250.00/mo (4 rooms)"

    units = {u.unit_number: u for u in portfolio.list_units(window.ctx.db, window.ctx.actor)}
    assert window.tree.node_text(units["3B"].id) == ("Unit 3B", "0/4")
    assert window.tree.node_text(units["3A"].id) == ("Unit 3A", "0/3")
    assert window.tree.node_text(prop.id) == ("Downtown Loft", "0/7")
    window.show_pane("dashboard")
    settle(window)
    board = window.pane("dashboard")
    rows = {r.label.strip(): r for r in board.model.rows}  # type: ignore[attr-defined]
    assert rows["Unit 3B"].rooms_total == 4
    shown = board.model.index(list(rows).index("Unit 3B"),  # type: ignore[attr-defined]
                              board.model.column_index("revenue")).data()  # type: ignore[attr-defined]
    assert shown == "$3,250.00"
    assert board.rooms_card.value.text() == "0/7"  # type: ignore[attr-defined]
    assert board.occupancy_card.value.text() == "0.0%"  # type: ignore[attr-defined]


def test_undo_of_a_room_edit_restores_the_old_rent(qtbot: QtBot, window: MainWindow,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    flow = flow_41(window.ctx.db, window.ctx.actor)
    window.ctx.bus.portfolio_changed.emit()
    settle(window)
    room_id = flow.rooms["3B-A"]

    def edit_rent(dialog: RoomDialog) -> None:
        type_into(qtbot, dialog.rent_amount, "975")
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(edit_rent)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    assert window.tree.select(room_id)
    qtbot.keyClick(window.tree.view, Qt.Key.Key_F2)  # Edit Selected…
    settle(window)  # the room is read in a worker, then the dialog opens
    assert portfolio.get_room(window.ctx.db, window.ctx.actor,
                              room_id).rent_amount == Decimal("975.00")
    assert window.undo_action.text() == "&Undo Edit room A"
    window.activateWindow()  # as the window manager does once the dialog closed
    QApplication.processEvents()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(window)  # the undo runs in a worker
    assert portfolio.get_room(window.ctx.db, window.ctx.actor,
                              room_id).rent_amount == Decimal("900.00")
    qtbot.keyClick(window, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    settle(window)
    assert portfolio.get_room(window.ctx.db, window.ctx.actor,
                              room_id).rent_amount == Decimal("975.00")


def test_undo_of_archiving_restores_the_tenant(qtbot: QtBot, window: MainWindow,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    sarah = tenant(window.ctx.db, window.ctx.actor, "Sarah", "Thompson")
    monkeypatch.setattr(Editing, "confirm", lambda self, title, text: True)
    archived: list[bool] = []
    window.editing.archive("tenant", sarah, on_done=archived.append)
    settle(window)
    assert archived == [True]
    assert tenants.get_tenant(window.ctx.db, window.ctx.actor, sarah).archived_at is not None
    menu_action(window, "undo").trigger()
    settle(window)
    assert tenants.get_tenant(window.ctx.db, window.ctx.actor, sarah).archived_at is None


def test_filtering_the_tenants_pane_by_name(qtbot: QtBot, window: MainWindow) -> None:
    for first, last in [("Sarah", "Thompson"), ("Mike", "Chen"), ("Tomas", "Perez"),
                        ("Lisa", "Moreau")]:
        tenant(window.ctx.db, window.ctx.actor, first, last)
    menu_action(window, "pane_tenants").trigger()
    settle(window)
    pane: Any = window.pane("tenants")
    assert pane.model.rowCount() == 4
    qtbot.keyClicks(pane.search, "thom")
    pane.apply_search_now()
    settle(window)
    shown = [pane.view.proxy.index(r, 0).data() for r in range(pane.view.proxy.rowCount())]
    assert shown == ["Thompson, Sarah"]
    assert pane.count.text() == "1 tenant matching “thom”"
    pane.search.clear()
    pane.apply_search_now()
    settle(window)
    assert pane.view.proxy.rowCount() == 4


def test_turnover_lists_a_lease_ending_in_20_days_under_30_days(
        qtbot: QtBot, window: MainWindow) -> None:
    db, actor = window.ctx.db, window.ctx.actor
    flow = flow_41(db, actor)
    day = today()
    ending = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah", "Thompson"),
                   day - timedelta(days=100), day + timedelta(days=20))
    lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike", "Chen"),
          day - timedelta(days=100), day + timedelta(days=75))
    menu_action(window, "pane_turnover").trigger()
    settle(window)
    pane: Any = window.pane("turnover")
    click(qtbot, pane.window_buttons.button(30))
    settle(window)
    rows = pane.models["ending_without_renewal"].rows
    assert [r.lease_id for r in rows] == [ending.id]
    assert pane.models["ending_without_renewal"].index(0, 4).data() == "Sarah Thompson"
    assert pane.tabs.tabText(2) == "Ending, no renewal (1)"
    click(qtbot, pane.window_buttons.button(90))
    settle(window)
    assert len(pane.models["ending_without_renewal"].rows) == 2
    assert pane.timeline_view.lanes  # the timeline drew the units' beds
    # Ctrl+F reaches the pane's filter, which narrows every tab
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert pane.filter.hasFocus()
    qtbot.keyClicks(pane.filter, "chen")
    assert pane.views["ending_without_renewal"].proxy.rowCount() == 1
    assert pane.views["ending_without_renewal"].proxy.index(0, 4).data() == "Mike Chen"


def test_a_validation_error_shows_next_to_its_field_and_writes_nothing(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = window.ctx.db
    actor = window.ctx.actor
    flow = flow_41(db, window.ctx.actor)
    window.ctx.bus.portfolio_changed.emit()
    settle(window)
    before = portability.dumps(portability.export_data(db, actor))
    seen: dict[str, str] = {}

    def duplicate_unit(dialog: UnitDialog) -> None:
        type_into(qtbot, dialog.unit_number, "3B")
        type_into(qtbot, dialog.square_feet, "-20")  # typing: the error shows at once
        seen["typing"] = dialog.fields.error("square_feet")
        type_into(qtbot, dialog.square_feet, "900")
        assert dialog.fields.error("square_feet") == ""
        click(qtbot, dialog.save_button)
        seen["unit_number"] = dialog.fields.error("unit_number")
        seen["visible"] = str(dialog.isVisible())

    driver = DialogDriver(qtbot).then(duplicate_unit)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    window.tree.select(flow.property_id)
    menu_action(window, "add_unit").trigger()
    settle(window)  # the property is read in a worker, then the dialog opens
    assert seen["typing"] == "must be more than zero"
    assert seen["unit_number"] == "this property already has a unit 3B"
    assert seen["visible"] == "True"  # the dialog stays open for a fix
    assert portability.dumps(portability.export_data(db, actor)) == before
    # The same service error the CLI prints.
    url = db.url.render_as_string(hide_password=False)
    code = cli_main(["--db", url, "unit", "add", "--property", str(flow.property_id),
                     "--number", "3B", "--bedrooms", "2", "--bathrooms", "1"])
    assert code == 2
    # (named by the option typed there)
    assert capsys.readouterr().err.strip() == f"error: --number: {seen['unit_number']}"


def test_a_rooms_grid_error_names_the_row(qtbot: QtBot, window: MainWindow,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    db = window.ctx.db
    actor = window.ctx.actor
    flow = flow_41(db, window.ctx.actor)
    portfolio.update_unit(db, window.ctx.actor, flow.unit_3b, UnitUpdate(bedrooms=6))
    before = portability.dumps(portability.export_data(db, actor))
    seen: dict[str, str] = {}

    def bad_rent(dialog: RoomsGridDialog) -> None:
        dialog.set_cell(0, "room_number", "E")
        dialog.set_cell(0, "rent_amount", "650")
        dialog.set_cell(1, "room_number", "F")
        dialog.set_cell(1, "rent_amount", "abc")
        click(qtbot, dialog.save_button)
        seen["error"] = dialog.grid_error.text()

    driver = DialogDriver(qtbot).then(bad_rent)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    window.editing.add_rooms(flow.unit_3b)
    settle(window)
    assert seen["error"] == ("Room F, rent / month: \"abc\" is not an amount of money (type it "
                             "like 1,234.56 or 1234.56)")
    assert portability.dumps(portability.export_data(db, actor)) == before


def test_new_lease_room_picker_lists_only_rooms_free_for_the_dates(
        qtbot: QtBot, ctx: AppContext) -> None:
    from coliv_desktop.ui.leases.dialogs import LeaseDialog, select_id

    flow = flow_41(ctx.db, ctx.actor)
    day = today()
    lease(ctx.db, ctx.actor, flow.rooms["3B-A"], tenant(ctx.db, ctx.actor, "Sarah"), day,
          day + timedelta(days=60))
    mike = tenant(ctx.db, ctx.actor, "Mike", "Chen")
    dialog = LeaseDialog(ctx, tenant_id=mike)
    qtbot.addWidget(dialog)
    assert not dialog.room_id.isEnabled()  # the free rooms are looked up in the background
    ctx.tasks.wait_idle()
    assert dialog.room_id.isEnabled()
    labels = [dialog.room_id.itemText(i) for i in range(dialog.room_id.count())]
    assert len(labels) == 6 and not any("3B-A" in text for text in labels)
    dialog.lease_start.set_value(day + timedelta(days=61))
    dialog.lease_end.set_value(day + timedelta(days=120))
    ctx.tasks.wait_idle()
    labels = [dialog.room_id.itemText(i) for i in range(dialog.room_id.count())]
    assert any("3B-A ($900.00)" in text for text in labels) and len(labels) == 7
    assert select_id(dialog.room_id, flow.rooms["3B-A"])
    click(qtbot, dialog.save_button)
    assert dialog.banner.text() == "", dialog.banner.text()
    rows = directory.lease_rows(ctx.db, ctx.actor, status="all")
    assert [(r.tenant_name, r.room_number) for r in rows if r.tenant_name == "Mike Chen"] == [
        ("Mike Chen", "A")]


def test_tenant_record_logs_contacts_and_searches_them(qtbot: QtBot, window: MainWindow
                                                       ) -> None:
    sarah = tenant(window.ctx.db, window.ctx.actor, "Sarah", "Thompson")
    window.ctx.open_tenant(sarah)
    settle(window)
    record: Any = window.pane("tenants").record  # type: ignore[attr-defined]
    assert record.name.text() == "Sarah Thompson"
    assert record.balance.text() == "nothing owed"
    click(qtbot, record.log_button)  # an empty summary is refused, next to the field
    assert not record.log_error.isHidden()
    for kind, text in (("call", "Asked about the parking permit"),
                       ("visit", "Fixed the window latch")):
        record.kind.setCurrentText(kind)
        qtbot.keyClicks(record.summary, text)
        qtbot.keyClick(record.summary, Qt.Key.Key_Return)
        settle(window)
    assert record.log_model.rowCount() == 2
    qtbot.keyClicks(record.log_search, "parking")
    assert record.log_view.proxy.rowCount() == 1
    assert record.log_view.proxy.index(0, 2).data() == "Asked about the parking permit"


def test_an_archived_tenant_is_listed_on_request_and_restored(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.ui.shell.actions import Editing

    db = window.ctx.db
    actor = window.ctx.actor
    sarah = tenant(db, window.ctx.actor, "Sarah", "Thompson")
    tenant(db, window.ctx.actor, "Mike", "Chen")
    monkeypatch.setattr(Editing, "confirm", lambda self, title, text: True)
    window.ctx.open_tenant(sarah)
    settle(window)
    pane: Any = window.pane("tenants")
    record = pane.record
    assert record.archive_button.text() == "Archive"
    click(qtbot, record.archive_button)
    settle(window)
    assert pane.model.total == 1  # archived tenants are left out of the list
    click(qtbot, pane.show_archived)
    settle(window)
    assert pane.model.total == 2
    assert pane.view.select_where(lambda r: r.id == sarah)
    settle(window)
    assert record.archive_button.text() == "Restore"
    assert record.name.text() == "Sarah Thompson (archived)"
    click(qtbot, record.archive_button)
    settle(window)
    assert tenants.get_tenant(db, actor, sarah).archived_at is None
    assert record.archive_button.text() == "Archive"
    assert window.undo_action.text() == "&Undo Restore Sarah Thompson"


def test_the_archive_restores_a_unit_archived_earlier(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.ui.portfolio.archive import ArchiveDialog
    from coliv_desktop.ui.shell.actions import Editing
    from tests.ui.helpers import DialogDriver

    db, actor = window.ctx.db, window.ctx.actor
    flow = flow_41(db, actor)
    portfolio.set_unit_archived(db, actor, flow.unit_3b, True)  # last week, say
    window.ctx.bus.portfolio_changed.emit()
    settle(window)
    assert [u.label for u in window.tree.model.roots[0].children] == ["Unit 3A"]
    seen: dict[str, Any] = {}

    def restore(dialog: ArchiveDialog) -> None:
        window.ctx.tasks.wait_idle()  # the archive is read in the background
        seen["listed"] = [r.label for r in dialog.model.rows]
        assert dialog.view.select_where(lambda r: r.kind == "unit")
        click(qtbot, dialog.restore_button)
        # the restore runs in a worker; the note says so once it returned
        qtbot.waitUntil(lambda: dialog.note.text().startswith("Restored"), timeout=5000)
        seen["after"] = dialog.note.text()
        dialog.accept()

    driver = DialogDriver(qtbot).then(restore)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    menu_action(window, "show_archive").trigger()
    settle(window)
    assert seen["listed"] == ["Downtown Loft · unit 3B"]
    assert seen["after"] == "Restored Downtown Loft · unit 3B."
    assert portfolio.get_unit(db, actor, flow.unit_3b).archived_at is None
    assert sorted(u.label for u in window.tree.model.roots[0].children) == [
        "Unit 3A", "Unit 3B"]
    assert window.undo_action.text() == "&Undo Restore unit 3B"


def test_ctrl_f_focuses_the_search_box(qtbot: QtBot, window: MainWindow) -> None:
    # Ctrl+F focuses the current pane's search box.
    menu_action(window, "pane_tenants").trigger()
    settle(window)
    menu_action(window, "find").trigger()
    focused = window.focusWidget()
    assert isinstance(focused, QLineEdit) and focused.objectName() == "search"
