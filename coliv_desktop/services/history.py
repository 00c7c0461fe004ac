"""Reading the audit log (written only by `services.audit.record`): newest first, searched in
SQL, a page at a time from where the last one ended (`services.keyset`), so a log of millions
of rows reads as fast as a short one, anywhere in it."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import AuditEntry
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.limits import MAX_VERSION
from coliv_desktop.schemas.history import AuditRow
from coliv_desktop.services import keyset, scope
from coliv_desktop.services.context import Actor, reading
from coliv_desktop.services.keyset import START, Cursor, Key, Seek, Slice
from coliv_desktop.services.search import matches

MAX_ROWS = 100_000  # a page of the log; a 20-digit --limit is a clear error, not an overflow


@dataclass(frozen=True)
class AuditFilter:
    """Which entries: by whom (as the log names them), about what kind of thing, and on which
    days (the desk's local days, both ends included)."""

    who: str | None = None
    entity_type: str | None = None
    start: date | None = None
    end: date | None = None


EVERYTHING = AuditFilter()


def _reading_log(db: Database, actor: Actor) -> AbstractContextManager[Session]:
    """The audit log is read whole: it names every property's tenants and money, so a user
    limited to some properties is refused it (`services.scope`)."""
    scope.require_unlimited(actor, "the audit log")
    return reading(db, actor, "audit.read")


def _local_midnight(day: date, *, days_after: int = 0) -> datetime | None:
    """The desk's local midnight starting `day` (plus `days_after`), in UTC; None at the ends
    of the calendar (0001-01-01, 9999-12-31), where the bound holds every entry anyway."""
    try:
        return datetime.combine(day + timedelta(days_after), time.min).astimezone() \
            .astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def check_filter(where: AuditFilter) -> None:
    """Refuse a filter that keeps nothing by mistake (the last day before the first)."""
    if where.start and where.end and where.end < where.start:
        raise ValidationError("end", "must not be before the start date")


def _query(search: str, entity_id: str | None, where: AuditFilter = EVERYTHING) -> Any:
    check_filter(where)
    query = select(AuditEntry)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if where.who:
        query = query.where(AuditEntry.actor_name == where.who)
    if where.entity_type:
        query = query.where(AuditEntry.entity_type == where.entity_type)
    if where.start and (first := _local_midnight(where.start)) is not None:
        query = query.where(AuditEntry.occurred_at >= first)
    if where.end and (after := _local_midnight(where.end, days_after=1)) is not None:
        query = query.where(AuditEntry.occurred_at < after)
    found = matches(search, AuditEntry.summary, AuditEntry.actor_name, AuditEntry.action,
                    AuditEntry.entity_type)
    if found is not None:
        query = query.where(found)
    return query


def _order(descending: bool) -> list[Key]:
    return [Key(AuditEntry.occurred_at, descending), Key(AuditEntry.id, descending)]


def audit_entries(db: Database, actor: Actor, search: str = "", *, entity_id: str | None = None,
                  where: AuditFilter = EVERYTHING, descending: bool = True, offset: int = 0,
                  limit: int | None = 200) -> list[AuditRow]:
    """Entries matching `search` (summary, who, action or kind of thing), newest first."""
    if limit is not None and not 0 <= limit <= MAX_ROWS:
        raise ValidationError("limit", f"must be between 0 and {MAX_ROWS}")
    if not 0 <= offset <= MAX_VERSION:
        raise ValidationError("offset", f"must be between 0 and {MAX_VERSION}")
    return audit_seek(db, actor, search, entity_id=entity_id, where=where, descending=descending,
                      seek=Seek(skip=offset), limit=limit).rows


def audit_seek(db: Database, actor: Actor, search: str = "", *, entity_id: str | None = None,
               where: AuditFilter = EVERYTHING, descending: bool = True, seek: Seek = START,
               limit: int | None = 200) -> Slice[AuditRow]:
    """`audit_entries`, the page `seek` names (from a cursor: a seek on the index on
    (occurred_at, id), as fast anywhere in the log), with its first and last entries'
    cursors (`services.keyset`)."""
    with _reading_log(db, actor) as s:
        rows, first, last = keyset.page(s, _query(search, entity_id, where),
                                        _order(descending), seek, limit)
        return Slice([AuditRow.model_validate(row[0]) for row in rows], first, last)


def audit_anchors(db: Database, actor: Actor, search: str = "", *, entity_id: str | None = None,
                  where: AuditFilter = EVERYTHING, descending: bool = True, every: int = 200
                  ) -> list[Cursor]:
    """The cursor of every `every`-th entry of the log, as listed."""
    with _reading_log(db, actor) as s:
        return keyset.anchors(s, _query(search, entity_id, where), _order(descending), every)


def count_audit_entries(db: Database, actor: Actor, search: str = "", *,
                        entity_id: str | None = None,
                        where: AuditFilter = EVERYTHING) -> int:
    inner = _query(search, entity_id, where).with_only_columns(AuditEntry.id).subquery()
    with _reading_log(db, actor) as s:
        return int(s.scalar(select(func.count()).select_from(inner)) or 0)


def last_change(db: Database, actor: Actor) -> datetime | None:
    """When anything was last written, by anyone (every write has its audit row): one
    indexed MAX, cheap enough to ask every few seconds."""
    with reading(db, actor, "read") as s:
        return s.scalar(select(func.max(AuditEntry.occurred_at)))


def audit_choices(db: Database, actor: Actor) -> tuple[list[str], list[str]]:
    """Who appears in the log and the kinds of thing it is about, for the filters."""
    with _reading_log(db, actor) as s:
        who = s.scalars(select(AuditEntry.actor_name).distinct().order_by(
            AuditEntry.actor_name))
        kinds = s.scalars(select(AuditEntry.entity_type).distinct().order_by(
            AuditEntry.entity_type))
        return [w for w in who if w], [k for k in kinds if k]


def export_audit_csv(db: Database, actor: Actor, out: Path | str, search: str = "",
                     where: AuditFilter = EVERYTHING) -> int:
    """Every entry the filters keep, newest first, as CSV (written whole or not at all);
    returns how many. Read a page at a time, so a long log costs no more memory than a page."""
    from coliv_desktop.services.printing import write_csv

    rows: list[list[str]] = []
    seek = START
    while True:
        page = audit_seek(db, actor, search, where=where, seek=seek, limit=5_000)
        rows += [[r.occurred_at.astimezone().isoformat(timespec="seconds"), r.actor_name,
                  r.action, r.entity_type, r.entity_id or "", r.summary,
                  json.dumps(r.changes, ensure_ascii=False) if r.changes else ""]
                 for r in page.rows]
        if len(page.rows) < 5_000 or page.last is None:
            break
        seek = Seek(page.last)
    write_csv(Path(out), ["when", "who", "action", "what", "id", "summary", "changes"], rows)
    return len(rows)
