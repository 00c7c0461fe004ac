"""Late fees: grace days, flat or percent of the overdue rent, once per period, capped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import CENT, ZERO

MODES = ("none", "flat", "percent")


@dataclass(frozen=True)
class LateFeeRule:
    mode: str = "none"  # none | flat | percent
    grace_days: int = 0
    flat_amount: Decimal = ZERO
    percent: Decimal = ZERO  # 5 means 5 %
    cap: Decimal | None = None
    source: str = "operator default"

    def validate(self) -> LateFeeRule:
        if self.mode not in MODES:
            raise ValidationError("mode", f"must be one of {', '.join(MODES)}")
        if not 0 <= self.grace_days <= 60:
            raise ValidationError("grace_days", "must be between 0 and 60")
        if self.flat_amount < ZERO:
            raise ValidationError("flat_amount", "must not be negative")
        if not ZERO <= self.percent <= Decimal(100):
            raise ValidationError("percent", "must be between 0 and 100")
        if self.cap is not None and self.cap < ZERO:
            raise ValidationError("cap", "must not be negative")
        if self.mode == "flat" and self.flat_amount == ZERO:
            raise ValidationError("flat_amount", "a flat late fee needs an amount")
        if self.mode == "percent" and self.percent == ZERO:
            raise ValidationError("percent", "a percent late fee needs a percent")
        return self

    def describe(self) -> str:
        if self.mode == "none":
            return "no late fee"
        what = f"{self.flat_amount:.2f} flat" if self.mode == "flat" else (
            f"{self.percent.normalize():f}% of the overdue rent")
        cap = f", capped at {self.cap:.2f}" if self.cap is not None else ""
        return f"{what} after {self.grace_days} grace days{cap} ({self.source})"


def tenant_wording(mode: str, grace_days: int, flat_amount: Decimal, percent: Decimal,
                   cap: Decimal | None, money: Callable[[Decimal], str]) -> str:
    """A late fee rule as a lease states it to the tenant (amounts in the operator's currency)."""
    if mode == "none":
        return "none"
    when = (f"if the rent is still unpaid {grace_days} day{'s' if grace_days != 1 else ''} "
            "after it is due" if grace_days else "if the rent is not paid on the day it is due")
    what = money(flat_amount) if mode == "flat" else (
        f"{percent.normalize():f}% of the rent overdue")
    limit = f", at most {money(cap)}" if cap is not None else ""
    return f"{what} {when}, once per month{limit}"


def late_from(due_date: date, rule: LateFeeRule) -> date:
    """The first day a charge due on `due_date` is late under `rule`."""
    return due_date + timedelta(days=rule.grace_days + 1)


def late_fee(rule: LateFeeRule, overdue_rent: Decimal) -> Decimal:
    """The fee for one period's overdue rent (zero when nothing is overdue)."""
    if rule.mode == "none" or overdue_rent <= ZERO:
        return ZERO
    if rule.mode == "flat":
        fee = rule.flat_amount
    else:
        fee = (overdue_rent * rule.percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    if rule.cap is not None:
        fee = min(fee, rule.cap)
    return fee.quantize(CENT)


def working(rule: LateFeeRule, overdue_rent: Decimal, fee: Decimal, due_date: date) -> str:
    return (f"Late fee {fee:.2f}: rent due {due_date.isoformat()} had {overdue_rent:.2f} unpaid "
            f"on {late_from(due_date, rule).isoformat()}; rule: {rule.describe()}")
