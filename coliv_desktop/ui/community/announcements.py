"""Announcements: to everyone, a property or a unit; pinned first, expired ones greyed and
listed only on request; new, edit, archive and the printed notice."""

from __future__ import annotations

import uuid
from html import escape
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
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas import build
from coliv_desktop.schemas.community import (
    AnnouncementCreate,
    AnnouncementOut,
    AnnouncementUpdate,
)
from coliv_desktop.services import community
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, empty_state, list_filter, tool_button
from coliv_desktop.ui.community.common import WRITE, CommunityTab, Places

PRIORITIES = (("normal", "Normal"), ("important", "Important"), ("urgent", "Urgent"))
RANK = {"urgent": 0, "important": 1, "normal": 2}
GREY = QColor("#9ca3af")


def is_current(a: AnnouncementOut) -> bool:
    return a.archived_at is None and (a.expires_on is None or a.expires_on >= today())


def list_order(a: AnnouncementOut) -> tuple[bool, int, float]:
    """Pinned first, then the most pressing, then the newest (as the service lists them)."""
    return (not a.pinned, RANK.get(a.priority, 3), -a.created_at.timestamp())


def audience(a: AnnouncementOut, places: Places) -> str:
    if a.unit_id is not None:
        return f"Unit {places.unit_label(a.unit_id)}"
    if a.property_id is not None:
        return places.properties.get(a.property_id, "a property")
    return "Everyone"


class AnnouncementDialog(FormDialog):
    def __init__(self, ctx: AppContext, places: Places, *, property_id: uuid.UUID | None,
                 existing: AnnouncementOut | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit announcement" if existing else "New announcement", parent,
                         runner=ctx, save_text="Save" if existing else "Post")
        self.ctx = ctx
        self.existing = existing
        self.audience = QComboBox()
        self.audience.addItem("Everyone", "")
        for prop_id, name in sorted(places.properties.items(), key=lambda p: p[1].casefold()):
            self.audience.addItem(name, f"p:{prop_id}")
            for unit_id, (owner, number) in sorted(places.units.items(), key=lambda u: u[1][1]):
                if owner == prop_id:
                    self.audience.addItem(f"    {name} · unit {number}", f"u:{unit_id}")
        if existing is not None:
            target = (f"u:{existing.unit_id}" if existing.unit_id else
                      f"p:{existing.property_id}" if existing.property_id else "")
            self.audience.setCurrentIndex(max(self.audience.findData(target), 0))
            self.audience.setEnabled(False)  # who it is for is fixed once posted
            self.audience.setToolTip("Post a new announcement to reach other residents")
        elif property_id is not None:
            self.audience.setCurrentIndex(max(self.audience.findData(f"p:{property_id}"), 0))
        self.title = QLineEdit(existing.title if existing else "")
        self.title.setPlaceholderText("e.g. Water off on Tuesday morning")
        self.message = QPlainTextEdit(existing.message if existing else "")
        self.message.setMinimumHeight(110)
        self.priority = QComboBox()
        for key, label in PRIORITIES:
            self.priority.addItem(label, key)
        select_id_text(self.priority, existing.priority if existing else "normal")
        self.pinned = QCheckBox("Pinned (listed first)")
        self.pinned.setChecked(bool(existing and existing.pinned))
        self.expires_on = DateField(existing.expires_on if existing else None, optional=True,
                                    none_text="Expires on a day")
        self.fields.add("audience", "To", self.audience, aliases=("property_id", "unit_id"))
        self.fields.add("title", "Title", self.title)
        self.fields.add("message", "Message", self.message)
        self.fields.add("priority", "Priority", self.priority)
        self.fields.add("pinned", "", self.pinned)
        self.fields.add("expires_on", "Expires", self.expires_on)
        self.finish_layout()

    def build_input(self) -> Any:
        values: dict[str, Any] = dict(
            title=self.title.text(), message=self.message.toPlainText(),
            priority=self.priority.currentData(), pinned=self.pinned.isChecked(),
            expires_on=self.expires_on.value())
        if self.existing is not None:
            return build(AnnouncementUpdate, **values,
                         expected_version=self.existing.version)
        target = str(self.audience.currentData() or "")
        kind, _, ident = target.partition(":")
        return build(AnnouncementCreate, **values,
                     property_id=uuid.UUID(ident) if kind == "p" else None,
                     unit_id=uuid.UUID(ident) if kind == "u" else None)

    def save(self, data: Any) -> AnnouncementOut:
        db, actor = self.ctx.db, self.ctx.actor
        if self.existing is None:
            return community.add_announcement(db, actor, data)
        return community.update_announcement(db, actor, self.existing.id, data)

    def reload(self) -> AnnouncementOut | None:
        if self.existing is None:
            return None
        return community.get_announcement(self.ctx.db, self.ctx.actor, self.existing.id)

    def refill(self, record: AnnouncementOut) -> None:
        self.title.setText(record.title)
        self.message.setPlainText(record.message)
        select_id_text(self.priority, record.priority)
        self.pinned.setChecked(record.pinned)
        self.expires_on.set_value(record.expires_on)


def select_id_text(combo: QComboBox, key: str) -> None:
    index = combo.findData(key)
    if index >= 0:
        combo.setCurrentIndex(index)


class AnnouncementsTab(CommunityTab):
    title = "Announcements"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.new_button = tool_button("New…", "add", "Post an announcement (Ctrl+N)", self.new,
                                      allowed=ctx.allows(WRITE))
        self.new_button.setObjectName("new_announcement")
        self.edit_button = tool_button("Edit…", "edit", "Edit the selected announcement",
                                       self.edit, allowed=ctx.allows(WRITE))
        self.archive_button = tool_button("Archive", "archive", "Take the selected "
                                          "announcement down (Delete); kept with its history",
                                          self.delete, allowed=ctx.allows(WRITE))
        self.archive_button.setObjectName("archive_announcement")
        self.notice_button = tool_button("Notice…", "leases", "The selected announcement as a "
                                         "notice for the noticeboard: preview, print or save",
                                         self.notice)
        self.notice_button.setObjectName("announcement_notice")
        for button in (self.new_button, self.edit_button, self.archive_button,
                       self.notice_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.show_expired = QCheckBox("Show expired")
        self.show_expired.setObjectName("show_expired")
        self.show_expired.setToolTip("Also list expired and archived announcements (greyed)")
        self.show_expired.toggled.connect(lambda *_: self.reload())
        buttons.addWidget(self.show_expired)
        layout.addLayout(buttons)
        self.model: RowTableModel[AnnouncementOut] = RowTableModel([
            Column("order", "Pinned, then most pressing", list_order, visible=False,
                   display=lambda a: ""),
            Column("pinned", "Pinned", lambda a: a.pinned, kind="bool", width=50),
            Column("priority", "Priority", lambda a: a.priority, width=75,
                   display=lambda a: a.priority.capitalize()),
            Column("expires", "Expires", lambda a: a.expires_on, kind="date", width=95),
            Column("posted", "Posted", lambda a: a.created_at.astimezone().date(),
                   kind="date", width=95),
            Column("by", "By", lambda a: a.created_by, width=80),
            Column("to", "To", lambda a: audience(a, self.places), width=170),
            Column("message", "Message", lambda a: a.message.replace("\n", " "), width=300,
                   visible=False),
            Column("title", "Title", lambda a: a.title),
        ], style=lambda a: (None if is_current(a) else GREY, a.priority == "urgent"))
        self.view = ListView(self.model, ctx.settings, "announcements")
        self.view.doubleClicked.connect(lambda *_: self.edit())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.search = list_filter([self.view], "Search the announcements")
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        self.empty = empty_state("No announcements. Post one with New… (Ctrl+N).")
        self.empty.setObjectName("announcements_empty")
        layout.addWidget(self.empty, 1)
        self.preview = QLabel()
        self.preview.setObjectName("announcement_message")
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setStyleSheet("padding: 6px; background: palette(base);"
                                   " border: 1px solid #d0d7de; border-radius: 4px;")
        self.preview.setMaximumHeight(160)
        layout.addWidget(self.preview)
        self._enable()

    def reload(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        prop, expired = self.property_id, self.show_expired.isChecked()
        self.worker.load(lambda: community.list_announcements(
            db, actor, prop, include_expired=expired), self._fill)

    def _fill(self, rows: list[AnnouncementOut]) -> None:
        self.model.set_rows(rows)
        self.view.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._enable()

    def selected(self) -> AnnouncementOut | None:
        row = self.view.current_row()
        return row if isinstance(row, AnnouncementOut) else None

    def _enable(self) -> None:
        row = self.selected()
        self.edit_button.setEnabled(row is not None)
        self.archive_button.setEnabled(row is not None)
        self.archive_button.setText("Put back" if row is not None and row.archived_at
                                    else "Archive")
        self.notice_button.setEnabled(row is not None)
        if row is None:
            self.preview.setText("")
            self.preview.setVisible(False)
            return
        self.preview.setVisible(True)
        self.preview.setText(f"<b>{escape(row.title)}</b><br>"
                             + escape(row.message).replace("\n", "<br>"))

    def new(self) -> None:
        self._open(None)

    def edit(self) -> None:
        row = self.selected()
        if row is not None and self.may_write():
            self._open(row)

    def _open(self, existing: AnnouncementOut | None) -> None:
        dialog = AnnouncementDialog(self.ctx, self.places, property_id=self.property_id,
                                    existing=existing, parent=self)
        if self.worker.run_dialog(dialog) == QDialog.DialogCode.Accepted:
            saved = dialog.saved
            self.reload()
            if isinstance(saved, AnnouncementOut):
                self.ctx.bus.status_message.emit(f"Posted {saved.title!r}" if existing is None
                                                 else f"Saved {saved.title!r}")

    def delete(self) -> None:
        row = self.selected()
        if row is None or not self.may_write():
            return
        db, actor = self.ctx.db, self.ctx.actor
        archive = row.archived_at is None
        self.worker.run(lambda: community.set_announcement_archived(db, actor, row.id, archive),
                        lambda _: self.reload(), "Not changed")

    def notice(self) -> None:
        from coliv_desktop.ui.ledger.views import preview_pdf

        row = self.selected()
        if row is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        preview_pdf(self.ctx, self, f"Notice: {row.title}",
                    lambda path: community.notice_pdf(db, actor, row.id, path))

    def prepare_screenshot(self) -> None:
        if self.model.rows:
            self.view.selectRow(0)

