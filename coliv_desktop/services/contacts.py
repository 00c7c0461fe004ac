"""The tenant contact log: every call, email, visit and note, dated and searchable."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Tenant, TenantContact
from coliv_desktop.domain.errors import UnknownReference
from coliv_desktop.schemas.overview import ContactCreate, ContactOut
from coliv_desktop.services import audit
from coliv_desktop.services.context import Actor, reading, writing
from coliv_desktop.services.search import matches


def add_contact(db: Database, actor: Actor, data: ContactCreate) -> ContactOut:
    with writing(db, actor, "tenants.write") as s:
        tenant = s.get(Tenant, data.tenant_id)
        if tenant is None:
            raise UnknownReference("tenant_id", f"no tenant with id {data.tenant_id}")
        contact = TenantContact(**data.model_dump(), recorded_by=actor.name)
        s.add(contact)
        s.flush()
        audit.record(s, actor, "create", "tenant_contact", contact.id,
                     f"Logged a {data.kind} with {tenant.first_name} {tenant.last_name}",
                     data.model_dump())
        return ContactOut.model_validate(contact)


def list_contacts(db: Database, actor: Actor, tenant_id: uuid.UUID,
                  text: str = "") -> list[ContactOut]:
    """Newest first; `text` matches the summary or the kind, case-insensitively."""
    query = select(TenantContact).where(TenantContact.tenant_id == tenant_id)
    found = matches(text, TenantContact.summary, TenantContact.kind)
    if found is not None:
        query = query.where(found)
    query = query.order_by(TenantContact.contact_date.desc(), TenantContact.created_at.desc())
    with reading(db, actor, "read") as s:
        return [ContactOut.model_validate(c) for c in s.scalars(query)]
