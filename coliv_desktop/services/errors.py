"""Typed errors, re-exported for callers of services, and the translation of database errors."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from coliv_desktop.domain.errors import (
    ColivError,
    ConflictError,
    DatabaseVersionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)

__all__ = [
    "ColivError",
    "ConflictError",
    "DatabaseVersionError",
    "NotFoundError",
    "PermissionDeniedError",
    "ValidationError",
    "from_database_error",
]

_CONSTRAINT_MESSAGES = {
    "ex_leases_bed_no_overlap": "that bed already has a lease on some of those days",
    "uq_rooms_unit_id_room_number": "this unit already has a room with that number",
    "uq_units_property_id_unit_number": "this property already has a unit with that number",
    "uq_users_email": "a user with that email already exists",
}


# PostgreSQL: deadlock detected, serialization failure, lock not available. SQLite: busy.
_CONTENTION_SQLSTATES = {"40P01", "40001", "55P03"}


def is_contention(exc: OperationalError) -> bool:
    """Two writers collided (the other clerk won); trying again later is the remedy."""
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _CONTENTION_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


def is_read_only(exc: OperationalError) -> bool:
    """SQLite refused to write: the file or its folder is read-only (SQLITE_READONLY)."""
    return "readonly database" in str(exc.orig) or \
        getattr(exc.orig, "sqlite_errorname", "").startswith("SQLITE_READONLY")


def from_database_error(exc: Exception) -> ColivError:
    """A constraint the service did not catch first (two clerks at once): say it plainly."""
    if isinstance(exc, OperationalError) and is_contention(exc):
        return ConflictError(
            "another change to the same records was being saved at the same moment; "
            "nothing was written - try again"
        )
    if isinstance(exc, StaleDataError):
        return ConflictError(
            "someone else changed this record since you opened it; reload and try again"
        )
    if isinstance(exc, IntegrityError):
        text = str(exc.orig)
        for name, message in _CONSTRAINT_MESSAGES.items():
            if name in text:
                return ConflictError(message)
        if "UNIQUE" in text.upper() or "duplicate key" in text:
            first_line = text.splitlines()[0]
            return ConflictError(f"that would duplicate an existing record ({first_line})")
        return ConflictError(f"the database refused the change: {text.splitlines()[0]}")
    return ColivError(str(exc))
