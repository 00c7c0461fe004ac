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
    assert PERMISSIONS["viewer"] == frozenset({"read"})
