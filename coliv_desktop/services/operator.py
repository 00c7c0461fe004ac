"""The operator's business profile, kept in one place: the `operators` row.

Receipts, letters and reminders print its name, address, phone and email. Databases written
before the profile moved here kept them as settings (`operator_name`, `operator_address`,
`operator_phone`, `operator_email`); `adopt_legacy_settings` moves such values into the row once,
when the database is opened, and removes the old settings.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Operator, SettingValue
from coliv_desktop.schemas.operator import OperatorProfile, OperatorProfileUpdate
from coliv_desktop.services import audit
from coliv_desktop.services.context import Actor, check_version, ensure_owner, reading, writing
from coliv_desktop.services.settings import apply_settings, book_money_format, prepare

PLACEHOLDER = "My co-living business"  # what a new database calls the operator
LEGACY = {"operator_name": "company_name", "operator_address": "address",
          "operator_phone": "phone", "operator_email": "email"}


def _first(s: Session) -> Operator | None:
    return s.scalars(select(Operator).order_by(Operator.created_at).limit(1)).first()


def get_profile(db: Database, actor: Actor) -> OperatorProfile:
    with reading(db, actor, "read") as s:
        return profile_in(s)


def profile_in(s: Session) -> OperatorProfile:
    """The profile, read in the caller's session (a database without one yet: the placeholder)."""
    row = _first(s)
    if row is None:
        return OperatorProfile(id=uuid.UUID(int=0), company_name=PLACEHOLDER, address=None,
                               phone=None, email=None, version=0)
    return OperatorProfile.model_validate(row)


def update_profile(db: Database, actor: Actor, data: OperatorProfileUpdate) -> OperatorProfile:
    with writing(db, actor, "settings.write") as s:
        return _update(s, actor, data)


def _update(s: Session, actor: Actor, data: OperatorProfileUpdate) -> OperatorProfile:
    operator, _ = ensure_owner(s)
    check_version(operator, data.expected_version, "The business profile")
    changes = audit.diff(operator, data.model_dump(exclude={"expected_version"}))
    s.flush()
    if changes:
        audit.record(s, actor, "update", "operator", operator.id,
                     f"Business profile: {operator.company_name}", changes)
    return OperatorProfile.model_validate(operator)


def save_preferences(db: Database, actor: Actor, profile: OperatorProfileUpdate,
                     settings: dict[str, Any]) -> tuple[OperatorProfile, dict[str, Any]]:
    """The Settings dialog's Save: the business profile and the settings in one transaction."""
    checked = prepare(settings, book_money_format(db, actor))
    with writing(db, actor, "settings.write") as s:
        _update(s, actor, profile)
        merged = apply_settings(s, actor, checked)
        return profile_in(s), merged  # its version counts the settings written too


def adopt_legacy_settings(s: Session, actor: Actor) -> dict[str, Any]:
    """Move profile values kept as settings by older versions into the operator row."""
    rows = list(s.scalars(select(SettingValue).where(SettingValue.key.in_(list(LEGACY)))))
    if not rows:
        return {}
    operator, _ = ensure_owner(s)
    values: dict[str, Any] = {}
    for row in rows:
        text = str(row.value.get("v") or "").strip()
        field = LEGACY[row.key]
        current = getattr(operator, field)
        # a value typed in the profile wins; the placeholder name does not count as one
        if text and (not current or (field == "company_name" and current == PLACEHOLDER)):
            values[field] = text
        s.delete(row)
    changes = audit.diff(operator, values)
    s.flush()
    audit.record(s, actor, "update", "operator", operator.id,
                 "Business profile moved from the settings into the operator record",
                 {"adopted": changes, "settings_removed": sorted(r.key for r in rows)})
    return changes
