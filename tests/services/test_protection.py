"""Tenant data protection (issue 13, item 7): protected fields encrypted at rest with the
book's key from the keychain, the recovery key, exporting a tenant, erasing one."""

from __future__ import annotations

import json
import os
import stat
import uuid
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from coliv_desktop.db import crypto
from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AuditEntry, Payment, Tenant
from coliv_desktop.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import ChargeCreate, PaymentCreate
from coliv_desktop.schemas.overview import ContactCreate
from coliv_desktop.schemas.people import TenantCreate, TenantUpdate
from coliv_desktop.services import contacts, leasing, ledger, protection, reports, tenants
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease
from tests.conftest import MemoryKeyring

ID_NUMBER = "X9Q7-PASSPORT-551203"
BANK = "DE89 3704 0044 0532 0130 00"
PHONE = "+1 512 555 0199"


def protected_tenant(db: Database, actor: Actor, first: str = "Maya") -> uuid.UUID:
    return tenants.add_tenant(db, actor, build(
        TenantCreate, first_name=first, last_name="Okafor", email=f"{first}@example.com",
        phone="+1 512 555 0100", emergency_contact_name="Ada Okafor",
        emergency_contact_phone=PHONE, id_number=ID_NUMBER, bank_details=BANK)).id


def raw_values(db: Database, tenant_id: uuid.UUID) -> tuple[str, ...]:
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT id_number, bank_details, emergency_contact_phone "
                                "FROM tenants WHERE id = :i"),
                           {"i": tenant_id if db.dialect == "postgresql" else tenant_id.hex}
                           ).one()
    return tuple(row)


def test_protected_fields_round_trip_and_are_ciphertext_in_the_book(
        db: Database, actor: Actor) -> None:
    tenant_id = protected_tenant(db, actor)
    private = protection.tenant_private(db, actor, tenant_id)
    assert (private.id_number, private.bank_details, private.emergency_contact_phone) == \
        (ID_NUMBER, BANK, PHONE)
    stored = raw_values(db, tenant_id)
    assert all(value.startswith(crypto.PREFIX) for value in stored)
    assert ID_NUMBER not in "".join(stored) and PHONE not in "".join(stored)
    # an edit re-encrypts, and the audit log never holds the values in clear
    tenants.update_tenant(db, actor, tenant_id, build(TenantUpdate, id_number="NEW-ID-42"))
    assert protection.tenant_private(db, actor, tenant_id).id_number == "NEW-ID-42"
    with db.read() as s:
        logged = json.dumps([e.changes for e in s.scalars(select(AuditEntry))])
    assert ID_NUMBER not in logged and "NEW-ID-42" not in logged and BANK not in logged
    assert protection.REDACTED in logged


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the bytes of a book's file
def test_the_raw_sqlite_file_does_not_contain_an_id_number(
        db: Database, actor: Actor) -> None:
    protected_tenant(db, actor)
    db.dispose()  # checkpoint the WAL into the file
    path = Path(str(db.url.database))
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert ID_NUMBER.encode() not in raw and BANK.encode() not in raw
    assert PHONE.encode() not in raw
    assert b"Maya" in raw  # the file was read at all: names are not encrypted


def test_without_the_key_reading_names_the_recovery_sheet_and_the_key_restores(
        db: Database, actor: Actor, isolated_environment: MemoryKeyring) -> None:
    tenant_id = protected_tenant(db, actor)
    book_id, key = protection.book_key(db, actor)
    isolated_environment.passwords.clear()  # a new computer: the keychain does not have it
    fresh = Database(db.url)
    try:
        with pytest.raises(crypto.BookKeyMissing, match="recovery-key --set"):
            protection.tenant_private(fresh, actor, tenant_id)
        with pytest.raises(crypto.BookKeyMissing):  # nor is a second key made for new values
            tenants.update_tenant(fresh, actor, tenant_id,
                                  build(TenantUpdate, bank_details="other"))
        with pytest.raises(crypto.BookKeyWrong):
            protection.set_book_key(fresh, actor, crypto.new_key())
        spaced = " ".join(key[i:i + 4] for i in range(0, len(key), 4))
        assert protection.set_book_key(fresh, actor, spaced) == book_id
        assert protection.tenant_private(fresh, actor, tenant_id).id_number == ID_NUMBER
    finally:
        fresh.dispose()


def test_recovery_sheet_is_a_pdf_holding_the_key(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    out = protection.recovery_sheet_pdf(db, actor, tmp_path / "sheet.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    from pypdf import PdfReader

    words = "".join(PdfReader(str(out)).pages[0].extract_text().split())
    assert protection.book_key(db, actor)[1] in words


def settled_tenant(db: Database, actor: Actor) -> tuple[uuid.UUID, uuid.UUID]:
    """A tenant with a protected record, a contact log, charges and payments, whose lease
    ended and whose account is settled."""
    rooms = flow_41(db, actor).rooms
    tenant_id = protected_tenant(db, actor)
    made = lease(db, actor, rooms["3A-A"], tenant_id, date(2025, 1, 1), date(2025, 3, 31),
                 rent_amount="700")
    contacts.add_contact(db, actor, build(ContactCreate, tenant_id=tenant_id,
                                          contact_date=date(2025, 2, 1), kind="call",
                                          summary="Maya said her passport number is X9Q7"))
    ledger.post_charge(db, actor, build(ChargeCreate, lease_id=made.id, kind="rent",
                                        due_date=date(2025, 2, 1), amount="700",
                                        description="Rent February"), force=True)
    ledger.post_charge(db, actor, build(ChargeCreate, lease_id=made.id, kind="other",
                                        due_date=date(2025, 2, 10), amount="35",
                                        description="Lost key"), force=True)
    leasing.end_lease(db, actor, made.id, date(2025, 3, 31))
    owed = ledger.tenant_balance(db, actor, tenant_id)
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=made.id, amount=str(owed),
                                           received_on=date(2025, 3, 20), method="bank_transfer",
                                           note="paid by Maya's father"),
                          force=True)
    assert ledger.tenant_balance(db, actor, tenant_id) == 0
    return tenant_id, made.id


def amounts(report: Any) -> Any:
    """A report without its names (which an erasure changes by design)."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if "tenant" not in k and k != "name"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip(report.model_dump(mode="json"))


def test_export_holds_everything_about_the_tenant(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    tenant_id, lease_id = settled_tenant(db, actor)
    out = protection.export_tenant(db, actor, tenant_id, tmp_path / "maya.zip")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with zipfile.ZipFile(out) as archive:
        data = json.loads(archive.read("tenant.json"))
    assert data["tenant"]["id_number"] == ID_NUMBER
    assert data["tenant"]["emergency_contact_phone"] == PHONE
    held = data["held"]
    assert [row["id"] for row in held["leases"]] == [str(lease_id)]
    assert {"charges", "payments", "allocations", "tenant_contacts", "audit_log"} <= set(held)
    assert any(e["action"] == "create" and e["entity_id"] == str(tenant_id)
               for e in held["audit_log"])
    with db.read() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()


def test_erase_keeps_every_balance_and_report(db: Database, actor: Actor) -> None:
    tenant_id, _lease_id = settled_tenant(db, actor)
    other = protected_tenant(db, actor, "Noor")
    before = (amounts(reports.collection(db, actor, "2025-02")),
              amounts(reports.income(db, actor, date(2025, 1, 1), date(2025, 12, 31))),
              amounts(reports.aging_report(db, actor, date(2025, 6, 1))),
              ledger.tenant_balance(db, actor, tenant_id), ledger.tenant_balance(db, actor, other))
    erased = protection.erase_tenant(db, actor, tenant_id, "tenant's request by email")
    after = (amounts(reports.collection(db, actor, "2025-02")),
             amounts(reports.income(db, actor, date(2025, 1, 1), date(2025, 12, 31))),
             amounts(reports.aging_report(db, actor, date(2025, 6, 1))),
             ledger.tenant_balance(db, actor, tenant_id), ledger.tenant_balance(db, actor, other))
    assert after == before
    assert erased.full_name == "Erased tenant" and erased.erased_at is not None
    with db.read() as s:
        row = s.get(Tenant, tenant_id)
        assert row is not None
        assert (row.id_number, row.bank_details, row.emergency_contact_phone, row.phone,
                row.notes) == (None, None, None, None, None)
        assert "Maya" not in row.email
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
        assert "Maya" not in entry.summary and entry.changes["reason"]
    assert [c.summary for c in contacts.list_contacts(db, actor, tenant_id)] == ["(erased)"]
    with db.read() as s:
        assert all(p.note is None for p in s.scalars(select(Payment)))
    with pytest.raises(ConflictError, match="already erased"):
        protection.erase_tenant(db, actor, tenant_id, "again")


def test_erase_is_refused_while_a_lease_is_active_or_money_is_owed(
        db: Database, actor: Actor) -> None:
    rooms = flow_41(db, actor).rooms
    living = protected_tenant(db, actor)
    made = lease(db, actor, rooms["3A-B"], living, date(2025, 1, 1), date(2025, 3, 31),
                 rent_amount="700")
    with pytest.raises(ConflictError, match="active lease"):
        protection.erase_tenant(db, actor, living, "request")
    ledger.post_charge(db, actor, build(ChargeCreate, lease_id=made.id, kind="rent",
                                        due_date=date(2025, 3, 1), amount="700",
                                        description="Rent March"), force=True)
    leasing.end_lease(db, actor, made.id, date(2025, 3, 31))
    assert ledger.tenant_balance(db, actor, living) > 0
    with pytest.raises(ConflictError, match="owes"):
        protection.erase_tenant(db, actor, living, "request")
    with pytest.raises(ValidationError, match="reason"):
        protection.erase_tenant(db, actor, living, "  ")
    assert protection.tenant_private(db, actor, living).id_number == ID_NUMBER  # unchanged


@pytest.mark.parametrize("role", ["staff", "accountant", "viewer"])
def test_only_owners_and_managers_export_and_erase(
        db: Database, actor: Actor, role: str, tmp_path: Path) -> None:
    tenant_id = protected_tenant(db, actor)
    other = Actor(actor.user_id, actor.operator_id, "Sam", role)
    with pytest.raises(PermissionDeniedError):
        protection.erase_tenant(db, other, tenant_id, "request")
    with pytest.raises(PermissionDeniedError):
        protection.export_tenant(db, other, tenant_id, tmp_path / "x.zip")
    with pytest.raises(PermissionDeniedError):
        protection.book_key(db, other)
    assert not (tmp_path / "x.zip").exists()


def test_an_export_and_import_carry_ciphertext_and_the_book_s_identity(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    from coliv_desktop.db.migrate import open_database
    from coliv_desktop.services import demo, portability
    from coliv_desktop.services.context import local_actor

    demo.load_demo(db, actor, date(2025, 11, 25))  # the demo's emergency phones, encrypted
    tenant_id = protected_tenant(db, actor)
    document = portability.export_data(db, actor)
    assert ID_NUMBER not in json.dumps(document) and "512-555-0199" not in json.dumps(document)
    copy = open_database(make_url(f"sqlite:///{tmp_path / 'copy.db'}"), create=True)
    try:
        portability.import_data(copy, local_actor(copy), document)
        assert protection.tenant_private(copy, actor, tenant_id).id_number == ID_NUMBER
    finally:
        copy.dispose()


def test_phones_stored_in_clear_before_are_encrypted_when_the_key_is_made(
        db: Database, actor: Actor) -> None:
    tenant_id = tenants.add_tenant(db, actor, build(
        TenantCreate, first_name="Old", last_name="Row", email="old@example.com")).id
    with db.write() as s:  # as a book upgraded from before 0008 holds it
        s.execute(text("UPDATE tenants SET emergency_contact_phone = '512-555-0101'"))
    assert tenants.get_tenant(db, actor, tenant_id).emergency_contact_phone == "512-555-0101"
    protection.book_key(db, actor)  # the key is made (here: for the recovery sheet)
    assert raw_values(db, tenant_id)[2].startswith(crypto.PREFIX)
    assert tenants.get_tenant(db, actor, tenant_id).emergency_contact_phone == "512-555-0101"


def test_without_an_os_keychain_the_key_is_a_private_file_outside_the_book(
        db: Database, actor: Actor) -> None:
    import keyring
    from keyring.backends import null

    keyring.set_keyring(null.Keyring())  # the fixture puts its own back afterwards
    tenant_id = protected_tenant(db, actor)
    book_id, key = protection.book_key(db, actor)
    path = crypto.key_file(book_id)
    assert path.read_text("ascii") == key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    fresh = Database(db.url)
    try:
        assert protection.tenant_private(fresh, actor, tenant_id).id_number == ID_NUMBER
    finally:
        fresh.dispose()


def test_erase_is_refused_while_the_tenant_is_owed_money(db: Database, actor: Actor) -> None:
    rooms = flow_41(db, actor).rooms
    paid_ahead = protected_tenant(db, actor)
    made = lease(db, actor, rooms["3A-C"], paid_ahead, date(2025, 1, 1), date(2025, 1, 31),
                 rent_amount="700")
    leasing.end_lease(db, actor, made.id, date(2025, 1, 31))
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=made.id, amount="50",
                                           received_on=date(2025, 1, 20),
                                           method="cash"), force=True)
    assert ledger.tenant_balance(db, actor, paid_ahead) < 0
    with pytest.raises(ConflictError, match="is owed"):
        protection.erase_tenant(db, actor, paid_ahead, "request")


def test_export_carries_the_tenant_s_documents_and_erase_deletes_them(
        db: Database, actor: Actor, tmp_path: Path) -> None:
    from coliv_desktop.services import attachments

    tenant_id, lease_id = settled_tenant(db, actor)
    passport = attachments.attach_document(db, actor, "tenant", tenant_id, "passport.jpg",
                                           b"\xff\xd8 passport scan")
    signed = attachments.attach_document(db, actor, "lease", lease_id, "Договор.pdf",
                                         b"%PDF-1.4 signed lease")
    other = tenants.add_tenant(db, actor, build(TenantCreate, first_name="Other",
                                                last_name="Person", email="o@example.com"))
    theirs = attachments.attach_document(db, actor, "tenant", other.id, "other.pdf", b"%PDF")
    out = protection.export_tenant(db, actor, tenant_id, tmp_path / "maya.zip")
    with zipfile.ZipFile(out) as archive:
        files = {name: archive.read(name) for name in archive.namelist()
                 if name.startswith("documents/")}
        data = json.loads(archive.read("tenant.json"))
    assert files == {f"documents/{passport.id.hex[:8]}-passport.jpg": b"\xff\xd8 passport scan",
                     f"documents/{signed.id.hex[:8]}-Договор.pdf": b"%PDF-1.4 signed lease"}
    listed = {row["id"]: row for row in data["held"]["documents"]}
    assert set(listed) == {str(passport.id), str(signed.id)}
    assert all("content" not in row for row in listed.values())  # the bytes sit beside

    protection.erase_tenant(db, actor, tenant_id, "The tenant's request")
    assert attachments.list_documents(db, actor, "tenant", tenant_id) == []
    assert attachments.list_documents(db, actor, "lease", lease_id) == []
    assert [d.id for d in attachments.list_documents(db, actor, "tenant", other.id)] == \
        [theirs.id]
    with db.read() as s:
        erased = s.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
    assert erased.changes["documents"] == 2
