"""`coliv init|demo|property|unit|room|tenant|lease|dashboard`.

Every list has `--json` (ids as strings, money as "900.00"), so a script finds again what it
made without having copied the id at creation."""

from __future__ import annotations

import argparse
import json
import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from coliv_desktop import config
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import money_str
from coliv_desktop.schemas import build
from coliv_desktop.schemas.dashboard import Dashboard, Occupancy
from coliv_desktop.schemas.leasing import LeaseCreate, LeaseRenewal, LeaseTransfer
from coliv_desktop.schemas.people import TenantCreate
from coliv_desktop.schemas.portfolio import PropertyCreate, RoomCreate, UnitCreate
from coliv_desktop.services import dashboard as dashboard_service
from coliv_desktop.services import demo, leasing, overview, portfolio, tenants

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an id (a UUID)") from None


def _drop_none(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _day_text(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def cmd_init(args: argparse.Namespace, ctx: CliContext) -> None:
    _ = ctx.actor  # opens (creating or upgrading) the database and its owner
    read_only = " (read-only)" if ctx.db.read_only else ""
    print(f"database ready: {config.display_url(ctx.url)}{read_only}")


def cmd_demo(args: argparse.Namespace, ctx: CliContext) -> None:
    counts = demo.load_demo(ctx.db, ctx.actor)
    print("loaded the demo portfolio: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


def cmd_property_add(args: argparse.Namespace, ctx: CliContext) -> None:
    amenities = [a.strip() for a in (args.amenities or "").split(",") if a.strip()]
    data = build(PropertyCreate, name=args.name, address=args.address, city=args.city,
                 state=args.state, zip=args.zip, amenities=amenities,
                 house_rules=args.house_rules)
    print(portfolio.add_property(ctx.db, ctx.actor, data).id)


def cmd_property_list(args: argparse.Namespace, ctx: CliContext) -> None:
    found = portfolio.list_properties(ctx.db, ctx.actor, include_archived=args.all)
    if args.json:
        print_json([{"id": str(p.id), "name": p.name, "address": p.address, "city": p.city,
                     "state": p.state, "zip": p.zip, "amenities": p.amenities,
                     "house_rules": p.house_rules, "archived": p.archived_at is not None}
                    for p in found])
        return
    for prop in found:
        flag = " (archived)" if prop.archived_at else ""
        print(f"{prop.id}  {prop.name}, {prop.address}, {prop.city}{flag}")


def cmd_unit_list(args: argparse.Namespace, ctx: CliContext) -> None:
    if args.property is not None:
        portfolio.get_property(ctx.db, ctx.actor, args.property)  # an unknown id is "not found"
    names = {p.id: p.name for p in portfolio.list_properties(ctx.db, ctx.actor,
                                                             include_archived=True)}
    units = sorted(portfolio.list_units(ctx.db, ctx.actor, args.property,
                                        include_archived=args.all),
                   key=lambda u: (names.get(u.property_id, "").lower(), u.unit_number))
    if args.json:
        print_json([{"id": str(u.id), "property_id": str(u.property_id),
                     "property": names.get(u.property_id), "number": u.unit_number,
                     "floor": u.floor, "bedrooms": u.bedrooms, "bathrooms": str(u.bathrooms),
                     "square_feet": u.square_feet, "furnished": u.furnished,
                     "archived": u.archived_at is not None} for u in units])
        return
    for unit in units:
        flag = " (archived)" if unit.archived_at else ""
        print(f"{unit.id}  {names.get(unit.property_id, '?')} unit {unit.unit_number}: "
              f"{unit.bedrooms} bedrooms, {unit.bathrooms} baths{flag}")


def cmd_room_list(args: argparse.Namespace, ctx: CliContext) -> None:
    if args.unit is not None:
        portfolio.get_unit(ctx.db, ctx.actor, args.unit)  # an unknown id is "not found"
    tree = overview.portfolio_tree(ctx.db, ctx.actor, args.on, unit_id=args.unit)
    rooms = [r for r in tree.rows if r.room_id is not None]
    if args.vacant:  # a bed free on the day, in a room that can be let
        rooms = [r for r in rooms if r.beds_occupied < r.beds and r.status != "maintenance"]
    if args.json:
        print_json([{"id": str(r.room_id), "property_id": str(r.property_id),
                     "property": r.property_name, "unit_id": str(r.unit_id),
                     "unit": r.unit_number, "number": r.room_number, "type": r.room_type,
                     "beds": r.beds, "beds_occupied": r.beds_occupied,
                     "rent": money_str(r.rent_amount) if r.rent_amount is not None else None,
                     "status": r.status, "tenants": r.tenants,
                     "tenant_ids": [str(t) for t in r.tenant_ids],
                     "occupied_until": _day_text(r.occupied_until)} for r in rooms])
        return
    for r in rooms:
        who = ", ".join(r.tenants) if r.tenants else "vacant"
        free = f" ({r.beds - r.beds_occupied} of {r.beds} beds free)" if r.beds > 1 else ""
        rent = money_str(r.rent_amount) if r.rent_amount is not None else "-"
        print(f"{r.room_id}  {r.property_name} {r.unit_number}-{r.room_number}  {rent}  "
              f"{r.status}  {who}{free}")


def cmd_unit_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(UnitCreate, **_drop_none(
        property_id=args.property, unit_number=args.number, bedrooms=args.bedrooms,
        bathrooms=args.bathrooms, square_feet=args.sqft, floor=args.floor,
        furnished=args.furnished))
    print(portfolio.add_unit(ctx.db, ctx.actor, data).id)


def cmd_room_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(RoomCreate, **_drop_none(
        unit_id=args.unit, room_number=args.number, rent_amount=args.rent, room_type=args.type,
        beds=args.beds, size_sqft=args.size_sqft, has_private_bath=args.private_bath,
        available_date=args.available_from))
    print(portfolio.add_room(ctx.db, ctx.actor, data).id)


def cmd_tenant_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(TenantCreate, first_name=args.first_name, last_name=args.last_name,
                 email=args.email, phone=args.phone, emergency_contact_name=args.emergency_name,
                 emergency_contact_phone=args.emergency_phone, id_number=args.id_number,
                 bank_details=args.bank_details)
    print(tenants.add_tenant(ctx.db, ctx.actor, data).id)


def cmd_tenant_list(args: argparse.Namespace, ctx: CliContext) -> None:
    found = tenants.search_tenants(ctx.db, ctx.actor, args.search or "", include_archived=args.all)
    if args.json:
        print_json([{"id": str(t.id), "first_name": t.first_name, "last_name": t.last_name,
                     "email": t.email, "phone": t.phone,
                     "archived": t.archived_at is not None} for t in found])
        return
    for tenant in found:
        flag = " (archived)" if tenant.archived_at else ""
        print(f"{tenant.id}  {tenant.full_name} <{tenant.email}>{flag}")


def cmd_lease_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(LeaseCreate, **_drop_none(
        room_id=args.room, tenant_id=args.tenant, lease_start=args.start, lease_end=args.end,
        rent_amount=args.rent, deposit_amount=args.deposit, bed=args.bed))
    print(leasing.create_lease(ctx.db, ctx.actor, data, force=args.force).id)


def cmd_lease_end(args: argparse.Namespace, ctx: CliContext) -> None:
    lease = leasing.end_lease(ctx.db, ctx.actor, args.lease, args.date)
    print(f"lease {lease.id} ends on {lease.lease_end}")


def cmd_lease_renew(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(LeaseRenewal, **_drop_none(new_end=args.end, rent_amount=args.rent))
    print(leasing.renew_lease(ctx.db, ctx.actor, args.lease, data).id)


def cmd_lease_transfer(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(LeaseTransfer, **_drop_none(room_id=args.room, transfer_date=args.date,
                                             rent_amount=args.rent, bed=args.bed))
    print(leasing.transfer_lease(ctx.db, ctx.actor, args.lease, data).id)


def cmd_lease_cancel(args: argparse.Namespace, ctx: CliContext) -> None:
    lease = leasing.cancel_lease(ctx.db, ctx.actor, args.lease, args.reason)
    print(f"lease {lease.id} cancelled")


def cmd_lease_reopen(args: argparse.Namespace, ctx: CliContext) -> None:
    """Undo a move-out: the lease runs to --end (or open-ended) again."""
    from coliv_desktop.services import lease_undo

    if args.end is None and not args.open_ended:
        raise ValidationError("end", "give --end DATE (the end before the move-out) or "
                                     "--open-ended")
    lease = lease_undo.reopen_lease(ctx.db, ctx.actor, args.lease, args.end)
    end = lease.lease_end.isoformat() if lease.lease_end else "open-ended"
    print(f"lease {lease.id} is active again, to {end}")


def cmd_lease_uncancel(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import lease_undo

    lease = lease_undo.uncancel_lease(ctx.db, ctx.actor, args.lease)
    print(f"lease {lease.id} is {lease.status} again")


def cmd_lease_remove_renewal(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import lease_undo

    lease = lease_undo.remove_renewal(ctx.db, ctx.actor, args.lease)
    print(f"renewal {lease.id} removed")


def cmd_lease_undo_transfer(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import lease_undo

    lease = lease_undo.undo_transfer(ctx.db, ctx.actor, args.lease)
    print(f"transfer undone; lease {lease.id} is active again")


def cmd_lease_list(args: argparse.Namespace, ctx: CliContext) -> None:
    where = leasing.LeaseFilter(active_on=args.active_on)
    for row in leasing.list_leases(ctx.db, ctx.actor, where):
        end = row.lease_end.isoformat() if row.lease_end else "open"
        print(f"{row.id}  {row.property_name} {row.unit_number}-{row.room_number} bed {row.bed}  "
              f"{row.tenant_name}  {row.lease_start}..{end}  {money_str(row.rent_amount)}  "
              f"{row.status}")


def _counts(occ: Occupancy) -> dict[str, Any]:
    return {
        "rooms_total": occ.rooms_total,
        "rooms_occupied": occ.rooms_occupied,
        "revenue_potential": _money(occ.revenue_potential),
    }


def _money(value: Decimal | None) -> str | None:
    """An amount, or null for a role that does not see money."""
    return None if value is None else money_str(value)


def dashboard_json(board: Dashboard, rooms: dict[uuid.UUID, list[dict[str, Any]]] | None = None
                   ) -> dict[str, Any]:
    """The dashboard as JSON; with `rooms` (by unit id), each unit lists its rooms' ids."""
    def unit_json(unit: Any) -> dict[str, Any]:
        out = {"id": str(unit.id), "number": unit.number, **_counts(unit)}
        if rooms is not None:
            out["rooms"] = rooms.get(unit.id, [])
        return out

    return {
        "rooms_total": board.rooms_total,
        "rooms_occupied": board.rooms_occupied,
        "beds_total": board.beds_total,
        "beds_occupied": board.beds_occupied,
        "occupancy_rate": float(board.occupancy_rate),
        "revenue_potential": _money(board.revenue_potential),
        "maintenance_open": board.maintenance_open,
        "maintenance_overdue": board.maintenance_overdue,
        "properties": [
            {"id": str(p.id), "name": p.name, **_counts(p),
             "units": [unit_json(u) for u in p.units]}
            for p in board.properties
        ],
    }


def cmd_dashboard(args: argparse.Namespace, ctx: CliContext) -> None:
    board = dashboard_service.dashboard(ctx.db, ctx.actor, args.on)
    if args.json:
        rooms: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for r in overview.portfolio_tree(ctx.db, ctx.actor, board.on).rows:
            if r.unit_id is not None and r.room_id is not None:
                rooms.setdefault(r.unit_id, []).append({
                    "id": str(r.room_id), "number": r.room_number, "beds": r.beds,
                    "beds_occupied": r.beds_occupied, "status": r.status})
        print(json.dumps(dashboard_json(board, rooms), indent=2, ensure_ascii=False))
        return
    revenue = ("" if board.revenue_potential is None
               else f", revenue potential {money_str(board.revenue_potential)}/mo")
    print(f"Portfolio on {board.on}: {board.rooms_occupied}/{board.rooms_total} rooms occupied, "
          f"{board.beds_occupied}/{board.beds_total} beds ({board.occupancy_rate}%){revenue}")
    print(f"Maintenance: {board.maintenance_open} open, {board.maintenance_overdue} overdue")
    for prop in board.properties:
        rent = "" if prop.revenue_potential is None else \
            f", {money_str(prop.revenue_potential)}/mo"
        print(f"{prop.name}: {prop.rooms_occupied}/{prop.rooms_total} rooms{rent}")
        for unit in prop.units:
            rent = "" if unit.revenue_potential is None else \
                f", {money_str(unit.revenue_potential)}/mo"
            print(f"  Unit {unit.number}: {unit.rooms_total} rooms, {unit.rooms_occupied} "
                  f"occupied{rent}")


def _register_init(commands: Any) -> None:
    p = commands.add_parser("init", help="create (or upgrade) the database")
    p.set_defaults(handler=cmd_init, creates_database=True)
    p = commands.add_parser("demo", help="load the demo portfolio into an empty database "
                                         "(created if it does not exist)")
    p.set_defaults(handler=cmd_demo, creates_database=True)


def _register_property(commands: Any) -> None:
    prop = commands.add_parser("property", help="properties").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = prop.add_parser("add", help="add a property; prints its id")
    p.add_argument("--name", required=True)
    p.add_argument("--address", required=True)
    p.add_argument("--city", required=True)
    p.add_argument("--state", required=True)
    p.add_argument("--zip", required=True)
    p.add_argument("--amenities", help="comma-separated, e.g. gym,rooftop")
    p.add_argument("--house-rules")
    p.set_defaults(handler=cmd_property_add)
    p = prop.add_parser("list", help="list properties with their ids")
    p.add_argument("--all", action="store_true", help="include archived properties")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_property_list)


def _register_unit(commands: Any) -> None:
    unit = commands.add_parser("unit", help="units").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = unit.add_parser("add", help="add a unit to a property; prints its id")
    p.add_argument("--property", required=True, type=_id)
    p.add_argument("--number", required=True)
    p.add_argument("--bedrooms", required=True, type=int)
    p.add_argument("--bathrooms", required=True)
    p.add_argument("--sqft", type=int)
    p.add_argument("--floor", type=int)
    p.add_argument("--furnished", action="store_true", default=None)
    p.set_defaults(handler=cmd_unit_add)
    p = unit.add_parser("list", help="list units with their ids")
    p.add_argument("--property", type=_id, help="only this property's units")
    p.add_argument("--all", action="store_true", help="include archived units")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_unit_list)


def _register_room(commands: Any) -> None:
    room = commands.add_parser("room", help="rooms").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = room.add_parser("add", help="add a room to a unit; prints its id")
    p.add_argument("--unit", required=True, type=_id)
    p.add_argument("--number", required=True)
    p.add_argument("--rent", required=True, help="monthly rent (per bed for a shared room)")
    p.add_argument("--type", choices=["private", "shared"])
    p.add_argument("--beds", type=int)
    p.add_argument("--size-sqft", type=int)
    p.add_argument("--private-bath", action="store_true", default=None)
    p.add_argument("--available-from", type=_day)
    p.set_defaults(handler=cmd_room_add)
    p = room.add_parser("list", help="list rooms with their ids, who lives there and the rent")
    p.add_argument("--unit", type=_id, help="only this unit's rooms")
    p.add_argument("--vacant", action="store_true",
                   help="only rooms with a bed free on the day (not under maintenance)")
    p.add_argument("--on", type=_day, help="as of this day (default: today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_room_list)


def _register_tenant(commands: Any) -> None:
    tenant = commands.add_parser("tenant", help="tenants").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = tenant.add_parser("add", help="add a tenant; prints the id")
    p.add_argument("--first-name", required=True)
    p.add_argument("--last-name", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--phone")
    p.add_argument("--emergency-name")
    p.add_argument("--emergency-phone", help="kept encrypted, like --id-number and "
                                             "--bank-details")
    p.add_argument("--id-number", help="passport or national ID number")
    p.add_argument("--bank-details", help="IBAN or account, for refunds")
    p.set_defaults(handler=cmd_tenant_add, field_options={
        "emergency_contact_name": ("emergency_name",),
        "emergency_contact_phone": ("emergency_phone",)})
    p = tenant.add_parser("list", help="list or search tenants with their ids")
    p.add_argument("--search", help="text in the name, email or phone")
    p.add_argument("--all", action="store_true", help="include archived tenants")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_tenant_list)


def _register_lease(commands: Any) -> None:
    lease = commands.add_parser("lease", help="leases").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = lease.add_parser("add", help="create a lease; prints its id")
    p.add_argument("--room", required=True, type=_id)
    p.add_argument("--tenant", required=True, type=_id)
    p.add_argument("--start", required=True, type=_day)
    p.add_argument("--end", type=_day)
    p.add_argument("--rent", help="monthly rent (default: the room's)")
    p.add_argument("--deposit")
    p.add_argument("--bed", type=int, help="bed number in a shared room (default: a free one)")
    p.add_argument("--force", action="store_true",
                   help="go ahead where the app would ask first (a start more than a year "
                        "back, a room under maintenance); what was overridden is kept in the "
                        "audit log")
    p.set_defaults(handler=cmd_lease_add)
    p = lease.add_parser("end", help="record a move-out")
    p.add_argument("lease", type=_id)
    p.add_argument("--date", required=True, type=_day, help="the last day of the lease")
    p.set_defaults(handler=cmd_lease_end)
    p = lease.add_parser("renew", help="renew for a new term; prints the new lease id")
    p.add_argument("lease", type=_id)
    p.add_argument("--end", type=_day, help="end of the new term (default: open-ended)")
    p.add_argument("--rent")
    p.set_defaults(handler=cmd_lease_renew)
    p = lease.add_parser("transfer", help="move the tenant to another room; prints the new id")
    p.add_argument("lease", type=_id)
    p.add_argument("--room", required=True, type=_id)
    p.add_argument("--date", required=True, type=_day, help="first day in the new room")
    p.add_argument("--rent")
    p.add_argument("--bed", type=int)
    p.set_defaults(handler=cmd_lease_transfer)
    p = lease.add_parser("cancel", help="cancel a lease entered by mistake (voids its rent)")
    p.add_argument("lease", type=_id)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_lease_cancel)
    p = lease.add_parser("reopen", help="undo a move-out (charges the rent again)")
    p.add_argument("lease", type=_id)
    p.add_argument("--end", type=_day, help="the lease's end before the move-out")
    p.add_argument("--open-ended", action="store_true", help="it had no end date")
    p.set_defaults(handler=cmd_lease_reopen)
    p = lease.add_parser("uncancel", help="undo a cancellation, if the bed is still free")
    p.add_argument("lease", type=_id)
    p.set_defaults(handler=cmd_lease_uncancel)
    p = lease.add_parser("remove-renewal", help="undo a renewal that has no payments")
    p.add_argument("lease", type=_id)
    p.set_defaults(handler=cmd_lease_remove_renewal)
    p = lease.add_parser("undo-transfer",
                         help="undo a transfer: give the lease in the new room (no payments)")
    p.add_argument("lease", type=_id)
    p.set_defaults(handler=cmd_lease_undo_transfer)
    p = lease.add_parser("list", help="list leases")
    p.add_argument("--active-on", type=_day)
    p.set_defaults(handler=cmd_lease_list)


def _register_dashboard(commands: Any) -> None:
    p = commands.add_parser("dashboard", help="occupancy and revenue potential")
    p.add_argument("--json", action="store_true")
    p.add_argument("--on", type=_day, help="as of this day (default: today)")
    p.set_defaults(handler=cmd_dashboard)


def register(commands: Any) -> None:
    _register_init(commands)
    _register_property(commands)
    _register_unit(commands)
    _register_room(commands)
    _register_tenant(commands)
    _register_lease(commands)
    _register_dashboard(commands)

