"""`coliv expense|bill`: expenses, their categories and recurring bills (issue 15).

Each `add` prints the new id on its last line; `--json` prints ids as strings, money in the
machine form ("12.50") and dates in ISO 8601. Without `--payee`, an expense's payee is its
category's name (a receipt with no name on it: "Supplies").
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coliv_desktop.cli.portfolio import _day, _drop_none, _id, print_json
from coliv_desktop.domain.errors import FileProblem
from coliv_desktop.domain.money import money_str
from coliv_desktop.schemas import build
from coliv_desktop.schemas.books import (
    BillCreate,
    BillOut,
    BillUpdate,
    CategoryIn,
    CategoryOut,
    CategoryUpdate,
    ExpenseCreate,
    ExpenseOut,
    ExpenseQuery,
    ExpenseUpdate,
)
from coliv_desktop.services import expenses, recurring_bills

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext

# The schema fields set from options of other names (the services name the field).
EXPENSE_OPTIONS = {"spent_on": ("date",), "paid_on": ("paid",), "file": ("receipt",)}
BILL_OPTIONS = {"day_of_month": ("day",), "starts_on": ("start",), "ends_on": ("end",)}
CATEGORY_OPTIONS = {"schedule_e_line": ("line",)}


def _text(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def expense_json(e: ExpenseOut) -> dict[str, Any]:
    return {"id": str(e.id), "date": e.spent_on.isoformat(), "property_id": str(e.property_id),
            "property": e.property, "unit_id": str(e.unit_id) if e.unit_id else None,
            "unit": e.unit, "room_id": str(e.room_id) if e.room_id else None, "room": e.room,
            "category": e.category, "payee": e.payee, "amount": money_str(e.amount),
            "status": e.status, "due_date": _text(e.due_date), "paid_on": _text(e.paid_on),
            "reference": e.reference, "notes": e.notes, "source": e.source,
            "voided": e.voided_on is not None, "voided_on": _text(e.voided_on),
            "void_reason": e.void_reason,
            "vendor_id": str(e.vendor_id) if e.vendor_id else None,
            "receipt": e.document_name,
            "document_id": str(e.document_id) if e.document_id else None,
            "recurring_bill_id": str(e.recurring_bill_id) if e.recurring_bill_id else None,
            "period": e.period, "version": e.version}


def _line(e: ExpenseOut) -> str:
    flag = f"  VOID ({e.void_reason})" if e.voided_on else ("  DUE" if e.status == "due" else "")
    return (f"{e.id}  {e.spent_on}  {money_str(e.amount):>10}  {e.category:<24} "
            f"{e.payee}  [{e.property}]{flag}")


def _payee(ctx: CliContext, args: argparse.Namespace) -> str:
    """The category's name (as the book spells it) when no payee is given."""
    wanted = args.category.strip().lower()
    found = expenses.list_categories(ctx.db, ctx.actor)
    by_line = sorted((c for c in found if c.schedule_e_line == wanted),
                     key=lambda c: (c.name != "Other", c.name))  # as find_category picks
    named = [c for c in found if c.name.lower() == wanted] or by_line
    return named[0].name if named else str(args.category)


def cmd_expense_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(ExpenseCreate, **_drop_none(
        property_id=args.property, unit_id=args.unit, room_id=args.room, spent_on=args.date,
        payee=args.payee if args.payee is not None else _payee(ctx, args),
        category=args.category, amount=args.amount, status=args.status, due_date=args.due,
        vendor_id=args.vendor, reference=args.reference, notes=args.notes))
    receipt = (args.receipt.name, _read(args.receipt)) if args.receipt else None
    made = expenses.add_expense(ctx.db, ctx.actor, data, receipt)
    print(f"expense {money_str(made.amount)} to {made.payee} ({made.category}) on "
          f"{made.spent_on}")
    print(made.id)


def _read(path: Path) -> bytes:
    try:
        return path.expanduser().read_bytes()
    except OSError as exc:
        raise FileProblem(str(path), exc.strerror or str(exc)) from None


def cmd_expense_list(args: argparse.Namespace, ctx: CliContext) -> None:
    query = build(ExpenseQuery, **_drop_none(
        property_id=args.property, category=args.category, start=args.start, end=args.end,
        status=args.status, search=args.search, sort=args.sort,
        descending=False if args.asc else None,
        include_voided=False if args.live else None))
    found = expenses.list_expenses(ctx.db, ctx.actor, query)
    if args.json:
        print_json([expense_json(e) for e in found])
        return
    for e in found:
        print(_line(e))


def cmd_expense_show(args: argparse.Namespace, ctx: CliContext) -> None:
    e = expenses.get_expense(ctx.db, ctx.actor, args.expense)
    if args.json:
        print_json(expense_json(e))
        return
    print(_line(e))


def cmd_expense_edit(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(ExpenseUpdate, **_drop_none(
        property_id=args.property, unit_id=args.unit, room_id=args.room, spent_on=args.date,
        payee=args.payee, category=args.category, amount=args.amount, status=args.status,
        due_date=args.due, paid_on=args.paid, vendor_id=args.vendor,
        reference=args.reference, notes=args.notes, clear_place=args.whole_property or None,
        expected_version=args.expected_version))
    print(_line(expenses.update_expense(ctx.db, ctx.actor, args.expense, data)))


def cmd_expense_void(args: argparse.Namespace, ctx: CliContext) -> None:
    e = expenses.void_expense(ctx.db, ctx.actor, args.expense, args.reason)
    print(f"voided expense {money_str(e.amount)} to {e.payee} of {e.spent_on}")


def cmd_expense_pay(args: argparse.Namespace, ctx: CliContext) -> None:
    e = expenses.mark_paid(ctx.db, ctx.actor, args.expense, args.date)
    print(f"paid {money_str(e.amount)} to {e.payee} on {e.paid_on}")


def cmd_expense_attach(args: argparse.Namespace, ctx: CliContext) -> None:
    e = expenses.attach_receipt(ctx.db, ctx.actor, args.expense, args.file.name,
                                _read(args.file))
    print(f"receipt {e.document_name} kept with the expense to {e.payee}")
    print(e.document_id)


def cmd_expense_sync(args: argparse.Namespace, ctx: CliContext) -> None:
    made = expenses.sync_maintenance_expenses(ctx.db, ctx.actor)
    print(f"{made} maintenance costs brought into the expenses")


def category_json(c: CategoryOut) -> dict[str, Any]:
    return {"id": str(c.id), "name": c.name, "schedule_e_line": c.schedule_e_line,
            "archived": c.archived_at is not None, "expenses": c.expenses}


def cmd_category_list(args: argparse.Namespace, ctx: CliContext) -> None:
    found = expenses.list_categories(ctx.db, ctx.actor, include_archived=args.all)
    if args.json:
        print_json([category_json(c) for c in found])
        return
    for c in found:
        line = f"line {c.schedule_e_line}" if c.schedule_e_line else "not on Schedule E"
        flag = " (archived)" if c.archived_at else ""
        print(f"{c.id}  {c.name:<36} {line:<18} {c.expenses:>5} expenses{flag}")


def cmd_category_add(args: argparse.Namespace, ctx: CliContext) -> None:
    made = expenses.add_category(ctx.db, ctx.actor, build(
        CategoryIn, **_drop_none(name=args.name, schedule_e_line=args.line)))
    print(f"added category {made.name}")
    print(made.id)


def cmd_category_edit(args: argparse.Namespace, ctx: CliContext) -> None:
    made = expenses.update_category(ctx.db, ctx.actor, args.category, build(
        CategoryUpdate, **_drop_none(name=args.name, schedule_e_line=args.line,
                                     clear_line=args.no_line or None)))
    line = f"line {made.schedule_e_line}" if made.schedule_e_line else "not on Schedule E"
    print(f"category {made.name} ({line})")


def cmd_category_archive(args: argparse.Namespace, ctx: CliContext) -> None:
    made = expenses.set_category_archived(ctx.db, ctx.actor, args.category, not args.restore)
    print(f"{'restored' if args.restore else 'archived'} category {made.name}")


def cmd_category_delete(args: argparse.Namespace, ctx: CliContext) -> None:
    expenses.delete_category(ctx.db, ctx.actor, args.category)
    print("deleted the category")


def bill_json(b: BillOut) -> dict[str, Any]:
    return {"id": str(b.id), "property_id": str(b.property_id), "property": b.property,
            "unit_id": str(b.unit_id) if b.unit_id else None, "payee": b.payee,
            "category": b.category, "amount": money_str(b.amount),
            "day_of_month": b.day_of_month, "starts_on": b.starts_on.isoformat(),
            "ends_on": _text(b.ends_on), "autopay": b.autopay, "notes": b.notes,
            "archived": b.archived_at is not None, "last_period": b.last_period}


def cmd_bill_add(args: argparse.Namespace, ctx: CliContext) -> None:
    made = recurring_bills.add_bill(ctx.db, ctx.actor, build(BillCreate, **_drop_none(
        property_id=args.property, unit_id=args.unit, payee=args.payee, vendor_id=args.vendor,
        category=args.category, amount=args.amount, day_of_month=args.day,
        starts_on=args.start, ends_on=args.end, autopay=args.autopay or None,
        notes=args.notes)))
    print(f"bill {made.payee} {money_str(made.amount)} on day {made.day_of_month} of each "
          f"month from {made.starts_on}")
    print(made.id)


def cmd_bill_list(args: argparse.Namespace, ctx: CliContext) -> None:
    found = recurring_bills.list_bills(ctx.db, ctx.actor, include_archived=args.all,
                                       property_id=args.property)
    if args.json:
        print_json([bill_json(b) for b in found])
        return
    for b in found:
        flag = " (archived)" if b.archived_at else ""
        print(f"{b.id}  day {b.day_of_month:>2}  {money_str(b.amount):>10}  {b.payee} "
              f"({b.category}) [{b.property}] last posted {b.last_period or 'never'}{flag}")


def cmd_bill_edit(args: argparse.Namespace, ctx: CliContext) -> None:
    made = recurring_bills.update_bill(ctx.db, ctx.actor, args.bill, build(
        BillUpdate, **_drop_none(payee=args.payee, vendor_id=args.vendor,
                                 category=args.category, amount=args.amount,
                                 day_of_month=args.day, ends_on=args.end,
                                 clear_end=args.no_end or None, notes=args.notes,
                                 autopay=True if args.autopay else (
                                     False if args.no_autopay else None))))
    print(f"bill {made.payee} {money_str(made.amount)} on day {made.day_of_month}")


def cmd_bill_archive(args: argparse.Namespace, ctx: CliContext) -> None:
    made = recurring_bills.set_bill_archived(ctx.db, ctx.actor, args.bill, not args.restore)
    print(f"{'restored' if args.restore else 'archived'} bill {made.payee}")


def cmd_bill_post(args: argparse.Namespace, ctx: CliContext) -> None:
    result = recurring_bills.post_bills(ctx.db, ctx.actor, args.through)
    if args.json:
        print_json({"through": result.through.isoformat(), "posted": result.posted,
                    "bills": result.bills, "closed": result.closed})
        return
    closed = f", {result.closed} months left in reconciled periods" if result.closed else ""
    print(f"posted {result.posted} expenses from {result.bills} bills through "
          f"{result.through}{closed}")


def _expense_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument("--property", type=_id, required=adding, metavar="ID")
    p.add_argument("--amount", required=adding)
    p.add_argument("--date", type=_day, required=adding, metavar="YYYY-MM-DD",
                   help="the day of the expense (of the bill, for one still due)")
    p.add_argument("--category", required=adding,
                   help="a category's name or its Schedule E line number")
    p.add_argument("--payee", help="who was paid (default: the category's name)" if adding
                   else "who was paid")
    p.add_argument("--unit", type=_id, metavar="ID")
    p.add_argument("--room", type=_id, metavar="ID")
    p.add_argument("--status", choices=["paid", "due"])
    p.add_argument("--due", type=_day, metavar="YYYY-MM-DD", help="when a due bill is due")
    p.add_argument("--vendor", type=_id, metavar="ID")
    p.add_argument("--reference", help="invoice or check number")
    p.add_argument("--notes")


def register(commands: Any) -> None:
    from coliv_desktop.cli import READS

    group = commands.add_parser("expense", help="expenses and their categories").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = group.add_parser("add", help="record an expense")
    _expense_options(p, adding=True)
    p.add_argument("--receipt", type=Path, metavar="FILE", help="keep this file as its receipt")
    p.set_defaults(handler=cmd_expense_add, field_options=EXPENSE_OPTIONS)
    p = group.add_parser("list", help="expenses, newest first")
    p.add_argument("--property", type=_id, metavar="ID")
    p.add_argument("--category")
    p.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--status", choices=["paid", "due", "void"])
    p.add_argument("--search", help="text in the payee, category, reference or notes")
    p.add_argument("--sort", choices=["date", "amount", "payee", "category", "property"])
    p.add_argument("--asc", action="store_true", help="oldest (smallest) first")
    p.add_argument("--live", action="store_true", help="leave voided expenses out")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_expense_list, field_options={"start": ("from",),
                                                            "end": ("to",)})
    p = group.add_parser("show", help="one expense")
    p.add_argument("expense", type=_id, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_expense_show)
    p = group.add_parser("edit", help="change an expense (not in a reconciled period)")
    p.add_argument("expense", type=_id, metavar="ID")
    _expense_options(p, adding=False)
    p.add_argument("--paid", type=_day, metavar="YYYY-MM-DD", help="the day it was paid")
    p.add_argument("--whole-property", action="store_true",
                   help="the expense is the property's, no unit or room")
    p.add_argument("--expected-version", type=int, metavar="N")
    p.set_defaults(handler=cmd_expense_edit, field_options=EXPENSE_OPTIONS)
    p = group.add_parser("void", help="void an expense (kept, out of every total)")
    p.add_argument("expense", type=_id, metavar="ID")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_expense_void)
    p = group.add_parser("pay", help="mark a due bill paid")
    p.add_argument("expense", type=_id, metavar="ID")
    p.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="default: today")
    p.set_defaults(handler=cmd_expense_pay, field_options={"paid_on": ("date",)})
    p = group.add_parser("attach", help="keep a receipt with an expense")
    p.add_argument("expense", type=_id, metavar="ID")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(handler=cmd_expense_attach, field_options={"file_name": ("file",)})
    p = group.add_parser("sync-maintenance",
                         help="give maintenance costs recorded before expenses their expense")
    p.set_defaults(handler=cmd_expense_sync)
    _register_categories(group)
    _register_bills(commands)
    for words in [("expense", "list"), ("expense", "show"), ("expense", "category", "list"),
                  ("bill", "list")]:
        READS[words] = lambda _args: True


def _register_categories(group: Any) -> None:
    cats = group.add_parser("category", help="expense categories (the Schedule E lines)") \
        .add_subparsers(dest="category_action", metavar="ACTION", required=True)
    p = cats.add_parser("list", help="the categories with their Schedule E line")
    p.add_argument("--all", action="store_true", help="archived ones too")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_category_list)
    p = cats.add_parser("add", help="a new category")
    p.add_argument("name")
    p.add_argument("--line", help="its Schedule E line, 5 to 19")
    p.set_defaults(handler=cmd_category_add, field_options=CATEGORY_OPTIONS)
    p = cats.add_parser("edit", help="rename a category or change its Schedule E line")
    p.add_argument("category", type=_id, metavar="ID")
    p.add_argument("--name")
    p.add_argument("--line", help="its Schedule E line, 5 to 19")
    p.add_argument("--no-line", action="store_true", help="take it off Schedule E")
    p.set_defaults(handler=cmd_category_edit, field_options=CATEGORY_OPTIONS)
    p = cats.add_parser("archive", help="archive a category (one in use cannot be deleted)")
    p.add_argument("category", type=_id, metavar="ID")
    p.add_argument("--restore", action="store_true")
    p.set_defaults(handler=cmd_category_archive)
    p = cats.add_parser("delete", help="delete a category nothing uses")
    p.add_argument("category", type=_id, metavar="ID")
    p.set_defaults(handler=cmd_category_delete)


def _register_bills(commands: Any) -> None:
    bills = commands.add_parser("bill", help="recurring bills (master lease, internet)") \
        .add_subparsers(dest="action", metavar="ACTION", required=True)
    p = bills.add_parser("add", help="a bill that comes every month")
    p.add_argument("--property", type=_id, required=True, metavar="ID")
    p.add_argument("--payee", required=True)
    p.add_argument("--category", required=True)
    p.add_argument("--amount", required=True)
    p.add_argument("--day", type=int, default=None, metavar="1-28",
                   help="day of the month it falls on (default 1)")
    p.add_argument("--start", type=_day, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--end", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--autopay", action="store_true", help="paid automatically: posted as paid")
    p.add_argument("--unit", type=_id, metavar="ID")
    p.add_argument("--vendor", type=_id, metavar="ID")
    p.add_argument("--notes")
    p.set_defaults(handler=cmd_bill_add, field_options=BILL_OPTIONS)
    p = bills.add_parser("list", help="the recurring bills")
    p.add_argument("--property", type=_id, metavar="ID")
    p.add_argument("--all", action="store_true", help="archived ones too")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_bill_list)
    p = bills.add_parser("edit", help="change a bill (months posted keep their amount)")
    p.add_argument("bill", type=_id, metavar="ID")
    p.add_argument("--payee")
    p.add_argument("--category")
    p.add_argument("--amount")
    p.add_argument("--day", type=int, metavar="1-28")
    p.add_argument("--end", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--no-end", action="store_true")
    p.add_argument("--autopay", action="store_true")
    p.add_argument("--no-autopay", action="store_true")
    p.add_argument("--vendor", type=_id, metavar="ID")
    p.add_argument("--notes")
    p.set_defaults(handler=cmd_bill_edit, field_options=BILL_OPTIONS)
    p = bills.add_parser("archive", help="stop a bill (months posted stay)")
    p.add_argument("bill", type=_id, metavar="ID")
    p.add_argument("--restore", action="store_true")
    p.set_defaults(handler=cmd_bill_archive)
    p = bills.add_parser("post", help="post every bill's months up to a day, once")
    p.add_argument("--through", type=_day, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_bill_post)
