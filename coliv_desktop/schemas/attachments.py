"""Documents attached to a record (issue 14): what a list shows, never the bytes."""

from __future__ import annotations

import uuid
from datetime import datetime

from coliv_desktop.schemas.common import Output


class DocumentOut(Output):
    id: uuid.UUID
    owner_kind: str  # tenant, lease, property, maintenance, conflict
    owner_id: uuid.UUID
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    note: str | None
    created_at: datetime

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"
