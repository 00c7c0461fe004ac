"""Models without widgets, database switching, first run, and `--screenshot`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from coliv_desktop import config
from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.people import TenantCreate
from coliv_desktop.schemas.portfolio import PropertyCreate, RoomUpdate, UnitCreate
from coliv_desktop.services import overview, portability, portfolio, tenants
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor
from coliv_desktop.services.databases import open_database as open_database_blocking
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.models.tree import (
    MAINTENANCE,
    VACANT,
    PropertyTreeModel,
    TreeFilterProxy,
)
from coliv_desktop.ui.shell.app import start_url
from coliv_desktop.ui.shell.main_window import MainWindow
from coliv_desktop.ui.tenants.pane import TenantsPane
from tests.builders import flow_41, lease, tenant
from tests.conftest import PG_ENV, create_pg_database, drop_pg_database
from tests.ui.helpers import menu_action, off_the_gui_thread, settle, wait_saved


def test_tree_model_without_widgets(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah", "Thompson"),
          today() - timedelta(days=3))
    portfolio.update_room(db, actor, flow.rooms["3B-B"], build(RoomUpdate, status="maintenance"))
    model = PropertyTreeModel()
    model.set_rows(overview.portfolio_tree(db, actor).rows)
    assert model.rowCount() == 1
    prop = model.index(0, 0)
    assert prop.data() == "Downtown Loft" and model.index(0, 1).data() == "1/7"
    assert model.rowCount(prop) == 2
    unit_3b = model.index(1, 0, prop)
    assert unit_3b.data() == "Unit 3B" and model.index(1, 1, prop).data() == "1/4"
    rooms = {model.index(r, 0, unit_3b).data(): model.index(r, 1, unit_3b)
             for r in range(model.rowCount(unit_3b))}
    assert rooms["Room A"].data() == "Sarah Thompson"
    assert rooms["Room B"].data() == "maintenance"
    assert rooms["Room B"].data(Qt.ItemDataRole.ForegroundRole) == MAINTENANCE
    assert rooms["Room C"].data() == "vacant"
    assert rooms["Room C"].data(Qt.ItemDataRole.ForegroundRole) == VACANT
    assert model.parent(rooms["Room A"]).data() == "Unit 3B"
    assert model.parent(prop) == QModelIndex()
    # every property knows its own row (not only the first): an index made from an id, and
    # the parent of a unit, point at the right property
    second = portfolio.add_property(db, actor, build(
        PropertyCreate, name="Maple Commons", address="9 Elm St", city="Austin", state="TX",
        zip="78702"))
    portfolio.add_unit(db, actor, build(UnitCreate, property_id=second.id, unit_number="1",
                                        bedrooms=2, bathrooms="1"))
    model.set_rows(overview.portfolio_tree(db, actor).rows)
    assert model.index_of(second.id).row() == 1 and model.index_of(second.id).data() == \
        "Maple Commons"
    unit = model.index(0, 0, model.index(1, 0))
    assert model.parent(unit).row() == 1 and model.parent(unit).data() == "Maple Commons"
    proxy = TreeFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search("sarah")
    assert proxy.rowCount() == 1  # the property stays, as the way to the match
    unit = proxy.index(0, 0, proxy.index(0, 0))
    assert unit.data() == "Unit 3B" and proxy.rowCount(unit) == 1


def test_tenants_pane_pages_and_filters_in_the_database(qtbot: QtBot, ctx: AppContext
                                                        ) -> None:
    tenants.add_tenants(ctx.db, ctx.actor, [
        build(TenantCreate, first_name=f"Person{i:04d}", last_name="Lee" if i % 10 else "Park",
              email=f"p{i}@example.com") for i in range(1000)])
    pane = TenantsPane(ctx)
    qtbot.addWidget(pane)
    pane.show()
    ctx.tasks.wait_idle()
    assert pane.model.total == pane.model.rowCount() == 1000  # the scroll bar is right
    assert len(pane.model.rows) == 200  # but only the first page is read
    pane.view.scrollToBottom()  # the pages shown at the end come, not those in between
    qtbot.waitUntil(lambda: pane.model.has_rows(range(990, 1000)))
    assert pane.model.cached_row(999) is not None and pane.model.cached_row(500) is None
    assert len(pane.model.rows) == 400
    qtbot.keyClicks(pane.search, "park")
    pane.apply_search_now()
    ctx.tasks.wait_idle()
    assert pane.model.total == 100 and pane.model.rowCount() == 100
    pane.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # email, by the query
    ctx.tasks.wait_idle()
    assert pane.model.sort_by == "email" and pane.model.descending
    emails = [pane.model.row(i).email for i in range(3)]
    assert emails == sorted(emails, reverse=True)
    assert pane.count.text() == "100 tenants matching “park”"


def _demo_file(tmp_path: Path) -> Path:
    from coliv_desktop.services import demo

    path = tmp_path / "other.db"
    opened = open_database_blocking(make_url(f"sqlite:///{path}"), create=True)
    demo.load_demo(opened.db, opened.actor)
    opened.db.dispose()
    return path


def test_opening_a_second_database_switches_every_pane(qtbot: QtBot, window: MainWindow,
                                                       tmp_path: Path) -> None:
    flow_41(window.ctx.db, window.ctx.actor)
    window.ctx.bus.portfolio_changed.emit()
    for key in ("dashboard", "tenants", "leases", "turnover"):
        window.show_pane(key)
        settle(window)
    panes: Any = window.panes
    assert panes["tenants"].model.total == 0
    assert panes["dashboard"].rooms_card.value.text() == "0/7"
    other = _demo_file(tmp_path)
    window.databases.choose_existing_file = lambda: str(other)  # type: ignore[method-assign]
    menu_action(window, "open_database").trigger()
    settle(window)
    assert window.windowTitle() == "other.db — CoLiv Desktop"
    assert window.db_label.text() == f"SQLite: {other}"
    assert [n.label for n in window.tree.model.roots] == [
        "Downtown Loft", "Maple Commons", "Riverside House"]
    for key in ("dashboard", "tenants", "leases", "turnover"):
        window.show_pane(key)
        settle(window)
    assert panes["dashboard"].rooms_card.value.text() == "14/23"
    # what needs attention: Kwame's lease ran out without a move-out, with a link to the pane
    board = panes["dashboard"]
    kinds = [item.kind for item in board.attention_items]
    assert kinds[0] == "move_outs" and "applications" in kinds
    assert "Kwame Mensah" in board.attention.text() and not board.attention.isHidden()
    board.attention.linkActivated.emit("leases:overdue")
    assert window.current_pane == "leases"
    settle(window)
    leases_pane: Any = window.pane("leases")
    assert leases_pane.status.currentData() == "overdue"
    assert [leases_pane.model.row(i).tenant_name
            for i in range(leases_pane.model.rowCount())] == ["Kwame Mensah"]
    leases_pane.show_status("current")
    settle(window)
    assert panes["tenants"].model.total == 20
    assert panes["leases"].model.total == 16
    assert panes["turnover"].data.turnover.move_ins  # the demo has move-ins coming
    assert window.ctx.recent_databases()[0] == f"sqlite:///{other}"
    assert window.ctx.undo_stack.count() == 0


def test_new_database_and_backup_from_the_file_menu(qtbot: QtBot, window: MainWindow,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "fresh"
    window.databases.choose_new_file = lambda: str(target)  # type: ignore[method-assign]
    menu_action(window, "new_database").trigger()
    settle(window)
    assert window.ctx.db_label == str(target.with_suffix(".db"))
    assert window.pane("dashboard").stack.currentWidget() is \
        window.pane("dashboard").empty  # type: ignore[attr-defined]
    reports: list[str] = []
    monkeypatch.setattr(type(window.databases), "report",
                        lambda self, title, text: reports.append(text))
    menu_action(window, "backup").trigger()
    settle(window)
    backups = list((tmp_path / "backups").glob("fresh-*-manual.db"))
    assert len(backups) == 1 and str(backups[0]) in reports[0]


@pytest.fixture
def copy_target(tmp_path: Path) -> Any:
    """Where the copy goes: a fresh PostgreSQL database (CI), else a new SQLite file."""
    if not os.environ.get(PG_ENV):
        yield make_url(f"sqlite:///{tmp_path / 'office.db'}")
        return
    url = create_pg_database(f"coliv_copy_{uuid.uuid4().hex[:10]}")
    yield url
    drop_pg_database(url)


def test_copy_the_database_to_postgresql_from_the_file_menu(
        qtbot: QtBot, window: MainWindow, copy_target: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The office outgrows one desk: File ▸ Copy Database to PostgreSQL, then work there."""
    from coliv_desktop.ui.shell.connect import ConnectDialog

    flow_41(window.ctx.db, window.ctx.actor)
    source = portability.dumps(portability.export_data(window.ctx.db, window.ctx.actor))

    def fill(dialog: QDialog) -> int:
        assert isinstance(dialog, ConnectDialog) and dialog.save_button.text() == "Copy"
        if copy_target.get_backend_name() != "postgresql":  # no server here: a file stands in
            dialog.url = copy_target
            return int(QDialog.DialogCode.Accepted)
        dialog.host.setText(copy_target.host)
        dialog.port.setValue(copy_target.port or 5432)
        dialog.database.setText(copy_target.database)
        dialog.username.setText(copy_target.username)
        dialog.submit()
        wait_saved(qtbot, dialog)  # the password goes to the keychain in the background
        return int(dialog.result())

    questions: list[str] = []
    monkeypatch.setattr(type(window.databases), "run_dialog", lambda self, d: fill(d))
    monkeypatch.setattr(type(window.databases), "ask",
                        lambda self, title, text: questions.append(text) or True)
    menu_action(window, "copy_to_postgres").trigger()
    window.ctx.tasks.wait_idle()
    settle(window)
    assert questions and questions[0].startswith("Copied and verified:")
    assert str(copy_target.database).split("/")[-1] in window.ctx.db_label  # now on the copy
    assert portability.dumps(portability.export_data(window.ctx.db, window.ctx.actor)) == source
    assert window.pane("dashboard").rooms_card.value.text() == "0/7"  # type: ignore[attr-defined]
    window.ctx.close_database()  # so the fixture can drop the database


def test_export_import_and_back_up_from_the_file_menu(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every table to a JSON file and back into a new, empty database; on a server database
    Back Up Now writes such a file into the backups folder."""
    flow_41(window.ctx.db, window.ctx.actor)
    before = portability.dumps(portability.export_data(window.ctx.db, window.ctx.actor))
    exported = tmp_path / "office.json"
    reports: list[str] = []
    databases = type(window.databases)
    monkeypatch.setattr(databases, "report", lambda self, title, text: reports.append(text))
    monkeypatch.setattr(databases, "choose_json_to_write", lambda self: str(exported))
    monkeypatch.setattr(databases, "choose_json_to_read", lambda self: str(exported))
    if window.ctx.db.url.get_backend_name() == "postgresql":
        menu_action(window, "backup").trigger()
        window.ctx.tasks.wait_idle()
        settle(window)
        (backup,) = (tmp_path / "data" / "backups").glob("postgresql-*-manual.json")
        assert str(backup) in reports[-1]
        assert json.loads(backup.read_text("utf-8"))["tables"]["rooms"]
    menu_action(window, "export_json").trigger()
    window.ctx.tasks.wait_idle()
    settle(window)
    assert str(exported) in reports[-1]
    window.databases.choose_new_file = lambda: str(tmp_path / "copy.db")  # type: ignore[method-assign]
    menu_action(window, "new_database").trigger()
    settle(window)
    assert window.pane("dashboard").stack.currentWidget() is \
        window.pane("dashboard").empty  # type: ignore[attr-defined]
    menu_action(window, "import_json").trigger()
    window.ctx.tasks.wait_idle()
    settle(window)
    assert reports[-1].startswith("Imported") or "rows from" in reports[-1]
    assert portability.dumps(portability.export_data(window.ctx.db, window.ctx.actor)) == before
    window.show_pane("dashboard")
    settle(window)
    assert window.pane("dashboard").rooms_card.value.text() == "0/7"  # type: ignore[attr-defined]
    # a second import is refused: the database is no longer empty, and nothing changes
    failures: list[str] = []
    monkeypatch.setattr(databases, "fail", lambda self, title, text: failures.append(text))
    menu_action(window, "import_json").trigger()
    window.ctx.tasks.wait_idle()
    settle(window)
    assert "empty database" in failures[-1] and "Nothing was changed" in failures[-1]
    assert portability.dumps(portability.export_data(window.ctx.db, window.ctx.actor)) == before


def test_verify_books_from_the_file_menu(qtbot: QtBot, window: MainWindow,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    flow_41(window.ctx.db, window.ctx.actor)
    reports: list[str] = []
    databases = type(window.databases)
    monkeypatch.setattr(databases, "report", lambda self, title, text: reports.append(text))
    menu_action(window, "verify_books").trigger()
    window.ctx.tasks.wait_idle()
    settle(window)
    assert reports[-1].startswith("All 9 checks passed.")
    assert "✓ No bed is let twice on the same day" in reports[-1]


def test_the_audit_log_from_the_file_menu(qtbot: QtBot, window: MainWindow,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.ui.shell.history import HistoryDialog

    flow = flow_41(window.ctx.db, window.ctx.actor)
    portfolio.update_room(window.ctx.db, window.ctx.actor, flow.rooms["3B-A"],
                          build(RoomUpdate, rent_amount="950"))
    window.ctx.bus.portfolio_changed.emit()  # as the dialogs would: the tree shows them
    window.ctx.tasks.wait_idle()
    seen: dict[str, Any] = {}

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, HistoryDialog)
        window.ctx.tasks.wait_idle()
        settle(window)
        seen["total"] = dialog.model.total
        seen["first"] = dialog.view.model().index(0, 4).data()
        dialog.view.selectRow(0)
        seen["changes"] = dialog.changes.toPlainText()
        qtbot.keyClicks(dialog.search, "edited room")
        dialog.apply_search_now()
        window.ctx.tasks.wait_idle()
        settle(window)
        seen["found"] = (dialog.model.total, dialog.count.text())
        dialog.view.selectRow(0)  # the edited room: Open shows it in the window
        seen["open_enabled"] = dialog.open_button.isEnabled()
        seen["opened"] = dialog.open_selected()
        return 0

    monkeypatch.setattr(type(window.databases), "run_dialog", lambda self, d: look(d))
    menu_action(window, "audit_log").trigger()
    assert seen["total"] >= 11 and seen["first"].startswith("Edited room")
    assert '"rent_amount"' in seen["changes"] and '"950.00"' in seen["changes"]
    assert seen["found"] == (1, "1 entry matching “edited room”")
    assert seen["open_enabled"] and seen["opened"]
    settle(window)
    assert window.current_pane == "tree"
    qtbot.waitUntil(lambda: window.tree.selected_node() is not None
                    and window.tree.selected_node().id == flow.rooms["3B-A"],  # type: ignore[union-attr]
                    timeout=5000)


def test_the_audit_log_filtered_by_who_and_what_and_exported(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    """The Audit Log's filters (who, what kind of thing, which days) narrow the list; a last
    day before the first is refused where it was typed; Export CSV writes what is listed."""
    import csv
    from datetime import date, timedelta

    from coliv_desktop.services.context import Actor
    from coliv_desktop.ui.shell.history import HistoryDialog

    ctx = window.ctx
    flow = flow_41(ctx.db, ctx.actor)
    sam = Actor(user_id=ctx.actor.user_id, operator_id=ctx.actor.operator_id, name="Sam",
                role="owner")
    portfolio.update_room(ctx.db, sam, flow.rooms["3B-A"], build(RoomUpdate, rent_amount="950"))
    dialog = HistoryDialog(ctx, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(window)
    everything = dialog.model.total
    assert dialog.who.findData("Sam") >= 0 and dialog.what.findData("unit") >= 0
    dialog.who.setCurrentIndex(dialog.who.findData("Sam"))
    settle(window)
    assert dialog.model.total == 1
    dialog.who.setCurrentIndex(0)
    dialog.what.setCurrentIndex(dialog.what.findData("unit"))
    settle(window)
    assert 0 < dialog.model.total < everything
    dialog.what.setCurrentIndex(0)
    dialog.start.set_value(date.today())
    dialog.end.set_value(date.today() - timedelta(days=1))
    settle(window)
    assert dialog.filter_error.text() == "The last day must not be before the start date."
    dialog.end.set_value(date.today())
    settle(window)
    assert dialog.filter_error.text() == "" and dialog.model.total == everything
    dialog.who.setCurrentIndex(dialog.who.findData("Sam"))
    settle(window)
    dialog.export(str(tmp_path / "log.csv"))
    settle(window)
    assert dialog.count.text().startswith("Exported 1 entry")
    with (tmp_path / "log.csv").open(encoding="utf-8") as handle:
        assert [row["who"] for row in csv.DictReader(handle)] == ["Sam"]


def test_the_audit_log_verifies_its_chain_and_names_a_tampered_entry(
        qtbot: QtBot, window: MainWindow) -> None:
    from sqlalchemy import text

    from coliv_desktop.ui.shell.history import HistoryDialog

    ctx = window.ctx
    flow_41(ctx.db, ctx.actor)
    dialog = HistoryDialog(ctx, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(window)
    dialog.verify()
    settle(window)
    assert dialog.count.text().startswith("✓ The audit log's") and "intact" in dialog.count.text()
    with ctx.db.write() as s:  # behind the app's back
        s.execute(text("UPDATE audit_log SET summary = 'nothing happened' WHERE seq = 2"))
    dialog.verify()
    settle(window)
    assert dialog.count.text().startswith("✗ The audit log was tampered with")
    assert "No. 2" in dialog.count.text()


def test_first_run_shows_the_welcome_and_the_demo_goes_in_its_own_file(
        qtbot: QtBot, qsettings: QSettings) -> None:
    assert start_url(None, qsettings) is None  # no database anywhere yet: first run
    ctx = AppContext(qsettings)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.welcome
    assert not window.tree.isVisible()
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    settle(window)
    demo_path = config.sqlite_path(config.parse_db_url(config.demo_db_url()))
    assert demo_path is not None and demo_path.exists()
    assert window.ctx.db_label == str(demo_path)
    assert not config.sqlite_path(config.parse_db_url(config.default_db_url())).exists()
    assert window.pane("dashboard").rooms_card.value.text() == "14/23"  # type: ignore[attr-defined]
    assert window.tree.isVisible()
    # Next start opens the demo again rather than the welcome screen.
    assert str(start_url(None, qsettings)) == f"sqlite:///{demo_path}"
    ctx.tasks.wait_idle()


def test_first_run_offers_the_office_server_too(qtbot: QtBot, qsettings: QSettings,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.ui.shell.connect import ConnectDialog
    from coliv_desktop.ui.shell.databases import Databases

    shown: list[str] = []

    def cancel(self: Databases, dialog: QDialog) -> int:
        assert isinstance(dialog, ConnectDialog)
        shown.append(dialog.windowTitle())
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(Databases, "run_dialog", cancel)
    ctx = AppContext(qsettings)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    link = window.welcome.findChild(QPushButton, "connect_server")
    assert link is not None
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert shown == ["Connect to PostgreSQL"]
    assert window.stack.currentWidget() is window.welcome  # cancelled: still on the welcome


def test_start_empty_creates_the_default_file(qtbot: QtBot, qsettings: QSettings) -> None:
    ctx = AppContext(qsettings)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.mouseClick(window.welcome.empty_button, Qt.MouseButton.LeftButton)
    settle(window)
    assert config.sqlite_path(config.parse_db_url(config.default_db_url())).exists()
    empty = window.pane("dashboard").empty  # type: ignore[attr-defined]
    assert window.pane("dashboard").stack.currentWidget() is empty  # type: ignore[attr-defined]
    assert "Add Property" in empty.text()


def test_window_geometry_and_pane_are_remembered(qtbot: QtBot, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.resize(window.width(), 560)  # the offscreen screen is only 800 wide
    window.show_pane("leases")
    window.close()
    again = MainWindow(AppContext(ctx.settings))
    qtbot.addWidget(again)
    assert again.height() == 560
    assert ctx.settings.value("window/pane") == "leases"


def test_screenshot_command_writes_a_populated_1280x800_png(tmp_path: Path) -> None:
    db_path = _demo_file(tmp_path)
    out = tmp_path / "main.png"
    result = subprocess.run(
        [sys.executable, "-m", "coliv_desktop", "--db", f"sqlite:///{db_path}",
         "--screenshot", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(0, 1280, 7) for y in range(0, 800, 7)}
    assert len(colours) > 100  # text, charts and tables, not a blank window
    bad = subprocess.run(
        [sys.executable, "-m", "coliv_desktop", "--db", f"sqlite:///{db_path}",
         "--screenshot", str(out), "--pane", "nonsense"], capture_output=True, text=True,
        timeout=120)
    assert bad.returncode == 2 and "no pane 'nonsense'" in bad.stderr


def test_connect_to_postgresql_saves_the_password_in_the_keychain(
        qtbot: QtBot, isolated_environment: Any) -> None:
    from coliv_desktop.ui.shell.connect import ConnectDialog
    from tests.ui.helpers import click, type_into

    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog.host, "office-server")
    type_into(qtbot, dialog.database, "")
    click(qtbot, dialog.save_button)
    assert dialog.fields.error("database") == "is required"
    type_into(qtbot, dialog.database, "coliv")
    type_into(qtbot, dialog.password, "s3cret")
    click(qtbot, dialog.save_button)
    assert dialog.url is not None
    key = "postgresql+psycopg://coliv@office-server:5432/coliv"
    assert isolated_environment.passwords == {("CoLiv Desktop", key): "s3cret"}
    stored = config.with_stored_password(dialog.url.set(password=None)).url
    assert stored.password == "s3cret"


def test_large_portfolio_tree_loads_rooms_when_a_unit_opens(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.ui.shell import tree_dock

    monkeypatch.setattr(tree_dock, "FULL_TREE_ROOMS", 0)  # treat the portfolio as large
    db, actor = window.ctx.db, window.ctx.actor
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-C"], tenant(db, actor, "Sarah", "Thompson"),
          today() - timedelta(days=3))
    window.ctx.bus.portfolio_changed.emit()
    settle(window)
    dock = window.tree
    assert dock.outline
    assert dock.node_text(flow.property_id) == ("Downtown Loft", "1/7")
    assert dock.node_text(flow.unit_3b) == ("Unit 3B", "1/4")
    assert dock.model.find(flow.rooms["3B-A"]) is None  # not loaded until expanded
    unit = dock.proxy.mapFromSource(dock.model.index_of(flow.unit_3b))
    assert dock.model.hasChildren(dock.model.index_of(flow.unit_3b))
    dock.view.expand(unit)
    if dock.model.canFetchMore(dock.model.index_of(flow.unit_3b)):
        dock.model.fetchMore(dock.model.index_of(flow.unit_3b))
    settle(window)  # the rooms are read in a worker
    assert dock.node_text(flow.rooms["3B-C"]) == ("Room C", "Sarah Thompson")
    # The filter asks the database, so it finds rooms of units never expanded.
    qtbot.keyClicks(dock.filter, "3a-b")
    dock.apply_filter()
    settle(window)
    assert dock.node_text(flow.rooms["3A-B"]) == ("Room B", "vacant")
    shown_unit = dock.proxy.index(0, 0, dock.proxy.index(0, 0))
    assert shown_unit.data() == "Unit 3A" and dock.proxy.rowCount(shown_unit) == 1
    # Opening a room from another pane loads its unit first.
    dock.filter.clear()
    dock.apply_filter()
    window.ctx.open_room(flow.rooms["3A-C"])
    settle(window)
    assert dock.selected_node() is not None and dock.selected_node().id == flow.rooms["3A-C"]


def test_coliv_without_a_command_starts_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.__main__ import main
    from coliv_desktop.ui.shell import app

    started: list[str | None] = []
    monkeypatch.setattr(app, "run", lambda db_url=None: started.append(db_url) or 0)
    assert main([]) == 0
    assert main(["--db", "sqlite:///x.db"]) == 0
    assert started == [None, "sqlite:///x.db"]


def test_an_audit_entry_about_money_opens_its_lease(qtbot: QtBot, window: MainWindow) -> None:
    from coliv_desktop.schemas.ledger import PaymentCreate
    from coliv_desktop.services import history, ledger
    from coliv_desktop.ui.shell.history import opens

    ctx = window.ctx
    flow = flow_41(ctx.db, ctx.actor)
    made = lease(ctx.db, ctx.actor, flow.rooms["3B-A"], tenant(ctx.db, ctx.actor, "Sarah"),
                 today())
    ledger.record_payment(ctx.db, ctx.actor, build(PaymentCreate, lease_id=made.id,
                                                   amount="100", received_on=today(),
                                                   method="cash"))
    (entry,) = history.audit_entries(ctx.db, ctx.actor, "payment 100.00")
    # as the log does, in a worker: a money entry's lease is looked up
    assert off_the_gui_thread(opens, ctx, entry) == ("lease", made.id)
    (about_property,) = [e for e in history.audit_entries(ctx.db, ctx.actor, "Downtown Loft")
                   if e.entity_type == "property"][:1]
    assert off_the_gui_thread(opens, ctx, about_property) == ("property", flow.property_id)
