"""The house board: posts per property, newest first; hidden posts greyed with the reason;
a new post by a tenant or by staff, Hide… and Show again, the newsletter."""

from __future__ import annotations

import uuid
from html import escape
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas import build
from coliv_desktop.schemas.community import PostCreate, PostOut
from coliv_desktop.services import community
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, empty_state, list_filter, tool_button
from coliv_desktop.ui.community.common import (
    WRITE,
    CommunityTab,
    Places,
    chosen,
    local_text,
    residents,
    select_id,
)

CATEGORIES = (("general", "General"), ("event", "Event"), ("lost_found", "Lost & found"),
              ("marketplace", "Marketplace"), ("recommendation", "Recommendation"),
              ("notice", "Notice"))
GREY = QColor("#9ca3af")


class PostDialog(FormDialog):
    """A post on a property's board, by one of its residents or by staff (the one signed in)."""

    def __init__(self, ctx: AppContext, places: Places, *, property_id: uuid.UUID | None,
                 parent: QWidget | None = None) -> None:
        super().__init__("New post", parent, runner=ctx, save_text="Post")
        self.ctx = ctx
        self.property_id = QComboBox()
        for prop_id, name in sorted(places.properties.items(), key=lambda p: p[1].casefold()):
            self.property_id.addItem(name, str(prop_id))
        select_id(self.property_id, property_id)
        self.author_id = QComboBox()
        self.category = QComboBox()
        for key, label in CATEGORIES:
            self.category.addItem(label, key)
        self.content = QPlainTextEdit()
        self.content.setMinimumHeight(110)
        self.fields.add("property_id", "Board", self.property_id)
        self.fields.add("author_id", "By", self.author_id)
        self.fields.add("category", "Category", self.category)
        self.fields.add("content", "Text", self.content)
        self.finish_layout()
        self.property_id.currentIndexChanged.connect(lambda *_: self._load_authors())
        self._load_authors()

    def _load_authors(self) -> None:
        """The staff member signed in, then the property's residents (in a worker)."""
        prop = chosen(self.property_id)
        self.author_id.clear()
        self.author_id.addItem(f"Staff: {self.ctx.actor.name}", "")
        if prop is None:
            return
        request = int(self.author_id.property("request") or 0) + 1
        self.author_id.setProperty("request", request)
        ctx = self.ctx

        def done(rows: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or self.author_id.property("request") != request:
                return
            if error is not None:
                self.show_banner(str(error))
                return
            for row in rows:
                self.author_id.addItem(row.tenant_name, str(row.tenant_id))

        ctx.run_task(lambda: residents(ctx, property_id=prop), done)

    def build_input(self) -> Any:
        return build(PostCreate, property_id=chosen(self.property_id),
                     author_id=chosen(self.author_id), category=self.category.currentData(),
                     content=self.content.toPlainText())

    def save(self, data: Any) -> PostOut:
        return community.add_post(self.ctx.db, self.ctx.actor, data)


class BoardTab(CommunityTab):
    title = "House board"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.new_button = tool_button("New post…", "add", "Post on the house board (Ctrl+N)",
                                      self.new, allowed=ctx.allows(WRITE))
        self.new_button.setObjectName("new_post")
        self.hide_button = tool_button("Hide…", "archive", "Take the selected post off the "
                                       "board, saying why (Delete)", self.delete,
                                       allowed=ctx.allows(WRITE))
        self.hide_button.setObjectName("hide_post")
        self.show_button = tool_button("Show again", "turnover", "Put the selected hidden post "
                                       "back on the board", self.show_again,
                                       allowed=ctx.allows(WRITE))
        self.show_button.setObjectName("show_post")
        self.newsletter_button = tool_button("Newsletter…", "leases", "The house newsletter of "
                                             "the chosen property: posts of the last 30 days "
                                             "and the events of the next 30", self.newsletter)
        self.newsletter_button.setObjectName("newsletter")
        for button in (self.new_button, self.hide_button, self.show_button,
                       self.newsletter_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.include_hidden = QCheckBox("Show hidden")
        self.include_hidden.setObjectName("show_hidden")
        self.include_hidden.setChecked(True)
        self.include_hidden.toggled.connect(lambda *_: self.reload())
        buttons.addWidget(self.include_hidden)
        layout.addLayout(buttons)
        self.model: RowTableModel[PostOut] = RowTableModel([
            Column("date", "Date", lambda p: p.created_at, width=125,
                   display=lambda p: local_text(p.created_at)),
            Column("author", "Author", lambda p: p.author_name, width=130),
            Column("category", "Category", lambda p: dict(CATEGORIES).get(p.category,
                                                                          p.category), width=100),
            Column("property", "Property", lambda p: self.places.properties.get(
                p.property_id, ""), width=120, visible=False),
            Column("text", "Text", lambda p: p.content.replace("\n", " "), width=300),
            Column("hidden", "Hidden because", lambda p: p.hidden_reason or ""),
        ], style=lambda p: (None if p.visible else GREY, False))
        self.view = ListView(self.model, ctx.settings, "house_board")
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.search = list_filter([self.view], "Search the board")
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        self.empty = empty_state("Nothing on the board yet. Post with New post… (Ctrl+N).")
        self.empty.setObjectName("board_empty")
        layout.addWidget(self.empty, 1)
        self.preview = QLabel()
        self.preview.setObjectName("post_preview")
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setStyleSheet("padding: 6px; background: palette(base);"
                                   " border: 1px solid #d0d7de; border-radius: 4px;")
        self.preview.setMaximumHeight(160)
        layout.addWidget(self.preview)
        self._enable()

    def reload(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        prop, hidden = self.property_id, self.include_hidden.isChecked()
        self.worker.load(lambda: community.list_posts(db, actor, prop, include_hidden=hidden),
                         self._fill)

    def _fill(self, rows: list[PostOut]) -> None:
        self.model.set_rows(rows)
        self.view.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._enable()

    def selected(self) -> PostOut | None:
        row = self.view.current_row()
        return row if isinstance(row, PostOut) else None

    def _enable(self) -> None:
        post = self.selected()
        self.hide_button.setEnabled(post is not None and post.visible)
        self.show_button.setEnabled(post is not None and not post.visible)
        self.newsletter_button.setEnabled(self.property_id is not None or post is not None)
        self.preview.setVisible(post is not None)
        if post is not None:
            where = self.places.properties.get(post.property_id, "")
            head = " · ".join(x for x in (post.author_name, dict(CATEGORIES).get(
                post.category, post.category), where, local_text(post.created_at)) if x)
            text = f"<b>{escape(head)}</b><br>" + escape(post.content).replace("\n", "<br>")
            if not post.visible:
                text += (f"<br><span style='color:#b3261e'>Hidden: "
                         f"{escape(post.hidden_reason or '')}</span>")
            self.preview.setText(text)

    def new(self) -> None:
        dialog = PostDialog(self.ctx, self.places, property_id=self.property_id, parent=self)
        if self.worker.run_dialog(dialog) == QDialog.DialogCode.Accepted:
            self.reload()

    def delete(self) -> None:
        post = self.selected()
        if post is None or not post.visible or not self.may_write():
            return
        reason = self.worker.ask_text("Hide post", f"Why is {post.author_name}'s post hidden? "
                                      "(kept with it)")
        if reason is None or not reason.strip():
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.worker.run(lambda: community.hide_post(db, actor, post.id, reason),
                        lambda _: self.reload(), "Not hidden")

    def show_again(self) -> None:
        post = self.selected()
        if post is None or post.visible or not self.may_write():
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.worker.run(lambda: community.show_post(db, actor, post.id),
                        lambda _: self.reload(), "Not shown")

    def newsletter(self) -> None:
        from coliv_desktop.ui.ledger.views import preview_pdf

        post = self.selected()
        prop = self.property_id or (post.property_id if post is not None else None)
        if prop is None:
            return
        name = self.places.properties.get(prop, "the house")
        db, actor = self.ctx.db, self.ctx.actor
        preview_pdf(self.ctx, self, f"Newsletter: {name}",
                    lambda path: community.newsletter_pdf(db, actor, prop, path))

    def prepare_screenshot(self) -> None:
        if self.model.rows:
            self.view.selectRow(0)
