"""Files attached to a record (issue 14), kept in the book itself so that backups, exports and
the shared PostgreSQL carry them. Exactly one owner column is set."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from coliv_desktop.db.models.base import Base, CreatedMixin, IdMixin

OWNER_KINDS = ("tenant", "lease", "property", "maintenance", "conflict")
OWNER_COLUMNS = {"tenant": "tenant_id", "lease": "lease_id", "property": "property_id",
                 "maintenance": "request_id", "conflict": "conflict_id"}


class Document(IdMixin, CreatedMixin, Base):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN tenant_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN lease_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN property_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN request_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN conflict_id IS NULL THEN 0 ELSE 1 END) = 1", name="one_owner"),
        CheckConstraint("size >= 0", name="size"),
    )

    tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    lease_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("leases.id"), index=True)
    property_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("properties.id"),
                                                          index=True)
    request_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("maintenance_requests.id"), index=True)
    conflict_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("conflict_reports.id"),
                                                          index=True)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    # Loaded only when asked for (a list of documents never reads the files).
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
