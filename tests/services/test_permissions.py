"""The one permission table and the read path beside the write path."""

from __future__ import annotations

import pytest

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import PermissionDeniedError
from coliv_desktop.services.context import PERMISSIONS, Actor, reading


def test_reading_checks_the_permission_before_any_statement(db: Database, actor: Actor) -> None:
    viewer = Actor(actor.user_id, actor.operator_id, "Vi", "viewer")
    with reading(db, viewer) as session:
        assert session is not None
    with pytest.raises(PermissionDeniedError, match="ledger.write"), \
            reading(db, viewer, "ledger.write"):
        raise AssertionError("a viewer read what needs ledger.write")


def test_staff_run_operations_but_not_money_or_personal_documents() -> None:
    assert {"maintenance.write", "community.write"} <= PERMISSIONS["staff"]
    assert "ledger.write" not in PERMISSIONS["staff"]
    assert "documents.write" not in PERMISSIONS["staff"]
    assert "documents.write" in PERMISSIONS["manager"]
    assert all(p == "read" or p.endswith(".read") for p in PERMISSIONS["viewer"])


WRITES = {"portfolio.write", "tenants.write", "leases.write", "applications.write",
          "ledger.write", "documents.write", "maintenance.write", "community.write",
          "tenants.export", "tenants.erase"}  # a tenant's data request: owner and manager
READS = {"read", "ledger.read", "documents.read", "audit.read"}


def test_each_role_has_exactly_what_issue_13_gives_it() -> None:
    assert set(PERMISSIONS) == {"owner", "manager", "staff", "accountant", "viewer"}
    # owner: everything, users and settings included
    assert PERMISSIONS["owner"] == READS | WRITES | {"settings.write", "users.admin",
                                                     "data.admin", "data.read"}
    # manager: everything but users and settings (and replacing the whole book)
    assert PERMISSIONS["manager"] == READS | WRITES
    # staff: maintenance, community, tenants' contact details; no money, no personal papers
    assert PERMISSIONS["staff"] == {"read", "maintenance.write", "community.write",
                                    "tenants.write"}
    # accountant: the ledger and reports, read-only elsewhere
    assert PERMISSIONS["accountant"] == READS | {"ledger.write"}
    assert PERMISSIONS["viewer"] == READS


@pytest.mark.parametrize("role", ["manager", "staff", "accountant", "viewer"])
def test_only_owners_manage_users_and_settings(role: str) -> None:
    someone = Actor(None, None, "X", role)
    assert not someone.may("users.admin") and not someone.may("settings.write")
    assert Actor(None, None, "O", "owner").may("users.admin")
