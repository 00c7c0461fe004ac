"""Review a batch placement plan: tick what to approve, see the totals, approve the rest.

The plan is computed in the background with progress and Cancel (nothing is written);
approving runs each ticked line through the same approval transaction as a single approval,
one after the other, with progress and Cancel between lines (lines already approved stay
approved).
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.errors import ColivError
from coliv_desktop.schemas.applications import ApprovalInput, ApprovalOut, PlanOut
from coliv_desktop.services import placement
from coliv_desktop.ui.applications.view import TIER_BACKGROUNDS
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.tasks import TaskCancelled, TaskControl, run_with_progress

COLUMNS = ("Approve", "Applicant", "Move-in", "Room", "Rent", "Score", "Alone", "Shares unit with")


class PlanDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Batch placement plan")
        self.resize(980, 560)
        self.ctx = ctx
        self.plan: PlanOut | None = None
        self.approved: list[ApprovalOut] = []
        self.failed: list[tuple[uuid.UUID, str]] = []
        layout = QVBoxLayout(self)
        intro = QLabel(
            "One room (or none) for every pending application, maximising the total score: "
            "each room used once, no dealbreaker pair in one unit, and applicants placed in the "
            "same unit counted as each other's roommates. Untick what you do not want.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        options = QHBoxLayout()
        options.addWidget(QLabel("Never propose a room scoring below"))
        self.min_score = QSpinBox()
        self.min_score.setObjectName("min_score")
        self.min_score.setRange(1, 100)
        self.min_score.setValue(1)
        options.addWidget(self.min_score)
        self.recompute = QPushButton("Plan again")
        self.recompute.clicked.connect(lambda *_: self.compute())
        options.addWidget(self.recompute)
        options.addStretch(1)
        layout.addLayout(options)
        self.totals = QLabel("Planning…")
        self.totals.setObjectName("plan_totals")
        layout.addWidget(self.totals)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("plan_table")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for column, width in enumerate((70, 150, 90, 190, 80, 60, 60, 200)):
            self.table.setColumnWidth(column, width)
        self.table.itemChanged.connect(lambda *_: self._count_ticked())
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("Not placed:"))
        self.unplaced = QListWidget()
        self.unplaced.setObjectName("plan_unplaced")
        self.unplaced.setMaximumHeight(110)
        layout.addWidget(self.unplaced)
        self.outcome = QLabel()
        self.outcome.setObjectName("plan_result")
        self.outcome.setWordWrap(True)
        layout.addWidget(self.outcome)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.approve_button = QPushButton("Approve ticked")
        self.approve_button.setObjectName("approve_ticked")
        self.approve_button.setEnabled(False)
        buttons.addButton(self.approve_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.approve_button.clicked.connect(lambda *_: self.approve_ticked())
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.compute()

    @property
    def approved_any(self) -> bool:
        return bool(self.approved)

    def compute(self) -> None:
        db, min_score = self.ctx.db, self.min_score.value()
        actor = self.ctx.actor
        self.totals.setText("Planning…")
        self.approve_button.setEnabled(False)

        def work(control: TaskControl) -> PlanOut:
            def progress(done: int, total: int, text: str) -> None:
                control.check()  # Cancel stops here; planning writes nothing
                control.progress(done, total, text)
            return placement.plan(db, actor, min_score=min_score, progress=progress)

        run_with_progress(self.ctx.tasks, self, "Planning placements", work, self._planned)

    def _planned(self, plan: PlanOut | None, error: BaseException | None) -> None:
        if isinstance(error, TaskCancelled):
            self.totals.setText("Planning cancelled: press Plan again to start over.")
            return
        if error is not None or plan is None:
            self.totals.setText(f"Could not plan: {error}")
            return
        self.plan = plan
        names = {p.application_id: p.applicant for p in plan.placements}
        self.table.blockSignals(True)
        self.table.setRowCount(len(plan.placements))
        for row, p in enumerate(plan.placements):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            tick.setCheckState(Qt.CheckState.Checked)
            tick.setData(Qt.ItemDataRole.UserRole, row)
            self.table.setItem(row, 0, tick)
            cells = [p.applicant, p.move_in_date.isoformat(),
                     f"{p.property_name} · {p.room_label}", self.ctx.money(p.rent),
                     str(p.score), str(p.independent_score),
                     ", ".join(names[o] for o in p.co_placed)]
            for column, text in enumerate(cells, start=1):
                item = QTableWidgetItem(text)
                if column in (4, 5, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            score = self.table.item(row, 5)
            assert score is not None
            score.setBackground(QBrush(QColor(TIER_BACKGROUNDS[p.tier])))
            score.setToolTip(p.tier.replace("_", " "))
        self.table.blockSignals(False)
        self.unplaced.clear()
        for u in plan.unplaced:
            self.unplaced.addItem(f"{u.applicant}: {u.reason}")
        self._count_ticked()

    def ticked(self) -> list[tuple[uuid.UUID, uuid.UUID]]:
        if self.plan is None:
            return []
        lines = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                p = self.plan.placements[row]
                lines.append((p.application_id, p.room_id))
        return lines

    def set_ticked(self, row: int, on: bool) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _count_ticked(self) -> None:
        plan = self.plan
        if plan is None:
            return
        ticked = self.ticked()
        self.totals.setText(
            f"{len(plan.placements)} placed, {len(plan.unplaced)} not placed · plan total "
            f"{plan.total} (independent assignment {plan.independent_total}) · "
            f"{len(ticked)} ticked")
        self.approve_button.setText(f"Approve ticked ({len(ticked)})")
        self.approve_button.setEnabled(bool(ticked))

    def approve_ticked(self) -> None:
        lines = self.ticked()
        if not lines:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def work(control: TaskControl) -> tuple[list[ApprovalOut], list[tuple[uuid.UUID, str]]]:
            done: list[ApprovalOut] = []
            failed: list[tuple[uuid.UUID, str]] = []
            for index, (application_id, room_id) in enumerate(lines):
                control.check()
                control.progress(index, len(lines), f"Approving {index + 1} of {len(lines)}…")
                try:
                    done.append(placement.approve_application(
                        db, actor, application_id, ApprovalInput(room_id=room_id)))
                except ColivError as exc:
                    failed.append((application_id, str(exc)))
            return done, failed

        self.approve_button.setEnabled(False)
        run_with_progress(self.ctx.tasks, self, "Approving the plan", work, self._approved)

    def _approved(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            self.outcome.setText(f"Stopped: {error}. Lines approved before that stay approved.")
            return
        done, failed = result
        self.approved += done
        self.failed += failed
        names = {p.application_id: p.applicant for p in self.plan.placements} if self.plan else {}
        text = f"Approved {len(done)}."
        if failed:
            text += " Not approved: " + "; ".join(f"{names.get(i, i)}: {why}"
                                                  for i, why in failed)
        self.outcome.setText(text)
        self.compute()
