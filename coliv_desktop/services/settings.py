"""Operator settings, each declared once in `config.SETTINGS` with its type, default, label and
bounds. Values are checked against the declaration (and the late fee default as a whole) before
anything is written; several settings are saved in one transaction.

The business profile (name, address, phone, email) is not a setting: it is the `operators` row
(`services.operator`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies
from sqlalchemy import select
from sqlalchemy.orm import Session

from coliv_desktop.config import SETTINGS, SETTINGS_BY_KEY, Setting
from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import SettingValue
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.late_fees import LateFeeRule
from coliv_desktop.domain.money import CENT
from coliv_desktop.services import audit
from coliv_desktop.services.context import Actor, ensure_owner, writing

# the late fee rule's fields -> the settings holding the operator default
LATE_FEE_FIELDS = {"mode": "late_fee_mode", "grace_days": "late_fee_grace_days",
                   "flat_amount": "late_fee_flat", "percent": "late_fee_percent",
                   "cap": "late_fee_cap"}


def _coerce(key: str, value: Any) -> Any:
    setting = SETTINGS_BY_KEY.get(key)
    if setting is None:
        raise ValidationError("key", f"unknown setting {key!r}")
    try:
        if setting.type is Decimal:
            if isinstance(value, float):
                raise ValueError("floats lose cents")
            number = Decimal(str(value).strip() or "0")
            if not number.is_finite():
                raise ValueError("not a number")
            return number
        if setting.type is int:
            return int(str(value).strip())
        return setting.type(value)
    except (ValueError, ArithmeticError, InvalidOperation):
        raise ValidationError(key, f"{value!r} is not a valid {setting.label.lower()}") from None


def check(setting: Setting, value: Any) -> Any:
    """The value, coerced and checked against its declaration."""
    key = setting.key
    value = _coerce(key, value)
    if isinstance(value, str):
        value = value.strip()
    if setting.choices and value not in setting.choices:
        raise ValidationError(key, f"must be one of {', '.join(setting.choices)}")
    if setting.minimum is not None and value < setting.minimum:
        raise ValidationError(key, f"must be at least {setting.minimum}")
    if setting.maximum is not None and value > setting.maximum:
        raise ValidationError(key, f"must be at most {setting.maximum}")
    if setting.kind == "money":
        if value != value.quantize(CENT):
            raise ValidationError(key, "has more than two decimal places")
        value = value.quantize(CENT)
    if setting.kind == "currency":
        value = value.upper()
        if value not in list_currencies():
            raise ValidationError(key, f"{value!r} is not an ISO currency code (e.g. USD, EUR)")
    if setting.kind == "file" and value:
        path = Path(value).expanduser()
        if not path.is_file():
            raise ValidationError(key, f"there is no file {value}")
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise ValidationError(key, "choose a PNG or JPEG image")
        value = str(path)
    if setting.kind == "locale":
        try:
            Locale.parse(value)
        except (UnknownLocaleError, ValueError, TypeError):
            raise ValidationError(key, f"{value!r} is not a known locale (e.g. en_US, fr_FR)"
                                  ) from None
    return value


def _check_late_fee_default(values: dict[str, Any]) -> None:
    cap = values["late_fee_cap"]
    rule = LateFeeRule(mode=values["late_fee_mode"], grace_days=values["late_fee_grace_days"],
                       flat_amount=values["late_fee_flat"], percent=values["late_fee_percent"],
                       cap=cap if cap > 0 else None)
    try:
        rule.validate()
    except ValidationError as exc:
        raise ValidationError(LATE_FEE_FIELDS.get(exc.field, exc.field), exc.detail) from None


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


def prepare(changes: dict[str, Any]) -> dict[str, Any]:
    """Each value coerced and checked against its declaration (nothing written)."""
    return {key: check(SETTINGS_BY_KEY[key], value) if key in SETTINGS_BY_KEY
            else _coerce(key, value) for key, value in changes.items()}


def apply_settings(s: Session, actor: Actor, checked: dict[str, Any]) -> dict[str, Any]:
    """Write checked values in the caller's transaction (audited); returns all settings."""
    merged = read_settings(s)
    merged.update(checked)
    if any(k in LATE_FEE_FIELDS.values() for k in checked):
        _check_late_fee_default(merged)
    operator, _ = ensure_owner(s)
    rows = {row.key: row for row in s.scalars(select(SettingValue).where(
        SettingValue.operator_id == operator.id, SettingValue.key.in_(list(checked))))}
    diff: dict[str, Any] = {}
    for key, value in checked.items():
        stored = {"v": str(value) if isinstance(value, Decimal) else value}
        row = rows.get(key)
        old = None if row is None else row.value.get("v")
        if old == stored["v"]:
            continue
        if row is None:
            s.add(SettingValue(operator_id=operator.id, key=key, value=stored))
        else:
            row.value = stored
        diff[key] = [old, stored["v"]]
    if diff:
        # The operator row's version covers its settings too: an edit or an undo made against
        # settings someone changed since is refused (`context.check_version`).
        operator.updated_at = utcnow()
        audit.record(s, actor, "update", "setting", next(iter(diff)) if len(diff) == 1
                     else None,
                     "Settings: " + ", ".join(SETTINGS_BY_KEY[k].label for k in sorted(diff)),
                     diff)
    s.flush()
    return merged


def set_settings(db: Database, actor: Actor, changes: dict[str, Any]) -> dict[str, Any]:
    """Check every value, then save them all in one transaction (or none). Returns the settings
    as they are afterwards."""
    checked = prepare(changes)
    with writing(db, actor, "settings.write") as s:
        return apply_settings(s, actor, checked)


def set_setting(db: Database, actor: Actor, key: str, value: Any) -> Any:
    return set_settings(db, actor, {key: value})[key]
