"""Users of the app (the people who sign in), as the user services hand them out."""

from __future__ import annotations

import uuid
from datetime import datetime

from coliv_desktop.schemas.common import Output


class UserOut(Output):
    id: uuid.UUID
    name: str
    email: str
    role: str
    active: bool
    has_password: bool
    totp: bool  # signs in with an authenticator code too
    failed_attempts: int
    locked_until: datetime | None  # UTC; None or past: not locked
    # The properties the user is limited to; None: every property.
    property_ids: tuple[uuid.UUID, ...] | None


class TotpEnrolment(Output):
    """A new authenticator secret, not yet in force: the person scans `uri` (a QR code in the
    GUI) or types `secret`, then confirms with a code (services.users.confirm_totp)."""

    secret: str
    uri: str  # otpauth://totp/...
