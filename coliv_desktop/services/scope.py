"""The properties an actor is limited to (users.set_properties), as SQL conditions.

Applied so far in the property and tenant lists (portfolio.list_properties,
portfolio.property_choices, tenants.search_tenants, tenants.count_tenants); every other list,
report, export and search takes it when every service call takes its actor (issue 13 item 2).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Lease, Property, Room, Tenant, Unit
from coliv_desktop.services.context import Actor, reading


def read_as(db: Database, actor: Actor | None) -> AbstractContextManager[Session]:
    """`reading` with its check when the caller names its actor (every caller will, issue
    13 item 2); a plain read for the callers that do not yet."""
    return db.read() if actor is None else reading(db, actor)


def properties(actor: Actor | None) -> ColumnElement[bool] | None:
    """The condition on Property rows this actor sees; None: all of them."""
    if actor is None or actor.property_ids is None:
        return None
    return Property.id.in_(actor.property_ids)


def tenants(actor: Actor | None) -> ColumnElement[bool] | None:
    """Tenants with a lease, past or present, in a room of the actor's properties (a tenant
    with no lease yet belongs to no house, so a limited user does not see them)."""
    if actor is None or actor.property_ids is None:
        return None
    housed: Any = (select(Lease.tenant_id).join(Room, Room.id == Lease.room_id)
                   .join(Unit, Unit.id == Room.unit_id)
                   .where(Unit.property_id.in_(actor.property_ids)))
    return Tenant.id.in_(housed)
