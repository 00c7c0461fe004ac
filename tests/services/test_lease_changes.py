"""The ledger follows lease changes made after the rent run (move-out, transfer, cancellation),
and the undo of those changes (reopen, remove a renewal, restore a cancelled lease) charges the
rent again. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AuditEntry, Lease, Room, Unit
from coliv_desktop.domain.errors import ConflictError, ValidationError
from coliv_desktop.domain.schedule import base_period, is_month, rent_periods
from coliv_desktop.schemas import build
from coliv_desktop.schemas.deposits import DispositionCreate
from coliv_desktop.schemas.leasing import LeaseRenewal, LeaseTransfer
from coliv_desktop.schemas.ledger import ChargeOut, PaymentCreate
from coliv_desktop.services import (
    deposits,
    integrity,
    lease_undo,
    leasing,
    ledger,
    reminders,
    rent_run,
    reports,
)
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor
from coliv_desktop.services.ledger_sql import lease_chain
from coliv_desktop.services.rent_sync import horizon_of
from coliv_desktop.services.settings import set_settings
from tests.builders import OWNER, flow_41, lease, tenant
from tests.services.test_portfolio import snapshot


def pay(db: Database, actor: Actor, lease_id: uuid.UUID, amount: str, day: str) -> None:
    # forced: the properties below put leases years ahead, and money is dated today at most
    ledger.record_payment(db, actor, build(PaymentCreate, lease_id=lease_id, amount=amount,
                                           received_on=day, method="bank_transfer"), force=True)


def received_by(start: date) -> str:
    """The day money for a lease starting on `start` is received: then, or today for the
    leases the properties put years ahead (money is not dated more than a year ahead)."""
    return min(start, today()).isoformat()


def live(charges: list[ChargeOut], kind: str = "rent") -> list[tuple[str, D]]:
    return [(base_period(c.period), c.amount) for c in charges
            if c.kind == kind and c.status != "void"]


def late_fees_on(db: Database, actor: Actor) -> None:
    set_settings(db, actor, {"late_fee_mode": "flat", "late_fee_flat": "50",
                             "late_fee_grace_days": 5})


@pytest.fixture
def sarah(db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> uuid.UUID:
    """Sarah in 3B-A from December 1 to May 31 at 900 with a 900 deposit; the rent run has
    posted December and January; she paid the deposit and December, not January (late fee)."""
    monkeypatch.setenv("COLIV_TODAY", "2026-01-20")
    late_fees_on(db, actor)
    flow = flow_41(db, actor)
    made = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 12, 1),
                 date(2026, 5, 31), deposit_amount="900")
    pay(db, actor, made.id, "1800", "2025-12-01")  # before the run: applied by it
    rent_run.run_rent(db, actor, date(2026, 1, 20))
    return made.id


def test_move_out_reverses_the_rent_charged_after_it(db: Database, actor: Actor,
                                                     sarah: uuid.UUID) -> None:
    book = ledger.lease_ledger(db, actor, sarah)
    assert live(book.charges) == [("2025-12", D("900.00")), ("2026-01", D("900.00"))]
    assert live(book.charges, "late_fee") == [("2026-01", D("50.00"))]
    assert book.balance == D("950.00")
    leasing.end_lease(db, actor, sarah, date(2025, 12, 20))
    book = ledger.lease_ledger(db, actor, sarah)
    # December re-prorated to its first 20 days; January and its late fee not owed at all
    assert live(book.charges) == [("2025-12", D("580.65"))]
    assert live(book.charges, "late_fee") == []
    december = next(c for c in book.charges if c.period == "2025-12#2")
    assert "20 of 31 days" in (december.working or "") and december.status == "paid"
    voided = {(c.kind, c.period): c.void_reason for c in book.charges if c.status == "void"}
    assert set(voided) == {("rent", "2025-12"), ("rent", "2026-01"), ("late_fee", "2026-01")}
    assert all(r is not None and r.startswith("Lease change: move-out on 2025-12-20")
               for r in voided.values())
    # what she paid for December beyond the 20 days is credit in her favour
    assert book.balance == D("900.00") + D("580.65") - D("1800.00") == D("-319.35")
    assert book.deposit_held == D("900.00")
    january = reports.collection(db, actor, "2026-01")
    assert january.expected == D("0.00") and january.rooms == []
    assert rent_run.run_rent(db, actor, date(2026, 3, 31)).charges_created == 0
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "end")).one()
    assert "3 charges voided (1850.00)" in entry.summary
    assert len(entry.changes["charges_voided"]) == 3


def test_reminders_for_reversed_rent_leave_the_outbox(db: Database, actor: Actor,
                                                     sarah: uuid.UUID) -> None:
    reminders.refresh_outbox(db, actor, date(2026, 1, 20))
    assert {r.subject for r in reminders.list_outbox(db, actor)} == {
        "Overdue: Rent January 2026, $900.00", "Overdue: Late fee, rent January 2026, $50.00"}
    leasing.end_lease(db, actor, sarah, date(2025, 12, 31))
    assert reminders.list_outbox(db, actor) == []
    assert len(reminders.list_outbox(db, actor, None)) == 2  # still on record


def test_undoing_the_move_out_charges_the_rent_again(db: Database, actor: Actor,
                                                     sarah: uuid.UUID) -> None:
    before = ledger.lease_ledger(db, actor, sarah)
    ended = leasing.end_lease(db, actor, sarah, date(2025, 12, 20))
    reopened = lease_undo.reopen_lease(db, actor, sarah, date(2026, 5, 31), ended.version)
    assert (reopened.status, reopened.lease_end, reopened.move_out_date) == (
        "active", date(2026, 5, 31), None)
    after = ledger.lease_ledger(db, actor, sarah)
    assert live(after.charges) == live(before.charges)
    assert live(after.charges, "late_fee") == live(before.charges, "late_fee")
    assert (after.balance, after.deposit_held) == (before.balance, before.deposit_held)
    assert [c.period for c in after.charges if c.status != "void"] == [
        "deposit", "2025-12#3", "2026-01#2", "2026-01#2"]
    # idempotent afterwards: the rent run adds only February onwards
    result = rent_run.run_rent(db, actor, date(2026, 2, 28))
    assert (result.charges_created, result.late_fees_created) == (1, 0)
    # and a second move-out and undo keep the books the same way (no double late fee)
    leasing.end_lease(db, actor, sarah, date(2025, 12, 20))
    lease_undo.reopen_lease(db, actor, sarah, date(2026, 5, 31))
    again = ledger.lease_ledger(db, actor, sarah)
    assert live(again.charges, "late_fee") == [("2026-01", D("50.00"))]
    assert again.balance == before.balance + D("900.00")  # February


def test_a_month_voided_by_hand_stays_voided(db: Database, actor: Actor,
                                             sarah: uuid.UUID) -> None:
    january = next(c for c in ledger.lease_ledger(db, actor,
                                                  sarah).charges if c.period == "2026-01")
    with pytest.raises(ValidationError, match="reserved"):
        ledger.void_charge(db, actor, january.id, "Lease change: typed by a person")
    ledger.void_charge(db, actor, january.id, "rent-free month, as agreed")
    leasing.end_lease(db, actor, sarah, date(2026, 1, 10))
    lease_undo.reopen_lease(db, actor, sarah, date(2026, 5, 31))
    book = ledger.lease_ledger(db, actor, sarah)
    assert live(book.charges) == [("2025-12", D("900.00"))]
    assert [c.void_reason for c in book.charges if c.period == "2026-01" and c.kind == "rent"
            ] == ["rent-free month, as agreed"]


def test_reopen_is_refused_when_the_bed_was_let(db: Database, actor: Actor,
                                               sarah: uuid.UUID) -> None:
    leasing.end_lease(db, actor, sarah, date(2026, 1, 31))
    room = leasing.get_lease(db, actor, sarah).room_id
    lease(db, actor, room, tenant(db, actor, "Mike"), date(2026, 3, 1))
    before = snapshot(db)
    with pytest.raises(ConflictError, match="Mike Tester's lease 2026-03-01"):
        lease_undo.reopen_lease(db, actor, sarah, date(2026, 5, 31))
    with pytest.raises(ValidationError, match="earlier"):
        lease_undo.reopen_lease(db, actor, sarah, date(2026, 1, 15))
    assert snapshot(db) == before
    # up to the day before Mike moves in is fine
    assert lease_undo.reopen_lease(db, actor, sarah, date(2026, 2, 28)).status == "active"


def test_reopen_is_refused_after_the_deposit_was_settled(db: Database, actor: Actor,
                                                         sarah: uuid.UUID) -> None:
    leasing.end_lease(db, actor, sarah, date(2026, 1, 15))
    deposits.settle_deposit(db, actor, build(DispositionCreate, lease_id=sarah,
                                             decided_on="2026-01-20"))
    with pytest.raises(ValidationError, match="deposit was settled"):
        lease_undo.reopen_lease(db, actor, sarah, date(2026, 5, 31))


def room_3b_b(db: Database) -> uuid.UUID:
    """Room 3B-B ($750), where the transfer tests move Sarah."""
    with db.read() as s:
        room = s.scalar(select(Room.id).where(Room.room_number == "B",
                                              Room.rent_amount == D("750.00")))
    assert room is not None
    return room


def test_transfer_reverses_the_old_room_and_charges_the_new_one(
        db: Database, actor: Actor, sarah: uuid.UUID) -> None:
    room_b = room_3b_b(db)
    moved = leasing.transfer_lease(db, actor, sarah, build(
        LeaseTransfer, room_id=room_b, transfer_date="2025-12-16"))
    book = ledger.lease_ledger(db, actor, moved.id)
    by_lease = {(c.lease_id, base_period(c.period)): c.amount for c in book.charges
                if c.kind == "rent" and c.status != "void"}
    assert by_lease == {
        (sarah, "2025-12"): D("435.48"),  # 900 for the 1st-15th
        (moved.id, "2025-12"): D("387.10"),  # 750 for the 16th-31st
        (moved.id, "2026-01"): D("750.00"),
    }
    # the old room's January (and its late fee) are voided; the deposit stays with the tenant
    assert book.balance == D("900.00") + D("435.48") + D("387.10") + D("750.00") - D("1800.00")


def test_undoing_a_transfer_restores_the_old_room_and_its_rent(
        db: Database, actor: Actor, sarah: uuid.UUID) -> None:
    before = snapshot_ledger(db, sarah)
    old_room = leasing.get_lease(db, actor, sarah).room_id
    room_b = room_3b_b(db)
    moved = leasing.transfer_lease(db, actor, sarah, build(
        LeaseTransfer, room_id=room_b, transfer_date="2025-12-16"))
    with pytest.raises(ValidationError, match="did not come from a transfer"):
        lease_undo.undo_transfer(db, actor, sarah)
    reopened = lease_undo.undo_transfer(db, actor, moved.id)
    assert (reopened.id, reopened.status, reopened.lease_end, reopened.room_id) == (
        sarah, "active", date(2026, 5, 31), old_room)
    assert leasing.get_lease(db, actor, moved.id).status == "cancelled"
    assert snapshot_ledger(db, sarah) == before
    assert (room_b, 1) in leasing.free_rooms(db, actor, date(2025, 12, 16), None)  # free again
    with pytest.raises(ValidationError, match="already undone"):
        lease_undo.undo_transfer(db, actor, moved.id)
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "undo_transfer")).one()
    assert entry.entity_id == str(sarah) and "undone" in entry.summary


def test_a_transfer_with_money_on_the_new_lease_cannot_be_undone(
        db: Database, actor: Actor, sarah: uuid.UUID) -> None:
    room_b = room_3b_b(db)
    moved = leasing.transfer_lease(db, actor, sarah, build(
        LeaseTransfer, room_id=room_b, transfer_date="2025-12-16"))
    pay(db, actor, moved.id, "750", "2026-01-05")
    state = snapshot(db)
    with pytest.raises(ValidationError, match="payment"):
        lease_undo.undo_transfer(db, actor, moved.id)
    assert snapshot(db) == state


def snapshot_ledger(db: Database, lease_id: uuid.UUID) -> tuple[D, list[tuple[str, D]]]:
    """A lease account's balance and its live rent and late-fee charges, by period."""
    book = ledger.lease_ledger(db, OWNER, lease_id)
    live_charges = sorted((base_period(c.period), c.amount) for c in book.charges
                          if c.kind in ("rent", "late_fee") and c.status != "void")
    return book.balance, live_charges


def test_cancellation_voids_everything_and_undo_restores_it(db: Database, actor: Actor,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2026-01-05")
    flow = flow_41(db, actor)
    wrong = lease(db, actor, flow.rooms["3B-C"], tenant(db, actor, "Jess"), date(2025, 12, 1),
                  deposit_amount="800")
    rent_run.run_rent(db, actor, date(2026, 1, 5))
    before = ledger.lease_ledger(db, actor, wrong.id)
    assert before.balance == D("2400.00")
    leasing.cancel_lease(db, actor, wrong.id, "entered in the wrong room")
    book = ledger.lease_ledger(db, actor, wrong.id)
    assert book.balance == D("0.00") and all(c.status == "void" for c in book.charges)
    assert reports.collection(db, actor, "2025-12").rooms == []
    assert rent_run.run_rent(db, actor, date(2026, 2, 5)).charges_created == 0
    restored = lease_undo.uncancel_lease(db, actor, wrong.id)
    assert restored.status == "active"
    book = ledger.lease_ledger(db, actor, wrong.id)
    # December and January again, and February, which the rent run reached meanwhile
    assert live(book.charges) == [*live(before.charges), ("2026-02", D("800.00"))]
    assert live(book.charges, "deposit") == [("deposit", D("800.00"))]
    assert book.balance == D("3200.00")
    assert rent_run.run_rent(db, actor, date(2026, 2, 5)).charges_created == 0


def test_cancellation_refuses_a_lease_with_money_on_it(db: Database, actor: Actor,
                                                      sarah: uuid.UUID) -> None:
    before = snapshot(db)
    with pytest.raises(ValidationError, match="payment"):
        leasing.cancel_lease(db, actor, sarah, "mistake")
    assert snapshot(db) == before


def test_uncancel_is_refused_when_the_bed_was_let(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    wrong = lease(db, actor, flow.rooms["3B-C"], tenant(db, actor, "Jess"), date(2025, 12, 1))
    leasing.cancel_lease(db, actor, wrong.id, "wrong room")
    lease(db, actor, flow.rooms["3B-C"], tenant(db, actor, "Tom"), date(2026, 1, 1))
    before = snapshot(db)
    with pytest.raises(ConflictError, match="Tom Tester"):
        lease_undo.uncancel_lease(db, actor, wrong.id)
    assert snapshot(db) == before


def test_removing_a_renewal(db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2026-02-10")
    flow = flow_41(db, actor)
    first = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"), date(2025, 7, 1),
                  date(2025, 12, 31), deposit_amount="750")
    renewal = leasing.renew_lease(db, actor, first.id, build(LeaseRenewal, new_end="2026-06-30",
                                                             rent_amount="780"))
    rent_run.run_rent(db, actor, date(2026, 2, 10))
    pay(db, actor, first.id, "5250", "2025-07-01")  # deposit and July to December
    book = ledger.lease_ledger(db, actor, first.id)
    assert book.balance == D("1560.00")  # January and February of the renewal
    with pytest.raises(ValidationError, match="not a renewal"):
        lease_undo.remove_renewal(db, actor, first.id)
    removed = lease_undo.remove_renewal(db, actor, renewal.id)
    assert removed.status == "cancelled"
    assert ledger.lease_ledger(db, actor, first.id).balance == D("0.00")
    assert flow.rooms["3B-B"] in dict(leasing.free_rooms(db, actor, date(2026, 1, 1), date(2026, 6,
                                                                                           30)))
    # the deposit can now be settled on the first lease (the removed renewal is ignored)
    leasing.end_lease(db, actor, first.id, date(2025, 12, 31))
    preview = deposits.preview_disposition(db, actor, build(DispositionCreate, lease_id=first.id,
                                                     decided_on="2026-01-02"))
    assert preview.refund == D("750.00")
    lease_undo.reopen_lease(db, actor, first.id, date(2025, 12, 31))  # undo that move-out
    restored = lease_undo.uncancel_lease(db, actor, renewal.id)
    assert restored.status == "active"
    assert ledger.lease_ledger(db, actor, first.id).balance == D("1560.00")
    pay(db, actor, renewal.id, "780", "2026-01-02")
    with pytest.raises(ValidationError, match="payment"):
        lease_undo.remove_renewal(db, actor, renewal.id)


# --- hypothesis: whatever happens to a lease, its rent is its schedule -----------------------

START = date(2030, 1, 1)
ops = st.one_of(
    st.tuples(st.just("run"), st.integers(0, 330)),
    st.tuples(st.just("pay"), st.integers(1, 2000)),
    st.tuples(st.just("move_out"), st.integers(0, 300)),
    st.tuples(st.just("reopen"), st.just(0)),
    st.tuples(st.just("cancel"), st.just(0)),
    st.tuples(st.just("uncancel"), st.just(0)),
    st.tuples(st.just("move_out+undo"), st.integers(0, 300)),
    st.tuples(st.just("cancel+undo"), st.just(0)),
)


def expand(steps: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A change and its undo right after it, as Ctrl+Z does."""
    out: list[tuple[str, int]] = []
    for op, value in steps:
        if op == "move_out+undo":
            out += [("move_out", value), ("reopen", 0)]
        elif op == "cancel+undo":
            out += [("cancel", 0), ("uncancel", 0)]
        else:
            out.append((op, value))
    return out


def check_schedule(db: Database, lease_id: uuid.UUID) -> None:
    """Live rent per month = the lease's schedule through the horizon; one charge per month;
    balance = live charges - live money in."""
    current = leasing.get_lease(db, OWNER, lease_id)
    book = ledger.lease_ledger(db, OWNER, lease_id)
    with db.read() as s:
        horizon = horizon_of(s, lease_chain(s, lease_id))
    months = [base_period(c.period) for c in book.charges
              if c.kind == "rent" and is_month(c.period) and c.status != "void"]
    assert len(months) == len(set(months))
    expected = {}
    if current.status != "cancelled" and horizon is not None:
        expected = {p.period: p.amount for p in rent_periods(
            current.rent_amount, current.lease_start, current.lease_end, horizon)}
    assert dict(live(book.charges)) == expected
    deposits_live = live(book.charges, "deposit")
    assert len(deposits_live) == (1 if current.status != "cancelled" and horizon is not None
                                  and current.lease_start <= horizon else 0)
    charged = sum((c.amount for c in book.charges if c.status != "void"), D(0))
    received = sum((p.amount for p in book.payments if p.void_reason is None), D(0))
    assert book.balance == charged - received
    assert [p for r in integrity.verify_books(db, OWNER) for p in r.problems] == []


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.integers(0, 27), st.integers(30, 300), st.lists(ops, min_size=1, max_size=8))
def test_lease_changes_keep_rent_on_schedule(db: Database, actor: Actor, start_day: int,
                                             length: int, steps: list[tuple[str, int]]) -> None:
    with db.read() as s:
        room = s.scalars(select(Room.id).order_by(Room.room_number)).first()
        used = len(s.scalars(select(Lease.id)).all())
    if room is None:
        room = flow_41(db, actor).rooms["3A-A"]
    start = START + timedelta(days=400 * used + start_day)
    end = start + timedelta(days=length)
    made = lease(db, actor, room, tenant(db, actor, f"H{used}"), start, end,
                 rent_amount="1234.56", deposit_amount="500")
    undo_to: tuple[str, D, list[tuple[str, D]]] | None = None
    for op, value in expand(steps):
        current = leasing.get_lease(db, actor, made.id)
        book = ledger.lease_ledger(db, actor, made.id)
        state = (current.status, book.balance, live(book.charges))
        try:
            if op == "run":
                rent_run.run_rent(db, actor, start + timedelta(days=value))
            elif op == "pay":
                pay(db, actor, made.id, str(value), received_by(start))
            elif op == "move_out":
                leasing.end_lease(db, actor, made.id, start + timedelta(days=min(value, length)))
            elif op == "reopen":
                lease_undo.reopen_lease(db, actor, made.id, end)
            elif op == "cancel":
                leasing.cancel_lease(db, actor, made.id, "test")
            else:
                lease_undo.uncancel_lease(db, actor, made.id)
        except ValidationError:
            continue  # not possible in this state (nothing was written)
        event(op)
        check_schedule(db, made.id)
        if op in ("reopen", "uncancel") and undo_to is not None:
            event(f"{op} restored the books")
            book = ledger.lease_ledger(db, actor, made.id)
            assert (leasing.get_lease(db, actor, made.id).status, book.balance,
                    live(book.charges)) == undo_to
        undo_to = state if op in ("move_out", "cancel") and current.status == "active" else None


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.integers(0, 27), st.integers(60, 300), st.integers(1, 299), st.integers(0, 330),
       st.integers(0, 3000), st.booleans())
def test_a_transfer_undone_leaves_the_books_as_they_were(
        db: Database, actor: Actor, start_day: int, length: int, moved_after: int,
        run_days: int, paid: int, run_again: bool) -> None:
    """Whatever was charged and paid before, a transfer followed by its undo (Ctrl+Z) gives
    back the same balance and the same live rent, and the old room's schedule holds."""
    with db.read() as s:
        used = len(s.scalars(select(Lease.id)).all())
    if not used:
        flow_41(db, actor)
    with db.read() as s:
        rooms = {r.room_number: r.id for r in s.scalars(
            select(Room).join(Unit).where(Unit.unit_number == "3A"))}
    start = START + timedelta(days=400 * used + start_day)
    end = start + timedelta(days=length)
    made = lease(db, actor, rooms["A"], tenant(db, actor, f"T{used}"), start, end,
                 rent_amount="1234.56", deposit_amount="500")
    rent_run.run_rent(db, actor, start + timedelta(days=run_days))
    if paid:
        pay(db, actor, made.id, str(paid), received_by(start))
    before = ledger.lease_ledger(db, actor, made.id)
    snapshot = (before.balance, live(before.charges), live(before.charges, "deposit"))
    day = start + timedelta(days=min(moved_after, length))
    try:
        moved = leasing.transfer_lease(db, actor, made.id, build(
            LeaseTransfer, room_id=rooms["B"], transfer_date=day))
    except ValidationError:
        return  # on the first day: not a transfer (nothing was written)
    if run_again:
        rent_run.run_rent(db, actor, start + timedelta(days=run_days))
    lease_undo.undo_transfer(db, actor, moved.id)
    after = ledger.lease_ledger(db, actor, made.id)
    assert (after.balance, live(after.charges), live(after.charges, "deposit")) == snapshot
    assert leasing.get_lease(db, actor, moved.id).status == "cancelled"
    check_schedule(db, made.id)


def test_deposit_settlement_refunds_the_rent_credit_too(db: Database, actor: Actor,
                                                       sarah: uuid.UUID, tmp_path: object
                                                       ) -> None:
    from pathlib import Path

    from pypdf import PdfReader

    from coliv_desktop.services import printing

    leasing.end_lease(db, actor, sarah, date(2025, 12, 20))
    data = build(DispositionCreate, lease_id=sarah, decided_on="2025-12-22",
                 deductions=[{"reason": "Carpet cleaning", "amount": "120"}],
                 refund_method="bank_transfer")
    preview = deposits.preview_disposition(db, actor, data)
    # 319.35 of December's rent was reversed by the move-out: it pays the cleaning first
    assert (preview.unpaid_before, preview.applied, preview.refund, preview.credit_refund,
            preview.owed) == (D("-319.35"), D("0.00"), D("900.00"), D("199.35"), D("0.00"))
    done = deposits.settle_deposit(db, actor, data)
    assert done.total_refund == D("1099.35")
    book = ledger.lease_ledger(db, actor, sarah)
    assert (book.balance, book.deposit_held) == (D("0.00"), D("0.00"))
    assert deposits.get_disposition(db, actor, sarah) == done
    out = printing.deposit_letter_pdf(db, actor, sarah, Path(str(tmp_path)) / "letter.pdf")
    text = PdfReader(out).pages[0].extract_text()
    assert "Carpet cleaning" in text and "$1,099.35" in text and "+$319.35" in text


def test_the_end_before_a_move_out_is_read_from_the_log(db: Database, actor: Actor,
                                                        sarah: uuid.UUID) -> None:
    assert lease_undo.end_before_move_out(db, actor, sarah) == (False, None)
    leasing.end_lease(db, actor, sarah, date(2025, 12, 20))
    assert lease_undo.end_before_move_out(db, actor, sarah) == (True, date(2026, 5, 31))
    open_ended = lease(db, actor, leasing.get_lease(db, actor, sarah).room_id,
                       tenant(db, actor, "Ola"), date(2026, 1, 1))
    leasing.end_lease(db, actor, open_ended.id, date(2026, 1, 15))
    assert lease_undo.end_before_move_out(db, actor, open_ended.id) == (True, None)
    assert lease_undo.reopen_lease(db, actor, open_ended.id, None).lease_end is None
