"""Money: Decimal in Python, integer minor units (cents) in storage. Never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from coliv_desktop.domain.errors import ValidationError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def parse_money(value: object, field: str, *, allow_negative: bool = False) -> Decimal:
    """Parse user input ("900", "1,250.50", Decimal, int) into a 2-place Decimal.

    Floats are refused: a binary float has already lost the cents a person typed.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError(field, "must be given as text or Decimal, not a float")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("$", "")
        if not text:
            raise ValidationError(field, "is required")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(field, f"{value!r} is not an amount of money") from None
    else:
        raise ValidationError(field, f"{value!r} is not an amount of money")
    if not amount.is_finite():
        raise ValidationError(field, f"{value!r} is not an amount of money")
    if amount != amount.quantize(CENT):
        raise ValidationError(field, f"{value} has more than two decimal places")
    if amount < 0 and not allow_negative:
        raise ValidationError(field, "must not be negative")
    return amount.quantize(CENT)


def to_cents(amount: Decimal) -> int:
    quantized = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return int(quantized * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def money_str(amount: Decimal) -> str:
    """The machine form used in JSON and CSV: "3250.00"."""
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):.2f}"


def format_money(amount: Decimal, currency: str = "USD", locale: str = "en_US") -> str:
    """The human form for the operator's locale: "$3,250.00", "3.250,00 €"."""
    return _formatted(str(amount), currency, locale)


@lru_cache(maxsize=4096)
def _formatted(amount: str, currency: str, locale: str) -> str:
    # Lists show the same few amounts (rents, fees) over and over; babel takes ~50 us each
    # (and is imported with the first amount shown, not with this module).
    from babel.numbers import format_currency

    return format_currency(Decimal(amount), currency, locale=locale)

