"""The room-level tree: Property -> Unit -> Room."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coliv_desktop.db.models.base import ArchivableMixin, Base, EditableMixin, IdMixin

ROOM_TYPES = ("private", "shared")
ROOM_STATUSES = ("available", "maintenance")


class Property(IdMixin, EditableMixin, ArchivableMixin, Base):
    __tablename__ = "properties"

    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(Text)
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(50))
    zip: Mapped[str] = mapped_column(String(20))
    amenities: Mapped[list[str]] = mapped_column(default=list)
    house_rules: Mapped[str | None] = mapped_column(Text)


class Unit(IdMixin, EditableMixin, ArchivableMixin, Base):
    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("property_id", "unit_number"),
        CheckConstraint("bedrooms >= 0", name="bedrooms_not_negative"),
        CheckConstraint("bathrooms >= 0", name="bathrooms_not_negative"),
    )

    property_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("properties.id"), index=True)
    unit_number: Mapped[str] = mapped_column(String(20))
    floor: Mapped[int | None]
    bedrooms: Mapped[int]
    bathrooms: Mapped[Decimal] = mapped_column(Numeric(3, 1))
    square_feet: Mapped[int | None]
    furnished: Mapped[bool] = mapped_column(default=False)


class Room(IdMixin, EditableMixin, ArchivableMixin, Base):
    """A rentable room. A shared room has several beds and its rent is per bed."""

    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("unit_id", "room_number"),
        CheckConstraint(f"room_type IN {ROOM_TYPES!r}", name="room_type"),
        CheckConstraint(f"status IN {ROOM_STATUSES!r}", name="status"),
        CheckConstraint(
            "(room_type = 'private' AND beds = 1) OR (room_type = 'shared' AND beds >= 2)",
            name="beds_match_type",
        ),
        CheckConstraint("rent_amount >= 0", name="rent_not_negative"),
    )

    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    room_number: Mapped[str] = mapped_column(String(10))
    room_type: Mapped[str] = mapped_column(String(10), default="private")
    beds: Mapped[int] = mapped_column(default=1)
    size_sqft: Mapped[int | None]
    has_private_bath: Mapped[bool] = mapped_column(default=False)
    rent_amount: Mapped[Decimal]
    available_date: Mapped[date | None]
    # Occupancy is derived from leases on a given day; the stored status is only what the
    # operator sets (a room taken out for maintenance).
    status: Mapped[str] = mapped_column(String(20), default="available")
