"""What input may hold, in one place: the window of plausible dates, text lengths and the
characters text may contain, the bounds of whole numbers. Schemas apply these to everything a
person types (GUI dialogs and CLI flags alike); services use the same functions for the few
free texts they take directly (the reason for a void or a cancellation).

Hard limits refuse; soft ones (`LEASE_START_CONFIRM_DAYS`) only ask a person to confirm
(`NeedsConfirmation`, see `domain.errors`).
"""

from __future__ import annotations

import unicodedata
from datetime import date

from coliv_desktop.domain.errors import NeedsConfirmation, ValidationError

# --- dates ------------------------------------------------------------------------------------
# CoLiv keeps a live rent book, so every date typed into it (a lease term, money received, a
# bill's period, a move-in) falls in this century. A date outside it is a mistyped year: "0001"
# (the empty-looking default of a date field), "0202" or "1025" for 2025, "1995" for 2025,
# "2205" for 2025. Refusing them matters because a lease start decides how many months the rent
# run charges: 0001-01-01 once became 24,312 rent charges on one tenant. Dates inside the window
# that are still unusual (a lease starting years back, money dated before the book's first
# lease) are allowed once a person confirms them.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)

# A lease starting more than this before today asks for confirmation: the rent run would post
# a year or more of rent at once, which is a mistyped year (2025 for 2026) far more often than
# a wish. A tenant whose earlier rent was settled outside CoLiv is entered from the first month
# CoLiv should charge.
LEASE_START_CONFIRM_DAYS = 365
# Money dated before the book's first lease began asks for confirmation too, except within
# this many days before it: the first tenants pay a deposit or the first month ahead.
MONEY_AHEAD_OF_FIRST_LEASE_DAYS = 62


def check_day(day: date, field: str) -> date:
    """`day`, or a ValidationError when it is outside the plausible window."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(field, day_problem(day))
    return day


def day_problem(day: date) -> str:
    return (f"{day.isoformat()} is not a plausible date (CoLiv takes dates from "
            f"{FIRST_DAY.year} to {LAST_DAY.year}); check the year")


def lease_start_problem(start: date, today: date) -> str | None:
    """Why a lease start wants confirmation (it is more than a year back), or None."""
    if (today - start).days <= LEASE_START_CONFIRM_DAYS:
        return None
    months = (today.year - start.year) * 12 + today.month - start.month + 1
    return (f"{start.isoformat()} is more than a year ago: the rent run will charge the "
            f"{months} months of rent since then at once. Is the year right?")


def money_date_problem(day: date, first_lease_start: date | None) -> str | None:
    """Why money (a payment, a credit, a charge) dated `day` wants confirmation: it is dated
    before the book's first lease began (by more than `MONEY_AHEAD_OF_FIRST_LEASE_DAYS`),
    which is a mistyped year far more often than not."""
    if first_lease_start is None:
        return None
    if (first_lease_start - day).days <= MONEY_AHEAD_OF_FIRST_LEASE_DAYS:
        return None
    return (f"{day.isoformat()} is before the first lease in this book began "
            f"({first_lease_start.isoformat()}). Is the date right?")


def confirm(field: str, problem: str | None, force: bool) -> list[str]:
    """A soft check's outcome: nothing to say ([]); said and overridden ([problem], for the
    audit entry's "forced"); or, without `force`, a NeedsConfirmation for a person to answer."""
    if problem is None:
        return []
    if not force:
        raise NeedsConfirmation(field, problem)
    return [problem]


# --- text -------------------------------------------------------------------------------------
# Lengths in characters. Each fits its database column (PostgreSQL enforces them) and what a
# document prints in its place: the PDFs wrap text up to these lengths.
PERSON_NAME = 100  # a first or last name
NAME = 120  # a property, a business, a utility provider, an emergency contact
ADDRESS = 200  # a street address (the business address may take several lines)
CITY = 100
STATE = 50
ZIP = 20
UNIT_NUMBER = 20
ROOM_NUMBER = 10
PHONE = 40
EMAIL = 254  # the longest address SMTP carries
REFERENCE = 100  # a check number, a bank reference
LINE = 200  # one line of text: a charge's description, the reason for a void or a credit
AMENITY = 60
AMENITIES = 50  # how many amenities a property lists
NOTES = 4000  # notes, a contact's summary: a page of text
HOUSE_RULES = 8000  # printed in the lease: two pages
OCCUPATION = 200
INTEREST = 60
INTERESTS = 30

# Characters that change the direction of the text around them without being seen: in a name
# they make "Anna" print as "annA" or hide what follows (CVE-2021-42574, "Trojan Source").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n\n"}


def text_problem(text: str, max_length: int, *, multiline: bool = False) -> str | None:
    """What is wrong with `text` (already stripped) as a field's value, or None."""
    if len(text) > max_length:
        return f"is too long (at most {max_length} characters, not {len(text)})"
    for ch in text:
        if ch in BIDI_CONTROLS:
            return (f"must not contain the invisible text-direction character U+{ord(ch):04X} "
                    "(it makes text print in a different order than typed)")
        if ch in "\n\t" and multiline:
            continue
        if ch in "\n\r\t\u2028\u2029":
            return "must be a single line (no line breaks or tabs)"
        if unicodedata.category(ch) == "Cc":
            return f"must not contain control characters (U+{ord(ch):04X})"
    return None


def clean_text(text: str, field: str, max_length: int, *, multiline: bool = False) -> str:
    """`text` stripped (line breaks made "\\n" in multi-line text), or a ValidationError naming
    `field` when it is too long or holds control or text-direction characters."""
    if multiline:
        for old, new in _LINE_BREAKS.items():
            text = text.replace(old, new)
    text = text.strip()
    problem = text_problem(text, max_length, multiline=multiline)
    if problem:
        raise ValidationError(field, problem)
    return text


# --- whole numbers ----------------------------------------------------------------------------
# Every whole number a person types has bounds (a 20-digit number must be refused in words, not
# overflow the database driver).
MAX_FLOOR = 200
MIN_FLOOR = -10
MAX_SQFT = 100_000  # a unit's floor area
MAX_ROOM_SQFT = 10_000
MAX_BEDS = 20
MAX_BEDROOMS = 50
MAX_VERSION = 2**31 - 1
