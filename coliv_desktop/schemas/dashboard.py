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
    revenue_potential: Decimal | None  # None: the role does not see money (staff)

    @property
    def occupancy_rate(self) -> Decimal:
        """Occupied beds over beds, in percent, one decimal place."""
        return percent(self.beds_occupied, self.beds_total)

    @property
    def room_rate(self) -> Decimal:
        """Rooms with anyone in them over rooms, in percent, one decimal place."""
        return percent(self.rooms_occupied, self.rooms_total)


def percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else Decimal("0.0")


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
    maintenance_open: int = 0  # requests not resolved or closed
    maintenance_overdue: int = 0  # of which past their response target


class AttentionItem(Output):
    """Something the operator should deal with, and the pane where it is done."""

    kind: str  # move_outs, deposits, overdue, reminders, applications
    pane: str
    count: int
    text: str
