"""Export, import and transfer: every table, full fidelity, all or nothing."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from coliv_desktop.db.engine import Database
from coliv_desktop.db.migrate import open_database
from coliv_desktop.domain.errors import ConflictError, ValidationError
from coliv_desktop.services import demo, leasing, portability
from coliv_desktop.services.context import Actor, local_actor
from tests.builders import flow_41, lease, tenant
from tests.conftest import PG_ENV, create_pg_database, drop_pg_database


def _rich_database(db: Database, actor: Actor) -> None:
    demo.load_demo(db, actor, date(2025, 11, 25))
    flow = flow_41(db, actor)
    first = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Zoë", "Ørsted-Núñez"),
                  date(2025, 1, 1), date(2025, 6, 30))
    from coliv_desktop.schemas import build
    from coliv_desktop.schemas.leasing import LeaseRenewal

    leasing.renew_lease(db, actor, first.id, build(LeaseRenewal, new_end="2025-12-31"))


def test_round_trip_sqlite_postgres_sqlite_is_identical(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    _rich_database(db, actor)
    original = portability.dumps(portability.export_data(db, actor))

    middle_url: URL
    import os

    if os.environ.get(PG_ENV):
        middle_url = create_pg_database(f"coliv_roundtrip_{uuid.uuid4().hex[:10]}")
    else:
        middle_url = make_url(f"sqlite:///{tmp_path / 'middle.db'}")
    middle = open_database(middle_url, create=True)
    portability.import_data(middle, local_actor(middle), json.loads(original))
    middle_export = portability.dumps(portability.export_data(middle, actor))
    assert middle_export == original

    last = open_database(make_url(f"sqlite:///{tmp_path / 'last.db'}"), create=True)
    portability.import_data(last, local_actor(last), json.loads(middle_export))
    assert portability.dumps(portability.export_data(last, actor)) == original
    middle.dispose()
    last.dispose()
    if os.environ.get(PG_ENV):
        drop_pg_database(middle_url)


def test_import_refuses_a_database_with_data(db: Database, actor: Actor) -> None:
    flow_41(db, actor)
    document = portability.export_data(db, actor)
    with pytest.raises(ConflictError, match="empty database"):
        portability.import_data(db, actor, document)


def test_a_bad_row_rolls_back_the_whole_import(db: Database, actor: Actor, tmp_path: Path) -> None:
    _rich_database(db, actor)
    document = portability.export_data(db, actor)
    document["tables"]["leases"][3]["lease_start"] = "31/12/2025"
    target = open_database(make_url(f"sqlite:///{tmp_path / 't.db'}"), create=True)
    target_actor = local_actor(target)
    before = portability.dumps(portability.export_data(target, actor))
    with pytest.raises(ValidationError) as error:
        portability.import_data(target, target_actor, document)
    assert error.value.field == "leases[3]"
    assert portability.dumps(portability.export_data(target, actor)) == before
    target.dispose()


def test_import_rejects_other_files(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(ValidationError, match="not a CoLiv export"):
        portability.import_file(db, actor, path)


def test_transfer_verifies_counts_and_money(db: Database, actor: Actor, tmp_path: Path) -> None:
    _rich_database(db, actor)
    target = open_database(make_url(f"sqlite:///{tmp_path / 'office.db'}"), create=True)
    checks = portability.transfer(db, target, actor)
    assert all(c.ok for c in checks)
    by_table = {c.table: c for c in checks}
    assert by_table["rooms"].rows_target == 30  # 23 demo rooms + flow 4.1's 7
    assert by_table["leases"].money_target == by_table["leases"].money_source
    target.dispose()
