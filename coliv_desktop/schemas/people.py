"""Tenants: inputs and outputs."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from coliv_desktop.schemas.common import Email, Input, Name, OptionalText, Output


class TenantCreate(Input):
    first_name: Name = Field(max_length=100)
    last_name: Name = Field(max_length=100)
    email: Email
    phone: OptionalText = Field(default=None, max_length=40)
    emergency_contact_name: OptionalText = None
    emergency_contact_phone: OptionalText = Field(default=None, max_length=40)
    notes: OptionalText = None


class TenantUpdate(Input):
    first_name: Name | None = Field(default=None, max_length=100)
    last_name: Name | None = Field(default=None, max_length=100)
    email: Email | None = None
    phone: OptionalText = Field(default=None, max_length=40)
    emergency_contact_name: OptionalText = None
    emergency_contact_phone: OptionalText = Field(default=None, max_length=40)
    notes: OptionalText = None
    expected_version: int | None = None


class TenantOut(Output):
    id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    phone: str | None
    emergency_contact_name: str | None
    emergency_contact_phone: str | None
    notes: str | None
    archived_at: datetime | None
    version: int

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
