"""Documents of a lease and of a property (issue 14 item 9), and the maintenance costs by
property and month, from the window."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from coliv_desktop.schemas import build
from coliv_desktop.schemas.maintenance import CostCreate, RequestCreate
from coliv_desktop.services import attachments, maintenance
from coliv_desktop.ui.common.attachments import DocumentsDialog
from coliv_desktop.ui.common.context import AppContext
from tests.builders import flow_41, lease, tenant


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[DocumentsDialog]:
    """The documents dialogs opened (shown, not run: a test cannot click them away)."""
    opened: list[DocumentsDialog] = []

    def exec_(self: DocumentsDialog) -> int:
        opened.append(self)
        return 0

    monkeypatch.setattr(DocumentsDialog, "exec", exec_)
    return opened


def test_a_leases_documents_open_from_the_leases_pane(
        window: Any, ctx: AppContext, shown: list[DocumentsDialog], qtbot: Any) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    made = lease(ctx.db, ctx.actor, flow.rooms["3A-A"], tenant(ctx.db, ctx.actor, "Ana"),
                 __import__("datetime").date(2026, 1, 1))
    attachments.attach_document(ctx.db, ctx.actor, "lease", made.id, "signed.pdf", b"%PDF-1")
    window.show_pane("leases")
    ctx.tasks.wait_idle()
    pane = window.pane("leases")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=5000)
    pane.view.selectRow(0)
    assert pane.documents_button.isEnabled()
    pane.documents_button.click()
    assert shown and shown[0].view.kind == "lease" and shown[0].view.owner_id == made.id
    ctx.tasks.wait_idle()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: shown[0].view.grid.count() == 1, timeout=5000)


def test_a_propertys_documents_open_from_its_overview(
        window: Any, ctx: AppContext, shown: list[DocumentsDialog], qtbot: Any) -> None:
    flow = flow_41(ctx.db, ctx.actor)
    window.ctx.bus.portfolio_changed.emit()
    ctx.tasks.wait_idle()
    window._open_node("property", flow.property_id)
    ctx.tasks.wait_idle()
    pane = window.pane("tree")
    button = pane.findChild(type(pane.overview.documents_button), "property_documents_button")
    button.click()
    ctx.tasks.wait_idle()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown[0].view.kind == "property" and shown[0].view.owner_id == flow.property_id


def test_the_costs_by_property_and_month(window: Any, ctx: AppContext, qtbot: Any) -> None:
    from coliv_desktop.ui.maintenance.costs import CostsDialog

    flow = flow_41(ctx.db, ctx.actor)
    request = maintenance.add_request(ctx.db, ctx.actor, build(
        RequestCreate, room_id=flow.rooms["3A-A"], category="plumbing", priority="high",
        title="Leak"))
    maintenance.add_cost(ctx.db, ctx.actor, build(CostCreate, request_id=request.id,
                                                  amount="120", description="Tap"))
    dialog = CostsDialog(ctx)
    qtbot.addWidget(dialog)
    ctx.tasks.wait_idle()
    QApplication.processEvents()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    row = dialog.model.row(0)
    assert row.property == "Downtown Loft" and row.total == Decimal("120.00")
    assert "total $120.00" in dialog.total.text()
