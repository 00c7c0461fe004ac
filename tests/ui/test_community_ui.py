"""The Community pane driven as an operator would (issue 14, items 5-8): announcements, events
with a waitlist, the house board's moderation, roommate conflicts with their log; the tenant
record and the Applications pane show the conflicts. Every read and write runs in a worker
(the GUI-thread guard of tests/ui/conftest.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from coliv_desktop.schemas import build
from coliv_desktop.schemas.community import ConflictCreate
from coliv_desktop.services import community, conflicts, matching
from coliv_desktop.ui.common.models.table import FOREGROUND
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.community.announcements import AnnouncementDialog
from coliv_desktop.ui.community.board import PostDialog
from coliv_desktop.ui.community.conflicts import ConflictDialog
from coliv_desktop.ui.community.events import EventDialog, RsvpDialog
from coliv_desktop.ui.community.pane import CommunityPane
from coliv_desktop.ui.shell.actions import Editing
from coliv_desktop.ui.shell.main_window import MainWindow
from tests.builders import Flow41, flow_41, lease, tenant
from tests.ui.helpers import (
    DialogDriver,
    click,
    menu_action,
    off_the_gui_thread,
    settle,
    type_into,
)


@dataclass
class House:
    flow: Flow41
    people: dict[str, uuid.UUID]


@pytest.fixture
def house(window: MainWindow) -> House:
    db, actor = window.ctx.db, window.ctx.actor
    flow = flow_41(db, actor)
    people = {}
    for name, room in [("Zoë", "3B-A"), ("Иван", "3B-B"), ("Mia", "3B-C")]:
        people[name] = tenant(db, actor, name)
        lease(db, actor, flow.rooms[room], people[name], date(2025, 1, 1))
    window.ctx.bus.portfolio_changed.emit()
    settle(window)
    return House(flow, people)


def open_pane(window: MainWindow, tab: str) -> CommunityPane:
    menu_action(window, "pane_community").trigger()
    settle(window)
    pane = window.pane("community")
    assert isinstance(pane, CommunityPane)
    pane.show_view(tab)
    settle(window)
    return pane


def choose_text(combo: QComboBox, starts: str) -> None:
    for index in range(combo.count()):
        if combo.itemText(index).strip().startswith(starts):
            combo.setCurrentIndex(index)
            return
    raise AssertionError(f"no {starts!r} in {[combo.itemText(i) for i in range(combo.count())]}")


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def previews(monkeypatch: pytest.MonkeyPatch) -> list[PdfPreview]:
    opened: list[PdfPreview] = []
    monkeypatch.setattr(PdfPreview, "open", lambda self: opened.append(self))
    return opened


def drive(monkeypatch: pytest.MonkeyPatch, driver: DialogDriver) -> None:
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))


def test_an_announcement_added_is_listed_archived_and_printed(
        qtbot: QtBot, window: MainWindow, house: House,
        monkeypatch: pytest.MonkeyPatch) -> None:
    pane = open_pane(window, "announcements")
    tab = pane.announcements
    assert tab.empty.isVisibleTo(tab) and not tab.view.isVisibleTo(tab)

    def fill(dialog: AnnouncementDialog) -> None:
        choose_text(dialog.audience, "Downtown Loft · unit 3B")
        dialog.title.insert("Вода: water off on Tuesday")  # pasted (QTest types ASCII only)
        type_into(qtbot, dialog.message, "From 9 to 11, for the boiler.")
        dialog.priority.setCurrentIndex(dialog.priority.findData("urgent"))
        click(qtbot, dialog.save_button)

    def plain(dialog: AnnouncementDialog) -> None:
        type_into(qtbot, dialog.title, "Welcome to the house")
        type_into(qtbot, dialog.message, "Say hello.")
        click(qtbot, dialog.pinned)
        click(qtbot, dialog.save_button)

    drive(monkeypatch, DialogDriver(qtbot).then(fill).then(plain))
    click(qtbot, tab.new_button)
    settle(window)
    # Ctrl+N in the pane: a new item of the tab shown (not File > New Database)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    settle(window)
    assert [a.title for a in tab.model.rows] == ["Welcome to the house",
                                                 "Вода: water off on Tuesday"]
    shown = tab.view.model()
    assert shown.index(0, tab.model.column_index("title")).data() == "Welcome to the house"
    assert shown.index(1, tab.model.column_index("to")).data() == "Unit Downtown Loft · 3B"
    assert tab.view.isVisibleTo(tab) and not tab.empty.isVisibleTo(tab)
    tab.search.setText("boiler")
    assert shown.rowCount() == 1
    tab.search.clear()

    opened = previews(monkeypatch)
    assert tab.view.select_where(lambda a: a.title.startswith("Вода"))
    click(qtbot, tab.notice_button)
    settle(window)
    [preview] = opened
    text = pdf_text(preview.path)
    assert "Вода: water off on Tuesday" in text and "Residents of Downtown Loft, unit 3B" in text

    # Delete archives: gone from the list, back greyed with "Show expired"
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    settle(window)
    assert [a.title for a in tab.model.rows] == ["Welcome to the house"]
    click(qtbot, tab.show_expired)
    settle(window)
    assert len(tab.model.rows) == 2
    gone = next(i for i, a in enumerate(tab.model.rows) if a.archived_at is not None)
    assert tab.model.index(gone, 0).data(FOREGROUND) is not None


def test_an_event_full_at_one_waitlists_the_second_who_moves_up(
        qtbot: QtBot, window: MainWindow, house: House,
        monkeypatch: pytest.MonkeyPatch) -> None:
    pane = open_pane(window, "events")
    tab = pane.events

    def plan(dialog: EventDialog) -> None:
        dialog.title.insert("Ужин на крыше")
        type_into(qtbot, dialog.location, "Rooftop")
        type_into(qtbot, dialog.max_attendees, "1")
        click(qtbot, dialog.save_button)

    def answer(name: str, what: str) -> Any:
        def handler(dialog: RsvpDialog) -> None:
            if dialog.tenant_id.isEnabled():
                choose_text(dialog.tenant_id, name)
            dialog.answer.setCurrentIndex(dialog.answer.findData(what))
            click(qtbot, dialog.save_button)
        return handler

    drive(monkeypatch, DialogDriver(qtbot).then(plan).then(answer("Zoë", "going"))
          .then(answer("Иван", "going")).then(answer("Zoë", "not_going")))
    click(qtbot, tab.new_button)
    settle(window)
    [event] = tab.model.rows
    assert (event.title, event.max_attendees) == ("Ужин на крыше", 1)
    assert tab.view.select_where(lambda e: e.id == event.id)
    settle(window)
    click(qtbot, tab.add_rsvp_button)
    settle(window)
    assert tab.rsvp_note.text() == "Zoë Tester: Going"
    click(qtbot, tab.add_rsvp_button)
    settle(window)
    assert tab.rsvp_note.text().startswith("Иван Tester: Waitlisted")

    def answers() -> list[tuple[Any, ...]]:
        model = tab.rsvp_view.model()
        return [tuple(model.index(r, tab.rsvp_model.column_index(k)).data()
                      for k in ("tenant", "answer", "waitlist"))
                for r in range(model.rowCount())]

    assert answers() == [("Zoë Tester", "Going", ""), ("Иван Tester", "Waitlisted", "1")]
    counts = tab.view.model()
    assert counts.index(0, tab.model.column_index("going")).data() == "1"
    assert counts.index(0, tab.model.column_index("waitlisted")).data() == "1"
    assert counts.index(0, tab.model.column_index("capacity")).data() == "1"

    assert tab.rsvp_view.select_where(lambda r: r[0].tenant_name == "Zoë Tester")
    assert not tab.came_button.isEnabled()  # attendance only after the event
    click(qtbot, tab.change_button)
    settle(window)
    assert answers() == [("Иван Tester", "Going", ""), ("Zoë Tester", "Not going", "")]

    opened = previews(monkeypatch)
    click(qtbot, tab.flyer_button)
    settle(window)
    [preview] = opened
    assert "Ужин на крыше" in pdf_text(preview.path)


def test_a_post_is_hidden_with_its_reason_and_shown_again(
        qtbot: QtBot, window: MainWindow, house: House,
        monkeypatch: pytest.MonkeyPatch) -> None:
    pane = open_pane(window, "board")
    tab = pane.board

    def post(dialog: PostDialog) -> None:
        choose_text(dialog.author_id, "Иван")
        dialog.category.setCurrentIndex(dialog.category.findData("marketplace"))
        type_into(qtbot, dialog.content, "Selling a bike, 50")
        click(qtbot, dialog.save_button)

    drive(monkeypatch, DialogDriver(qtbot).then(post))
    click(qtbot, tab.new_button)
    settle(window)
    [row] = tab.model.rows
    assert (row.author_name, row.category, row.visible) == ("Иван Tester", "marketplace", True)

    monkeypatch.setattr(Editing, "ask_text", lambda self, title, label: "Selling is not "
                        "allowed on the board")
    assert tab.view.select_where(lambda p: True)
    click(qtbot, tab.hide_button)
    settle(window)
    [row] = tab.model.rows
    assert not row.visible
    assert tab.view.model().index(0, tab.model.column_index("hidden")).data() == \
        "Selling is not allowed on the board"
    assert tab.model.index(0, 0).data(FOREGROUND) is not None  # greyed
    assert tab.view.select_where(lambda p: True)
    assert tab.show_button.isEnabled() and not tab.hide_button.isEnabled()
    click(qtbot, tab.show_button)
    settle(window)
    assert tab.model.rows[0].visible

    opened = previews(monkeypatch)
    pane.property_filter.setCurrentIndex(pane.property_filter.findText("Downtown Loft"))
    settle(window)
    click(qtbot, tab.newsletter_button)
    settle(window)
    [preview] = opened
    text = pdf_text(preview.path)
    assert "Selling a bike, 50" in text and "Иван Tester" in text


def test_a_conflict_reported_moves_through_its_statuses_with_notes(
        qtbot: QtBot, window: MainWindow, house: House,
        monkeypatch: pytest.MonkeyPatch) -> None:
    pane = open_pane(window, "conflicts")
    tab = pane.conflicts

    def report(dialog: ConflictDialog) -> None:
        choose_text(dialog.unit_id, "Downtown Loft · 3B")
        settle(window)
        assert dialog.parties.count() == 3
        dialog.check_party("Zoë")
        click(qtbot, dialog.save_button)  # one person is no conflict
        assert "two" in dialog.fields.error("parties")
        dialog.check_party("Иван")
        dialog.conflict_type.setCurrentIndex(dialog.conflict_type.findData("noise"))
        dialog.severity.setCurrentIndex(dialog.severity.findData("high"))
        type_into(qtbot, dialog.description, "Music after midnight")
        click(qtbot, dialog.save_button)

    drive(monkeypatch, DialogDriver(qtbot).then(report))
    click(qtbot, tab.new_button)
    settle(window)
    [row] = tab.model.rows
    shown = tab.view.model()
    assert shown.index(0, tab.model.column_index("parties")).data() == \
        "Zoë Tester, Иван Tester"
    assert shown.index(0, tab.model.column_index("unit")).data() == "Downtown Loft · 3B"
    assert tab.view.select_where(lambda c: True)
    settle(window)
    assert tab.documents_box.isVisibleTo(tab) and tab.documents.kind == "conflict"

    def enabled() -> set[str]:
        return {s for s, b in tab.move_buttons.items() if b.isEnabled()}

    assert enabled() == {"mediating", "resolved", "escalated"}
    click(qtbot, tab.move_buttons["mediating"])
    settle(window)
    assert tab.conflict is not None and tab.conflict.status == "mediating"
    assert enabled() == {"resolved", "escalated"}
    monkeypatch.setattr(Editing, "ask_text", lambda self, title, label: "Agreed: quiet at 11")
    click(qtbot, tab.note_button)
    settle(window)
    assert [n.text for n in tab.log_model.rows][-1] == "Agreed: quiet at 11"
    click(qtbot, tab.move_buttons["resolved"])  # the outcome asked is the same answer
    settle(window)
    assert tab.conflict is not None and tab.conflict.status == "resolved"
    assert tab.conflict.outcome == "Agreed: quiet at 11"
    assert enabled() == {"open"}
    moves = [(n.from_status, n.to_status) for n in tab.log_model.rows]
    assert moves == [(None, "open"), ("open", "mediating"), (None, None),
                     ("mediating", "resolved")]
    click(qtbot, tab.move_buttons["open"])
    settle(window)
    assert tab.conflict is not None and tab.conflict.status == "open"


def test_a_viewer_sees_no_write_buttons(window: MainWindow, house: House) -> None:
    from coliv_desktop.services.context import Actor
    from coliv_desktop.services.databases import OpenedDatabase

    ctx = window.ctx
    actor = ctx.actor
    ctx.set_database(OpenedDatabase(ctx.db, Actor(actor.user_id, actor.operator_id, "Viewer",
                                                  "viewer"), "USD", "en_US"))
    settle(window)
    pane = open_pane(window, "conflicts")
    for button in (pane.announcements.new_button, pane.events.add_rsvp_button,
                   pane.board.hide_button, pane.conflicts.new_button,
                   pane.conflicts.move_buttons["resolved"]):
        assert not button.isVisibleTo(pane)
    assert pane.announcements.notice_button.isVisibleTo(pane.announcements)


def _report(window: MainWindow, unit: uuid.UUID, parties: list[uuid.UUID]) -> None:
    conflicts.report_conflict(window.ctx.db, window.ctx.actor, build(
        ConflictCreate, unit_id=unit, parties=parties, conflict_type="noise", severity="high",
        description="Music after midnight"))


def test_the_tenant_record_shows_the_tenants_conflicts(
        qtbot: QtBot, window: MainWindow, house: House) -> None:
    _report(window, house.flow.unit_3b, [house.people["Zoë"], house.people["Иван"]])
    menu_action(window, "pane_tenants").trigger()
    settle(window)
    record = window.pane("tenants").record  # type: ignore[attr-defined]
    record.show_tenant(house.people["Иван"])
    settle(window)
    qtbot.waitUntil(lambda: record.tenant is not None, timeout=5000)
    [shown] = record.conflict_model.rows
    assert (shown.category, shown.severity, shown.status, shown.others) == (
        "noise", "high", "open", ["Zoë Tester"])
    assert record.conflict_view.isVisibleTo(record) and not record.no_conflicts.isVisibleTo(
        record)
    record.show_tenant(house.people["Mia"])
    settle(window)
    assert record.conflict_model.rows == []
    assert record.no_conflicts.isVisibleTo(record)


def test_the_applications_view_shows_a_housemates_open_conflicts(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.ui.applications.pane import ApplicationsPane
    from tests.flow42 import MOVE_IN, apply, flow_42

    monkeypatch.setenv("COLIV_TODAY", MOVE_IN.isoformat())
    db, actor = window.ctx.db, window.ctx.actor
    loft = flow_42(db, actor)
    _report(window, loft.units["3B"], [loft.tenants["Mike"], loft.tenants["Jessica"]])
    sarah = apply(db, actor)
    before = [(c.room_id, c.score)
              for c in matching.get_matches(db, actor, sarah.id).candidates]
    menu_action(window, "pane_applications").trigger()
    settle(window)
    pane = window.pane("applications")
    assert isinstance(pane, ApplicationsPane)
    assert pane.list.select_where(lambda r: r.id == sarah.id)
    settle(window)
    view = pane.detail
    assert view.view.select_where(lambda c: c.room_label == "3B-A")
    settle(window)
    text = view.detail.text()
    assert "Mike Resident</a> (3B-B)" in text and "1 open conflict (noise, high)" in text
    assert text.count("open conflict") == 2  # Mike and Jessica; Tom has none
    row = next(i for i, c in enumerate(view.model.rows) if c.room_label == "3B-A")
    assert view.model.index(row, view.model.column_index("roommates")).data() == \
        "Mike 83 ⚠, Jessica 79 ⚠, Tom 100"
    assert [(c.room_id, c.score) for c in view.model.rows] == before  # display only


def test_the_waitlist_order_is_the_services(window: MainWindow, house: House) -> None:
    """The answers list keeps the service's order (going, then the queue) whatever the
    header sorted last."""
    from coliv_desktop.schemas.community import EventCreate

    db, actor = window.ctx.db, window.ctx.actor
    event = community.add_event(db, actor, build(
        EventCreate, property_id=house.flow.property_id, title="Games night",
        date_time="2030-01-01 19:00", max_attendees=1))
    for name in ("Mia", "Zoë", "Иван"):
        community.rsvp(db, actor, event.id, house.people[name], "going")
    pane = open_pane(window, "events")
    tab = pane.events
    assert tab.view.select_where(lambda e: e.id == event.id)
    settle(window)
    model = tab.rsvp_view.model()
    names = [model.index(r, tab.rsvp_model.column_index("tenant")).data()
             for r in range(model.rowCount())]
    assert names == ["Mia Tester", "Zoë Tester", "Иван Tester"]
    places = [model.index(r, tab.rsvp_model.column_index("waitlist")).data()
              for r in range(model.rowCount())]
    assert places == ["", "1", "2"]


def test_an_announcement_edited_meanwhile_is_reloaded_then_saved(
        qtbot: QtBot, window: MainWindow, house: House,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from coliv_desktop.schemas.community import AnnouncementCreate, AnnouncementUpdate
    from coliv_desktop.ui.common import forms
    from coliv_desktop.ui.community.common import load_places

    db, actor = window.ctx.db, window.ctx.actor
    posted = community.add_announcement(db, actor, build(
        AnnouncementCreate, title="Bins on Friday", message="Out Thursday night."))
    choices = [forms.RELOAD]
    monkeypatch.setattr(forms.FormDialog, "resolve_conflict", lambda self, exc: choices.pop(0))
    places = off_the_gui_thread(load_places, window.ctx)  # (a UI module's read)
    dialog = AnnouncementDialog(window.ctx, places, property_id=None, existing=posted)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.title, "Bins on Saturday")
    community.update_announcement(db, actor, posted.id, build(  # another desk, meanwhile
        AnnouncementUpdate, title="Bins on Monday", expected_version=posted.version))
    click(qtbot, dialog.save_button)
    settle(window)
    assert dialog.isVisible() and dialog.title.text() == "Bins on Monday"
    type_into(qtbot, dialog.title, "Bins on Sunday")
    click(qtbot, dialog.save_button)
    settle(window)
    assert dialog.result() == 1
    assert community.get_announcement(db, actor, posted.id).title == "Bins on Sunday"


def test_attendance_is_marked_after_the_event(
        qtbot: QtBot, window: MainWindow, house: House) -> None:
    from coliv_desktop.schemas.community import EventCreate

    db, actor = window.ctx.db, window.ctx.actor
    event = community.add_event(db, actor, build(
        EventCreate, property_id=house.flow.property_id, title="Last week's dinner",
        date_time="2025-06-01 19:00"))
    community.rsvp(db, actor, event.id, house.people["Mia"], "going")
    tab = open_pane(window, "events").events
    assert tab.view.select_where(lambda e: e.id == event.id)
    settle(window)
    assert tab.rsvp_view.select_where(lambda r: True)
    assert tab.came_button.isEnabled()
    click(qtbot, tab.came_button)
    settle(window)
    model = tab.rsvp_view.model()
    assert model.index(0, tab.rsvp_model.column_index("attended")).data() == "Came"
