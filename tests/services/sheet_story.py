"""The operator of issue 15's "done means": 3 houses, 40 rooms, their tenants, leases and this
year's payments, as the spreadsheets they arrive with (US dates, dollar amounts, a title row
above the header, a blank line). Shared by the service, CLI and GUI tests of the import.

`expected_balances()` is worked by hand from the same numbers: each lease's rent for every
month from its start to June (rent due on the 1st, full months only), its deposit, less what
the tenant paid.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

TODAY = "2026-06-15"
HOUSES = (("Maple House", "12 Maple St", "78701", (("1", 7), ("2", 7))),
          ("Oak House", "40 Oak Ave", "78702", (("A", 7), ("B", 6))),
          ("Birch House", "7 Birch Rd", "78703", (("1", 7), ("2", 6))))
LAST_NAMES = ("Lima", "Chen", "Okafor", "Müller", "Nguyen", "García", "Smith", "O'Neil",
              "Kowalski", "Haddad", "Tanaka", "Silva")


@dataclass(frozen=True)
class Let:
    index: int
    house: str
    unit: str
    room: str
    rent: Decimal
    deposit: Decimal
    start: date
    email: str
    first: str
    last: str


def rooms() -> list[tuple[str, str, str, str, str, str, Decimal]]:
    """(house, address, zip, unit, room, size, rent) for the 40 rooms."""
    out = []
    n = 0
    for house, address, zip_code, units in HOUSES:
        for unit, count in units:
            for r in range(count):
                out.append((house, address, zip_code, unit, chr(ord("A") + r),
                            str(90 + 5 * r), Decimal(650 + 25 * (n % 9)) + Decimal("0.50")
                            * (n % 2)))
                n += 1
    assert len(out) == 40
    return out


def lets() -> list[Let]:
    """36 of the 40 rooms let, from January, February or March 2026."""
    out = []
    for i, (house, _a, _z, unit, room, _size, rent) in enumerate(rooms()[:36]):
        out.append(Let(i, house, unit, room, rent,
                       rent if i % 2 == 0 else Decimal("0.00"), date(2026, 1 + i % 3, 1),
                       f"tenant{i}@example.com", f"Person{i}", LAST_NAMES[i % 12]))
    return out


def payments() -> list[tuple[Let, date, Decimal, str, str]]:
    """(let, day, amount, method, reference): the month's rent on the 3rd, the deposit with
    the first; tenant 5k skips May, tenant 7k pays a cent short in March."""
    out = []
    for let in lets():
        for month in range(let.start.month, 7):
            if let.index % 5 == 0 and month == 5:
                continue
            amount = let.rent + (let.deposit if month == let.start.month else Decimal(0))
            if let.index % 7 == 0 and month == 3:
                amount -= Decimal("0.01")
            method = ("bank_transfer", "check", "cash", "card")[(let.index + month) % 4]
            out.append((let, date(2026, month, 3), amount, method, f"R{let.index}-{month}"))
    return out


def expected_balances() -> dict[str, Decimal]:
    """email -> what the tenant owes on 2026-06-15, by hand."""
    owed: dict[str, Decimal] = {}
    for let in lets():
        owed[let.email] = let.rent * (7 - let.start.month) + let.deposit
    for let, _day, amount, _m, _r in payments():
        owed[let.email] -= amount
    return owed


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _us(day: date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def _dollars(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def rooms_csv() -> str:
    rows = [["Our houses, 2026", "", "", ""],
            ["House", "Street address", "City", "State", "Zip code", "Unit", "Room #",
             "Size (sq ft)", "Rent ($)", "Furnished"]]
    for house, address, zip_code, unit, room, size, rent in rooms():
        rows.append([house, address, "Austin", "TX", zip_code, unit, room, size,
                     _dollars(rent), "yes"])
    return _csv(rows)


def tenants_csv() -> str:
    rows = [["First name", "Last name", "E-mail", "Mobile"]]
    rows += [[let.first, let.last, let.email, f"555-01{let.index:02d}"] for let in lets()]
    return _csv(rows, ";")


def leases_csv() -> str:
    rows = [["Email", "House", "Unit", "Room", "Lease start", "Lease end", "Monthly rent",
             "Security deposit"]]
    for let in lets():
        rows.append([let.email, let.house, let.unit, let.room, _us(let.start),
                     "12/31/2026" if let.index % 4 else "", _dollars(let.rent),
                     _dollars(let.deposit) if let.deposit else ""])
    return _csv(rows)


def payments_csv() -> str:
    rows = [["Tenant", "Paid on", "Amount paid", "Method", "Ref"]]
    for let, day, amount, method, reference in payments():
        rows.append([f"{let.first} {let.last}", _us(day), _dollars(amount),
                     method.replace("_", " ").title(), reference])
        if len(rows) == 20:
            rows.append([])  # a blank line in the middle
    return _csv(rows)


def write_story(folder: Path) -> dict[str, Path]:
    files = {"rooms": rooms_csv(), "tenants": tenants_csv(), "leases": leases_csv(),
             "payments": payments_csv()}
    out = {}
    for kind, text in files.items():
        path = folder / f"{kind}.csv"
        path.write_bytes(text.encode("utf-8-sig" if kind == "tenants" else "utf-8"))
        out[kind] = path
    return out
