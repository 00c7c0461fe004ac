"""Splitting a utility bill across the rooms of a unit or property.

Rules (each room gets a weight; the bill is divided in proportion to the weights):
  equal       - 1 per room occupied at some time in the bill's period
  per_person  - 1 per bed (a shared room with two beds carries two people's shares)
  by_size     - the room's floor area
  percentages - a fixed percentage per room, adding up to 100

Within a room, each bed's share is prorated by the days its tenant lived there during the
bill's period; days nobody lived in a bed are the vacant share. Vacant shares go to the operator
(the default) or are spread over the tenants in proportion to their shares.

Cents: the exact shares are fractions; each party first gets its share rounded down to the cent,
then the cents left over go one each to the largest remainders (ties broken by the order the
parties are listed in), so the shares always add up to the bill exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import CENT

RULES = ("equal", "per_person", "by_size", "percentages")
RULE_LABELS = {
    "equal": "equal per occupied room",
    "per_person": "per person",
    "by_size": "by room size",
    "percentages": "fixed percentages",
}
VACANT_TO = ("operator", "occupants")
OPERATOR = "operator"


@dataclass(frozen=True)
class Occupant:
    key: str  # the lease id, as text
    name: str
    start: date  # first day they lived there (lease start)
    end: date | None  # last day (lease end), None when open


@dataclass(frozen=True)
class RoomInput:
    key: str  # the room id, as text
    label: str
    beds: int = 1
    size: int | None = None
    percent: Decimal | None = None
    occupants: Sequence[Occupant] = field(default_factory=tuple)


@dataclass(frozen=True)
class Share:
    key: str  # an occupant's key, or OPERATOR for the vacant share
    room_key: str | None
    amount: Decimal
    days: int
    working: str


def _days(start: date, end: date) -> int:
    return (end - start).days + 1


def _overlap(occ: Occupant, start: date, end: date) -> int:
    first = max(occ.start, start)
    last = end if occ.end is None else min(occ.end, end)
    return max(0, _days(first, last)) if last >= first else 0


def _weights(rule: str, rooms: Sequence[RoomInput], start: date, end: date) -> list[Fraction]:
    if rule == "equal":
        return [Fraction(1 if any(_overlap(o, start, end) for o in r.occupants) else 0)
                for r in rooms]
    if rule == "per_person":
        return [Fraction(r.beds) for r in rooms]
    if rule == "by_size":
        for i, r in enumerate(rooms):
            if not r.size or r.size <= 0:
                raise ValidationError(f"rooms[{i}].size", f"room {r.label} has no size recorded")
        return [Fraction(r.size or 0) for r in rooms]
    if rule == "percentages":
        total = Decimal(0)
        for i, r in enumerate(rooms):
            if r.percent is None or r.percent < 0:
                raise ValidationError(f"rooms[{i}].percent", f"room {r.label} needs a percentage")
            total += r.percent
        if total != 100:
            raise ValidationError("percentages", f"add up to {total}, not 100")
        return [Fraction(r.percent or 0) for r in rooms]
    raise ValidationError("rule", f"must be one of {', '.join(RULES)}")


def assign_cents(total: Decimal, exact: Sequence[Fraction]) -> list[Decimal]:
    """Round exact shares to cents so they add up to `total` (largest remainder, stable ties)."""
    cents_total = int((total / CENT).to_integral_value())
    if cents_total != total / CENT:
        raise ValueError("the total must be whole cents")
    scaled = [share * 100 for share in exact]
    floors = [int(s // 1) for s in scaled]
    left = cents_total - sum(floors)
    order = sorted(range(len(scaled)), key=lambda i: (-(scaled[i] - floors[i]), i))
    if not 0 <= left <= len(scaled):
        raise ValueError("the exact shares do not add up to the total")
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(c) / 100 for c in floors]


def split_bill(
    amount: Decimal,
    start: date,
    end: date,
    rule: str,
    rooms: Sequence[RoomInput],
    vacant_to: str = "operator",
) -> list[Share]:
    """The shares of a bill, one per occupant plus the vacant share (key OPERATOR) if any."""
    if amount <= 0:
        raise ValidationError("amount", "must be more than zero")
    if end < start:
        raise ValidationError("period_end", "must not be before the start of the period")
    if vacant_to not in VACANT_TO:
        raise ValidationError("vacant_to", f"must be one of {', '.join(VACANT_TO)}")
    if not rooms:
        raise ValidationError("rooms", "there are no rooms to split the bill across")
    period = _days(start, end)
    weights = _weights(rule, rooms, start, end)
    total_weight = sum(weights, Fraction(0))
    if total_weight == 0:
        raise ValidationError("rule", "nobody lived in these rooms during the bill's period")
    bill = Fraction(amount)
    parties: list[tuple[str, str | None, Fraction, int, str]] = []
    vacant = Fraction(0)
    how = RULE_LABELS[rule]
    for room, weight in zip(rooms, weights, strict=True):
        room_share = bill * weight / total_weight
        if room_share == 0:
            continue
        bed_share = room_share / room.beds
        used = Fraction(0)
        for occ in room.occupants:
            days = _overlap(occ, start, end)
            if days == 0:
                continue
            exact = bed_share * days / period
            used += exact
            per_bed = f" / {room.beds} beds" if room.beds > 1 else ""
            text = (f"Bill {amount:.2f} for {start.isoformat()} to {end.isoformat()} ({period} "
                    f"days), split {how}: room {room.label} carries {_weight_text(rule, weight)} "
                    f"of {_weight_text(rule, total_weight)} = {float(room_share):.2f}{per_bed}; "
                    f"{occ.name} lived there {days} of {period} days")
            parties.append((occ.key, room.key, exact, days, text))
        vacant += room_share - used
    if vacant < 0:
        raise ValidationError("rooms", "a bed holds overlapping occupants in the bill's period")
    if vacant > 0 and vacant_to == "occupants" and parties:
        occupied = sum((p[2] for p in parties), Fraction(0))
        parties = [(k, r, exact + vacant * exact / occupied, d,
                    t + "; vacant days spread over the tenants")
                   for k, r, exact, d, t in parties]
        vacant = Fraction(0)
    if vacant > 0:
        parties.append((OPERATOR, None, vacant, 0,
                        "Vacant rooms' and days' shares, carried by the operator"))
    amounts = assign_cents(amount, [p[2] for p in parties])
    shares = []
    for (key, room_key, _exact, days, text), cents in zip(parties, amounts, strict=True):
        shares.append(Share(key, room_key, cents, days, f"{text}: {cents:.2f}"))
    return shares


def _weight_text(rule: str, weight: Fraction) -> str:
    if rule == "by_size":
        return f"{float(weight):g} sq ft"
    if rule == "percentages":
        return f"{float(weight):g}%"
    if rule == "per_person":
        return f"{float(weight):g} person(s)"
    return f"{float(weight):g} room(s)"
