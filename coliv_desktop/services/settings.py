"""Operator settings, each declared once in `config.SETTINGS` with its type, default, label and
bounds. Values are checked against the declaration (and the late fee default as a whole) before
anything is written; several settings are saved in one transaction.

Typed amounts and percentages are read as the book writes them (`domain.money`): in the
locale being saved, when the same change sets it. The currency must have cents: CoLiv keeps
every amount in hundredths, which is exact for USD or EUR but would store a yen or a Kuwaiti
fils wrong, so JPY (no decimals) and KWD (three) are refused here, for the GUI and the CLI
alike, with the reason.

The business profile (name, address, phone, email) is not a setting: it is the `operators` row
(`services.operator`).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_precision, list_currencies
from sqlalchemy import select
from sqlalchemy.orm import Session

from coliv_desktop.config import LOCALES, SETTINGS, SETTINGS_BY_KEY, Setting
from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import SettingValue
from coliv_desktop.db.types import utcnow
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.late_fees import LateFeeRule
from coliv_desktop.domain.money import (
    CENT,
    PLACES,
    MoneyFormat,
    example,
    money_format,
    parse_money,
    parse_number,
    parse_percent,
)
from coliv_desktop.services import audit
from coliv_desktop.services.context import Actor, ensure_owner, reading, writing

# the late fee rule's fields -> the settings holding the operator default
LATE_FEE_FIELDS = {"mode": "late_fee_mode", "grace_days": "late_fee_grace_days",
                   "flat_amount": "late_fee_flat", "percent": "late_fee_percent",
                   "cap": "late_fee_cap"}
FORMAT_KEYS = ("locale", "currency", "max_amount")  # what `MoneyFormat` is made of


def _unknown(key: str) -> ValidationError:
    known = ", ".join(s.key for s in SETTINGS)
    return ValidationError("key", f"unknown setting {key!r} (the settings are: {known})")


def _coerce(key: str, value: Any) -> Any:
    """A stored value (or one given by code) to the declared type."""
    setting = SETTINGS_BY_KEY.get(key)
    if setting is None:
        raise _unknown(key)
    try:
        if setting.type is Decimal:
            if isinstance(value, float):
                raise ValueError("floats lose cents")
            number = Decimal(str(value).strip())
            if not number.is_finite():
                raise ValueError("not a number")
            return number
        if setting.type is int:
            return int(str(value).strip())
        return setting.type(value)
    except (ValueError, ArithmeticError, InvalidOperation):
        raise ValidationError(key, f"{value!r} is not a valid {setting.label.lower()}") from None


def _typed_number(setting: Setting, value: Any, fmt: MoneyFormat) -> Decimal:
    """An amount or a percentage as a person types it, in the book's format. Left empty, the
    setting goes back to its default (a cleared late fee cap: no cap)."""
    if isinstance(value, str) and not value.strip():
        return Decimal(str(setting.default))
    if setting.kind == "money":
        limit = None if setting.maximum is None else Decimal(setting.maximum)
        return parse_money(value, setting.key, fmt=fmt, maximum=limit)
    if setting.kind == "percent":
        return parse_percent(value, setting.key, fmt=fmt)
    if isinstance(value, str):
        return parse_number(value, setting.key, fmt)
    return Decimal(_coerce(setting.key, value))


def check(setting: Setting, value: Any, fmt: MoneyFormat | None = None) -> Any:
    """The value, coerced and checked against its declaration. Amounts and percentages typed
    as text are read in `fmt` (by default the open book's)."""
    key = setting.key
    if setting.type is Decimal:
        value = _typed_number(setting, value, fmt or money_format())
    else:
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
        value = check_currency(value)
    if setting.kind == "file" and value:
        path = Path(value).expanduser()
        if not path.is_file():
            raise ValidationError(key, f"there is no file {value}")
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise ValidationError(key, "choose a PNG or JPEG image")
        value = str(path)
    if setting.kind == "locale":
        check_locale(value)
    return value


def check_currency(code: str) -> str:
    """An ISO currency whose amounts have cents: CoLiv stores hundredths."""
    code = code.strip().upper()
    if code not in list_currencies():
        raise ValidationError("currency", f"{code!r} is not an ISO currency code (e.g. USD, EUR)")
    places = get_currency_precision(code)
    if places != PLACES:
        written = "without decimals" if places == 0 else f"with {places} decimal places"
        raise ValidationError(
            "currency", f"{code} amounts are written {written}, but CoLiv keeps every amount in "
                        f"cents (two decimal places), so a {code} book would not add up; choose "
                        "a currency with cents, such as USD, EUR or GBP")
    return code


def check_locale(value: str) -> None:
    """One of the locales CoLiv offers (`config.LOCALES`), whose way of writing amounts it can
    read back."""
    if value not in LOCALES:
        raise ValidationError("locale", f"{value!r} is not one of the {len(LOCALES)} locales "
                                        "CoLiv offers (e.g. en_US, en_GB, fr_FR, de_DE, es_MX; "
                                        "the Settings dialog lists them all)")
    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError("locale", f"{value!r} is not a known locale (e.g. en_US, fr_FR)"
                              ) from None
    fmt = MoneyFormat(locale=value)
    written = example(fmt)
    try:
        readable = parse_number(written, "locale", fmt) == Decimal("1234.56")
    except ValidationError:
        readable = False
    if not readable:
        raise ValidationError("locale", f"{value} writes amounts as {written}, which CoLiv cannot "
                                        "read back; choose another locale for this language")


def money_format_of(values: dict[str, Any]) -> MoneyFormat:
    """The book's money format from its settings (`get_settings`)."""
    return MoneyFormat(locale=str(values["locale"]), currency=str(values["currency"]),
                       maximum=Decimal(values["max_amount"]))


def book_money_format(db: Database, actor: Actor) -> MoneyFormat:
    """The money format of the book in `db`: what its amounts are typed and shown in."""
    return money_format_of(get_settings(db, actor))


def _check_late_fee_default(values: dict[str, Any]) -> None:
    cap = values["late_fee_cap"]
    rule = LateFeeRule(mode=values["late_fee_mode"], grace_days=values["late_fee_grace_days"],
                       flat_amount=values["late_fee_flat"], percent=values["late_fee_percent"],
                       cap=cap if cap > 0 else None)
    try:
        rule.validate()
    except ValidationError as exc:
        raise ValidationError(LATE_FEE_FIELDS.get(exc.field, exc.field), exc.detail) from None


def get_settings(db: Database, actor: Actor) -> dict[str, Any]:
    with reading(db, actor, "read") as s:
        return read_settings(s)


def read_settings(s: Session) -> dict[str, Any]:
    """The settings, read inside a caller's transaction."""
    values = {setting.key: setting.default for setting in SETTINGS}
    for row in s.scalars(select(SettingValue)):
        if row.key in values:
            values[row.key] = _coerce(row.key, row.value.get("v"))
    return values


def prepare(changes: dict[str, Any], base: MoneyFormat | None = None) -> dict[str, Any]:
    """Each value coerced and checked against its declaration (nothing written). Amounts are
    read in the book's format (`base`, by default the open book's `money_format()`), with the
    locale and maximum the same changes set, if they do."""
    unknown = [key for key in changes if key not in SETTINGS_BY_KEY]
    if unknown:
        raise _unknown(unknown[0])
    checked: dict[str, Any] = {}
    fmt = base or money_format()
    for key in FORMAT_KEYS:  # the locale first: the maximum is typed in it
        if key in changes:
            checked[key] = check(SETTINGS_BY_KEY[key], changes[key], fmt)
            fmt = replace(fmt, locale=str(checked.get("locale", fmt.locale)),
                          currency=str(checked.get("currency", fmt.currency)),
                          maximum=Decimal(checked.get("max_amount", fmt.maximum)))
    for key, value in changes.items():
        if key not in checked:
            checked[key] = check(SETTINGS_BY_KEY[key], value, fmt)
    return {key: checked[key] for key in changes}


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
    checked = prepare(changes, book_money_format(db, actor))
    with writing(db, actor, "settings.write") as s:
        return apply_settings(s, actor, checked)


def set_setting(db: Database, actor: Actor, key: str, value: Any) -> Any:
    return set_settings(db, actor, {key: value})[key]
