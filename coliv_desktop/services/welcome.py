"""The welcome letter of an approved application: gather its facts, render the PDF."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Application, Lease, Property, Room, Tenant, Unit
from coliv_desktop.documents.welcome import welcome_letter
from coliv_desktop.domain.errors import ConflictError
from coliv_desktop.schemas.applications import WelcomeData
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.leasing import active_on
from coliv_desktop.services.portfolio import get_row
from coliv_desktop.services.printing import letterhead


def welcome_data(db: Database, actor: Actor, application_id: uuid.UUID) -> WelcomeData:
    with reading(db, actor, "read") as s:
        application = get_row(s, Application, application_id, "application")
        if application.status != "approved" or application.approved_lease_id is None:
            raise ConflictError(f"the application from {application.first_name} "
                                f"{application.last_name} is {application.status}: a welcome "
                                "letter follows an approval")
        lease = get_row(s, Lease, application.approved_lease_id, "lease")
        room = get_row(s, Room, lease.room_id, "room")
        unit = get_row(s, Unit, room.unit_id, "unit")
        prop = get_row(s, Property, unit.property_id, "property")
        mates = s.execute(
            select(Tenant.id, Tenant.first_name).join(Lease, Lease.tenant_id == Tenant.id)
            .join(Room, Room.id == Lease.room_id)
            .where(Room.unit_id == unit.id, active_on(lease.lease_start),
                   Lease.tenant_id != lease.tenant_id)
            .order_by(Room.room_number, Lease.bed)
        ).all()
        seen: list[uuid.UUID] = []
        names = []
        for tenant_id, first in mates:
            if tenant_id not in seen:
                seen.append(tenant_id)
                names.append(first)
        address = ", ".join(p for p in (prop.address, prop.city, f"{prop.state} {prop.zip}") if p)
        return WelcomeData(
            application_id=application.id, first_name=application.first_name,
            full_name=f"{application.first_name} {application.last_name}",
            property_name=prop.name, address=address, unit=unit.unit_number,
            room=room.room_number, bed=lease.bed, shared_room=room.room_type == "shared",
            move_in=lease.lease_start, lease_end=lease.lease_end, rent=lease.rent_amount,
            deposit=lease.deposit_amount, house_rules=prop.house_rules or "", roommates=names,
            written_on=today())


def welcome_pdf_bytes(db: Database, actor: Actor, application_id: uuid.UUID) -> bytes:
    return welcome_letter(letterhead(db, actor), welcome_data(db, actor, application_id)).render()


def welcome_pdf(db: Database, actor: Actor, application_id: uuid.UUID, out: Path | str) -> Path:
    return welcome_letter(letterhead(db, actor), welcome_data(db, actor, application_id)).save(out)
