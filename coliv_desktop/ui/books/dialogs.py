"""The Books dialogs: an expense (new or edit), a recurring bill (new or edit), the bill run's
day, and the categories. The pickers are filled from what the pane has read already (places,
categories), so the dialogs open without a query."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from coliv_desktop.domain.money import money_str
from coliv_desktop.schemas import build
from coliv_desktop.schemas.books import (
    BillCreate,
    BillOut,
    BillRunResult,
    BillUpdate,
    CategoryIn,
    CategoryOut,
    ExpenseCreate,
    ExpenseOut,
    ExpenseUpdate,
)
from coliv_desktop.services import expenses, recurring_bills
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField, text_or_none
from coliv_desktop.ui.common.forms import FormDialog
from coliv_desktop.ui.maintenance.dialogs import Places, chosen, select_data, wide_box

WHOLE = ""  # the place picker's "the property as a whole"


def property_box(places: Places, current: uuid.UUID | None) -> QComboBox:
    box = wide_box()
    for ident, name in sorted(places.properties.items(), key=lambda kv: kv[1].casefold()):
        box.addItem(name, str(ident))
    if current is not None:
        select_data(box, current)
    return box


def category_box(categories: Sequence[CategoryOut], current: str | None) -> QComboBox:
    box = wide_box()
    for c in categories:
        line = f"  (line {c.schedule_e_line})" if c.schedule_e_line else ""
        box.addItem(f"{c.name}{line}", c.name)
    if current is not None:
        index = box.findData(current)
        if index < 0:  # an archived category an old expense keeps
            box.addItem(f"{current} (archived)", current)
            index = box.count() - 1
        box.setCurrentIndex(index)
    return box


def fill_places(box: QComboBox, places: Places, property_id: uuid.UUID | None,
                *, rooms: bool = True) -> None:
    """The unit and room picker of one property: the whole property first."""
    box.clear()
    box.addItem("The whole property", WHOLE)
    if property_id is None:
        return
    units = sorted((u for u, (p, _) in places.units.items() if p == property_id),
                   key=lambda u: places.units[u][1])
    for unit in units:
        number = places.units[unit][1]
        box.addItem(f"Unit {number}", f"unit:{unit}")
        if rooms:
            for room, (u, room_number) in sorted(places.rooms.items(), key=lambda kv: kv[1][1]):
                if u == unit:
                    box.addItem(f"    Room {number}-{room_number}", f"room:{room}")


def place_of(box: QComboBox) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """(unit, room) chosen."""
    value = str(box.currentData() or "")
    kind, _, ident = value.partition(":")
    if kind == "unit":
        return uuid.UUID(ident), None
    if kind == "room":
        return None, uuid.UUID(ident)
    return None, None


class ExpenseDialog(FormDialog):
    """A new expense, or an edit of one (refused by the service in a reconciled period)."""

    def __init__(self, ctx: AppContext, places: Places, categories: Sequence[CategoryOut],
                 existing: ExpenseOut | None = None, parent: QWidget | None = None, *,
                 property_id: uuid.UUID | None = None) -> None:
        super().__init__("Edit expense" if existing else "New expense", parent, runner=ctx)
        self.ctx = ctx
        self.places = places
        self.existing = existing
        start = existing.property_id if existing else property_id
        self.property_id = property_box(places, start)
        self.place = wide_box()
        self.spent_on = DateField(existing.spent_on if existing else today())
        self.payee = QLineEdit(existing.payee if existing else "")
        self.payee.setPlaceholderText("Who was paid: e.g. Austin Energy")
        self.category = category_box(categories, existing.category if existing else None)
        self.amount = QLineEdit(money_str(existing.amount) if existing else "")
        self.amount.setPlaceholderText("120.00")
        self.status = QComboBox()
        self.status.addItem("Paid", "paid")
        self.status.addItem("Due (not paid yet)", "due")
        self.due_date = DateField(existing.due_date if existing else None, optional=True,
                                  none_text="Set the day it is due")
        self.reference = QLineEdit(existing.reference or "" if existing else "")
        self.reference.setPlaceholderText("Invoice or check number")
        self.notes = QPlainTextEdit(existing.notes or "" if existing else "")
        self.notes.setFixedHeight(60)
        self.fields.add("property_id", "Property", self.property_id)
        self.fields.add("place", "Where", self.place, aliases=("unit_id", "room_id"))
        self.fields.add("spent_on", "Date", self.spent_on)
        self.fields.add("payee", "Payee", self.payee)
        self.fields.add("category", "Category", self.category)
        self.fields.add("amount", "Amount", self.amount)
        self.fields.add("status", "Status", self.status)
        self.fields.add("due_date", "Due on", self.due_date)
        self.fields.add("reference", "Reference", self.reference)
        self.fields.add("notes", "Notes", self.notes)
        self._places()
        if existing is not None:
            select_data(self.status, existing.status)
            if existing.room_id is not None:
                select_data(self.place, f"room:{existing.room_id}")
            elif existing.unit_id is not None:
                select_data(self.place, f"unit:{existing.unit_id}")
        self.property_id.currentIndexChanged.connect(lambda *_: self._places())
        self.finish_layout()

    def _places(self) -> None:
        fill_places(self.place, self.places, chosen(self.property_id))

    def build_input(self) -> Any:
        unit_id, room_id = place_of(self.place)
        values: dict[str, Any] = dict(
            property_id=chosen(self.property_id), spent_on=self.spent_on.value(),
            payee=self.payee.text(), category=self.category.currentData() or "",
            amount=self.amount.text(), status=self.status.currentData(),
            due_date=self.due_date.value(), reference=text_or_none(self.reference),
            notes=self.notes.toPlainText().strip() or None)
        if self.existing is None:
            return build(ExpenseCreate, unit_id=unit_id, room_id=room_id, **values)
        if unit_id is None and room_id is None:
            values["clear_place"] = True
        else:
            values.update(unit_id=unit_id, room_id=room_id)
        return build(ExpenseUpdate, expected_version=self.existing.version, **values)

    def save(self, data: Any) -> ExpenseOut:
        if self.existing is None:
            return expenses.add_expense(self.ctx.db, self.ctx.actor, data)
        return expenses.update_expense(self.ctx.db, self.ctx.actor, self.existing.id, data)

    def reload(self) -> ExpenseOut | None:
        if self.existing is None:
            return None
        return expenses.get_expense(self.ctx.db, self.ctx.actor, self.existing.id)

    def adopt(self, record: Any) -> None:
        self.existing = record


class BillDialog(FormDialog):
    """A recurring bill (the master lease, the internet), new or edited: an edit changes the
    months still to post."""

    def __init__(self, ctx: AppContext, places: Places, categories: Sequence[CategoryOut],
                 existing: BillOut | None = None, parent: QWidget | None = None, *,
                 property_id: uuid.UUID | None = None) -> None:
        super().__init__("Edit recurring bill" if existing else "New recurring bill", parent,
                         runner=ctx)
        self.ctx = ctx
        self.existing = existing
        self.property_id = property_box(places, existing.property_id if existing
                                        else property_id)
        self.payee = QLineEdit(existing.payee if existing else "")
        self.payee.setPlaceholderText("e.g. the landlord, the internet provider")
        self.category = category_box(categories, existing.category if existing else None)
        self.amount = QLineEdit(money_str(existing.amount) if existing else "")
        self.day_of_month = QSpinBox()
        self.day_of_month.setRange(1, 28)
        self.day_of_month.setValue(existing.day_of_month if existing else 1)
        first = today().replace(day=1)
        self.starts_on = DateField(existing.starts_on if existing else first)
        self.ends_on = DateField(existing.ends_on if existing else None, optional=True,
                                 none_text="Set the last day (a lease's end)")
        self.autopay = QCheckBox("Paid automatically (posted as paid, else as due)")
        self.autopay.setChecked(existing.autopay if existing else False)
        self.notes = QPlainTextEdit(existing.notes or "" if existing else "")
        self.notes.setFixedHeight(50)
        self.fields.add("property_id", "Property", self.property_id)
        self.fields.add("payee", "Payee", self.payee)
        self.fields.add("category", "Category", self.category)
        self.fields.add("amount", "Amount a month", self.amount)
        self.fields.add("day_of_month", "Day of the month", self.day_of_month)
        self.fields.add("starts_on", "From", self.starts_on)
        self.fields.add("ends_on", "Until", self.ends_on)
        self.fields.add("autopay", "", self.autopay)
        self.fields.add("notes", "Notes", self.notes)
        if existing is not None:  # where and from when are fixed once months are posted
            self.property_id.setEnabled(False)
            self.starts_on.setEnabled(False)
        self.finish_layout()

    def build_input(self) -> Any:
        values: dict[str, Any] = dict(
            payee=self.payee.text(), category=self.category.currentData() or "",
            amount=self.amount.text(), day_of_month=self.day_of_month.value(),
            autopay=self.autopay.isChecked(), notes=self.notes.toPlainText().strip() or None)
        ends = self.ends_on.value()
        if self.existing is None:
            return build(BillCreate, property_id=chosen(self.property_id),
                         starts_on=self.starts_on.value(), ends_on=ends, **values)
        if ends is None:
            values["clear_end"] = True
        else:
            values["ends_on"] = ends
        return build(BillUpdate, expected_version=self.existing.version, **values)

    def save(self, data: Any) -> BillOut:
        if self.existing is None:
            return recurring_bills.add_bill(self.ctx.db, self.ctx.actor, data)
        return recurring_bills.update_bill(self.ctx.db, self.ctx.actor, self.existing.id, data)


class PostBillsDialog(FormDialog):
    """The bill run: every bill's months up to a day, each posted once."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Post bills", parent, runner=ctx, save_text="Post")
        self.ctx = ctx
        self.through = DateField(today())
        self.fields.add("through", "Through", self.through)
        self.finish_layout()

    def build_input(self) -> date | None:
        return self.through.value()

    def save(self, data: Any) -> BillRunResult:
        return recurring_bills.post_bills(self.ctx.db, self.ctx.actor, data)


class CategoryDialog(FormDialog):
    """A new expense category, with its Schedule E line (5 to 19, or none)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("New category", parent, runner=ctx)
        self.ctx = ctx
        self.name = QLineEdit()
        self.line = QLineEdit()
        self.line.setPlaceholderText("5 to 19, or empty: not on Schedule E")
        self.fields.add("name", "Name", self.name)
        self.fields.add("schedule_e_line", "Schedule E line", self.line)
        self.finish_layout()

    def build_input(self) -> Any:
        return build(CategoryIn, name=self.name.text(), schedule_e_line=self.line.text())

    def save(self, data: Any) -> CategoryOut:
        return expenses.add_category(self.ctx.db, self.ctx.actor, data)
