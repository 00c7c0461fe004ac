"""The turnover timeline: one lane per bed, grouped by unit; a bar per lease; gaps stay empty
so a vacancy shows at a glance. Painted directly, only the visible part."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from coliv_desktop.schemas.overview import Timeline, TimelineBar, TimelineBed

LABEL_WIDTH = 190
LANE = 22
HEADER = 26
BAR = QColor("#3b82f6")
ENDED = QColor("#94a3b8")
ENDING = QColor("#f59e0b")
GRID = QColor("#e5e7eb")
TODAY = QColor("#dc2626")
UNIT = QColor("#f3f4f6")


class TimelineView(QWidget):
    """Lanes: (unit header | bed) rows. `lease_clicked` carries the lease's tenant id."""

    tenant_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setMouseTracking(True)
        self.timeline: Timeline | None = None
        self.today = date.today()
        self.lanes: list[tuple[str, TimelineBed | None]] = []
        self.bars: dict[tuple[uuid.UUID, int], list[TimelineBar]] = defaultdict(list)

    def set_timeline(self, timeline: Timeline, today: date) -> None:
        self.timeline = timeline
        self.today = today
        self.lanes = []
        self.bars = defaultdict(list)
        for bar in timeline.bars:
            self.bars[(bar.room_id, bar.bed)].append(bar)
        last_unit: uuid.UUID | None = None
        for bed in timeline.beds:
            if bed.unit_id != last_unit:
                self.lanes.append((f"{bed.property_name} · Unit {bed.unit_number}", None))
                last_unit = bed.unit_id
            label = f"Room {bed.room_number}" + (f" bed {bed.bed}" if bed.beds > 1 else "")
            if bed.status == "maintenance":
                label += " (maint.)"
            self.lanes.append((label, bed))
        self.setMinimumHeight(HEADER + LANE * len(self.lanes) + 4)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(900, HEADER + LANE * max(len(self.lanes), 1) + 4)

    def _x(self, day: date) -> int:
        assert self.timeline is not None
        span = max((self.timeline.end - self.timeline.start).days + 1, 1)
        width = max(self.width() - LABEL_WIDTH - 8, 50)
        return LABEL_WIDTH + int((day - self.timeline.start).days * width / span)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        if self.timeline is None:
            return
        tl = self.timeline
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = QFont(self.font())
        small.setPointSize(max(small.pointSize() - 1, 7))
        painter.setFont(small)
        # month grid and labels
        month = date(tl.start.year, tl.start.month, 1)
        painter.setPen(QPen(GRID))
        while month <= tl.end:
            if month >= tl.start:
                x = self._x(month)
                painter.setPen(QPen(GRID))
                painter.drawLine(x, HEADER - 4, x, self.height())
                painter.setPen(QPen(QColor("#6b7280")))
                painter.drawText(x + 3, HEADER - 8, month.strftime("%b %Y"))
            month = (month + timedelta(days=32)).replace(day=1)
        visible = event.rect()
        first = max((visible.top() - HEADER) // LANE, 0)
        last = min((visible.bottom() - HEADER) // LANE + 1, len(self.lanes))
        for index in range(first, last):
            label, bed = self.lanes[index]
            top = HEADER + index * LANE
            if bed is None:
                painter.fillRect(QRect(0, top, self.width(), LANE), UNIT)
                bold = QFont(small)
                bold.setBold(True)
                painter.setFont(bold)
                painter.setPen(QPen(QColor("#111827")))
                painter.drawText(QRect(6, top, self.width(), LANE),
                                 Qt.AlignmentFlag.AlignVCenter, label)
                painter.setFont(small)
                continue
            painter.setPen(QPen(QColor("#374151")))
            painter.drawText(QRect(16, top, LABEL_WIDTH - 20, LANE),
                             Qt.AlignmentFlag.AlignVCenter, label)
            for bar in self.bars.get((bed.room_id, bed.bed), []):
                rect = self._bar_rect(bar, top)
                colour = ENDED if bar.status == "ended" else BAR
                if bar.status == "active" and bar.end is not None and \
                        bar.end <= self.today + timedelta(days=30):
                    colour = ENDING
                painter.setBrush(colour)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.drawRoundedRect(rect, 4, 4)
                painter.setPen(QPen(QColor("white")))
                painter.drawText(rect.adjusted(5, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter,
                                 bar.tenant_name)
        if tl.start <= self.today <= tl.end:
            x = self._x(self.today)
            painter.setPen(QPen(TODAY, 2))
            painter.drawLine(x, HEADER - 6, x, self.height())
        painter.end()

    def _bar_rect(self, bar: TimelineBar, top: int) -> QRect:
        assert self.timeline is not None
        start = max(bar.start, self.timeline.start)
        end = min(bar.end or self.timeline.end, self.timeline.end) + timedelta(days=1)
        left, right = self._x(start), self._x(end)
        return QRect(left, top + 3, max(right - left - 1, 3), LANE - 6)

    def bar_at(self, pos: QPoint) -> TimelineBar | None:
        index = (pos.y() - HEADER) // LANE
        if self.timeline is None or not 0 <= index < len(self.lanes):
            return None
        bed = self.lanes[index][1]
        if bed is None:
            return None
        top = HEADER + index * LANE
        for bar in self.bars.get((bed.room_id, bed.bed), []):
            if self._bar_rect(bar, top).contains(pos):
                return bar
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        bar = self.bar_at(event.position().toPoint())
        if bar is None:
            QToolTip.hideText()
            return
        end = bar.end.isoformat() if bar.end else "open-ended"
        QToolTip.showText(event.globalPosition().toPoint(),
                          f"{bar.tenant_name}\n{bar.start.isoformat()} → {end} ({bar.status})",
                          self)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        bar = self.bar_at(event.position().toPoint())
        if bar is not None:
            self.tenant_clicked.emit(bar.tenant_id)
