"""Operator settings, each declared once in `config.SETTINGS` with its type and default."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coliv_desktop.config import SETTINGS, SETTINGS_BY_KEY
from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import SettingValue
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.services import audit
from coliv_desktop.services.context import Actor, ensure_owner, writing


def _coerce(key: str, value: Any) -> Any:
    setting = SETTINGS_BY_KEY.get(key)
    if setting is None:
        raise ValidationError("key", f"unknown setting {key!r}")
    try:
        if setting.type is Decimal:
            return Decimal(str(value))
        if setting.type is int:
            return int(value)
        return setting.type(value)
    except (ValueError, ArithmeticError):
        raise ValidationError(key, f"{value!r} is not a valid {setting.label.lower()}") from None


def get_settings(db: Database) -> dict[str, Any]:
    with db.read() as s:
        return read_settings(s)


def read_settings(s: Session) -> dict[str, Any]:
    """The settings, read inside a caller's transaction."""
    values = {setting.key: setting.default for setting in SETTINGS}
    for row in s.scalars(select(SettingValue)):
        if row.key in values:
            values[row.key] = _coerce(row.key, row.value.get("v"))
    return values


def set_setting(db: Database, actor: Actor, key: str, value: Any) -> Any:
    coerced = _coerce(key, value)
    if key == "rent_due_day" and not 1 <= coerced <= 28:
        raise ValidationError(key, "rent is due on a day from 1 to 28")
    if key == "late_fee_mode" and coerced not in ("none", "flat", "percent"):
        raise ValidationError(key, "must be none, flat or percent")
    with writing(db, actor, "settings.write") as s:
        operator, _ = ensure_owner(s)
        row = s.scalar(
            select(SettingValue).where(SettingValue.operator_id == operator.id,
                                       SettingValue.key == key)
        )
        stored = {"v": str(coerced) if isinstance(coerced, Decimal) else coerced}
        old = None if row is None else row.value.get("v")
        if row is None:
            s.add(SettingValue(operator_id=operator.id, key=key, value=stored))
        else:
            row.value = stored
        audit.record(s, actor, "update", "setting", key, f"Set {key}",
                     {"value": [old, stored["v"]]})
    return coerced
