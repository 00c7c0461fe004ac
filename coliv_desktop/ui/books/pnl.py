"""Books ▸ Profit and loss (a year, one property or all: income and expenses month by month,
a bar chart with the net as a line, the expenses by category, PDF and CSV) and Books ▸
Schedule E (each property's lines for the year, side by side as on the form, PDF and CSV)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.documents.pnl import MONTHS
from coliv_desktop.schemas.books import PnlMonth, PnlReport, ScheduleE
from coliv_desktop.services import pnl
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.forms import ERROR_STYLE
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, empty_state, muted, tool_button
from coliv_desktop.ui.ledger.views import export

if TYPE_CHECKING:
    from coliv_desktop.ui.books.pane import BooksPane

INCOME = QColor("#2e7d32")
EXPENSE = QColor("#c62828")
NET = QColor("#1f4e79")
LOSS = QColor("#b3261e")


def year_box() -> QSpinBox:
    box = QSpinBox()
    box.setRange(2000, 2100)
    box.setValue(today().year)
    box.setToolTip("The year to report on")
    return box


def month_label(month: str) -> str:
    return f"{MONTHS[int(month[5:7]) - 1]} {month[:4]}" if len(month) == 7 else \
        f"Year {month}"


def pnl_columns() -> list[Column[PnlMonth]]:
    """Late fees, other income and credits are hidden at first (right-click the header to show)."""
    return [
        Column("month", "Month", lambda m: m.month, display=lambda m: month_label(m.month),
               width=84),
        Column("rent", "Rent", lambda m: m.income_by_kind["rent"], kind="money", width=92),
        Column("late_fee", "Late fees", lambda m: m.income_by_kind["late_fee"], kind="money",
               width=80, visible=False),
        Column("utility", "Utilities", lambda m: m.income_by_kind["utility"], kind="money",
               width=80),
        Column("other", "Other", lambda m: m.income_by_kind["other"], kind="money", width=80,
               visible=False),
        Column("credit", "Credits", lambda m: m.income_by_kind["credit"], kind="money",
               width=80, visible=False),
        Column("income", "Income", lambda m: m.income, kind="money", width=96),
        Column("expenses", "Expenses", lambda m: m.expenses, kind="money", width=96),
        Column("net", "Net", lambda m: m.net, kind="money", width=96),
    ]


def pnl_style(m: PnlMonth) -> tuple[QColor | None, bool]:
    return (LOSS if m.net < 0 else None), len(m.month) == 4


class PnlTab(QWidget):
    title = "Profit and loss"

    def __init__(self, pane: BooksPane) -> None:
        super().__init__()
        self.pane = pane
        ctx = self.ctx = pane.ctx
        self._loading = 0
        self.report: PnlReport | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Year"))
        self.year = year_box()
        self.year.setObjectName("pnl_year")
        top.addWidget(self.year)
        self.summary = muted()
        self.summary.setObjectName("pnl_summary")
        top.addWidget(self.summary, 1)
        self.pdf_button = tool_button("Export PDF…", "ledger", "The profit and loss as PDF",
                                      lambda: self.export("pdf"))
        self.pdf_button.setObjectName("pnl_pdf")
        self.csv_button = tool_button("Export CSV…", "ledger", "The profit and loss as CSV",
                                      lambda: self.export("csv"))
        self.csv_button.setObjectName("pnl_csv")
        top.addWidget(self.pdf_button)
        top.addWidget(self.csv_button)
        layout.addLayout(top)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        self.model: RowTableModel[PnlMonth] = RowTableModel(pnl_columns(), money=ctx.money,
                                                            style=pnl_style)
        self.view = ListView(self.model, ctx.settings, "pnl", sortable=False)
        self.categories: RowTableModel[tuple[str, Decimal]] = RowTableModel([
            Column("category", "Expenses by category", lambda r: r[0], width=150),
            Column("amount", "Amount", lambda r: r[1], kind="money", width=86),
        ], money=ctx.money)
        self.category_view = ListView(self.categories, ctx.settings, "pnl_categories",
                                      sortable=False)
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart_view = QChartView(self.chart)
        self.chart_view.setObjectName("pnl_chart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(200)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.view)
        lower.addWidget(self.category_view)
        lower.setSizes([600, 240])
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("pnl_split")
        split.addWidget(self.chart_view)
        split.addWidget(lower)
        split.setSizes([210, 400])
        self.empty = empty_state("Nothing charged or spent in this year.")
        self.stack = QStackedWidget()
        self.content = split
        self.stack.addWidget(split)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.year.valueChanged.connect(lambda *_: self.reload())

    def reload(self) -> None:
        if not self.ctx.has_database:
            return
        db, actor, year, prop = self.ctx.db, self.ctx.actor, self.year.value(), \
            self.pane.property_id
        self._loading += 1
        token = self._loading

        def done(report: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or token != self._loading:
                return
            if error is not None:
                self.message.setText(f"Could not compute the profit and loss: {error}")
                self.message.show()
                return
            self.message.hide()
            self.show_report(report)

        self.ctx.run_task(lambda: pnl.profit_and_loss(db, actor, year, prop), done)

    def show_report(self, report: PnlReport) -> None:
        self.report = report
        if len(report.properties) == 1:
            months, totals = report.properties[0].months, report.properties[0].totals
            name = report.properties[0].property
        else:
            months, totals, name = report.months, report.totals, "All properties"
        self.model.set_rows([*months, totals])
        self.categories.set_rows(sorted(totals.expenses_by_category.items(),
                                        key=lambda kv: -kv[1]))
        has = bool(report.properties)
        self.stack.setCurrentWidget(self.content if has else self.empty)
        money = self.ctx.money
        self.summary.setText(
            f"{name} · {report.year} (accrual): income {money(totals.income)} − expenses "
            f"{money(totals.expenses)} = net {money(totals.net)}" if has else "")
        self._draw(months)

    def _draw(self, months: list[PnlMonth]) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        income, spent = QBarSet("Income"), QBarSet("Expenses")
        income.setColor(INCOME)
        spent.setColor(EXPENSE)
        net = QLineSeries()
        net.setName("Net")
        net.setPen(QPen(NET, 2.5))
        for n, m in enumerate(months):
            income.append(float(m.income))  # a chart's coordinate, never money kept
            spent.append(float(m.expenses))
            net.append(n, float(m.net))
        bars = QBarSeries()
        bars.append(income)
        bars.append(spent)
        chart.addSeries(bars)
        chart.addSeries(net)
        x = QBarCategoryAxis()
        x.append([MONTHS[int(m.month[5:7]) - 1] for m in months])
        y = QValueAxis()
        values = [0.0, *(float(v) for m in months for v in (m.income, m.expenses, m.net))]
        low, high = min(values), max(values)
        y.setRange(low * 1.1, high * 1.1 if high > 0 else 1.0)
        y.setTickCount(6)
        y.applyNiceNumbers()
        y.setLabelFormat("%.0f")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for series in (bars, net):
            series.attachAxis(x)
            series.attachAxis(y)

    def export(self, kind: str) -> None:
        ctx, year, prop = self.ctx, self.year.value(), self.pane.property_id
        export(ctx, self, f"profit-and-loss-{year}.{kind}",
               lambda path: pnl.pnl_file(ctx.db, ctx.actor, year, path, prop))


class ScheduleRow:
    """One line of Schedule E with each property's amount."""

    def __init__(self, line: str, label: str, amounts: list[Decimal]) -> None:
        self.line, self.label, self.amounts = line, label, amounts


def amount_of(n: int) -> Callable[[ScheduleRow], Decimal]:
    return lambda row: row.amounts[n]


def schedule_rows(data: ScheduleE) -> list[ScheduleRow]:
    props = data.properties
    rows = [ScheduleRow("3", "Rents received", [p.rents_received for p in props]),
            ScheduleRow("4", "Royalties received", [p.royalties_received for p in props])]
    for n, line in enumerate(props[0].lines if props else []):
        rows.append(ScheduleRow(line.line, line.label, [p.lines[n].amount for p in props]))
    rows.append(ScheduleRow("20", "Total expenses", [p.total_expenses for p in props]))
    rows.append(ScheduleRow("21", "Income or (loss)", [p.net for p in props]))
    return rows


class ScheduleETab(QWidget):
    title = "Schedule E"

    def __init__(self, pane: BooksPane) -> None:
        super().__init__()
        self.pane = pane
        self.ctx = pane.ctx
        self._loading = 0
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Year"))
        self.year = year_box()
        self.year.setObjectName("schedule_e_year")
        top.addWidget(self.year)
        top.addWidget(muted("Part I per property, accrual basis: a worksheet for the "
                            "accountant. Categories off the form count on line 19."), 1)
        self.pdf_button = tool_button("Export PDF…", "ledger", "The summary as PDF",
                                      lambda: self.export("pdf"))
        self.pdf_button.setObjectName("schedule_e_pdf")
        self.csv_button = tool_button("Export CSV…", "ledger", "The summary as CSV",
                                      lambda: self.export("csv"))
        top.addWidget(self.pdf_button)
        top.addWidget(self.csv_button)
        layout.addLayout(top)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        self.holder = QVBoxLayout()
        layout.addLayout(self.holder, 1)
        self.view: ListView | None = None
        self.model: RowTableModel[ScheduleRow] | None = None
        self.empty = empty_state("Nothing charged or spent in this year.")
        self.holder.addWidget(self.empty)
        self.year.valueChanged.connect(lambda *_: self.reload())

    def reload(self) -> None:
        if not self.ctx.has_database:
            return
        db, actor, year, prop = self.ctx.db, self.ctx.actor, self.year.value(), \
            self.pane.property_id
        self._loading += 1
        token = self._loading

        def done(data: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or token != self._loading:
                return
            if error is not None:
                self.message.setText(f"Could not compute Schedule E: {error}")
                self.message.show()
                return
            self.message.hide()
            self.show_data(data)

        self.ctx.run_task(lambda: pnl.schedule_e(db, actor, year, prop), done)

    def show_data(self, data: ScheduleE) -> None:
        cols: list[Column[ScheduleRow]] = [
            Column("line", "Line", lambda r: int(r.line), display=lambda r: r.line, width=44),
            Column("label", "", lambda r: r.label, width=250)]
        for n, p in enumerate(data.properties):
            cols.append(Column(f"p{n}", p.property, amount_of(n), kind="money", width=130,
                               tooltip=p.address))
        model: RowTableModel[ScheduleRow] = RowTableModel(
            cols, money=self.ctx.money,
            style=lambda r: (None, r.line in ("3", "20", "21")))
        model.set_rows(schedule_rows(data))
        if self.view is not None:
            self.holder.removeWidget(self.view)
            self.view.deleteLater()
        self.model = model
        self.view = ListView(model, self.ctx.settings, "schedule_e", sortable=False)
        self.holder.insertWidget(0, self.view, 1)
        self.view.setVisible(bool(data.properties))
        self.empty.setVisible(not data.properties)

    def export(self, kind: str) -> None:
        ctx, year, prop = self.ctx, self.year.value(), self.pane.property_id
        export(ctx, self, f"schedule-e-{year}.{kind}",
               lambda path: pnl.schedule_e_file(ctx.db, ctx.actor, year, Path(path), prop))
