"""The audit log's hash chain: what one entry's hash covers, written the same on every engine.

Each entry carries its place in the chain (`seq`, 1, 2, 3 ...), the hash of the entry before
it (`prev_hash`; the first one has `GENESIS`) and its own hash over its content and that
`prev_hash`. Editing, deleting or slipping in a row behind the app's back breaks a link that
`chain_break` finds. The content is canonical JSON (sorted keys, no spaces, UTF-8, times in UTC
with microseconds), so SQLite and PostgreSQL, and a JSON export moved between them, hash alike.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainedEntry:
    """What an entry's hash covers, as read back from either engine."""

    seq: int
    id: str
    occurred_at: datetime
    actor_id: str | None
    actor_name: str
    action: str
    entity_type: str
    entity_id: str | None
    summary: str
    changes: Any
    prev_hash: str | None = None
    entry_hash: str | None = None


def timestamp(value: datetime) -> str:
    """A time as the chain writes it: UTC, microseconds, a Z (SQLite hands back naive UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: ChainedEntry, prev_hash: str) -> bytes:
    return json.dumps({
        "seq": entry.seq, "id": entry.id, "occurred_at": timestamp(entry.occurred_at),
        "actor_id": entry.actor_id, "actor_name": entry.actor_name, "action": entry.action,
        "entity_type": entry.entity_type, "entity_id": entry.entity_id,
        "summary": entry.summary, "changes": entry.changes, "prev_hash": prev_hash,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: ChainedEntry, prev_hash: str) -> str:
    return hashlib.sha256(canonical(entry, prev_hash)).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first entry whose link does not hold, and why."""

    seq: int
    id: str
    occurred_at: datetime
    reason: str


def chain_break(entries: Iterable[ChainedEntry]) -> tuple[int, str, ChainBreak | None]:
    """Walk the entries in `seq` order: (entries checked, the last hash, the first break or
    None). A changed entry fails its own hash; a deleted one leaves a gap in `seq` and the
    next entry's `prev_hash` pointing at nothing; an inserted one fails its hash or the link
    of the entry after it."""
    expected_seq, previous, count = 1, GENESIS, 0
    for entry in entries:
        count += 1
        problem = None
        if entry.seq != expected_seq:
            problem = (f"entries No. {expected_seq} to {entry.seq - 1} are missing" if
                       entry.seq > expected_seq else f"its number {entry.seq} repeats or "
                       f"runs backwards (No. {expected_seq} was expected)")
        elif entry.prev_hash != previous:
            problem = "it does not follow the entry before it (that one was changed, removed " \
                      "or this one was put in)"
        elif entry.entry_hash != entry_hash(entry, previous):
            problem = "its content was changed after it was written"
        if problem:
            return count, previous, ChainBreak(entry.seq, entry.id, entry.occurred_at, problem)
        previous = entry.entry_hash or ""
        expected_seq += 1
    return count, previous, None
