"""What another desk writes shows by itself; F5 reads everything again."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from coliv_desktop.db.engine import Database
from coliv_desktop.services.context import local_actor
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.shell.main_window import MainWindow
from coliv_desktop.ui.shell.watch import ChangeWatcher
from tests.builders import tenant
from tests.ui.helpers import menu_action, settle


def _at_another_desk(ctx: AppContext, first: str) -> None:
    """Another desk: its own connection to the same database, its own write."""
    desk = Database(ctx.db.url)
    try:
        tenant(desk, local_actor(desk), first)
    finally:
        desk.dispose()


def test_another_desks_write_reloads_the_panes_and_our_own_does_not(
        qtbot: QtBot, ctx: AppContext) -> None:
    said: list[str] = []
    reloads: list[bool] = []
    ctx.bus.status_message.connect(said.append)
    ctx.bus.everything_changed.connect(lambda: reloads.append(True))
    watcher = ChangeWatcher(ctx, interval_ms=30)
    qtbot.waitUntil(lambda: watcher._seen_at_own == watcher._own, timeout=5000)

    tenant(ctx.db, ctx.actor, "Mine")  # this window's own write, and the signal it sends
    ctx.bus.tenants_changed.emit()
    qtbot.wait(300)  # several looks
    assert not reloads and not any("another desk" in text for text in said)

    _at_another_desk(ctx, "Theirs")
    qtbot.waitUntil(lambda: bool(reloads), timeout=5000)
    assert "Updated with changes entered at another desk" in said
    count = len(reloads)
    qtbot.wait(300)
    assert len(reloads) == count  # once per change, not on every look
    watcher.timer.stop()
    ctx.tasks.wait_idle()


def test_refresh_reads_what_another_desk_entered(qtbot: QtBot, window: MainWindow) -> None:
    pane: Any = window.pane("tenants")
    window.show_pane("tenants")
    settle(window)
    before = pane.model.total
    _at_another_desk(window.ctx, "Walk-in")
    settle(window)
    assert pane.model.total == before  # nobody told this window
    menu_action(window, "refresh").trigger()
    window.ctx.tasks.wait_idle()
    settle(window)
    assert pane.model.total == before + 1


def test_a_reload_keeps_the_place_in_a_long_list(qtbot: QtBot, ctx: AppContext) -> None:
    """Reloads come often with several desks: the list stays where the reader was."""
    from coliv_desktop.schemas import build
    from coliv_desktop.schemas.people import TenantCreate
    from coliv_desktop.services import tenants
    from coliv_desktop.ui.tenants.pane import TenantsPane

    tenants.add_tenants(ctx.db, ctx.actor, [
        build(TenantCreate, first_name=f"Person{i:04d}", last_name="Lee",
              email=f"p{i}@example.com") for i in range(600)])
    pane = TenantsPane(ctx)
    qtbot.addWidget(pane)
    pane.resize(900, 600)
    pane.show()
    ctx.tasks.wait_idle()
    view = pane.view
    view.scrollTo(view.model().index(450, 0))
    qtbot.waitUntil(lambda: pane.model.has_rows(range(440, 460)))
    view.selectRow(450)
    chosen = view.current_row().id
    scroll = view.verticalScrollBar().value()
    assert scroll > 0
    _at_another_desk(ctx, "Aaron")  # sorts first: every row moves down by one
    ctx.bus.everything_changed.emit()
    ctx.tasks.wait_idle()
    qtbot.waitUntil(lambda: view.current_row() is not None
                    and getattr(view.current_row(), "id", None) == chosen, timeout=5000)
    assert abs(view.verticalScrollBar().value() - scroll) <= 1


def test_the_watchers_looks_do_not_flash_the_busy_indicator(qtbot: QtBot,
                                                            ctx: AppContext) -> None:
    flashes: list[bool] = []
    ctx.tasks.busy_changed.connect(flashes.append)
    watcher = ChangeWatcher(ctx, interval_ms=20)
    qtbot.waitUntil(lambda: watcher._seen_at_own == watcher._own, timeout=5000)
    qtbot.wait(100)
    assert flashes == []
    ctx.run_task(lambda: None, lambda *_: None)  # real work still shows it
    ctx.tasks.wait_idle()
    assert flashes == [True, False]
    watcher.timer.stop()


def test_every_data_signal_of_the_bus_counts_as_this_window_s_own_change(
        ctx: AppContext) -> None:
    """The bus declares its data signals once (every `*_changed` but `everything_changed`): a
    new one is counted by the change watcher without another list to keep."""
    from PySide6.QtCore import Signal

    from coliv_desktop.ui.common.context import DATA_SIGNALS, SignalBus

    declared = {name for name, value in vars(SignalBus).items() if isinstance(value, Signal)}
    assert set(DATA_SIGNALS) == {name for name in declared
                                 if name.endswith("_changed") and name != "everything_changed"}
    assert {"portfolio_changed", "tenants_changed", "leases_changed", "ledger_changed",
            "applications_changed", "settings_changed"} <= set(DATA_SIGNALS)
    watcher = ChangeWatcher(ctx, interval_ms=3_600_000)
    for signal in ctx.bus.data_signals():
        before = watcher._own
        signal.emit()
        assert watcher._own == before + 1
