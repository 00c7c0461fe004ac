"""Books ▸ Bills: the bills that come every month (the master lease, the internet), posted as
expenses by "Post bills through…", each month once."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from coliv_desktop.schemas.books import BillOut, BillRunResult
from coliv_desktop.services import recurring_bills
from coliv_desktop.ui.books.dialogs import BillDialog, PostBillsDialog
from coliv_desktop.ui.common.forms import ERROR_STYLE
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, empty_state, muted, tool_button

if TYPE_CHECKING:
    from coliv_desktop.ui.books.pane import BooksPane

ARCHIVED = QColor("#9ca3af")


def columns() -> list[Column[BillOut]]:
    return [
        Column("payee", "Payee", lambda b: b.payee, width=180),
        Column("property", "Property", lambda b: b.property, width=130),
        Column("category", "Category", lambda b: b.category, width=160),
        Column("amount", "Amount", lambda b: b.amount, kind="money", width=90),
        Column("day", "Day", lambda b: b.day_of_month, kind="int", width=44,
               tooltip="The day of the month it falls on"),
        Column("from", "From", lambda b: b.starts_on, kind="date", width=92),
        Column("until", "Until", lambda b: b.ends_on, kind="date", width=92),
        Column("autopay", "Autopay", lambda b: "yes" if b.autopay else "", width=64),
        Column("last", "Last posted", lambda b: b.last_period or "never", width=90),
    ]


class BillsTab(QWidget):
    title = "Bills"

    def __init__(self, pane: BooksPane) -> None:
        super().__init__()
        self.pane = pane
        ctx = self.ctx = pane.ctx
        self._loading = 0
        write = ctx.allows("ledger.write")
        layout = QVBoxLayout(self)
        actions = QHBoxLayout()
        self.add_button = tool_button("New bill…", "add", "A bill that comes every month "
                                      "(Ctrl+N)", self.add, allowed=write)
        self.add_button.setObjectName("add_bill")
        self.edit_button = tool_button("Edit…", "edit", "Change the selected bill", self.edit,
                                       allowed=write)
        self.edit_button.setObjectName("edit_bill")
        self.archive_button = tool_button("Stop", "archive", "No more months of this bill "
                                          "(the months posted stay) (Delete)", self.archive,
                                          allowed=write)
        self.archive_button.setObjectName("archive_bill")
        self.post_button = tool_button("Post bills through…", "ledger",
                                       "Post every bill's months up to a day, each once",
                                       self.post, allowed=write)
        self.post_button.setObjectName("post_bills")
        for button in (self.add_button, self.edit_button, self.archive_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.post_button)
        layout.addLayout(actions)
        self.message = QLabel()
        self.message.setObjectName("bills_message")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.model: RowTableModel[BillOut] = RowTableModel(
            columns(), money=ctx.money,
            style=lambda b: (ARCHIVED if b.archived_at else None, False))
        self.view = ListView(self.model, ctx.settings, "bills")
        self.view.doubleClicked.connect(lambda *_: self.edit())
        self.empty = empty_state("No recurring bills. Add the master lease, the internet, "
                                 "the insurance with New bill….")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.total = muted()
        self.total.setObjectName("bills_total")
        layout.addWidget(self.total)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self._enable()

    def reload(self) -> None:
        if not self.ctx.has_database:
            return
        db, actor, prop = self.ctx.db, self.ctx.actor, self.pane.property_id
        self._loading += 1
        token = self._loading

        def done(found: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or token != self._loading:
                return
            if error is not None:
                self._say(f"Could not read the bills: {error}", error=True)
                return
            self.model.set_rows(found)
            if found and not self.view.currentIndex().isValid():
                self.view.selectRow(0)
            self.stack.setCurrentWidget(self.view if found else self.empty)
            monthly = sum((b.amount for b in found if not b.archived_at), Decimal("0.00"))
            self.total.setText(f"{len(found)} bill{'s' if len(found) != 1 else ''} · "
                               f"{self.ctx.money(monthly)} a month" if found else "")
            self._enable()

        self.ctx.run_task(lambda: recurring_bills.list_bills(db, actor, property_id=prop), done)

    def current(self) -> BillOut | None:
        row = self.view.current_row()
        return row if isinstance(row, BillOut) else None

    def _enable(self) -> None:
        has = self.current() is not None
        self.edit_button.setEnabled(has)
        self.archive_button.setEnabled(has)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def add(self) -> None:
        if not self.ctx.may("ledger.write"):
            return
        if not self.pane.places.properties:
            self._say("Add a property first: a bill belongs to a property.", error=True)
            return
        dialog = BillDialog(self.ctx, self.pane.places, self.pane.categories, None, self,
                            property_id=self.pane.property_id)
        if self.pane.run_dialog(dialog) and dialog.saved is not None:
            self._say(f"Added {dialog.saved.payee}: post its months with Post bills "
                      "through….")
            self.reload()

    def edit(self) -> None:
        bill = self.current()
        if bill is None or not self.ctx.may("ledger.write"):
            return
        dialog = BillDialog(self.ctx, self.pane.places, self.pane.categories, bill, self)
        if self.pane.run_dialog(dialog) and dialog.saved is not None:
            self.reload()

    def archive(self) -> None:
        bill = self.current()
        if bill is None or not self.ctx.may("ledger.write"):
            return
        if not self.pane.confirm("Stop bill", f"Stop {bill.payee}? No more months are "
                                              "posted; those posted stay."):
            return
        ctx = self.ctx

        def done(_: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(f"Not stopped: {error}", error=True)
                return
            self.reload()

        ctx.run_task(lambda: recurring_bills.set_bill_archived(ctx.db, ctx.actor, bill.id,
                                                               True), done)

    def post(self) -> None:
        if not self.ctx.may("ledger.write"):
            return
        dialog = PostBillsDialog(self.ctx, self)
        if self.pane.run_dialog(dialog) and dialog.saved is not None:
            result: BillRunResult = dialog.saved
            closed = (f"; {result.closed} month(s) in reconciled periods were left"
                      if result.closed else "")
            self._say(f"Posted {result.posted} expense{'s' if result.posted != 1 else ''} "
                      f"through {result.through}{closed}.")
            self.ctx.bus.ledger_changed.emit()
