"""Documents attached to records (issue 14, item 9): kept in the book with their hash and
size, a size limit, permissions by what they hang off, audited without their content. On
both engines."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, make_url, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.migrate import open_database
from coliv_desktop.db.models import AuditEntry, ConflictReport, Document, MaintenanceRequest
from coliv_desktop.domain.errors import (
    FileProblem,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from coliv_desktop.services import attachments, portability, settings
from coliv_desktop.services.context import Actor, local_actor
from tests.builders import flow_41, lease, tenant

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def as_role(actor: Actor, role: str) -> Actor:
    return Actor(actor.user_id, actor.operator_id, f"{role}-user", role)


def owners(db: Database, actor: Actor) -> dict[str, uuid.UUID]:
    """One record of each kind a document may hang off."""
    flow = flow_41(db, actor)
    ana = tenant(db, actor, "Ana")
    made = lease(db, actor, flow.rooms["3B-A"], ana, date(2025, 12, 1), date(2026, 5, 31))
    with db.write() as s:
        request = MaintenanceRequest(
            property_id=flow.property_id, unit_id=flow.unit_3b, reported_by="Ana",
            category="plumbing", priority="high", title="Leaking tap",
            due_by=datetime(2026, 1, 2, tzinfo=UTC))
        conflict = ConflictReport(unit_id=flow.unit_3b, conflict_type="noise",
                                  severity="low", description="Music at night",
                                  reported_on=date(2026, 1, 1))
        s.add_all([request, conflict])
        s.flush()
        ids = {"request": request.id, "conflict": conflict.id}
    return {"tenant": ana, "lease": made.id, "property": flow.property_id,
            "maintenance": ids["request"], "conflict": ids["conflict"]}


def count(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Document)) or 0)


def test_attach_records_hash_size_and_type_and_lists_without_content(
        db: Database, actor: Actor) -> None:
    ids = owners(db, actor)
    content = "Договор аренды: Ана Тестер".encode() * 100
    doc = attachments.attach_document(db, actor, "tenant", ids["tenant"], "Договор.pdf",
                                      content)
    assert doc.size == len(content)
    assert doc.sha256 == hashlib.sha256(content).hexdigest()
    assert doc.content_type == "application/pdf" and doc.is_pdf
    assert (doc.owner_kind, doc.owner_id) == ("tenant", ids["tenant"])
    assert doc.uploaded_by == actor.name
    listed = attachments.list_documents(db, actor, "tenant", ids["tenant"])
    assert [d.id for d in listed] == [doc.id] and listed[0].name == "Договор.pdf"
    assert attachments.document_content(db, actor, doc.id) == content
    assert attachments.get_document(db, actor, doc.id) == listed[0]
    # the audit entry names the file, its size and hash, never its content
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "document")).one()
    assert entry.changes["sha256"] == doc.sha256 and entry.changes["size"] == len(content)
    assert "Договор аренды" not in json.dumps(entry.changes, ensure_ascii=False)


def test_a_list_never_loads_the_content(db: Database, actor: Actor) -> None:
    ids = owners(db, actor)
    attachments.attach_document(db, actor, "property", ids["property"], "plan.png", PNG_BYTES)
    seen: list[str] = []

    def record(_c: object, _cur: object, statement: str, *_a: object) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        [doc] = attachments.list_documents(db, actor, "property", ids["property"])
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert doc.is_image and doc.content_type == "image/png"
    listing = [q for q in seen if "FROM documents" in q]
    assert listing and not any(re.search(r"documents\.content\b", q) for q in listing)


def test_every_owner_kind(db: Database, actor: Actor) -> None:
    ids = owners(db, actor)
    for kind, owner_id in ids.items():
        doc = attachments.attach_document(db, actor, kind, owner_id, f"{kind}.txt",
                                          kind.encode())
        assert (doc.owner_kind, doc.owner_id, doc.content_type) == (kind, owner_id,
                                                                     "text/plain")
        assert [d.name for d in attachments.list_documents(db, actor, kind, owner_id)] == \
            [f"{kind}.txt"]
    assert count(db) == 5


def test_refusals_write_nothing(db: Database, actor: Actor, tmp_path: Path) -> None:
    ids = owners(db, actor)
    with pytest.raises(NotFoundError):
        attachments.attach_document(db, actor, "lease", uuid.uuid4(), "a.pdf", b"x")
    with pytest.raises(ValidationError) as empty:
        attachments.attach_document(db, actor, "tenant", ids["tenant"], "  ", b"x")
    assert empty.value.field == "file_name"
    with pytest.raises(ValidationError) as control:
        attachments.attach_document(db, actor, "tenant", ids["tenant"], "a\x07b.pdf", b"x")
    assert "control" in control.value.detail
    with pytest.raises(ValidationError):
        attachments.attach_document(db, actor, "tenant", ids["tenant"], "../etc/passwd", b"x")
    with pytest.raises(ValidationError) as kind:
        attachments.attach_document(db, actor, "room", ids["tenant"], "a.pdf", b"x")
    assert kind.value.field == "owner_kind"
    with pytest.raises(FileProblem):
        attachments.attach_file(db, actor, "tenant", ids["tenant"], tmp_path / "missing.pdf")
    with pytest.raises(FileProblem):
        attachments.attach_file(db, actor, "tenant", ids["tenant"], tmp_path)
    assert count(db) == 0


def test_the_size_limit_is_refused_naming_the_file_and_the_limit(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    ids = owners(db, actor)
    settings.set_setting(db, actor, "document_max_mb", 1)
    big = tmp_path / "scan.jpg"
    big.write_bytes(b"\xff" * (attachments.MB + 1))
    for attempt in (
            lambda: attachments.attach_file(db, actor, "tenant", ids["tenant"], big),
            lambda: attachments.attach_document(db, actor, "tenant", ids["tenant"],
                                                "scan.jpg", big.read_bytes())):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "scan.jpg" in str(refused.value) and "1 MB" in str(refused.value)
    assert count(db) == 0
    exact = tmp_path / "fits.jpg"
    exact.write_bytes(b"\xff" * attachments.MB)
    doc = attachments.attach_file(db, actor, "tenant", ids["tenant"], exact)
    assert (doc.name, doc.size, doc.content_type) == ("fits.jpg", attachments.MB,
                                                      "image/jpeg")


def test_permissions_by_owner_kind(db: Database, actor: Actor) -> None:
    ids = owners(db, actor)
    personal = attachments.attach_document(db, actor, "tenant", ids["tenant"], "id.png",
                                           PNG_BYTES)
    lease_doc = attachments.attach_document(db, actor, "lease", ids["lease"], "lease.pdf",
                                            b"%PDF")
    staff, viewer = as_role(actor, "staff"), as_role(actor, "viewer")
    for kind in ("tenant", "lease"):
        with pytest.raises(PermissionDeniedError):
            attachments.list_documents(db, staff, kind, ids[kind])
        with pytest.raises(PermissionDeniedError):
            attachments.attach_document(db, staff, kind, ids[kind], "x.txt", b"x")
    for doc_id in (personal.id, lease_doc.id):
        with pytest.raises(PermissionDeniedError):
            attachments.document_content(db, staff, doc_id)
        with pytest.raises(PermissionDeniedError):
            attachments.delete_document(db, staff, doc_id)
    # staff work on properties, maintenance and conflicts
    for kind in ("property", "maintenance", "conflict"):
        doc = attachments.attach_document(db, staff, kind, ids[kind], "photo.jpg", b"\xff")
        assert attachments.document_content(db, staff, doc.id) == b"\xff"
        assert attachments.list_documents(db, viewer, kind, ids[kind])
        with pytest.raises(PermissionDeniedError):
            attachments.delete_document(db, viewer, doc.id)
        attachments.delete_document(db, staff, doc.id)
    # a viewer reads personal documents but changes none; an accountant neither
    assert attachments.document_content(db, viewer, personal.id) == PNG_BYTES
    with pytest.raises(PermissionDeniedError):
        attachments.attach_document(db, viewer, "tenant", ids["tenant"], "x.txt", b"x")
    with pytest.raises(PermissionDeniedError):
        attachments.attach_document(db, as_role(actor, "accountant"), "conflict",
                                    ids["conflict"], "x.txt", b"x")
    assert count(db) == 2


def test_delete_is_audited_with_name_size_and_hash(db: Database, actor: Actor) -> None:
    ids = owners(db, actor)
    doc = attachments.attach_document(db, actor, "maintenance", ids["maintenance"],
                                      "invoice.pdf", b"%PDF-1.4 secret words")
    attachments.delete_document(db, actor, doc.id)
    assert attachments.list_documents(db, actor, "maintenance", ids["maintenance"]) == []
    with pytest.raises(NotFoundError):
        attachments.document_content(db, actor, doc.id)
    with pytest.raises(NotFoundError):
        attachments.delete_document(db, actor, doc.id)
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "delete",
                                                   AuditEntry.entity_type == "document")).one()
    assert entry.changes["name"] == "invoice.pdf" and entry.changes["sha256"] == doc.sha256
    assert entry.changes["size"] == doc.size
    assert "secret" not in json.dumps(entry.changes)


def test_save_writes_the_bytes_privately(db: Database, actor: Actor, tmp_path: Path) -> None:
    ids = owners(db, actor)
    doc = attachments.attach_document(db, actor, "lease", ids["lease"], "signed.pdf",
                                      b"%PDF-1.7 signed")
    out = attachments.save_document(db, actor, doc.id, tmp_path / "out" / "copy.pdf")
    assert out.read_bytes() == b"%PDF-1.7 signed"
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with pytest.raises(PermissionDeniedError):
        attachments.save_document(db, as_role(actor, "staff"), doc.id, tmp_path / "no.pdf")
    assert not (tmp_path / "no.pdf").exists()


def test_an_export_and_import_carry_the_documents(db: Database, actor: Actor,
                                                  tmp_path: Path) -> None:
    ids = owners(db, actor)
    content = bytes(range(256)) * 10
    doc = attachments.attach_document(db, actor, "tenant", ids["tenant"], "scan.bin", content)
    document = portability.export_data(db, actor)
    target = open_database(make_url(f"sqlite:///{tmp_path / 'copy.db'}"), create=True)
    try:
        portability.import_data(target, local_actor(target), document)
        copy_actor = local_actor(target)
        assert attachments.document_content(target, copy_actor, doc.id) == content
        [listed] = attachments.list_documents(target, copy_actor, "tenant", ids["tenant"])
        assert listed.sha256 == doc.sha256
    finally:
        target.dispose()


def test_a_limited_user_sees_and_attaches_within_their_houses_only(
        db: Database, actor: Actor) -> None:
    from coliv_desktop.schemas import build
    from coliv_desktop.schemas.portfolio import PropertyCreate
    from coliv_desktop.services import portfolio

    ids = owners(db, actor)
    other = portfolio.add_property(db, actor, build(
        PropertyCreate, name="Elsewhere", address="9 Far Rd", city="Austin", state="TX",
        zip="78702")).id
    attachments.attach_document(db, actor, "property", other, "far.pdf", b"%PDF")
    mine = attachments.attach_document(db, actor, "lease", ids["lease"], "mine.pdf", b"%PDF")
    limited = Actor(actor.user_id, actor.operator_id, "Lim", "manager",
                    property_ids=frozenset({ids["property"]}))
    assert [d.id for d in attachments.list_documents(db, limited, "lease", ids["lease"])] == \
        [mine.id]
    with pytest.raises(NotFoundError):
        attachments.list_documents(db, limited, "property", other)
    with pytest.raises(PermissionDeniedError):
        attachments.attach_document(db, limited, "property", other, "x.pdf", b"x")
    assert count(db) == 2
