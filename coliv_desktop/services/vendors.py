"""The vendor directory (tradespeople and companies the operator calls) and the work order
a request prints for its vendor."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import MaintenanceRequest, Property, Room, Tenant, Unit, Vendor
from coliv_desktop.documents.work_order import work_order
from coliv_desktop.domain.errors import ConflictError
from coliv_desktop.schemas.maintenance import VendorCreate, VendorOut, VendorUpdate, WorkOrderData
from coliv_desktop.services import audit
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor, check_version, reading, writing
from coliv_desktop.services.portfolio import _updates, get_row, mark_archived
from coliv_desktop.services.printing import letterhead
from coliv_desktop.services.search import matches
from coliv_desktop.services.settings import read_settings


def add_vendor(db: Database, actor: Actor, data: VendorCreate) -> VendorOut:
    with writing(db, actor, "maintenance.write") as s:
        vendor = Vendor(**data.model_dump())
        s.add(vendor)
        s.flush()
        audit.record(s, actor, "create", "vendor", vendor.id,
                     f"Added vendor {vendor.name} ({vendor.trade})", data.model_dump())
        return VendorOut.model_validate(vendor)


def update_vendor(db: Database, actor: Actor, vendor_id: uuid.UUID,
                  data: VendorUpdate) -> VendorOut:
    with writing(db, actor, "maintenance.write") as s:
        vendor = get_row(s, Vendor, vendor_id, "vendor")
        check_version(vendor, data.expected_version, f"Vendor {vendor.name}")
        changes = audit.diff(vendor, _updates(data))
        if changes:
            s.flush()
            audit.record(s, actor, "update", "vendor", vendor.id, f"Edited vendor {vendor.name}",
                         changes)
        return VendorOut.model_validate(vendor)


def set_vendor_archived(db: Database, actor: Actor, vendor_id: uuid.UUID, archived: bool,
                        expected_version: int | None = None) -> VendorOut:
    with writing(db, actor, "maintenance.write") as s:
        vendor = get_row(s, Vendor, vendor_id, "vendor")
        mark_archived(s, actor, vendor, "vendor", vendor.name, archived, expected_version)
        return VendorOut.model_validate(vendor)


def get_vendor(db: Database, actor: Actor, vendor_id: uuid.UUID) -> VendorOut:
    with reading(db, actor, "read") as s:
        return VendorOut.model_validate(get_row(s, Vendor, vendor_id, "vendor"))


def list_vendors(db: Database, actor: Actor, text: str = "", *, trade: str | None = None,
                 include_archived: bool = False) -> list[VendorOut]:
    """By name; `text` matches the name, trade or notes, case-insensitively."""
    query = select(Vendor)
    found = matches(text, Vendor.name, Vendor.trade, func.coalesce(Vendor.notes, ""))
    if found is not None:
        query = query.where(found)
    if trade:
        query = query.where(func.lower(Vendor.trade) == trade.strip().lower())
    if not include_archived:
        query = query.where(Vendor.archived_at.is_(None))
    with reading(db, actor, "read") as s:
        return [VendorOut.model_validate(v) for v in s.scalars(
            query.order_by(func.lower(Vendor.name), Vendor.id))]


# --- the work order -----------------------------------------------------------------------------

def work_order_data(db: Database, actor: Actor, request_id: uuid.UUID) -> WorkOrderData:
    """The facts of the request's work order; the tenant to contact only when the setting
    `work_order_tenant_contact` is "yes" (a tenant's number is not handed out by default)."""
    with reading(db, actor, "read") as s:
        request = get_row(s, MaintenanceRequest, request_id, "maintenance request")
        if request.vendor_id is None:
            raise ConflictError(f"the maintenance request {request.title!r} has no vendor; "
                                "assign one before printing its work order")
        vendor = get_row(s, Vendor, request.vendor_id, "vendor")
        prop = get_row(s, Property, request.property_id, "property")
        unit = s.get(Unit, request.unit_id) if request.unit_id else None
        room = s.get(Room, request.room_id) if request.room_id else None
        tenant = None
        if request.tenant_id and read_settings(s)["work_order_tenant_contact"] == "yes":
            tenant = s.get(Tenant, request.tenant_id)
        address = ", ".join(p for p in (prop.address, prop.city, f"{prop.state} {prop.zip}")
                            if p and p.strip())
        return WorkOrderData(
            request_id=request.id, vendor_name=vendor.name, vendor_trade=vendor.trade,
            vendor_phone=vendor.phone, vendor_email=vendor.email, property_name=prop.name,
            address=address, unit=unit.unit_number if unit else None,
            room=room.room_number if room else None, access_notes=request.access_notes,
            tenant_name=f"{tenant.first_name} {tenant.last_name}" if tenant else None,
            tenant_phone=tenant.phone if tenant else None,
            tenant_email=tenant.email if tenant else None, title=request.title,
            description=request.description, category=request.category,
            priority=request.priority, due_by=request.due_by,
            scheduled_for=request.scheduled_for, written_on=today())


def work_order_pdf_bytes(db: Database, actor: Actor, request_id: uuid.UUID,
                         photos: Sequence[bytes] | None = None) -> bytes:
    """The work order, with `photos` (image files' bytes) as thumbnails: by default the
    photos attached to the request, so the window and `coliv work-order` print the same."""
    data = work_order_data(db, actor, request_id)
    return work_order(letterhead(db, actor), data,
                      _photos(db, actor, request_id) if photos is None else photos).render()


def work_order_pdf(db: Database, actor: Actor, request_id: uuid.UUID, out: Path | str,
                   photos: Sequence[bytes] | None = None) -> Path:
    data = work_order_data(db, actor, request_id)
    return work_order(letterhead(db, actor), data,
                      _photos(db, actor, request_id) if photos is None else photos).save(out)


def _photos(db: Database, actor: Actor, request_id: uuid.UUID) -> list[bytes]:
    """The images attached to the request (other documents are not for the vendor)."""
    from coliv_desktop.services import attachments

    return [attachments.document_content(db, actor, d.id)
            for d in attachments.list_documents(db, actor, "maintenance", request_id)
            if d.is_image]
