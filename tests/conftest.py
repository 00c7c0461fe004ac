"""Test fixtures shared by every layer.

Each test gets its own data folder, an in-memory keychain and, through `db`, a fresh database on
each engine: SQLite always, PostgreSQL when COLIV_TEST_PG_URL is set. When it is set and the
server cannot be reached, the PostgreSQL tests error out: CI fails rather than skipping them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from coliv_desktop import config
from coliv_desktop.db.engine import Database
from coliv_desktop.db.migrate import upgrade
from coliv_desktop.db.models import Base
from coliv_desktop.db.models.books import SCHEDULE_E
from coliv_desktop.domain.money import DEFAULT_FORMAT, reset_money_format, set_money_format
from coliv_desktop.services.context import Actor, local_actor

PG_ENV = "COLIV_TEST_PG_URL"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MemoryKeyring]:
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path / "data"))
    monkeypatch.delenv(config.DB_URL_ENV, raising=False)
    monkeypatch.delenv("COLIV_TODAY", raising=False)
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its lowest cost in tests: the production cost (64 MiB, 3 passes) is
    meant to be slow, and a sign-in test hashes dozens of times. test_users checks the
    production parameters themselves."""
    from argon2 import PasswordHasher

    from coliv_desktop.services import users

    monkeypatch.setattr(users, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024,
                                                         parallelism=1))


@pytest.fixture(autouse=True)
def default_money_format() -> Iterator[None]:
    """Each test starts with amounts read as en_US/USD (a test that opened a de_DE book on
    this thread leaves nothing behind)."""
    token = set_money_format(DEFAULT_FORMAT)
    yield
    reset_money_format(token)


def engines() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def pg_admin_url() -> URL:
    return config.parse_db_url(os.environ[PG_ENV])


def create_pg_database(name: str) -> URL:
    admin = pg_admin_url()
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.set(database=name)


def drop_pg_database(url: URL) -> None:
    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test copies it rather than migrating again."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(make_url(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[URL]:
    url = create_pg_database(f"coliv_test_{os.getpid()}")
    upgrade(url)
    yield url
    drop_pg_database(url)


_DATA_TABLES = [t.name for t in Base.metadata.sorted_tables if t.name != "coliv_meta"]


def _truncate(url: URL) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(_DATA_TABLES)} CASCADE"))
        # the book's key check: each test's keychain (MemoryKeyring) starts empty
        conn.execute(text("DELETE FROM coliv_meta WHERE key = 'key_check'"))
        # what migration 0010 seeds, as a new book has it: the Schedule E categories
        conn.execute(text("INSERT INTO expense_categories (id, name, schedule_e_line, version, "
                          "created_at, updated_at) VALUES (:id, :name, :line, 1, now(), now())"),
                     [{"id": uuid.uuid4(), "name": n, "line": ln} for n, ln in SCHEDULE_E])
    engine.dispose()


@pytest.fixture(params=engines())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> URL:
    """A migrated, empty database on each engine."""
    if request.param == "sqlite":
        path = tmp_path / "coliv.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return make_url(f"sqlite:///{path}")
    url: URL = request.getfixturevalue("pg_session_url")
    _truncate(url)
    return url


@pytest.fixture
def db(db_url: URL) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def actor(db: Database) -> Actor:
    return local_actor(db)


@pytest.fixture
def fresh_pg_url() -> Iterator[URL]:
    """A brand-new, unmigrated PostgreSQL database (for migration tests)."""
    if PG_ENV not in os.environ:
        raise RuntimeError("only requested by PostgreSQL-parametrised tests")
    url = create_pg_database(f"coliv_fresh_{uuid.uuid4().hex[:12]}")
    yield url
    drop_pg_database(url)
