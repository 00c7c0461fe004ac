"""Tenants: inputs and outputs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from coliv_desktop.domain import limits
from coliv_desktop.schemas.common import (
    Email,
    Input,
    Notes,
    Output,
    PersonName,
    Phone,
    Version,
    text,
)

ContactName = Annotated[str | None, text(limits.NAME, optional=True)]
# Encrypted at rest (db.crypto); an ID or passport number, and an IBAN or account line.
IdNumber = Annotated[str | None, text(limits.PHONE, optional=True)]
BankDetails = Annotated[str | None, text(limits.LINE, optional=True)]


class TenantCreate(Input):
    first_name: PersonName
    last_name: PersonName
    email: Email
    phone: Phone = None
    emergency_contact_name: ContactName = None
    emergency_contact_phone: Phone = None
    notes: Notes = None
    id_number: IdNumber = None
    bank_details: BankDetails = None


class TenantUpdate(Input):
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    email: Email | None = None
    phone: Phone = None
    emergency_contact_name: ContactName = None
    emergency_contact_phone: Phone = None
    notes: Notes = None
    id_number: IdNumber = None
    bank_details: BankDetails = None
    expected_version: Version | None = None


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
    erased_at: datetime | None = None  # personal data erased on request

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class TenantPrivate(Output):
    """A tenant's protected fields, decrypted; only for roles that read personal documents."""

    id: uuid.UUID
    id_number: str | None
    bank_details: str | None
    emergency_contact_phone: str | None
