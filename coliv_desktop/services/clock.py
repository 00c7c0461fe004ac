"""Today's date, in one place, so tests and screenshots can pin it."""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    pinned = os.environ.get("COLIV_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()
