"""Late fee rules: the operator default (settings) and a property's own rule (a table row)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Charge, LateFeeRuleRow, Property
from coliv_desktop.domain.errors import NotFoundError, ValidationError
from coliv_desktop.domain.late_fees import LateFeeRule
from coliv_desktop.domain.money import ZERO
from coliv_desktop.schemas.late_fees import LateFeeRuleIn, LateFeeRuleOut, PropertyLateFee
from coliv_desktop.services import audit
from coliv_desktop.services.context import (
    Actor,
    ChangedMeanwhile,
    check_version,
    reading,
    writing,
)
from coliv_desktop.services.portfolio import get_row
from coliv_desktop.services.settings import get_settings


def default_rule(settings: dict[str, Any]) -> LateFeeRule:
    cap = Decimal(settings["late_fee_cap"])
    return LateFeeRule(
        mode=str(settings["late_fee_mode"]), grace_days=int(settings["late_fee_grace_days"]),
        flat_amount=Decimal(settings["late_fee_flat"]).quantize(Decimal("0.01")),
        percent=Decimal(settings["late_fee_percent"]),
        cap=cap.quantize(Decimal("0.01")) if cap > ZERO else None,
        source="operator default")


def rule_of(row: LateFeeRuleRow, property_name: str) -> LateFeeRule:
    return LateFeeRule(mode=row.mode, grace_days=row.grace_days, flat_amount=row.flat_amount,
                       percent=row.percent, cap=row.cap, source=f"{property_name} rule")


def rules_by_property(s: Session) -> dict[uuid.UUID, tuple[uuid.UUID, LateFeeRule]]:
    """property id -> (rule row id, rule) for every property with its own rule."""
    rows = s.execute(select(LateFeeRuleRow, Property.name)
                     .join(Property, Property.id == LateFeeRuleRow.property_id)).all()
    return {row.property_id: (row.id, rule_of(row, name)) for row, name in rows}


def _out(property_id: uuid.UUID | None, rule: LateFeeRule) -> LateFeeRuleOut:
    return LateFeeRuleOut(property_id=property_id, mode=rule.mode, grace_days=rule.grace_days,
                          flat_amount=rule.flat_amount, percent=rule.percent, cap=rule.cap,
                          description=rule.describe())


def effective_rule(db: Database, actor: Actor, property_id: uuid.UUID) -> LateFeeRuleOut:
    settings = get_settings(db, actor)
    with reading(db, actor, "ledger.read") as s:
        own = rules_by_property(s).get(property_id)
    return _out(property_id if own else None, own[1] if own else default_rule(settings))


def _check_rule_version(row: LateFeeRuleRow | None, expected: int | None, name: str) -> None:
    """The rule as the form loaded it is still the one on file (0: the property had none)."""
    label = f"The late fee rule of {name}"
    if expected is None:
        return
    if row is None:
        if expected != 0:  # removed since: the default applies now
            raise ChangedMeanwhile(label, "someone else (it was removed)")
        return
    check_version(row, expected, label)


def set_property_rule(
    db: Database, actor: Actor, property_id: uuid.UUID, data: LateFeeRuleIn
) -> LateFeeRuleOut:
    with writing(db, actor, "ledger.write") as s:
        prop = get_row(s, Property, property_id, "property")
        rule = LateFeeRule(data.mode, data.grace_days, data.flat_amount, data.percent, data.cap,
                           f"{prop.name} rule").validate()
        row = s.scalar(select(LateFeeRuleRow).where(LateFeeRuleRow.property_id == prop.id))
        _check_rule_version(row, data.expected_version, prop.name)
        values = {"mode": rule.mode, "grace_days": rule.grace_days,
                  "flat_amount": rule.flat_amount, "percent": rule.percent, "cap": rule.cap}
        if row is None:
            row = LateFeeRuleRow(property_id=prop.id, **values)
            s.add(row)
            changes = audit._plain(values)
        else:
            changes = audit.diff(row, values)
        s.flush()
        audit.record(s, actor, "update", "late_fee_rule", row.id,
                     f"Late fee rule for {prop.name}: {rule.describe()}", changes)
        return _out(prop.id, rule)


def list_property_rules(db: Database, actor: Actor) -> list[PropertyLateFee]:
    """Every property with the rule its late fees follow: its own, or the operator default."""
    settings = get_settings(db, actor)
    fallback = default_rule(settings)
    with reading(db, actor, "ledger.read") as s:
        own = rules_by_property(s)
        props = s.execute(select(Property.id, Property.name)
                          .where(Property.archived_at.is_(None)).order_by(Property.name)).all()
        versions = {pid: version for pid, version in s.execute(
            select(LateFeeRuleRow.property_id, LateFeeRuleRow.version))}
    out = []
    for pid, name in props:
        rule = own[pid][1] if pid in own else fallback
        out.append(PropertyLateFee(property_id=pid, property_name=name, own=pid in own,
                                   rule=_out(pid if pid in own else None, rule),
                                   version=versions.get(pid, 0)))
    return out


def property_rule(db: Database, actor: Actor, property_id: uuid.UUID) -> PropertyLateFee:
    """One property's line of `list_property_rules`: what its dialog reloads after a
    conflict."""
    for row in list_property_rules(db, actor):
        if row.property_id == property_id:
            return row
    raise NotFoundError("property", property_id)


def clear_property_rule(db: Database, actor: Actor, property_id: uuid.UUID,
                        expected_version: int | None = None) -> LateFeeRuleOut:
    """The property follows the operator default again. Its own rule is removed, unless late
    fees were posted under it: they name the rule that produced them, so it stays on record.
    `expected_version`: as for `set_property_rule`."""
    settings = get_settings(db, actor)
    with writing(db, actor, "ledger.write") as s:
        prop = get_row(s, Property, property_id, "property")
        row = s.scalar(select(LateFeeRuleRow).where(LateFeeRuleRow.property_id == prop.id))
        _check_rule_version(row, expected_version, prop.name)
        if row is None:
            return _out(None, default_rule(settings))
        used = s.scalar(select(func.count(Charge.id)).where(Charge.late_fee_rule_id == row.id))
        if used:
            raise ValidationError("property_id", f"{used} late fee(s) were posted under "
                                  f"{prop.name}'s own rule, which stays on record with them; "
                                  "set its values to the default's instead")
        audit.record(s, actor, "delete", "late_fee_rule", row.id,
                     f"Late fee rule for {prop.name} removed: the operator default applies",
                     audit._plain({"mode": row.mode, "grace_days": row.grace_days,
                                   "flat_amount": row.flat_amount, "percent": row.percent,
                                   "cap": row.cap}))
        s.delete(row)
        return _out(None, default_rule(settings))
