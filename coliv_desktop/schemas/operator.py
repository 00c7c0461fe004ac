"""The operator's business profile: the name, address, phone and email printed on documents."""

from __future__ import annotations

import uuid

from pydantic import Field, field_validator

from coliv_desktop.schemas.common import Email, Input, Name, OptionalText, Output


class OperatorProfileUpdate(Input):
    company_name: Name = Field(max_length=255)
    address: OptionalText = None
    phone: OptionalText = Field(default=None, max_length=40)
    email: Email | None = None
    expected_version: int | None = None

    @field_validator("email", mode="before")
    @classmethod
    def _blank_email(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class OperatorProfile(Output):
    id: uuid.UUID
    company_name: str
    address: str | None
    phone: str | None
    email: str | None
    version: int
