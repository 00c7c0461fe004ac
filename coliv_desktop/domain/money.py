"""Money: Decimal in Python, integer minor units (cents) in storage. Never float.

Amounts are typed the way the book writes them. The open book's money format (its locale, its
currency and the largest single amount it accepts) is held in a context variable,
`money_format()`: the CLI sets it once it has opened the book, the GUI when it has read the
book's settings, and every parse of typed text (the schemas' `Money`, the dialogs that parse
on the fly) reads it. Without a book the format is en_US, USD, 10,000,000.00.

Parsing is strict, because a wrong reading is a wrong figure nobody notices:

* text in the book's locale, as babel's `parse_decimal(..., strict=True)` reads it: "12,50"
  and "1.234,56" in de_DE, "1,234.56" in en_US;
* the plain form "1234.56" (what scripts and CSV files write), in every locale;
* text both readings accept but read differently is refused naming both ("1.250" in de_DE is
  1.25 plainly and 1250 in German), and so is text that fits neither but has one separator
  that may be a decimal mark or a misplaced grouping ("12,50" in en_US: 12.50 or 1,250.00?);
* no exponent ("1e3"), no inf or nan, nothing but digits, the two separators, a sign and the
  book's currency symbol or code; no more decimal places than cents;
* no single amount above the book's maximum (a setting, 10,000,000.00 unless the operator
  raises it): 99,999,999,999.00 is a finger on the 9 key, not a payment.

Only currencies with cents (two decimal places) can be chosen (see `services.settings`), so
storage in hundredths is exact for every book.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar, Token
from copy import copy
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from coliv_desktop.domain.errors import ValidationError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
PLACES = 2  # every book's currency has cents (services.settings refuses others)
DEFAULT_MAXIMUM = Decimal("10000000.00")
# The most the maximum may be raised to: sums of many such amounts still fit the 64-bit
# integer of cents a column holds, and Decimal arithmetic stays exact.
HIGHEST_MAXIMUM = Decimal("1000000000000.00")
_MAX_TEXT = 40  # longer text is no amount (and is not worth parsing)
_PLAIN = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_SPACES = " \xa0\u202f"


@dataclass(frozen=True)
class MoneyFormat:
    """How the open book writes amounts, and the largest single amount it takes."""

    locale: str = "en_US"
    currency: str = "USD"
    maximum: Decimal = DEFAULT_MAXIMUM


DEFAULT_FORMAT = MoneyFormat()  # frozen: safe to share
FormatSource = MoneyFormat | Callable[[], MoneyFormat]
_FORMAT: ContextVar[FormatSource] = ContextVar("coliv_money_format", default=DEFAULT_FORMAT)


def money_format() -> MoneyFormat:
    """The open book's money format. A source given as a function (the CLI's: it opens the
    book) is asked once, the first time an amount is parsed."""
    source = _FORMAT.get()
    if isinstance(source, MoneyFormat):
        return source
    fmt = source()
    _FORMAT.set(fmt)
    return fmt


def set_money_format(source: FormatSource) -> Token[FormatSource]:
    """Use `source` from now on in this thread (the GUI thread, the CLI's main); the token
    puts back what was there before (`reset_money_format`)."""
    return _FORMAT.set(source)


def reset_money_format(token: Token[FormatSource]) -> None:
    _FORMAT.reset(token)


# --- reading typed numbers ---------------------------------------------------------------------

@lru_cache(maxsize=64)
def _symbols(locale: str) -> tuple[str, str]:
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_decimal_symbol(locale), get_group_symbol(locale)


@lru_cache(maxsize=64)
def _currency_marks(currency: str, locale: str) -> tuple[str, ...]:
    from babel.numbers import get_currency_symbol

    marks = {currency.upper(), get_currency_symbol(currency, locale)}
    return tuple(sorted((m for m in marks if m), key=len, reverse=True))


@lru_cache(maxsize=64)
def _two_places(locale: str) -> Any:
    """The locale's own number pattern (its grouping: 1,00,000 in en_IN), with two places."""
    from babel import Locale
    from babel.numbers import parse_pattern

    pattern = copy(parse_pattern(Locale.parse(locale).decimal_formats[None]))
    pattern.frac_prec = (PLACES, PLACES)
    return pattern


def shown(amount: Decimal, fmt: MoneyFormat) -> str:
    """An amount with grouping and two places, as the locale writes it: "1,250.00"."""
    return str(_two_places(fmt.locale).apply(amount, fmt.locale))


def _typable(amount: Decimal, fmt: MoneyFormat) -> str:
    """The simplest unambiguous way to type an amount in this locale: "1250", "12.50"/"12,50"."""
    from babel.numbers import format_decimal

    if amount == amount.to_integral_value():
        return str(int(amount))
    return format_decimal(amount, "0.00", locale=fmt.locale)


def example(fmt: MoneyFormat) -> str:
    return shown(Decimal("1234.56"), fmt)


def _strip_currency(text: str, fmt: MoneyFormat) -> str:
    sign = ""
    if text[:1] in "-\u2212":
        sign, text = "-", text[1:].strip()
    for mark in _currency_marks(fmt.currency, fmt.locale):
        if text.upper().startswith(mark.upper()):
            text = text[len(mark):].strip()
        elif text.upper().endswith(mark.upper()):
            text = text[:-len(mark)].strip()
    if text[:1] in "-\u2212" and not sign:
        sign, text = "-", text[1:].strip()
    return sign + text


def _one_separator_readings(body: str) -> tuple[Decimal, Decimal] | None:
    """Text with a single "." or "," that is neither the locale's nor the plain form: the two
    things it may mean (a decimal mark, or a grouping in the wrong place)."""
    digits = body.lstrip("-")
    separators = [ch for ch in digits if not ch.isdigit()]
    if len(separators) != 1 or separators[0] not in ".,":
        return None
    before, _, after = digits.partition(separators[0])
    if not before or not after:
        return None
    sign = "-" if body.startswith("-") else ""
    as_decimal = Decimal(f"{sign}{before}.{after}")
    as_grouping = Decimal(f"{sign}{before}{after}")
    if len(after) > PLACES:
        return None
    return as_decimal, as_grouping


def _fits(number: Decimal) -> bool:
    return number == number.quantize(CENT)


def parse_number(value: str, field: str, fmt: MoneyFormat | None = None) -> Decimal:
    """Typed text to a Decimal: in the book's locale or the plain form, strictly (see the
    module's docstring). Signs are kept; callers check the range."""
    from babel.numbers import NumberFormatError, parse_decimal

    fmt = fmt or money_format()
    typed = value.strip()
    if not typed:
        raise ValidationError(field, "is required")
    if len(typed) > _MAX_TEXT:
        raise ValidationError(field, "is too long to be an amount")
    decimal_mark, group = _symbols(fmt.locale)
    body = _strip_currency(typed, fmt)
    if group in _SPACES:
        body = "".join(group if ch in _SPACES else ch for ch in body)
    elif group == "'":
        body = body.replace("\u2019", "'")
    allowed = set("0123456789.,-") | {decimal_mark, group}
    if not body or any(ch not in allowed for ch in body) or "-" in body[1:]:
        raise ValidationError(field, f'"{typed}" is not an amount of money '
                                     f"(type it like {example(fmt)} or 1234.56)")
    plain = Decimal(body) if _PLAIN.fullmatch(body) else None
    try:
        local: Decimal | None = parse_decimal(body, fmt.locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        local = None
    if plain is not None and local is not None and plain != local:
        # a reading with more decimals than cents is no amount ("134.463" in de_DE: 134463)
        if not _fits(plain):
            plain = None
        elif not _fits(local):
            local = None
        else:
            raise _ambiguous(field, typed, plain, local, fmt)
    reading = plain if plain is not None else local
    if reading is not None:
        return reading
    readings = _one_separator_readings(body)
    if readings is not None:
        raise _ambiguous(field, typed, *readings, fmt)
    raise ValidationError(field, f'"{typed}" is not how {fmt.locale} writes an amount: type '
                                 f"{example(fmt)} or 1234.56")


def _ambiguous(field: str, typed: str, one: Decimal, other: Decimal,
               fmt: MoneyFormat) -> ValidationError:
    return ValidationError(field, f'"{typed}" is ambiguous: {shown(one, fmt)} or '
                                  f"{shown(other, fmt)}? Type {_typable(one, fmt)} or "
                                  f"{_typable(other, fmt)}")


def parse_money(
    value: object, field: str, *, allow_negative: bool = False, fmt: MoneyFormat | None = None,
    maximum: Decimal | None = None,
) -> Decimal:
    """Typed text (or an int, or a Decimal) to an amount with two places.

    Text is read in the book's format (`fmt`, by default `money_format()`). The largest amount
    (`maximum`, by default the format's) applies to what a person types: text and whole
    numbers. A Decimal comes from code that computed or already checked it (a renewal carrying
    the old rent), so only the storage limit applies to it. Floats are refused: a binary float
    has already lost the cents a person typed.
    """
    fmt = fmt or money_format()
    limit = fmt.maximum if maximum is None else maximum
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError(field, "must be given as text or Decimal, not a float")
    if isinstance(value, Decimal):
        amount = value
        limit = max(limit, HIGHEST_MAXIMUM)
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        amount = parse_number(value, field, fmt)
    else:
        raise ValidationError(field, f"{value!r} is not an amount of money")
    if not amount.is_finite():
        raise ValidationError(field, f"{value} is not an amount of money")
    if amount < 0 and not allow_negative:
        raise ValidationError(field, "must not be negative")
    # the bound comes before any rounding: 1e309 is too large, not an arithmetic error
    if abs(amount) > limit:
        raise ValidationError(field, f"must be at most {shown(limit, fmt)} (the largest single "
                                     "amount; an owner can raise it in Settings)")
    if amount != amount.quantize(CENT):
        raise ValidationError(field, f"{value} has more than two decimal places")
    return amount.quantize(CENT)


def parse_percent(value: object, field: str, *, fmt: MoneyFormat | None = None) -> Decimal:
    """A percentage from 0 to 100 with at most two places, typed like an amount ("2,5" in
    de_DE); a trailing "%" is allowed."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError(field, "must be given as text or Decimal, not a float")
    if isinstance(value, str):
        number = parse_number(value.strip().removesuffix("%"), field, fmt)
    elif isinstance(value, Decimal | int):
        number = Decimal(value)
    else:
        raise ValidationError(field, f"{value!r} is not a percentage")
    if not number.is_finite():
        raise ValidationError(field, f"{value} is not a percentage")
    if number < 0:
        raise ValidationError(field, "must not be negative")
    if number > 100:
        raise ValidationError(field, "must be at most 100")
    if number != number.quantize(CENT):
        raise ValidationError(field, f"{value} has more than two decimal places")
    return number


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
