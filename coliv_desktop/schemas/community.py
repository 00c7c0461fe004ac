"""House life (issue 14): announcements, events and RSVPs, the house board, roommate conflicts."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import pydantic
from pydantic import AfterValidator, BeforeValidator, model_validator

from coliv_desktop.domain import limits
from coliv_desktop.schemas.common import (
    Day,
    FieldProblem,
    Input,
    Line,
    Notes,
    Output,
    Version,
    text,
)

Priority = Literal["normal", "important", "urgent"]
Answer = Literal["going", "maybe", "not_going"]
PostCategory = Literal["general", "event", "lost_found", "marketplace", "recommendation",
                       "notice"]
ConflictCategory = Literal["noise", "cleanliness", "guests", "bills", "safety", "other"]
Severity = Literal["low", "medium", "high"]
ConflictStatus = Literal["open", "mediating", "resolved", "escalated"]

Message = Annotated[str, text(limits.NOTES, multiline=True)]
Place = Annotated[str | None, text(limits.LINE, optional=True)]


def _parse_moment(value: Any) -> Any:
    if isinstance(value, str):
        cleaned = value.strip().replace("T", " ")
        try:
            return datetime.fromisoformat(cleaned)
        except ValueError:
            raise ValueError(f'"{value}" is not a date and time (use YYYY-MM-DD HH:MM)') from None
    return value


def _to_utc(value: datetime) -> datetime:
    """A time typed without a zone is the operator's wall clock (this computer's zone); the
    database keeps UTC and every view shows it back with `astimezone()`."""
    # the plausible years first: converting year 1 to another zone would overflow instead
    if not limits.FIRST_DAY <= value.date() <= limits.LAST_DAY:
        raise ValueError(limits.day_problem(value.date()))
    aware = value.astimezone() if value.tzinfo is None else value
    return aware.astimezone(UTC)


Moment = Annotated[datetime, BeforeValidator(_parse_moment), AfterValidator(_to_utc)]


# --- announcements -----------------------------------------------------------------------------

class AnnouncementCreate(Input):
    """To one property, one unit of it (the property is then the unit's) or everyone."""

    property_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    title: Line
    message: Message
    priority: Priority = "normal"
    pinned: bool = False
    expires_on: Day | None = None


class AnnouncementUpdate(Input):
    title: Line | None = None
    message: Message | None = None
    priority: Priority | None = None
    pinned: bool | None = None
    expires_on: Day | None = None
    expected_version: Version | None = None


class AnnouncementOut(Output):
    id: uuid.UUID
    property_id: uuid.UUID | None
    unit_id: uuid.UUID | None
    created_by: str
    title: str
    message: str
    priority: str
    pinned: bool
    expires_on: date | None
    created_at: datetime
    archived_at: datetime | None
    version: int


# --- events and RSVPs --------------------------------------------------------------------------

class EventCreate(Input):
    property_id: uuid.UUID
    title: Line
    description: Notes = None
    date_time: Moment
    ends_at: Moment | None = None
    location: Place = None
    max_attendees: Annotated[int | None, pydantic.Field(ge=1, le=100_000)] = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> EventCreate:
        if self.ends_at is not None and self.ends_at <= self.date_time:
            raise FieldProblem("ends_at", "must be after the start")
        return self


class EventUpdate(Input):
    title: Line | None = None
    description: Notes = None
    date_time: Moment | None = None
    ends_at: Moment | None = None
    location: Place = None
    max_attendees: Annotated[int | None, pydantic.Field(ge=1, le=100_000)] = None
    expected_version: Version | None = None


class EventOut(Output):
    id: uuid.UUID
    property_id: uuid.UUID
    created_by: str
    title: str
    description: str | None
    date_time: datetime
    ends_at: datetime | None
    location: str | None
    max_attendees: int | None
    going: int = 0
    waitlisted: int = 0
    maybe: int = 0
    archived_at: datetime | None
    version: int


class RsvpOut(Output):
    id: uuid.UUID
    event_id: uuid.UUID
    tenant_id: uuid.UUID
    tenant_name: str = ""
    status: str
    answered_at: datetime
    attended: bool | None
    version: int


# --- the house board ---------------------------------------------------------------------------

class PostCreate(Input):
    """By a tenant (`author_id`) or, without one, by the staff member writing it."""

    property_id: uuid.UUID
    author_id: uuid.UUID | None = None
    category: PostCategory = "general"
    content: Message


class PostOut(Output):
    id: uuid.UUID
    property_id: uuid.UUID
    author_id: uuid.UUID | None
    author_name: str
    category: str
    content: str
    visible: bool
    hidden_reason: str | None
    created_at: datetime
    version: int


# --- roommate conflicts ------------------------------------------------------------------------

class ConflictCreate(Input):
    unit_id: uuid.UUID
    parties: Annotated[list[uuid.UUID], pydantic.Field(min_length=2, max_length=limits.MAX_BEDS
                                                       * 4)]
    conflict_type: ConflictCategory
    severity: Severity = "medium"
    description: Message
    room_id: uuid.UUID | None = None


class ConflictUpdate(Input):
    conflict_type: ConflictCategory | None = None
    severity: Severity | None = None
    description: Message | None = None
    outcome: Notes = None
    expected_version: Version | None = None


class PartyOut(Output):
    tenant_id: uuid.UUID
    name: str


class ConflictNoteOut(Output):
    id: uuid.UUID
    conflict_id: uuid.UUID
    author: str
    text: str
    from_status: str | None
    to_status: str | None
    created_at: datetime


class ConflictOut(Output):
    id: uuid.UUID
    unit_id: uuid.UUID
    room_id: uuid.UUID | None
    conflict_type: str
    severity: str
    status: str
    description: str
    outcome: str | None
    reported_on: date
    resolved_at: datetime | None
    parties: list[PartyOut] = []
    notes: list[ConflictNoteOut] = []
    version: int


class TenantConflict(Output):
    """One of a tenant's conflicts, as the tenant record and the Applications pane show it."""

    id: uuid.UUID
    category: str
    severity: str
    status: str
    summary: str
    others: list[str]
