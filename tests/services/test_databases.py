"""services.databases: what the window opens, creates, backs up, restores and closes a
database through (it imports no `db` module itself)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from coliv_desktop.domain.errors import ColivError, ValidationError
from coliv_desktop.services import databases, portfolio, settings
from coliv_desktop.services.context import Actor
from coliv_desktop.services.databases import Database, OpenedDatabase
from tests.builders import flow_41


def test_opening_reads_the_actor_and_the_book_s_display_settings(db_url: URL) -> None:
    first = databases.open_database(db_url)
    try:
        settings.set_settings(first.db, first.actor, {"currency": "EUR", "locale": "de_DE"})
    finally:
        databases.close(first.db)
    steps: list[str] = []
    opened = databases.open_database(db_url, steps.append)
    try:
        assert isinstance(opened, OpenedDatabase) and isinstance(opened.db, Database)
        assert (opened.currency, opened.locale) == ("EUR", "de_DE")
        assert opened.money_format.currency == "EUR"
        assert opened.actor.may("data.admin")
    finally:
        databases.close(opened.db)


def test_a_missing_file_is_created_only_when_asked(tmp_path: Path) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'new.db'}")
    with pytest.raises(ColivError):
        databases.open_database(url)
    assert not (tmp_path / "new.db").exists()
    steps: list[str] = []
    opened = databases.create_database(url, steps.append)
    try:
        assert (tmp_path / "new.db").exists() and steps  # migrated, step by step
        assert portfolio.list_properties(opened.db, opened.actor) == []
    finally:
        databases.close(opened.db)


def test_the_demo_is_loaded_once(tmp_path: Path) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'demo.db'}")
    opened = databases.open_demo(url)
    count = len(portfolio.list_properties(opened.db, opened.actor, include_archived=True))
    databases.close(opened.db)
    assert count > 0
    again = databases.open_demo(url)
    try:
        assert len(portfolio.list_properties(again.db, again.actor, include_archived=True)) == count
    finally:
        databases.close(again.db)


def test_back_up_copies_a_file_or_exports_a_server_database(db: Database, actor: Actor) -> None:
    flow_41(db, actor)
    made = databases.back_up(db, actor)
    assert made is not None and made.path.exists()
    if db.is_sqlite:
        assert made.rows is None and made.path.name.endswith("-manual.db")
        assert made.path.parent.name == "backups"
    else:
        assert made.rows is not None and made.rows["rooms"] > 0
        assert json.loads(made.path.read_text("utf-8"))["tables"]["rooms"]


def test_check_and_restore_a_backup(tmp_path: Path) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'books.db'}")
    opened = databases.create_database(url)
    flow_41(opened.db, opened.actor)
    made = databases.back_up(opened.db, opened.actor)
    assert made is not None
    portfolio_before = {p.name for p in portfolio.list_properties(opened.db, opened.actor)}
    databases.close(opened.db)
    with pytest.raises(ValidationError):  # the database itself is no backup of it
        databases.check_restore(url, tmp_path / "books.db")
    assert databases.check_restore(url, made.path)
    restored = databases.restore(url, made.path, opened.actor)
    assert restored.safety_copy.exists()
    again = databases.open_database(url)
    try:
        assert {p.name for p in portfolio.list_properties(again.db,
                                                          again.actor)} == portfolio_before
    finally:
        databases.close(again.db)
