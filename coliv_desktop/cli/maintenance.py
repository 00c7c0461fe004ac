"""`coliv vendor|maintenance|work-order`: the maintenance queue (issue 14).

Each `add` prints the new id on its last line; `--json` lists print a JSON array of objects,
ids as strings, money in the machine form ("120.00"), dates and times in ISO 8601.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from coliv_desktop.cli.portfolio import _day, _drop_none, _id, print_json
from coliv_desktop.db.models.operations import CATEGORIES, COST_KINDS, PRIORITIES, STATUSES
from coliv_desktop.domain.money import money_str
from coliv_desktop.schemas import build
from coliv_desktop.schemas.maintenance import (
    CostCreate,
    RequestCreate,
    RequestOut,
    ScheduleCreate,
    VendorCreate,
)
from coliv_desktop.services import maintenance, vendors

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext

# The schema fields set from options of other names (the services name the field).
PLACE_OPTIONS = {"tenant_id": ("reported_by",)}


def cmd_vendor_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(VendorCreate, **_drop_none(name=args.name, trade=args.trade, phone=args.phone,
                                            email=args.email, rates=args.rates,
                                            notes=args.notes,
                                            insurance_expiry=args.insurance_expiry))
    vendor = vendors.add_vendor(ctx.db, ctx.actor, data)
    print(f"added vendor {vendor.name} ({vendor.trade})")
    print(vendor.id)


def cmd_vendor_list(args: argparse.Namespace, ctx: CliContext) -> None:
    found = vendors.list_vendors(ctx.db, ctx.actor, args.search or "", trade=args.trade,
                                 include_archived=args.all)
    if args.json:
        print_json([{"id": str(v.id), "name": v.name, "trade": v.trade, "phone": v.phone,
                     "email": v.email, "rates": v.rates, "notes": v.notes,
                     "insurance_expiry": v.insurance_expiry.isoformat()
                     if v.insurance_expiry else None,
                     "archived": v.archived_at is not None} for v in found])
        return
    for v in found:
        flag = " (archived)" if v.archived_at else ""
        print(f"{v.id}  {v.name} ({v.trade}){flag}  {v.phone or ''}")


def cmd_vendor_archive(args: argparse.Namespace, ctx: CliContext) -> None:
    vendor = vendors.set_vendor_archived(ctx.db, ctx.actor, args.vendor, not args.restore)
    print(f"{'restored' if args.restore else 'archived'} vendor {vendor.name}")


def request_json(r: RequestOut) -> dict[str, Any]:
    return {"id": str(r.id), "title": r.title, "category": r.category,
            "priority": r.priority, "status": r.status, "due_by": r.due_by.isoformat(),
            "overdue": r.overdue, "vendor_id": str(r.vendor_id) if r.vendor_id else None,
            "cost": money_str(r.cost)}


def cmd_maintenance_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(RequestCreate, **_drop_none(
        property_id=args.property, unit_id=args.unit, room_id=args.room,
        category=args.category, priority=args.priority, title=args.title,
        description=args.description, access_notes=args.access, tenant_id=args.reported_by,
        holds_room=args.hold_room or None))
    request = maintenance.add_request(ctx.db, ctx.actor, data)
    print(f"request {request.title!r} ({request.priority}) due by "
          f"{request.due_by.astimezone():%Y-%m-%d %H:%M}")
    print(request.id)


def cmd_maintenance_list(args: argparse.Namespace, ctx: CliContext) -> None:
    found = maintenance.list_requests(ctx.db, ctx.actor, status=args.status,
                                      overdue=args.overdue, property_id=args.property,
                                      vendor_id=args.vendor)
    if args.json:
        print_json([request_json(r) for r in found])
        return
    for r in found:
        late = "  OVERDUE" if r.overdue else ""
        print(f"{r.id}  {r.status:<13} {r.priority:<6} {r.title}  due "
              f"{r.due_by.astimezone():%Y-%m-%d %H:%M}{late}")


def cmd_maintenance_assign(args: argparse.Namespace, ctx: CliContext) -> None:
    request = maintenance.assign_request(ctx.db, ctx.actor, args.request, args.vendor,
                                         args.scheduled)
    when = f" for {request.scheduled_for}" if request.scheduled_for else ""
    print(f"assigned {request.title!r}{when}")


def cmd_maintenance_status(args: argparse.Namespace, ctx: CliContext) -> None:
    request = maintenance.move_request(ctx.db, ctx.actor, args.request, args.to, args.note)
    print(f"{request.title!r} is {request.status}")


def cmd_maintenance_cost(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(CostCreate, **_drop_none(
        request_id=args.request, amount=args.amount, description=args.description,
        kind=args.kind, incurred_on=args.date, lease_id=args.recharge_lease))
    cost = maintenance.add_cost(ctx.db, ctx.actor, data, force=args.force)
    if cost.charge_id:
        print(f"cost {money_str(cost.amount)} recharged: charge {cost.charge_id}")
    else:
        print(f"cost {money_str(cost.amount)} recorded")
    print(cost.id)


def cmd_maintenance_costs(args: argparse.Namespace, ctx: CliContext) -> None:
    rows = maintenance.cost_report(ctx.db, ctx.actor, args.start, args.end)
    if args.json:
        print_json([{"property_id": str(r.property_id), "property": r.property,
                     "month": r.month, "total": money_str(r.total)} for r in rows])
        return
    for r in rows:
        print(f"{r.month}  {r.property:<30} {money_str(r.total):>10}")


def cmd_schedule_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(ScheduleCreate, **_drop_none(
        property_id=args.property, unit_id=args.unit, room_id=args.room, title=args.title,
        category=args.category, priority=args.priority, every_months=args.every_months,
        next_due=args.next_due, description=args.description, vendor_id=args.vendor))
    schedule = maintenance.add_schedule(ctx.db, ctx.actor, data)
    print(f"every {schedule.every_months} months from {schedule.next_due}: {schedule.title!r}")
    print(schedule.id)


def cmd_schedule_list(args: argparse.Namespace, ctx: CliContext) -> None:
    found = maintenance.list_schedules(ctx.db, ctx.actor, include_archived=args.all)
    if args.json:
        print_json([{"id": str(s.id), "title": s.title, "category": s.category,
                     "priority": s.priority, "every_months": s.every_months,
                     "next_due": s.next_due.isoformat(), "property_id": str(s.property_id),
                     "vendor_id": str(s.vendor_id) if s.vendor_id else None,
                     "archived": s.archived_at is not None} for s in found])
        return
    for s in found:
        print(f"{s.id}  {s.next_due}  every {s.every_months} months  {s.title}")


def cmd_run_schedules(args: argparse.Namespace, ctx: CliContext) -> None:
    result = maintenance.run_schedules(ctx.db, ctx.actor, args.through)
    if args.json:
        print_json({"through": result.through.isoformat(),
                    "created": [str(i) for i in result.created]})
        return
    print(f"schedules through {result.through}: {len(result.created)} requests raised")
    for ident in result.created:
        print(ident)


def cmd_work_order(args: argparse.Namespace, ctx: CliContext) -> None:
    print(vendors.work_order_pdf(ctx.db, ctx.actor, args.request, args.out))


def _place_options(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--room", type=_id, metavar="ID")
    where.add_argument("--unit", type=_id, metavar="ID")
    where.add_argument("--property", type=_id, metavar="ID")


def _register_vendor(commands: Any) -> None:
    vendor = commands.add_parser("vendor", help="the vendor directory").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = vendor.add_parser("add", help="add a vendor; prints its id")
    p.add_argument("--name", required=True)
    p.add_argument("--trade", required=True, help="plumber, electrician, cleaner, ...")
    p.add_argument("--phone")
    p.add_argument("--email")
    p.add_argument("--rates")
    p.add_argument("--notes")
    p.add_argument("--insurance-expiry", metavar="YYYY-MM-DD")
    p.set_defaults(handler=cmd_vendor_add)
    p = vendor.add_parser("list", help="list vendors with their ids")
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--trade")
    p.add_argument("--all", action="store_true", help="include archived vendors")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_vendor_list)
    p = vendor.add_parser("archive", help="archive a vendor (or --restore)")
    p.add_argument("vendor", type=_id, metavar="ID")
    p.add_argument("--restore", action="store_true")
    p.set_defaults(handler=cmd_vendor_archive)


def _register_requests(queue: Any) -> None:
    p = queue.add_parser("add", help="report a maintenance request; prints its id")
    _place_options(p)
    p.add_argument("--category", required=True, choices=CATEGORIES)
    p.add_argument("--priority", required=True, choices=PRIORITIES)
    p.add_argument("--title", required=True)
    p.add_argument("--description")
    p.add_argument("--access", metavar="NOTES", help="access notes for the vendor")
    p.add_argument("--reported-by", type=_id, metavar="TENANT_ID",
                   help="the tenant who reported it (else you)")
    p.add_argument("--hold-room", action="store_true",
                   help="take the room out of letting until the request is resolved")
    p.set_defaults(handler=cmd_maintenance_add, field_options=PLACE_OPTIONS)
    p = queue.add_parser("list", help="list requests, most urgent first")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--overdue", action="store_true", help="only those past their target")
    p.add_argument("--property", type=_id, metavar="ID")
    p.add_argument("--vendor", type=_id, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_maintenance_list)
    p = queue.add_parser("assign", help="give a request to a vendor")
    p.add_argument("request", type=_id, metavar="ID")
    p.add_argument("--vendor", type=_id, required=True, metavar="VENDOR_ID")
    p.add_argument("--scheduled", type=_day, metavar="YYYY-MM-DD")
    p.set_defaults(handler=cmd_maintenance_assign,
                   field_options={"scheduled_for": ("scheduled",)})
    p = queue.add_parser("status", help="move a request to another status")
    p.add_argument("request", type=_id, metavar="ID")
    p.add_argument("--to", required=True, choices=STATUSES)
    p.add_argument("--note")
    p.set_defaults(handler=cmd_maintenance_status)
    p = queue.add_parser("cost", help="record a cost of a request; prints its id")
    p.add_argument("request", type=_id, metavar="ID")
    p.add_argument("--amount", required=True)
    p.add_argument("--description", required=True)
    p.add_argument("--kind", choices=COST_KINDS)
    p.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="when (default today)")
    p.add_argument("--recharge-lease", type=_id, metavar="LEASE_ID",
                   help="recharge it to this lease: one charge on it")
    p.add_argument("--force", action="store_true")
    p.set_defaults(handler=cmd_maintenance_cost,
                   field_options={"lease_id": ("recharge_lease",), "incurred_on": ("date",),
                                  "due_date": ("date",)})
    p = queue.add_parser("costs", help="the properties' maintenance cost by month")
    p.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_maintenance_costs)


def _register_schedules(queue: Any) -> None:
    schedule = queue.add_parser("schedule", help="recurring maintenance").add_subparsers(
        dest="schedule_action", metavar="ACTION", required=True)
    p = schedule.add_parser("add", help="add recurring maintenance; prints its id")
    _place_options(p)
    p.add_argument("--title", required=True)
    p.add_argument("--category", required=True, choices=CATEGORIES)
    p.add_argument("--priority", choices=PRIORITIES)
    p.add_argument("--every-months", required=True, type=int, metavar="N")
    p.add_argument("--next-due", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--description")
    p.add_argument("--vendor", type=_id, metavar="VENDOR_ID")
    p.set_defaults(handler=cmd_schedule_add, field_options=PLACE_OPTIONS)
    p = schedule.add_parser("list", help="list recurring maintenance")
    p.add_argument("--all", action="store_true", help="include archived schedules")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_schedule_list)
    p = queue.add_parser("run-schedules", help="raise the requests recurring maintenance has "
                                               "due (running it again raises nothing new)")
    p.add_argument("--through", type=_day, metavar="YYYY-MM-DD", help="default today")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_run_schedules)


def register(commands: Any) -> None:
    from coliv_desktop.cli import READS

    _register_vendor(commands)
    queue = commands.add_parser("maintenance", help="the maintenance queue").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    _register_requests(queue)
    _register_schedules(queue)
    p = commands.add_parser("work-order", help="print a request's work order for its vendor "
                                               "as PDF")
    p.add_argument("request", type=_id, metavar="ID")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(handler=cmd_work_order, prints_document=True)
    # the commands that only read: they run while another process writes the book
    for words in [("vendor", "list"), ("maintenance", "list"), ("maintenance", "costs"),
                  ("maintenance", "schedule", "list"), ("work-order",)]:
        READS[words] = lambda _args: True
