"""Applications, matching results, approvals and placement plans: inputs and outputs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from coliv_desktop.domain import limits
from coliv_desktop.domain.matching import CompatibilityProfile
from coliv_desktop.schemas.common import (
    Day,
    Email,
    FieldProblem,
    Input,
    Money,
    Notes,
    Output,
    PersonName,
    Phone,
    Version,
)

ApplicationStatus = Literal["pending", "approved", "rejected", "withdrawn", "waitlisted"]
APPLICATION_STATUSES: tuple[ApplicationStatus, ...] = (
    "pending", "approved", "rejected", "withdrawn", "waitlisted")
OPEN_STATUSES: tuple[ApplicationStatus, ...] = ("pending", "waitlisted")


def _budget(max_rent: Decimal | None, profile: CompatibilityProfile | None) -> Decimal | None:
    if profile is None or profile.max_rent is None:
        return max_rent
    if max_rent is not None and max_rent != profile.max_rent:
        raise FieldProblem("max_rent", f"{max_rent} differs from the profile's max_rent "
                           f"{profile.max_rent}; give one budget")
    return profile.max_rent


class ApplicationCreate(Input):
    first_name: PersonName
    last_name: PersonName
    email: Email
    phone: Phone = None
    move_in_date: Day
    lease_length_months: int | None = Field(default=None, ge=1, le=120)
    max_rent: Money | None = None  # the budget; also read from the profile's max_rent
    notes: Notes = None
    compatibility_profile: CompatibilityProfile

    @model_validator(mode="after")
    def _one_budget(self) -> Self:
        self.max_rent = _budget(self.max_rent, self.compatibility_profile)
        return self


class ApplicationUpdate(Input):
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    email: Email | None = None
    phone: Phone = None
    move_in_date: Day | None = None
    lease_length_months: int | None = Field(default=None, ge=1, le=120)
    max_rent: Money | None = None
    notes: Notes = None
    compatibility_profile: CompatibilityProfile | None = None
    expected_version: Version | None = None


class ApplicationOut(Output):
    id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    phone: str | None
    move_in_date: date
    lease_length_months: int | None
    max_rent: Decimal | None
    status: str
    notes: str | None
    rejection_reason: str | None
    compatibility_profile: CompatibilityProfile
    tenant_id: uuid.UUID | None
    approved_room_id: uuid.UUID | None
    approved_lease_id: uuid.UUID | None
    decided_at: datetime | None
    created_at: datetime
    version: int

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ApplicationRow(Output):
    """One line of the applications list, with its best stored match."""

    id: uuid.UUID
    full_name: str
    email: str
    phone: str | None
    move_in_date: date
    max_rent: Decimal | None
    status: str
    created_at: datetime
    best_score: int | None
    best_room: str | None  # "Downtown Loft 3B-A"
    candidates: int


# --- matching results ---------------------------------------------------------------------------

class RoommateOut(Output):
    tenant_id: uuid.UUID
    name: str
    label: str  # the name used in the breakdown and recommendation
    room: str  # "3B-C"
    pair_score: int | None  # None: no compatibility profile on file, not scored against


class CandidateOut(Output):
    room_id: uuid.UUID
    property_id: uuid.UUID
    property_name: str
    unit_id: uuid.UUID
    unit_number: str
    room_number: str
    rent: Decimal
    score: int
    tier: str
    recommendation: str
    breakdown: dict[str, Any]
    roommates: list[RoommateOut]
    warning: str | None
    status: str  # current, approved, withdrawn

    @property
    def room_label(self) -> str:
        return f"{self.unit_number}-{self.room_number}"

    @property
    def recommended(self) -> bool:
        return self.score >= 70


class ExcludedOut(Output):
    room_id: uuid.UUID
    property_name: str
    unit_number: str
    room_number: str
    reason: str

    @property
    def room_label(self) -> str:
        return f"{self.unit_number}-{self.room_number}"


class MatchResult(Output):
    application_id: uuid.UUID
    applicant: str
    move_in_date: date
    scored_at: datetime | None
    candidates: list[CandidateOut]
    excluded: list[ExcludedOut]
    # an open application whose leases, rooms or residents changed after it was scored: the
    # stored numbers may no longer hold (a decided one keeps the numbers it was decided on)
    out_of_date: bool = False


# --- approval -----------------------------------------------------------------------------------

class ApprovalInput(Input):
    room_id: uuid.UUID
    lease_start: Day | None = None  # default: the desired move-in date
    lease_end: Day | None = None  # default: start + the lease length wanted, or open-ended
    rent_amount: Money | None = None  # default: the room's rent (per bed)
    deposit_amount: Money | None = None  # default: one month's rent
    bed: int | None = Field(default=None, ge=1, le=limits.MAX_BEDS)
    expected_version: Version | None = None

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.lease_start and self.lease_end and self.lease_end < self.lease_start:
            raise FieldProblem("lease_end", "must not be before the start date")
        return self


class ApprovalOut(Output):
    application: ApplicationOut
    lease_id: uuid.UUID
    tenant_id: uuid.UUID
    withdrawn_applications: list[uuid.UUID]
    rescored_applications: list[uuid.UUID]


# --- batch placement ----------------------------------------------------------------------------

class PlacementOut(Output):
    application_id: uuid.UUID
    applicant: str
    move_in_date: date
    room_id: uuid.UUID
    property_name: str
    unit_number: str
    room_number: str
    rent: Decimal
    score: int  # with the plan's co-placed applicants counted as roommates
    tier: str
    independent_score: int  # against the current residents only
    co_placed: list[uuid.UUID]  # other applications the plan puts in the same unit

    @property
    def room_label(self) -> str:
        return f"{self.unit_number}-{self.room_number}"


class UnplacedOut(Output):
    application_id: uuid.UUID
    applicant: str
    reason: str


class PlanOut(Output):
    placements: list[PlacementOut]
    unplaced: list[UnplacedOut]
    total: int
    independent_total: int
    min_score: int


class PlanApprovalOut(Output):
    approved: list[ApprovalOut]
    failed: list[tuple[uuid.UUID, str]]


# --- the welcome letter -------------------------------------------------------------------------

class WelcomeData(Output):
    application_id: uuid.UUID
    first_name: str
    full_name: str
    property_name: str
    address: str
    unit: str
    room: str
    bed: int
    shared_room: bool
    move_in: date
    lease_end: date | None
    rent: Decimal
    deposit: Decimal
    house_rules: str
    roommates: list[str]  # first names of the people living in the unit on the move-in date
    written_on: date
