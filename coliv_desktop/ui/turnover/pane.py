"""Turnover: move-ins, move-outs and leases ending without renewal in the next 30/60/90 days,
rooms becoming vacant, and the timeline of who holds which bed when."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas.overview import Timeline, Turnover, TurnoverEvent
from coliv_desktop.services import portfolio
from coliv_desktop.services.clock import today
from coliv_desktop.services.turnover import WINDOWS, timeline, turnover
from coliv_desktop.ui.common.context import AppContext, SignalBus
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.pane import Pane
from coliv_desktop.ui.common.widgets import ListView, heading, list_filter, muted
from coliv_desktop.ui.turnover.timeline import TimelineView

LISTS = (("move_ins", "Moving in"), ("move_outs", "Moving out"),
         ("ending_without_renewal", "Ending, no renewal"),
         ("becoming_vacant", "Becoming vacant"))


@dataclass(frozen=True)
class TurnoverData:
    turnover: Turnover
    timeline: Timeline
    properties: list[tuple[str, uuid.UUID]]


def event_columns(key: str) -> list[Column[TurnoverEvent]]:
    day_title = {"move_ins": "Moves in", "move_outs": "Last night",
                 "ending_without_renewal": "Lease ends", "becoming_vacant": "Vacant from"}[key]
    columns: list[Column[TurnoverEvent]] = [
        Column("day", day_title, lambda e: e.day, kind="date", width=100),
        Column("in", "In", lambda e: (e.day - today()).days, kind="int", width=60,
               display=lambda e: f"{(e.day - today()).days} d"),
        Column("room", "Room", lambda e: e.room_label, width=220),
        Column("bed", "Bed", lambda e: e.bed, kind="int", width=45),
        Column("tenant", "Tenant" if key != "becoming_vacant" else "Leaving",
               lambda e: e.tenant_name, width=180),
        Column("rent", "Rent / mo", lambda e: e.rent_amount, kind="money", width=100),
    ]
    if key == "becoming_vacant":
        columns.append(Column("next", "Next move-in", lambda e: e.next_start, kind="date",
                              width=110, display=lambda e: e.next_start.isoformat()
                              if e.next_start else "none yet"))
    return columns


class TurnoverPane(Pane):
    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        return (bus.leases_changed, bus.portfolio_changed, bus.tenants_changed)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.days = 30
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Turnover"))
        self.summary = muted()
        self.summary.setObjectName("turnover_summary")
        top.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignBottom)
        self.property_filter = QComboBox()
        self.property_filter.setObjectName("turnover_property")
        self.property_filter.addItem("All properties", None)
        self.property_filter.setToolTip("Show one property")
        top.addWidget(self.property_filter)
        self.window_buttons = QButtonGroup(self)
        for days in WINDOWS:
            button = QPushButton(f"{days} days")
            button.setObjectName(f"window_{days}")
            button.setCheckable(True)
            button.setToolTip(f"What happens in the next {days} days")
            button.setChecked(days == self.days)
            self.window_buttons.addButton(button, days)
            top.addWidget(button)
        self.window_buttons.idClicked.connect(self.set_window)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Vertical)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("turnover_tabs")
        self.models: dict[str, RowTableModel[TurnoverEvent]] = {}
        self.views: dict[str, ListView] = {}
        for key, title in LISTS:
            model: RowTableModel[TurnoverEvent] = RowTableModel(event_columns(key),
                                                                money=ctx.money)
            view = ListView(model, ctx.settings, f"turnover_{key}")
            view.doubleClicked.connect(lambda *_a, v=view: self._open(v))
            self.models[key] = model
            self.views[key] = view
            self.tabs.addTab(view, title)
        self.filter = list_filter(list(self.views.values()),
                                  "Filter by room, tenant or date (every tab)")
        lists = QWidget()
        lists_layout = QVBoxLayout(lists)
        lists_layout.setContentsMargins(0, 0, 0, 0)
        lists_layout.addWidget(self.filter)
        lists_layout.addWidget(self.tabs)
        split.addWidget(lists)
        self.timeline_view = TimelineView()
        self.timeline_view.tenant_clicked.connect(ctx.open_tenant)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline_view)
        split.addWidget(scroll)
        split.setSizes([260, 400])
        layout.addWidget(split, 1)
        self.property_filter.currentIndexChanged.connect(lambda *_: self.refresh())
        self.data: TurnoverData | None = None

    def set_window(self, days: int) -> None:
        self.days = days
        button = self.window_buttons.button(days)
        if button is not None:
            button.setChecked(True)
        self.refresh()

    def reload(self) -> None:
        db = self.ctx.db
        actor = self.ctx.actor
        days = self.days
        value = self.property_filter.currentData()
        chosen = uuid.UUID(value) if value else None

        def load() -> TurnoverData:
            day = today()
            props = [(p.name, p.id) for p in portfolio.list_properties(db, actor)]
            return TurnoverData(
                turnover(db, actor, days, property_id=chosen),
                timeline(db, actor, day - timedelta(days=30), day + timedelta(days=max(days, 90)),
                         property_id=chosen),
                props)

        self.ctx.run_task(load, self._show)

    def _show(self, data: TurnoverData | None, error: BaseException | None) -> None:
        if error is not None or data is None:
            self.ctx.bus.error.emit(f"Could not load turnover: {error}")
            return
        self.data = data
        chosen = self.property_filter.currentData()
        self.property_filter.blockSignals(True)
        self.property_filter.clear()
        self.property_filter.addItem("All properties", None)
        for name, ident in data.properties:
            self.property_filter.addItem(name, str(ident))
        index = self.property_filter.findData(chosen) if chosen else 0
        self.property_filter.setCurrentIndex(max(index, 0))
        self.property_filter.blockSignals(False)
        t = data.turnover
        for index, (key, title) in enumerate(LISTS):
            events: list[TurnoverEvent] = getattr(t, key)
            self.models[key].set_rows(events)
            self.tabs.setTabText(index, f"{title} ({len(events)})")
        self.summary.setText(
            f"{t.start.isoformat()} to {t.end.isoformat()}: {len(t.move_ins)} moving in, "
            f"{len(t.move_outs)} moving out, {len(t.ending_without_renewal)} ending with no "
            f"renewal, {len(t.becoming_vacant)} beds becoming vacant")
        self.timeline_view.set_timeline(data.timeline, today())
        self.loaded.emit()

    def _open(self, view: ListView) -> None:
        row = view.current_row()
        if row is not None:
            self.ctx.open_tenant(row.tenant_id)
