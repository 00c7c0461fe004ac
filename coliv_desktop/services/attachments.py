"""Files attached to a tenant, a lease, a property, a maintenance request or a conflict report
(issue 14, item 9), kept in the book so that backups, exports and the shared server carry them.

Who may see a document depends on what it is attached to: a tenant's or a lease's documents are
personal ("documents.read" / "documents.write", which staff have not); those of a property or a
maintenance request belong to the operations ("read" / "maintenance.write"), those of a
conflict to the community side ("read" / "community.write"). A call by document id first looks
the document up (with "read") to learn what it hangs off, then asks for that kind's permission.
"""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    ConflictReport,
    Document,
    Lease,
    MaintenanceRequest,
    Property,
    Tenant,
)
from coliv_desktop.db.models.documents import OWNER_COLUMNS, OWNER_KINDS
from coliv_desktop.domain import limits
from coliv_desktop.domain.errors import NotFoundError, ValidationError
from coliv_desktop.files import check_writable, expand, file_problem, write_atomically
from coliv_desktop.schemas.attachments import DocumentOut
from coliv_desktop.services import audit
from coliv_desktop.services.context import Actor, reading, writing
from coliv_desktop.services.portfolio import get_row
from coliv_desktop.services.settings import read_settings

READ_PERMISSION = {"tenant": "documents.read", "lease": "documents.read", "property": "read",
                   "maintenance": "read", "conflict": "read"}
WRITE_PERMISSION = {"tenant": "documents.write", "lease": "documents.write",
                    "property": "maintenance.write", "maintenance": "maintenance.write",
                    "conflict": "community.write"}
_OWNER_MODELS: dict[str, type[Any]] = {"tenant": Tenant, "lease": Lease, "property": Property,
                                       "maintenance": MaintenanceRequest,
                                       "conflict": ConflictReport}
_LABELS = {"tenant": "tenant", "lease": "lease", "property": "property",
           "maintenance": "maintenance request", "conflict": "conflict report"}
MB = 1024 * 1024
NAME_LENGTH = 255  # the column's


def content_type_of(name: str) -> str:
    """The content type a file's name suggests (what the system viewer goes by)."""
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def _check_kind(owner_kind: str) -> str:
    if owner_kind not in OWNER_KINDS:
        raise ValidationError("owner_kind", f"must be one of {', '.join(OWNER_KINDS)}, "
                                            f"not {owner_kind!r}")
    return owner_kind


def _clean_name(name: str) -> str:
    cleaned = limits.clean_text(name or "", "file_name", NAME_LENGTH)
    if not cleaned:
        raise ValidationError("file_name", "is required: the document needs a name")
    if "/" in cleaned or "\\" in cleaned:
        raise ValidationError("file_name", f"{cleaned!r} must be a file name, not a path")
    if cleaned in (".", ".."):
        raise ValidationError("file_name", f"{cleaned!r} is not a file name")
    return cleaned


def _limit_bytes(s: Session) -> int:
    return int(read_settings(s)["document_max_mb"]) * MB


def _check_size(name: str, size: int, limit: int) -> None:
    if size > limit:
        raise ValidationError(
            "file", f"{name} is {size / MB:.1f} MB, more than the {limit // MB} MB a document "
                    "may be (the setting \u201cLargest document accepted\u201d); nothing was "
                    "attached")


def _owner_of(doc: Document) -> tuple[str, uuid.UUID]:
    for kind, column in OWNER_COLUMNS.items():
        value = getattr(doc, column)
        if value is not None:
            return kind, value
    raise AssertionError(f"document {doc.id} has no owner")  # the table's check forbids it


def _out(doc: Document) -> DocumentOut:
    kind, owner_id = _owner_of(doc)
    return DocumentOut(id=doc.id, owner_kind=kind, owner_id=owner_id, name=doc.name,
                       content_type=doc.content_type, size=doc.size, sha256=doc.sha256,
                       uploaded_by=doc.uploaded_by, note=doc.note, created_at=doc.created_at)


def _owner_label(row: Any, kind: str) -> str:
    if kind == "tenant":
        return f"tenant {row.first_name} {row.last_name}"
    if kind == "property":
        return f"property {row.name}"
    if kind == "maintenance":
        return f"maintenance request {row.title}"
    return f"{_LABELS[kind]} {row.id}"


# --- attaching ---------------------------------------------------------------------------------

def attach_document(db: Database, actor: Actor, owner_kind: str, owner_id: uuid.UUID,
                    file_name: str, content: bytes, note: str | None = None) -> DocumentOut:
    """Attach `content` under `file_name` to one record. Refuses an owner that does not
    exist, an empty name or one with control characters, and a file over the size limit
    (setting document_max_mb); a refusal writes nothing. Audited with the name, size and
    hash, never the content."""
    kind = _check_kind(owner_kind)
    with writing(db, actor, WRITE_PERMISSION[kind]) as s:
        name = _clean_name(file_name)
        cleaned_note = limits.clean_text(note, "note", limits.NOTES, multiline=True) \
            if note else None
        owner = get_row(s, _OWNER_MODELS[kind], owner_id, _LABELS[kind])
        _check_size(name, len(content), _limit_bytes(s))
        digest = hashlib.sha256(content).hexdigest()
        doc = Document(name=name, content_type=content_type_of(name), size=len(content),
                       sha256=digest, uploaded_by=actor.name, note=cleaned_note or None,
                       content=content)
        setattr(doc, OWNER_COLUMNS[kind], owner.id)
        s.add(doc)
        s.flush()
        audit.record(s, actor, "create", "document", doc.id,
                     f"Attached {name} to {_owner_label(owner, kind)}",
                     {"name": name, "content_type": doc.content_type, "size": doc.size,
                      "sha256": digest, "owner_kind": kind, "owner_id": str(owner.id)})
        return _out(doc)


def attach_file(db: Database, actor: Actor, owner_kind: str, owner_id: uuid.UUID,
                file_path: Path | str) -> DocumentOut:
    """Attach the file at `file_path` (under its own name). The permission, the owner and the
    file's size are checked before the file is read; a file that cannot be read is a
    FileProblem naming it."""
    kind = _check_kind(owner_kind)
    with reading(db, actor, WRITE_PERMISSION[kind]) as s:
        get_row(s, _OWNER_MODELS[kind], owner_id, _LABELS[kind])
        limit = _limit_bytes(s)
    path = expand(file_path)
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "is a folder, not a file")
        size = path.stat().st_size
        _check_size(path.name, size, limit)
        content = path.read_bytes()
    except OSError as exc:
        raise file_problem(path, exc) from None
    return attach_document(db, actor, kind, owner_id, path.name, content)


# --- reading -----------------------------------------------------------------------------------

def list_documents(db: Database, actor: Actor, owner_kind: str,
                   owner_id: uuid.UUID) -> list[DocumentOut]:
    """The documents of one record, oldest first, without their content."""
    kind = _check_kind(owner_kind)
    column = getattr(Document, OWNER_COLUMNS[kind])
    with reading(db, actor, READ_PERMISSION[kind]) as s:
        get_row(s, _OWNER_MODELS[kind], owner_id, _LABELS[kind])
        rows = s.scalars(select(Document).where(column == owner_id)
                         .order_by(Document.created_at, Document.name, Document.id))
        return [_out(doc) for doc in rows]


def _kind_of(db: Database, actor: Actor, document_id: uuid.UUID) -> str:
    """What the document hangs off, which decides the permission the call needs."""
    with reading(db, actor, "read") as s:
        doc = s.get(Document, document_id)
        if doc is None:
            raise NotFoundError("document", document_id)
        return _owner_of(doc)[0]


def get_document(db: Database, actor: Actor, document_id: uuid.UUID) -> DocumentOut:
    kind = _kind_of(db, actor, document_id)
    with reading(db, actor, READ_PERMISSION[kind]) as s:
        return _out(get_row(s, Document, document_id, "document"))


def document_content(db: Database, actor: Actor, document_id: uuid.UUID) -> bytes:
    """The document's bytes (for opening it, or an export)."""
    kind = _kind_of(db, actor, document_id)
    with reading(db, actor, READ_PERMISSION[kind]) as s:
        doc = get_row(s, Document, document_id, "document")
        return bytes(doc.content)


def save_document(db: Database, actor: Actor, document_id: uuid.UUID,
                  out: Path | str) -> Path:
    """Write the document's bytes to `out`: whole or not at all, readable by this user only."""
    kind = _kind_of(db, actor, document_id)
    actor.require(READ_PERMISSION[kind])
    target = check_writable(out)
    return write_atomically(target, document_content(db, actor, document_id))


# --- deleting ----------------------------------------------------------------------------------

def delete_document(db: Database, actor: Actor, document_id: uuid.UUID) -> None:
    """Delete a document for good; the audit entry keeps its name, size and hash."""
    kind = _kind_of(db, actor, document_id)
    with writing(db, actor, WRITE_PERMISSION[kind]) as s:
        doc = get_row(s, Document, document_id, "document")
        _, owner_id = _owner_of(doc)
        audit.record(s, actor, "delete", "document", doc.id, f"Deleted document {doc.name}",
                     {"name": doc.name, "content_type": doc.content_type, "size": doc.size,
                      "sha256": doc.sha256, "owner_kind": kind, "owner_id": str(owner_id)})
        s.delete(doc)


def documents_of_tenant(s: Session, tenant_id: uuid.UUID,
                        lease_ids: list[uuid.UUID]) -> list[Document]:
    """A tenant's own documents and their leases' (inside a caller's checked transaction:
    the tenant data export and erasure)."""
    where = Document.tenant_id == tenant_id
    if lease_ids:
        where = where | Document.lease_id.in_(lease_ids)
    return list(s.scalars(select(Document).where(where).order_by(Document.created_at,
                                                                  Document.id)))
