"""Payments land on the right tenant (issue 10, item 9).

Record Payment (Ctrl+Shift+M) starts from what the operator has selected where they are (a
lease in the Leases pane, a ledger entry, the ledger filtered down to one tenant, a tenant's
record, a room in the tree, a reminder, a collection row), never from the first lease of the
list; and a payment that becomes credit is said plainly and asked before it is saved.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from coliv_desktop.services import leasing, ledger, reminders
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.leases.pane import LeasesPane
from coliv_desktop.ui.ledger.dialogs import ChargeOrCreditDialog, RecordPaymentDialog
from coliv_desktop.ui.ledger.pane import LedgerPane
from coliv_desktop.ui.shell.main_window import MainWindow
from coliv_desktop.ui.tenants.pane import TenantsPane
from tests.services.test_reports import flow_43
from tests.ui.helpers import click, menu_action, settle, type_into


@pytest.fixture
def book(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> dict[str, uuid.UUID]:
    """Sarah (3B-A, first in every list), Mike, Jessica (paid) and Tom (owes $800, overdue)."""
    monkeypatch.setenv("COLIV_TODAY", "2025-12-05")
    made = flow_43(window.ctx.db, window.ctx.actor)
    reminders.refresh_outbox(window.ctx.db, window.ctx.actor, date(2025, 12, 5))
    window.ctx.bus.everything_changed.emit()
    settle(window)
    return {name: ident for name, ident in made.items() if isinstance(ident, uuid.UUID)}


def open_payment(window: MainWindow) -> RecordPaymentDialog:
    menu_action(window, "menu_record_payment").trigger()
    settle(window)
    dialogs = [d for d in window.findChildren(RecordPaymentDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def lease_of(dialog: RecordPaymentDialog | ChargeOrCreditDialog) -> uuid.UUID | None:
    data = dialog.lease.currentData()
    return uuid.UUID(data) if data else None


def ledger_pane(window: MainWindow) -> LedgerPane:
    window.show_pane("ledger")
    settle(window)
    pane = window.pane("ledger")
    assert isinstance(pane, LedgerPane)
    return pane


def test_nothing_selected_chooses_no_tenant(window: MainWindow, book: dict[str, uuid.UUID]
                                            ) -> None:
    dialog = open_payment(window)
    assert dialog.lease.currentIndex() == -1  # not Sarah, the first lease of the list
    assert dialog.lease.placeholderText() == "Choose the tenant's lease"


def test_from_the_lease_selected_in_the_leases_pane(
        window: MainWindow, book: dict[str, uuid.UUID]) -> None:
    window.show_pane("leases")
    settle(window)
    pane = window.pane("leases")
    assert isinstance(pane, LeasesPane)
    assert pane.view.select_where(lambda r: r.tenant_name == "Tom Tester")
    dialog = open_payment(window)
    assert lease_of(dialog) == book["Tom"]
    assert dialog.tenant_name == "Tom Tester"


def test_from_a_ledger_entry_and_from_the_ledger_filtered_to_one_tenant(
        qtbot: QtBot, window: MainWindow, book: dict[str, uuid.UUID]) -> None:
    pane = ledger_pane(window)
    assert pane.list.select_where(lambda r: r.tenant_name == "Jessica Tester")
    assert lease_of(open_payment(window)) == book["Jessica"]
    for dialog in window.findChildren(RecordPaymentDialog):
        dialog.reject()
    pane.list.clearSelection()
    pane.list.setCurrentIndex(pane.list.model().index(-1, -1))
    qtbot.keyClicks(pane.search, "tom")
    qtbot.wait(300)
    settle(window)
    assert pane.model.rowCount() == 1 and pane.selected() is None
    assert lease_of(open_payment(window)) == book["Tom"]


def test_from_the_tenant_record(window: MainWindow, book: dict[str, uuid.UUID]) -> None:
    mike = leasing.get_lease(window.ctx.db, window.ctx.actor, book["Mike"]).tenant_id
    window.ctx.open_tenant(mike)
    settle(window)
    pane = window.pane("tenants")
    assert isinstance(pane, TenantsPane) and pane.record.tenant is not None
    assert lease_of(open_payment(window)) == book["Mike"]


def test_from_the_room_selected_in_the_tree(window: MainWindow, book: dict[str, uuid.UUID]
                                            ) -> None:
    room = leasing.get_lease(window.ctx.db, window.ctx.actor, book["Jessica"]).room_id
    assert window.tree.select(room)
    settle(window)
    assert window.current_pane == "tree"
    assert lease_of(open_payment(window)) == book["Jessica"]


def test_from_a_reminder_and_from_a_collection_row(
        window: MainWindow, book: dict[str, uuid.UUID]) -> None:
    pane = ledger_pane(window)
    pane.tabs.setCurrentWidget(pane.reminders)
    settle(window)
    assert pane.reminders.view.select_where(lambda r: r.tenant == "Tom Tester")
    assert lease_of(open_payment(window)) == book["Tom"]
    for dialog in window.findChildren(RecordPaymentDialog):
        dialog.reject()
    pane.tabs.setCurrentWidget(pane.collection)
    settle(window)
    assert pane.collection.view.select_where(lambda r: r.tenant == "Jessica Tester")
    assert lease_of(open_payment(window)) == book["Jessica"]
    # a charge by hand starts from the same place
    menu_action(window, "menu_charge_or_credit").trigger()
    settle(window)
    charge = next(d for d in window.findChildren(ChargeOrCreditDialog) if d.isVisible())
    assert lease_of(charge) == book["Jessica"]


def test_a_payment_to_a_tenant_owing_nothing_is_asked_as_credit_first(
        qtbot: QtBot, window: MainWindow, book: dict[str, uuid.UUID],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Jessica paid December: a payment now is said to become credit, in the preview and in a
    question before saving; No goes back to the form, Yes records it."""
    pane = ledger_pane(window)
    pane.tabs.setCurrentWidget(pane.collection)
    settle(window)
    assert pane.collection.view.select_where(lambda r: r.tenant == "Jessica Tester")
    dialog = open_payment(window)
    type_into(qtbot, dialog.amount, "800")
    settle(window)
    said = "Jessica Tester owes nothing: this $800.00 becomes credit."
    assert dialog.preview.text().startswith(said)
    answers = [False, True]
    asked: list[str] = []

    def ask(self: FormDialog, question: str) -> bool:
        asked.append(question)
        return answers.pop(0)

    monkeypatch.setattr(FormDialog, "ask", ask)
    click(qtbot, dialog.save_button)
    assert asked[0].startswith(said) and "Record it?" in asked[0]
    assert dialog.isVisible() and dialog.saved is None  # No: back to the form
    assert ledger.lease_ledger(window.ctx.db, window.ctx.actor,
                               book["Jessica"]).balance == Decimal("0.00")
    click(qtbot, dialog.save_button)
    settle(window)
    assert dialog.saved is not None and not dialog.isVisible()
    assert ledger.lease_ledger(window.ctx.db, window.ctx.actor,
                               book["Jessica"]).balance == Decimal("-800.00")


def test_a_payment_larger_than_what_is_owed_says_how_much_becomes_credit(
        qtbot: QtBot, window: MainWindow, book: dict[str, uuid.UUID],
        monkeypatch: pytest.MonkeyPatch) -> None:
    window.show_pane("leases")
    settle(window)
    pane = window.pane("leases")
    assert isinstance(pane, LeasesPane)
    assert pane.view.select_where(lambda r: r.tenant_name == "Tom Tester")
    dialog = open_payment(window)
    type_into(qtbot, dialog.amount, "1000")
    settle(window)
    said = "Tom Tester owes $800.00: $200.00 of this $1,000.00 becomes credit."
    assert dialog.preview.text().startswith(said)
    asked: list[str] = []
    monkeypatch.setattr(FormDialog, "ask", lambda self, q: asked.append(q) or True)
    click(qtbot, dialog.save_button)
    settle(window)
    assert asked and asked[0].startswith(said)
    assert ledger.lease_ledger(window.ctx.db, window.ctx.actor,
                               book["Tom"]).balance == Decimal("-200.00")
    # the exact amount owed asks nothing
    asked.clear()
    menu_action(window, "menu_record_payment").trigger()
    settle(window)  # the lease picker fills from the background
    again = next(d for d in window.findChildren(RecordPaymentDialog) if d.isVisible())
    assert lease_of(again) == book["Tom"]  # the Leases pane's selection, still
    type_into(qtbot, again.amount, "50")
    click(qtbot, again.save_button)  # Tom has $200 credit: it all becomes credit
    assert asked and asked[0].startswith("Tom Tester owes nothing (credit already $200.00)")
