"""Maintenance ▸ Costs by month: what each property's upkeep cost it, month by month (the costs
not recharged to a tenant), for the owner's books until the books issue makes them expenses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import shiboken6
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from coliv_desktop.schemas.maintenance import CostReportRow
from coliv_desktop.services import maintenance
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, muted


class CostsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Maintenance costs by property and month")
        self.resize(620, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(muted("The properties' own costs (parts, labour, invoices); costs "
                               "recharged to a tenant are on their lease instead."))
        self.model: RowTableModel[CostReportRow] = RowTableModel([
            Column("month", "Month", lambda r: r.month, width=90),
            Column("property", "Property", lambda r: r.property, width=260),
            Column("total", "Cost", lambda r: r.total, kind="money", width=120),
        ], money=ctx.money)
        self.view = ListView(self.model, ctx.settings, "maintenance_costs")
        layout.addWidget(self.view, 1)
        self.total = QLabel("Reading…")
        self.total.setObjectName("costs_total")
        layout.addWidget(self.total)
        db, actor = ctx.db, ctx.actor

        def done(rows: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None or rows is None:
                self.total.setText(f"Could not read the costs: {error}")
                return
            self.model.set_rows(list(rows))
            total = sum((r.total for r in rows), Decimal("0.00"))
            self.total.setText(f"{len(rows)} month(s) · total {ctx.money(total)}"
                               if rows else "No maintenance cost recorded yet.")

        ctx.run_task(lambda: maintenance.cost_report(db, actor), done)
