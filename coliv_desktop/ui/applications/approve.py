"""Approve an application: room (best match first), dates, rent and deposit; one transaction.

The room picker lists the scored candidates by score, then the other rooms with a bed free for
the dates ("approve for a different room"), each saying why it was not a candidate.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from coliv_desktop.schemas import build
from coliv_desktop.schemas.applications import (
    ApplicationOut,
    ApprovalInput,
    ApprovalOut,
    CandidateOut,
    MatchResult,
)
from coliv_desktop.services import leasing, placement
from coliv_desktop.services.matching import term_end
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import ERROR_STYLE, FormDialog, no_rent_question
from coliv_desktop.ui.leases.dialogs import chosen, select_id


class ApproveDialog(FormDialog):
    def __init__(self, ctx: AppContext, application: ApplicationOut, matches: MatchResult,
                 *, room_id: uuid.UUID | None = None, parent: QWidget | None = None) -> None:
        super().__init__(f"Approve {application.full_name}", parent, runner=ctx,
                         save_text="Approve")
        self.submitted: ApprovalInput | None = None
        self.submitted_force: dict[str, bool] = {}
        self.setMinimumWidth(560)
        self.ctx = ctx
        self.application = application
        self.matches = matches
        self.candidates = {c.room_id: c for c in matches.candidates}
        self.excluded = {e.room_id: e for e in matches.excluded}
        self.rents: dict[uuid.UUID, Decimal] = {c.room_id: c.rent for c in matches.candidates}
        intro = QLabel(
            f"Creates {application.first_name}'s lease (and tenant record, unless a former "
            "tenant with the same email is on file), marks the application approved and "
            "rescores the other open applications for that unit.")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        start = application.move_in_date
        self.room_id = QComboBox()
        self.room_id.setObjectName("room_id")
        self.lease_start = DateField(start)
        self.lease_end = DateField(term_end(start, application.lease_length_months),
                                   optional=True, none_text="Has an end date")
        self.rent_amount = QLineEdit()
        self.rent_amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.deposit_amount = QLineEdit()
        self.deposit_amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.deposit_amount.setPlaceholderText("one month's rent")
        for name, label, widget in (
            ("room_id", "Room", self.room_id), ("lease_start", "Lease start", self.lease_start),
            ("lease_end", "Lease end", self.lease_end),
            ("rent_amount", "Rent / month", self.rent_amount),
            ("deposit_amount", "Deposit", self.deposit_amount),
        ):
            self.fields.add(name, label, widget)
        self.fields.alias("bed", "room_id")
        self.note = QLabel()
        self.note.setObjectName("room_note")
        self.note.setWordWrap(True)
        self.form.addRow(self.note)
        self._wanted = room_id or (matches.candidates[0].room_id if matches.candidates else None)
        self.room_id.currentIndexChanged.connect(self._room_chosen)
        self.lease_start.changed.connect(self.load_rooms)
        self.lease_end.changed.connect(self.load_rooms)
        self._request = 0
        self.finish_layout()
        self.load_rooms()

    def load_rooms(self) -> None:
        """The candidates at once; the other rooms free for the dates from the background (an
        answer for dates changed since is dropped)."""
        start, end = self.lease_start.value(), self.lease_end.value()
        self._request += 1
        request = self._request
        if start is None or (end is not None and end < start):
            self._fill_rooms([])
            return
        self._fill_rooms([])  # the candidates at once
        db = self.ctx.db
        actor = self.ctx.actor

        def done(result: list[uuid.UUID] | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or request != self._request:
                return
            if error is not None or result is None:
                self.show_banner(str(error))
                result = []
            self._fill_rooms(result)

        self.ctx.run_task(lambda: [r for r, _ in leasing.free_rooms(db, actor, start, end)], done)

    def _fill_rooms(self, free: list[uuid.UUID]) -> None:
        current = chosen(self.room_id) or self._wanted
        self.room_id.blockSignals(True)
        self.room_id.clear()
        for c in self.matches.candidates:
            self.room_id.addItem(
                f"{c.score:3d} · {c.property_name} {c.room_label} "
                f"({self.ctx.money(c.rent)}) · {c.tier.replace('_', ' ')}", str(c.room_id))
        for room_id in (r for r in free if r not in self.candidates):
            ex = self.excluded.get(room_id)
            if ex is not None:  # rooms added since the last scoring appear after a rescore
                self.room_id.addItem(f"{ex.property_name} {ex.room_label} · not a "
                                     f"candidate: {ex.reason}", str(room_id))
        if not select_id(self.room_id, current):
            self.room_id.setCurrentIndex(0 if self.room_id.count() else -1)
        self.room_id.blockSignals(False)
        self._room_chosen()

    def candidate(self) -> CandidateOut | None:
        room = chosen(self.room_id)
        return self.candidates.get(room) if room is not None else None

    def _room_chosen(self) -> None:
        c = self.candidate()
        rent = c.rent if c is not None else None
        self.rent_amount.setPlaceholderText(f"{rent:.2f}" if rent is not None else
                                            "the room's rent")
        self.deposit_amount.setPlaceholderText(
            f"{rent:.2f} (one month)" if rent is not None else "one month's rent")
        if c is None:
            self.note.setText("This room was not scored for the application.")
            self.note.setStyleSheet(ERROR_STYLE)
        elif c.breakdown.get("dealbreakers") == "fail":
            self.note.setText(f"Dealbreaker: {'; '.join(c.breakdown['dealbreaker_reasons'])}")
            self.note.setStyleSheet(ERROR_STYLE)
        elif c.warning:
            self.note.setText(f"Warning: {c.warning}")
            self.note.setStyleSheet("color: #9a6700;")
        else:
            mates = ", ".join(r.label for r in c.roommates) or "nobody yet"
            self.note.setText(f"Score {c.score} ({c.tier.replace('_', ' ')}); roommates: "
                              f"{mates}.")
            self.note.setStyleSheet("")

    def build_input(self) -> ApprovalInput:
        from coliv_desktop.domain.errors import ValidationError

        room = chosen(self.room_id)
        if room is None:
            raise ValidationError("room_id", "choose a room")
        return build(ApprovalInput, room_id=room, lease_start=self.lease_start.value(),
                     lease_end=self.lease_end.value(),
                     rent_amount=self.rent_amount.text().strip() or None,
                     deposit_amount=self.deposit_amount.text().strip() or None,
                     expected_version=self.application.version)

    def confirmation(self, data: ApprovalInput) -> str | None:
        rent = data.rent_amount
        if rent is None and data.room_id in self.rents:
            rent = self.rents[data.room_id]
        return no_rent_question(f"{self.application.full_name}'s lease", rent)

    def reload(self) -> ApplicationOut:
        from coliv_desktop.services import applications

        return applications.get_application(self.ctx.db, self.ctx.actor, self.application.id)

    def adopt(self, record: ApplicationOut) -> None:
        self.application = record  # the room, dates and rent chosen here stay as chosen

    def save(self, data: ApprovalInput) -> ApprovalOut:
        self.submitted = data  # what redo repeats (forced too, if the person said yes)
        self.submitted_force = self.force()
        return placement.approve_application(self.ctx.db, self.ctx.actor, self.application.id,
                                             data, **self.submitted_force)
