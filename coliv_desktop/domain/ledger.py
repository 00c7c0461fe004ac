"""Ledger rules: a charge's status, allocating money to charges, balances.

A lease's ledger has charges (money the tenant owes) and money in (payments and credits). Money
in is allocated to charges: oldest due date first unless the operator says otherwise. Nothing is
ever edited or deleted; a mistake is voided with a reason and then counts for nothing: a voided
charge is not owed, a voided payment was not received, and allocations touching a voided entry
are inert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from coliv_desktop.domain import limits
from coliv_desktop.domain.aging import is_past_due
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import ZERO

CHARGE_KINDS = ("rent", "late_fee", "deposit", "utility", "other")
PAYMENT_METHODS = ("cash", "check", "bank_transfer", "card", "other")
STATUSES = ("pending", "partial", "paid", "overdue", "void")

# Voids CoLiv writes itself when a lease change corrects the rent (services.rent_sync) start
# with this; people may not word a void so, which is how the two are told apart later.
LEASE_CHANGE = "Lease change: "


def is_sync_void(reason: str | None) -> bool:
    return reason is not None and reason.startswith(LEASE_CHANGE)


POST_DATED_DAYS = 400  # post-dated checks for a year's rent; further ahead is a typed year


def check_received_on(received_on: date, today: date, field: str = "received_on") -> date:
    """Money may be dated ahead (a post-dated check is kept as credit until the charges come
    due), but not years ahead: "2062" for "2026" would sit unnoticed as credit."""
    if (received_on - today).days > POST_DATED_DAYS:
        raise ValidationError(field, f"{received_on.isoformat()} is more than a year ahead; "
                                     "check the year")
    return received_on


def check_void_reason(reason: str, field: str = "reason") -> str:
    """The reason a person gives for a void: one line, not empty, and not worded like CoLiv's
    own."""
    text = limits.clean_text(reason, field, limits.LINE)
    if not text:
        raise ValidationError(field, "say why this entry is voided")
    if text.lower().startswith(LEASE_CHANGE.strip().lower()):
        raise ValidationError(field, f"“{LEASE_CHANGE.strip()}” is reserved for the corrections "
                                     "CoLiv makes when a lease changes; word it otherwise")
    return text


def charge_status(
    amount: Decimal, paid: Decimal, due_date: date, today: date, *, voided: bool = False
) -> str:
    """void; paid when nothing is left; overdue when something is left and it is past due
    (domain.aging); partial when part is paid and it is not yet late; pending otherwise."""
    if voided:
        return "void"
    if paid >= amount:
        return "paid"
    if is_past_due(due_date, today):
        return "overdue"
    if paid > ZERO:
        return "partial"
    return "pending"


@dataclass(frozen=True)
class OpenCharge:
    """A charge with something left to pay, in the order money should reach it."""

    id: object
    due_date: date
    outstanding: Decimal
    order: int = 0  # tie-break within a due date (the posting order)


@dataclass(frozen=True)
class Allocation:
    charge_id: object
    amount: Decimal


def allocate_oldest_first(
    amount: Decimal, charges: Iterable[OpenCharge]
) -> tuple[list[Allocation], Decimal]:
    """Spread `amount` over the charges, oldest due date first. Returns (allocations, unapplied)."""
    if amount < ZERO:
        raise ValueError("cannot allocate a negative amount")
    left = amount
    result: list[Allocation] = []
    for charge in sorted(charges, key=lambda c: (c.due_date, c.order)):
        if left <= ZERO:
            break
        if charge.outstanding <= ZERO:
            continue
        take = min(left, charge.outstanding)
        result.append(Allocation(charge.id, take))
        left -= take
    return result, left


def check_explicit(
    amount: Decimal, wanted: Sequence[Allocation], charges: Iterable[OpenCharge]
) -> Decimal:
    """Validate an operator's own allocation; returns what stays unapplied."""
    open_by_id = {c.id: c for c in charges}
    total = ZERO
    seen: set[object] = set()
    for i, item in enumerate(wanted):
        field = f"allocations[{i}].amount"
        charge = open_by_id.get(item.charge_id)
        if charge is None:
            raise ValidationError(f"allocations[{i}].charge_id",
                                  "is not an open charge of this lease")
        if item.charge_id in seen:
            raise ValidationError(f"allocations[{i}].charge_id", "is listed twice")
        seen.add(item.charge_id)
        if item.amount <= ZERO:
            raise ValidationError(field, "must be more than zero")
        if item.amount > charge.outstanding:
            raise ValidationError(field, f"is more than the {charge.outstanding:.2f} still owed")
        total += item.amount
    if total > amount:
        raise ValidationError("allocations", f"add up to {total:.2f}, more than {amount:.2f}")
    return amount - total


def balance(charges: Iterable[Decimal], money_in: Iterable[Decimal]) -> Decimal:
    """What the tenant owes: charges less payments and credits (voided entries left out)."""
    return sum(charges, ZERO) - sum(money_in, ZERO)
