"""Dashboard: the seed's flow 4.1 result as an operator wants it. Per property and unit: rooms
let and their share, beds let and their share (each measure beside its own count), revenue
potential; portfolio totals; charts of occupancy and rent roll by property (money axes in the
book's currency and locale); empty states that say what to do next."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, SignalInstance
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.ui.common.context import AppContext, SignalBus
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.pane import Pane
from coliv_desktop.ui.common.widgets import ListView, StatCard, empty_state, heading, muted

if TYPE_CHECKING:
    from coliv_desktop.schemas.dashboard import AttentionItem, Dashboard, Occupancy
    from coliv_desktop.schemas.overview import PropertyRentRoll
    from coliv_desktop.ui.dashboard.charts import DashboardCharts

PANE_VERBS = {"leases": "Open Leases", "ledger": "Open Ledger",
              "ledger:utilities": "Open Utility Bills", "ledger:reminders": "Open Reminders",
              "applications": "Open Applications"}
BLUE = QColor("#2563eb")
LIGHT = QColor("#cbd5e1")


@dataclass(frozen=True)
class BoardRow:
    """A line of the dashboard table: a property (bold) or one of its units (indented)."""

    label: str
    is_property: bool
    rooms_total: int
    rooms_occupied: int
    room_rate: Decimal
    beds_total: int
    beds_occupied: int
    bed_rate: Decimal
    revenue_potential: Decimal | None

    @classmethod
    def of(cls, label: str, is_property: bool, o: Occupancy) -> BoardRow:
        return cls(label, is_property, o.rooms_total, o.rooms_occupied, o.room_rate,
                   o.beds_total, o.beds_occupied, o.occupancy_rate, o.revenue_potential)


@dataclass(frozen=True)
class BoardData:
    board: Dashboard
    rent_roll: list[PropertyRentRoll]


def _verb(link: str) -> str:
    """The words of an attention item's link: "ledger:utilities" -> "Open Utility Bills"."""
    return PANE_VERBS.get(link) or PANE_VERBS.get(link.partition(":")[0], "Open")


def board_rows(board: Dashboard) -> list[BoardRow]:
    rows = []
    for prop in board.properties:
        rows.append(BoardRow.of(prop.name, True, prop))
        for unit in prop.units:
            rows.append(BoardRow.of(f"    Unit {unit.number}", False, unit))
    return rows


def axis_money(amount: Decimal, currency: str, locale: str) -> str:
    """Whole amounts in the book's currency and locale, for a chart axis: "$2,000", "2.000 €"."""
    from babel import Locale
    from babel.numbers import format_currency

    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    whole = re.sub(r"\.0+", "", pattern)  # the locale's pattern without the decimals
    return format_currency(amount, currency, format=whole, locale=locale, currency_digits=False)


def money_ticks(top: Decimal, ticks: int = 4) -> list[Decimal]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to at least `top`."""
    if top <= 0:
        return [Decimal(0), Decimal(1)]
    rough = top / ticks
    power = Decimal(10) ** (len(str(int(rough))) - 1)
    step = next(power * m for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5),
                                    Decimal(10)) if power * m >= rough)
    count = int((top / step).to_integral_value(rounding=ROUND_CEILING))
    return [step * i for i in range(count + 1)]


class DashboardPane(Pane):
    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        return (bus.portfolio_changed, bus.leases_changed, bus.settings_changed,
                bus.ledger_changed, bus.applications_changed)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        outer = QVBoxLayout(self)
        self.title = heading("Dashboard")
        self.subtitle = muted()
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.empty = empty_state(
            "No properties yet.\n\nAdd your first property with Portfolio ▸ Add Property "
            "(Ctrl+Shift+P): then its units and rooms, and this dashboard fills in.\n"
            "Or look around first with File ▸ Open Demo Portfolio.")
        self.content = QWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.content)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        cards = QHBoxLayout()
        self.rooms_card = StatCard("Rooms occupied")
        self.occupancy_card = StatCard("Occupancy")
        self.revenue_card = StatCard("Revenue potential / mo")
        self.roll_card = StatCard("Rent roll / mo")
        self.maintenance_card = StatCard("Maintenance open")
        self.maintenance_card.setToolTip("Maintenance requests not yet resolved, and how many "
                                         "of them are past their response target (Ctrl+8)")
        for card in (self.rooms_card, self.occupancy_card, self.revenue_card, self.roll_card,
                     self.maintenance_card):
            cards.addWidget(card)
        layout.addLayout(cards)
        self.attention = QLabel()
        self.attention.setObjectName("attention")
        self.attention.setWordWrap(True)
        self.attention.setTextFormat(Qt.TextFormat.RichText)
        self.attention.setStyleSheet("background: #fff8e1; border: 1px solid #f0d58c;"
                                     " border-radius: 6px; padding: 6px 10px;")
        self.attention.linkActivated.connect(self._follow)
        self.attention.hide()
        self.attention_items: list[AttentionItem] = []
        layout.addWidget(self.attention)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("dashboard_split")
        # the charts (QtCharts) are made a moment after the cards are painted: the first view
        # of the book does not wait for them
        self.chart_area = QWidget()
        self.chart_area.setMinimumHeight(200)
        QHBoxLayout(self.chart_area).setContentsMargins(0, 0, 0, 0)
        self.charts: DashboardCharts | None = None
        split.addWidget(self.chart_area)
        columns: list[Column[BoardRow]] = [  # each percentage beside the counts it is of
            Column("name", "Property / unit", lambda r: r.label, width=220),
            Column("rooms", "Rooms", lambda r: r.rooms_total, kind="int", width=64),
            Column("rooms_let", "Rooms let", lambda r: r.rooms_occupied, kind="int", width=80,
                   tooltip="Rooms with at least one bed let today"),
            Column("room_rate", "% of rooms", lambda r: r.room_rate, kind="percent", width=86),
            Column("beds", "Beds", lambda r: r.beds_total, kind="int", width=60),
            Column("beds_let", "Beds let", lambda r: r.beds_occupied, kind="int", width=74),
            Column("bed_rate", "% of beds", lambda r: r.bed_rate, kind="percent", width=82),
            Column("revenue", "Revenue potential / mo", lambda r: r.revenue_potential,
                   kind="money", width=170),
        ]
        self.model: RowTableModel[BoardRow] = RowTableModel(
            columns, money=ctx.money, style=lambda r: (None, r.is_property))
        self.table = ListView(self.model, ctx.settings, "dashboard", sortable=False)
        split.addWidget(self.table)
        split.setSizes([300, 300])
        layout.addWidget(split, 1)
        self.data: BoardData | None = None

    def reload(self) -> None:
        db = self.ctx.db
        actor = self.ctx.actor

        def load() -> BoardData:
            from coliv_desktop.services import dashboard as dashboard_service
            from coliv_desktop.services import overview

            roll = overview.rent_roll(db, actor) if actor.may("ledger.read") else []
            return BoardData(dashboard_service.dashboard(db, actor), roll)

        self.ctx.run_task(load, self._show)

    def _show(self, data: BoardData | None, error: BaseException | None) -> None:
        if error is not None or data is None:
            self.ctx.bus.error.emit(f"Could not load the dashboard: {error}")
            return
        self.data = data
        board = data.board
        self.subtitle.setText(f"{self.ctx.db_label} · on {board.on.isoformat()}")
        if not board.properties:
            self.stack.setCurrentWidget(self.empty)
            self.loaded.emit()
            return
        self.stack.setCurrentWidget(self.content)
        money = self.ctx.may("ledger.read")  # staff see rooms and beds, not rents
        self.revenue_card.setVisible(money)
        self.roll_card.setVisible(money)
        self.table.setColumnHidden(self.model.column_index("revenue"), not money)
        self.rooms_card.set(f"{board.rooms_occupied}/{board.rooms_total}",
                            f"{board.beds_occupied}/{board.beds_total} beds")
        self.occupancy_card.set(f"{board.room_rate}%",
                                f"of rooms · {board.occupancy_rate}% of beds")
        potential = board.revenue_potential or Decimal("0.00")  # None: hidden (staff)
        self.revenue_card.set(self.ctx.money(potential),
                              f"{board.rooms_total} rooms")
        roll = sum((r.rent_roll for r in data.rent_roll), Decimal("0.00"))
        share = (roll * 100 / potential).quantize(Decimal("0.1")) \
            if potential else Decimal("0.0")
        self.roll_card.set(self.ctx.money(roll), f"{share}% of potential")
        self.maintenance_card.set(str(board.maintenance_open),
                                  f"{board.maintenance_overdue} overdue")
        self.maintenance_card.value.setStyleSheet(
            "font-size: 18pt; font-weight: 600;"
            + (" color: #b3261e;" if board.maintenance_overdue else ""))
        self.model.set_rows(board_rows(board))
        self.loaded.emit()
        QTimer.singleShot(0, lambda: self._draw_charts(data))
        self._load_attention()

    def _draw_charts(self, data: BoardData) -> None:
        if data is not self.data:  # a newer load arrived meanwhile
            return
        from coliv_desktop.ui.dashboard.charts import DashboardCharts

        if self.charts is None:
            self.charts = DashboardCharts(self.ctx)
            layout = self.chart_area.layout()
            assert layout is not None
            layout.addWidget(self.charts)
        self.charts.show_data(data.board, data.rent_roll)
        self.charts.roll_chart.setVisible(self.ctx.may("ledger.read"))  # rents: not staff's

    @property
    def occupancy_chart(self) -> Any:
        """The occupancy chart's view (a QChartView), once drawn."""
        assert self.charts is not None, "the charts are drawn just after the cards"
        return self.charts.occupancy_chart

    @property
    def roll_chart(self) -> Any:
        assert self.charts is not None, "the charts are drawn just after the cards"
        return self.charts.roll_chart

    def _follow(self, link: str) -> None:
        """A link of the attention list: "pane", or "pane:view" (the Leases pane with one
        filter, the Ledger pane's utility bills)."""
        pane, _, view = link.partition(":")
        if view:
            self.ctx.bus.open_pane_view.emit(pane, view)
        else:
            self.ctx.bus.open_pane.emit(pane)

    def _load_attention(self) -> None:
        """After the figures (so they paint first): what needs the operator's attention."""
        db, money = self.ctx.db, self.ctx.money
        actor = self.ctx.actor

        def load() -> list[AttentionItem]:
            from coliv_desktop.services.attention import needs_attention

            return needs_attention(db, actor, money=money)

        self.ctx.run_task(load, self._show_attention)

    def _show_attention(self, items: list[AttentionItem] | None,
                        error: BaseException | None) -> None:
        if error is not None or items is None:
            self.ctx.bus.error.emit(f"Could not check what needs attention: {error}")
            return
        self.attention_items = items
        lines = [f"• {escape(i.text)} <a href='{i.pane}'>{_verb(i.pane)}</a>" for i in items]
        self.attention.setText("<b>Needs attention</b><br>" + "<br>".join(lines))
        self.attention.setVisible(bool(items))
