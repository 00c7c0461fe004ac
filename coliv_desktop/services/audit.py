"""The single way to write the audit log, in the caller's transaction, and the check that
nobody rewrote it.

Every audit row goes through `record`, which chains it (`domain.audit_chain`): the entry gets
the next number and the hash of the entry before. On PostgreSQL two desks append at once, so
the append is serialised by a transaction-scoped advisory lock (released at commit or
rollback), and the unique `seq` refuses a fork should anything slip past it. SQLite already
has one writer at a time (write transactions begin IMMEDIATE).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database, server_now
from coliv_desktop.db.models import AuditEntry
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain.audit_chain import (
    GENESIS,
    ChainBreak,
    ChainedEntry,
    chain_break,
    entry_hash,
)
from coliv_desktop.services.context import Actor, reading

# pg_advisory_xact_lock key of the audit chain's append: "coliv" in ASCII.
CHAIN_LOCK = 0x636F6C6976


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _chain_head(session: Session) -> tuple[int, str]:
    """The last entry's number and hash, with the append lock held (PostgreSQL) until the
    caller's transaction ends. Read each time (not cached): a rolled-back savepoint may have
    taken back an entry this transaction wrote."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = session.execute(select(AuditEntry.seq, AuditEntry.entry_hash)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (0, GENESIS) if last is None else (int(last[0]), str(last[1]))


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | str | None,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> None:
    seq, previous = _chain_head(session)
    postgres = session.get_bind().dialect.name == "postgresql"
    # Through JSON and back now: the hash must cover what either engine will hand back.
    plain = json.loads(json.dumps(_plain(changes or {})))
    fields = ChainedEntry(
        seq=seq + 1, id=str(uuid.uuid4()),
        occurred_at=server_now(session) if postgres else utcnow(),
        actor_id=None if actor.user_id is None else str(actor.user_id),
        actor_name=actor.name, action=action, entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id), summary=summary,
        changes=plain)
    session.add(
        AuditEntry(
            id=uuid.UUID(fields.id),
            occurred_at=fields.occurred_at,
            actor_id=actor.user_id,
            actor_name=fields.actor_name,
            action=action,
            entity_type=entity_type,
            entity_id=fields.entity_id,
            summary=summary,
            changes=plain,
            seq=fields.seq,
            prev_hash=previous,
            entry_hash=entry_hash(fields, previous),
        )
    )
    session.flush()  # the next entry of this transaction reads this one as the head


def diff(obj: object, updates: dict[str, Any]) -> dict[str, Any]:
    """Apply `updates` to an ORM object and return {field: [old, new]} for what really changed."""
    changed: dict[str, Any] = {}
    for field, new in updates.items():
        old = getattr(obj, field)
        if old != new:
            changed[field] = [old, new]
            setattr(obj, field, new)
    return _plain(changed)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ChainReport:
    """The audit chain checked: how many entries, the last hash (worth noting down: an
    entry cut off the end leaves no broken link, only a different head) and the first break."""

    entries: int
    head: str
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def describe(self) -> str:
        if self.broken is None:
            return f"the audit log's {self.entries} entries are intact (head {self.head[:16]})"
        b = self.broken
        return (f"the audit log was changed behind the app's back: entry No. {b.seq} "
                f"(id {b.id}, {b.occurred_at:%Y-%m-%d %H:%M:%S} UTC): {b.reason}")


def _chained(session: Session) -> Iterator[ChainedEntry]:
    query = select(AuditEntry.seq, AuditEntry.id, AuditEntry.occurred_at, AuditEntry.actor_id,
                   AuditEntry.actor_name, AuditEntry.action, AuditEntry.entity_type,
                   AuditEntry.entity_id, AuditEntry.summary, AuditEntry.changes,
                   AuditEntry.prev_hash, AuditEntry.entry_hash).order_by(AuditEntry.seq)
    for row in session.execute(query.execution_options(yield_per=2000)):
        yield ChainedEntry(
            seq=row.seq, id=str(row.id), occurred_at=row.occurred_at,
            actor_id=None if row.actor_id is None else str(row.actor_id),
            actor_name=row.actor_name, action=row.action, entity_type=row.entity_type,
            entity_id=row.entity_id, summary=row.summary, changes=row.changes,
            prev_hash=row.prev_hash, entry_hash=row.entry_hash)


def check_chain(session: Session) -> ChainReport:
    """The chain checked inside a caller's read transaction."""
    count, head, broken = chain_break(_chained(session))
    return ChainReport(count, head, broken)


def verify_chain(db: Database, actor: Actor) -> ChainReport:
    """Walk the whole audit log in order and name the first entry whose link does not hold
    (read only)."""
    with reading(db, actor) as s:
        return check_chain(s)
