"""Properties, units and rooms: inputs and outputs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from coliv_desktop.domain import limits
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.schemas.common import (
    Day,
    FieldProblem,
    Input,
    Money,
    Name,
    Output,
    Version,
    text,
)

RoomType = Literal["private", "shared"]
RoomStatus = Literal["available", "maintenance"]
Address = Annotated[str, text(limits.ADDRESS)]
City = Annotated[str, text(limits.CITY)]
State = Annotated[str, text(limits.STATE)]
Zip = Annotated[str, text(limits.ZIP)]
HouseRules = Annotated[str | None, text(limits.HOUSE_RULES, multiline=True, optional=True)]
UnitNumber = Annotated[str, text(limits.UNIT_NUMBER)]
RoomNumber = Annotated[str, text(limits.ROOM_NUMBER)]
Floor = Annotated[int, Field(ge=limits.MIN_FLOOR, le=limits.MAX_FLOOR)]
UnitArea = Annotated[int, Field(gt=0, le=limits.MAX_SQFT)]
RoomArea = Annotated[int, Field(gt=0, le=limits.MAX_ROOM_SQFT)]


def clean_amenities(amenities: list[str]) -> list[str]:
    """Each amenity one short line; blanks dropped; not more than `limits.AMENITIES`."""
    if len(amenities) > limits.AMENITIES:
        raise FieldProblem("amenities", f"has too many items (at most {limits.AMENITIES})")
    out = []
    for i, amenity in enumerate(amenities):
        try:
            cleaned = limits.clean_text(amenity, "amenity", limits.AMENITY)
        except ValidationError as exc:
            raise FieldProblem(f"amenities[{i}]", exc.detail) from None
        if cleaned:
            out.append(cleaned)
    return out


class PropertyCreate(Input):
    name: Name
    address: Address
    city: City
    state: State
    zip: Zip
    amenities: list[str] = Field(default_factory=list)
    house_rules: HouseRules = None

    @model_validator(mode="after")
    def _clean_amenities(self) -> Self:
        self.amenities = clean_amenities(self.amenities)
        return self


class PropertyUpdate(Input):
    name: Name | None = None
    address: Address | None = None
    city: City | None = None
    state: State | None = None
    zip: Zip | None = None
    amenities: list[str] | None = None
    house_rules: HouseRules = None
    expected_version: Version | None = None

    @model_validator(mode="after")
    def _clean_amenities(self) -> Self:
        if self.amenities is not None:
            self.amenities = clean_amenities(self.amenities)
        return self


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
    unit_number: UnitNumber
    floor: Floor | None = None
    bedrooms: int = Field(ge=0, le=limits.MAX_BEDROOMS)
    bathrooms: Decimal = Field(ge=0, le=50, decimal_places=1)
    square_feet: UnitArea | None = None
    furnished: bool = False


class UnitUpdate(Input):
    unit_number: UnitNumber | None = None
    floor: Floor | None = None
    bedrooms: int | None = Field(default=None, ge=0, le=limits.MAX_BEDROOMS)
    bathrooms: Decimal | None = Field(default=None, ge=0, le=50, decimal_places=1)
    square_feet: UnitArea | None = None
    furnished: bool | None = None
    expected_version: Version | None = None


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
    room_number: RoomNumber
    room_type: RoomType = "private"
    beds: int | None = Field(default=None, ge=1, le=limits.MAX_BEDS)
    size_sqft: RoomArea | None = None
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
    room_number: RoomNumber | None = None
    room_type: RoomType | None = None
    beds: int | None = Field(default=None, ge=1, le=limits.MAX_BEDS)
    size_sqft: RoomArea | None = None
    has_private_bath: bool | None = None
    rent_amount: Money | None = None
    available_date: Day | None = None
    status: RoomStatus | None = None
    expected_version: Version | None = None


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

