"""Open the main window and every dialog on the demo portfolio, on the screen the offscreen
platform is given, and print where each one is (JSON). Run as a script by test_screens.py:

    QT_QPA_PLATFORM=offscreen:configfile=screen.json python -m tests.ui.screen_probe SETTINGS

`SETTINGS` is the QSettings file to use (a test may have put a saved window geometry there).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QApplication, QWidget


def rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def main(settings_file: str) -> int:
    from coliv_desktop import config
    from coliv_desktop.services import (
        applications,
        late_fees,
        leasing,
        ledger_list,
        matching,
        portfolio,
        printing,
        tenants,
    )
    from coliv_desktop.services.databases import open_demo as open_demo_blocking
    from coliv_desktop.services.ledger_list import LedgerQuery
    from coliv_desktop.ui.applications.approve import ApproveDialog
    from coliv_desktop.ui.applications.dialog import ApplicationDialog, TenantProfileDialog
    from coliv_desktop.ui.applications.plan import PlanDialog
    from coliv_desktop.ui.common.pdf_preview import PdfPreview
    from coliv_desktop.ui.leases.dialogs import (
        LeaseDialog,
        MoveOutDialog,
        RenewDialog,
        ReopenDialog,
        TransferDialog,
    )
    from coliv_desktop.ui.ledger.deposit import DepositDialog
    from coliv_desktop.ui.ledger.dialogs import (
        ChargeOrCreditDialog,
        RecordPaymentDialog,
        StatementDialog,
        VoidDialog,
    )
    from coliv_desktop.ui.ledger.late_fees import LateFeeRuleDialog, LateFeesDialog
    from coliv_desktop.ui.ledger.utilities import UtilityBillDialog
    from coliv_desktop.ui.portfolio.archive import ArchiveDialog
    from coliv_desktop.ui.portfolio.property import PropertyDialog
    from coliv_desktop.ui.portfolio.rooms import RoomDialog, RoomsGridDialog
    from coliv_desktop.ui.portfolio.unit import UnitDialog
    from coliv_desktop.ui.shell.app import build_window, create_app
    from coliv_desktop.ui.shell.backups import BackupsDialog
    from coliv_desktop.ui.shell.connect import ConnectDialog
    from coliv_desktop.ui.shell.history import HistoryDialog
    from coliv_desktop.ui.shell.quick_find import QuickFind
    from coliv_desktop.ui.shell.screenshot import settle
    from coliv_desktop.ui.shell.settings import SettingsDialog
    from coliv_desktop.ui.shell.shortcuts import ShortcutsDialog
    from coliv_desktop.ui.tenants.dialog import TenantDialog

    app = create_app()
    settings = QSettings(settings_file, QSettings.Format.IniFormat)
    ctx, window = build_window(settings)
    window.show()
    ctx.set_database(open_demo_blocking(config.parse_db_url(config.demo_db_url())))
    settle(app, ctx)
    db = ctx.db
    actor = ctx.actor
    prop = portfolio.list_properties(db, actor)[0]
    unit = portfolio.list_units(db, actor, prop.id)[0]
    room = portfolio.list_rooms(db, actor, unit.id)[0]
    tenant = tenants.search_tenants(db, actor, limit=1)[0]
    rows = leasing.list_leases(db, actor)
    active = next(r for r in rows if r.status == "active" and r.lease_end is not None)
    ended = next(r for r in rows if r.status == "ended")
    app_row = next(a for a in applications.list_applications(db, actor) if a.status == "pending")
    application = applications.get_application(db, actor, app_row.id)
    payment = ledger_list.receipt_payment_ids(db, actor, LedgerQuery())[0]
    letter = printing.lease_pdf(db, actor, active.id, Path(settings_file).parent / "lease.pdf")

    makers: dict[str, Callable[[], QWidget]] = {
        "property": lambda: PropertyDialog(ctx, parent=window),
        "property_edit": lambda: PropertyDialog(ctx, prop, parent=window),
        "unit": lambda: UnitDialog(ctx, prop.id, parent=window),
        "rooms_grid": lambda: RoomsGridDialog(ctx, unit.id, unit.unit_number, rows=8,
                                              parent=window),
        "room": lambda: RoomDialog(ctx, room, parent=window),
        "tenant": lambda: TenantDialog(ctx, parent=window),
        "tenant_profile": lambda: TenantProfileDialog(ctx, tenants.get_tenant(db, actor, tenant.id),
                                                      parent=window),
        "lease": lambda: LeaseDialog(ctx, parent=window),
        "move_out": lambda: MoveOutDialog(ctx, active, parent=window),
        "renew": lambda: RenewDialog(ctx, active, parent=window),
        "reopen": lambda: ReopenDialog(ctx, ended, parent=window),
        "transfer": lambda: TransferDialog(ctx, active, parent=window),
        "application": lambda: ApplicationDialog(ctx, parent=window),
        "application_edit": lambda: ApplicationDialog(ctx, application, parent=window),
        "approve": lambda: ApproveDialog(ctx, application, matching.get_matches(
            db, actor, application.id), parent=window),
        "plan": lambda: PlanDialog(ctx, parent=window),
        "settings": lambda: SettingsDialog(ctx, parent=window),
        "archive": lambda: ArchiveDialog(ctx, window.editing, parent=window),
        "backups": lambda: BackupsDialog(ctx, window.databases, parent=window),
        "connect": lambda: ConnectDialog(window),
        "audit_log": lambda: HistoryDialog(ctx, parent=window),
        "go_to": lambda: QuickFind(ctx, window),
        "shortcuts": lambda: ShortcutsDialog(ctx, window.menuBar(), window),
        "payment": lambda: RecordPaymentDialog(ctx, active.id, window),
        "charge": lambda: ChargeOrCreditDialog(ctx, active.id, window),
        "void": lambda: VoidDialog(ctx, "payment", payment, "a payment", window),
        "statement": lambda: StatementDialog(ctx, active.id, window),
        "deposit": lambda: DepositDialog(ctx, ended.id, parent=window),
        "late_fee_rule": lambda: LateFeeRuleDialog(ctx, late_fees.list_property_rules(db, actor)[0],
                                                   parent=window),
        "late_fees": lambda: LateFeesDialog(ctx, window),
        "utility_bill": lambda: UtilityBillDialog(ctx, parent=window),
        "pdf_preview": lambda: PdfPreview(letter, "Lease agreement", window),
    }
    screen = app.primaryScreen().availableGeometry()
    shown: dict[str, Any] = {"main": rect(window.frameGeometry())}
    trees = {"start": window.tree.width()}
    window.tree.select(active.room_id)  # a room's Ledger tab beside the property tree
    settle(app, ctx)
    room_view = window.pane("tree").room  # type: ignore[attr-defined]
    room_view.tabs.setCurrentIndex(room_view.tabs.count() - 1)
    settle(app, ctx)
    trees["ledger_tab"] = window.tree.width()
    status = window.statusBar()
    shown["status_bar"] = rect(QRect(status.mapToGlobal(status.rect().topLeft()),
                                     status.size()))
    for name, make in makers.items():
        dialog = make()
        dialog.show()
        settle(app, ctx)
        shown[name] = rect(dialog.frameGeometry())
        dialog.close()
        dialog.deleteLater()
        QApplication.processEvents()
    window.save_settings()
    print(json.dumps({"screen": rect(screen), "windows": shown, "tree": trees,
                      "today": date.today().isoformat()}))
    window.close()
    ctx.tasks.wait_idle()
    ctx.close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
