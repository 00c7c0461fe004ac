"""The welcome letter after an approval: what it says, checked in the rendered PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import ConflictError
from coliv_desktop.schemas.applications import ApprovalInput
from coliv_desktop.schemas.portfolio import PropertyUpdate
from coliv_desktop.services import placement, portfolio, welcome
from coliv_desktop.services.context import Actor
from tests.flow42 import STORY_DAY, apply, flow_42


@pytest.fixture(autouse=True)
def story_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", STORY_DAY)


def text_of(pdf: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_welcome_letter_says_where_when_what_and_with_whom(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    flow = flow_42(db, actor)
    portfolio.update_property(db, actor, flow.property_id, PropertyUpdate(
        house_rules="No smoking anywhere.\nQuiet hours 10 pm to 7 am.\n<b>Bold</b> & co"))
    sarah = apply(db, actor)
    with pytest.raises(ConflictError, match="pending"):
        welcome.welcome_data(db, actor, sarah.id)
    placement.approve_application(db, actor, sarah.id, ApprovalInput(
        room_id=flow.rooms["3B-A"], deposit_amount="450"))
    data = welcome.welcome_data(db, actor, sarah.id)
    assert data.roommates == ["Mike", "Jessica", "Tom"]
    text = " ".join(text_of(welcome.welcome_pdf_bytes(db, actor, sarah.id)).split())
    for expected in ("Welcome to Downtown Loft!", "Dear Sarah,", "Downtown Loft",
                     "123 Main St, Austin, TX 78701", "Unit 3B", "Room A",
                     "Move-in date December 1, 2025", "Lease until May 31, 2026",
                     "Monthly rent $900.00", "Security deposit $450.00",
                     "You will share the unit with Mike, Jessica and Tom.",
                     "No smoking anywhere.", "Quiet hours 10 pm to 7 am.", "<b>Bold</b> & co"):
        assert expected in text, expected
    path = welcome.welcome_pdf(db, actor, sarah.id, tmp_path / "letters" / "sarah.pdf")
    assert path.read_bytes().startswith(b"%PDF")


def test_the_first_in_an_empty_unit(db: Database, actor: Actor) -> None:
    flow = flow_42(db, actor)
    sarah = apply(db, actor)
    placement.approve_application(db, actor, sarah.id, ApprovalInput(room_id=flow.rooms["3A-A"]))
    text = " ".join(text_of(welcome.welcome_pdf_bytes(db, actor, sarah.id)).split())
    assert "Nobody else lives in the unit yet" in text
    assert "We will go through the house rules together" not in text  # flow 4.1 has rules
