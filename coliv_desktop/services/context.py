"""The acting user, what each role may do, and the one write path every service uses."""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AuditEntry, Operator, User
from coliv_desktop.domain.errors import (
    ConflictError,
    PermissionDeniedError,
    ReadOnlyDatabase,
    SignInRequired,
)
from coliv_desktop.services import scope
from coliv_desktop.services.errors import from_database_error, is_contention, is_read_only

INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL: a login granted SELECT only, say

# One permission table: role -> what it may do (issue 13). Writes are named "<area>.write";
# "read" is reading the book in general, and "ledger.read" / "documents.read" / "audit.read" are
# the reads of money, of tenants' personal documents and of the audit log (which quotes both),
# which staff are kept from.
#   owner       everything, including users ("users.admin") and settings
#   manager     everything but users and settings, and but replacing the whole book
#               ("data.admin": import and restore also replace the users and their passwords;
#               "data.read": a copy of the whole book, theirs included)
#               (both export and erase a tenant's personal data: "tenants.export/erase")
#   staff       maintenance, community and tenants' contact details; no money (leases and
#               applications set rents), no personal documents
#   accountant  the ledger and reports; read-only elsewhere
#   viewer      read-only
_READS = frozenset({"read", "ledger.read", "documents.read", "audit.read"})
_OPERATIONS = frozenset({"maintenance.write", "community.write"})
_MANAGING = _READS | _OPERATIONS | {
    "portfolio.write", "tenants.write", "leases.write", "applications.write", "ledger.write",
    "documents.write", "tenants.export", "tenants.erase"}
PERMISSIONS: dict[str, frozenset[str]] = {
    "owner": _MANAGING | {"settings.write", "users.admin", "data.admin", "data.read"},
    "manager": _MANAGING,
    "staff": frozenset({"read", "tenants.write"}) | _OPERATIONS,
    "accountant": _READS | {"ledger.write"},
    "viewer": _READS,
}
ROLES = tuple(PERMISSIONS)


def is_read(permission: str) -> bool:
    """A permission to read, which a database open read-only still grants."""
    return permission == "read" or permission.endswith(".read")


@dataclass(frozen=True)
class Actor:
    """Who is acting. Every service call takes one, so permissions and the audit log have it."""

    user_id: uuid.UUID | None
    operator_id: uuid.UUID | None
    name: str
    role: str = "owner"
    # The database this actor works in, when it is open read-only: then only "read" is
    # allowed, and anything else is refused as a read-only database (not as the role's).
    read_only: str | None = None
    # The properties this user is limited to (user_properties); None: every property.
    property_ids: frozenset[uuid.UUID] | None = None

    def may(self, permission: str) -> bool:
        if self.read_only is not None and not is_read(permission):
            return False
        return permission in PERMISSIONS.get(self.role, frozenset())

    def require(self, permission: str) -> None:
        if self.read_only is not None and not is_read(permission):
            raise ReadOnlyDatabase(self.read_only)
        if not self.may(permission):
            raise PermissionDeniedError(
                f"{self.name} ({self.role}) may not do this: it needs the {permission!r} permission"
            )


@contextmanager
def writing(db: Database, actor: Actor, permission: str) -> Iterator[Session]:
    """The write transaction of one public service call, with permission and error translation.
    A database open read-only refuses here, before anything is tried."""
    actor.require(permission)
    require_writable(db)
    try:
        with db.write() as session:
            session.info["coliv_actor_name"] = actor.name
            scope.guard_writes(session, actor.property_ids)
            yield session
    except (IntegrityError, StaleDataError) as exc:
        raise from_database_error(exc) from exc
    except OperationalError as exc:
        if is_contention(exc):
            raise from_database_error(exc) from exc
        if is_read_only(exc):  # the file or its folder became read-only while open
            raise ReadOnlyDatabase(database_label(db)) from exc
        raise
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
            who = db.url.username or "this login"
            raise PermissionDeniedError(
                f"the database server lets {who} read {database_label(db)} but not change it, "
                "so nothing was changed") from exc
        raise


@contextmanager
def reading(db: Database, actor: Actor, permission: str = "read") -> Iterator[Session]:
    """The read transaction of one public service call, with its permission: every public
    service function reads through this (or writes through `writing`), so a role that may
    not see something is refused by the service, whatever the window shows."""
    actor.require(permission)
    with db.read() as session:
        scope.limit_session(session, actor.property_ids)
        yield session


def require_writable(db: Database) -> None:
    """Refuse, in one sentence, to write a database opened read-only."""
    if db.read_only:
        raise ReadOnlyDatabase(database_label(db))


def database_label(db: Database) -> str:
    """The database as people know it: its file, or its address without a password."""
    from coliv_desktop import config

    path = config.sqlite_path(db.url)
    return str(path) if path else config.display_url(db.url)


def ensure_owner(session: Session) -> tuple[Operator, User]:
    """The operator and its owner user; created on first use of a new database."""
    operator = session.scalars(select(Operator).order_by(Operator.created_at).limit(1)).first()
    if operator is not None and operator.user_id is not None:
        owner = session.get(User, operator.user_id)
        if owner is not None:
            return operator, owner
    login = _login_name()
    owner = User(email=f"{login}@localhost", display_name=login, role="owner")
    session.add(owner)
    session.flush()
    if operator is None:
        operator = Operator(company_name="My co-living business", user_id=owner.id)
        session.add(operator)
    else:
        operator.user_id = owner.id
    session.flush()
    return operator, owner


def _login_name() -> str:
    try:
        return getpass.getuser() or "owner"
    except Exception:  # no login name on some service accounts
        return "owner"


def local_actor(db: Database, *, signed_in: bool = False) -> Actor:
    """The person at this desktop in a book without passwords: its owner. Once any user has
    a password this refuses (SignInRequired): the desk signs in (services.users.sign_in)
    instead; `signed_in=True` is for the app's own entries made after someone did (the
    restore's audit line, written as the restored book's owner). In a database open
    read-only, the owner on file (nothing is created) with reading rights only."""
    from coliv_desktop.services.operator import adopt_legacy_settings

    if not signed_in:
        _refuse_without_sign_in(db)
    if db.read_only:
        with db.read() as session:
            operator = session.scalars(
                select(Operator).order_by(Operator.created_at).limit(1)).first()
            owner = session.get(User, operator.user_id) if operator and operator.user_id \
                else None
            label = database_label(db)
            if owner is None:
                return Actor(None, operator.id if operator else None, _login_name(),
                             read_only=label)
            return Actor(owner.id, operator.id if operator else None, owner.display_name,
                         owner.role, read_only=label)
    with db.write() as session:
        operator, owner = ensure_owner(session)
        actor = Actor(owner.id, operator.id, owner.display_name, owner.role)
        adopt_legacy_settings(session, actor)
        return actor


def _refuse_without_sign_in(db: Database) -> None:
    with db.read() as session:
        has_password = session.scalar(select(exists().where(User.password_hash.is_not(None))))
    if has_password:
        raise SignInRequired("sign in with your name and password")


class ChangedMeanwhile(ConflictError):
    """An edit (or an undo) made against an older copy of a row: someone wrote it since.

    `who` names the last writer the audit log knows ("Dana on 2026-01-20 14:02: Edited room
    A"), so the person refused knows whom to ask."""

    def __init__(self, label: str, who: str) -> None:
        super().__init__(f"{label} was changed by {who} since you last saw it; "
                         "nothing was written: reload it and make your change again")
        self.label = label
        self.who = who


def check_version(row: object, expected: int | None, label: str) -> None:
    """Optimistic concurrency: refuse an edit made against an older copy of the row, naming
    who changed it since (from the audit log, read in the row's own session)."""
    current = getattr(row, "version", None)
    if expected is not None and current != expected:
        raise ChangedMeanwhile(label, last_writer(row))


def last_writer(row: object) -> str:
    """Who wrote `row` last, when and what, from the audit log ("someone else" without one).

    Audit entries name their row by id; the operator row also stands for the settings (one
    version covers the Settings dialog: its business profile and the settings)."""
    session = object_session(row)
    ident = getattr(row, "id", None)
    if session is None or ident is None:
        return "someone else"
    about = AuditEntry.entity_id == str(ident)
    if isinstance(row, Operator):
        about = or_(about, AuditEntry.entity_type == "setting")
    entry = session.scalars(select(AuditEntry).where(about)
                            .order_by(AuditEntry.occurred_at.desc()).limit(1)).first()
    if entry is None:
        return "someone else"
    when = entry.occurred_at
    if when.tzinfo is None:  # SQLite hands back naive UTC
        when = when.replace(tzinfo=UTC)
    return f"{entry.actor_name} on {when.astimezone():%Y-%m-%d %H:%M} ({entry.summary})"
