"""Late fee rules: a property's own rule or the operator default, posted by the rent run once
per period with the rule that produced the fee; a property goes back to the default."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.late_fees import LateFeeRuleIn
from coliv_desktop.schemas.portfolio import PropertyCreate
from coliv_desktop.services import late_fees, ledger, portfolio, rent_run
from coliv_desktop.services.context import Actor
from coliv_desktop.services.settings import set_settings
from tests.builders import flow_41, lease, tenant


def test_property_rule_beats_the_default_and_is_posted_once(
        db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", "2026-01-31")
    set_settings(db, actor, {"late_fee_mode": "flat", "late_fee_flat": "25",
                             "late_fee_grace_days": 3})
    flow = flow_41(db, actor)
    other = portfolio.add_property(db, actor, build(
        PropertyCreate, name="Annex", address="1 Side St", city="Austin",
        state="TX", zip="78701"))
    sarah = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Sarah"), date(2025, 12, 1))
    rules = {r.property_name: r for r in late_fees.list_property_rules(db, actor)}
    assert not rules["Downtown Loft"].own and not rules["Annex"].own
    assert rules["Downtown Loft"].rule.description == (
        "25.00 flat after 3 grace days (operator default)")
    own = late_fees.set_property_rule(db, actor, flow.property_id, build(
        LateFeeRuleIn, mode="percent", grace_days=5, percent="10", cap="60"))
    assert own.description == "10% of the overdue rent after 5 grace days, capped at 60.00 " \
                              "(Downtown Loft rule)"
    with pytest.raises(ValidationError) as err:
        late_fees.set_property_rule(db, actor, other.id, build(LateFeeRuleIn, mode="flat"))
    assert err.value.field == "flat_amount"
    result = rent_run.run_rent(db, actor, date(2026, 1, 31))
    assert result.late_fees_created == 2  # December and January, 10% of 900 capped at 60
    fees = [c for c in ledger.lease_ledger(db, actor, sarah.id).charges if c.kind == "late_fee"]
    assert [(c.period, c.amount, c.due_date) for c in fees] == [
        ("2025-12", D("60.00"), date(2025, 12, 7)), ("2026-01", D("60.00"), date(2026, 1, 7))]
    assert "Downtown Loft rule" in (fees[0].working or "")
    assert rent_run.run_rent(db, actor, date(2026, 1, 31)).late_fees_created == 0
    # fees were posted under the rule: it stays on record
    with pytest.raises(ValidationError, match="stays on record"):
        late_fees.clear_property_rule(db, actor, flow.property_id)
    late_fees.set_property_rule(db, actor, other.id, build(LateFeeRuleIn, mode="none"))
    assert late_fees.effective_rule(db, actor, other.id).mode == "none"
    back = late_fees.clear_property_rule(db, actor, other.id)
    assert back.property_id is None and back.mode == "flat"
    assert not {r.property_name: r for r in late_fees.list_property_rules(db, actor)}["Annex"].own
