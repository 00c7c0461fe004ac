"""Which schema revisions this CoLiv knows, read without importing Alembic.

Opening an up-to-date database is the common case and must be quick: Alembic (and Mako under
it) is imported only when there is something to upgrade. A test checks that this reading of the
scripts agrees with Alembic's own.
"""

from __future__ import annotations

import re
from functools import cache

from sqlalchemy import Connection, inspect, text

from coliv_desktop.locations import migrations_dir

_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*=\s*(?:['\"]([^'\"]*)['\"]|None)", re.M)


@cache
def known_revisions() -> dict[str, str | None]:
    """revision -> down_revision, for every script in migrations/versions."""
    graph: dict[str, str | None] = {}
    for script in sorted((migrations_dir() / "versions").glob("*.py")):
        found = {m.group(1): m.group(2) for m in _ASSIGNMENT.finditer(script.read_text("utf-8"))}
        if "revision" in found and found["revision"]:
            graph[found["revision"]] = found.get("down_revision") or None
    return graph


def head_revision() -> str:
    graph = known_revisions()
    parents = {down for down in graph.values() if down}
    heads = [rev for rev in graph if rev not in parents]
    if len(heads) != 1:
        raise RuntimeError(f"migrations must form one line; heads: {sorted(heads)}")
    return heads[0]


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])
