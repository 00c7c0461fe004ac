"""Tenant data protection (issue 13, the seed's GDPR layer): the book's encryption key and its
recovery sheet, a tenant's protected fields, exporting everything held about a tenant, and
erasing a tenant on request while keeping the books whole."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, LargeBinary, Table, select
from sqlalchemy.orm import Mapper, Session

from coliv_desktop.config import display_url
from coliv_desktop.db import crypto
from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    Application,
    AuditEntry,
    Base,
    Lease,
    MetaValue,
    Payment,
    Reminder,
    Tenant,
    TenantContact,
)
from coliv_desktop.domain.errors import ConflictError, ValidationError
from coliv_desktop.domain.money import ZERO
from coliv_desktop.files import check_writable, write_atomically
from coliv_desktop.schemas.people import TenantOut, TenantPrivate
from coliv_desktop.services import audit
from coliv_desktop.services.attachments import documents_of_tenant
from coliv_desktop.services.audit import _plain
from coliv_desktop.services.context import Actor, reading, writing
from coliv_desktop.services.ledger import deposit_held_in
from coliv_desktop.services.ledger_sql import balance_of
from coliv_desktop.services.portfolio import get_row

# The tenant fields encrypted at rest; never written to the audit log in clear.
SENSITIVE = ("id_number", "bank_details", "emergency_contact_phone")
REDACTED = "(protected)"
ERASED_FIRST, ERASED_LAST = "Erased", "tenant"


# --- the book's key --------------------------------------------------------------------------

def redact(changes: dict[str, Any]) -> dict[str, Any]:
    """An audit entry's changes without the protected values (which field changed is kept)."""
    out: dict[str, Any] = {}
    for field, value in changes.items():
        if field not in SENSITIVE or value is None:
            out[field] = value
        elif isinstance(value, list):  # [old, new] from audit.diff
            out[field] = [None if v is None else REDACTED for v in value]
        else:
            out[field] = REDACTED
    return out


def _meta(s: Session, key: str) -> str | None:
    row = s.get(MetaValue, key)
    return None if row is None else row.value


def book_key(db: Database, actor: Actor) -> tuple[str, str]:
    """(book id, key) for the recovery sheet: the owner's ("data.admin"); the key is created
    when the book has none yet, so the sheet can be printed before the first ID number. Who
    saw the key, and when, is audited."""
    with writing(db, actor, "data.admin") as s:
        crypto.ensure_key(s.connection(), db.keys)
        book_id = db.keys.book_id
        assert book_id is not None
        audit.record(s, actor, "show-key", "book", book_id,
                     "Showed the book's key (recovery sheet)")
        return book_id, db.keys.key()


def set_book_key(db: Database, actor: Actor, key: str) -> str:
    """Put this book's key (typed from its recovery sheet) into this machine's keychain, after
    checking it unlocks the book. Returns the book id."""
    key = "".join(key.split())  # the sheet prints it in groups of four
    with writing(db, actor, "data.admin") as s:
        book_id = _meta(s, "book_id")
        check = _meta(s, "key_check")
        if not key:
            raise ValidationError("key", "is required")
        if book_id is None or check is None:
            raise ConflictError("this book has no key yet (no protected field was ever "
                                "saved), so there is nothing to restore; nothing was changed")
        if not crypto.key_fits(key, check):
            raise crypto.BookKeyWrong()
        crypto.store_keychain_key(book_id, key)
        db.keys.book_id, db.keys.loaded = book_id, True
        db.keys.use(key, check)
        audit.record(s, actor, "restore-key", "book", book_id,
                     "Restored the book's key to this computer's keychain")
        return book_id


def recovery_sheet_pdf(db: Database, actor: Actor, out: Path | str) -> Path:
    """The recovery sheet: the book's key on paper, for the owner to keep somewhere safe."""
    from coliv_desktop.documents.recovery import recovery_sheet

    target = check_writable(out)  # refused before the key is made: a refusal changes nothing
    book_id, key = book_key(db, actor)
    return write_atomically(target, recovery_sheet(book_id, key, display_url(db.url),
                                                datetime.now(UTC)))


# --- protected fields ------------------------------------------------------------------------

def tenant_private(db: Database, actor: Actor, tenant_id: uuid.UUID) -> TenantPrivate:
    """A tenant's protected fields, decrypted: for the roles that read personal documents."""
    with reading(db, actor, "documents.read") as s:
        return TenantPrivate.model_validate(get_row(s, Tenant, tenant_id, "tenant"))


# --- export ----------------------------------------------------------------------------------

def _row(obj: Any) -> dict[str, Any]:
    mapper: Mapper[Any] = obj.__mapper__
    # files (documents' bytes) go beside the JSON, not into it
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in mapper.column_attrs
            if not isinstance(attr.columns[0].type, LargeBinary)}


def _held_about(s: Session, tenant: Tenant) -> dict[str, list[Any]]:
    """Every row hanging off the tenant: rows that point at the tenant, then rows that point at
    those (leases -> charges, payments -> allocations, applications -> scores, ...), by the
    foreign keys of the models, so a table added later is exported without a change here."""
    found: dict[str, dict[Any, Any]] = {"tenants": {tenant.id: tenant}}
    frontier = {"tenants": {tenant.id}}
    mappers = [m for m in Base.registry.mappers]
    while frontier:
        nxt: dict[str, set[Any]] = {}
        for mapper in mappers:
            table = mapper.local_table
            assert isinstance(table, Table)
            for column in table.columns:
                assert isinstance(column, Column)
                for fk in column.foreign_keys:
                    target = fk.column.table.name
                    ids = frontier.get(target)
                    if not ids or target == "users":
                        continue
                    rows = s.scalars(select(mapper.class_).where(column.in_(list(ids))))
                    for row in rows:
                        seen = found.setdefault(table.name, {})
                        if row.id not in seen:
                            seen[row.id] = row
                            nxt.setdefault(table.name, set()).add(row.id)
        frontier = nxt
    return {name: [_row(r) for r in rows.values()] for name, rows in found.items()}


def export_tenant(db: Database, actor: Actor, tenant_id: uuid.UUID, out: Path | str) -> Path:
    """Everything held about one tenant as JSON in a zip (their row with its protected fields,
    leases, ledger entries, contact log, profile, applications and the audit entries about
    them), written whole or not at all, readable by this user only; the export is audited."""
    with writing(db, actor, "tenants.export") as s:
        tenant = get_row(s, Tenant, tenant_id, "tenant")
        tables = _held_about(s, tenant)
        ids = {str(row["id"]) for rows in tables.values() for row in rows}
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity_id.in_(ids))
                            .order_by(AuditEntry.occurred_at, AuditEntry.id))
        tables["audit_log"] = [_row(e) for e in entries]
        tenant_row = tables.pop("tenants")[0]
        data = {
            "format": "coliv-tenant-export/1",
            "exported_at": datetime.now(UTC).isoformat(),
            "exported_by": actor.name,
            "tenant": tenant_row,
            "held": tables,
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("tenant.json", json.dumps(data, indent=1, ensure_ascii=False,
                                                       default=str))
            archive.writestr("README.txt", _EXPORT_README)
            lease_ids = list(s.scalars(select(Lease.id).where(Lease.tenant_id == tenant.id)))
            for doc in documents_of_tenant(s, tenant.id, lease_ids):
                archive.writestr(f"documents/{doc.id.hex[:8]}-{doc.name}", doc.content)
        path = write_atomically(out, buffer.getvalue())
        audit.record(s, actor, "export", "tenant", tenant.id,
                     f"Exported the data held about tenant {tenant.first_name} "
                     f"{tenant.last_name}", {"file": str(path)})
        return path


_EXPORT_README = """The data CoLiv Desktop holds about one tenant.

tenant.json: "tenant" is their record; "held" lists, table by table, every row about them
(leases, charges, payments, allocations, voids, deposits, utility shares, reminders, contact
log, applications and their matching scores); "held.audit_log" is the history of changes to
those rows. Amounts are decimal strings, times UTC (ISO 8601).

documents/: the files attached to them or to their leases, each named by the start of its
id (as in "held.documents") and its name.
"""


# --- erasure ---------------------------------------------------------------------------------

def erase_tenant(db: Database, actor: Actor, tenant_id: uuid.UUID, reason: str) -> TenantOut:
    """Erase a tenant's personal data on request. Names become "Erased tenant", contact and
    protected fields, notes and profile are cleared, the texts of the contact log, their
    applications, reminders and payment notes removed, the documents attached to them or
    their leases deleted; ledger amounts and dates are kept, so
    every balance and report is unchanged. Refused while a lease is active or money is owed
    either way (a balance, a deposit held). Past audit entries are not rewritten (the log is
    append-only); the erasure is audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", "is required: say why (e.g. the tenant's request)")
    with writing(db, actor, "tenants.erase") as s:
        tenant = get_row(s, Tenant, tenant_id, "tenant")
        if tenant.erased_at is not None:
            raise ConflictError(f"tenant {tenant_id} was already erased on "
                                f"{tenant.erased_at:%Y-%m-%d}; nothing was changed")
        leases = list(s.scalars(select(Lease).where(Lease.tenant_id == tenant.id)))
        name = f"{tenant.first_name} {tenant.last_name}"
        if any(lease.status == "active" for lease in leases):
            raise ConflictError(f"{name} has an active lease: end it (and settle the account) "
                                "before erasing; nothing was changed")
        lease_ids = [lease.id for lease in leases]
        owed = balance_of(s, lease_ids) if lease_ids else ZERO
        if owed != ZERO:
            who = "owes" if owed > ZERO else "is owed"
            raise ConflictError(f"{name} {who} {abs(owed)} on their account: settle it before "
                                "erasing; nothing was changed")
        held = deposit_held_in(s, lease_ids) if lease_ids else ZERO
        if held != ZERO:
            raise ConflictError(f"a deposit of {held} is still held for {name}: settle it "
                                "before erasing; nothing was changed")
        now = datetime.now(UTC)
        tenant.first_name, tenant.last_name = ERASED_FIRST, ERASED_LAST
        tenant.email = f"erased-{tenant.id.hex[:12]}@invalid"
        for field in ("phone", "emergency_contact_name", "emergency_contact_phone",
                      "id_number", "bank_details", "notes", "compatibility_profile"):
            setattr(tenant, field, None)
        tenant.erased_at = now
        if tenant.archived_at is None:
            tenant.archived_at = now
        contacts = list(s.scalars(select(TenantContact)
                                  .where(TenantContact.tenant_id == tenant.id)))
        for contact in contacts:
            contact.summary = "(erased)"
        applications = list(s.scalars(select(Application)
                                      .where(Application.tenant_id == tenant.id)))
        for application in applications:
            application.first_name, application.last_name = ERASED_FIRST, ERASED_LAST
            application.email = tenant.email
            application.phone = application.notes = application.rejection_reason = None
            application.compatibility_profile = {}
        for lease in leases:
            lease.notes = None
        # Letters and notes that address or describe the person; amounts and dates stay.
        for reminder in s.scalars(select(Reminder).where(Reminder.tenant_id == tenant.id)):
            reminder.subject, reminder.body = "(erased)", "(erased)"
        if lease_ids:
            for payment in s.scalars(select(Payment).where(Payment.lease_id.in_(lease_ids),
                                                           Payment.note.is_not(None))):
                payment.note = None
        # Attached files (ID scans, signed leases) are personal through and through: deleted.
        documents = documents_of_tenant(s, tenant.id, lease_ids)
        for document in documents:
            s.delete(document)
        s.flush()
        audit.record(s, actor, "erase", "tenant", tenant.id,
                     f"Erased a tenant's personal data ({reason})",
                     {"reason": reason, "leases": len(leases), "contacts": len(contacts),
                      "applications": len(applications), "documents": len(documents)})
        return TenantOut.model_validate(tenant)
