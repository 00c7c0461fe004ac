"""The operator's business profile: the name, address, phone and email printed on documents."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import field_validator

from coliv_desktop.domain import limits
from coliv_desktop.schemas.common import Email, Input, Name, Output, Phone, Version, text


class OperatorProfileUpdate(Input):
    company_name: Name
    # printed as typed, on as many lines, at the head of every document
    address: Annotated[str | None, text(limits.ADDRESS, multiline=True, optional=True)] = None
    phone: Phone = None
    email: Email | None = None
    expected_version: Version | None = None

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
