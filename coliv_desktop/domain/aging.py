"""Aging buckets of what is owed, by days past the due date."""

from __future__ import annotations

from datetime import date, timedelta

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def bucket(due_date: date, as_of: date) -> str:
    days = (as_of - due_date).days
    if days <= 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def bucket_edges(as_of: date) -> list[tuple[str, date]]:
    """(bucket, earliest due date in it) from the newest bucket down; for SQL CASE expressions.

    A charge belongs to the first bucket whose edge its due date is on or after.
    """
    return [
        ("current", as_of),
        ("1-30", as_of - timedelta(days=30)),
        ("31-60", as_of - timedelta(days=60)),
        ("61-90", as_of - timedelta(days=90)),
    ]
