"""Role matrix hooks (see the package's docstring): expenses, categories, recurring bills,
the profit and loss and Schedule E, the demo's expenses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor


def _books(name: str, /, **values: Any) -> Any:
    from coliv_desktop.schemas import books

    return build(getattr(books, name), **values)


def rows(db: Database, owner: Actor, ids: dict[str, Any]) -> None:
    """Rows the calls below need, added to the demo book as its owner."""
    from coliv_desktop.services import expenses, recurring_bills

    day = today()
    ids["expense"] = expenses.add_expense(db, owner, _books(
        "ExpenseCreate", property_id=ids["property"], spent_on=day.isoformat(),
        payee="Matrix Supplies", category="Supplies", amount="12.50", status="due")).id
    ids["category"] = expenses.add_category(db, owner, _books(
        "CategoryIn", name="Matrix category", schedule_e_line="19")).id
    ids["spare_category"] = expenses.add_category(db, owner, _books(
        "CategoryIn", name="Matrix spare")).id
    ids["recurring_bill"] = recurring_bills.add_bill(db, owner, _books(
        "BillCreate", property_id=ids["property"], payee="Matrix Internet",
        category="Utilities", amount="50", day_of_month=3,
        starts_on=day.replace(day=1).isoformat())).id


ARGS: dict[str, Callable[[dict[str, Any], Path], Any]] = {
    "expense_id": lambda ids, out: ids["expense"],
    "category_id": lambda ids, out: ids["category"],
    "recurring_bill_id": lambda ids, out: ids["recurring_bill"],
    "year": lambda ids, out: today().year,
}
DATA: dict[str, Callable[[dict[str, Any]], Any]] = {
    "ExpenseCreate": lambda ids: _books(
        "ExpenseCreate", property_id=ids["property"], spent_on=today().isoformat(),
        payee="Matrix Power", category="Utilities", amount="80", unit_id=ids["unit"]),
    "ExpenseUpdate": lambda ids: _books("ExpenseUpdate", amount="13.00", payee="Matrix Shop"),
    "CategoryIn": lambda ids: _books("CategoryIn", name="Matrix new", schedule_e_line="15"),
    "CategoryUpdate": lambda ids: _books("CategoryUpdate", name="Matrix renamed"),
    "BillCreate": lambda ids: _books(
        "BillCreate", property_id=ids["property"], payee="Matrix Landlord",
        category="Rent paid (master lease)", amount="1000",
        starts_on=today().replace(day=1).isoformat()),
    "BillUpdate": lambda ids: _books("BillUpdate", amount="55"),
}
OVERRIDES: dict[str, dict[str, Callable[[dict[str, Any]], Any]]] = {
    "expenses.delete_category": {"category_id": lambda ids: ids["spare_category"]},
}
REFUSED_BY_THE_DATA: dict[str, str] = {}
