"""Shared field types and the bridge from Pydantic's errors to ours."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import parse_money

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _money(value: Any) -> Decimal:
    try:
        return parse_money(value, "amount")
    except ValidationError as exc:
        raise ValueError(exc.detail) from None


def _optional_text(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _required_text(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def _email(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
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


Money = Annotated[Decimal, BeforeValidator(_money)]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]
Name = Annotated[str, BeforeValidator(_required_text), pydantic.StringConstraints(min_length=1)]
Email = Annotated[str, BeforeValidator(_email)]
Day = Annotated[date, BeforeValidator(_strict_date)]


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
    return ValidationError(path, str(first["msg"]).removeprefix("Value error, "))
