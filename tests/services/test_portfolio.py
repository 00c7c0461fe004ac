"""Properties, units, rooms: the seed's flow 4.1, edits, archiving, and bad input."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AuditEntry
from coliv_desktop.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from coliv_desktop.schemas import build
from coliv_desktop.schemas import portfolio as portfolio_schemas
from coliv_desktop.schemas.portfolio import PropertyUpdate, RoomCreate, RoomUpdate, UnitCreate
from coliv_desktop.services import dashboard, portability, portfolio
from coliv_desktop.services.context import Actor
from tests.builders import OWNER, flow_41, lease, tenant


def snapshot(db: Database) -> str:
    return portability.dumps(portability.export_data(db, OWNER))


def test_flow_41_dashboard(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    board = dashboard.dashboard(db, actor, date(2025, 11, 1))
    (loft,) = board.properties
    assert loft.name == "Downtown Loft"
    units = {u.number: u for u in loft.units}
    assert units["3B"].rooms_total == 4
    assert units["3B"].rooms_occupied == 0
    assert units["3B"].revenue_potential == Decimal("3250.00")
    assert units["3A"].rooms_total == 3
    assert (board.rooms_occupied, board.rooms_total) == (0, 7)
    assert board.occupancy_rate == Decimal("0.0")
    assert portfolio.get_property(db, actor, flow.property_id).amenities == ["gym", "rooftop",
                                                                             "coworking"]


def test_occupancy_counts_leases_active_that_day(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    sarah = tenant(db, actor, "Sarah")
    lease(db, actor, flow.rooms["3B-A"], sarah, date(2025, 12, 1), date(2026, 5, 31))
    assert dashboard.dashboard(db, actor, date(2025, 11, 30)).rooms_occupied == 0
    on_day = dashboard.dashboard(db, actor, date(2025, 12, 1))
    assert on_day.rooms_occupied == 1
    assert on_day.occupancy_rate == Decimal("14.3")  # 1 of 7 beds
    assert dashboard.dashboard(db, actor, date(2026, 5, 31)).rooms_occupied == 1
    assert dashboard.dashboard(db, actor, date(2026, 6, 1)).rooms_occupied == 0


def test_shared_room_revenue_is_rent_times_beds(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    portfolio.add_room(db, actor, build(RoomCreate, unit_id=flow.unit_3a, room_number="D",
                                        room_type="shared", beds=3, rent_amount="450"))
    units = {u.number: u for u in dashboard.dashboard(db, actor).properties[0].units}
    assert units["3A"].revenue_potential == Decimal("3450.00")  # 3 x 700 + 3 x 450
    assert units["3A"].beds_total == 6


def test_every_write_is_audited_in_its_transaction(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    portfolio.update_room(db, actor, flow.rooms["3B-B"], build(RoomUpdate, rent_amount="775"))
    with db.read() as s:
        entries = s.scalars(select(AuditEntry).where(
            AuditEntry.entity_id == str(flow.rooms["3B-B"])).order_by(AuditEntry.occurred_at)).all()
        assert [e.action for e in entries] == ["create", "update"]
        assert entries[1].changes == {"rent_amount": ["750.00", "775.00"]}
        assert entries[1].actor_name == actor.name


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(dict(rent_amount="-5"), id="negative rent"),
        pytest.param(dict(unit_id=uuid.UUID(int=7)), id="unknown unit"),
        pytest.param(dict(room_number="A"), id="duplicate room number"),
        pytest.param(dict(rent_amount="12.345"), id="fractional cents"),
        pytest.param(dict(room_type="private", beds=2), id="private room with two beds"),
    ],
)
def test_bad_room_input_names_the_field_and_changes_nothing(
    db: Database, actor: Actor, bad: dict[str, object]
) -> None:
    flow = flow_41(db, actor)
    before = snapshot(db)
    fields = dict(unit_id=flow.unit_3b, room_number="E", rent_amount="500") | bad
    with pytest.raises(ValidationError) as error:
        portfolio.add_room(db, actor, build(RoomCreate, **fields))
    assert error.value.field in {"rent_amount", "unit_id", "room_number", "beds"}
    assert snapshot(db) == before


def test_batch_of_rooms_is_all_or_nothing(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    before = snapshot(db)
    rows = [build(RoomCreate, unit_id=flow.unit_3a, room_number=n, rent_amount="600")
            for n in ["D", "E", "D"]]
    with pytest.raises(ValidationError) as error:
        portfolio.add_rooms(db, actor, rows)
    assert error.value.field == "rooms[2].room_number"
    assert snapshot(db) == before


def test_duplicate_unit_number_is_refused(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    with pytest.raises(ValidationError) as error:
        portfolio.add_unit(db, actor, build(UnitCreate, property_id=flow.property_id,
                                            unit_number="3B", bedrooms=1, bathrooms="1"))
    assert error.value.field == "unit_number"


def test_stale_edit_is_a_conflict(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    prop = portfolio.get_property(db, actor, flow.property_id)
    portfolio.update_property(db, actor, prop.id, build(PropertyUpdate, name="Loft One",
                                                        expected_version=prop.version))
    with pytest.raises(ConflictError):
        portfolio.update_property(db, actor, prop.id, build(PropertyUpdate, name="Loft Two",
                                                            expected_version=prop.version))
    assert portfolio.get_property(db, actor, prop.id).name == "Loft One"


def test_room_with_history_is_archived_never_deleted(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    tom = tenant(db, actor, "Tom")
    lease(db, actor, flow.rooms["3B-D"], tom, date(2024, 1, 1), date(2024, 6, 30))
    with pytest.raises(ConflictError, match="archived, never deleted"):
        portfolio.delete_room(db, actor, flow.rooms["3B-D"])
    archived = portfolio.set_room_archived(db, actor, flow.rooms["3B-D"], True)
    assert archived.archived_at is not None
    assert flow.rooms["3B-D"] not in {r.id for r in portfolio.list_rooms(db, actor, flow.unit_3b)}
    units = {u.number: u for u in dashboard.dashboard(db, actor).properties[0].units}
    assert units["3B"].rooms_total == 3
    # a room without history may go
    portfolio.delete_room(db, actor, flow.rooms["3B-C"])
    with pytest.raises(NotFoundError):
        portfolio.get_room(db, actor, flow.rooms["3B-C"])


def test_archiving_a_let_room_is_refused(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2020, 1, 1))
    with pytest.raises(ConflictError, match="current or upcoming lease"):
        portfolio.set_room_archived(db, actor, flow.rooms["3B-A"], True)
    with pytest.raises(ConflictError):
        portfolio.set_property_archived(db, actor, flow.property_id, True)


def test_viewer_may_not_write(db: Database, actor: Actor) -> None:
    viewer = Actor(actor.user_id, actor.operator_id, "Val", role="viewer")
    before = snapshot(db)
    with pytest.raises(PermissionDeniedError):
        flow_41(db, viewer)
    assert snapshot(db) == before


def test_shrinking_beds_below_a_leased_bed_is_refused(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    room = portfolio.add_room(db, actor, build(RoomCreate, unit_id=flow.unit_3a, room_number="S",
                                               room_type="shared", beds=3, rent_amount="400"))
    lease(db, actor, room.id, tenant(db, actor, "Ann"), date(2025, 1, 1), bed=3)
    with pytest.raises(ValidationError) as error:
        portfolio.update_room(db, actor, room.id, build(RoomUpdate, beds=2))
    assert error.value.field == "beds"


def test_audit_row_count_matches_writes(db: Database, actor: Actor) -> None:
    flow_41(db, actor)
    with db.read() as s:
        # 1 property + 2 units + 7 rooms
        assert s.scalar(select(func.count(AuditEntry.id))) == 10


def test_delete_rooms_is_all_or_nothing(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2020, 1, 1))
    before = portability.dumps(portability.export_data(db, actor))
    with pytest.raises(ConflictError, match="lease history"):
        portfolio.delete_rooms(db, actor, [flow.rooms["3B-D"], flow.rooms["3B-A"]])
    assert portability.dumps(portability.export_data(db, actor)) == before
    portfolio.delete_rooms(db, actor, [flow.rooms["3B-C"], flow.rooms["3B-D"]])
    numbers = {r.room_number for r in portfolio.list_rooms(db, actor, flow.unit_3b)}
    assert numbers == {"A", "B"}


def test_property_choices_list_live_properties_by_name(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    other = portfolio.add_property(db, actor, build(
        portfolio_schemas.PropertyCreate, name="Birch Court", address="2 Oak St",
        city="Austin", state="TX", zip="78701"))
    assert portfolio.property_choices(db, actor) == [(other.id, "Birch Court"),
                                              (flow.property_id, "Downtown Loft")]
    portfolio.set_property_archived(db, actor, other.id, True)
    assert portfolio.property_choices(db, actor) == [(flow.property_id, "Downtown Loft")]


def test_the_archive_lists_what_is_archived_and_restores_parents_first(
        db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    assert portfolio.archived_items(db, actor) == []
    portfolio.set_room_archived(db, actor, flow.rooms["3B-D"], True)
    portfolio.set_unit_archived(db, actor, flow.unit_3b, True)
    items = portfolio.archived_items(db, actor)
    assert [(i.kind, i.label) for i in items] == [
        ("unit", "Downtown Loft · unit 3B"), ("room", "Downtown Loft · room 3B-D")]
    with pytest.raises(ValidationError, match="unit 3B is archived; restore it first"):
        portfolio.set_room_archived(db, actor, flow.rooms["3B-D"], False)
    portfolio.set_unit_archived(db, actor, flow.unit_3b, False)
    portfolio.set_room_archived(db, actor, flow.rooms["3B-D"], False)
    assert portfolio.archived_items(db, actor) == []
    assert dashboard.dashboard(db, actor, date(2025, 11, 1)).rooms_total == 7
