"""The audit log's hash chain: intact after real work, and every edit behind the app's back
(a row changed, removed or slipped in) found, naming the right entry, on both engines."""

from __future__ import annotations

import json
import os
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from coliv_desktop.__main__ import main
from coliv_desktop.db.engine import Database
from coliv_desktop.db.migrate import open_database, upgrade
from coliv_desktop.domain.audit_chain import ChainedEntry, entry_hash
from coliv_desktop.services import audit, integrity
from coliv_desktop.services.context import Actor, local_actor
from tests.builders import tenant
from tests.conftest import PG_ENV


def _entries(db: Database, actor: Actor, count: int = 4) -> list[tuple[int, str]]:
    for n in range(count):
        tenant(db, actor, f"Chain{n}")
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT seq, id FROM audit_log ORDER BY seq")).all()
    return [(int(seq), str(uuid.UUID(str(ident)))) for seq, ident in rows]


def _raw(db: Database, sql: str, **params: object) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def _uuid_param(db: Database, ident: str) -> str:
    return uuid.UUID(ident).hex if db.is_sqlite else ident  # SQLite keeps UUIDs as 32 hex


def test_real_work_leaves_an_intact_chain(db: Database, actor: Actor) -> None:
    entries = _entries(db, actor)
    assert [seq for seq, _ in entries] == list(range(1, len(entries) + 1))
    report = audit.verify_chain(db, actor)
    assert report.ok and report.entries == len(entries), report.describe()
    checks = {r.name: r for r in integrity.verify_books(db, actor)}
    assert all(r.ok for r in checks.values()), checks


def test_a_changed_entry_is_named(db: Database, actor: Actor) -> None:
    entries = _entries(db, actor)
    seq, ident = entries[2]
    _raw(db, "UPDATE audit_log SET summary = 'nothing happened' WHERE seq = :s", s=seq)
    report = audit.verify_chain(db, actor)
    assert report.broken is not None
    assert (report.broken.seq, report.broken.id) == (seq, ident)
    assert "changed" in report.broken.reason
    assert ident in report.describe()
    chain = [r for r in integrity.verify_books(db, actor) if "audit" in r.name]
    assert not chain[0].ok and ident in chain[0].problems[0]


def test_a_deleted_entry_is_found_at_the_entry_after_it(db: Database, actor: Actor) -> None:
    entries = _entries(db, actor)
    _raw(db, "DELETE FROM audit_log WHERE seq = :s", s=entries[1][0])
    broken = audit.verify_chain(db, actor).broken
    assert broken is not None
    assert (broken.seq, broken.id) == entries[2]
    assert f"No. {entries[1][0]}" in broken.reason and "missing" in broken.reason


def test_an_entry_slipped_into_the_middle_is_found(db: Database, actor: Actor) -> None:
    """Even written with a correct hash for its place: the entries after it no longer hold."""
    entries = _entries(db, actor)
    with db.engine.connect() as conn:
        first_hash = conn.execute(text("SELECT entry_hash FROM audit_log WHERE seq = 1")).scalar()
        when = conn.execute(text("SELECT occurred_at FROM audit_log WHERE seq = 1")).scalar()
    if isinstance(when, str):  # SQLite: naive UTC text
        when = datetime.fromisoformat(when)
    for seq, _ in reversed(entries[1:]):  # make room at No. 2 (highest first: seq is unique)
        _raw(db, "UPDATE audit_log SET seq = :n WHERE seq = :s", n=seq + 1, s=seq)
    forged_id = str(uuid.uuid4())
    forged = ChainedEntry(seq=2, id=forged_id, occurred_at=when, actor_id=None,
                          actor_name="Mallory", action="create", entity_type="tenant",
                          entity_id=None, summary="Nothing to see", changes={})
    _raw(db, "INSERT INTO audit_log (id, occurred_at, created_at, actor_name, action, "
             "entity_type, summary, changes, seq, prev_hash, entry_hash) VALUES (:id, :t, :t, "
             "'Mallory', 'create', 'tenant', 'Nothing to see', '{}', 2, :prev, :hash)",
         id=_uuid_param(db, forged_id), t=when, prev=first_hash,
         hash=entry_hash(forged, str(first_hash)))
    broken = audit.verify_chain(db, actor).broken
    assert broken is not None
    # the forged entry links to No. 1 correctly; the one that was No. 2 is where it breaks
    assert broken.id == entries[1][1] and broken.seq == 3


def test_a_row_added_at_the_end_with_a_made_up_hash_is_named(db: Database, actor: Actor) -> None:
    entries = _entries(db, actor, 2)
    last = entries[-1][0]
    ident = str(uuid.uuid4())
    _raw(db, "INSERT INTO audit_log (id, occurred_at, created_at, actor_name, action, "
             "entity_type, summary, changes, seq, prev_hash, entry_hash) VALUES (:id, "
             "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'Mallory', 'create', 'tenant', 'x', '{}', "
             ":seq, :h, :h)", id=_uuid_param(db, ident), seq=last + 1, h="f" * 64)
    broken = audit.verify_chain(db, actor).broken
    assert broken is not None and broken.id == ident


def test_two_writers_at_once_do_not_fork_the_chain(db: Database, actor: Actor) -> None:
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            for n in range(8):
                tenant(db, actor, f"{name}{n}")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(name,)) for name in ("Left", "Right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = audit.verify_chain(db, actor)
    assert report.ok and report.entries >= 16, report.describe()


def test_coliv_audit_verify(db: Database, actor: Actor,
                            capsys: pytest.CaptureFixture[str]) -> None:
    entries = _entries(db, actor, 2)
    url = db.url.render_as_string(hide_password=False)
    assert main(["--db", url, "audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("ok:")
    _raw(db, "UPDATE audit_log SET actor_name = 'Nobody' WHERE seq = 1")
    assert main(["--db", url, "audit", "verify", "--json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert not found["ok"] and found["broken"]["id"] == entries[0][1]
    assert main(["--db", url, "audit", "verify"]) == 1
    assert entries[0][1] in capsys.readouterr().out
    assert main(["--db", url, "db", "check"]) == 1
    assert "FAIL The audit log" in capsys.readouterr().out


def test_the_upgrade_chains_the_entries_already_there(tmp_path: Path, request: Any) -> None:
    """A book from before the chain (schema 0005): its entries chained in the order they were
    written, and the app's next entry continues the chain."""
    urls = [make_url(f"sqlite:///{tmp_path / 'old.db'}")]
    if PG_ENV in os.environ:
        urls.append(request.getfixturevalue("fresh_pg_url"))
    for url in urls:
        upgrade(url, to="0005")
        base = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
        engine = create_engine(url)
        with engine.begin() as conn:
            for n in (2, 0, 1):  # inserted out of order: chained by time
                ident = uuid.uuid4()
                when = base + timedelta(minutes=n)
                conn.execute(text(
                    "INSERT INTO audit_log (id, occurred_at, created_at, actor_name, action, "
                    "entity_type, entity_id, summary, changes) VALUES (:id, :t, :t, 'Ann', "
                    "'create', 'tenant', :e, :s, :c)"),
                    {"id": ident.hex if url.get_backend_name() == "sqlite" else ident,
                     "t": when.replace(tzinfo=None) if url.get_backend_name() == "sqlite"
                     else when, "e": str(ident), "s": f"Entry {n} ünïcode",
                     "c": json.dumps({"rent": ["700.00", "750.00"], "n": n})})
        engine.dispose()
        upgrade(url)
        db = Database(url)
        try:
            actor = local_actor(db)
            report = audit.verify_chain(db, actor)
            assert report.ok and report.entries == 3, report.describe()
            with db.engine.connect() as conn:
                summaries = conn.execute(text("SELECT summary FROM audit_log ORDER BY seq"))
                assert [r[0] for r in summaries] == [f"Entry {n} ünïcode" for n in range(3)]
            tenant(db, actor, "After")
            assert audit.verify_chain(db, actor).entries == 4
            assert audit.verify_chain(db, actor).ok
        finally:
            db.dispose()


def test_the_chain_survives_a_transfer_between_engines(tmp_path: Path, request: Any) -> None:
    """Hashes cover a canonical form, not an engine's: SQLite -> PostgreSQL -> SQLite verifies."""
    from coliv_desktop.services import portability

    first = make_url(f"sqlite:///{tmp_path / 'first.db'}")
    last = make_url(f"sqlite:///{tmp_path / 'last.db'}")
    middle = request.getfixturevalue("fresh_pg_url") if PG_ENV in os.environ \
        else make_url(f"sqlite:///{tmp_path / 'middle.db'}")
    source = open_database(first, create=True)
    try:
        actor = local_actor(source)
        for n in range(3):
            tenant(source, actor, f"Moved{n}")
        portability.transfer_to(source, actor, middle)
    finally:
        source.dispose()
    for url in (middle, last):
        db = Database(url)
        try:
            actor = local_actor(db)
            report = audit.verify_chain(db, actor)
            assert report.ok and report.entries >= 3, report.describe()
            if url is middle:
                portability.transfer_to(db, actor, last)
        finally:
            db.dispose()
