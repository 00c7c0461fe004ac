"""The business profile lives in the operators row (one source for documents and reminders);
settings are checked against their declaration and saved together or not at all."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AuditEntry, SettingValue
from coliv_desktop.documents.base import Document
from coliv_desktop.domain.errors import ConflictError, ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.operator import OperatorProfileUpdate
from coliv_desktop.services import operator, printing, reminders, rent_run
from coliv_desktop.services.context import Actor, ensure_owner, local_actor
from coliv_desktop.services.settings import get_settings, set_setting, set_settings
from tests.builders import flow_41, lease, tenant
from tests.services.test_portfolio import snapshot


def test_profile_is_the_operator_row_and_documents_print_it(db: Database, actor: Actor,
                                                            tmp_path: Path) -> None:
    before = operator.get_profile(db, actor)
    assert before.company_name == operator.PLACEHOLDER
    # never filled in: documents print no made-up name
    assert printing.letterhead(db, actor).name == "Your co-living operator"
    saved = operator.update_profile(db, actor, build(
        OperatorProfileUpdate, company_name="Brightside Co-Living", address="500 Congress Ave",
        phone="(512) 555-0100", email="hello@brightside.example",
        expected_version=before.version))
    assert saved.version == before.version + 1
    head = printing.letterhead(db, actor)
    assert (head.name, head.address, head.phone, head.email) == (
        "Brightside Co-Living", "500 Congress Ave", "(512) 555-0100", "hello@brightside.example")
    with pytest.raises(ConflictError, match="was changed by .* since you last saw it"):
        operator.update_profile(db, actor, build(OperatorProfileUpdate, company_name="Old",
                                                 expected_version=before.version))
    with pytest.raises(ValidationError) as err:
        build(OperatorProfileUpdate, company_name="X", email="not an email")
    assert err.value.field == "email"
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "operator")).one()
    assert entry.changes["company_name"] == [operator.PLACEHOLDER, "Brightside Co-Living"]
    # reminders sign with it too
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 12, 1))
    rent_run.run_rent(db, actor, date(2025, 12, 1))
    reminders.refresh_outbox(db, actor, date(2025, 11, 28))
    (reminder,) = reminders.list_outbox(db, actor)
    assert reminder.body.endswith("Brightside Co-Living")
    letters = printing.reminder_letters_pdf(db, actor, None, tmp_path / "r.pdf")
    assert "Brightside Co-Living" in PdfReader(letters).pages[0].extract_text()


def test_old_profile_settings_move_into_the_operator_row(db: Database, actor: Actor) -> None:
    with db.write() as s:
        op, _ = ensure_owner(s)
        for key, value in (("operator_name", "Loft Living"), ("operator_phone", "555-1"),
                           ("operator_email", "")):
            s.add(SettingValue(operator_id=op.id, key=key, value={"v": value}))
    reopened = local_actor(db)  # what opening the database does
    profile = operator.get_profile(db, actor)
    assert (profile.company_name, profile.phone, profile.email) == ("Loft Living", "555-1", None)
    with db.read() as s:
        assert s.scalars(select(SettingValue.key)).all() == []
    before = snapshot(db)
    local_actor(db)  # nothing left to adopt: nothing changes
    assert snapshot(db) == before
    assert reopened.operator_id == profile.id


def test_settings_are_checked_and_saved_together(db: Database, actor: Actor) -> None:
    before = snapshot(db)
    bad = [({"rent_due_day": 31}, "rent_due_day", "at most 28"),
           ({"currency": "XYZ"}, "currency", "ISO currency"),
           ({"locale": "xx_QQ"}, "locale", "locale"),
           ({"late_fee_mode": "sometimes"}, "late_fee_mode", "one of"),
           ({"late_fee_flat": "12.345"}, "late_fee_flat", "two decimal places"),
           ({"late_fee_percent": "150"}, "late_fee_percent", "at most 100"),
           ({"late_fee_mode": "flat"}, "late_fee_flat", "needs an amount"),
           ({"rent_due_day": 5, "late_fee_mode": "percent"}, "late_fee_percent", "percent"),
           ({"operator_logo": "/nowhere/logo.png"}, "operator_logo", "no file"),
           ({"operator_name": "x"}, "key", "unknown setting")]
    for values, field, message in bad:
        with pytest.raises(ValidationError) as err:
            set_settings(db, actor, values)
        assert err.value.field == field and message in err.value.detail, values
    assert snapshot(db) == before  # nothing written, not even the valid rent_due_day
    after = set_settings(db, actor, {"currency": "eur", "locale": "de_DE", "rent_due_day": "5",
                                     "late_fee_mode": "percent", "late_fee_percent": "5"})
    assert (after["currency"], after["rent_due_day"], after["late_fee_percent"]) == (
        "EUR", 5, Decimal("5"))
    assert get_settings(db, actor) == after
    assert set_setting(db, actor, "late_fee_mode", "none") == "none"
    with db.read() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "setting")).all()
    assert len(entries) == 2 and "Currency (ISO code)" in entries[0].summary


def test_the_logo_prints_on_documents(db: Database, actor: Actor, tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (45, 91, 135)).save(logo)
    text = tmp_path / "logo.txt"
    text.write_text("not an image")
    with pytest.raises(ValidationError, match="PNG or JPEG"):
        set_setting(db, actor, "operator_logo", str(text))
    set_setting(db, actor, "operator_logo", str(logo))
    head = printing.letterhead(db, actor)
    assert head.logo == logo
    out = Document(head, "Statement of account").save(tmp_path / "doc.pdf")
    assert len(PdfReader(out).pages[0].images) == 1
