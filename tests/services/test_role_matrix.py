"""Issue 13 item 2: every public service function, called as every role.

A public service function is a module-level function of `coliv_desktop.services` whose name
has no leading underscore and which takes the book (`db`, or its `url` with the `actor` for a
restore). The helpers that take an open `Session` run inside a call already checked;
the pure ones (parsing, formatting) touch no book. The few that run before anyone has signed
in are listed in `BEFORE_SIGN_IN`, each with its reason.

Each function is called on a copy of the demo book as an actor with no permission at all
(which every function must refuse: one that does not has no check, and fails here), then as
each role: a role the permission table allows must succeed (or meet one of the refusals
the demo's data explains, `REFUSED_BY_THE_DATA`), the others must get a PermissionDeniedError
and write nothing, as seen from the SQL sent.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyotp
import pytest
from sqlalchemy import event, make_url, select
from sqlalchemy.engine import URL

import coliv_desktop.services as services_package
from coliv_desktop.db import crypto
from coliv_desktop.db import models as m
from coliv_desktop.db.engine import Database
from coliv_desktop.db.migrate import open_database
from coliv_desktop.domain.errors import ColivError, PermissionDeniedError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.applications import ApplicationCreate, ApplicationUpdate
from coliv_desktop.schemas.deposits import DispositionCreate
from coliv_desktop.schemas.late_fees import LateFeeRuleIn
from coliv_desktop.schemas.leasing import LeaseCreate, LeaseRenewal, LeaseTransfer
from coliv_desktop.schemas.ledger import ChargeCreate, CreditCreate, PaymentCreate
from coliv_desktop.schemas.operator import OperatorProfileUpdate
from coliv_desktop.schemas.overview import ContactCreate
from coliv_desktop.schemas.people import TenantCreate, TenantUpdate
from coliv_desktop.schemas.portfolio import (
    PropertyCreate,
    PropertyUpdate,
    RoomCreate,
    RoomUpdate,
    UnitCreate,
    UnitUpdate,
)
from coliv_desktop.schemas.utilities import UtilityBillIn
from coliv_desktop.services import (
    applications,
    backups,
    leasing,
    matching,
    placement,
    portability,
    portfolio,
    protection,
    tenants,
    users,
)
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import PERMISSIONS, ROLES, Actor
from coliv_desktop.services.databases import open_demo
from coliv_desktop.services.ledger_list import LedgerQuery
from tests.services import matrix_books

DAY = today()
SECRET = pyotp.random_base32()
PROFILE = {"sleep_schedule": "flexible", "cleanliness": 3, "noise_tolerance": "moderate",
           "social_preference": "sometimes_social"}
PASSWORD = "Matrix-pass-1"

# Run before a book is open or anyone has signed in: nobody to check yet.
BEFORE_SIGN_IN = {
    "databases.close": "lets go of the connection, reads nothing",
    "connection.ping": "asks the server for SELECT 1, nothing of the book",
    "connection.unreachable": "classifies a connection error, reads nothing",
    "users.needs_sign_in": "says whether the sign-in dialog is needed, before it",
    "users.sign_in": "is the sign-in itself: checks the password, audits failures",
    "context.local_actor": "is who acts in a book without passwords",
    "context.require_writable": "the read-only test `writing` itself makes",
    "context.database_label": "names the book's file or server address in messages",
    "context.writing": "is the check",
    "context.reading": "is the check",
}

# Allowed, but the demo's data makes the service refuse, for the reason given (the refusal
# must then be a ColivError other than a permission refusal).
REFUSED_BY_THE_DATA: dict[str, str] = {
    "lease_undo.reopen_lease": "undoes an ended lease's move-out made by this desk",
    "lease_undo.remove_renewal": "undoes a renewal, which the demo's leases have not had",
    "lease_undo.undo_transfer": "undoes a transfer, which the demo's leases have not had",
    "lease_undo.uncancel_lease": "undoes a cancellation; the demo cancelled no lease",
    "hardening.harden": "creates PostgreSQL roles; a SQLite file has none",
    "demo.load_demo": "loads the demo into an empty book only",
    "portability.import_data": "imports into an empty book only",
    "portability.import_file": "imports into an empty book only",
}


def public_service_functions() -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for info in pkgutil.iter_modules(services_package.__path__):
        module = importlib.import_module(f"coliv_desktop.services.{info.name}")
        for name, function in vars(module).items():
            if (name.startswith("_") or not inspect.isfunction(function)
                    or function.__module__ != module.__name__):
                continue
            params = inspect.signature(function).parameters
            kinds = {str(p.annotation) for p in params.values()}
            if ("Database" in kinds or "Database | None" in kinds
                    or ("URL" in kinds and "actor" in params)):
                found.append((f"{info.name}.{name}", function))
    return sorted(found, key=lambda pair: pair[0])


@dataclass
class Book:
    """What the demo book holds, by the names service parameters use."""

    template: Path
    users: dict[str, uuid.UUID] = field(default_factory=dict)  # role -> user id
    operator_id: uuid.UUID | None = None
    ids: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    """The demo book, with a user of each role and a row in each state some call needs."""
    folder = tmp_path_factory.mktemp("matrix")
    path = folder / "demo.db"
    opened = open_demo(make_url(f"sqlite:///{path}"))
    db, owner = opened.db, opened.actor
    result = Book(template=path, operator_id=owner.operator_id)
    result.users["owner"] = owner.user_id  # type: ignore[assignment]
    users.reset_password(db, owner, owner.name, PASSWORD)
    for role in ROLES:
        if role != "owner":
            result.users[role] = users.add_user(db, owner, f"{role}-user", role, PASSWORD).id
    users.add_user(db, owner, "target-user", "staff", PASSWORD)  # whom user calls act on
    ids = result.ids
    ids["book_id"], ids["key"] = protection.book_key(db, owner)
    with db.read() as s:
        active = list(s.scalars(select(m.Lease).where(m.Lease.status == "active")
                                .order_by(m.Lease.lease_start)))
        let = select(m.Lease.room_id).where(m.Lease.status == "active")
        free = list(s.scalars(select(m.Room.id).where(m.Room.id.not_in(let))
                              .order_by(m.Room.room_number)))
        pending = list(s.scalars(select(m.Application.id).where(
            m.Application.status == "pending").order_by(m.Application.id)))
        ids["settled"] = s.scalars(select(m.DepositDisposition.lease_id)).first()
    assert len(active) > 2 and len(free) >= 3 and len(pending) >= 3
    lease = next(row for row in active
                 if row.lease_end is None or row.lease_end > DAY + timedelta(days=90))
    ids.update(lease=lease.id, tenant=lease.tenant_id, room=lease.room_id,
               free_room=free[2], application=pending[0])
    with db.read() as s:
        room = s.get(m.Room, lease.room_id)
        assert room is not None
        unit = s.get(m.Unit, room.unit_id)
        assert unit is not None
        ids.update(unit=unit.id, property=unit.property_id)
        ids["payment"] = s.scalars(select(m.Payment.id).where(
            m.Payment.lease_id == lease.id).order_by(m.Payment.received_on)).first()
        ids["charge"] = s.scalars(select(m.Charge.id).where(
            m.Charge.lease_id == lease.id).order_by(m.Charge.due_date)).first()
        ids["bill"] = s.scalars(select(m.UtilityBill.id)).first()
        ids["reminder"] = s.scalars(select(m.Reminder.id)).first()
    ids["approved"] = pending[1]
    placement.approve_application(db, owner, pending[1],
                                  placement.ApprovalInput(room_id=free[0]), force=True)
    ids["withdrawn"] = pending[2]
    applications.withdraw_application(db, owner, pending[2])
    ended = next(row for row in active if row.id != lease.id)
    ids["ended"] = ended.id
    leasing.end_lease(db, owner, ended.id, DAY - timedelta(days=1))
    loner = tenants.add_tenant(db, owner, build(TenantCreate, first_name="Lone",
                                                last_name="Tenant", email="lone@example.com"))
    ids["erasable"] = tenants.add_tenant(db, owner, build(
        TenantCreate, first_name="Gone", last_name="Person", email="gone@example.com")).id
    ids["future"] = leasing.create_lease(db, owner, build(
        LeaseCreate, room_id=free[1], tenant_id=loner.id,
        lease_start=DAY + timedelta(days=200), lease_end=DAY + timedelta(days=300))).id
    empty = portfolio.add_property(db, owner, build(
        PropertyCreate, name="Empty House", address="2 Test St", city="Austin", state="TX",
        zip="78701"))
    empty_unit = portfolio.add_unit(db, owner, build(
        UnitCreate, property_id=empty.id, unit_number="E1", bedrooms=2, bathrooms="1"))
    rooms = portfolio.add_rooms(db, owner, [
        build(RoomCreate, unit_id=empty_unit.id, room_number=n, rent_amount="500") for n in "AB"])
    ids.update(empty_property=empty.id, empty_unit=empty_unit.id, empty_room=rooms[0].id,
               empty_room_2=rooms[1].id)
    maintenance_rows(db, owner, ids)
    community_rows(db, owner, ids)
    document_rows(db, owner, ids)
    for hook in matrix_books.HOOKS:
        hook.rows(db, owner, ids)
    ids["export"] = folder / "export.json"
    portability.export_file(db, owner, ids["export"])
    ids["document"] = portability.export_data(db, owner)
    ids["backup"] = folder / "copy.db"
    backups.backup_to(db, owner, ids["backup"])
    db.dispose()
    return result


# --- the rows and arguments of each capability's services, kept apart so they grow alone ---

def maintenance_rows(db: Database, owner: Actor, ids: dict[str, Any]) -> None:
    """Vendors, maintenance requests, costs and schedules (services.vendors/maintenance)."""
    from coliv_desktop.schemas.maintenance import (
        CostCreate,
        RequestCreate,
        ScheduleCreate,
        VendorCreate,
    )
    from coliv_desktop.services import maintenance, vendors

    ids["vendor"] = vendors.add_vendor(db, owner, build(
        VendorCreate, name="Matrix Plumbing", trade="plumber")).id
    request = maintenance.add_request(db, owner, build(
        RequestCreate, room_id=ids["room"], category="plumbing", priority="high",
        title="Matrix leak", tenant_id=ids["tenant"]))
    ids["request"] = request.id
    maintenance.assign_request(db, owner, request.id, ids["vendor"])
    maintenance.add_cost(db, owner, build(CostCreate, request_id=request.id, amount="30",
                                          description="Washer"))
    ids["schedule"] = maintenance.add_schedule(db, owner, build(
        ScheduleCreate, property_id=ids["property"], title="Matrix boiler",
        category="heating_cooling", every_months=12, next_due=DAY.isoformat())).id


def community_rows(db: Database, owner: Actor, ids: dict[str, Any]) -> None:
    """Announcements, events and RSVPs, posts, conflicts (services.community/conflicts)."""
    from coliv_desktop.schemas.community import (
        AnnouncementCreate,
        ConflictCreate,
        EventCreate,
        PostCreate,
    )
    from coliv_desktop.services import community, conflicts

    ids["announcement"] = community.add_announcement(db, owner, build(
        AnnouncementCreate, property_id=ids["property"], title="Matrix notice",
        message="Hello")).id
    ids["event"] = community.add_event(db, owner, build(
        EventCreate, property_id=ids["property"], title="Matrix party",
        date_time=f"{DAY + timedelta(days=5)} 19:00", max_attendees=5)).id
    community.rsvp(db, owner, ids["event"], ids["tenant"], "going")
    post = community.add_post(db, owner, build(PostCreate, property_id=ids["property"],
                                               content="Matrix post"))
    ids["post"] = post.id
    with db.read() as s:  # two tenants living in one unit, for a conflict between them
        living = s.execute(
            select(m.Room.unit_id, m.Lease.tenant_id).join(m.Room, m.Room.id == m.Lease.room_id)
            .where(m.Lease.status == "active",
                   (m.Lease.lease_end.is_(None)) | (m.Lease.lease_end >= DAY))
            .order_by(m.Room.unit_id, m.Lease.lease_start, m.Lease.id)).all()
    by_unit: dict[uuid.UUID, list[uuid.UUID]] = {}
    for unit_id, tenant_id in living:
        if tenant_id not in by_unit.setdefault(unit_id, []):
            by_unit[unit_id].append(tenant_id)
    unit, parties = next((u, t[:2]) for u, t in by_unit.items() if len(t) >= 2)
    ids["conflict_unit"], ids["conflict_parties"] = unit, parties
    ids["conflict"] = conflicts.report_conflict(db, owner, build(
        ConflictCreate, unit_id=unit, parties=parties, conflict_type="noise", severity="low",
        description="Matrix conflict")).id


def document_rows(db: Database, owner: Actor, ids: dict[str, Any]) -> None:
    """Attached documents (services.attachments)."""
    from coliv_desktop.services import attachments

    ids["tenant_document"] = attachments.attach_document(
        db, owner, "tenant", ids["tenant"], "matrix-id.pdf", b"%PDF-1.4 matrix").id


def _document_file(out: Path) -> Path:
    path = out / "matrix-upload.txt"
    path.write_bytes(b"attached by the role matrix")
    return path


# parameter name -> value from (ids, out folder); checked before the general `by_name` below
MAINTENANCE_ARGS: dict[str, Callable[[dict[str, Any], Path], Any]] = {
    "request_id": lambda ids, out: ids["request"],
    "vendor_id": lambda ids, out: ids["vendor"],
    "schedule_id": lambda ids, out: ids["schedule"],
    "to": lambda ids, out: "in_progress",
}
COMMUNITY_ARGS: dict[str, Callable[[dict[str, Any], Path], Any]] = {
    "announcement_id": lambda ids, out: ids["announcement"],
    "event_id": lambda ids, out: ids["event"],
    "post_id": lambda ids, out: ids["post"],
    "conflict_id": lambda ids, out: ids["conflict"],
    "answer": lambda ids, out: "maybe",
    "attended": lambda ids, out: True,
    "text": lambda ids, out: "Matrix note",
    "to_status": lambda ids, out: "mediating",
    "tenant_ids": lambda ids, out: list(ids["conflict_parties"]),
}
DOCUMENT_ARGS: dict[str, Callable[[dict[str, Any], Path], Any]] = {
    "owner_kind": lambda ids, out: "tenant", "owner_id": lambda ids, out: ids["tenant"],
    "file_name": lambda ids, out: "matrix.pdf", "content": lambda ids, out: b"%PDF-matrix",
    "document_id": lambda ids, out: ids["tenant_document"],
    "file_path": lambda ids, out: _document_file(out),
}
# schema class name -> an instance, from ids (the `data` parameters)
MAINTENANCE_DATA: dict[str, Callable[[dict[str, Any]], Any]] = {
    "VendorCreate": lambda ids: _maintenance_schema(
        "VendorCreate", name="Matrix Electric", trade="electrician"),
    "VendorUpdate": lambda ids: _maintenance_schema("VendorUpdate", rates="$70/hour"),
    "RequestCreate": lambda ids: _maintenance_schema(
        "RequestCreate", room_id=ids["room"], category="pest", priority="urgent",
        title="Matrix ants", holds_room=True),
    "RequestUpdate": lambda ids: _maintenance_schema("RequestUpdate", priority="urgent"),
    # recharged to the lease in the request's property: needs "ledger.write" too
    "CostCreate": lambda ids: _maintenance_schema(
        "CostCreate", request_id=ids["request"], amount="45", description="Door",
        lease_id=ids["lease"]),
    "ScheduleCreate": lambda ids: _maintenance_schema(
        "ScheduleCreate", unit_id=ids["unit"], title="Matrix filters", category="other",
        every_months=6, next_due=DAY.isoformat()),
}


def _maintenance_schema(schema: str, /, **values: Any) -> Any:
    from coliv_desktop.schemas import maintenance as schemas

    return build(getattr(schemas, schema), **values)


COMMUNITY_DATA: dict[str, Callable[[dict[str, Any]], Any]] = {
    "AnnouncementCreate": lambda ids: _community_schema(
        "AnnouncementCreate", property_id=ids["property"], title="Matrix", message="Text"),
    "AnnouncementUpdate": lambda ids: _community_schema("AnnouncementUpdate", pinned=True),
    "EventCreate": lambda ids: _community_schema(
        "EventCreate", property_id=ids["property"], title="Matrix event",
        date_time=f"{DAY + timedelta(days=9)} 18:00"),
    "EventUpdate": lambda ids: _community_schema("EventUpdate", max_attendees=6),
    "PostCreate": lambda ids: _community_schema("PostCreate", property_id=ids["property"],
                                                author_id=ids["tenant"], content="Hi"),
    "ConflictCreate": lambda ids: _community_schema(
        "ConflictCreate", unit_id=ids["conflict_unit"], parties=ids["conflict_parties"],
        conflict_type="guests", severity="medium", description="Matrix"),
    "ConflictUpdate": lambda ids: _community_schema("ConflictUpdate", severity="high"),
}


def _community_schema(name: str, **values: Any) -> Any:
    from coliv_desktop.schemas import community as schemas

    return build(getattr(schemas, name), **values)
DOCUMENT_DATA: dict[str, Callable[[dict[str, Any]], Any]] = {}


def actor_as(book: Book, role: str) -> Actor:
    if role == "nobody":
        return Actor(book.users["viewer"], book.operator_id, "nobody-user", "nobody")
    return Actor(book.users[role], book.operator_id, f"{role}-user", role)


def arguments(name: str, function: Callable[..., Any], db: Database, url: URL, actor: Actor,
              book: Book, out: Path) -> tuple[list[Any], dict[str, Any]]:
    """The arguments of one call: every parameter without a default, by its name (a new
    parameter name fails here, asking for a value)."""
    ids = book.ids
    lease, tenant, prop = ids["lease"], ids["tenant"], ids["property"]
    by_name: dict[str, Callable[[], Any]] = {
        "db": lambda: db, "url": lambda: url, "actor": lambda: actor,
        "lease_id": lambda: lease, "tenant_id": lambda: tenant, "room_id": lambda: ids["room"],
        "unit_id": lambda: ids["unit"], "property_id": lambda: prop,
        "payment_id": lambda: ids["payment"], "charge_id": lambda: ids["charge"],
        "bill_id": lambda: ids["bill"], "application_id": lambda: ids["application"],
        "payment_ids": lambda: [ids["payment"]], "reminder_ids": lambda: [ids["reminder"]],
        "ids": lambda: [ids["reminder"]], "room_ids": lambda: [ids["free_room"]],
        "start": lambda: DAY - timedelta(days=60), "end": lambda: DAY,
        "month": lambda: "2026-02", "day": lambda: DAY, "through": lambda: DAY,
        "move_out": lambda: DAY + timedelta(days=30), "lease_end": lambda: None,
        "out": lambda: out / ("file.csv" if name.endswith("_file") else "file.pdf"),
        "path": lambda: out / "export.json",
        "target": lambda: out / "backup.db", "folder": lambda: out,
        "source": lambda: ids["backup"], "reason": lambda: "Matrix test",
        "archived": lambda: True, "active": lambda: False, "amount": lambda: Decimal("10"),
        "q": lambda: LedgerQuery(), "status": lambda: "sent",
        "name": lambda: "target-user", "role": lambda: "staff", "password": lambda: PASSWORD,
        "new_password": lambda: "Another-pass-2", "old_password": lambda: PASSWORD,
        "property_ids": lambda: [prop], "secret": lambda: SECRET,
        "code": lambda: pyotp.TOTP(SECRET).now(), "key": lambda: "rent_due_day", "value": lambda: 3,
        "changes": lambda: {"rent_due_day": 3}, "settings": lambda: {"rent_due_day": 3},
        "permission": lambda: "read",
    }
    data: dict[str, Callable[[], Any]] = {
        "PropertyCreate": lambda: build(PropertyCreate, name="Matrix House",
                                        address="1 Test St", city="Austin", state="TX",
                                        zip="78701"),
        "PropertyUpdate": lambda: build(PropertyUpdate, name="Matrix House"),
        "UnitCreate": lambda: build(UnitCreate, property_id=prop, unit_number="M1",
                                    bedrooms=2, bathrooms="1"),
        "UnitUpdate": lambda: build(UnitUpdate, square_feet=999),
        "RoomCreate": lambda: build(RoomCreate, unit_id=ids["unit"], room_number="MX",
                                    rent_amount="600"),
        "RoomUpdate": lambda: build(RoomUpdate, rent_amount="650"),
        "TenantCreate": lambda: build(TenantCreate, first_name="Matrix", last_name="Person",
                                      email="matrix.person@example.com"),
        "TenantUpdate": lambda: build(TenantUpdate, phone="555-0101"),
        "ContactCreate": lambda: build(ContactCreate, tenant_id=tenant, kind="call",
                                       contact_date=DAY.isoformat(), summary="Called"),
        "LeaseCreate": lambda: build(LeaseCreate, room_id=ids["free_room"], tenant_id=tenant,
                                     lease_start=DAY + timedelta(days=400),
                                     lease_end=DAY + timedelta(days=700)),
        "LeaseRenewal": lambda: build(LeaseRenewal, new_end=(DAY + timedelta(days=800))
                                      .isoformat()),
        "LeaseTransfer": lambda: build(LeaseTransfer, room_id=ids["free_room"],
                                       transfer_date=DAY.isoformat()),
        "PaymentCreate": lambda: build(PaymentCreate, lease_id=lease, amount="10",
                                       received_on=DAY.isoformat(), method="cash"),
        "ChargeCreate": lambda: build(ChargeCreate, lease_id=lease, amount="25",
                                      due_date=DAY.isoformat(), description="Key"),
        "CreditCreate": lambda: build(CreditCreate, lease_id=lease, amount="10",
                                      received_on=DAY.isoformat(), reason="Goodwill"),
        "DispositionCreate": lambda: build(DispositionCreate, lease_id=lease,
                                           decided_on=DAY.isoformat()),
        "LateFeeRuleIn": lambda: build(LateFeeRuleIn, mode="flat", flat_amount="15"),
        "UtilityBillIn": lambda: build(UtilityBillIn, property_id=prop, unit_id=ids["unit"],
                                       provider="Power Co",
                                       period_start=(DAY - timedelta(days=60)).isoformat(),
                                       period_end=(DAY - timedelta(days=31)).isoformat(),
                                       amount="120.00", due_date=DAY.isoformat(),
                                       rule="equal"),
        "ApplicationCreate": lambda: build(ApplicationCreate, first_name="Ann",
                                           last_name="Plicant", email="ann@example.com",
                                           move_in_date=DAY.isoformat(),
                                           compatibility_profile=PROFILE),
        "ApplicationUpdate": lambda: ApplicationUpdate(notes="Matrix"),
        "ApprovalInput": lambda: placement.ApprovalInput(room_id=ids["free_room"]),
        "CompatibilityProfile": lambda: matching.parse_profile(PROFILE),
        "OperatorProfileUpdate": lambda: build(OperatorProfileUpdate,
                                               company_name="Matrix Co"),
    }
    plural = {"rows": {"tenants.add_tenants": "TenantCreate",
                       "applications.add_applications": "ApplicationCreate",
                       "ledger.record_payments": "PaymentCreate"},
              "rooms": {"portfolio.add_rooms": "RoomCreate"}}
    books_args = [hook.ARGS for hook in matrix_books.HOOKS]
    books_data = [hook.DATA for hook in matrix_books.HOOKS]
    for extra in (MAINTENANCE_ARGS, COMMUNITY_ARGS, DOCUMENT_ARGS, *books_args):
        for pname, make in extra.items():
            by_name[pname] = lambda make=make: make(ids, out)  # type: ignore[misc]
    for extra_data in (MAINTENANCE_DATA, COMMUNITY_DATA, DOCUMENT_DATA, *books_data):
        for cls, build_one in extra_data.items():
            data[cls] = lambda build_one=build_one: build_one(ids)  # type: ignore[misc]
    overrides = OVERRIDES.get(name, {})
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    if "force" in inspect.signature(function).parameters:
        kwargs["force"] = True  # a person's yes to a plausibility question: not a permission
    for param in inspect.signature(function).parameters.values():
        if param.default is not inspect.Parameter.empty or param.kind in (
                param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        pname = param.name
        if pname == "target" and param.annotation == "Database":
            value = open_database(make_url(f"sqlite:///{out / 'target.db'}"), create=True)
        elif pname == "source" and param.annotation == "Database":
            value = db
        elif pname == "url" and name == "portability.transfer_to":
            value = make_url(f"sqlite:///{out / 'target.db'}")
        elif pname in overrides:
            value = overrides[pname](ids)
        elif pname in plural:
            value = [data[plural[pname][name]]()]
        elif pname in ("data", "profile", "document", "spec", "leases", "lines"):
            annotation = str(param.annotation).split(" | ")[0]
            assert annotation in data, f"{name}: add a value for {pname}: {annotation}"
            value = data[annotation]()
        else:
            assert pname in by_name, f"{name}: add a value for its parameter {pname!r}"
            value = by_name[pname]()
        if param.kind == param.KEYWORD_ONLY:
            kwargs[pname] = value
        else:
            args.append(value)
    return args, kwargs


# Arguments some functions need in particular (by the demo's ids).
OVERRIDES: dict[str, dict[str, Callable[[dict[str, Any]], Any]]] = {
    "deposits.reverse_settlement": {"lease_id": lambda ids: ids["settled"]},
    "deposits.get_disposition": {"lease_id": lambda ids: ids["settled"]},
    "printing.deposit_letter_pdf": {"lease_id": lambda ids: ids["settled"]},
    "deposits.settle_deposit": {"data": lambda ids: build(
        DispositionCreate, lease_id=ids["ended"], decided_on=DAY.isoformat())},
    "deposits.preview_disposition": {"data": lambda ids: build(
        DispositionCreate, lease_id=ids["ended"], decided_on=DAY.isoformat())},
    "portfolio.set_room_archived": {"room_id": lambda ids: ids["empty_room"]},
    "leasing.cancel_lease": {"lease_id": lambda ids: ids["future"]},
    "portfolio.delete_room": {"room_id": lambda ids: ids["empty_room"]},
    "portfolio.delete_rooms": {"room_ids": lambda ids: [ids["empty_room_2"]]},
    "portfolio.set_property_archived": {"property_id": lambda ids: ids["empty_property"]},
    "portfolio.set_unit_archived": {"unit_id": lambda ids: ids["empty_unit"]},
    "protection.erase_tenant": {"tenant_id": lambda ids: ids["erasable"]},
    "protection.set_book_key": {"key": lambda ids: ids["key"]},
    "placement.undo_approval": {"application_id": lambda ids: ids["approved"]},
    "welcome.welcome_data": {"application_id": lambda ids: ids["approved"]},
    "welcome.welcome_pdf": {"application_id": lambda ids: ids["approved"]},
    "welcome.welcome_pdf_bytes": {"application_id": lambda ids: ids["approved"]},
    "applications.reopen_application": {"application_id": lambda ids: ids["withdrawn"]},
    "users.add_user": {"name": lambda ids: "new-user"},
    "portability.import_file": {"path": lambda ids: ids["export"]},
    "portability.import_data": {"document": lambda ids: ids["document"]},
    "placement.approve_plan": {
        "lines": lambda ids: [(ids["application"], ids["free_room"])]},
    "demo_ledger.load_ledger": {"spec": lambda ids: {}, "leases": lambda ids: {}},
}
for _hook in matrix_books.HOOKS:
    OVERRIDES.update(_hook.OVERRIDES)
    REFUSED_BY_THE_DATA.update(_hook.REFUSED_BY_THE_DATA)


class Desk:
    """A copy of the demo book, as one call sees it."""

    def __init__(self, book: Book, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "book.db"
        shutil.copy(book.template, self.path)
        self.url = make_url(f"sqlite:///{self.path}")
        crypto.store_keychain_key(book.ids["book_id"], book.ids["key"])
        self.db = Database(self.url)
        self.out = folder / "out"
        self.out.mkdir(exist_ok=True)
        self.writes: list[str] = []
        event.listen(self.db.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA", "SAVEPOINT",
                                                      "RELEASE", "BEGIN", "WITH")):
            self.writes.append(statement.split("\n")[0][:80])

    def fingerprint(self) -> bytes:
        """The book's bytes as the file holds them (what a write would change)."""
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    def close(self) -> None:
        self.db.dispose()


@dataclass
class Outcome:
    permissions: list[str]
    error: BaseException | None


def call(name: str, function: Callable[..., Any], desk: Desk, actor: Actor, book: Book,
         monkeypatch: pytest.MonkeyPatch) -> Outcome:
    asked: list[str] = []
    probed: list[str] = []  # asked with `may` first: what the call adapts to (not a refusal)
    original, original_may = Actor.require, Actor.may

    def require(self: Actor, permission: str) -> None:
        if permission not in probed:
            asked.append(permission)
        original(self, permission)

    def may(self: Actor, permission: str) -> bool:
        probed.append(permission)
        return original_may(self, permission)

    args, kwargs = arguments(name, function, desk.db, desk.url, actor, book, desk.out)
    with monkeypatch.context() as patch:
        patch.setattr(Actor, "require", require)
        patch.setattr(Actor, "may", may)
        try:
            result = function(*args, **kwargs)
            if inspect.isgenerator(result):
                raise AssertionError(f"{name} returned a context or generator: not a call")
        except ColivError as exc:
            return Outcome(asked, exc)
    return Outcome(asked, None)


FUNCTIONS = [pair for pair in public_service_functions() if pair[0] not in BEFORE_SIGN_IN]


def test_the_matrix_names_what_it_skips() -> None:
    """Every function skipped exists (a rename does not leave a stale exemption)."""
    names = {name for name, _ in public_service_functions()}
    assert set(BEFORE_SIGN_IN) - names == set()
    assert set(REFUSED_BY_THE_DATA) - names == set()
    assert len(FUNCTIONS) > 150


@pytest.mark.parametrize("name", [name for name, _ in FUNCTIONS])
def test_every_role_is_checked(name: str, book: Book, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    function = dict(FUNCTIONS)[name]
    shared = Desk(book, tmp_path / "shared")
    try:
        before = shared.fingerprint()
        nobody = call(name, function, shared, actor_as(book, "nobody"), book, monkeypatch)
        assert isinstance(nobody.error, PermissionDeniedError), (
            f"{name} ran for an actor with no permission at all: it checks nothing "
            f"({nobody.error!r})")
        assert shared.writes == [] and shared.fingerprint() == before, (
            f"{name} wrote before refusing: {shared.writes}")
        needed: set[str] = set()
        owner_desk = Desk(book, tmp_path / "owner")
        try:
            owner = call(name, function, owner_desk, actor_as(book, "owner"), book, monkeypatch)
        finally:
            owner_desk.close()
        needed = set(owner.permissions)
        assert needed, f"{name} asked for no permission"
        _check_allowed(name, owner)
        writes = any(not (p == "read" or p.endswith(".read")) for p in needed)
        for role in ROLES:
            if role == "owner":
                continue
            allowed = needed <= PERMISSIONS[role]
            desk = Desk(book, tmp_path / role) if allowed and writes else shared
            try:
                before = desk.fingerprint()
                outcome = call(name, function, desk, actor_as(book, role), book, monkeypatch)
                if allowed:
                    _check_allowed(name, outcome, role)
                else:
                    assert isinstance(outcome.error, PermissionDeniedError), (
                        f"{name} as {role} (without {sorted(needed - PERMISSIONS[role])}): "
                        f"{outcome.error!r}")
                    assert desk.writes == [] and desk.fingerprint() == before, (
                        f"{name} as {role} wrote before refusing: {desk.writes}")
            finally:
                if desk is not shared:
                    desk.close()
    finally:
        shared.close()


def _check_allowed(name: str, outcome: Outcome, role: str = "owner") -> None:
    if outcome.error is None:
        return
    assert not isinstance(outcome.error, PermissionDeniedError), (
        f"{name} refused {role}, whom the table allows {outcome.permissions}: {outcome.error}")
    assert name in REFUSED_BY_THE_DATA, f"{name} as {role} failed: {outcome.error!r}"


def test_a_new_unchecked_function_fails_the_matrix(book: Book, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """What the matrix does to a function that forgets its check: it runs for nobody."""
    from coliv_desktop.services import tenants

    def unchecked(db: Database, actor: Actor, tenant_id: uuid.UUID) -> str:
        with db.read() as s:
            row = s.get(m.Tenant, tenant_id)
            return row.first_name if row else ""

    desk = Desk(book, tmp_path)
    try:
        outcome = call("tenants.unchecked", unchecked, desk, actor_as(book, "nobody"), book,
                       monkeypatch)
    finally:
        desk.close()
    assert outcome.error is None and outcome.permissions == []
    assert tenants.get_tenant is not unchecked
