"""Rent schedule: one charge per calendar month, due on the operator's due day, prorated by day.

Proration method ("daily, cumulative rounding"): a month of N days at rent R is cut into days.
The amount for days a..b of that month is `C(b) - C(a - 1)` where `C(k) = round(R * k / N)` to the
cent (half up). A full month is therefore exactly R, and the pieces of one month (a transfer on
the 15th, a move-out on the 20th) always add up to R exactly: no cent is lost or made up by
rounding each piece on its own. The working is written on every prorated charge.

Due date: the due day of the month (1-28), or the lease's first day when the lease starts after
it, and never after the last day the lease covers in that month.

Keys: a month's rent is posted under the key "YYYY-MM" (unique per lease). When a lease change
replaces a posted month (a move-out re-prorates it, an undone move-out re-instates it), the
replacement gets a revision key "YYYY-MM#2", "YYYY-MM#3"...: the first key stays taken by the
voided charge, so a rent run never posts that month again.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from coliv_desktop.domain.money import CENT

METHOD = "daily, cumulative rounding"
REVISION = "#"


@dataclass(frozen=True)
class RentPeriod:
    period: str  # "YYYY-MM"
    start: date  # first day charged
    end: date  # last day charged
    due_date: date
    amount: Decimal
    days: int
    month_days: int
    working: str  # empty for a full month

    @property
    def prorated(self) -> bool:
        return self.days != self.month_days


def month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _cumulative(rent: Decimal, k: int, n: int) -> Decimal:
    return (rent * k / n).quantize(CENT, rounding=ROUND_HALF_UP)


def prorate(rent: Decimal, first_day: int, last_day: int, days_in_month: int) -> Decimal:
    """The rent for days first_day..last_day (1-based, inclusive) of a month of that length."""
    if not 1 <= first_day <= last_day <= days_in_month:
        raise ValueError(f"days {first_day}..{last_day} are not within a {days_in_month}-day month")
    return _cumulative(rent, last_day, days_in_month) - _cumulative(
        rent, first_day - 1, days_in_month
    )


def _months(start: date, last: date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def rent_periods(
    rent: Decimal,
    lease_start: date,
    lease_end: date | None,
    through: date,
    due_day: int = 1,
) -> list[RentPeriod]:
    """Every monthly rent charge of a lease whose due date is on or before `through`."""
    if not 1 <= due_day <= 28:
        raise ValueError("the due day must be between 1 and 28")
    if lease_end is not None and lease_end < lease_start:
        return []
    last = through if lease_end is None else min(lease_end, through)
    result: list[RentPeriod] = []
    for year, month in _months(lease_start, max(last, lease_start)):
        n = month_days(year, month)
        first_of_month = date(year, month, 1)
        end_of_month = date(year, month, n)
        start = max(lease_start, first_of_month)
        end = end_of_month if lease_end is None else min(lease_end, end_of_month)
        if end < start:
            continue
        due = min(max(date(year, month, due_day), start), end)
        if due > through:
            break
        days = (end - start).days + 1
        working = ""
        if days == n:
            amount = rent
        else:
            amount = prorate(rent, start.day, end.day, n)
            working = (
                f"Prorated by day ({METHOD}): {rent:.2f} for {days} of {n} days "
                f"({start.isoformat()} to {end.isoformat()}) = {amount:.2f}"
            )
        result.append(
            RentPeriod(f"{year:04d}-{month:02d}", start, end, due, amount, days, n, working)
        )
    return result


def base_period(key: str) -> str:
    """The month (or "deposit") a charge key is for: "2025-12#2" -> "2025-12"."""
    return key.split(REVISION, 1)[0]


def next_key(base: str, taken: Collection[str]) -> str:
    """The key for a new charge of `base`: the base itself while free, else the next revision."""
    if base not in taken:
        return base
    revision = 2
    while f"{base}{REVISION}{revision}" in taken:
        revision += 1
    return f"{base}{REVISION}{revision}"


def is_month(key: str) -> bool:
    """True for "YYYY-MM" keys (and their revisions); False for "manual:...", "deposit"..."""
    base = base_period(key)
    return len(base) == 7 and base[4] == "-" and base[:4].isdigit() and base[5:].isdigit()


@lru_cache(maxsize=4096)
def month_name(key: str) -> str:
    year, month = base_period(key).split("-")
    return date(int(year), int(month), 1).strftime("%B %Y")


def rent_description(p: RentPeriod) -> str:
    """How a rent charge reads in the ledger: "Rent December 2025 (1-20, prorated)"."""
    what = "Rent " + month_name(p.period)
    if p.prorated:
        what += f" ({p.start.day}-{p.end.day}, prorated)"
    return what
