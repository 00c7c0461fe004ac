"""`coliv user ...` and the global `--user` (issue 13, item 1): once any user has a password,
every command signs in, a refused sign-in exits 5 having changed nothing, and the audit log
names who acted."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.engine import URL

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AuditEntry
from coliv_desktop.services import portability
from tests.builders import OWNER
from tests.cli.test_cli import Cli

OWNER_PW = "Owner-pass1"
STAFF_PW = "Staff-pass1"
PROPERTY = ("property", "add", "--name", "Kept", "--address", "1 A St", "--city", "Austin",
            "--state", "TX", "--zip", "78701")


@pytest.fixture
def cli(db_url: URL, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("COLIV_PASSWORD", raising=False)
    monkeypatch.delenv("COLIV_NEW_PASSWORD", raising=False)
    monkeypatch.delenv("COLIV_TOTP", raising=False)
    return Cli(db_url, capsys)


def listed(cli: Cli, *sign_in: str) -> dict[str, dict[str, object]]:
    rows = json.loads(cli.ok(*sign_in, "user", "list", "--json"))
    return {row["name"]: row for row in rows}


def book_without_sign_in_traces(url: str) -> str:
    """The book as an export, less what a sign-in attempt writes by design (the user's
    failure count and lock, and the audit log)."""
    from sqlalchemy.engine import make_url

    db = Database(make_url(url))
    try:
        data = portability.export_data(db, OWNER)
    finally:
        db.dispose()
    tables = {k: v for k, v in data["tables"].items() if k not in ("users", "audit_log")}
    return json.dumps(tables, sort_keys=True, default=str)


def audit(url: str) -> list[AuditEntry]:
    from sqlalchemy.engine import make_url

    db = Database(make_url(url))
    try:
        with db.read() as s:
            rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.occurred_at,
                                                                  AuditEntry.id)))
            s.expunge_all()
            return rows
    finally:
        db.dispose()


@pytest.fixture
def signed(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> str:
    """A book whose owner set a password: returns the owner's name."""
    owner = next(iter(listed(cli)))
    monkeypatch.setenv("COLIV_NEW_PASSWORD", OWNER_PW)
    cli.ok("user", "reset-password", owner)
    monkeypatch.delenv("COLIV_NEW_PASSWORD")
    return owner


def test_an_open_book_needs_no_sign_in_and_the_first_password_is_an_owners(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    (owner, row), = listed(cli).items()
    assert row["role"] == "owner" and row["has_password"] is False
    monkeypatch.setenv("COLIV_NEW_PASSWORD", STAFF_PW)
    code, _, err = cli.run("user", "add", "--name", "Sam", "--role", "staff")
    assert code == 4 and "owner's" in err
    monkeypatch.setenv("COLIV_NEW_PASSWORD", "weakling")
    code, _, err = cli.run("user", "reset-password", owner)
    assert code == 2 and err.startswith("error: password:") and "digit" in err
    code, _, err = cli.run("user", "add", "--name", "Sam", "--role", "boss")
    assert code == 2 and "--role" in err
    cli.ok(*PROPERTY)  # still open: nothing was set


def test_once_a_password_exists_every_command_signs_in(
        cli: Cli, signed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = cli.run("property", "list")
    assert code == 5 and "--user NAME" in err
    code, _, err = cli.run("--user", signed, "property", "list")  # no password anywhere
    assert code == 5 and "COLIV_PASSWORD" in err
    before = book_without_sign_in_traces(cli.url)
    monkeypatch.setenv("COLIV_PASSWORD", "Wrong-pass1")
    code, _, err = cli.run("--user", signed, *PROPERTY)
    assert code == 5 and "wrong name or password" in err
    assert book_without_sign_in_traces(cli.url) == before
    monkeypatch.setenv("COLIV_PASSWORD", OWNER_PW)
    cli.new_id("--user", signed, *PROPERTY)
    last = audit(cli.url)[-1]
    assert (last.action, last.actor_name) == ("create", signed)
    actions = [(e.action, e.actor_name) for e in audit(cli.url) if e.entity_type == "user"]
    assert ("sign_in_failed", signed) in actions and ("sign_in", signed) in actions


def test_owners_manage_users_from_the_command_line(
        cli: Cli, signed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    owner = ("--user", signed)
    monkeypatch.setenv("COLIV_PASSWORD", OWNER_PW)
    monkeypatch.setenv("COLIV_NEW_PASSWORD", STAFF_PW)
    cli.new_id(*owner, "user", "add", "--name", "Sam", "--role", "staff")
    code, _, err = cli.run(*owner, "user", "add", "--name", "sam", "--role", "viewer")
    assert code == 4 and "already" in err
    assert listed(cli, *owner)["Sam"]["role"] == "staff"
    cli.ok(*owner, "user", "set-role", "Sam", "accountant")
    assert listed(cli, *owner)["Sam"]["role"] == "accountant"
    code, _, err = cli.run(*owner, "user", "set-role", signed, "viewer")
    assert code == 4 and "last owner" in err
    code, _, _ = cli.run(*owner, "user", "unlock", "Nobody")
    assert code == 3

    # Sam, an accountant, may not manage users; five wrong passwords lock Sam out.
    monkeypatch.setenv("COLIV_PASSWORD", STAFF_PW)
    code, _, err = cli.run("--user", "Sam", "user", "list")
    assert code == 5 and "users.admin" in err
    monkeypatch.setenv("COLIV_PASSWORD", "Wrong-pass1")
    for _ in range(5):
        assert cli.run("--user", "Sam", "property", "list")[0] == 5
    monkeypatch.setenv("COLIV_PASSWORD", STAFF_PW)
    code, _, err = cli.run("--user", "Sam", "property", "list")
    assert code == 5 and "locked until" in err
    monkeypatch.setenv("COLIV_PASSWORD", OWNER_PW)
    assert listed(cli, *owner)["Sam"]["locked_until"] is not None
    cli.ok(*owner, "user", "unlock", "Sam")
    monkeypatch.setenv("COLIV_PASSWORD", STAFF_PW)
    cli.ok("--user", "Sam", "property", "list")

    monkeypatch.setenv("COLIV_PASSWORD", OWNER_PW)
    cli.ok(*owner, "user", "disable", "Sam")
    monkeypatch.setenv("COLIV_PASSWORD", STAFF_PW)
    code, _, err = cli.run("--user", "Sam", "property", "list")
    assert code == 5 and "disabled" in err
    monkeypatch.setenv("COLIV_PASSWORD", OWNER_PW)
    cli.ok(*owner, "user", "enable", "Sam")
    monkeypatch.setenv("COLIV_NEW_PASSWORD", "Reset-pass2")
    cli.ok(*owner, "user", "reset-password", "Sam")
    monkeypatch.setenv("COLIV_PASSWORD", "Reset-pass2")
    cli.ok("--user", "Sam", "property", "list")
    actions = {e.action for e in audit(cli.url) if e.entity_type == "user"}
    assert {"create", "role_change", "lockout", "unlock", "disable", "enable",
            "password_reset", "sign_in", "sign_in_failed"} <= actions


def test_an_authenticator_code_from_the_environment(
        cli: Cli, signed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = pyotp.random_base32()
    monkeypatch.setattr("coliv_desktop.services.users.pyotp.random_base32", lambda: secret)
    monkeypatch.setenv("COLIV_PASSWORD", OWNER_PW)
    code = pyotp.TOTP(secret).at(datetime.now(UTC))
    monkeypatch.setenv("COLIV_TOTP", code)
    out = cli.ok("--user", signed, "user", "totp", signed)
    assert f"secret: {secret}" in out and "otpauth://totp/" in out
    monkeypatch.delenv("COLIV_TOTP")
    err = cli.run("--user", signed, "property", "list")[2]
    assert "authenticator code" in err
    monkeypatch.setenv("COLIV_TOTP", pyotp.TOTP(secret).at(datetime.now(UTC)))
    cli.ok("--user", signed, "property", "list")
