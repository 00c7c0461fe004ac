"""The demo portfolio (`coliv demo`, "Explore the demo portfolio"): real data, loaded in one go.

It lives in resources/demo/portfolio.json; lease dates there are offsets from the day it is
loaded, so the demo always shows current tenants, upcoming move-ins and leases ending soon.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Property, Room, Tenant, TenantContact, Unit
from coliv_desktop.domain.errors import ConflictError
from coliv_desktop.domain.matching import CompatibilityProfile
from coliv_desktop.locations import resource
from coliv_desktop.schemas.applications import ApplicationCreate
from coliv_desktop.schemas.leasing import LeaseCreate
from coliv_desktop.schemas.people import TenantCreate
from coliv_desktop.schemas.portfolio import PropertyCreate, RoomCreate, UnitCreate
from coliv_desktop.services import audit
from coliv_desktop.services.applications import add_applications_in
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, ensure_owner, writing
from coliv_desktop.services.demo_bank import load_bank
from coliv_desktop.services.demo_expenses import load_expenses
from coliv_desktop.services.demo_ledger import load_ledger
from coliv_desktop.services.leasing import create_lease_in


def demo_document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource("demo", "portfolio.json").read_text("utf-8"))
    return data


def load_demo(db: Database, actor: Actor, on: date | None = None) -> dict[str, int]:
    """Load the demo portfolio into a database that has no properties yet."""
    day = on or today()
    doc = demo_document()
    with writing(db, actor, "portfolio.write") as s:
        if s.scalar(select(func.count(Property.id))):
            raise ConflictError("the demo loads only into a database without properties")
        operator, _ = ensure_owner(s)
        for key, value in doc["operator"].items():
            setattr(operator, key, value)
        rooms: dict[str, Room] = {}
        places: dict[str, uuid.UUID] = {}  # "Property" and "Property/unit" -> id
        for prop_data in doc["properties"]:
            units = prop_data.pop("units")
            prop = Property(operator_id=operator.id, **PropertyCreate(**prop_data).model_dump())
            s.add(prop)
            s.flush()
            places[prop.name] = prop.id
            for unit_data in units:
                room_rows = unit_data.pop("rooms")
                unit = Unit(**UnitCreate(property_id=prop.id, **unit_data).model_dump())
                s.add(unit)
                s.flush()
                places[f"{prop.name}/{unit.unit_number}"] = unit.id
                for room_data in room_rows:
                    room = Room(**RoomCreate(unit_id=unit.id, **room_data).model_dump())
                    s.add(room)
                    rooms[f"{prop.name}/{unit.unit_number}/{room.room_number}"] = room
        s.flush()
        tenants: dict[str, Tenant] = {}
        for tenant_data in doc["tenants"]:
            key = tenant_data.pop("key")
            profile = tenant_data.pop("profile", None)
            tenant = Tenant(**TenantCreate(**tenant_data).model_dump())
            if profile is not None:
                tenant.compatibility_profile = CompatibilityProfile(**profile).to_json()
            s.add(tenant)
            tenants[key] = tenant
        s.flush()
        lease_ids: dict[str, uuid.UUID] = {}
        for lease_data in doc["leases"]:
            start = day + timedelta(days=lease_data["start"])
            end: date | None
            if lease_data.get("open"):
                end = None
            elif "end" in lease_data:
                end = day + timedelta(days=lease_data["end"])
            else:
                end = start + relativedelta(months=lease_data["months"]) - timedelta(days=1)
            lease = create_lease_in(
                s, actor,
                LeaseCreate(room_id=rooms[lease_data["room"]].id,
                            tenant_id=tenants[lease_data["tenant"]].id, lease_start=start,
                            lease_end=end, deposit_amount=Decimal(lease_data["deposit"])),
            )
            lease_ids[lease_data["tenant"]] = lease.id
            if lease.lease_start <= day:
                lease.move_in_date = lease.lease_start
            if lease_data.get("moved_out"):
                lease.status = "ended"
                lease.move_out_date = end
        pending = doc.get("applications", [])
        made = add_applications_in(s, actor, [
            ApplicationCreate(
                compatibility_profile=CompatibilityProfile(**a["profile"]),
                move_in_date=day + timedelta(days=a["move_in"]),
                **{k: v for k, v in a.items() if k not in ("profile", "move_in", "status")})
            for a in pending])
        for application, data in zip(made, pending, strict=True):
            application.status = data.get("status", "pending")
        contacts = doc.get("contacts", [])
        s.add_all(TenantContact(tenant_id=tenants[c["tenant"]].id, kind=c["kind"],
                                contact_date=day + timedelta(days=c["day"]),
                                summary=c["summary"], recorded_by=actor.name)
                  for c in contacts)
        audit.record(s, actor, "demo", "portfolio", None, "Loaded the demo portfolio")
        counts = {"properties": len(doc["properties"]), "rooms": len(rooms),
                  "tenants": len(tenants), "leases": len(doc["leases"]),
                  "applications": len(made), "contacts": len(contacts)}
    # the books: rent, payments, late fees, deposits, utilities (services/demo_ledger.py)
    counts.update(load_ledger(db, actor, day, doc.get("ledger", {}), lease_ids))
    people = {key: tenant.id for key, tenant in tenants.items()}
    counts.update(_load_community(db, actor, day, doc.get("community", {}), places, people))
    counts.update(_load_maintenance(db, actor, day, doc.get("maintenance", {}), places, people,
                                   lease_ids))
    counts.update(load_expenses(db, actor, day))
    counts.update(load_bank(db, actor, day, lease_ids))  # services/demo_bank.py
    return counts


def _where(spec: dict[str, Any], places: dict[str, uuid.UUID],
           rooms: dict[str, uuid.UUID]) -> dict[str, uuid.UUID | None]:
    """A spec's place ("room": "Property/unit/room", "unit" or "property") as the ids."""
    if "room" in spec:
        return {"room_id": rooms[spec["room"]]}
    if "unit" in spec:
        return {"unit_id": places[spec["unit"]]}
    return {"property_id": places[spec["property"]]}


def _load_maintenance(db: Database, actor: Actor, day: date, spec: dict[str, Any],
                      places: dict[str, uuid.UUID], people: dict[str, uuid.UUID],
                      lease_ids: dict[str, uuid.UUID]) -> dict[str, int]:
    """Vendors, requests in each state (one urgent and overdue), their costs (one recharged
    to the tenant) and the schedules, through the maintenance services."""
    from coliv_desktop.db.models import MaintenanceRequest
    from coliv_desktop.schemas.maintenance import (
        CostCreate,
        RequestCreate,
        ScheduleCreate,
        VendorCreate,
    )
    from coliv_desktop.services import maintenance, vendors
    from coliv_desktop.services.settings import read_settings

    if not spec or day != today():  # dated from now, as the queue's targets are
        return {}
    with db.read() as s:
        rooms = {f"{p}/{u}/{r}": ident for ident, p, u, r in s.execute(
            select(Room.id, Property.name, Unit.unit_number, Room.room_number)
            .join(Unit, Unit.id == Room.unit_id).join(Property, Property.id == Unit.property_id))}
    made_vendors = {
        v["key"]: vendors.add_vendor(db, actor, VendorCreate(
            name=v["name"], trade=v["trade"], phone=v.get("phone"), email=v.get("email"),
            rates=v.get("rates"),
            insurance_expiry=day + timedelta(days=v["insurance_days"])
            if "insurance_days" in v else None)).id
        for v in spec.get("vendors", [])}
    for r in spec.get("requests", []):
        request = maintenance.add_request(db, actor, RequestCreate(
            **_where(r, places, rooms), category=r["category"], priority=r["priority"],
            title=r["title"], description=r.get("description"),
            access_notes=r.get("access_notes"),
            tenant_id=people[r["tenant"]] if r.get("tenant") else None))
        # reported some hours ago: its response target counts from then
        with writing(db, actor, "maintenance.write") as s:
            row = s.get(MaintenanceRequest, request.id)
            assert row is not None
            reported = maintenance.moment() + timedelta(hours=r.get("hours", 0))
            row.created_at = reported
            row.due_by = maintenance.due_by(row.priority, reported, read_settings(s))
            audit.record(s, actor, "demo", "maintenance_request", row.id,
                         f"Demo request dated as reported {-r.get('hours', 0)} hours ago")
        if r.get("vendor"):
            maintenance.assign_request(
                db, actor, request.id, made_vendors[r["vendor"]],
                day + timedelta(days=r["scheduled_days"]) if "scheduled_days" in r else None)
        for cost in r.get("costs", []):
            maintenance.add_cost(db, actor, CostCreate(
                request_id=request.id, kind=cost["kind"], amount=Decimal(cost["amount"]),
                description=cost["description"],
                lease_id=lease_ids[cost["recharge"]] if cost.get("recharge") else None),
                force=True)
        status = r.get("status", "open")
        if status == "closed":
            maintenance.move_request(db, actor, request.id, "resolved", r.get("note"))
        if status != "open":
            maintenance.move_request(db, actor, request.id, status, r.get("note"))
    for sched in spec.get("schedules", []):
        maintenance.add_schedule(db, actor, ScheduleCreate(
            **_where(sched, places, rooms), title=sched["title"], category=sched["category"],
            every_months=sched["every_months"],
            next_due=day + timedelta(days=sched["next_due"]),
            vendor_id=made_vendors[sched["vendor"]] if sched.get("vendor") else None))
    return {"vendors": len(made_vendors), "maintenance requests": len(spec.get("requests", [])),
            "schedules": len(spec.get("schedules", []))}


def _load_community(db: Database, actor: Actor, day: date, spec: dict[str, Any],
                    places: dict[str, uuid.UUID], people: dict[str, uuid.UUID]
                    ) -> dict[str, int]:
    """House life through its own services (each call checked and audited like the app's):
    announcements, events with their RSVPs, the house board, conflicts and their log."""
    from coliv_desktop.schemas.community import (
        AnnouncementCreate,
        ConflictCreate,
        EventCreate,
        PostCreate,
    )
    from coliv_desktop.services import community, conflicts

    if not spec or day != today():
        # house life is checked against today (an expiry or a lease already past is refused),
        # so a demo dated another day (tests fix one) goes without it
        return {}
    for a in spec.get("announcements", []):
        prop = a.get("property")
        community.add_announcement(db, actor, AnnouncementCreate(
            property_id=places[prop] if prop else None,
            unit_id=places[f"{prop}/{a['unit']}"] if a.get("unit") else None,
            title=a["title"], message=a["message"], priority=a.get("priority", "normal"),
            pinned=a.get("pinned", False),
            expires_on=day + timedelta(days=a["expires"]) if "expires" in a else None))
    for e in spec.get("events", []):
        start = f"{day + timedelta(days=e['days'])} {e['time']}"
        made = community.add_event(db, actor, EventCreate(
            property_id=places[e["property"]], title=e["title"],
            description=e.get("description"), date_time=start,
            location=e.get("location"), max_attendees=e.get("capacity")))
        for key, answer in e.get("rsvps", {}).items():
            community.rsvp(db, actor, made.id, people[key], answer)
    for post in spec.get("posts", []):
        author = post.get("author")
        made_post = community.add_post(db, actor, PostCreate(
            property_id=places[post["property"]], author_id=people[author] if author else None,
            category=post.get("category", "general"), content=post["content"]))
        if post.get("hidden"):
            community.hide_post(db, actor, made_post.id, post["hidden"])
    for c in spec.get("conflicts", []):
        report = conflicts.report_conflict(db, actor, ConflictCreate(
            unit_id=places[c["unit"]], parties=[people[k] for k in c["parties"]],
            conflict_type=c["category"], severity=c.get("severity", "medium"),
            description=c["summary"]))
        for note in c.get("notes", []):
            conflicts.add_conflict_note(db, actor, report.id, note)
        if c.get("status", "open") != "open":
            conflicts.set_conflict_status(db, actor, report.id, c["status"],
                                          outcome=c.get("outcome"))
    return {key: len(spec.get(key, [])) for key in ("announcements", "events", "posts",
                                                    "conflicts")}
