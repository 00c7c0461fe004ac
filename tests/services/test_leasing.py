"""Leases: one bed, one lease per day; move-out, renewal, transfer, cancellation."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import ConflictError, NeedsConfirmation, ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.leasing import LeaseCreate, LeaseRenewal, LeaseTransfer
from coliv_desktop.schemas.portfolio import RoomCreate, RoomUpdate
from coliv_desktop.services import history, leasing, portfolio
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor
from tests.builders import flow_41, lease, tenant
from tests.services.test_portfolio import snapshot


def test_rent_defaults_to_the_rooms(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    made = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 12, 1))
    assert made.rent_amount == Decimal("900.00")
    assert made.bed == 1
    assert made.status == "active"


def test_private_room_holds_one_lease_per_day(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    room = flow.rooms["3B-A"]
    lease(db, actor, room, tenant(db, actor, "Sarah"), date(2025, 12, 1), date(2026, 5, 31))
    mike = tenant(db, actor, "Mike")
    before = snapshot(db)
    with pytest.raises(ConflictError, match="Sarah Tester's lease 2025-12-01 to 2026-05-31"):
        lease(db, actor, room, mike, date(2026, 5, 31))
    assert snapshot(db) == before
    # the day after is free
    assert lease(db, actor, room, mike, date(2026, 6, 1)).lease_start == date(2026, 6, 1)


def test_open_ended_lease_blocks_every_later_day(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    room = flow.rooms["3B-B"]
    lease(db, actor, room, tenant(db, actor, "Mike"), date(2025, 1, 1))
    with pytest.raises(ConflictError):
        lease(db, actor, room, tenant(db, actor, "Ann"), date(2030, 1, 1), date(2030, 2, 1))
    # but an earlier, closed stay fits
    lease(db, actor, room, tenant(db, actor, "Bo"), date(2024, 1, 1), date(2024, 12, 31))


def test_shared_room_lets_each_bed_once(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    room = portfolio.add_room(db, actor, build(RoomCreate, unit_id=flow.unit_3a, room_number="S",
                                               room_type="shared", beds=2, rent_amount="450"))
    first = lease(db, actor, room.id, tenant(db, actor, "Ann"), date(2025, 1, 1))
    second = lease(db, actor, room.id, tenant(db, actor, "Bo"), date(2025, 3, 1))
    assert {first.bed, second.bed} == {1, 2}
    with pytest.raises(ConflictError, match="no free bed"):
        lease(db, actor, room.id, tenant(db, actor, "Cy"), date(2025, 6, 1))
    with pytest.raises(ConflictError, match="bed 1 is not free"):
        lease(db, actor, room.id, tenant(db, actor, "Di"), date(2025, 6, 1), bed=1)
    with pytest.raises(ValidationError) as error:
        lease(db, actor, room.id, tenant(db, actor, "Ed"), date(2025, 6, 1), bed=3)
    assert error.value.field == "bed"


def test_end_before_start_is_refused(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    sarah = tenant(db, actor, "Sarah")
    with pytest.raises(ValidationError) as error:
        build(LeaseCreate, room_id=flow.rooms["3B-A"], tenant_id=sarah,
              lease_start="2026-01-01", lease_end="2025-12-31")
    assert "lease_end" in str(error.value)


def test_room_under_maintenance_cannot_be_let(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    portfolio.update_room(db, actor, flow.rooms["3B-C"], build(RoomUpdate, status="maintenance"))
    jess = tenant(db, actor, "Jess")
    with pytest.raises(NeedsConfirmation, match="maintenance"):
        lease(db, actor, flow.rooms["3B-C"], jess, today(), force=False)
    let = lease(db, actor, flow.rooms["3B-C"], jess, today(), force=True)  # a person said yes
    entry = history.audit_entries(db, actor, "lease", entity_id=str(let.id))[0]
    assert any("maintenance" in reason for reason in entry.changes["forced"])


def test_move_out_frees_the_bed(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    room = flow.rooms["3B-D"]
    tom = lease(db, actor, room, tenant(db, actor, "Tom"), date(2025, 1, 1))
    ended = leasing.end_lease(db, actor, tom.id, date(2025, 8, 31))
    assert (ended.status, ended.lease_end, ended.move_out_date) == (
        "ended", date(2025, 8, 31), date(2025, 8, 31))
    lease(db, actor, room, tenant(db, actor, "Ann"), date(2025, 9, 1))
    with pytest.raises(ValidationError):
        leasing.end_lease(db, actor, tom.id, date(2025, 9, 30))


def test_renewal_continues_in_the_same_bed(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    first = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"), date(2025, 1, 1),
                  date(2025, 6, 30))
    renewal = leasing.renew_lease(db, actor, first.id,
                                  build(LeaseRenewal, new_end="2025-12-31", rent_amount="780"))
    assert (renewal.lease_start, renewal.lease_end) == (date(2025, 7, 1), date(2025, 12, 31))
    assert renewal.rent_amount == Decimal("780.00")
    assert (renewal.origin, renewal.previous_lease_id) == ("renewal", first.id)


def test_transfer_moves_tenant_and_deposit(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    original = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"), date(2025, 1, 1),
                     date(2025, 12, 31), deposit_amount="750")
    moved = leasing.transfer_lease(db, actor, original.id, build(
        LeaseTransfer, room_id=flow.rooms["3B-A"], transfer_date="2025-05-01"))
    old = leasing.get_lease(db, actor, original.id)
    assert (old.status, old.lease_end) == ("ended", date(2025, 4, 30))
    assert moved.room_id == flow.rooms["3B-A"]
    assert (moved.lease_start, moved.lease_end) == (date(2025, 5, 1), date(2025, 12, 31))
    assert moved.rent_amount == Decimal("900.00")
    assert moved.deposit_amount == Decimal("750.00")
    assert moved.previous_lease_id == original.id
    # room B is free from the transfer date
    lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Ann"), date(2025, 5, 1))


def test_transfer_into_a_taken_room_changes_nothing(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 1, 1))
    mike = lease(db, actor, flow.rooms["3B-B"], tenant(db, actor, "Mike"), date(2025, 1, 1))
    before = snapshot(db)
    with pytest.raises(ConflictError):
        leasing.transfer_lease(db, actor, mike.id, build(
            LeaseTransfer, room_id=flow.rooms["3B-A"], transfer_date="2025-05-01"))
    assert snapshot(db) == before


def test_cancelled_lease_frees_the_bed_and_stays_in_history(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    wrong = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 1, 1))
    leasing.cancel_lease(db, actor, wrong.id, "entered in the wrong room")
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Mike"), date(2025, 1, 1))
    rows = leasing.list_leases(db, actor, leasing.LeaseFilter(room_id=flow.rooms["3B-A"],
                                                       include_cancelled=True))
    assert sorted(r.status for r in rows) == ["active", "cancelled"]


def test_free_rooms_lists_rooms_with_a_free_bed(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 1, 1))
    free = dict(leasing.free_rooms(db, actor, date(2025, 6, 1), None, unit_id=flow.unit_3b))
    assert set(free) == {flow.rooms["3B-B"], flow.rooms["3B-C"], flow.rooms["3B-D"]}


def test_twenty_clerks_booking_one_room_get_one_lease(db: Database, actor: Actor) -> None:
    """The race: 20 threads book the same room for overlapping dates; exactly one wins."""
    flow = flow_41(db, actor)
    room = flow.rooms["3B-A"]
    people = [tenant(db, actor, f"Clerk{i}") for i in range(20)]
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(index: int) -> None:
        barrier.wait()
        try:
            lease(db, actor, room, people[index], date(2026, 1, 1 + index % 10), date(2026, 6, 30))
            result = "won"
        except ConflictError:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 19 + ["won"]
    assert len(leasing.list_leases(db, actor, leasing.LeaseFilter(room_id=room))) == 1


def test_a_writer_blocked_by_another_gets_a_conflict(db: Database, actor: Actor) -> None:
    """Two clerks collide (a lock wait gives up, a deadlock): a clear conflict, nothing written."""
    flow = flow_41(db, actor)
    sarah = tenant(db, actor, "Sarah")
    before = snapshot(db)
    if db.is_sqlite:
        blocker = sqlite3.connect(str(db.url.database), isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another clerk's write transaction
        release = blocker.close
    else:
        connection = db.engine.connect()
        connection.exec_driver_sql(
            f"SELECT id FROM rooms WHERE id = '{flow.rooms['3B-A']}' FOR UPDATE")
        release = connection.close
    try:
        fast = Database(db.url, _impatient_engine(db))
        with pytest.raises(ConflictError, match="at the same moment"):
            lease(fast, actor, flow.rooms["3B-A"], sarah, date(2026, 1, 1))
        fast.dispose()
    finally:
        release()
    assert snapshot(db) == before


def _impatient_engine(db: Database) -> Any:
    """An engine on the same database that gives up on a lock at once."""
    from sqlalchemy import event

    from coliv_desktop.db.engine import make_engine

    engine = make_engine(db.url)
    if db.is_sqlite:
        @event.listens_for(engine, "connect")
        def no_wait(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=50")
    else:
        @event.listens_for(engine, "connect")
        def lock_timeout(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '50ms'")
    return engine
