"""Users and sign-in (issue 13, item 1): password rules and hashing, the stored lockout,
owners' unlock and reset, TOTP with a fixed clock, the property scope, and the audit trail."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AuditEntry, User
from coliv_desktop.domain.errors import (
    AccountDisabled,
    AccountLocked,
    ConflictError,
    PermissionDeniedError,
    SignInRefused,
    SignInRequired,
    TotpRequired,
    ValidationError,
    WrongPassword,
)
from coliv_desktop.schemas import build
from coliv_desktop.schemas.portfolio import PropertyCreate
from coliv_desktop.services import portfolio, tenants, users
from coliv_desktop.services.context import Actor, local_actor
from tests.builders import flow_41, lease, tenant

GOOD = "Corr3ct-horse"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def at(moment: datetime) -> users.Clock:
    return lambda: moment


@pytest.fixture
def owner(db: Database, actor: Actor) -> Actor:
    """The book's owner, with a password set: sign-in is on."""
    users.reset_password(db, actor, actor.name, GOOD)
    return users.sign_in(db, actor.name, GOOD)


def audit_actions(db: Database) -> list[tuple[str, str]]:
    with db.read() as s:
        return [(e.action, e.actor_name) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "user")
            .order_by(AuditEntry.occurred_at, AuditEntry.id))]


@pytest.mark.parametrize(("password", "missing"), [
    ("Short1a", "at least 8 characters"),
    ("alllower123", "an upper-case letter"),
    ("ALLUPPER123", "a lower-case letter"),
    ("NoDigitsHere", "a digit"),
])
def test_password_rules_name_the_field_and_what_is_missing(password: str, missing: str) -> None:
    with pytest.raises(ValidationError, match=missing) as caught:
        users.check_password_rules(password)
    assert caught.value.field == "password"
    users.check_password_rules("Ünïcode-Paß9")  # upper, lower and a digit in any script


def test_the_production_hash_is_argon2id_at_a_recommended_cost() -> None:
    from argon2 import Type

    hasher = users.PRODUCTION_HASHER
    assert hasher.type is Type.ID
    assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2  # OWASP's minimum
    stored = hasher.hash(GOOD)
    assert stored.startswith("$argon2id$") and GOOD not in stored and hasher.verify(stored, GOOD)


def test_a_book_runs_without_sign_in_until_the_first_password(db: Database,
                                                              actor: Actor) -> None:
    assert not users.needs_sign_in(db)
    assert local_actor(db).role == "owner"
    users.reset_password(db, actor, actor.name, GOOD)
    assert users.needs_sign_in(db)
    with pytest.raises(SignInRequired):
        local_actor(db)
    with db.read() as s:
        stored = s.scalars(select(User.password_hash)).one()
    assert stored is not None and GOOD not in stored and stored.startswith("$argon2id$")
    with db.read() as s:
        assert all(GOOD not in str(e.changes) + e.summary for e in s.scalars(select(AuditEntry)))


def test_the_first_password_must_be_an_owners(db: Database, actor: Actor) -> None:
    with pytest.raises(ConflictError, match="owner's"):
        users.add_user(db, actor, "Sam", "staff", GOOD)
    assert not users.needs_sign_in(db)
    users.add_user(db, actor, "Olga", "owner", GOOD)
    assert users.needs_sign_in(db)


def test_sign_in_gives_the_users_role_and_audits_it(db: Database, owner: Actor) -> None:
    users.add_user(db, owner, "Sam", "staff", "Staff-pass1")
    sam = users.sign_in(db, "sam", "Staff-pass1")  # names are matched ignoring case
    assert (sam.name, sam.role, sam.property_ids) == ("Sam", "staff", None)
    assert not sam.may("ledger.write") and sam.may("maintenance.write")
    with pytest.raises(PermissionDeniedError):
        users.add_user(db, sam, "Eve", "owner", GOOD)
    with pytest.raises(WrongPassword):
        users.sign_in(db, "Sam", "Wrong-pass1")
    with pytest.raises(WrongPassword):
        users.sign_in(db, "Nobody", GOOD)
    actions = audit_actions(db)
    assert ("sign_in", "Sam") in actions and ("sign_in_failed", "Sam") in actions
    assert ("sign_in_failed", "Nobody") in actions


def test_five_failures_lock_for_15_minutes_and_the_lock_survives_a_restart(
        db: Database, owner: Actor) -> None:
    users.add_user(db, owner, "Sam", "staff", "Staff-pass1")
    for _ in range(4):
        with pytest.raises(WrongPassword):
            users.sign_in(db, "Sam", "Wrong-pass1", now=at(T0))
    with pytest.raises(AccountLocked) as caught:
        users.sign_in(db, "Sam", "Wrong-pass1", now=at(T0))
    assert caught.value.until == T0 + timedelta(minutes=15)
    # A new Database object (the app restarted) still refuses, even the right password.
    again = Database(db.url)
    try:
        with pytest.raises(AccountLocked):
            users.sign_in(again, "Sam", "Staff-pass1", now=at(T0 + timedelta(minutes=14)))
        sam = users.sign_in(again, "Sam", "Staff-pass1", now=at(T0 + timedelta(minutes=16)))
        assert sam.role == "staff"
    finally:
        again.dispose()
    actions = [a for a, _ in audit_actions(db)]
    assert actions.count("lockout") == 1 and actions.count("sign_in_failed") == 6


def test_owners_unlock_and_reset(db: Database, owner: Actor) -> None:
    users.add_user(db, owner, "Sam", "staff", "Staff-pass1")
    for _ in range(5):
        with pytest.raises(SignInRefused):
            users.sign_in(db, "Sam", "Wrong-pass1", now=at(T0))
    users.unlock(db, owner, "Sam")
    assert users.sign_in(db, "Sam", "Staff-pass1", now=at(T0)).name == "Sam"
    for _ in range(5):
        with pytest.raises(SignInRefused):
            users.sign_in(db, "Sam", "Wrong-pass1", now=at(T0))
    with pytest.raises(AccountLocked):
        users.sign_in(db, "Sam", "Staff-pass1", now=at(T0))
    with pytest.raises(ValidationError, match="digit"):
        users.reset_password(db, owner, "Sam", "NoDigitsHere")
    users.reset_password(db, owner, "Sam", "Brand-new2")
    assert users.sign_in(db, "Sam", "Brand-new2", now=at(T0)).name == "Sam"
    with pytest.raises(WrongPassword):
        users.sign_in(db, "Sam", "Staff-pass1", now=at(T0))
    sam = users.sign_in(db, "Sam", "Brand-new2", now=at(T0))
    with pytest.raises(PermissionDeniedError):
        users.unlock(db, sam, "Sam")
    assert {"unlock", "password_reset", "lockout"} <= {a for a, _ in audit_actions(db)}


def test_roles_change_disable_and_the_last_owner_stays(db: Database, owner: Actor) -> None:
    users.add_user(db, owner, "Mia", "manager", "Manager-1x")
    with pytest.raises(ConflictError, match="last owner"):
        users.set_role(db, owner, owner.name, "viewer")
    with pytest.raises(ConflictError, match="last owner"):
        users.set_active(db, owner, owner.name, False)
    with pytest.raises(ValidationError, match="not a role") as caught:
        users.set_role(db, owner, "Mia", "boss")
    assert caught.value.field == "role"
    assert users.set_role(db, owner, "Mia", "accountant").role == "accountant"
    assert users.sign_in(db, "Mia", "Manager-1x").role == "accountant"
    users.set_active(db, owner, "Mia", False)
    with pytest.raises(AccountDisabled):
        users.sign_in(db, "Mia", "Manager-1x")
    with db.read() as s:
        change = s.scalars(select(AuditEntry).where(AuditEntry.action == "role_change")).one()
    assert change.changes == {"role": ["manager", "accountant"]}
    assert change.actor_name == owner.name
    with pytest.raises(ConflictError, match="already"):
        users.add_user(db, owner, "mia", "viewer", GOOD)
    listed = {u.name: u for u in users.list_users(db, owner)}
    assert listed["Mia"].active is False and listed["Mia"].role == "accountant"


def test_totp_with_a_fixed_clock(db: Database, owner: Actor) -> None:
    enrolment = users.enrol_totp(db, owner, owner.name)
    assert enrolment.uri.startswith("otpauth://totp/") and enrolment.secret in enrolment.uri
    totp = pyotp.TOTP(enrolment.secret)
    with pytest.raises(ValidationError) as caught:
        users.confirm_totp(db, owner, owner.name, enrolment.secret,
                           totp.at(T0 - timedelta(minutes=5)), now=at(T0))
    assert caught.value.field == "code"
    users.confirm_totp(db, owner, owner.name, enrolment.secret, totp.at(T0), now=at(T0))
    later = T0 + timedelta(hours=3)
    with pytest.raises(TotpRequired):
        users.sign_in(db, owner.name, GOOD, now=at(later))
    with pytest.raises(WrongPassword):  # yesterday's code
        users.sign_in(db, owner.name, GOOD, totp.at(later - timedelta(days=1)), now=at(later))
    assert users.sign_in(db, owner.name, GOOD, totp.at(later), now=at(later)).role == "owner"
    # a code from the step before still works (a phone's clock a little behind)
    assert users.sign_in(db, owner.name, GOOD, totp.at(later - timedelta(seconds=30)),
                         now=at(later)).role == "owner"


def test_a_user_limited_to_some_properties_sees_only_those(db: Database, owner: Actor) -> None:
    flow = flow_41(db, owner)
    annex = portfolio.add_property(db, owner, build(
        PropertyCreate, name="Annex", address="1 Side St", city="Austin", state="TX",
        zip="78701")).id
    lease(db, owner, flow.rooms["3A-A"], tenant(db, owner, "Sarah"), date(2025, 12, 1))
    tenant(db, owner, "Nolease")
    users.add_user(db, owner, "Sam", "staff", "Staff-pass1")
    with pytest.raises(ValidationError):
        users.set_properties(db, owner, "Sam", [uuid.uuid4()])
    users.set_properties(db, owner, "Sam", [annex])
    sam = users.sign_in(db, "Sam", "Staff-pass1")
    assert sam.property_ids == frozenset({annex})
    assert [p.name for p in portfolio.list_properties(db, sam)] == ["Annex"]
    assert [name for _, name in portfolio.property_choices(db, sam)] == ["Annex"]
    assert tenants.search_tenants(db, sam) == []
    assert tenants.count_tenants(db, sam) == 0
    users.set_properties(db, owner, "Sam", [flow.property_id, annex])
    sam = users.sign_in(db, "Sam", "Staff-pass1")
    assert [t.first_name for t in tenants.search_tenants(db, sam)] == ["Sarah"]
    assert len(portfolio.list_properties(db, sam)) == 2
    assert tenants.count_tenants(db, owner) == 2  # the owner is not limited
    users.set_properties(db, owner, "Sam", None)
    assert users.sign_in(db, "Sam", "Staff-pass1").property_ids is None


def test_a_read_only_book_checks_sign_in_without_counting(db: Database, owner: Actor) -> None:
    users.add_user(db, owner, "Sam", "staff", "Staff-pass1")
    users.add_user(db, owner, "Olga", "accountant", GOOD)
    frozen = Database(db.url, read_only=True)
    try:
        with pytest.raises(WrongPassword):
            users.sign_in(frozen, "Sam", "Wrong-pass1")
        sam = users.sign_in(frozen, "Sam", "Staff-pass1")
        assert sam.read_only is not None and not sam.may("maintenance.write")
        assert users.sign_in(frozen, "Olga", GOOD).may("ledger.read")
    finally:
        frozen.dispose()
    with db.read() as s:
        assert s.scalars(select(User.failed_attempts).where(
            User.display_name == "Sam")).one() == 0


def test_users_change_their_own_password_and_factor_only(db: Database, owner: Actor) -> None:
    users.add_user(db, owner, "Sam", "staff", "Staff-pass1")
    sam = users.sign_in(db, "Sam", "Staff-pass1")
    with pytest.raises(ValidationError) as caught:
        users.change_own_password(db, sam, "Wrong-pass1", "Newer-pass2")
    assert caught.value.field == "old_password"
    with pytest.raises(ValidationError) as caught:
        users.change_own_password(db, sam, "Staff-pass1", "short")
    assert caught.value.field == "new_password"
    users.change_own_password(db, sam, "Staff-pass1", "Newer-pass2")
    sam = users.sign_in(db, "Sam", "Newer-pass2")
    with pytest.raises(PermissionDeniedError):
        users.enrol_totp(db, sam, owner.name)
    enrolment = users.enrol_totp(db, sam, "Sam")
    code = pyotp.TOTP(enrolment.secret).at(T0)
    assert users.confirm_totp(db, sam, "Sam", enrolment.secret, code, now=at(T0)).totp
    assert not users.remove_totp(db, owner, "Sam").totp  # an owner removes a lost phone's
    assert users.sign_in(db, "Sam", "Newer-pass2").name == "Sam"
    actions = [a for a, _ in audit_actions(db)]
    assert {"password_change", "totp_enabled", "totp_removed"} <= set(actions)
