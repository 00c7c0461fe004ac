"""Books ▸ Categories…: the expense categories with their Schedule E line and how many
expenses use each; add, rename, change the line, archive (or restore), delete an unused one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from coliv_desktop.schemas import build
from coliv_desktop.schemas.books import CategoryOut, CategoryUpdate
from coliv_desktop.services import expenses
from coliv_desktop.ui.books.dialogs import CategoryDialog
from coliv_desktop.ui.common.forms import ERROR_STYLE
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, tool_button

if TYPE_CHECKING:
    from coliv_desktop.ui.books.pane import BooksPane

ARCHIVED = QColor("#9ca3af")


class CategoriesDialog(QDialog):
    def __init__(self, pane: BooksPane, parent: QWidget | None = None) -> None:
        super().__init__(parent or pane)
        self.pane = pane
        self.ctx = ctx = pane.ctx
        self.changed = False
        self.setWindowTitle("Expense categories")
        self.resize(640, 520)
        layout = QVBoxLayout(self)
        write = ctx.allows("ledger.write")
        actions = QHBoxLayout()
        self.add_button = tool_button("New…", "add", "A category of your own", self.add,
                                      allowed=write)
        self.add_button.setObjectName("add_category")
        self.rename_button = tool_button("Rename…", "edit", "Rename the category (its "
                                         "expenses follow)", self.rename, allowed=write)
        self.rename_button.setObjectName("rename_category")
        self.line_button = tool_button("Schedule E line…", "edit", "The line of Schedule E "
                                       "it is reported on (5 to 19, or none)", self.set_line,
                                       allowed=write)
        self.line_button.setObjectName("category_line")
        self.archive_button = tool_button("Archive", "archive", "No new expenses in it (its "
                                          "expenses keep it); again to restore", self.archive,
                                          allowed=write)
        self.archive_button.setObjectName("archive_category")
        self.delete_button = tool_button("Delete", "archive", "Delete a category nothing uses",
                                         self.delete, allowed=write)
        self.delete_button.setObjectName("delete_category")
        for button in (self.add_button, self.rename_button, self.line_button,
                       self.archive_button, self.delete_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.show_archived = QCheckBox("Archived too")
        self.show_archived.setObjectName("categories_archived")
        self.show_archived.toggled.connect(lambda *_: self.reload())
        actions.addWidget(self.show_archived)
        layout.addLayout(actions)
        self.message = QLabel()
        self.message.setObjectName("categories_message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.model: RowTableModel[CategoryOut] = RowTableModel([
            Column("name", "Category", lambda c: c.name, width=260),
            Column("line", "Schedule E line", lambda c: int(c.schedule_e_line or 99),
                   display=lambda c: c.schedule_e_line or "not on it", width=110),
            Column("used", "Expenses", lambda c: c.expenses, kind="int", width=80),
            Column("archived", "", lambda c: "archived" if c.archived_at else "", width=80),
        ], style=lambda c: (ARCHIVED if c.archived_at else None, False))
        self.view = ListView(self.model, ctx.settings, "expense_categories")
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        layout.addWidget(self.view, 1)
        self.reload()

    def current(self) -> CategoryOut | None:
        row = self.view.current_row()
        return row if isinstance(row, CategoryOut) else None

    def _enable(self) -> None:
        c = self.current()
        for button in (self.rename_button, self.line_button, self.archive_button):
            button.setEnabled(c is not None)
        self.delete_button.setEnabled(c is not None and c.expenses == 0)
        self.archive_button.setText("Restore" if c is not None and c.archived_at else "Archive")

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def reload(self) -> None:
        ctx, everything = self.ctx, self.show_archived.isChecked()

        def done(found: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(f"Could not read the categories: {error}")
                return
            shown = self.current()
            self.model.set_rows(found)
            if shown is None or not self.view.select_where(lambda c: c.id == shown.id):
                self.view.selectRow(0)
            self._enable()

        ctx.run_task(lambda: expenses.list_categories(ctx.db, ctx.actor, everything), done)

    def _write(self, work: Callable[[], Any], refused: str) -> None:
        def done(_: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(f"{refused}: {error}")
                return
            self._say("")
            self.changed = True
            self.reload()

        self.ctx.run_task(work, done)

    def add(self) -> None:
        dialog = CategoryDialog(self.ctx, self)
        if self.pane.run_dialog(dialog) and dialog.saved is not None:
            self.changed = True
            self.reload()

    def rename(self) -> None:
        c = self.current()
        name = self.pane.ask_text("Rename category", f"New name for {c.name}:") if c else None
        if c is None or not name:
            return
        ctx = self.ctx
        self._write(lambda: expenses.update_category(ctx.db, ctx.actor, c.id, build(
            CategoryUpdate, name=name, expected_version=c.version)), "Not renamed")

    def set_line(self) -> None:
        c = self.current()
        line = self.pane.ask_text("Schedule E line", f"Line of {c.name} (5 to 19; empty: "
                                  "not on Schedule E):") if c else None
        if c is None or line is None:
            return
        ctx = self.ctx

        def work() -> Any:
            data = build(CategoryUpdate, schedule_e_line=line, clear_line=not line.strip(),
                         expected_version=c.version)
            return expenses.update_category(ctx.db, ctx.actor, c.id, data)

        self._write(work, "Line not changed")

    def archive(self) -> None:
        c = self.current()
        if c is None:
            return
        ctx, archived = self.ctx, c.archived_at is None
        self._write(lambda: expenses.set_category_archived(ctx.db, ctx.actor, c.id, archived),
                    "Not archived" if archived else "Not restored")

    def delete(self) -> None:
        c = self.current()
        if c is None or not self.pane.confirm("Delete category", f"Delete {c.name}?"):
            return
        ctx = self.ctx
        self._write(lambda: expenses.delete_category(ctx.db, ctx.actor, c.id), "Not deleted")
