"""Which automatic backups to keep: the newest of each of the last N days, weeks and months.

The rule restic and borg call keep-daily/weekly/monthly: walking the copies newest first,
each rule keeps a copy when it falls in a period that rule has not kept one in yet, until the
rule has kept its count. A copy kept by any rule stays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def _periods() -> tuple[Callable[[date], object], ...]:
    return (lambda d: d, lambda d: d.isocalendar()[:2], lambda d: (d.year, d.month))


def to_keep(taken: Sequence[datetime], rule: Retention) -> set[int]:
    """The indexes in `taken` (times in the operator's time zone, any order) to keep."""
    order = sorted(range(len(taken)), key=lambda i: taken[i], reverse=True)
    kept: set[int] = set()
    for period, count in zip(_periods(), (rule.daily, rule.weekly, rule.monthly), strict=True):
        seen: set[object] = set()
        for index in order:
            if len(seen) >= count:
                break
            bucket = period(taken[index].date())
            if bucket not in seen:
                seen.add(bucket)
                kept.add(index)
    return kept
