"""Why a PostgreSQL server cannot be used, read from what psycopg raised.

libpq reports a failed connection as text (psycopg's `OperationalError` carries no SQLSTATE
for it), so the reason is read from its message, the SQLSTATE first when there is one. Here
in `db` so that `Database.read()`/`write()` turn a connection lost mid-work into one sentence
(`ConnectionLost`) for every service; `services.connection` builds Test Connection on it.
"""

from __future__ import annotations

import re
from enum import StrEnum

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from coliv_desktop.domain.errors import DatabaseUnavailable


class Problem(StrEnum):
    UNKNOWN_HOST = "unknown host"
    UNREACHABLE = "host unreachable"
    REFUSED = "connection refused"
    AUTHENTICATION = "authentication failed"
    DATABASE_MISSING = "database missing"
    SSL_REQUIRED = "SSL required"
    SSL_UNSUPPORTED = "SSL not offered by the server"
    SSL_CERTIFICATE = "SSL certificate not trusted"
    NOT_ALLOWED = "connection not allowed"
    OTHER = "other"


# The server cannot be reached at all (the banner's "connection lost"), as opposed to a
# server that answers and refuses.
NETWORK = frozenset({Problem.UNKNOWN_HOST, Problem.UNREACHABLE, Problem.REFUSED})

_SQLSTATES = {
    "28P01": Problem.AUTHENTICATION,  # invalid_password
    "3D000": Problem.DATABASE_MISSING,  # invalid_catalog_name
    "08001": Problem.UNREACHABLE,  # sqlclient_unable_to_establish_sqlconnection
    "08006": Problem.UNREACHABLE,  # connection_failure
    "57P01": Problem.UNREACHABLE,  # admin_shutdown: the server went away
    "57P03": Problem.UNREACHABLE,  # cannot_connect_now: starting up or shutting down
}

# (fragment of libpq's message, lower case) -> problem; the first that matches wins, so the
# precise ones come before the general ("no pg_hba.conf entry ... no encryption" is SSL).
_MESSAGES: tuple[tuple[str, Problem], ...] = (
    ("server does not support ssl", Problem.SSL_UNSUPPORTED),
    ("certificate verify failed", Problem.SSL_CERTIFICATE),
    ("root certificate file", Problem.SSL_CERTIFICATE),
    ("does not match host name", Problem.SSL_CERTIFICATE),
    ("ssl connection is required", Problem.SSL_REQUIRED),
    ("no encryption", Problem.SSL_REQUIRED),  # pg_hba has only hostssl lines (PG 15+)
    ("ssl off", Problem.SSL_REQUIRED),  # the same before PostgreSQL 15
    ("no pg_hba.conf entry", Problem.NOT_ALLOWED),
    ("password authentication failed", Problem.AUTHENTICATION),
    ("authentication failed", Problem.AUTHENTICATION),  # scram, md5, ldap, cert ...
    ("no password supplied", Problem.AUTHENTICATION),
    ("connection refused", Problem.REFUSED),
    ("could not translate host name", Problem.UNKNOWN_HOST),
    ("failed to resolve host", Problem.UNKNOWN_HOST),
    ("name or service not known", Problem.UNKNOWN_HOST),
    ("nodename nor servname", Problem.UNKNOWN_HOST),
    ("timeout expired", Problem.UNREACHABLE),
    ("timed out", Problem.UNREACHABLE),
    ("no route to host", Problem.UNREACHABLE),
    ("network is unreachable", Problem.UNREACHABLE),
    ("server closed the connection", Problem.UNREACHABLE),
    ("terminating connection", Problem.UNREACHABLE),
    ("connection is closed", Problem.UNREACHABLE),
    ("consuming input failed", Problem.UNREACHABLE),
)

_MISSING = re.compile(r'fatal:\s+(?P<what>role|database) ".*" does not exist')


def classify(error: BaseException) -> Problem:
    """The reason a connection failed, from a psycopg error (or SQLAlchemy's wrapper)."""
    orig = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    state = getattr(orig, "sqlstate", None)
    if state in _SQLSTATES:
        return _SQLSTATES[state]
    message = str(orig).lower()
    if state == "28000" and "pg_hba" not in message:  # invalid_authorization_specification
        return Problem.AUTHENTICATION
    for fragment, problem in _MESSAGES:
        if fragment in message:
            return problem
    missing = _MISSING.search(message)
    if missing:
        return Problem.AUTHENTICATION if missing["what"] == "role" else Problem.DATABASE_MISSING
    return Problem.OTHER


def where(url: URL) -> str:
    """host:port, as people name a server."""
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def explain(problem: Problem, url: URL, detail: str = "") -> str:
    """One sentence saying what is wrong and what to do about it."""
    at, user, name = where(url), url.username or "this user", url.database or "?"
    sentences = {
        Problem.UNKNOWN_HOST: f"there is no server named {url.host!r}: check the server name",
        Problem.UNREACHABLE: f"the server {at} does not answer: check the network, the "
                             "VPN or that the server is on",
        Problem.REFUSED: f"nothing accepts connections at {at} (connection refused): "
                         "check the port, and that PostgreSQL is running there",
        Problem.AUTHENTICATION: f"the server refused the login of {user}: check the user "
                                "name and the password",
        Problem.DATABASE_MISSING: f"the server has no database named {name!r}: check the "
                                  "name, or ask its administrator to create it",
        Problem.SSL_REQUIRED: "the server accepts only encrypted connections: choose SSL mode "
                              "'require' (or 'verify-full')",
        Problem.SSL_UNSUPPORTED: "the server does not offer SSL: choose SSL mode 'prefer' or "
                                 "'disable', or ask its administrator to turn SSL on",
        Problem.SSL_CERTIFICATE: "the server's certificate is not trusted for this name "
                                 "(verify-full): check the server name or install its root "
                                 "certificate",
        Problem.NOT_ALLOWED: f"the server does not let {user} connect from this machine to "
                             f"{name!r} (pg_hba.conf): ask its administrator",
        Problem.OTHER: "the server could not be used",
    }
    sentence = sentences[problem]
    first = detail.strip().splitlines()[0] if detail.strip() else ""
    return f"{sentence} ({first})" if problem is Problem.OTHER and first else sentence


class ConnectionLost(DatabaseUnavailable):
    """The server stopped answering during a read or a write: nothing was written."""

    def __init__(self, url: URL, problem: Problem) -> None:
        super().__init__(f"{explain(problem, url)}. Nothing was saved: try again once the "
                         "server answers")
        self.problem = problem


def lost(url: URL, exc: DBAPIError) -> ConnectionLost | None:
    """`exc` as a lost connection to the PostgreSQL server at `url`, or None when it is
    something else (a constraint, a bad statement) or the database is a SQLite file."""
    if url.get_backend_name() == "sqlite":
        return None
    problem = classify(exc)
    if problem in NETWORK or (exc.connection_invalidated and problem is Problem.OTHER):
        return ConnectionLost(url, Problem.UNREACHABLE if problem is Problem.OTHER
                              else problem)
    return None
