"""Alembic environment. Run through `coliv_desktop.db.migrate`, which hands over a connection
(SQLite: foreign keys off, since batch mode rebuilds tables by copy-and-drop)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from coliv_desktop.db.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=False,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from coliv_desktop.config import parse_db_url
    from coliv_desktop.db.engine import make_engine

    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url, e.g. alembic -x ... or COLIV_DB_URL")
    engine = make_engine(parse_db_url(url), migrating=True)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("CoLiv migrations run online only")
run_migrations_online()
