"""The reminders outbox."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from coliv_desktop.schemas.common import Output


class ReminderOut(Output):
    id: uuid.UUID
    charge_id: uuid.UUID
    lease_id: uuid.UUID
    tenant_id: uuid.UUID
    tenant: str
    kind: str
    due_on: date
    amount: Decimal
    subject: str
    body: str
    status: str
