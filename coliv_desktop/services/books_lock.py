"""Reconciled periods are closed (issue 15): an entry dated in one is refused, not changed
silently. A reconciliation of a property's bank account closes that property's books through
the period's end; one of the operator's own account (no property) closes every property's.
Reopening a period (with a reason, in the audit log) lifts the lock.

Every write of money with a date (payments, credits, charges, voids, expenses, bank matches)
asks `refuse_if_closed` in its transaction, before it writes.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from coliv_desktop.db.models import BankAccount, Reconciliation
from coliv_desktop.domain.errors import ConflictError


class PeriodClosed(ConflictError):
    """An entry dated in a reconciled period."""

    def __init__(self, field: str, day: date, through: date, what: str | None = None) -> None:
        dated = f"{what}, dated {day.isoformat()}," if what else day.isoformat()
        super().__init__(
            f"{field}: {dated} is in a reconciled period (the books are closed "
            f"through {through.isoformat()}); reopen the reconciliation first, with a reason")
        self.field = field
        self.day = day
        self.through = through


def closed_through(session: Session, property_id: uuid.UUID | None) -> date | None:
    """The last day closed for `property_id` (None: for the operator's books as a whole,
    closed only by the operator's own accounts), or None when nothing is reconciled."""
    owners: list[ColumnElement[bool]] = [BankAccount.property_id.is_(None)]
    if property_id is not None:
        owners.append(BankAccount.property_id == property_id)
    return session.scalar(
        select(func.max(Reconciliation.period_end))
        .join(BankAccount, BankAccount.id == Reconciliation.bank_account_id)
        .where(Reconciliation.reopened_at.is_(None), or_(*owners)))


def any_closed(session: Session) -> bool:
    """Whether any period is locked (most books: none, and a batch skips the checks)."""
    return session.scalar(select(Reconciliation.id).where(
        Reconciliation.reopened_at.is_(None)).limit(1)) is not None


def refuse_if_closed(session: Session, property_id: uuid.UUID | None, day: date,
                     field: str) -> None:
    """Raise PeriodClosed when `day` is on or before the property's closing date."""
    through = closed_through(session, property_id)
    if through is not None and day <= through:
        raise PeriodClosed(field, day, through)
