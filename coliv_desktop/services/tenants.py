"""Tenants: add, edit, archive, search."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from sqlalchemy import func, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Tenant
from coliv_desktop.schemas.people import TenantCreate, TenantOut, TenantUpdate
from coliv_desktop.services import audit, protection
from coliv_desktop.services.context import Actor, check_version, reading, writing
from coliv_desktop.services.portfolio import _updates, get_row, mark_archived
from coliv_desktop.services.search import matches

TenantSort = Literal["name", "email", "created"]


def add_tenant(db: Database, actor: Actor, data: TenantCreate) -> TenantOut:
    return add_tenants(db, actor, [data])[0]


def add_tenants(db: Database, actor: Actor, rows: list[TenantCreate]) -> list[TenantOut]:
    """Many tenants in one transaction (imports): all or nothing."""
    with writing(db, actor, "tenants.write") as s:
        tenants = [Tenant(**row.model_dump()) for row in rows]
        s.add_all(tenants)
        s.flush()
        for tenant, row in zip(tenants, rows, strict=True):
            audit.record(s, actor, "create", "tenant", tenant.id,
                         f"Added tenant {tenant.first_name} {tenant.last_name}",
                         protection.redact(row.model_dump()))
        return [TenantOut.model_validate(t) for t in tenants]


def update_tenant(
    db: Database, actor: Actor, tenant_id: uuid.UUID, data: TenantUpdate
) -> TenantOut:
    with writing(db, actor, "tenants.write") as s:
        tenant = get_row(s, Tenant, tenant_id, "tenant")
        check_version(tenant, data.expected_version, f"Tenant {tenant.first_name}")
        changes = audit.diff(tenant, _updates(data))
        if changes:
            s.flush()
            audit.record(s, actor, "update", "tenant", tenant.id,
                         f"Edited tenant {tenant.first_name} {tenant.last_name}",
                         protection.redact(changes))
        return TenantOut.model_validate(tenant)


def set_tenant_archived(
    db: Database, actor: Actor, tenant_id: uuid.UUID, archived: bool,
    expected_version: int | None = None,
) -> TenantOut:
    with writing(db, actor, "tenants.write") as s:
        tenant = get_row(s, Tenant, tenant_id, "tenant")
        mark_archived(s, actor, tenant, "tenant", f"{tenant.first_name} {tenant.last_name}",
                      archived, expected_version)
        return TenantOut.model_validate(tenant)


def get_tenant(db: Database, actor: Actor, tenant_id: uuid.UUID) -> TenantOut:
    with reading(db, actor, "read") as s:
        return TenantOut.model_validate(get_row(s, Tenant, tenant_id, "tenant"))


def search_tenants(
    db: Database, actor: Actor,
    text: str = "",
    *,
    include_archived: bool = False,
    sort: TenantSort = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[TenantOut]:
    """Tenants whose name, email or phone contains `text` (case-insensitive), sorted in SQL;
    only the tenants of the actor's properties, for a limited user (`services.scope`)."""
    with reading(db, actor) as s:
        query = select(Tenant)
        found = matches(text, Tenant.first_name + " " + Tenant.last_name, Tenant.email,
                        func.coalesce(Tenant.phone, ""))
        if found is not None:
            query = query.where(found)
        if not include_archived:
            query = query.where(Tenant.archived_at.is_(None))
        sort_keys: dict[str, list[Any]] = {
            "name": [func.lower(Tenant.last_name), func.lower(Tenant.first_name)],
            "email": [func.lower(Tenant.email)],
            "created": [Tenant.created_at],
        }
        keys = sort_keys[sort]
        order = [k.desc() if descending else k for k in keys]
        query = query.order_by(*order, Tenant.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [TenantOut.model_validate(t) for t in s.scalars(query)]


def count_tenants(db: Database, actor: Actor, *, include_archived: bool = False) -> int:
    with reading(db, actor) as s:
        query = select(func.count(Tenant.id))
        if not include_archived:
            query = query.where(Tenant.archived_at.is_(None))
        return int(s.scalar(query) or 0)
