"""What input may hold: plausible dates, text without control or direction characters, clear
words from the schemas instead of Pydantic's."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from coliv_desktop.domain import limits
from coliv_desktop.domain.errors import NeedsConfirmation, ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.applications import ApplicationCreate
from coliv_desktop.schemas.leasing import LeaseCreate
from coliv_desktop.schemas.ledger import ChargeCreate, CreditCreate, PaymentCreate
from coliv_desktop.schemas.people import TenantCreate
from coliv_desktop.schemas.portfolio import PropertyCreate, RoomCreate, UnitCreate

ID = uuid.uuid4()
PROPERTY = {"name": "Maple Commons", "address": "1 Main St", "city": "Austin", "state": "TX",
            "zip": "78701"}


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "0202-05-01", "2100-01-01",
                                 "9999-12-31"])
def test_dates_outside_the_window_are_refused_everywhere(day: str) -> None:
    for model, data in [
        (LeaseCreate, {"room_id": ID, "tenant_id": ID, "lease_start": day}),
        (PaymentCreate, {"lease_id": ID, "amount": "10", "received_on": day, "method": "cash"}),
        (CreditCreate, {"lease_id": ID, "amount": "10", "received_on": day, "reason": "x"}),
        (ChargeCreate, {"lease_id": ID, "amount": "10", "due_date": day, "description": "x"}),
    ]:
        with pytest.raises(ValidationError, match="not a plausible date") as error:
            build(model, **data)  # type: ignore[arg-type]
        assert not isinstance(error.value, NeedsConfirmation)
    assert limits.check_day(date(2000, 1, 1), "d") == date(2000, 1, 1)
    assert limits.check_day(date(2099, 12, 31), "d") == date(2099, 12, 31)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "x" * 5000, r"is too long \(at most 120 characters, not 5000\)"),
    ("name", "Maple\u202eCommons", "invisible text-direction character U\\+202E"),
    ("name", "Maple\u2066Commons", "U\\+2066"),
    ("name", "Maple\nCommons", "single line"),
    ("name", "Maple\tCommons", "single line"),
    ("name", "Maple\x00Commons", "control characters \\(U\\+0000\\)"),
    ("city", "x" * 101, "at most 100 characters"),
    ("zip", "x" * 21, "at most 20 characters"),
    ("house_rules", "y" * 8001, "at most 8000 characters"),
    ("house_rules", "No smoking\x1b[2J", "control characters"),
])
def test_text_limits_and_characters(field: str, value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as error:
        build(PropertyCreate, **{**PROPERTY, field: value})
    assert error.value.field == field


def test_notes_keep_their_lines_and_names_are_trimmed() -> None:
    prop = build(PropertyCreate, **{**PROPERTY, "name": "  Maple Commons ",
                                    "house_rules": "No smoking\r\n\tQuiet after 10pm\n"})
    assert prop.name == "Maple Commons"
    assert prop.house_rules == "No smoking\n\tQuiet after 10pm"
    with pytest.raises(ValidationError, match="amenities\\[1\\]: .*single line"):
        build(PropertyCreate, **PROPERTY, amenities=["gym", "roof\ntop"])


@pytest.mark.parametrize(("model", "data", "field", "message"), [
    (UnitCreate, {"unit_number": "3A", "bedrooms": 10**20, "bathrooms": "1"}, "bedrooms",
     "must be at most 50"),
    (UnitCreate, {"unit_number": "3A", "bedrooms": -1, "bathrooms": "1"}, "bedrooms",
     "must not be negative"),
    (UnitCreate, {"unit_number": "3A", "bedrooms": 1, "bathrooms": "1", "floor": 10**20},
     "floor", "must be at most 200"),
    (UnitCreate, {"unit_number": "3A", "bedrooms": 1, "bathrooms": "1",
                  "square_feet": "99999999999999999999"}, "square_feet", "at most 100000"),
    (UnitCreate, {"unit_number": "3A", "bedrooms": "two", "bathrooms": "1"}, "bedrooms",
     '"two" is not a whole number'),
    (UnitCreate, {"unit_number": "3A", "bedrooms": 1, "bathrooms": "1e309"}, "bathrooms",
     "must be at most 50"),
    (UnitCreate, {"unit_number": "3A", "bedrooms": 1, "bathrooms": "1.25"}, "bathrooms",
     "has more than 1 decimal place"),
    (RoomCreate, {"room_number": "A", "rent_amount": "700", "size_sqft": 0}, "size_sqft",
     "must be more than zero"),
    (RoomCreate, {"room_number": "A", "rent_amount": "700", "beds": 10**20}, "beds",
     "must be at most 20"),
    (RoomCreate, {"room_number": "A", "rent_amount": "1e309"}, "rent_amount",
     "not an amount of money"),
    (RoomCreate, {"room_number": "A", "rent_amount": "99999999999"}, "rent_amount",
     "must be at most 10,000,000.00"),
    (RoomCreate, {"room_number": "A", "rent_amount": "700", "room_type": "suite"}, "room_type",
     "must be one of 'private' or 'shared'"),
    (LeaseCreate, {"tenant_id": ID, "lease_start": "2026-01-01", "bed": 10**20}, "bed",
     "must be at most 20"),
])
def test_numbers_are_bounded_in_plain_words(model: type, data: dict[str, object], field: str,
                                            message: str) -> None:
    base: dict[str, object] = {UnitCreate: {"property_id": ID}, RoomCreate: {"unit_id": ID},
                               LeaseCreate: {"room_id": ID}}[model]
    with pytest.raises(ValidationError) as error:
        build(model, **base, **data)
    assert error.value.field == field
    assert message in error.value.detail
    assert "Input should" not in error.value.detail


def test_people_and_applications() -> None:
    with pytest.raises(ValidationError, match="first_name: is too long \\(at most 100"):
        build(TenantCreate, first_name="A" * 101, last_name="B", email="a@b.co")
    with pytest.raises(ValidationError, match="U\\+202E"):
        build(TenantCreate, first_name="Eve\u202e", last_name="B", email="a@b.co")
    with pytest.raises(ValidationError, match="email: .*text-direction"):
        build(TenantCreate, first_name="Eve", last_name="B", email="a\u202e@b.co")
    with pytest.raises(ValidationError, match="notes: is too long \\(at most 4000"):
        build(TenantCreate, first_name="Eve", last_name="B", email="a@b.co", notes="n" * 4001)
    with pytest.raises(ValidationError, match="occupation: .*at most 200"):
        build(ApplicationCreate, first_name="Eve", last_name="B", email="a@b.co",
              move_in_date="2026-01-01", compatibility_profile={
                  "sleep_schedule": "flexible", "cleanliness": 3, "noise_tolerance": "quiet",
                  "social_preference": "private", "occupation": "o" * 201})


def test_confirm() -> None:
    assert limits.confirm("lease_start", None, False) == []
    with pytest.raises(NeedsConfirmation, match="lease_start: why"):
        limits.confirm("lease_start", "why", False)
    assert limits.confirm("lease_start", "why", True) == ["why"]
    assert limits.lease_start_problem(date(2025, 12, 5), date(2026, 12, 5)) is None
    problem = limits.lease_start_problem(date(2024, 12, 5), date(2026, 12, 5))
    assert problem is not None and "25 months of rent" in problem
    assert limits.money_date_problem(date(2026, 1, 1), None) is None
    assert limits.money_date_problem(date(2025, 12, 1), date(2026, 1, 1)) is None
    assert limits.money_date_problem(date(2025, 10, 1), date(2026, 1, 1)) is not None
