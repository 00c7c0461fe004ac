"""Zero is a value, unusual dates ask first, amounts are read in the book's format and held to
its maximum, and currencies without cents are refused: through the services, on both engines.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AuditEntry, Charge
from coliv_desktop.domain.errors import NeedsConfirmation, ValidationError
from coliv_desktop.domain.money import reset_money_format, set_money_format
from coliv_desktop.schemas import build
from coliv_desktop.schemas.applications import ApprovalInput
from coliv_desktop.schemas.leasing import LeaseCreate, LeaseRenewal, LeaseTransfer
from coliv_desktop.schemas.ledger import ChargeCreate, CreditCreate, PaymentCreate
from coliv_desktop.schemas.portfolio import PropertyCreate, RoomCreate, RoomUpdate
from coliv_desktop.services import (
    leasing,
    ledger,
    placement,
    portfolio,
    rent_run,
    settings,
)
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease, tenant
from tests.flow42 import apply, flow_42
from tests.services.test_portfolio import snapshot

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", TODAY.isoformat())


def forced_entries(db: Database, entity: str) -> list[list[str]]:
    with db.read() as s:
        return [e.changes["forced"] for e in s.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == entity)) if "forced" in e.changes]


# --- zero is a value -------------------------------------------------------------------------

def test_a_renewal_at_zero_stays_zero(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    first = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Manager"), date(2026, 1, 1),
                  date(2026, 6, 30), rent_amount="900")
    renewal = leasing.renew_lease(db, actor, first.id, build(
        LeaseRenewal, new_end="2026-12-31", rent_amount="0.00"))
    assert renewal.rent_amount == Decimal("0.00")  # was 900.00: `0.00 or lease.rent_amount`
    again = leasing.renew_lease(db, actor, renewal.id, build(LeaseRenewal, new_end="2027-06-30"))
    assert again.rent_amount == Decimal("0.00")  # no rent given: the current one, 0.00


def test_a_renewal_without_a_rent_keeps_the_current_one(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    first = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2026, 1, 1),
                  date(2026, 6, 30), rent_amount="900")
    renewal = leasing.renew_lease(db, actor, first.id, build(LeaseRenewal, new_end="2026-12-31"))
    assert renewal.rent_amount == Decimal("900.00")


def test_a_room_and_a_lease_at_zero(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    (room,) = portfolio.add_rooms(db, actor, [build(
        RoomCreate, unit_id=flow.unit_3a, room_number="M", rent_amount="0.00")])
    assert room.rent_amount == Decimal("0.00")
    manager = lease(db, actor, room.id, tenant(db, actor, "Manager"), date(2026, 1, 1))
    assert (manager.rent_amount, manager.deposit_amount) == (Decimal("0.00"), Decimal("0.00"))
    # a transfer into it at 0.00 and back out at 0.00 keeps 0.00
    moved = leasing.transfer_lease(db, actor, manager.id, build(
        LeaseTransfer, room_id=flow.rooms["3A-A"], transfer_date="2026-02-01",
        rent_amount="0"))
    assert moved.rent_amount == Decimal("0.00")
    rent_run.run_rent(db, actor, date(2026, 3, 1))
    with db.read() as s:
        charged = s.scalars(select(Charge).where(Charge.lease_id.in_([manager.id, moved.id])))
        assert list(charged) == []  # nothing owed, so nothing charged and nothing late
    updated = portfolio.update_room(db, actor, flow.rooms["3B-A"],
                                    build(RoomUpdate, rent_amount="0"))
    assert updated.rent_amount == Decimal("0.00")


def test_an_approval_at_zero(db: Database, actor: Actor) -> None:
    flow = flow_42(db, actor)
    sarah = apply(db, actor)
    done = placement.approve_application(db, actor, sarah.id, build(
        ApprovalInput, room_id=flow.rooms["3B-A"], rent_amount="0", deposit_amount="0"))
    made = leasing.get_lease(db, actor, done.lease_id)
    assert (made.rent_amount, made.deposit_amount) == (Decimal("0.00"), Decimal("0.00"))


# --- dates that ask first --------------------------------------------------------------------

def test_a_lease_starting_more_than_a_year_back_asks_first(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    who = tenant(db, actor, "Sarah")
    data = build(LeaseCreate, room_id=flow.rooms["3B-A"], tenant_id=who,
                 lease_start=TODAY - timedelta(days=400))
    before = snapshot(db)
    with pytest.raises(NeedsConfirmation, match="lease_start: .*14 months of rent") as asked:
        leasing.create_lease(db, actor, data)
    assert asked.value.exit_code == 2
    assert snapshot(db) == before
    made = leasing.create_lease(db, actor, data, force=True)
    assert made.lease_start == TODAY - timedelta(days=400)
    (forced,) = forced_entries(db, "lease")
    assert "more than a year ago" in forced[0]
    # within the year: no question
    recent = leasing.create_lease(db, actor, build(
        LeaseCreate, room_id=flow.rooms["3B-B"], tenant_id=tenant(db, actor, "Mike"),
        lease_start=TODAY - timedelta(days=300)))
    assert recent.lease_start == TODAY - timedelta(days=300)
    assert len(forced_entries(db, "lease")) == 1


def test_year_one_is_refused_not_asked(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    with pytest.raises(ValidationError, match="0001-01-01 is not a plausible date") as error:
        build(LeaseCreate, room_id=flow.rooms["3B-A"], tenant_id=tenant(db, actor, "Sarah"),
              lease_start="0001-01-01")
    assert not isinstance(error.value, NeedsConfirmation)


def test_money_dated_before_the_first_lease_asks_first(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    sarah = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2026, 1, 1))
    early = "2025-06-01"  # seven months before the book's first lease
    entries = [
        (ledger.record_payment, build(PaymentCreate, lease_id=sarah.id, amount="100",
                                      received_on=early, method="cash"), "received_on"),
        (ledger.add_credit, build(CreditCreate, lease_id=sarah.id, amount="10",
                                  received_on=early, reason="Goodwill"), "received_on"),
        (ledger.post_charge, build(ChargeCreate, lease_id=sarah.id, amount="25", due_date=early,
                                   description="Key"), "due_date"),
    ]
    before = snapshot(db)
    for post, data, field in entries:
        with pytest.raises(NeedsConfirmation, match="before the first lease") as asked:
            post(db, actor, data)  # type: ignore[operator]
        assert asked.value.field == field
    with pytest.raises(NeedsConfirmation, match=r"rows\[0\]\.received_on"):
        ledger.record_payments(db, actor, [entries[0][1]])  # type: ignore[list-item]
    assert snapshot(db) == before
    for post, data, _field in entries:
        post(db, actor, data, force=True)  # type: ignore[operator]
    assert len(forced_entries(db, "payment")) == 1
    assert len(forced_entries(db, "credit")) == 1
    assert len(forced_entries(db, "charge")) == 1
    # a deposit paid a few weeks ahead of the first move-in is ordinary
    paid = ledger.record_payment(db, actor, build(PaymentCreate, lease_id=sarah.id,
                                                  amount="900", received_on="2025-12-10",
                                                  method="bank_transfer"))
    assert paid.amount == Decimal("900.00")


# --- the book's format and maximum -----------------------------------------------------------

def test_currencies_without_cents_are_refused(db: Database, actor: Actor) -> None:
    before = snapshot(db)
    for code, why in (("JPY", "without decimals"), ("KWD", "with 3 decimal places")):
        with pytest.raises(ValidationError, match=f"currency: {code} amounts are written "
                                                  f"{why}, but CoLiv keeps every amount in cents"):
            settings.set_setting(db, actor, "currency", code)
    assert snapshot(db) == before
    assert settings.set_setting(db, actor, "currency", "eur") == "EUR"


def test_amounts_in_the_books_locale_and_under_its_maximum(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    values = settings.set_settings(db, actor, {"locale": "de_DE", "late_fee_flat": "12,50",
                                               "late_fee_percent": "2,5"})
    assert (values["late_fee_flat"], values["late_fee_percent"]) == (Decimal("12.50"),
                                                                     Decimal("2.5"))
    token = set_money_format(settings.book_money_format(db, actor))
    try:
        room = build(RoomCreate, unit_id=flow.unit_3a, room_number="D", rent_amount="1.234,56")
        assert room.rent_amount == Decimal("1234.56")
        with pytest.raises(ValidationError, match="rent_amount: \"1.250\" is ambiguous"):
            build(RoomCreate, unit_id=flow.unit_3a, room_number="D", rent_amount="1.250")
        with pytest.raises(ValidationError, match=r"must be at most 10\.000\.000,00"):
            build(RoomCreate, unit_id=flow.unit_3a, room_number="D", rent_amount="20.000.000")
    finally:
        reset_money_format(token)
    with pytest.raises(ValidationError, match="max_amount: must be at least 1.00"):
        settings.set_setting(db, actor, "max_amount", "0")
    settings.set_setting(db, actor, "max_amount", "50.000.000,00")
    token = set_money_format(settings.book_money_format(db, actor))
    try:
        room = build(RoomCreate, unit_id=flow.unit_3a, room_number="D", rent_amount="20.000.000")
        assert room.rent_amount == Decimal("20000000.00")
    finally:
        reset_money_format(token)


def test_a_long_or_tricky_name_is_refused_and_nothing_is_written(db: Database,
                                                                 actor: Actor) -> None:
    before = snapshot(db)
    for name, message in (("P" * 5000, "at most 120 characters"),
                          ("Loft\u202eevil", r"U\+202E"), ("Loft\nTwo", "single line")):
        with pytest.raises(ValidationError, match=message):
            portfolio.add_property(db, actor, build(
                PropertyCreate, name=name, address="1 Main St", city="Austin", state="TX",
                zip="78701"))
    assert snapshot(db) == before
