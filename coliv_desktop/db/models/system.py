"""The audit log and per-operator settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coliv_desktop.db.models.base import Base, CreatedMixin, EditableMixin, IdMixin
from coliv_desktop.db.types import utcnow


class AuditEntry(IdMixin, CreatedMixin, Base):
    """Who did what, when. Written only through `services.audit.record`, never edited.

    Hash-chained (`domain.audit_chain`): `seq` numbers the entries 1, 2, 3 ... and each
    carries the hash of the one before, so an edit behind the app's back is found."""

    __tablename__ = "audit_log"
    # newest first, a page at a time from where the last one ended (services.keyset)
    __table_args__ = (Index("ix_audit_log_occurred_at_id", "occurred_at", "id"),)

    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(50))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    summary: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class SettingValue(IdMixin, EditableMixin, Base):
    __tablename__ = "settings"
    __table_args__ = (UniqueConstraint("operator_id", "key"),)

    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[dict[str, Any]] = mapped_column()


class MetaValue(Base):
    """Facts about the database itself, e.g. which CoLiv version last upgraded it."""

    __tablename__ = "coliv_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
