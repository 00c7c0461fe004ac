"""The reminders outbox (the ledger pane's Reminders tab): what is due to whom, with the text;
print them as letters or copy the text, and mark them handled. Sending by email will read the
same outbox."""

from __future__ import annotations

import uuid
from typing import Any

import shiboken6
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.wording import plural
from coliv_desktop.schemas.reminders import ReminderOut
from coliv_desktop.services import printing, reminders
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.common.widgets import ListView, list_filter
from coliv_desktop.ui.ledger.views import preview_pdf

KINDS = {"before_due": "due in 7 days", "due": "due today", "overdue": "overdue"}
SHOW = [("Waiting to go out", "pending"), ("Handled", "handled"), ("All", None)]


class RemindersView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.show_box = QComboBox()
        self.show_box.setObjectName("reminder_filter")
        for label, key in SHOW:
            self.show_box.addItem(label, key)
        self.model: RowTableModel[ReminderOut] = RowTableModel([
            Column("tenant", "Tenant", lambda r: r.tenant, width=150),
            Column("subject", "Reminder", lambda r: r.subject, width=300),
            Column("amount", "Amount", lambda r: r.amount, "money", width=95),
            Column("due_on", "Added", lambda r: r.due_on, "date", width=92,
                   tooltip="The day the reminder was added to the outbox"),
            Column("kind", "Kind", lambda r: KINDS.get(r.kind, r.kind), width=100,
                   visible=False),
            Column("status", "Status", lambda r: r.status, width=80),
        ], money=ctx.money)
        self.view = ListView(self.model, ctx.settings, "reminders")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.text = QPlainTextEdit()
        self.text.setObjectName("reminder_text")
        self.text.setReadOnly(True)
        self.text.setPlaceholderText("Select a reminder to read its text.")
        self.refresh_button = QPushButton("Check for new")
        self.refresh_button.setToolTip("Add the reminders due today to the outbox")
        self.print_button = QPushButton("Print letters…")
        self.print_button.setObjectName("print_reminders")
        self.print_button.setToolTip("The selected reminders (or all listed) as letters; they "
                                     "are marked printed once printed or saved")
        self.copy_button = QPushButton("Copy text")
        self.copy_button.setObjectName("copy_reminders")
        self.copy_button.setToolTip("Copy the selected reminders' text (to paste in an email or "
                                    "a message) and mark them copied")
        self.dismiss_button = QPushButton("Mark handled")
        self.dismiss_button.setObjectName("dismiss_reminders")
        self.dismiss_button.setToolTip("Take the selected reminders out of the outbox without "
                                       "printing or copying them")
        self.summary = QLabel()
        self.summary.setObjectName("reminder_summary")
        top = QHBoxLayout()
        top.addWidget(self.show_box)
        for button, slot in ((self.refresh_button, self.check_new),
                             (self.print_button, self.print_letters),
                             (self.copy_button, self.copy_text),
                             (self.dismiss_button, self.dismiss)):
            button.clicked.connect(lambda *_a, s=slot: s())
            top.addWidget(button)
        top.addWidget(self.summary, 1)
        split = QSplitter()
        split.addWidget(self.view)
        split.addWidget(self.text)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([520, 300])
        self.filter = list_filter([self.view], "Filter reminders by tenant or text")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filter)
        layout.addWidget(split, 1)
        self.show_box.currentIndexChanged.connect(lambda *_: self.reload())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show_text())

    # --- data ----------------------------------------------------------------------------------

    def reload(self) -> None:
        wanted = self.show_box.currentData()

        db = self.ctx.db
        actor = self.ctx.actor

        def load() -> list[ReminderOut]:
            rows = reminders.list_outbox(db, actor, "pending" if wanted == "pending" else None)
            if wanted == "handled":
                rows = [r for r in rows if r.status != "pending"]
            return rows

        def done(rows: list[ReminderOut] | None, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None or rows is None:
                self.summary.setText(str(error))
                return
            self.model.set_rows(rows)
            pending = wanted == "pending"
            self.view.setColumnHidden(self.model.column_index("status"), pending)
            self.summary.setText(
                (f"{plural(len(rows), 'reminder')} waiting" if rows
                 else "Nothing waiting to go out.") if pending else plural(len(rows), "reminder"))
            for button in (self.print_button, self.copy_button, self.dismiss_button):
                button.setEnabled(bool(rows))
            self._show_text()

        self.ctx.run_task(load, done)

    def selected(self) -> list[ReminderOut]:
        """The selected reminders, or every one listed when none is selected."""
        rows = []
        for index in self.view.selectionModel().selectedRows():
            source = self.view.proxy.mapToSource(index)
            rows.append(self.model.row(source.row()))
        return rows or list(self.model.rows)

    def _show_text(self) -> None:
        picked = [self.model.row(self.view.proxy.mapToSource(i).row())
                  for i in self.view.selectionModel().selectedRows()]
        self.text.setPlainText("\n\n— — —\n\n".join(f"{r.subject}\n\n{r.body}" for r in picked))

    # --- actions --------------------------------------------------------------------------------

    def _mark(self, ids: list[uuid.UUID], status: str) -> None:
        pending = [i for i in ids if any(r.id == i and r.status == "pending"
                                         for r in self.model.rows)]
        if not pending:
            return
        ctx = self.ctx
        db, actor = ctx.db, ctx.actor

        def done(count: int | None, error: BaseException | None) -> None:
            if error is not None or count is None:
                ctx.bus.error.emit(str(error))
            else:
                ctx.bus.status_message.emit(f"{plural(count, 'reminder')} {status}")
            if shiboken6.isValid(self):
                self.reload()

        ctx.run_task(lambda: reminders.mark(db, actor, pending, status), done)

    def check_new(self) -> None:
        """Add the reminders due today to the outbox (in the background), then list them."""
        ctx = self.ctx
        db, actor, day = ctx.db, ctx.actor, today()

        def done(added: int | None, error: BaseException | None) -> None:
            if error is not None or added is None:
                ctx.bus.error.emit(str(error))
            else:
                ctx.bus.status_message.emit(f"{added} new reminders in the outbox" if added
                                            else "No new reminders are due today")
            if shiboken6.isValid(self):
                self.reload()

        ctx.run_task(lambda: reminders.refresh_outbox(db, actor, day), done)

    def print_letters(self) -> list[uuid.UUID]:
        chosen = self.selected()
        if not chosen:
            return []
        ids = [r.id for r in chosen]

        def opened(preview: PdfPreview) -> None:
            preview.delivered.connect(lambda _how: self._mark(ids, "printed"))

        preview_pdf(self.ctx, self, "Reminder letters",
                    lambda p: printing.reminder_letters_pdf(self.ctx.db, self.ctx.actor, ids,
                                                            p), opened)
        return ids

    def copy_text(self) -> str:
        chosen = self.selected()
        text = "\n\n".join(f"{r.subject}\n\n{r.body}" for r in chosen)
        if chosen:
            QApplication.clipboard().setText(text)
            self._mark([r.id for r in chosen], "copied")
        return text

    def dismiss(self) -> Any:
        chosen = [r for r in self.view.selectionModel().selectedRows()]
        if not chosen:
            self.summary.setText("Select the reminders to mark handled.")
            return None
        self._mark([r.id for r in self.selected()], "dismissed")
        return len(chosen)
