"""Properties, units and rooms: inputs and outputs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Self

from pydantic import Field, model_validator

from coliv_desktop.schemas.common import (
    Day,
    FieldProblem,
    Input,
    Money,
    Name,
    OptionalText,
    Output,
)

RoomType = Literal["private", "shared"]
RoomStatus = Literal["available", "maintenance"]


class PropertyCreate(Input):
    name: Name
    address: Name
    city: Name
    state: Name
    zip: Name
    amenities: list[str] = Field(default_factory=list)
    house_rules: OptionalText = None

    @model_validator(mode="after")
    def _clean_amenities(self) -> Self:
        self.amenities = [a.strip() for a in self.amenities if a.strip()]
        return self


class PropertyUpdate(Input):
    name: Name | None = None
    address: Name | None = None
    city: Name | None = None
    state: Name | None = None
    zip: Name | None = None
    amenities: list[str] | None = None
    house_rules: OptionalText = None
    expected_version: int | None = None


class PropertyOut(Output):
    id: uuid.UUID
    name: str
    address: str
    city: str
    state: str
    zip: str
    amenities: list[str]
    house_rules: str | None
    archived_at: datetime | None
    version: int


class UnitCreate(Input):
    property_id: uuid.UUID
    unit_number: Name = Field(max_length=20)
    floor: int | None = None
    bedrooms: int = Field(ge=0, le=50)
    bathrooms: Decimal = Field(ge=0, le=50, decimal_places=1)
    square_feet: int | None = Field(default=None, gt=0)
    furnished: bool = False


class UnitUpdate(Input):
    unit_number: Name | None = Field(default=None, max_length=20)
    floor: int | None = None
    bedrooms: int | None = Field(default=None, ge=0, le=50)
    bathrooms: Decimal | None = Field(default=None, ge=0, le=50, decimal_places=1)
    square_feet: int | None = Field(default=None, gt=0)
    furnished: bool | None = None
    expected_version: int | None = None


class UnitOut(Output):
    id: uuid.UUID
    property_id: uuid.UUID
    unit_number: str
    floor: int | None
    bedrooms: int
    bathrooms: Decimal
    square_feet: int | None
    furnished: bool
    archived_at: datetime | None
    version: int


def check_beds(room_type: str | None, beds: int | None) -> None:
    if room_type == "private" and beds not in (None, 1):
        raise FieldProblem("beds", "a private room has exactly 1 bed")
    if room_type == "shared" and beds is not None and beds < 2:
        raise FieldProblem("beds", "a shared room has 2 or more beds")


class RoomCreate(Input):
    unit_id: uuid.UUID
    room_number: Name = Field(max_length=10)
    room_type: RoomType = "private"
    beds: int | None = Field(default=None, ge=1, le=20)
    size_sqft: int | None = Field(default=None, gt=0)
    has_private_bath: bool = False
    rent_amount: Money
    available_date: Day | None = None
    status: RoomStatus = "available"

    @model_validator(mode="after")
    def _beds_for_type(self) -> Self:
        check_beds(self.room_type, self.beds)
        if self.beds is None:
            self.beds = 1 if self.room_type == "private" else 2
        return self


class RoomUpdate(Input):
    room_number: Name | None = Field(default=None, max_length=10)
    room_type: RoomType | None = None
    beds: int | None = Field(default=None, ge=1, le=20)
    size_sqft: int | None = Field(default=None, gt=0)
    has_private_bath: bool | None = None
    rent_amount: Money | None = None
    available_date: Day | None = None
    status: RoomStatus | None = None
    expected_version: int | None = None


class RoomOut(Output):
    id: uuid.UUID
    unit_id: uuid.UUID
    room_number: str
    room_type: str
    beds: int
    size_sqft: int | None
    has_private_bath: bool
    rent_amount: Decimal
    available_date: date | None
    status: str
    archived_at: datetime | None
    version: int


class ArchivedItem(Output):
    """An archived property, unit or room, as the archive lists it."""

    kind: str  # property, unit, room
    id: uuid.UUID
    label: str
    archived_at: datetime

