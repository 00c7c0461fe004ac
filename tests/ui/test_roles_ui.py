"""Issue 13: the window shows each role what it may do, and no more (the services refuse the
rest anyway: tests/services/test_role_matrix.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from coliv_desktop.db.engine import Database
from coliv_desktop.services.context import PERMISSIONS, Actor
from coliv_desktop.services.databases import OpenedDatabase
from coliv_desktop.services.demo import load_demo
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.shell.panes import PANES

DAY = date(2026, 3, 15)

# Menu commands and the permission each takes.
MENU = {"add_property": "portfolio.write", "add_tenant": "tenants.write",
        "new_lease": "leases.write", "menu_record_payment": "ledger.write",
        "menu_rent_run": "ledger.write", "export_json": "data.read",
        "restore_backup": "data.admin", "audit_log": "audit.read",
        "settings": "settings.write", "verify_books": "ledger.read", "refresh": "read"}
# Pane buttons (object names) and the permission each takes.
BUTTONS = {"record_payment": "ledger.write", "rent_run": "ledger.write",
           "void": "ledger.write", "receipts": "ledger.read"}


@pytest.fixture
def demo(db: Database, actor: Actor) -> None:
    load_demo(db, actor, DAY)


def as_role(ctx: AppContext, db: Database, actor: Actor, role: str) -> None:
    ctx.set_database(OpenedDatabase(db, Actor(actor.user_id, actor.operator_id,
                                              f"{role.title()} User", role), "USD", "en_US"))


@pytest.mark.parametrize("role", ["staff", "viewer", "accountant", "manager"])
def test_each_role_sees_its_commands_and_every_pane_it_may_open_loads(
        role: str, demo: None, window: Any, ctx: AppContext, db: Database, actor: Actor,
        qtbot: Any) -> None:
    errors: list[str] = []
    ctx.bus.error.connect(errors.append)
    as_role(ctx, db, actor, role)
    ctx.tasks.wait_idle()
    granted = PERMISSIONS[role]
    actions = {a.objectName(): a for a in window.findChildren(QAction) if a.objectName()}
    for name, needs in MENU.items():
        assert actions[name].isEnabled() == (needs in granted), (role, name)
    for spec in PANES:
        action = window.pane_actions[spec.key]
        assert action.isEnabled() == (spec.needs in granted), (role, spec.key)
        if not action.isEnabled():
            continue
        window.show_pane(spec.key)
        ctx.tasks.wait_idle()
        qtbot.wait(20)
        assert errors == [], (role, spec.key, errors)
        if spec.key == "ledger":
            pane = window.pane("ledger")
            for name, needs in BUTTONS.items():
                button = pane.findChild(QPushButton, name)
                assert button.isVisible() == (needs in granted), (role, name)
    dashboard = window.pane("dashboard")
    assert dashboard.revenue_card.isVisibleTo(dashboard) == ("ledger.read" in granted)


def test_a_pane_the_role_may_not_open_falls_back_to_the_dashboard(
        demo: None, window: Any, ctx: AppContext, db: Database, actor: Actor) -> None:
    as_role(ctx, db, actor, "staff")
    window.show_pane("ledger")
    ctx.tasks.wait_idle()
    assert window.current_pane == "dashboard"


def test_buttons_come_back_when_a_user_who_may_signs_in(
        demo: None, window: Any, ctx: AppContext, db: Database, actor: Actor) -> None:
    as_role(ctx, db, actor, "viewer")
    window.show_pane("leases")
    ctx.tasks.wait_idle()
    pane = window.pane("leases")
    assert not pane.new_button.isVisibleTo(pane)
    as_role(ctx, db, actor, "manager")
    ctx.tasks.wait_idle()
    assert pane.new_button.isVisibleTo(pane)


def test_staff_open_a_tenant_record_and_a_room_without_money(
        demo: None, window: Any, ctx: AppContext, db: Database, actor: Actor,
        qtbot: Any) -> None:
    from coliv_desktop.services import leasing

    errors: list[str] = []
    ctx.bus.error.connect(errors.append)
    as_role(ctx, db, actor, "staff")
    lease = next(r for r in leasing.list_leases(db, actor) if r.status == "active")
    window.show_pane("tenants")
    ctx.tasks.wait_idle()
    record = window.pane("tenants").record
    record.show_tenant(lease.tenant_id)
    ctx.tasks.wait_idle()
    qtbot.waitUntil(lambda: record.tenant is not None, timeout=5000)
    assert "does not show money" in record.balance.text()
    assert record.lease_view.isColumnHidden(record.lease_model.column_index("rent"))
    window.tree.select(lease.room_id)
    window._node_selected("room", lease.room_id)
    ctx.tasks.wait_idle()
    qtbot.wait(50)
    room = window.pane("tree")
    assert room.findChild(object, "lease_ledger_tab") is None
    assert errors == []
