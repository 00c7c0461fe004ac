"""Events: upcoming first, with going / capacity / waitlisted; the selected event's answers
(the waitlist in its order), adding and changing answers, attendance after the event, the
flyer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas import build
from coliv_desktop.schemas.community import EventCreate, EventOut, EventUpdate, RsvpOut
from coliv_desktop.services import community
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import (
    ListView,
    empty_state,
    heading,
    list_filter,
    muted,
    tool_button,
)
from coliv_desktop.ui.community.common import (
    WRITE,
    CommunityTab,
    DateTimeField,
    Places,
    chosen,
    local_text,
    residents,
    select_id,
)

ANSWERS = (("going", "Going"), ("maybe", "Maybe"), ("not_going", "Not going"))
STATUS_TEXT = {"going": "Going", "waitlisted": "Waitlisted", "maybe": "Maybe",
               "not_going": "Not going"}
ANSWER_RANK = {"going": 0, "waitlisted": 1, "maybe": 2, "not_going": 3}
GREY = QColor("#9ca3af")


def started(event: EventOut) -> bool:
    return event.date_time <= datetime.now(UTC)


def event_order(event: EventOut) -> tuple[int, float]:
    """Upcoming first, soonest first; then the past ones, latest first."""
    stamp = event.date_time.timestamp()
    return (1, -stamp) if started(event) else (0, stamp)


def capacity_text(event: EventOut) -> str:
    return "no limit" if event.max_attendees is None else str(event.max_attendees)


class EventDialog(FormDialog):
    def __init__(self, ctx: AppContext, places: Places, *, property_id: uuid.UUID | None,
                 existing: EventOut | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Edit event" if existing else "New event", parent, runner=ctx)
        self.ctx = ctx
        self.existing = existing
        self.property_id = QComboBox()
        for prop_id, name in sorted(places.properties.items(), key=lambda p: p[1].casefold()):
            self.property_id.addItem(name, str(prop_id))
        select_id(self.property_id, existing.property_id if existing else property_id)
        self.property_id.setEnabled(existing is None)
        self.title = QLineEdit(existing.title if existing else "")
        self.title.setPlaceholderText("e.g. Rooftop dinner")
        self.description = QPlainTextEdit(existing.description or "" if existing else "")
        self.description.setFixedHeight(70)
        self.date_time = DateTimeField(existing.date_time if existing else None)
        self.ends_at = DateTimeField(existing.ends_at if existing else None, optional=True,
                                     none_text="Has an end time")
        self.location = QLineEdit(existing.location or "" if existing else "")
        self.location.setPlaceholderText("e.g. the rooftop (the property when empty)")
        self.max_attendees = QSpinBox()
        self.max_attendees.setRange(0, 100_000)
        self.max_attendees.setSpecialValueText("no limit")
        self.max_attendees.setValue(existing.max_attendees or 0 if existing else 0)
        self.fields.add("property_id", "Property", self.property_id)
        self.fields.add("title", "Title", self.title)
        self.fields.add("date_time", "Starts", self.date_time)
        self.fields.add("ends_at", "Ends", self.ends_at)
        self.fields.add("location", "Place", self.location)
        self.fields.add("max_attendees", "Capacity", self.max_attendees)
        self.fields.add("description", "Description", self.description)
        self.finish_layout()

    def build_input(self) -> Any:
        values: dict[str, Any] = dict(
            title=self.title.text(), description=self.description.toPlainText() or None,
            date_time=self.date_time.value(), ends_at=self.ends_at.value(),
            location=self.location.text() or None,
            max_attendees=self.max_attendees.value() or None)
        if self.existing is not None:
            return build(EventUpdate, **values, expected_version=self.existing.version)
        return build(EventCreate, **values, property_id=chosen(self.property_id))

    def save(self, data: Any) -> EventOut:
        db, actor = self.ctx.db, self.ctx.actor
        if self.existing is None:
            return community.add_event(db, actor, data)
        return community.update_event(db, actor, self.existing.id, data)

    def reload(self) -> EventOut | None:
        if self.existing is None:
            return None
        return community.get_event(self.ctx.db, self.ctx.actor, self.existing.id)

    def refill(self, record: EventOut) -> None:
        self.title.setText(record.title)
        self.description.setPlainText(record.description or "")
        self.date_time.set_value(record.date_time)
        self.ends_at.set_value(record.ends_at)
        self.location.setText(record.location or "")
        self.max_attendees.setValue(record.max_attendees or 0)


class RsvpDialog(FormDialog):
    """A tenant's answer: the tenant picked among the property's residents (fixed when the
    answer is changed)."""

    def __init__(self, ctx: AppContext, event: EventOut, *, existing: RsvpOut | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Change answer" if existing else "Add RSVP", parent, runner=ctx)
        self.ctx = ctx
        self.chosen_event = event
        self.tenant_id = QComboBox()
        self.tenant_id.setObjectName("tenant_id")
        if existing is not None:
            self.tenant_id.addItem(existing.tenant_name, str(existing.tenant_id))
            self.tenant_id.setEnabled(False)
        else:
            self.tenant_id.setEnabled(False)  # until the residents are in
            ctx.run_task(lambda: residents(ctx, property_id=event.property_id), self._residents)
        self.answer = QComboBox()
        for key, label in ANSWERS:
            self.answer.addItem(label, key)
        if existing is not None and existing.status in dict(ANSWERS):
            self.answer.setCurrentIndex(self.answer.findData(existing.status))
        self.fields.add("tenant_id", "Tenant", self.tenant_id)
        self.fields.add("answer", "Answer", self.answer)
        note = muted(f"{event.going} going, no limit." if event.max_attendees is None else
                     f"{event.going} going of {event.max_attendees} places: beyond them a "
                     "yes joins the waitlist.")
        self.form.addRow("", note)
        self.finish_layout()

    def _residents(self, rows: Any, error: BaseException | None) -> None:
        import shiboken6

        if not shiboken6.isValid(self):
            return
        if error is not None:
            self.show_banner(str(error))
            return
        for row in rows:
            self.tenant_id.addItem(f"{row.tenant_name} ({row.unit_number}-{row.room_number})",
                                   str(row.tenant_id))
        self.tenant_id.setEnabled(True)
        if not rows:
            self.fields.set_error("tenant_id", "Nobody lives in this property")

    def build_input(self) -> Any:
        tenant = chosen(self.tenant_id)
        if tenant is None:
            from coliv_desktop.domain.errors import ValidationError

            raise ValidationError("tenant_id", "choose the tenant")
        return tenant, str(self.answer.currentData())

    def save(self, data: Any) -> RsvpOut:
        tenant, answer = data
        return community.rsvp(self.ctx.db, self.ctx.actor, self.chosen_event.id, tenant, answer)


def answer_order(row: tuple[RsvpOut, int | None]) -> tuple[int, float]:
    """As the service lists them: going, the waitlist in its order, maybe, not going."""
    answer = row[0]
    return (ANSWER_RANK.get(answer.status, 4), answer.answered_at.timestamp())


def rsvp_rows(rows: list[RsvpOut]) -> list[tuple[RsvpOut, int | None]]:
    """Each answer with its place on the waitlist (1 is next), in the service's order."""
    out: list[tuple[RsvpOut, int | None]] = []
    place = 0
    for row in rows:
        if row.status == "waitlisted":
            place += 1
            out.append((row, place))
        else:
            out.append((row, None))
    return out


class EventsTab(CommunityTab):
    title = "Events"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.chosen_event: EventOut | None = None
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.new_button = tool_button("New…", "add", "Plan an event (Ctrl+N)", self.new,
                                      allowed=ctx.allows(WRITE))
        self.new_button.setObjectName("new_event")
        self.edit_button = tool_button("Edit…", "edit", "Edit the selected event", self.edit,
                                       allowed=ctx.allows(WRITE))
        self.archive_button = tool_button("Call off", "archive", "Call the selected event off "
                                          "(Delete); its answers are kept", self.delete,
                                          allowed=ctx.allows(WRITE))
        self.flyer_button = tool_button("Flyer…", "leases", "The selected event's flyer: "
                                        "preview, print or save", self.flyer)
        self.flyer_button.setObjectName("event_flyer")
        for button in (self.new_button, self.edit_button, self.archive_button,
                       self.flyer_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.show_archived = QCheckBox("Show called off")
        self.show_archived.toggled.connect(lambda *_: self.reload())
        buttons.addWidget(self.show_archived)
        layout.addLayout(buttons)
        self.model: RowTableModel[EventOut] = RowTableModel([
            Column("order", "Upcoming first", event_order, visible=False, display=lambda e: ""),
            Column("when", "When", lambda e: e.date_time, width=125,
                   display=lambda e: local_text(e.date_time)),
            Column("title", "Title", lambda e: e.title, width=200),
            Column("going", "Going", lambda e: e.going, kind="int", width=50),
            Column("capacity", "Capacity", lambda e: e.max_attendees, width=65,
                   display=capacity_text),
            Column("waitlisted", "Waitlisted", lambda e: e.waitlisted, kind="int", width=70),
            Column("maybe", "Maybe", lambda e: e.maybe, kind="int", width=50),
            Column("property", "Property", lambda e: self.places.properties.get(
                e.property_id, ""), width=130),
            Column("place", "Place", lambda e: e.location or self.places.properties.get(
                e.property_id, "")),
        ], style=lambda e: (GREY if started(e) or e.archived_at else None, False))
        self.view = ListView(self.model, ctx.settings, "events")
        self.view.doubleClicked.connect(lambda *_: self.edit())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.search = list_filter([self.view], "Search the events")
        layout.addWidget(self.search)
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.view, 1)
        self.empty = empty_state("No events. Plan one with New… (Ctrl+N).")
        self.empty.setObjectName("events_empty")
        top_layout.addWidget(self.empty, 1)
        split.addWidget(top)
        split.addWidget(self._build_answers())
        split.setSizes([260, 240])
        layout.addWidget(split, 1)
        self._selected()

    def _build_answers(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.answers_title = heading("Answers", 12)
        head.addWidget(self.answers_title, 1)
        layout.addLayout(head)
        buttons = QHBoxLayout()  # a row of their own: a long title pushes nothing off
        self.add_rsvp_button = tool_button("Add RSVP…", "add", "A tenant's answer",
                                           self.add_rsvp, allowed=self.ctx.allows(WRITE))
        self.add_rsvp_button.setObjectName("add_rsvp")
        self.change_button = tool_button("Change answer…", "edit", "Change the selected "
                                         "tenant's answer (a place freed goes to the waitlist)",
                                         self.change_answer, allowed=self.ctx.allows(WRITE))
        self.change_button.setObjectName("change_answer")
        self.came_button = tool_button("Came", "tenants", "After the event: the selected "
                                       "tenant came", lambda: self.attendance(True),
                                       allowed=self.ctx.allows(WRITE))
        self.missed_button = tool_button("Did not come", "archive", "After the event: the "
                                         "selected tenant did not come",
                                         lambda: self.attendance(False),
                                         allowed=self.ctx.allows(WRITE))
        for button in (self.add_rsvp_button, self.change_button, self.came_button,
                       self.missed_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.rsvp_note = QLabel()
        self.rsvp_note.setObjectName("rsvp_note")
        self.rsvp_note.setStyleSheet("color: #0969da;")
        self.rsvp_note.hide()
        layout.addWidget(self.rsvp_note)
        self.rsvp_model: RowTableModel[tuple[RsvpOut, int | None]] = RowTableModel([
            Column("order", "Going, then the waitlist", answer_order, visible=False,
                   display=lambda r: ""),
            Column("tenant", "Tenant", lambda r: r[0].tenant_name, width=200),
            Column("answer", "Answer", lambda r: STATUS_TEXT.get(r[0].status, r[0].status),
                   width=100),
            Column("waitlist", "Waitlist place", lambda r: r[1], kind="int", width=95),
            Column("answered", "Answered", lambda r: r[0].answered_at, width=130,
                   display=lambda r: local_text(r[0].answered_at)),
            Column("attended", "Attended", lambda r: r[0].attended, width=80,
                   display=lambda r: {True: "Came", False: "Did not come"}.get(
                       r[0].attended, "") if r[0].attended is not None else ""),
        ])
        self.rsvp_view = ListView(self.rsvp_model, self.ctx.settings, "event_rsvps")
        self.rsvp_search = list_filter([self.rsvp_view], "Find an answer")
        self.rsvp_search.setMaximumWidth(220)
        buttons.addWidget(self.rsvp_search)
        self.rsvp_view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        layout.addWidget(self.rsvp_view, 1)
        return box

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        prop, archived = self.property_id, self.show_archived.isChecked()
        self.worker.load(lambda: community.list_events(db, actor, prop,
                                                       include_archived=archived), self._fill)

    def _fill(self, rows: list[EventOut]) -> None:
        self.model.set_rows(rows)
        self.view.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._selected()

    def selected(self) -> EventOut | None:
        row = self.view.current_row()
        return row if isinstance(row, EventOut) else None

    def selected_rsvp(self) -> RsvpOut | None:
        row = self.rsvp_view.current_row()
        return row[0] if isinstance(row, tuple) else None

    def _selected(self) -> None:
        event = self.selected()
        self.chosen_event = event
        if event is None:
            self.answers_title.setText("Answers")
            self.rsvp_model.set_rows([])
            self._enable()
            return
        self.answers_title.setText(f"Answers to {event.title}")
        self._load_rsvps(event.id)

    def _load_rsvps(self, event_id: uuid.UUID) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def show(rows: list[RsvpOut]) -> None:
            if self.chosen_event is not None and self.chosen_event.id == event_id:
                self.rsvp_model.set_rows(rsvp_rows(rows))
                self._enable()

        self.worker.load(lambda: community.list_rsvps(db, actor, event_id), show)

    def _enable(self) -> None:
        event = self.chosen_event
        answer = self.selected_rsvp()
        live = event is not None and event.archived_at is None
        for button in (self.edit_button, self.archive_button, self.flyer_button):
            button.setEnabled(event is not None)
        self.archive_button.setText("Put back" if event is not None and event.archived_at
                                    else "Call off")
        self.add_rsvp_button.setEnabled(live)
        self.change_button.setEnabled(live and answer is not None)
        after = event is not None and started(event)
        self.came_button.setEnabled(after and answer is not None)
        self.missed_button.setEnabled(after and answer is not None)

    # --- commands ----------------------------------------------------------------------------

    def new(self) -> None:
        self._open(None)

    def edit(self) -> None:
        if self.chosen_event is not None and self.may_write():
            self._open(self.chosen_event)

    def _open(self, existing: EventOut | None) -> None:
        dialog = EventDialog(self.ctx, self.places, property_id=self.property_id,
                             existing=existing, parent=self)
        if self.worker.run_dialog(dialog) == QDialog.DialogCode.Accepted:
            self.reload()

    def delete(self) -> None:
        event = self.chosen_event
        if event is None or not self.may_write():
            return
        db, actor = self.ctx.db, self.ctx.actor
        off = event.archived_at is None
        if off and not self.worker.confirm("Call off", f"Call {event.title!r} off? Its answers "
                                           "are kept; Put back brings it back."):
            return
        self.worker.run(lambda: community.set_event_archived(db, actor, event.id, off),
                        lambda _: self.reload(), "Not changed")

    def add_rsvp(self) -> None:
        if self.chosen_event is not None:
            self._answer(RsvpDialog(self.ctx, self.chosen_event, parent=self))

    def change_answer(self) -> None:
        answer = self.selected_rsvp()
        if self.chosen_event is not None and answer is not None:
            self._answer(RsvpDialog(self.ctx, self.chosen_event, existing=answer, parent=self))

    def _answer(self, dialog: RsvpDialog) -> None:
        if self.worker.run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return
        saved = dialog.saved
        if isinstance(saved, RsvpOut):
            text = f"{saved.tenant_name}: {STATUS_TEXT.get(saved.status, saved.status)}"
            if saved.status == "waitlisted":
                text += " (the event is full: on the waitlist, moves up when a place frees)"
            self.rsvp_note.setText(text)
            self.rsvp_note.show()
            self.ctx.bus.status_message.emit(text)
        self.reload()

    def attendance(self, came: bool) -> None:
        event, answer = self.chosen_event, self.selected_rsvp()
        if event is None or answer is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.worker.run(lambda: community.record_attendance(db, actor, event.id,
                                                            answer.tenant_id, came),
                        lambda _: self._load_rsvps(event.id), "Not recorded")

    def flyer(self) -> None:
        from coliv_desktop.ui.ledger.views import preview_pdf

        event = self.chosen_event
        if event is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        preview_pdf(self.ctx, self, f"Flyer: {event.title}",
                    lambda path: community.flyer_pdf(db, actor, event.id, path))

    def prepare_screenshot(self) -> None:
        if self.model.rows:
            self.view.selectRow(0)
