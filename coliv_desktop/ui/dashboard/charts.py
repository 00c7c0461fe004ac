"""The dashboard's charts: occupancy and rent roll by property. QtCharts loads with this module,
which the dashboard imports only once its cards are painted."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QHBoxLayout, QWidget

from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.dashboard.pane import BLUE, LIGHT, axis_money, money_ticks

if TYPE_CHECKING:
    from coliv_desktop.schemas.dashboard import Dashboard
    from coliv_desktop.schemas.overview import PropertyRentRoll


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont()
    font.setPointSize(11)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(6)
    return chart


class DashboardCharts(QWidget):
    """Two charts side by side; a click on a bar shows that property."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.occupancy_chart = QChartView()
        self.occupancy_chart.setObjectName("occupancy_chart")
        self.roll_chart = QChartView()
        self.roll_chart.setObjectName("rent_roll_chart")
        for view in (self.occupancy_chart, self.roll_chart):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(200)
            row.addWidget(view)

    def show_data(self, board: Dashboard, rolls: list[PropertyRentRoll]) -> None:
        self._occupancy_chart(board)
        self._roll_chart(rolls)

    def _occupancy_chart(self, board: Dashboard) -> None:
        chart = _chart("Occupancy by property (% of beds)")
        names = [p.name for p in board.properties][::-1]
        bars = QBarSet("Occupied")
        bars.setColor(BLUE)
        for prop in board.properties[::-1]:
            bars.append(float(prop.occupancy_rate))  # display only: a chart takes floats
        shown = board.properties[::-1]
        bars.clicked.connect(lambda index: self.ctx.bus.open_property.emit(shown[index].id))
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value%")
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.append(names)
        axis_x = QValueAxis()
        axis_x.setRange(0, 100)
        axis_x.setLabelFormat("%d%%")
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_y)
        series.attachAxis(axis_x)
        chart.legend().hide()
        self.occupancy_chart.setChart(chart)
        self.occupancy_chart.setToolTip("Click a bar to show that property")

    def _roll_chart(self, rolls: list[PropertyRentRoll]) -> None:
        chart = _chart("Rent roll by property, per month")
        chart.setMargins(QMargins(4, 4, 30, 4))  # room for the last amount's label
        let = QBarSet("Let")
        let.setColor(BLUE)
        vacant = QBarSet("Vacant potential")
        vacant.setColor(LIGHT)
        for roll in rolls[::-1]:
            let.append(float(roll.rent_roll))
            vacant.append(float(max(roll.potential - roll.rent_roll, Decimal(0))))
        ordered = rolls[::-1]
        for part in (let, vacant):  # a click on a bar shows that property in the tree
            part.clicked.connect(
                lambda index: self.ctx.bus.open_property.emit(ordered[index].property_id))
        series = QHorizontalStackedBarSeries()
        series.append(let)
        series.append(vacant)
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.append([r.property_name for r in rolls][::-1])
        # amounts in the book's currency and locale: "$2,000", "2.000 €"
        axis_x = QCategoryAxis()
        axis_x.setObjectName("rent_roll_axis")
        axis_x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        ticks = money_ticks(max((r.potential for r in rolls), default=Decimal(0)))
        axis_x.setStartValue(0)
        for value in ticks:
            axis_x.append(axis_money(value, self.ctx.currency, self.ctx.locale), float(value))
        axis_x.setRange(0, float(ticks[-1]))
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_y)
        series.attachAxis(axis_x)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.roll_chart.setChart(chart)
        self.roll_chart.setToolTip("Click a bar to show that property")
