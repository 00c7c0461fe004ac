"""The demo's expenses (issue 15): a year of what running three houses costs, so the demo's
profit and loss looks like a real one. Two recurring bills (the master lease of the Downtown
Loft, rented from its landlord, and the internet of every house) posted through the bill run,
and a year of utilities, cleaning, insurance, taxes, mortgage interest, supplies and
advertising, last month's power bills still due. Seeded, so every demo is the same."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import Property
from coliv_desktop.schemas.books import BillCreate, ExpenseCreate
from coliv_desktop.services.context import Actor, reading, writing
from coliv_desktop.services.expenses import create_expense
from coliv_desktop.services.recurring_bills import add_bill, post_bills

MASTER_LEASED = "Downtown Loft"  # rented from its landlord and sublet by the room
# per house: (utilities a month, cleaning a month, yearly insurance, yearly property tax,
# mortgage interest a month)
COSTS = {
    "Downtown Loft": (170, 120, 0, 0, 0),
    "Riverside House": (160, 110, 1180, 3600, 520),
    "Maple Commons": (260, 180, 1460, 4300, 690),
}


def _cents(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def load_expenses(db: Database, actor: Actor, day: date) -> dict[str, int]:
    """The year up to `day` of the demo houses' expenses and their recurring bills."""
    with reading(db, actor, "ledger.read") as s:
        houses = dict(s.execute(select(Property.name, Property.id)).all())
    if not houses:
        return {}
    first = (day.replace(day=1) - relativedelta(months=11))
    bills = 0
    if MASTER_LEASED in houses:
        add_bill(db, actor, BillCreate(
            property_id=houses[MASTER_LEASED], payee="Lamar Street Holdings LLC",
            category="Rent paid (master lease)", amount=Decimal("2150.00"), day_of_month=1,
            starts_on=first, autopay=True, notes="Master lease, 5 years from 2024"))
        bills += 1
    for name, ident in houses.items():
        add_bill(db, actor, BillCreate(
            property_id=ident, payee="Spectrum Business", category="Utilities",
            amount=Decimal("89.99") if name != "Maple Commons" else Decimal("129.99"),
            day_of_month=12, starts_on=first, autopay=True, notes="Fibre internet"))
        bills += 1
    posted = post_bills(db, actor, day).posted
    rng = random.Random(15)
    made = 0
    with writing(db, actor, "ledger.write") as s:
        def spend(house: str, on: date, payee: str, category: str, amount: Decimal,
                  status: str = "paid", reference: str | None = None) -> None:
            nonlocal made
            if on > day:
                return
            create_expense(s, actor, ExpenseCreate(
                property_id=houses[house], spent_on=on, payee=payee, category=category,
                amount=amount, status=status, due_date=on if status == "due" else None,
                reference=reference))
            made += 1

        for n in range(12):
            month = first + relativedelta(months=n)
            winter = month.month in (12, 1, 2)
            summer = month.month in (6, 7, 8, 9)
            unpaid = n == 10  # last month's power bill: still due
            for house, (utility, cleaning, insurance, tax, interest) in COSTS.items():
                if house not in houses:
                    continue
                load = 1.35 if summer else (1.15 if winter else 1.0)
                spend(house, month.replace(day=18), "Austin Energy", "Utilities",
                      _cents(utility * load * rng.uniform(0.9, 1.1)),
                      "due" if unpaid else "paid", f"AE-{month:%y%m}")
                spend(house, month.replace(day=20), "City of Austin Water", "Utilities",
                      _cents(utility * 0.35 * rng.uniform(0.85, 1.15)))
                spend(house, month.replace(day=28), "Sparkle Home Cleaning",
                      "Cleaning and maintenance", _cents(cleaning))
                if interest:
                    spend(house, month.replace(day=5), "First Texas Mortgage",
                          "Mortgage interest", _cents(interest - n * 1.4))
                if insurance and n in (0, 6):
                    spend(house, month.replace(day=3), "Lone Star Mutual", "Insurance",
                          _cents(insurance / 2), reference=f"POL-{house[:3].upper()}-22")
                if tax and month.month == 1:  # twelve months hold one January
                    spend(house, month.replace(day=25), "Travis County Tax Office", "Taxes",
                          _cents(tax))
                if n % 3 == 1:
                    spend(house, month.replace(day=9), "Costco", "Supplies",
                          _cents(rng.uniform(80, 190)))
            if n % 4 == 2:
                house = rng.choice(sorted(h for h in COSTS if h in houses))
                spend(house, month.replace(day=14), "Facebook Ads", "Advertising",
                      _cents(rng.uniform(60, 140)))
            if n == 3 and "Riverside House" in houses:
                spend("Riverside House", month.replace(day=11), "Hill & Ortiz CPA",
                      "Legal and other professional fees", Decimal("650.00"))
    return {"recurring bills": bills, "expenses": made + posted}
