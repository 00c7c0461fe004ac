"""The properties an actor is limited to (users.set_properties), as SQL conditions.

Every list, report, export and search a limited user can reach applies these in its query
(issue 13: staff who look after two houses see only those).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select

from coliv_desktop.db.models import Lease, Property, Room, Tenant, Unit
from coliv_desktop.services.context import Actor


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
