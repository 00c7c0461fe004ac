"""What is past due, and aging buckets of what is owed by days past the due date.

"Past due" has one definition, here: a charge still (partly) unpaid after its due date. A
charge due today is not late yet; from the next day it is. Every part of the app that says
"overdue" or "past due" (the collection report, aging, the dashboard's attention line, the
reminders and the ledger's status column) uses `is_past_due`, or `last_due_date_past_due` in
SQL (`services.ledger_sql.past_due`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")

# A tenant's (or room's) standing for a period: nothing open; something open but nothing
# past due; something past due.
PAID, DUE, OVERDUE = "paid", "due", "overdue"


def last_due_date_past_due(today: date) -> date:
    """The latest due date that is past due on `today` (SQL compares due_date <= this)."""
    return today - timedelta(days=1)


def is_past_due(due_date: date, today: date) -> bool:
    return due_date <= last_due_date_past_due(today)


def account_status(open_amount: Decimal, past_due_amount: Decimal) -> str:
    """paid / due / overdue from what is left to pay and how much of it is past due."""
    if past_due_amount > 0:
        return OVERDUE
    if open_amount > 0:
        return DUE
    return PAID


def bucket(due_date: date, as_of: date) -> str:
    if not is_past_due(due_date, as_of):
        return "current"
    days = (as_of - due_date).days
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def bucket_edges(as_of: date) -> list[tuple[str, date]]:
    """(bucket, earliest due date in it) from the newest bucket down; for SQL CASE expressions.

    A charge belongs to the first bucket whose edge its due date is on or after: "current"
    holds what is not past due, "1-30" starts on the last due date that is past due.
    """
    return [
        ("current", last_due_date_past_due(as_of) + timedelta(days=1)),
        ("1-30", as_of - timedelta(days=30)),
        ("31-60", as_of - timedelta(days=60)),
        ("61-90", as_of - timedelta(days=90)),
    ]
