"""Commands of issue 14 (community): filled in by its service's work."""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    """No command yet."""
