"""When a lease holds its bed, as SQL predicates: shared by the leasing rules, the dashboard,
the tree and the reports (a module of its own, so reading the dashboard does not load the
leasing use cases and their schemas)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, or_

from coliv_desktop.db.models import Lease


def active_on(day: date) -> ColumnElement[bool]:
    """SQL: the lease holds its bed on `day` (ended leases count up to their last day)."""
    return and_(
        Lease.status != "cancelled",
        Lease.lease_start <= day,
        or_(Lease.lease_end.is_(None), Lease.lease_end >= day),
    )


def overlapping(start: date, end: date | None) -> ColumnElement[bool]:
    """SQL: the lease holds its bed on at least one day of [start, end] (None: open-ended)."""
    conditions = [
        Lease.status != "cancelled",
        or_(Lease.lease_end.is_(None), Lease.lease_end >= start),
    ]
    if end is not None:
        conditions.append(Lease.lease_start <= end)
    return and_(*conditions)


def past_end_without_move_out(day: date) -> ColumnElement[bool]:
    """SQL: the lease's end date has passed and nobody recorded the move-out (still active)."""
    return and_(Lease.status == "active", Lease.lease_end < day)
