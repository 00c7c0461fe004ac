"""The single way to write the audit log, in the caller's transaction.

Every audit row goes through `record`, so the hash chain planned for later is added here only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from coliv_desktop.db.models import AuditEntry
from coliv_desktop.services.context import Actor


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | str | None,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor_id=actor.user_id,
            actor_name=actor.name,
            action=action,
            entity_type=entity_type,
            entity_id=None if entity_id is None else str(entity_id),
            summary=summary,
            changes=_plain(changes or {}),
        )
    )


def diff(obj: object, updates: dict[str, Any]) -> dict[str, Any]:
    """Apply `updates` to an ORM object and return {field: [old, new]} for what really changed."""
    changed: dict[str, Any] = {}
    for field, new in updates.items():
        old = getattr(obj, field)
        if old != new:
            changed[field] = [old, new]
            setattr(obj, field, new)
    return _plain(changed)  # type: ignore[no-any-return]

