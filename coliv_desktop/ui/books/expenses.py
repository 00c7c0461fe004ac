"""Books ▸ Expenses: money out, filtered by category, status and dates and searched, with
Add, Edit, Void (Delete, undoable), Mark paid and the receipt. Voided expenses stay in the list,
greyed and struck through."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.books import CategoryOut, ExpenseOut, ExpenseQuery, ExpenseUpdate
from coliv_desktop.services import attachments, expenses
from coliv_desktop.services.clock import today
from coliv_desktop.ui.books.categories import CategoriesDialog
from coliv_desktop.ui.books.dialogs import ExpenseDialog
from coliv_desktop.ui.common.attachments import private_copy
from coliv_desktop.ui.common.commands import ServiceCommand, VersionedCommand, one_row
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import ERROR_STYLE
from coliv_desktop.ui.common.models.table import FONT, Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, empty_state, muted, search_box, tool_button
from coliv_desktop.ui.maintenance.dialogs import Places

if TYPE_CHECKING:
    from coliv_desktop.ui.books.pane import BooksPane

VOID_GREY = QColor("#9ca3af")
DUE = QColor("#b45309")
# what an edit changes, and its undo puts back
EDITED = ("property_id", "unit_id", "room_id", "spent_on", "payee", "category", "amount",
          "status", "due_date", "paid_on", "reference", "notes")
STATUS_FILTERS = (("", "Any status"), ("paid", "Paid"), ("due", "Due"), ("void", "Voided"))


@dataclass
class ExpenseRow:
    expense: ExpenseOut
    where: str

    @property
    def id(self) -> uuid.UUID:
        return self.expense.id


def _status(e: ExpenseOut) -> str:
    if e.voided_on is not None:
        return "Voided"
    return "Paid" if e.status == "paid" else "Due"


def columns() -> list[Column[ExpenseRow]]:
    return [
        Column("date", "Date", lambda r: r.expense.spent_on, kind="date", width=88),
        Column("where", "Where", lambda r: r.where, width=130),
        Column("payee", "Payee", lambda r: r.expense.payee, width=150),
        Column("category", "Category", lambda r: r.expense.category, width=150),
        Column("amount", "Amount", lambda r: r.expense.amount, kind="money", width=90),
        Column("status", "Status", lambda r: _status(r.expense), width=58,
               tooltip="Paid, due, or voided (kept, out of every total)"),
        Column("source", "From", lambda r: r.expense.source.capitalize(), width=80,
               tooltip="Entered by hand, a recurring bill, a maintenance cost, the bank"),
        Column("receipt", "Receipt", lambda r: r.expense.document_name or "", width=120),
    ]


def style(row: ExpenseRow) -> tuple[QColor | None, bool]:
    if row.expense.voided_on is not None:
        return VOID_GREY, False
    return (DUE, False) if row.expense.status == "due" else (None, False)


class ExpenseModel(RowTableModel[ExpenseRow]):
    """The expenses, voided ones struck through."""

    def item_data(self, item: ExpenseRow, column: Column[ExpenseRow], role: int) -> Any:
        if role == FONT and item.expense.voided_on is not None:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return super().item_data(item, column, role)


class ExpensesTab(QWidget):
    title = "Expenses"

    def __init__(self, pane: BooksPane) -> None:
        super().__init__()
        self.pane = pane
        ctx = self.ctx = pane.ctx
        self._loading = 0
        self._want: uuid.UUID | None = None
        write = ctx.allows("ledger.write")
        layout = QVBoxLayout(self)
        actions = QHBoxLayout()
        self.add_button = tool_button("Add…", "add", "Record an expense (Ctrl+N)", self.add,
                                      allowed=write)
        self.add_button.setObjectName("add_expense")
        self.edit_button = tool_button("Edit…", "edit", "Change the selected expense",
                                       self.edit, allowed=write)
        self.edit_button.setObjectName("edit_expense")
        self.void_button = tool_button("Void…", "archive",
                                       "Void the selected expense, with a reason (Delete)",
                                       self.void, allowed=write)
        self.void_button.setObjectName("void_expense")
        self.paid_button = tool_button("Mark paid", "ledger", "The due bill was paid today",
                                       self.mark_paid, allowed=write)
        self.paid_button.setObjectName("mark_paid")
        self.attach_button = tool_button("Attach receipt…", "add",
                                         "Keep a scan or photo of the receipt with it",
                                         self.attach, allowed=write)
        self.attach_button.setObjectName("attach_receipt")
        self.open_button = tool_button("Open receipt", "ledger", "Open the receipt kept with it",
                                       self.open_receipt)
        self.open_button.setObjectName("open_receipt")
        for button in (self.add_button, self.edit_button, self.void_button, self.paid_button,
                       self.attach_button, self.open_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.category_button = tool_button("Categories…", "edit",
                                           "The categories and their Schedule E lines: add, "
                                           "rename, archive", self.categories)
        self.category_button.setObjectName("categories")
        actions.addWidget(self.category_button)
        layout.addLayout(actions)
        filters = QHBoxLayout()
        self.category = QComboBox()
        self.category.setObjectName("expense_category")
        self.category.addItem("Every category", "")
        self.status = QComboBox()
        self.status.setObjectName("expense_status")
        for key, label in STATUS_FILTERS:
            self.status.addItem(label, key)
        self.start = DateField(None, optional=True, none_text="From a day")
        self.start.setObjectName("expense_from")
        self.end = DateField(None, optional=True, none_text="Up to a day")
        self.end.setObjectName("expense_to")
        self.search = search_box("Search payee, category, reference, notes")
        self.search.setObjectName("expense_search")
        filters.addWidget(self.category)
        filters.addWidget(self.status)
        filters.addWidget(QLabel("From"))
        filters.addWidget(self.start)
        filters.addWidget(QLabel("to"))
        filters.addWidget(self.end)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)
        self.message = QLabel()
        self.message.setObjectName("expenses_message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.model = ExpenseModel(columns(), money=ctx.money, style=style)
        self.view = ListView(self.model, ctx.settings, "expenses")
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.view.doubleClicked.connect(lambda *_: self.edit())
        self.empty = empty_state("No expenses yet. Record one with Add… (Ctrl+N), or set up "
                                 "the recurring bills.")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.total = muted()
        self.total.setObjectName("expenses_total")
        layout.addWidget(self.total)
        self.search.textChanged.connect(lambda *_: self.reload())
        for box in (self.category, self.status):
            box.currentIndexChanged.connect(lambda *_: self.reload())
        for field in (self.start, self.end):
            field.changed.connect(self.reload)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self._enable()

    # --- loading ---------------------------------------------------------------------------

    def query(self) -> ExpenseQuery:
        return build(ExpenseQuery, property_id=self.pane.property_id,
                     category=self.category.currentData() or None,
                     status=self.status.currentData() or None, start=self.start.value(),
                     end=self.end.value(), search=self.search.text().strip() or None)

    def set_categories(self, categories: list[CategoryOut]) -> None:
        current = self.category.currentData()
        self.category.blockSignals(True)
        while self.category.count() > 1:
            self.category.removeItem(1)
        for c in categories:
            self.category.addItem(c.name, c.name)
        index = self.category.findData(current)
        self.category.setCurrentIndex(max(index, 0))
        self.category.blockSignals(False)

    def reload(self) -> None:
        if not self.ctx.has_database:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self._loading += 1  # a load still running is for other filters: its rows are dropped
        token = self._loading
        try:
            query = self.query()
        except ValidationError as exc:  # a date range the schema refuses
            self._say(f"To: {exc.detail}" if exc.field == "end" else str(exc))
            return

        def done(found: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or token != self._loading:
                return
            if error is not None:
                self._say(f"Could not read the expenses: {error}")
                return
            self._say("")
            self.show_rows(found)

        self.ctx.run_task(lambda: expenses.list_expenses(db, actor, query), done)

    def show_rows(self, found: list[ExpenseOut]) -> None:
        places: Places = self.pane.places
        shown = self.current()
        rows = [ExpenseRow(e, places.where(e.property_id, e.unit_id, e.room_id)
                           .replace(" · common areas", "")) for e in found]
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.view if rows else self.empty)
        filtered = bool(self.category.currentIndex() or self.status.currentIndex()
                        or self.start.value() or self.end.value() or self.search.text()
                        or self.pane.property_id)
        self.empty.setText("No expense matches these filters." if filtered else
                           "No expenses yet. Record one with Add… (Ctrl+N), or set up the "
                           "recurring bills.")
        live = [e for e in found if e.voided_on is None]
        due = sum((e.amount for e in live if e.status == "due"), Decimal("0.00"))
        total = sum((e.amount for e in live), Decimal("0.00"))
        text = f"{len(found)} expense{'s' if len(found) != 1 else ''} · total " \
               f"{self.ctx.money(total)}"
        if due:
            text += f" · {self.ctx.money(due)} still due"
        if len(live) != len(found):
            text += f" · {len(found) - len(live)} voided (not counted)"
        self.total.setText(text)
        want, self._want = self._want, None
        want = want or (shown.id if shown is not None else None)
        if want is None or not self.view.select_where(lambda r: r.id == want):
            if rows and not self.view.currentIndex().isValid():
                self.view.selectRow(0)
        self._enable()

    def current(self) -> ExpenseOut | None:
        row = self.view.current_row()
        return row.expense if isinstance(row, ExpenseRow) else None

    def _enable(self) -> None:
        e = self.current()
        live = e is not None and e.voided_on is None
        for button in (self.edit_button, self.void_button, self.attach_button):
            button.setEnabled(live)
        self.paid_button.setEnabled(live and e is not None and e.status == "due")
        self.open_button.setEnabled(e is not None and e.document_id is not None)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _changed(self, want: uuid.UUID | None = None) -> None:
        self._want = want
        self.ctx.bus.ledger_changed.emit()

    # --- commands --------------------------------------------------------------------------

    def add(self) -> None:
        if not self.ctx.may("ledger.write"):
            return
        if not self.pane.places.properties:
            self._say("Add a property first: an expense belongs to a property.")
            return
        dialog = ExpenseDialog(self.ctx, self.pane.places, self.pane.categories, None, self,
                               property_id=self.pane.property_id)
        if self.pane.run_dialog(dialog) and dialog.saved is not None:
            self._changed(dialog.saved.id)

    def edit(self) -> None:
        e = self.current()
        if e is None or e.voided_on is not None or not self.ctx.may("ledger.write"):
            return
        dialog = ExpenseDialog(self.ctx, self.pane.places, self.pane.categories, e, self)
        if self.pane.run_dialog(dialog) and dialog.saved is not None:
            self._push_edit(e, dialog.saved)
            self._changed(e.id)

    def _push_edit(self, before: ExpenseOut, after: ExpenseOut) -> None:
        """Edit ▸ Undo puts the expense back as it was (refused if changed since)."""
        ctx, ident = self.ctx, after.id
        if all(getattr(before, k) == getattr(after, k) for k in EDITED):
            return

        def write(source: ExpenseOut) -> Any:
            values: dict[str, Any] = {k: getattr(source, k) for k in EDITED
                                      if k not in ("unit_id", "room_id")}
            if source.room_id is not None:
                values["room_id"] = source.room_id
            elif source.unit_id is not None:
                values["unit_id"] = source.unit_id
            else:
                values["clear_place"] = True
            return lambda i, v: expenses.update_expense(
                ctx.db, ctx.actor, i, ExpenseUpdate(**values, expected_version=v))

        ctx.undo_stack.push(VersionedCommand(
            ctx, f"Edit expense to {after.payee}", one_row(lambda: ident, write(after)),
            one_row(lambda: ident, write(before)), written={ident: after.version},
            rows=lambda: (ident,), changed=(ctx.bus.ledger_changed,)))

    def void(self) -> None:
        e = self.current()
        if e is None or e.voided_on is not None or not self.ctx.may("ledger.write"):
            return
        reason = self.pane.ask_text("Void expense", f"Why void {self.ctx.money(e.amount)} to "
                                                    f"{e.payee} of {e.spent_on}?")
        if reason is None:
            return
        if not reason.strip():
            self._say("Not voided: say why (the reason is kept with the expense).")
            return
        ctx, ident = self.ctx, e.id

        def done(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(f"Not voided: {error}")
                return
            self._say("")
            ctx.undo_stack.push(ServiceCommand(
                ctx, f"Void expense to {e.payee}",
                lambda: expenses.void_expense(ctx.db, ctx.actor, ident, reason),
                lambda: expenses.unvoid_expense(ctx.db, ctx.actor, ident),
                changed=(ctx.bus.ledger_changed,), rows=lambda: (ident,)))
            self._changed(ident)

        ctx.run_task(lambda: expenses.void_expense(ctx.db, ctx.actor, ident, reason), done)

    def mark_paid(self) -> None:
        e = self.current()
        if e is None or e.status != "due" or not self.ctx.may("ledger.write"):
            return
        ctx, ident = self.ctx, e.id

        def done(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(f"Not marked paid: {error}")
                return
            self._changed(ident)

        ctx.run_task(lambda: expenses.mark_paid(ctx.db, ctx.actor, ident, today()), done)

    def choose_receipt(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Attach a receipt", "",
                                              "Receipts (*.pdf *.png *.jpg *.jpeg *.heic);;"
                                              "Every file (*)")
        return path

    def attach(self) -> None:
        e = self.current()
        if e is None or e.voided_on is not None or not self.ctx.may("ledger.write"):
            return
        path = self.choose_receipt()
        if not path:
            return
        ctx, ident = self.ctx, e.id

        def work() -> ExpenseOut:
            content = Path(path).read_bytes()
            return expenses.attach_receipt(ctx.db, ctx.actor, ident, Path(path).name, content)

        def done(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(f"Receipt not kept: {error}")
                return
            self._changed(ident)

        ctx.run_task(work, done)

    def open_receipt(self) -> None:
        e = self.current()
        if e is None or e.document_id is None:
            return
        ctx, doc_id, name = self.ctx, e.document_id, e.document_name or "receipt"

        def work() -> Path:
            return private_copy(name, attachments.document_content(ctx.db, ctx.actor, doc_id))

        def done(path: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(f"Could not open the receipt: {error}")
                return
            self.pane.show_file(Path(path), name)

        ctx.run_task(work, done)

    def categories(self) -> None:
        dialog = CategoriesDialog(self.pane, self)
        self.pane.run_dialog(dialog)
        if dialog.changed:
            self.pane.reload()
