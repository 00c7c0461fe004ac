"""Amounts and dates as spreadsheets and bank exports write them (issue 15).

Unlike typed input (`domain.money`, read in the book's locale), a file's column may come from
any locale. Each column is read one way, decided from all of its values: a decimal mark of
"." or "," and a date order (year-month-day, month-day-year or day-month-year). Where the
values allow both readings ("1,200" and "1.200" alone; 03/04/2026 and no day above 12) the
choice is asked of the person (`None` here), never guessed.

Amounts: "$1,200.50", "1.200,50 €", "1 200,50", "1'200.50", "1200", "-12.50", "(12.50)" and
"12.50-" (negative), "USD 12.50"; at most two decimal places, no exponent, at most the book's
maximum. Dates: 2026-03-04, 2026/03/04, 03/04/2026, 4.3.2026, 4 Mar 2026, Mar 4, 2026;
four-digit years only (a two-digit year is a guess), within CoLiv's plausible years.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from coliv_desktop.domain import limits
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import money_format

DATE_ORDERS = ("ymd", "mdy", "dmy")
DECIMAL_MARKS = (".", ",")
_MARKS = re.compile(r"[^0-9.,\-()+]")
_GROUPED_3 = re.compile(r"^\d{1,3}([.,])\d{3}$")  # "1,200" / "1.200": either reading
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[./\-](\d{1,2})[./\-](\d{1,4})$")
_MONTHS = {name: index for index, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
     ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
     ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for name in names}
_NAMED_DMY = re.compile(r"^(\d{1,2})[\s\-]+([A-Za-z]+)\.?[\s\-,]+(\d{4})$")
_NAMED_MDY = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_NAMED_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]00:00(:00(\.0+)?)?$")


def _echo(text: str) -> str:
    return f'"{text}"' if len(text) <= 40 else f'"{text[:38]}…"'


def _body(text: str) -> tuple[str, bool]:
    """The digits and separators of an amount, and whether it is negative."""
    raw = text.strip()
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1].strip()
    for space in (" ", "\xa0", "\u202f", "'", "\u2019"):
        raw = raw.replace(space, "")
    letters = _MARKS.sub("", raw)
    dropped = raw
    for keep in "0123456789.,-+()":
        dropped = dropped.replace(keep, "")
    # What is left besides digits may be a currency symbol or code, nothing else.
    if dropped and not re.fullmatch(r"[$€£¥₹₩₽¢]|[A-Za-z]{3}|[A-Za-z]{0,2}[$€£¥]", dropped):
        raise ValueError("is not an amount")
    body = letters
    if body.endswith("-"):
        negative, body = not negative, body[:-1]
    if body.startswith("-"):
        negative, body = not negative, body[1:]
    elif body.startswith("+"):
        body = body[1:]
    if not body or not re.fullmatch(r"[0-9][0-9.,]*", body) or "(" in body or ")" in body:
        raise ValueError("is not an amount")
    return body, negative


def decimal_mark_of(text: str) -> str | None:
    """The decimal mark one amount shows ("." or ","), or None when it shows none or could
    be read either way ("1,200")."""
    try:
        body, _ = _body(text)
    except ValueError:
        return None
    if _GROUPED_3.match(body):
        return None
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        return "." if body.rfind(".") > body.rfind(",") else ","
    if dots == 1:
        return "."
    if commas == 1:
        return ","
    if dots > 1:
        return ","  # "1.200.000": grouping, so the mark would be the comma
    if commas > 1:
        return "."
    return None


def guess_decimal_mark(values: Iterable[str]) -> str | None:
    """The decimal mark of a column: the one its values show, "." when no value could be
    read two ways, None when the values allow both (ask) or contradict each other."""
    shown: set[str] = set()
    ambiguous = False
    for value in values:
        mark = decimal_mark_of(value)
        if mark is not None:
            shown.add(mark)
        else:
            try:
                body, _ = _body(value)
            except ValueError:
                continue
            ambiguous = ambiguous or bool(_GROUPED_3.match(body))
    if len(shown) == 1:
        return shown.pop()
    if not shown and not ambiguous:
        return "."
    return None


def parse_amount(text: str, field: str, decimal_mark: str) -> Decimal:
    """A cell to an amount with `decimal_mark` ("." or ","): the other mark is grouping.
    Raises ValidationError(field, ...) quoting the value."""
    if decimal_mark not in DECIMAL_MARKS:
        raise ValidationError("decimal mark", f"must be one of {DECIMAL_MARKS}")
    if len(text) > 60:
        raise ValidationError(field, f"{_echo(text)} is not an amount")
    try:
        body, negative = _body(text)
    except ValueError:
        raise ValidationError(field, f"{_echo(text)} is not an amount") from None
    grouping = "," if decimal_mark == "." else "."
    if body.count(decimal_mark) > 1:
        raise ValidationError(field, f"{_echo(text)} has more than one decimal mark "
                              f"({decimal_mark!r})")
    whole, _, cents = body.partition(decimal_mark)
    if grouping in cents:
        raise ValidationError(field, f"{_echo(text)} is not an amount")
    if grouping in whole:
        groups = whole.split(grouping)
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            raise ValidationError(field, f"{_echo(text)} has misplaced {grouping!r} grouping")
        whole = "".join(groups)
    if len(cents) > 2:
        raise ValidationError(field, f"{_echo(text)} has more than two decimal places")
    try:
        amount = Decimal(f"{whole or '0'}.{cents or '0'}").quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationError(field, f"{_echo(text)} is not an amount") from None
    maximum = money_format().maximum
    if abs(amount) > maximum:
        raise ValidationError(field, f"{_echo(text)} is more than the largest amount the book "
                              f"takes ({maximum:,.2f})")
    return -amount if negative else amount


def _numeric_parts(text: str) -> tuple[int, int, int] | None:
    match = _NUMERIC_DATE.match(text)
    if not match:
        return None
    return int(match[1]), int(match[2]), int(match[3])


def date_orders_of(text: str) -> set[str]:
    """The orders in which one cell reads as a real date (four-digit year)."""
    value = text.strip()
    iso = _NAMED_ISO_TIME.match(value)
    if iso:
        value = iso[1]
    if _NAMED_DMY.match(value) or _NAMED_MDY.match(value):
        return set(DATE_ORDERS)  # a month's name decides by itself
    parts = _numeric_parts(value)
    if parts is None:
        return set()
    a, b, c = parts
    first = _NUMERIC_DATE.match(value)
    if first is not None and len(first[1]) == 4 and a >= 1000:
        try:  # a year first reads year-month-day in every order (see parse_day)
            date(a, b, c)
        except ValueError:
            return set()
        return set(DATE_ORDERS)
    orders = set()
    for order, (year, month, day) in (("ymd", (a, b, c)), ("mdy", (c, a, b)),
                                      ("dmy", (c, b, a))):
        if year < 1000:
            continue
        try:
            date(year, month, day)
        except ValueError:
            continue
        orders.add(order)
    return orders


def guess_date_order(values: Iterable[str]) -> str | None:
    """The date order every value of a column reads in, if only one does; None when more
    than one does (ask) or none does (the values' own errors say why)."""
    possible = set(DATE_ORDERS)
    seen = False
    for value in values:
        if not value.strip():
            continue
        orders = date_orders_of(value)
        if orders and orders != set(DATE_ORDERS):  # one reading in every order says nothing
            possible &= orders
            seen = True
    if not seen:
        return "ymd"  # every value reads the same in any order
    if len(possible) == 1:
        return possible.pop()
    return None


def parse_day(text: str, field: str, order: str) -> date:
    """A cell to a date in `order` ("ymd", "mdy" or "dmy"); a month's name reads in any."""
    value = text.strip()
    iso = _NAMED_ISO_TIME.match(value)
    if iso:
        value = iso[1]
    named = _NAMED_DMY.match(value)
    if named:
        day, month_name, year = int(named[1]), named[2].lower(), int(named[3])
    else:
        named = _NAMED_MDY.match(value)
        if named:
            month_name, day, year = named[1].lower(), int(named[2]), int(named[3])
    if named:
        if month_name not in _MONTHS:
            raise ValidationError(field, f"{_echo(text)} is not a date ({month_name!r} is not "
                                  "a month)")
        parts: tuple[int, int, int] = (year, _MONTHS[month_name], day)
    else:
        numeric = _numeric_parts(value)
        if numeric is None:
            raise ValidationError(field, f"{_echo(text)} is not a date")
        a, b, c = numeric
        # a four-digit year first is year-month-day whatever the column's order (an XLSX
        # date cell, an ISO date among US ones): no other order starts with the year
        first = _NUMERIC_DATE.match(value)
        year_first = first is not None and len(first[1]) == 4 and a >= 1000
        parts = (a, b, c) if year_first else \
            {"ymd": (a, b, c), "mdy": (c, a, b), "dmy": (c, b, a)}[order]
        if parts[0] < 1000:
            raise ValidationError(field, f"{_echo(text)} has no four-digit year in the "
                                  f"{order_name(order)} order")
    try:
        result = date(*parts)
    except ValueError:
        raise ValidationError(field, f"{_echo(text)} is not a date in the "
                              f"{order_name(order)} order") from None
    if not limits.FIRST_DAY <= result <= limits.LAST_DAY:
        raise ValidationError(field, limits.day_problem(result))
    return result


def order_name(order: str) -> str:
    return {"ymd": "year-month-day", "mdy": "month/day/year",
            "dmy": "day/month/year"}.get(order, order)
