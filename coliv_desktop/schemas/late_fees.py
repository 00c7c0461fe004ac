"""Late fee rules: inputs and outputs."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Literal

from pydantic import Field

from coliv_desktop.schemas.common import Input, Money, Output, Percent


class LateFeeRuleIn(Input):
    mode: Literal["none", "flat", "percent"]
    grace_days: int = Field(default=5, ge=0, le=60)
    flat_amount: Money = Decimal("0.00")
    percent: Percent = Decimal("0")
    cap: Money | None = None
    # The version of the property's own rule the form was filled from (0: it had none), so a
    # rule someone else saved meanwhile is not written over silently; None: no check.
    expected_version: int | None = None


class LateFeeRuleOut(Output):
    property_id: uuid.UUID | None  # None: the operator default
    mode: str
    grace_days: int
    flat_amount: Decimal
    percent: Decimal
    cap: Decimal | None
    description: str


class PropertyLateFee(Output):
    property_id: uuid.UUID
    property_name: str
    own: bool  # False: the operator default applies
    rule: LateFeeRuleOut
    version: int = 0  # of the property's own rule; 0 without one
