"""Test Connection names the precise reason (issue 13, item 5), and a connection lost while a
service reads or writes is one clear error, nothing written.

Against the local PostgreSQL (COLIV_TEST_PG_URL; trust authentication, no SSL): a missing
database, a closed port, SSL required of a server without it. The mapping from libpq's
messages (authentication refused, SSL required by pg_hba, unknown host ...) is tested on the
errors themselves, which a trust server cannot produce.
"""

from __future__ import annotations

import os
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.services import connection, tenants
from coliv_desktop.services.connection import (
    ConnectionLost,
    Problem,
    check_connection,
    classify,
    with_sslmode,
)
from coliv_desktop.services.context import Actor
from tests.builders import tenant
from tests.conftest import PG_ENV, pg_admin_url


class FakePgError(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("message", "sqlstate", "problem"), [
    ('connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  '
     'password authentication failed for user "coliv"', None, Problem.AUTHENTICATION),
    ("whatever the text", "28P01", Problem.AUTHENTICATION),
    ('FATAL:  role "nobody" does not exist', None, Problem.AUTHENTICATION),
    ("fe_sendauth: no password supplied", None, Problem.AUTHENTICATION),
    ('FATAL:  database "coliv" does not exist', None, Problem.DATABASE_MISSING),
    ("x", "3D000", Problem.DATABASE_MISSING),
    ('FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "coliv", database "coliv", '
     "no encryption", None, Problem.SSL_REQUIRED),
    ('FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "coliv", database "coliv", '
     "SSL off", "28000", Problem.SSL_REQUIRED),
    ('FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "coliv", database "coliv", '
     "SSL encryption", None, Problem.NOT_ALLOWED),
    ("server does not support SSL, but SSL was required", None, Problem.SSL_UNSUPPORTED),
    ("SSL error: certificate verify failed", None, Problem.SSL_CERTIFICATE),
    ('server certificate for "db.example" does not match host name "10.0.0.5"', None,
     Problem.SSL_CERTIFICATE),
    ('connection to server at "127.0.0.1", port 1 failed: Connection refused', None,
     Problem.REFUSED),
    ("failed to resolve host 'nowhere': [Errno -2] Name or service not known", None,
     Problem.UNKNOWN_HOST),
    ('could not translate host name "nowhere" to address', None, Problem.UNKNOWN_HOST),
    ("connection timeout expired", None, Problem.UNREACHABLE),
    ("No route to host", None, Problem.UNREACHABLE),
    ("server closed the connection unexpectedly", None, Problem.UNREACHABLE),
    ("something else entirely", None, Problem.OTHER),
])
def test_libpq_messages_map_to_one_reason(message: str, sqlstate: str | None,
                                          problem: Problem) -> None:
    assert classify(FakePgError(message, sqlstate)) is problem
    wrapped = OperationalError("SELECT 1", {}, FakePgError(message, sqlstate))
    assert classify(wrapped) is problem


def test_each_reason_is_one_sentence_naming_what_to_check() -> None:
    url = make_url("postgresql+psycopg://coliv@office:5433/books")
    assert "office:5433" in connection.explain(Problem.REFUSED, url)
    assert "coliv" in connection.explain(Problem.AUTHENTICATION, url)
    assert "'books'" in connection.explain(Problem.DATABASE_MISSING, url)
    assert "require" in connection.explain(Problem.SSL_REQUIRED, url)
    assert "boom" in connection.explain(Problem.OTHER, url, "boom\nmore")


def test_sslmode_goes_into_the_url_query() -> None:
    url = make_url("postgresql+psycopg://coliv@office/books")
    assert with_sslmode(url, "verify-full").query == {"sslmode": "verify-full"}
    assert with_sslmode(url, None) == url
    with pytest.raises(ValidationError) as caught:
        with_sslmode(url, "always")
    assert caught.value.field == "sslmode"


needs_pg = pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set")


@needs_pg
def test_a_server_that_answers() -> None:
    check = check_connection(pg_admin_url(), sslmode="disable")
    assert check.ok and check.server_version and "connected to PostgreSQL" in check.message


@needs_pg
def test_a_missing_database_is_named() -> None:
    check = check_connection(pg_admin_url().set(database="coliv_no_such_book"))
    assert check.problem is Problem.DATABASE_MISSING
    assert "'coliv_no_such_book'" in check.message


@needs_pg
def test_a_closed_port_is_connection_refused() -> None:
    check = check_connection(pg_admin_url().set(host="127.0.0.1", port=1), timeout=3)
    assert check.problem is Problem.REFUSED and "127.0.0.1:1" in check.message


@needs_pg
def test_ssl_required_of_a_server_without_ssl() -> None:
    check = check_connection(pg_admin_url(), sslmode="require")
    assert check.problem is Problem.SSL_UNSUPPORTED


def _server_gone(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server stops answering: pooled connections are dropped and a new one is refused."""
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise psycopg.OperationalError(
            'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
            "Connection refused")

    db.engine.dispose()
    monkeypatch.setattr(db.engine.dialect, "connect", refuse)


def test_a_lost_server_is_one_clear_error_and_nothing_is_written(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    ident = tenant(db, actor, "Ana")
    if db.is_sqlite:  # a file does not go away like a server: ping always answers
        assert connection.ping(db).ok
        return
    assert connection.ping(db).ok
    _server_gone(db, monkeypatch)
    check = connection.ping(db)
    assert check.problem is Problem.REFUSED
    from coliv_desktop.schemas import build
    from coliv_desktop.schemas.people import TenantUpdate

    with pytest.raises(ConnectionLost) as caught:
        tenants.update_tenant(db, actor, ident, build(TenantUpdate, phone="555-0100"))
    assert "Nothing was saved" in str(caught.value) and caught.value.exit_code == 8
    with pytest.raises(ConnectionLost):  # a read, through any service, says the same
        tenants.search_tenants(db, actor)
    monkeypatch.undo()  # the server is back
    assert connection.ping(db).ok
    assert tenants.get_tenant(db, actor, ident).phone in (None, "")


@needs_pg
def test_coliv_db_ping(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from coliv_desktop.cli import main

    url = pg_admin_url()
    assert main(["db", "ping", url.render_as_string(hide_password=False)]) == 0
    assert capsys.readouterr().out.startswith("connected to PostgreSQL")
    missing = url.set(database="coliv_no_such_book").render_as_string(hide_password=False)
    assert main(["--db", missing, "db", "ping", "--json"]) == 8
    out, err = capsys.readouterr()
    assert json.loads(out)["problem"] == "database_missing"
    assert "no database named 'coliv_no_such_book'" in err and "Traceback" not in err
    assert main(["db", "ping", url.render_as_string(hide_password=False),
                 "--sslmode", "require"]) == 8
    assert "does not offer SSL" in capsys.readouterr().err
    assert main(["db", "ping", "sqlite:///x.db"]) == 2
