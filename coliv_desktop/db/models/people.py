"""Who uses the app (users, the operator business) and who lives in the rooms (tenants)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coliv_desktop.db.crypto import Encrypted
from coliv_desktop.db.models.base import (
    ArchivableMixin,
    Base,
    CreatedMixin,
    EditableMixin,
    IdMixin,
)
from coliv_desktop.db.types import NullableJSONType

USER_ROLES = ("owner", "manager", "staff", "accountant", "viewer")


class User(IdMixin, EditableMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {USER_ROLES!r}", name="role"),
        CheckConstraint("failed_attempts >= 0", name="failed_attempts_not_negative"),
    )

    email: Mapped[str] = mapped_column(String(255), unique=True)
    # The name people sign in with (`coliv --user NAME`), so it names one user.
    display_name: Mapped[str] = mapped_column(String(255), unique=True)
    # Argon2id (services.users); None until one is set: a book where no user has one runs
    # without sign-in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(default=True)  # False: disabled, cannot sign in
    # Failed sign-ins since the last good one; the lock is stored so a restart keeps it.
    failed_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    # Base32 TOTP secret once the user enrolled a second factor; None: password only.
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)


class UserProperty(IdMixin, CreatedMixin, Base):
    """A property a user is limited to. A user with no rows here sees every property."""

    __tablename__ = "user_properties"
    __table_args__ = (UniqueConstraint("user_id", "property_id"),)

    # Users are disabled and properties archived, never deleted, so no cascade is needed.
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"))


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
    # Encrypted at rest with the book's key (db.crypto): a copy of the file does not hold them.
    emergency_contact_phone: Mapped[str | None] = mapped_column(Encrypted)
    # Deferred: lists never load (nor decrypt) them; services.protection.tenant_private does.
    id_number: Mapped[str | None] = mapped_column(Encrypted, deferred=True)  # passport, ID card
    bank_details: Mapped[str | None] = mapped_column(Encrypted, deferred=True)  # IBAN, account
    notes: Mapped[str | None] = mapped_column(Text)
    # The roommate-matching profile (domain.matching.CompatibilityProfile as JSON), optional.
    compatibility_profile: Mapped[dict[str, Any] | None] = mapped_column(NullableJSONType)
    # Set when the tenant's personal data was erased on request (services.protection).
    erased_at: Mapped[datetime | None] = mapped_column(default=None)
