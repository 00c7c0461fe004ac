"""Who uses the app (users, the operator business) and who lives in the rooms (tenants)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coliv_desktop.db.models.base import ArchivableMixin, Base, EditableMixin, IdMixin
from coliv_desktop.db.types import NullableJSONType

USER_ROLES = ("owner", "manager", "staff", "accountant", "viewer")


class User(IdMixin, EditableMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {USER_ROLES!r}", name="role"),
    )

    email: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    # Desktop sign-in comes with staff accounts; until then the local owner has no password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(default=True)


class Operator(IdMixin, EditableMixin, Base):
    """The business that runs the properties; one per database in the desktop product."""

    __tablename__ = "operators"

    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), unique=True)
    company_name: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(Text)
    subscription_status: Mapped[str | None] = mapped_column(String(50))
    stripe_customer_id: Mapped[str | None] = mapped_column(String(100))


class Tenant(IdMixin, EditableMixin, ArchivableMixin, Base):
    """A resident. Where and when they live is on their leases, not here."""

    __tablename__ = "tenants"

    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    emergency_contact_name: Mapped[str | None] = mapped_column(String(255))
    emergency_contact_phone: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
    # The roommate-matching profile (domain.matching.CompatibilityProfile as JSON), optional.
    compatibility_profile: Mapped[dict[str, Any] | None] = mapped_column(NullableJSONType)
