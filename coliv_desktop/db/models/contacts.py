"""The contact log: dated notes of every call, email and visit with a tenant."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coliv_desktop.db.models.base import Base, CreatedMixin, IdMixin

CONTACT_KINDS = ("call", "email", "visit", "note")


class TenantContact(IdMixin, CreatedMixin, Base):
    """One contact with a tenant. A log: rows are added, never edited or deleted."""

    __tablename__ = "tenant_contacts"
    __table_args__ = (CheckConstraint(f"kind IN {CONTACT_KINDS!r}", name="kind"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), index=True)
    contact_date: Mapped[date]
    kind: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(255))
