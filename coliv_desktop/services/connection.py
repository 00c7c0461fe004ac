"""Whether a PostgreSQL server can be used, and why not, in words a person can act on.

The connection dialog's Test Connection (and `coliv db ping`) calls `check_connection`; the
window's watch calls `ping` on the open database. The reasons are read from psycopg's errors
in `db.reachability`, where `Database.read()`/`write()` also turn a connection lost mid-work
into `ConnectionLost` (nothing written, the dialog keeps what was typed).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from coliv_desktop.db import reachability
from coliv_desktop.db.engine import Database
from coliv_desktop.db.reachability import (
    NETWORK,
    ConnectionLost,
    Problem,
    classify,
    explain,
)

__all__ = ["CONNECT_TIMEOUT", "NETWORK", "SSL_MODES", "ConnectionCheck", "ConnectionLost",
           "Problem", "check_connection", "classify", "explain", "ping", "unreachable",
           "with_sslmode"]

SSL_MODES = ("disable", "prefer", "require", "verify-full")
CONNECT_TIMEOUT = 5  # seconds: a Test Connection or a ping answers soon, whatever the network


@dataclass(frozen=True)
class ConnectionCheck:
    """What Test Connection found: `problem` None when the server answered."""

    problem: Problem | None
    message: str
    server_version: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def with_sslmode(url: URL, sslmode: str | None) -> URL:
    """`url` with libpq's sslmode in its query (None or "" leaves it as it is)."""
    if not sslmode:
        return url
    if sslmode not in SSL_MODES:
        from coliv_desktop.domain.errors import ValidationError

        raise ValidationError("sslmode", f"{sslmode!r} is not one of {', '.join(SSL_MODES)}")
    return url.update_query_dict({"sslmode": sslmode})


def check_connection(url: URL, password: str | None = None, sslmode: str | None = None, *,
                     timeout: int = CONNECT_TIMEOUT) -> ConnectionCheck:
    """Connect to the PostgreSQL server at `url` once (no pool, no migration) and say whether
    it can be used, or precisely why not. Waits at most about `timeout` seconds: call it from
    a worker."""
    url = with_sslmode(url, sslmode)
    if password:
        url = url.set(password=password)
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": timeout})
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
    except DBAPIError as exc:
        problem = classify(exc)
        return ConnectionCheck(problem, explain(problem, url, str(exc.orig)))
    finally:
        engine.dispose()
    return ConnectionCheck(None, f"connected to PostgreSQL {version} at {reachability.where(url)}",
                           str(version))


def ping(db: Database) -> ConnectionCheck:
    """A light `SELECT 1` on the open database: whether its server still answers (the
    window's lost-connection banner). A SQLite file always answers here."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        problem = classify(exc)
        return ConnectionCheck(problem, explain(problem, db.url, str(exc.orig)))
    return ConnectionCheck(None, "the server answers")


def unreachable(db: Database, error: BaseException) -> str | None:
    """Why the server of `db` cannot be used, when `error` (from any service call) says it
    went away or refuses us now; None for any other error, and always for a SQLite file."""
    if isinstance(error, ConnectionLost):
        return explain(error.problem, db.url)
    if db.is_sqlite or not isinstance(error, DBAPIError):
        return None
    problem = classify(error)
    if problem is Problem.OTHER:
        return explain(Problem.UNREACHABLE, db.url) if error.connection_invalidated else None
    return explain(problem, db.url)

