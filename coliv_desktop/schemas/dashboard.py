"""Occupancy and revenue potential, per unit, per property and for the portfolio."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from coliv_desktop.schemas.common import Output


class Occupancy(Output):
    rooms_total: int
    rooms_occupied: int
    beds_total: int
    beds_occupied: int
    revenue_potential: Decimal

    @property
    def occupancy_rate(self) -> Decimal:
        """Occupied beds over beds, in percent, one decimal place."""
        if not self.beds_total:
            return Decimal("0.0")
        return (Decimal(self.beds_occupied) * 100 / self.beds_total).quantize(Decimal("0.1"))


class UnitOccupancy(Occupancy):
    id: uuid.UUID
    number: str


class PropertyOccupancy(Occupancy):
    id: uuid.UUID
    name: str
    units: list[UnitOccupancy]


class Dashboard(Occupancy):
    on: date
    properties: list[PropertyOccupancy]


class AttentionItem(Output):
    """Something the operator should deal with, and the pane where it is done."""

    kind: str  # move_outs, deposits, overdue, reminders, applications
    pane: str
    count: int
    text: str
