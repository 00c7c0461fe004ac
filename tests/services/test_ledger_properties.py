"""Hypothesis over random sequences of charges, payments, credits and voids on a real database.

Each example works on a lease of its own, so examples share the database but not the account.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.ledger import ChargeCreate, CreditCreate, PaymentCreate
from coliv_desktop.services import integrity, ledger, rent_run
from coliv_desktop.services.context import Actor
from coliv_desktop.services.settings import set_setting
from tests.builders import OWNER, fresh_lease

amounts = st.integers(min_value=1, max_value=150_000).map(lambda c: Decimal(c) / 100)
step = st.one_of(
    st.tuples(st.just("charge"), amounts, st.integers(0, 60)),
    st.tuples(st.just("payment"), amounts, st.integers(0, 60)),
    st.tuples(st.just("credit"), amounts, st.integers(0, 60)),
    st.tuples(st.just("void_charge"), st.integers(0, 20), st.just(0)),
    st.tuples(st.just("void_payment"), st.integers(0, 20), st.just(0)),
)


def check_invariants(db: Database, lease_id: uuid.UUID) -> None:
    book = ledger.lease_ledger(db, OWNER, lease_id)
    live_charges = sum((c.amount for c in book.charges if c.void_reason is None), Decimal(0))
    live_in = sum((p.amount for p in book.payments if p.void_reason is None), Decimal(0))
    assert book.balance == live_charges - live_in
    for c in book.charges:
        assert Decimal(0) <= c.paid <= (c.amount if c.void_reason is None else 0)
    for p in book.payments:
        assert Decimal(0) <= p.allocated <= p.amount
    # the same, and the rest of the rules, from the raw rows (what Verify Books runs)
    assert [p for r in integrity.verify_books(db, OWNER) for p in r.problems] == []


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=12))
def test_random_sequences_keep_the_books(
    db: Database, actor: Actor, steps: list[tuple[str, Decimal | int, int]]
) -> None:
    the_lease = fresh_lease(db, actor)
    charges: list[uuid.UUID] = []
    payments: list[uuid.UUID] = []
    for kind, value, offset in steps:
        day = the_lease.lease_start + timedelta(days=offset)
        if kind == "charge":
            charges.append(ledger.post_charge(db, actor, build(
                ChargeCreate, lease_id=the_lease.id, due_date=day, amount=value,
                description="Test")).id)
        elif kind == "payment":
            payments.append(ledger.record_payment(db, actor, build(
                PaymentCreate, lease_id=the_lease.id, amount=value, received_on=day,
                method="cash")).id)
        elif kind == "credit":
            payments.append(ledger.add_credit(db, actor, build(
                CreditCreate, lease_id=the_lease.id, amount=value, received_on=day,
                reason="Goodwill")).id)
        else:
            pool = charges if kind == "void_charge" else payments
            if not pool:
                continue
            target = pool.pop(int(value) % len(pool))
            before = ledger.lease_ledger(db, actor, the_lease.id).balance
            if kind == "void_charge":
                amount = ledger.get_charge(db, actor, target).amount
                ledger.void_charge(db, actor, target, "mistake")
                assert ledger.lease_ledger(db, actor, the_lease.id).balance == before - amount
            else:
                amount = ledger.get_payment(db, actor, target).amount
                ledger.void_payment(db, actor, target, "mistake")
                assert ledger.lease_ledger(db, actor, the_lease.id).balance == before + amount
        check_invariants(db, the_lease.id)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.integers(0, 27), st.integers(0, 200), st.integers(1, 28))
def test_rent_run_is_idempotent(db: Database, actor: Actor, start_day: int, length: int,
                                due_day: int) -> None:
    set_setting(db, actor, "rent_due_day", due_day)
    the_lease = fresh_lease(db, actor, length, start_day, rent_amount="1234.56")
    assert the_lease.lease_end is not None
    through = the_lease.lease_end + timedelta(days=40)
    first = rent_run.run_rent(db, actor, through)
    second = rent_run.run_rent(db, actor, through)
    assert first.charges_created >= 1 and second.charges_created == 0
    assert second.late_fees_created == 0
    book = ledger.lease_ledger(db, actor, the_lease.id)
    days = sum(((c.period_end - c.period_start).days + 1) for c in book.charges
               if c.period_start and c.period_end)
    assert days == length + 1  # every day of the lease charged exactly once
