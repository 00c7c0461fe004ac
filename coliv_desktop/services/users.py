"""Users, passwords, sign-in, lockout, TOTP and the properties a user is limited to.

A book runs without sign-in until the first password is set (`needs_sign_in`); from then on
every desk signs in (`sign_in`) and acts as that user. Passwords are hashed with Argon2id and
never stored, logged or audited in clear. Five failed sign-ins lock the account for fifteen
minutes; the lock is a column, so closing the app does not lift it. Sign-ins, failed
sign-ins, lockouts, unlocks, resets and role changes go to the audit log.

The first password of a book must be an owner's: it switches sign-in on, and a book whose
only password belongs to a staff member would lock its owner out.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Operator, Property, User, UserProperty
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain.errors import (
    AccountDisabled,
    AccountLocked,
    ConflictError,
    NotFoundError,
    SignInRefused,
    TotpRequired,
    UnknownReference,
    ValidationError,
    WrongPassword,
)
from coliv_desktop.schemas.users import TotpEnrolment, UserOut
from coliv_desktop.services import audit
from coliv_desktop.services.context import ROLES, Actor, database_label, reading, writing

Clock = Callable[[], datetime]

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
TOTP_ISSUER = "CoLiv Desktop"
NAME_LENGTH = 255

# argon2-cffi's defaults: Argon2id, RFC 9106's low-memory profile (64 MiB, 3 passes).
PRODUCTION_HASHER = PasswordHasher()
_HASHER = PRODUCTION_HASHER  # the tests swap in a cheap one
# Checked against when the name is unknown, so a refusal takes as long either way.
_DUMMY_HASH = _HASHER.hash("not a password of anyone's")


# --- passwords ---------------------------------------------------------------------------------

PASSWORD_RULES = f"{MIN_PASSWORD_LENGTH}+ characters, upper and lower case, a digit"


def check_password_rules(password: str, field: str = "password") -> None:
    """The seed's rules (`PASSWORD_RULES`)."""
    missing = []
    if len(password) < MIN_PASSWORD_LENGTH:
        missing.append(f"at least {MIN_PASSWORD_LENGTH} characters")
    if not any(c.isupper() for c in password):
        missing.append("an upper-case letter")
    if not any(c.islower() for c in password):
        missing.append("a lower-case letter")
    if not any(c.isdigit() for c in password):
        missing.append("a digit")
    if missing:
        raise ValidationError(field, "the password needs " + ", ".join(missing))


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


# --- who may sign in ---------------------------------------------------------------------------

def needs_sign_in(db: Database) -> bool:
    """True once any user has a password: from then on every desk signs in."""
    with db.read() as s:
        return bool(s.scalar(select(exists().where(User.password_hash.is_not(None)))))


def _any_password(s: Session) -> bool:
    return bool(s.scalar(select(exists().where(User.password_hash.is_not(None)))))


def _operator_id(s: Session) -> uuid.UUID | None:
    return s.scalar(select(Operator.id).order_by(Operator.created_at).limit(1))


def _scope(s: Session, user_id: uuid.UUID) -> frozenset[uuid.UUID] | None:
    ids = frozenset(s.scalars(select(UserProperty.property_id)
                              .where(UserProperty.user_id == user_id)))
    return ids or None


def actor_for(s: Session, user: User, read_only: str | None = None) -> Actor:
    """The Actor a user acts as: their role and the properties they are limited to."""
    return Actor(user.id, _operator_id(s), user.display_name, user.role, read_only=read_only,
                 property_ids=_scope(s, user.id))


def _find(s: Session, name: str) -> User | None:
    wanted = name.strip().casefold()
    for user in s.scalars(select(User).where(func.lower(User.display_name) == wanted.lower())):
        return user
    # SQL's lower() folds ASCII only on SQLite: compare the rest in Python.
    return next((u for u in s.scalars(select(User)) if u.display_name.casefold() == wanted),
                None)


def _user(s: Session, name: str) -> User:
    user = _find(s, name)
    if user is None:
        raise NotFoundError("user", repr(name))
    return user


def sign_in(db: Database, name: str, password: str, totp: str | None = None, *,
            now: Clock = utcnow) -> Actor:
    """The Actor for `name` if `password` (and, when enrolled, the authenticator code `totp`)
    is right. Refusals raise a `SignInRefused` subclass: WrongPassword (also for an unknown
    name or a wrong code), AccountLocked (until when), AccountDisabled, TotpRequired.

    A failure is counted and audited in its own transaction before the refusal is raised, so
    the count and the lock hold whatever the caller does next. In a book without passwords a
    user without one is let in as themselves (nobody signs in there anyway). `now` is the
    clock (tests fix it)."""
    moment = now()
    if db.read_only:  # nothing can be counted or audited; the checks still hold
        with db.read() as s:
            result = _attempt(s, name, password, totp, moment, record=False)
            if isinstance(result, User):
                return actor_for(s, result, read_only=database_label(db))
        raise result
    for attempt in range(3):
        try:
            with db.write() as s:
                result = _attempt(s, name, password, totp, moment, record=True)
                if isinstance(result, User):
                    return actor_for(s, result)
            raise result
        except StaleDataError:  # another desk counted a sign-in of this user meanwhile
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _attempt(s: Session, name: str, password: str, totp: str | None, moment: datetime, *,
             record: bool) -> User | SignInRefused:
    """Check one sign-in; count, lock and audit as it goes (when `record`). The refusal is
    returned, not raised, so the transaction holding the count commits."""
    user = _find(s, name)
    if user is None:
        _verify(None, password)
        if record:
            stranger = Actor(None, _operator_id(s), name.strip()[:NAME_LENGTH] or "(no name)")
            audit.record(s, stranger, "sign_in_failed", "user", None,
                         f"Failed sign-in as {name.strip()[:80]!r}: no such user",
                         {"reason": "unknown name"})
        return WrongPassword(name)
    who = actor_for(s, user)

    def failed(reason: str) -> None:
        if record:
            audit.record(s, who, "sign_in_failed", "user", user.id,
                         f"Failed sign-in as {user.display_name}: {reason}", {"reason": reason})

    if not user.is_active:
        failed("disabled")
        return AccountDisabled(user.display_name)
    if user.locked_until is not None and user.locked_until > moment:
        failed("locked")
        return AccountLocked(user.display_name, user.locked_until)
    if user.password_hash is None:
        if not _any_password(s):
            return user
        failed("no password set")
        return AccountDisabled(user.display_name, "no password has been set for this account")
    problem: str | None = None
    if not _verify(user.password_hash, password):
        problem = "wrong password"
    elif user.totp_secret is not None:
        if not totp:
            failed("authenticator code missing")
            return TotpRequired(user.display_name)
        if not _totp_ok(user.totp_secret, totp, moment):
            problem = "wrong authenticator code"
    if problem is not None:
        if not record:
            return WrongPassword(user.display_name)
        user.failed_attempts += 1
        failed(problem)
        if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
            user.locked_until = moment + LOCKOUT
            user.failed_attempts = 0  # the next lock needs five new failures
            audit.record(s, who, "lockout", "user", user.id,
                         f"Locked {user.display_name} out until {user.locked_until:%H:%M} UTC "
                         f"after {MAX_FAILED_ATTEMPTS} failed sign-ins",
                         {"locked_until": user.locked_until})
            return AccountLocked(user.display_name, user.locked_until, just_now=True)
        return WrongPassword(user.display_name)
    if record:
        user.failed_attempts = 0
        user.locked_until = None
        if _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        audit.record(s, who, "sign_in", "user", user.id, f"{user.display_name} signed in")
    return user


def _totp_ok(secret: str, code: str, moment: datetime) -> bool:
    # One step either side: a phone's clock a little off still works.
    return pyotp.TOTP(secret).verify(code.strip().replace(" ", ""), for_time=moment,
                                     valid_window=1)


# --- managing users (owners) -------------------------------------------------------------------

def _out(s: Session, user: User) -> UserOut:
    scope = _scope(s, user.id)
    return UserOut(id=user.id, name=user.display_name, email=user.email, role=user.role,
                   active=user.is_active, has_password=user.password_hash is not None,
                   totp=user.totp_secret is not None, failed_attempts=user.failed_attempts,
                   locked_until=user.locked_until,
                   property_ids=None if scope is None else tuple(sorted(scope, key=str)))


def _check_role(role: str, field: str = "role") -> None:
    if role not in ROLES:
        raise ValidationError(field, f"{role!r} is not a role; choose one of {', '.join(ROLES)}")


def _check_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise ValidationError("name", "must not be empty")
    if len(clean) > NAME_LENGTH:
        raise ValidationError("name", f"must be at most {NAME_LENGTH} characters")
    return clean


def _first_password_is_an_owners(s: Session, user: User) -> None:
    if user.role != "owner" and not _any_password(s):
        raise ConflictError(
            f"the first password in a book must be an owner's, since it turns sign-in on: "
            f"set an owner's password first (`coliv user reset-password OWNER`), then "
            f"{user.display_name}'s")


def _keeps_an_owner(s: Session, user: User) -> None:
    """Refuse to leave the book without an active owner who can sign in (or, in a book
    without passwords, without an active owner at all)."""
    others = select(User.id).where(User.role == "owner", User.is_active.is_(True),
                                   User.id != user.id)
    if _any_password(s):
        others = others.where(User.password_hash.is_not(None))
    if s.scalar(select(exists(others))):
        return
    raise ConflictError(f"{user.display_name} is the last owner who can sign in; make another "
                        "user an owner first, so the book keeps someone who manages users")


def add_user(db: Database, actor: Actor, name: str, role: str, password: str, *,
             email: str | None = None) -> UserOut:
    """A new user with a password (always: an account without one cannot sign in)."""
    clean = _check_name(name)
    _check_role(role)
    check_password_rules(password)
    with writing(db, actor, "users.admin") as s:
        if _find(s, clean) is not None:
            raise ConflictError(f"there is already a user named {clean!r}")
        address = (email or "").strip() or f"{uuid.uuid4().hex[:12]}@users.coliv.local"
        if s.scalar(select(exists().where(func.lower(User.email) == address.lower()))):
            raise ConflictError(f"there is already a user with the email {address}")
        user = User(email=address, display_name=clean, role=role, is_active=True)
        _first_password_is_an_owners(s, user)
        user.password_hash = hash_password(password)
        s.add(user)
        s.flush()
        audit.record(s, actor, "create", "user", user.id, f"Added user {clean} ({role})",
                     {"role": role})
        return _out(s, user)


def list_users(db: Database, actor: Actor) -> list[UserOut]:
    with reading(db, actor, "users.admin") as s:
        return [_out(s, u) for u in s.scalars(select(User).order_by(func.lower(
            User.display_name)))]


def set_role(db: Database, actor: Actor, name: str, role: str) -> UserOut:
    _check_role(role)
    with writing(db, actor, "users.admin") as s:
        user = _user(s, name)
        old = user.role
        if old == role:
            return _out(s, user)
        if old == "owner":
            _keeps_an_owner(s, user)
        user.role = role
        audit.record(s, actor, "role_change", "user", user.id,
                     f"Changed {user.display_name}'s role from {old} to {role}",
                     {"role": [old, role]})
        return _out(s, user)


def set_active(db: Database, actor: Actor, name: str, active: bool) -> UserOut:
    """Disable a user (they cannot sign in; their history stays) or enable them again."""
    with writing(db, actor, "users.admin") as s:
        user = _user(s, name)
        if user.is_active == active:
            return _out(s, user)
        if not active and user.role == "owner":
            _keeps_an_owner(s, user)
        user.is_active = active
        audit.record(s, actor, "enable" if active else "disable", "user", user.id,
                     f"{'Enabled' if active else 'Disabled'} user {user.display_name}",
                     {"active": [not active, active]})
        return _out(s, user)


def reset_password(db: Database, actor: Actor, name: str, new_password: str) -> UserOut:
    """Set a user's password (an owner's reset); it also lifts a lock. The password itself
    is neither audited nor logged."""
    check_password_rules(new_password)
    with writing(db, actor, "users.admin") as s:
        user = _user(s, name)
        _first_password_is_an_owners(s, user)
        first = not _any_password(s)
        user.password_hash = hash_password(new_password)
        user.failed_attempts = 0
        user.locked_until = None
        audit.record(s, actor, "password_reset", "user", user.id,
                     f"Set a new password for {user.display_name}"
                     + (" (sign-in is now required in this book)" if first else ""))
        return _out(s, user)


def change_own_password(db: Database, actor: Actor, old_password: str,
                        new_password: str) -> None:
    """A signed-in user changes their own password (any role), knowing the current one."""
    check_password_rules(new_password, "new_password")
    with writing(db, actor, "read") as s:
        user = s.get(User, actor.user_id) if actor.user_id else None
        if user is None:
            raise NotFoundError("user", actor.name)
        if user.password_hash is not None and not _verify(user.password_hash, old_password):
            raise ValidationError("old_password", "is not your current password")
        _first_password_is_an_owners(s, user)
        user.password_hash = hash_password(new_password)
        audit.record(s, actor, "password_change", "user", user.id,
                     f"{user.display_name} changed their password")


def unlock(db: Database, actor: Actor, name: str) -> UserOut:
    with writing(db, actor, "users.admin") as s:
        user = _user(s, name)
        was = user.locked_until
        user.failed_attempts = 0
        user.locked_until = None
        audit.record(s, actor, "unlock", "user", user.id, f"Unlocked {user.display_name}",
                     {"locked_until": [was, None]})
        return _out(s, user)


def set_properties(db: Database, actor: Actor, name: str,
                   property_ids: Iterable[uuid.UUID] | None) -> UserOut:
    """Limit a user to some properties (None or empty: every property)."""
    wanted = set(property_ids or ())
    with writing(db, actor, "users.admin") as s:
        user = _user(s, name)
        known = set(s.scalars(select(Property.id).where(Property.id.in_(wanted)))) \
            if wanted else set()
        if wanted - known:
            missing = min(wanted - known, key=str)
            raise UnknownReference("property_ids", f"no property has the id {missing}")
        current = {row.property_id: row for row in s.scalars(
            select(UserProperty).where(UserProperty.user_id == user.id))}
        for pid, row in current.items():
            if pid not in wanted:
                s.delete(row)
        for pid in wanted - set(current):
            s.add(UserProperty(user_id=user.id, property_id=pid))
        s.flush()
        audit.record(s, actor, "scope_change", "user", user.id,
                     f"Limited {user.display_name} to {len(wanted)} properties" if wanted
                     else f"{user.display_name} sees every property",
                     {"property_ids": [sorted(map(str, current)), sorted(map(str, wanted))]})
        return _out(s, user)


# --- TOTP --------------------------------------------------------------------------------------

def _may_manage_factor(actor: Actor, user: User) -> None:
    if actor.user_id != user.id:
        actor.require("users.admin")


def enrol_totp(db: Database, actor: Actor, name: str) -> TotpEnrolment:
    """A fresh secret and its otpauth:// URI for `name` (themselves, or an owner for them).
    Nothing is stored until `confirm_totp` sees a code made from it."""
    with writing(db, actor, "read") as s:
        user = _user(s, name)
        _may_manage_factor(actor, user)
        secret = pyotp.random_base32()
        uri = pyotp.TOTP(secret).provisioning_uri(name=user.display_name,
                                                  issuer_name=TOTP_ISSUER)
        return TotpEnrolment(secret=secret, uri=uri)


def confirm_totp(db: Database, actor: Actor, name: str, secret: str, code: str, *,
                 now: Clock = utcnow) -> UserOut:
    """Put the enrolled secret in force once `code` shows the authenticator has it."""
    with writing(db, actor, "read") as s:
        user = _user(s, name)
        _may_manage_factor(actor, user)
        try:
            ok = _totp_ok(secret, code, now())
        except (ValueError, TypeError) as exc:  # not base32
            raise ValidationError("secret", "is not an authenticator secret") from exc
        if not ok:
            raise ValidationError("code", "does not match; check the phone's clock and try "
                                          "the next code")
        user.totp_secret = secret
        audit.record(s, actor, "totp_enabled", "user", user.id,
                     f"{user.display_name} now signs in with an authenticator code")
        return _out(s, user)


def remove_totp(db: Database, actor: Actor, name: str) -> UserOut:
    with writing(db, actor, "read") as s:
        user = _user(s, name)
        _may_manage_factor(actor, user)
        user.totp_secret = None
        audit.record(s, actor, "totp_removed", "user", user.id,
                     f"{user.display_name} signs in with the password alone")
        return _out(s, user)
