"""The audit log as read back: who did what, when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from coliv_desktop.schemas.common import Output


class AuditRow(Output):
    occurred_at: datetime
    actor_name: str
    action: str
    entity_type: str
    entity_id: str | None
    summary: str
    changes: dict[str, Any]
