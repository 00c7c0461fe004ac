"""Shared field types and the bridge from Pydantic's errors to ours.

Every limit on what a person may type lives in `domain.limits` (dates, text, whole numbers)
and `domain.money` (amounts); the types here apply them, so a GUI dialog and a CLI flag are
held to the same rules. Text types refuse control characters and the invisible characters
that reverse text (names print in PDFs), and each has a length that fits its column and the
documents; single-line text takes no line breaks.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from coliv_desktop.domain import limits
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import parse_money, parse_percent

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _money(value: Any) -> Decimal:
    try:
        return parse_money(value, "amount")
    except ValidationError as exc:
        raise ValueError(exc.detail) from None


def _percent(value: Any) -> Decimal:
    try:
        return parse_percent(value, "percent")
    except ValidationError as exc:
        raise ValueError(exc.detail) from None


def text(max_length: int, *, multiline: bool = False, optional: bool = False) -> BeforeValidator:
    """A text field's rule, as Annotated metadata: stripped, at most `max_length` characters,
    no control or text-direction characters (line breaks and tabs only when `multiline`).
    Empty text is None when `optional`, else "is required"."""

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            cleaned = limits.clean_text(value, "text", max_length, multiline=multiline)
        except ValidationError as exc:
            raise ValueError(exc.detail) from None
        if not cleaned:
            if optional:
                return None
            raise ValueError("is required")
        return cleaned

    return BeforeValidator(check)


def _email(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        problem = limits.text_problem(value, limits.EMAIL)
        if problem:
            raise ValueError(problem)
        if not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an email address")
    return value


def _strict_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date (use YYYY-MM-DD)") from None
    return value


def _plausible_date(value: date) -> date:
    if not limits.FIRST_DAY <= value <= limits.LAST_DAY:
        raise ValueError(limits.day_problem(value))
    return value


Money = Annotated[Decimal, BeforeValidator(_money)]
Percent = Annotated[Decimal, BeforeValidator(_percent)]
# One line of optional text (a reference, a phone number: give those their own length).
Notes = Annotated[str | None, text(limits.NOTES, multiline=True, optional=True)]
Name = Annotated[str, text(limits.NAME)]
PersonName = Annotated[str, text(limits.PERSON_NAME)]
Line = Annotated[str, text(limits.LINE)]
Phone = Annotated[str | None, text(limits.PHONE, optional=True)]
Email = Annotated[str, BeforeValidator(_email)]
Day = Annotated[date, BeforeValidator(_strict_date), AfterValidator(_plausible_date)]
# the version an edit was made against (optimistic concurrency)
Version = Annotated[int, pydantic.Field(ge=0, le=limits.MAX_VERSION)]


class Input(BaseModel):
    """Base of every input schema: unknown fields are errors, nothing is silently coerced."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True, defer_build=True)


M = TypeVar("M", bound=BaseModel)


class FieldProblem(ValueError):
    """Raised by a model-level validator to blame one field rather than the whole input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "input"


def build(model: type[M], **data: Any) -> M:
    """Construct an input schema, turning Pydantic's errors into one that names the field."""
    try:
        return model(**data)
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc) from None


def from_pydantic(exc: pydantic.ValidationError) -> ValidationError:
    first = exc.errors()[0]
    cause = first.get("ctx", {}).get("error")
    path = field_path(tuple(first["loc"]))
    if isinstance(cause, FieldProblem):
        path = f"{path}.{cause.field}" if first["loc"] else cause.field
        return ValidationError(path, str(cause))
    return ValidationError(path, plain_message(first))


def _echo(value: Any) -> str:
    """What was typed, quoted and cut short (a 10 kB paste is not repeated back)."""
    shown = repr(value) if not isinstance(value, str) else f'"{value}"'
    return shown if len(shown) <= 42 else shown[:40] + "…" + shown[-1]


_DATE_ERRORS = {"date_parsing", "date_type", "date_from_datetime_parsing",
                "date_from_datetime_inexact", "date_future", "date_past"}


def plain_message(error: Any) -> str:
    """One of Pydantic's errors in the words the rest of CoLiv uses: "must not be negative",
    "must be at most 10", "is too long (at most 120 characters)"."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    value = error.get("input")
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    if kind == "greater_than_equal":
        return "must not be negative" if ctx["ge"] == 0 else f"must be at least {ctx['ge']}"
    if kind == "greater_than":
        return "must be more than zero" if ctx["gt"] == 0 else f"must be more than {ctx['gt']}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}"
    if kind == "less_than":
        return f"must be less than {ctx['lt']}"
    if kind == "string_too_long":
        return f"is too long (at most {ctx['max_length']} characters)"
    if kind == "string_too_short":
        return ("is required" if ctx["min_length"] == 1
                else f"is too short (at least {ctx['min_length']} characters)")
    if kind == "too_long":
        return f"has too many items (at most {ctx['max_length']})"
    if kind == "too_short":
        return f"needs at least {ctx['min_length']} item(s)"
    if kind == "missing":
        return "is required"
    if kind in ("int_parsing", "int_type", "int_parsing_size"):
        return f"{_echo(value)} is not a whole number"
    if kind == "int_from_float":
        return f"{_echo(value)} is not a whole number"
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type"):
        return f"{_echo(value)} is not a number"
    if kind == "decimal_max_places":
        places = ctx["decimal_places"]
        return f"has more than {places} decimal place{'s' if places != 1 else ''}"
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return "has too many digits"
    if kind == "finite_number":
        return "must be a finite number"
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}"
    if kind == "enum":
        return f"must be one of {ctx['expected']}"
    if kind in ("uuid_parsing", "uuid_type", "uuid_version"):
        return f"{_echo(value)} is not an id (a UUID)"
    if kind in ("bool_parsing", "bool_type"):
        return f"{_echo(value)} is not yes or no (true or false)"
    if kind in _DATE_ERRORS:
        return f"{_echo(value)} is not a date (use YYYY-MM-DD)"
    if kind == "extra_forbidden":
        return "is not a field CoLiv knows"
    if kind in ("string_type", "string_unicode"):
        return "must be text"
    if kind in ("list_type", "tuple_type", "set_type"):
        return "must be a list"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be a set of named fields (an object)"
    return message
