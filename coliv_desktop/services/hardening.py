"""`coliv db harden`: least-privilege login roles for an office's shared PostgreSQL.

Whoever holds the owner's connection can rewrite any table, the audit log included, and
change the schema. The desks should connect as `coliv_app` instead: it reads and writes the
app's tables, but may not UPDATE, DELETE or TRUNCATE the audit log (entries are only
appended), nor change the schema versioning tables, nor create or alter anything (no DDL:
it owns nothing and may not CREATE in the schema). `coliv_readonly` reads only (reports,
an accountant's spreadsheet). Migrations, imports and `harden` itself still run as the
owner. Every statement is safe to repeat: run it again after each upgrade.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, text

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Base
from coliv_desktop.domain.errors import PermissionDeniedError, ValidationError
from coliv_desktop.services.context import Actor, require_writable

if TYPE_CHECKING:
    import psycopg

APP_ROLE = "coliv_app"
READ_ONLY_ROLE = "coliv_readonly"
APPEND_ONLY = ("audit_log",)  # the app may add rows, never change or remove them
SCHEMA_TABLES = ("alembic_version", "coliv_meta")  # written by upgrades (the owner) only
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
INSUFFICIENT_PRIVILEGE = "42501"


@dataclass(frozen=True)
class Hardened:
    app_role: str
    read_only_role: str
    database: str
    statements: list[str]  # what was run (passwords masked)


def _role(field: str, name: str) -> str:
    if not _ROLE.match(name):
        raise ValidationError(field, f"{name!r} is not a role name CoLiv creates (lower-case "
                                     "letters, digits and _, starting with a letter)")
    return f'"{name}"'


def _ensure_role(conn: Connection, role: str, quoted: str, done: list[str]) -> None:
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if exists is None:
        _run(conn, f"CREATE ROLE {quoted} LOGIN", done)
    # A login role that is no superuser and owns nothing: whatever it was, it is that now.
    _run(conn, f"ALTER ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
         done)


def _run(conn: Connection, statement: str, done: list[str], shown: str | None = None) -> None:
    conn.exec_driver_sql(statement)
    done.append(shown or statement)


def harden(db: Database, actor: Actor, *, app_role: str = APP_ROLE,
           read_only_role: str = READ_ONLY_ROLE, app_password: str | None = None) -> Hardened:
    """Create (or bring back to what they must be) the app's login role and a read-only one,
    in one transaction. Refused on SQLite (a file is guarded by its permissions) and when this
    connection may not grant (it must be the tables' owner or a superuser)."""
    actor.require("data.admin")
    if db.is_sqlite:
        raise ValidationError("db_url", "a SQLite book has no database roles: it is protected "
                                        "by its file's permissions (readable by your user "
                                        "only); `coliv db harden` is for a PostgreSQL server")
    require_writable(db)
    app, reader = _role("app_role", app_role), _role("read_only_role", read_only_role)
    if app_role == read_only_role:
        raise ValidationError("read_only_role", "must differ from the app role")
    tables = [t.name for t in Base.metadata.sorted_tables]
    kept = [t for t in APPEND_ONLY if t in tables]
    done: list[str] = []
    try:
        with db.engine.begin() as conn:
            database = conn.execute(text("SELECT current_database()")).scalar_one()
            owner = conn.execute(text("SELECT current_user")).scalar_one()
            if app_role == owner or read_only_role == owner:
                raise ValidationError("app_role", f"{owner} is the login running this; the "
                                                  "app's roles must be others")
            quoted_db = '"' + str(database).replace('"', '""') + '"'
            for role, quoted in ((app_role, app), (read_only_role, reader)):
                _ensure_role(conn, role, quoted, done)
                _run(conn, f"GRANT CONNECT ON DATABASE {quoted_db} TO {quoted}", done)
                _run(conn, f"GRANT USAGE ON SCHEMA public TO {quoted}", done)
                _run(conn, f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}", done)
                _run(conn, f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {quoted}", done)
            # No DDL: nobody but the owner creates in the schema (PostgreSQL < 15 let PUBLIC).
            _run(conn, "REVOKE CREATE ON SCHEMA public FROM PUBLIC", done)
            _run(conn, f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
                 done)
            _run(conn, f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}", done)
            for table in kept:
                _run(conn, f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {app}", done)
            _run(conn, f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "
                       f"{', '.join(SCHEMA_TABLES)} FROM {app}", done)
            # Tables a later upgrade adds (created by this owner) work for the desks at once;
            # running harden again after the upgrade narrows any that must be append-only.
            _run(conn, f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO "
                       f"{reader}", done)
            _run(conn, f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, "
                       f"UPDATE, DELETE ON TABLES TO {app}", done)
            if app_password:
                from psycopg import sql

                raw = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
                statement = sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(app_role), sql.Literal(app_password)).as_string(raw)
                _run(conn, statement, done, f"ALTER ROLE {app} PASSWORD '***'")
    except ValidationError:
        raise
    except Exception as exc:
        if getattr(getattr(exc, "orig", None), "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
            raise PermissionDeniedError(
                "this login may not create roles or grant on these tables: run `coliv db "
                "harden` with the URL of the database's owner (or a superuser); nothing was "
                "changed") from exc
        raise
    return Hardened(app_role, read_only_role, str(database), done)
