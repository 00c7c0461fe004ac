"""`coliv db harden`: the desks' PostgreSQL login can use the app but cannot rewrite the audit
log or change the schema; refused on SQLite."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ProgrammingError

from coliv_desktop.__main__ import main
from coliv_desktop.db.engine import Database
from coliv_desktop.db.migrate import open_database, upgrade
from coliv_desktop.domain.errors import PermissionDeniedError, ValidationError
from coliv_desktop.services import audit, hardening, tenants
from coliv_desktop.services.context import Actor, local_actor
from tests.builders import tenant
from tests.conftest import PG_ENV, create_pg_database, drop_pg_database, pg_admin_url

needs_pg = pytest.mark.skipif(PG_ENV not in os.environ, reason="PostgreSQL tests need "
                                                               f"{PG_ENV}")


@pytest.fixture
def roles() -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:8]
    return f"coliv_app_{suffix}", f"coliv_ro_{suffix}"


@pytest.fixture
def owner_url(roles: tuple[str, str]) -> Iterator[URL]:
    """A migrated PostgreSQL database of its own; its roles dropped after it (they hold
    privileges in it until then)."""
    url = create_pg_database(f"coliv_harden_{uuid.uuid4().hex[:12]}")
    upgrade(url)
    yield url
    drop_pg_database(url)
    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for name in roles:
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    engine.dispose()


def _refused(db: Database, sql: str) -> None:
    with pytest.raises(ProgrammingError) as caught, db.engine.begin() as conn:
        conn.execute(text(sql))
    assert getattr(caught.value.orig, "sqlstate", None) == "42501", caught.value


@needs_pg
def test_the_app_role_uses_the_app_but_cannot_rewrite_the_audit_log(
        owner_url: URL, roles: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    app_role, read_only = roles
    owner_db = Database(owner_url)
    try:
        owner = local_actor(owner_db)
        tenant(owner_db, owner, "Before")
        done = hardening.harden(owner_db, owner, app_role=app_role, read_only_role=read_only)
        again = hardening.harden(owner_db, owner, app_role=app_role, read_only_role=read_only)
        # idempotent: the same state again, only the roles are not created twice
        assert [x for x in done.statements if not x.startswith("CREATE ROLE")] \
            == again.statements
    finally:
        owner_db.dispose()

    desk = open_database(owner_url.set(username=app_role))  # no upgrade needed, none tried
    try:
        actor = local_actor(desk)
        made = tenant(desk, actor, "Desk")
        assert {t.first_name for t in tenants.search_tenants(desk, actor)} == {"Before", "Desk"}
        assert audit.verify_chain(desk, actor).ok
        for sql in ("UPDATE audit_log SET summary = 'nothing'", "DELETE FROM audit_log",
                    "TRUNCATE audit_log", "CREATE TABLE sneaky (id integer)",
                    "ALTER TABLE tenants ADD COLUMN sneaky integer",
                    "UPDATE alembic_version SET version_num = '0001'", "DROP TABLE leases"):
            _refused(desk, sql)
        with desk.engine.begin() as conn:  # ordinary tables: read and write
            conn.execute(text("UPDATE tenants SET phone = '555' WHERE id = :i"), {"i": made})
    finally:
        desk.dispose()

    reader = Database(owner_url.set(username=read_only))
    try:
        with reader.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM tenants")).scalar() == 2
        _refused(reader, "INSERT INTO coliv_meta (key, value) VALUES ('x', 'y')")
    finally:
        reader.dispose()

    code = main(["--db", owner_url.render_as_string(hide_password=False), "db", "harden",
                 "--app-role", app_role, "--read-only-role", read_only])
    out = capsys.readouterr().out
    assert code == 0 and f"the desks connect as {app_role}" in out


@needs_pg
def test_harden_needs_the_owner(owner_url: URL, roles: tuple[str, str]) -> None:
    app_role, read_only = roles
    owner_db = Database(owner_url)
    try:
        owner = local_actor(owner_db)
        hardening.harden(owner_db, owner, app_role=app_role, read_only_role=read_only)
        viewer = Actor(owner.user_id, owner.operator_id, "Val", role="viewer")
        with pytest.raises(PermissionDeniedError):
            hardening.harden(owner_db, viewer, app_role=app_role, read_only_role=read_only)
    finally:
        owner_db.dispose()
    desk = Database(owner_url.set(username=app_role))
    try:  # the app's own login may not hand out rights
        with pytest.raises(PermissionDeniedError, match="owner"):
            hardening.harden(desk, local_actor(desk), app_role=read_only,
                             read_only_role=f"{read_only}_x")
    finally:
        desk.dispose()


def test_harden_is_refused_on_sqlite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'books.db'}")
    db = open_database(url, create=True)
    try:
        with pytest.raises(ValidationError, match="SQLite"):
            hardening.harden(db, local_actor(db))
    finally:
        db.dispose()
    assert main(["--db", str(url), "db", "harden"]) == 2
    err = capsys.readouterr().err
    assert "PostgreSQL server" in err and "Traceback" not in err
    with pytest.raises(ValidationError, match="role name"):
        hardening._role("app_role", 'x"; DROP TABLE tenants; --')
