"""The maintenance queue on both engines: status moves, response targets and overdue, the
room a request holds, costs and their recharge, the cost report, schedules, vendors and the
work order PDF."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.utils import ImageReader
from sqlalchemy import func, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AuditEntry, Charge, MaintenanceCost, Room
from coliv_desktop.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnknownReference,
    ValidationError,
)
from coliv_desktop.schemas import build
from coliv_desktop.schemas.maintenance import (
    CostCreate,
    RequestCreate,
    RequestUpdate,
    ScheduleCreate,
    VendorCreate,
    VendorUpdate,
)
from coliv_desktop.services import dashboard, leasing, ledger, maintenance, settings, vendors
from coliv_desktop.services.context import Actor
from tests.builders import Flow41, flow_41, lease, tenant

DAY = "2026-03-10"


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", DAY)


def on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setenv("COLIV_TODAY", day.isoformat())


def request(db: Database, actor: Actor, flow: Flow41, priority: str = "medium",
            room: str = "3A-A", **extra: object) -> uuid.UUID:
    return maintenance.add_request(db, actor, build(
        RequestCreate, room_id=flow.rooms[room], category="plumbing", priority=priority,
        title=f"Leak ({priority})", **extra)).id


uuid.UUID = __import__("uuid").UUID


def status(db: Database, actor: Actor, ident: uuid.UUID) -> str:
    return maintenance.get_request(db, actor, ident).status


def test_status_moves_allowed_refused_and_reopen(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    ident = request(db, actor, flow)
    with pytest.raises(ValidationError) as already:
        maintenance.move_request(db, actor, ident, "open")
    assert already.value.field == "to"
    maintenance.move_request(db, actor, ident, "in_progress")
    maintenance.move_request(db, actor, ident, "waiting_parts", "part ordered")
    with pytest.raises(ValidationError, match="cannot become open"):
        maintenance.move_request(db, actor, ident, "open")
    assert status(db, actor, ident) == "waiting_parts"  # a refused move writes nothing
    done = maintenance.move_request(db, actor, ident, "resolved", "washer replaced")
    assert done.resolution_notes == "washer replaced" and done.resolved_at is not None
    again = maintenance.move_request(db, actor, ident, "open", "drips again")
    assert again.status == "open" and again.resolved_at is None  # reopened
    maintenance.move_request(db, actor, ident, "resolved")
    maintenance.move_request(db, actor, ident, "closed")
    for to in ("open", "resolved", "in_progress"):
        with pytest.raises(ValidationError, match="final"):
            maintenance.move_request(db, actor, ident, to)
    with pytest.raises(ValidationError, match="must be one of"):
        maintenance.move_request(db, actor, ident, "finished")
    log = maintenance.request_log(db, actor, ident)
    moves = [(e.from_status, e.to_status) for e in log if e.action == "status"]
    assert moves == [("open", "in_progress"), ("in_progress", "waiting_parts"),
                     ("waiting_parts", "resolved"), ("resolved", "open"), ("open", "resolved"),
                     ("resolved", "closed")]
    assert log[0].action == "created" and log[0].to_status == "open"
    assert [e.note for e in log if e.action == "status"][1] == "part ordered"


def test_a_stale_edit_is_refused(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    ident = request(db, actor, flow)
    seen = maintenance.get_request(db, actor, ident)
    maintenance.move_request(db, actor, ident, "in_progress")
    with pytest.raises(ConflictError):
        maintenance.move_request(db, actor, ident, "resolved",
                                 expected_version=seen.version)
    with pytest.raises(NotFoundError):
        maintenance.move_request(db, actor, uuid.uuid4(), "resolved")


def test_due_by_follows_the_priority_targets_and_overdue_counts(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    flow = flow_41(db, actor)
    urgent = maintenance.get_request(db, actor, request(db, actor, flow, "urgent"))
    high = maintenance.get_request(db, actor, request(db, actor, flow, "high"))
    low = maintenance.get_request(db, actor, request(db, actor, flow, "low"))
    assert urgent.due_by.date() == date(2026, 3, 11)
    assert high.due_by.date() == date(2026, 3, 13)
    assert low.due_by.date() == date(2026, 3, 24)
    assert not any(r.overdue for r in maintenance.list_requests(db, actor))
    board = dashboard.dashboard(db, actor)
    assert (board.maintenance_open, board.maintenance_overdue) == (3, 0)

    on(monkeypatch, date(2026, 3, 14))  # urgent and high are late, low is not
    late = maintenance.list_requests(db, actor, overdue=True)
    assert {r.id for r in late} == {urgent.id, high.id}
    assert all(r.overdue for r in late)
    board = dashboard.dashboard(db, actor)
    assert (board.maintenance_open, board.maintenance_overdue) == (3, 2)
    maintenance.move_request(db, actor, high.id, "resolved")  # resolved is never overdue
    assert {r.id for r in maintenance.list_requests(db, actor, overdue=True)} == {urgent.id}
    board = dashboard.dashboard(db, actor)
    assert (board.maintenance_open, board.maintenance_overdue) == (2, 1)
    assert [r.id for r in maintenance.list_requests(db, actor, status="resolved")] == [high.id]
    assert maintenance.list_requests(db, actor, overdue=True, on=date(2026, 3, 10)) == []

    # a new priority moves the target, counted from the report
    low_now = maintenance.update_request(db, actor, low.id, RequestUpdate(priority="urgent"))
    assert low_now.due_by.date() == date(2026, 3, 11) and low_now.overdue

    on(monkeypatch, date(2026, 3, 10))
    settings.set_settings(db, actor, {"maintenance_days_medium": 2})
    medium = maintenance.get_request(db, actor, request(db, actor, flow, "medium"))
    assert medium.due_by.date() == date(2026, 3, 12)


def test_a_request_holds_its_room_until_resolved(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)

    def room_status() -> str:
        with db.read() as s:
            return s.get(Room, flow.rooms["3A-A"]).status  # type: ignore[union-attr]

    first = request(db, actor, flow, holds_room=True)
    second = request(db, actor, flow, "high", holds_room=True)
    request(db, actor, flow, "low")  # does not hold the room
    assert room_status() == "maintenance"
    maintenance.move_request(db, actor, first, "resolved")
    assert room_status() == "maintenance"  # the second still holds it
    maintenance.move_request(db, actor, second, "closed")
    assert room_status() == "available"
    maintenance.move_request(db, actor, first, "open")  # reopened: held again
    assert room_status() == "maintenance"
    maintenance.move_request(db, actor, first, "resolved")
    assert room_status() == "available"
    log = maintenance.request_log(db, actor, first)
    assert [e.action for e in log].count("room_released") == 1  # the first time, the second held it
    with pytest.raises(ValidationError) as refused:
        maintenance.add_request(db, actor, build(
            RequestCreate, unit_id=flow.unit_3a, category="pest", priority="low",
            title="Ants", holds_room=True))
    assert refused.value.field == "holds_room"


def test_the_place_of_a_request(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    common = maintenance.add_request(db, actor, build(
        RequestCreate, property_id=flow.property_id, category="cleaning", priority="low",
        title="Stairs"))
    assert (common.unit_id, common.room_id) == (None, None)
    room = maintenance.get_request(db, actor, request(db, actor, flow, room="3B-C"))
    assert (room.property_id, room.unit_id) == (flow.property_id, flow.unit_3b)
    with pytest.raises(ValidationError) as wrong:
        maintenance.add_request(db, actor, build(
            RequestCreate, unit_id=flow.unit_3a, room_id=flow.rooms["3B-A"],
            category="other", priority="low", title="Mismatch"))
    assert wrong.value.field == "unit_id"
    with pytest.raises(ValidationError) as nowhere:
        build(RequestCreate, category="other", priority="low", title="Nowhere")
    assert nowhere.value.field == "property_id"
    with pytest.raises(UnknownReference):
        maintenance.add_request(db, actor, build(
            RequestCreate, room_id=uuid.uuid4(), category="other",
            priority="low", title="Ghost"))
    sam = tenant(db, actor, "Sam", "Reporter")
    by_tenant = maintenance.get_request(db, actor, request(db, actor, flow, tenant_id=sam))
    assert by_tenant.reported_by == "Sam Reporter"
    assert [r.id for r in maintenance.list_requests(db, actor, property_id=flow.property_id,
                                                    status="open")][:1]


def _leased(db: Database, actor: Actor, flow: Flow41) -> uuid.UUID:
    who = tenant(db, actor, "Lee", "Renter")
    return lease(db, actor, flow.rooms["3A-A"], who, date(2026, 1, 1), date(2026, 12, 31)).id


def test_a_recharge_posts_exactly_one_charge(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease_id = _leased(db, actor, flow)
    ident = request(db, actor, flow)
    before = len(ledger.lease_ledger(db, actor, lease_id).charges)
    cost = maintenance.add_cost(db, actor, build(
        CostCreate, request_id=ident, amount="80.00", description="Broken window",
        kind="vendor_invoice", lease_id=lease_id))
    charges = ledger.lease_ledger(db, actor, lease_id).charges
    assert len(charges) == before + 1
    (charge,) = [c for c in charges if c.id == cost.charge_id]
    assert charge.amount == Decimal("80.00") and "Broken window" in charge.description
    assert charge.due_date == date(2026, 3, 10)
    plain = maintenance.add_cost(db, actor, build(
        CostCreate, request_id=ident, amount="20", description="Putty", kind="parts"))
    assert plain.charge_id is None
    assert len(ledger.lease_ledger(db, actor, lease_id).charges) == before + 1
    assert maintenance.get_request(db, actor, ident).cost == Decimal("100.00")
    assert [c.amount for c in maintenance.list_costs(db, actor, ident)] == [
        Decimal("80.00"), Decimal("20.00")]
    with db.read() as s:
        kinds = list(s.scalars(select(AuditEntry.entity_type)
                               .where(AuditEntry.entity_type.in_(("charge",
                                                                  "maintenance_cost")))))
    assert sorted(kinds) == ["charge", "maintenance_cost", "maintenance_cost"]


def _counts(db: Database) -> tuple[int, int]:
    with db.read() as s:
        return (s.scalar(select(func.count(MaintenanceCost.id))) or 0,
                s.scalar(select(func.count(Charge.id))) or 0)


def test_a_refused_recharge_writes_neither_cost_nor_charge(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease_id = _leased(db, actor, flow)
    ident = request(db, actor, flow)
    before = _counts(db)
    staff = Actor(actor.user_id, actor.operator_id, "Stan", "staff")
    with pytest.raises(PermissionDeniedError, match="ledger.write"):
        maintenance.add_cost(db, staff, build(CostCreate, request_id=ident, amount="50",
                                              description="Door", lease_id=lease_id))
    other = maintenance.add_request(db, actor, build(
        RequestCreate, property_id=flow.property_id, category="other", priority="low",
        title="Elsewhere"))
    with pytest.raises(UnknownReference):
        maintenance.add_cost(db, actor, build(CostCreate, request_id=ident, amount="50",
                                              description="Door",
                                              lease_id=uuid.uuid4()))
    leasing.cancel_lease(db, actor, lease_id, "Never moved in")
    with pytest.raises(ValidationError) as cancelled:
        maintenance.add_cost(db, actor, build(CostCreate, request_id=other.id, amount="50",
                                              description="Door", lease_id=lease_id))
    assert cancelled.value.field == "lease_id"
    assert _counts(db) == before
    # staff may record the property's own costs
    maintenance.add_cost(db, staff, build(CostCreate, request_id=ident, amount="5",
                                          description="Tape"))
    assert _counts(db) == (before[0] + 1, before[1])


def test_the_cost_report_by_property_and_month(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    lease_id = _leased(db, actor, flow)
    ident = request(db, actor, flow)
    for amount, day in [("100.10", "2026-02-03"), ("50.00", "2026-02-27"),
                        ("12.34", "2026-03-01")]:
        maintenance.add_cost(db, actor, build(CostCreate, request_id=ident, amount=amount,
                                              description="Work", incurred_on=day))
    maintenance.add_cost(db, actor, build(CostCreate, request_id=ident, amount="999",
                                          description="Recharged", lease_id=lease_id))
    rows = maintenance.cost_report(db, actor)
    assert [(r.property, r.month, r.total) for r in rows] == [
        ("Downtown Loft", "2026-02", Decimal("150.10")),
        ("Downtown Loft", "2026-03", Decimal("12.34"))]
    assert rows[0].property_id == flow.property_id
    march = maintenance.cost_report(db, actor, date(2026, 3, 1), date(2026, 3, 31))
    assert [r.total for r in march] == [Decimal("12.34")]


def test_schedules_are_idempotent_and_catch_up(db: Database, actor: Actor,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    flow = flow_41(db, actor)
    boiler = maintenance.add_schedule(db, actor, build(
        ScheduleCreate, property_id=flow.property_id, title="Boiler service",
        category="heating_cooling", every_months=1, next_due="2025-12-31"))
    first = maintenance.run_schedules(db, actor)
    # 2025-12-31, 2026-01-31, 2026-02-28 (shorter month); the next is March 31, after the 10th
    assert len(first.created) == 3
    made = maintenance.list_requests(db, actor)
    assert sorted(r.schedule_due for r in made) == [  # type: ignore[type-var]
        date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 28)]
    assert maintenance.list_schedules(db, actor)[0].next_due == date(2026, 3, 31)
    assert maintenance.run_schedules(db, actor).created == []  # twice: nothing new
    assert len(maintenance.list_requests(db, actor)) == 3
    on(monkeypatch, date(2026, 3, 31))
    assert len(maintenance.run_schedules(db, actor).created) == 1
    assert maintenance.run_schedules(db, actor).created == []
    maintenance.set_schedule_archived(db, actor, boiler.id, True)
    assert maintenance.list_schedules(db, actor) == []
    assert maintenance.run_schedules(db, actor, date(2026, 12, 31)).created == []
    assert len(maintenance.list_requests(db, actor)) == 4


def test_a_schedule_never_raises_a_period_twice(db: Database, actor: Actor) -> None:
    flow = flow_41(db, actor)
    schedule = maintenance.add_schedule(db, actor, build(
        ScheduleCreate, room_id=flow.rooms["3B-A"], title="Filter", category="other",
        every_months=6, next_due="2026-03-01", priority="low"))
    assert len(maintenance.run_schedules(db, actor).created) == 1
    with db.write() as s:  # next_due put back by hand: the (schedule, due) pair still holds
        from coliv_desktop.db.models import MaintenanceSchedule
        row = s.get(MaintenanceSchedule, schedule.id)
        assert row is not None
        row.next_due = date(2026, 3, 1)
    assert maintenance.run_schedules(db, actor).created == []
    assert maintenance.list_schedules(db, actor)[0].next_due == date(2026, 9, 1)


def test_vendors(db: Database, actor: Actor) -> None:
    plumber = vendors.add_vendor(db, actor, build(
        VendorCreate, name="Đặng Thị Mỹ", trade="Plumber", phone="555-0100",
        insurance_expiry="2027-01-31"))
    vendors.add_vendor(db, actor, build(VendorCreate, name="Able Electric",
                                        trade="electrician"))
    assert [v.name for v in vendors.list_vendors(db, actor)] == ["Able Electric", "Đặng Thị Mỹ"]
    assert [v.name for v in vendors.list_vendors(db, actor, trade="plumber")] == ["Đặng Thị Mỹ"]
    edited = vendors.update_vendor(db, actor, plumber.id, VendorUpdate(
        rates="$80/hour", expected_version=plumber.version))
    assert edited.rates == "$80/hour"
    with pytest.raises(ConflictError):
        vendors.update_vendor(db, actor, plumber.id, VendorUpdate(
            notes="x", expected_version=plumber.version))
    flow = flow_41(db, actor)
    ident = request(db, actor, flow)
    vendors.set_vendor_archived(db, actor, plumber.id, True)
    assert vendors.get_vendor(db, actor, plumber.id).archived_at is not None
    assert [v.name for v in vendors.list_vendors(db, actor)] == ["Able Electric"]
    with pytest.raises(ValidationError) as archived:
        maintenance.assign_request(db, actor, ident, plumber.id)
    assert archived.value.field == "vendor_id"
    vendors.set_vendor_archived(db, actor, plumber.id, False)
    maintenance.assign_request(db, actor, ident, plumber.id, date(2026, 3, 12))
    staffed = maintenance.assign_request(db, actor, ident, None, staff_id=actor.user_id)
    assert (staffed.vendor_id, staffed.assigned_to) == (None, actor.user_id)
    maintenance.assign_request(db, actor, ident, plumber.id, date(2026, 3, 12))
    assert [r.id for r in maintenance.list_requests(db, actor, vendor_id=plumber.id)] == [ident]


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "") for p in
                             PdfReader(io.BytesIO(pdf)).pages).split())


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_the_work_order_pdf(db: Database, actor: Actor, tmp_path: Path) -> None:
    flow = flow_41(db, actor)
    sam = tenant(db, actor, "王小明", "Trần")
    vendor = vendors.add_vendor(db, actor, build(VendorCreate, name="Đặng Thị Mỹ",
                                                 trade="Plumber", phone="555-0100"))
    ident = request(db, actor, flow, "urgent", room="3B-B", tenant_id=sam,
                    description="Water under the sink", access_notes="Key in the lockbox 4321")
    with pytest.raises(ConflictError, match="no vendor"):
        vendors.work_order_data(db, actor, ident)
    maintenance.assign_request(db, actor, ident, vendor.id, date(2026, 3, 11))
    photo = _png()
    assert ImageReader(io.BytesIO(photo)).getSize() == (40, 30)
    text = _pdf_text(vendors.work_order_pdf_bytes(db, actor, ident, [photo, b"not an image"]))
    for expected in ("Work order: Leak (urgent)", "To: Đặng Thị Mỹ (Plumber)", "URGENT",
                     "Downtown Loft", "123 Main St, Austin, TX 78701", "3B", "Room B",
                     "Key in the lockbox 4321", "Water under the sink", "March 11, 2026",
                     "1 attached file(s) could not be shown"):
        assert expected in text, expected
    assert "Trần" not in text  # the tenant is named only when the settings say so
    settings.set_settings(db, actor, {"work_order_tenant_contact": "yes"})
    path = vendors.work_order_pdf(db, actor, ident, tmp_path / "orders" / "wo.pdf")
    text = _pdf_text(path.read_bytes())
    assert "Tenant to contact" in text and "Trần" in text
    # DejaVu Sans has no CJK glyphs: the name prints as boxes, with the note saying so
    assert "U+738B" in text


def test_the_work_order_carries_the_requests_attached_photos(db: Database, actor: Actor,
                                                              tmp_path: Path) -> None:
    """`coliv work-order` and the window print the same: the request's own photos."""
    from coliv_desktop.services import attachments

    flow = flow_41(db, actor)
    vendor = vendors.add_vendor(db, actor, build(VendorCreate, name="Rapid", trade="Plumber"))
    ident = request(db, actor, flow)
    maintenance.assign_request(db, actor, ident, vendor.id)
    bare = PdfReader(io.BytesIO(vendors.work_order_pdf_bytes(db, actor, ident)))
    assert not bare.pages[0].images
    attachments.attach_document(db, actor, "maintenance", ident, "leak.png", _png())
    attachments.attach_document(db, actor, "maintenance", ident, "invoice.pdf", b"%PDF-1.4")
    path = vendors.work_order_pdf(db, actor, ident, tmp_path / "wo.pdf")
    page = PdfReader(str(path)).pages[0]
    assert len(page.images) == 1  # the photo; the PDF is not an image for the vendor


def test_export_and_import_carry_the_queue(db: Database, actor: Actor, tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    from coliv_desktop.db.migrate import open_database
    from coliv_desktop.services import portability
    from coliv_desktop.services.context import local_actor

    flow = flow_41(db, actor)
    lease_id = _leased(db, actor, flow)
    vendor = vendors.add_vendor(db, actor, build(VendorCreate, name="Đặng Thị Mỹ",
                                                 trade="plumber"))
    ident = request(db, actor, flow, holds_room=True)
    maintenance.assign_request(db, actor, ident, vendor.id)
    maintenance.move_request(db, actor, ident, "in_progress", "started")
    maintenance.add_cost(db, actor, build(CostCreate, request_id=ident, amount="12",
                                          description="Part", lease_id=lease_id))
    maintenance.add_schedule(db, actor, build(
        ScheduleCreate, property_id=flow.property_id, title="Boiler", category="other",
        every_months=12, next_due="2026-01-01"))
    maintenance.run_schedules(db, actor)
    original = portability.dumps(portability.export_data(db, actor))
    target = open_database(make_url(f"sqlite:///{tmp_path / 'copy.db'}"), create=True)
    try:
        portability.import_data(target, local_actor(target), portability.export_data(db, actor))
        assert portability.dumps(portability.export_data(target, actor)) == original
        copied = maintenance.get_request(target, actor, ident)
        assert (copied.status, copied.vendor_id, copied.cost) == (
            "in_progress", vendor.id, Decimal("12.00"))
        assert len(maintenance.request_log(target, actor, ident)) == len(
            maintenance.request_log(db, actor, ident))
        assert len(maintenance.list_requests(target, actor)) == 2
        assert maintenance.run_schedules(target, actor).created == []
    finally:
        target.dispose()
