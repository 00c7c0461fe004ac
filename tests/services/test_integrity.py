"""Verify the books: the demo's books pass every check; damage done behind the services'
back (as a hand-edited file would) is found and named. Both engines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AllocationRow, Charge, Lease, Payment
from coliv_desktop.services import integrity, leasing
from coliv_desktop.services.context import Actor
from coliv_desktop.services.demo import load_demo
from tests.builders import OWNER

DAY = date(2025, 11, 25)


def failing(db: Database) -> dict[str, list[str]]:
    return {r.name: r.problems for r in integrity.verify_books(db, OWNER) if not r.ok}


def test_the_demo_books_pass_and_damage_is_named(db: Database, actor: Actor,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", DAY.isoformat())
    load_demo(db, actor, DAY)
    results = integrity.verify_books(db, actor)
    assert len(results) == len(integrity.CHECKS) and all(r.ok for r in results)

    leases = {r.tenant_name: r for r in leasing.list_leases(db, actor)}
    priya, mike = leases["Priya Nair"], leases["Mike Chen"]
    with db.write() as s:
        charge = s.scalars(select(Charge).where(Charge.lease_id == priya.id,
                                                Charge.kind == "rent")).first()
        payment = s.scalars(select(Payment).where(Payment.lease_id == priya.id,
                                                  Payment.kind == "payment")).first()
        assert charge is not None and payment is not None
        s.add(AllocationRow(payment_id=payment.id, charge_id=charge.id,
                            amount=Decimal("5000.00")))  # more than either holds
        top = s.scalar(select(func.max(Payment.receipt_number)))
        s.execute(update(Payment).where(Payment.id == payment.id)
                  .values(receipt_number=top + 3))  # a number taken out of the sequence
        s.execute(update(Lease).where(Lease.id == mike.id).values(bed=4))  # a private room
    found = failing(db)
    assert set(found) == {
        "No charge has more paid against it than it asks",
        "No payment or credit is applied beyond its amount",
        "Every lease holds a bed its room has",
        "Receipt numbers run 1, 2, 3 … with none missing",
    }
    assert found["No charge has more paid against it than it asks"][0].startswith("Priya Nair: ")
    assert found["Every lease holds a bed its room has"] == [
        "Mike Chen: bed 4 of room B, which has 1"]
    assert found["Receipt numbers run 1, 2, 3 … with none missing"][0].startswith(
        "receipts missing from the sequence: ")


def test_an_empty_database_passes(db: Database) -> None:
    assert all(r.ok for r in integrity.verify_books(db, OWNER))


def test_money_crossing_tenants_cancelled_leases_and_double_booking_are_found(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import IntegrityError

    monkeypatch.setenv("COLIV_TODAY", DAY.isoformat())
    load_demo(db, actor, DAY)
    leases = {r.tenant_name: r for r in leasing.list_leases(db, actor)}
    priya, mike = leases["Priya Nair"], leases["Mike Chen"]
    with db.write() as s:
        charge = s.scalars(select(Charge).where(Charge.lease_id == priya.id)).first()
        payment = s.scalars(select(Payment).where(Payment.lease_id == mike.id)).first()
        assert charge is not None and payment is not None
        s.add(AllocationRow(payment_id=payment.id, charge_id=charge.id, amount=Decimal("0.01")))
        s.execute(update(Lease).where(Lease.id == leases["Lisa Moreau"].id)
                  .values(status="cancelled"))  # her charges were never voided
    found = failing(db)
    assert found["Money only pays the same tenant's charges"] == [
        "Mike Chen's money pays Priya Nair's charge (0.01)"]
    assert found["A cancelled lease owes nothing (its charges are void)"][0].startswith(
        "Lisa Moreau: ")
    # a second lease on Priya's bed for the same days
    twin = {c.name: getattr(priya, c.name) for c in Lease.__table__.columns
            if c.name in ("room_id", "tenant_id", "bed", "lease_start", "lease_end",
                          "rent_amount", "deposit_amount")}
    try:
        with db.write() as s:
            s.add(Lease(**twin, status="active", origin="new"))
    except IntegrityError:
        assert db.url.get_backend_name() == "postgresql"  # the exclusion constraint said no
        return
    assert found.keys() <= failing(db).keys()
    (problem,) = failing(db)["No bed is let twice on the same day"]
    assert problem == "room A bed 1: Priya Nair and Priya Nair on the same days"
