"""The kinds of spreadsheet CoLiv reads and writes (issue 15) and their columns, shared by the
import (`services.sheet_import`) and the export (`services.sheet_export`), so what one writes
the other reads back.

A column is a field with a title (the header the export writes, the label the import wizard
shows), a kind of value (text, money, date, whole number, number, yes/no), whether a row needs
it, and the other headers people give it ("Monthly rent", "Rent ($)"): headers are compared
without case, spaces or punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.sheet_writer import Column
from coliv_desktop.domain.sheet_writer import Kind as WriterKind

ValueKind = Literal["text", "money", "date", "int", "number", "bool"]


@dataclass(frozen=True)
class SheetField:
    key: str
    title: str
    kind: ValueKind = "text"
    required: bool = False
    synonyms: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {header_key(name) for name in (self.key, self.title, *self.synonyms)}


@dataclass(frozen=True)
class SheetKind:
    name: str
    title: str
    write_permission: str  # what importing needs
    read_permission: str  # what exporting needs
    fields: tuple[SheetField, ...]
    # at least one of these must be mapped (a lease's tenant: by email or by name)
    one_of: tuple[str, ...] = ()
    hint: str = ""

    def field(self, key: str) -> SheetField:
        for field in self.fields:
            if field.key == key:
                return field
        raise KeyError(key)

    def keys(self) -> list[str]:
        return [f.key for f in self.fields]

    def columns(self) -> list[Column]:
        """The export's columns, in the fields' order."""
        kinds: dict[str, WriterKind] = {"money": "money", "date": "date", "int": "int"}
        return [Column(f.title, kinds.get(f.kind, "text")) for f in self.fields]


def header_key(text: str) -> str:
    """A header as compared: lower case, letters and digits only, words single-spaced
    ("Rent ($)" -> "rent", "E-mail" -> "e mail")."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _place(required: bool) -> tuple[SheetField, ...]:
    return (
        SheetField("property", "Property", required=required,
                   synonyms=("property name", "house", "house name", "building")),
        SheetField("unit", "Unit", required=required,
                   synonyms=("unit number", "unit no", "apartment", "apt", "flat")),
        SheetField("room", "Room", required=required,
                   synonyms=("room number", "room no", "room name")),
    )


_TENANT = (
    SheetField("tenant_email", "Tenant email",
               synonyms=("email", "e mail", "email address", "tenant e mail")),
    SheetField("tenant_name", "Tenant", synonyms=("tenant name", "name", "resident",
                                                  "full name")),
)

ROOMS = SheetKind(
    "rooms", "Rooms", "portfolio.write", "read",
    (
        SheetField("property", "Property", required=True,
                   synonyms=("property name", "house", "house name", "building")),
        SheetField("address", "Address", synonyms=("street", "street address")),
        SheetField("city", "City", synonyms=("town",)),
        SheetField("state", "State", synonyms=("province", "region")),
        SheetField("zip", "ZIP", synonyms=("zip code", "postal code", "postcode")),
        SheetField("unit", "Unit", required=True,
                   synonyms=("unit number", "unit no", "apartment", "apt", "flat")),
        SheetField("floor", "Floor", "int"),
        SheetField("bedrooms", "Bedrooms", "int", synonyms=("beds in unit",)),
        SheetField("bathrooms", "Bathrooms", "number", synonyms=("baths",)),
        SheetField("unit_sqft", "Unit size (sq ft)", "int",
                   synonyms=("unit sqft", "unit size", "unit square feet")),
        SheetField("furnished", "Furnished", "bool"),
        SheetField("room", "Room", required=True,
                   synonyms=("room number", "room no", "room name")),
        SheetField("room_type", "Room type", synonyms=("type",)),
        SheetField("beds", "Beds", "int"),
        SheetField("size", "Size (sq ft)", "int",
                   synonyms=("room size", "sqft", "sq ft", "square feet", "room sqft")),
        SheetField("private_bath", "Private bath", "bool",
                   synonyms=("ensuite", "en suite", "private bathroom")),
        SheetField("rent", "Rent", "money", required=True,
                   synonyms=("monthly rent", "rent amount", "price", "rent per month")),
        SheetField("available_date", "Available from", "date",
                   synonyms=("available", "available date", "availability")),
        SheetField("status", "Status"),
    ),
    hint="one row per room; properties and units are created or matched by name and number "
         "(a new property needs its address, city, state and ZIP)",
)

TENANTS = SheetKind(
    "tenants", "Tenants", "tenants.write", "read",
    (
        SheetField("first_name", "First name", required=True,
                   synonyms=("first", "given name", "forename")),
        SheetField("last_name", "Last name", required=True,
                   synonyms=("last", "surname", "family name")),
        SheetField("email", "Email", required=True,
                   synonyms=("e mail", "email address", "mail")),
        SheetField("phone", "Phone", synonyms=("phone number", "mobile", "cell", "telephone",
                                                "tel")),
        SheetField("emergency_contact_name", "Emergency contact",
                   synonyms=("emergency contact name", "emergency name")),
        SheetField("emergency_contact_phone", "Emergency phone",
                   synonyms=("emergency contact phone",)),
        SheetField("notes", "Notes", synonyms=("note", "comments", "comment")),
    ),
    hint="one row per tenant; a tenant whose email is already in the book is matched, "
         "not added again",
)

LEASES = SheetKind(
    "leases", "Leases", "leases.write", "read",
    (
        *_TENANT,
        *_place(True),
        SheetField("bed", "Bed", "int"),
        SheetField("start", "Start", "date", required=True,
                   synonyms=("lease start", "start date", "move in", "move in date", "from")),
        SheetField("end", "End", "date",
                   synonyms=("lease end", "end date", "until", "to", "move out")),
        SheetField("rent", "Rent", "money",
                   synonyms=("monthly rent", "rent amount", "rent per month")),
        SheetField("deposit", "Deposit", "money", synonyms=("security deposit",)),
        SheetField("notes", "Notes", synonyms=("note", "comments", "comment")),
    ),
    one_of=("tenant_email", "tenant_name"),
    hint="one row per lease; the tenant (by email, else by name) and the room must be in "
         "the book; a blank rent is the room's",
)

BALANCES = SheetKind(
    "balances", "Opening balances", "ledger.write", "ledger.read",
    (
        *_TENANT,
        *_place(False),
        SheetField("as_of", "As of", "date", required=True,
                   synonyms=("date", "balance date", "as at")),
        SheetField("amount", "Balance", "money", required=True,
                   synonyms=("amount", "opening balance", "owed", "amount owed", "balance due")),
    ),
    one_of=("tenant_email", "tenant_name"),
    hint="what each tenant owed on a date: a positive balance becomes a charge \"Opening "
         "balance\", a negative one a credit; the room picks the lease when there are several",
)

PAYMENTS = SheetKind(
    "payments", "Payments", "ledger.write", "ledger.read",
    (
        *_TENANT,
        *_place(False),
        SheetField("date", "Date", "date", required=True,
                   synonyms=("paid on", "received", "received on", "payment date", "paid")),
        SheetField("amount", "Amount", "money", required=True,
                   synonyms=("amount paid", "payment", "payment amount", "sum")),
        SheetField("method", "Method", synonyms=("payment method", "paid by", "how")),
        SheetField("reference", "Reference", synonyms=("ref", "check number", "check no",
                                                       "transaction id")),
        SheetField("note", "Note", synonyms=("notes", "comment", "memo")),
    ),
    one_of=("tenant_email", "tenant_name"),
    hint="one row per payment, recorded as the ledger records one: a receipt number each, "
         "allocated oldest charge first",
)

# Written by `export-sheet` only (expenses come in from bank statements and by hand).
EXPENSES = SheetKind(
    "expenses", "Expenses", "ledger.write", "ledger.read",
    (
        SheetField("date", "Date", "date", required=True),
        SheetField("property", "Property", required=True),
        SheetField("unit", "Unit"),
        SheetField("room", "Room"),
        SheetField("payee", "Payee", required=True),
        SheetField("category", "Category", required=True),
        SheetField("amount", "Amount", "money", required=True),
        SheetField("status", "Status"),
        SheetField("due_date", "Due date", "date"),
        SheetField("reference", "Reference"),
        SheetField("notes", "Notes"),
    ),
    hint="every expense not voided (export only)",
)

KINDS: dict[str, SheetKind] = {k.name: k for k in (ROOMS, TENANTS, LEASES, BALANCES, PAYMENTS)}
EXPORT_KINDS: dict[str, SheetKind] = {**KINDS, EXPENSES.name: EXPENSES}


def sheet_kind(name: str, field: str = "kind", *, export: bool = False) -> SheetKind:
    """The kind named `name`: one the import reads, or with `export` one `export-sheet`
    writes (those and expenses)."""
    kinds = EXPORT_KINDS if export else KINDS
    try:
        return kinds[name]
    except KeyError:
        raise ValidationError(field, f"{name!r} is not a kind of sheet (one of "
                              f"{', '.join(kinds)})") from None


def guess_columns(kind: SheetKind, headers: Iterable[str]) -> dict[str, str]:
    """{field: header} for the fields whose header the file has (by title, key or synonym;
    an exact title wins over a synonym); each header used once."""
    headers = list(headers)
    keyed = [(header_key(h), h) for h in headers]
    found: dict[str, str] = {}
    used: set[str] = set()
    for exact in (True, False):
        for field in kind.fields:
            if field.key in found:
                continue
            wanted = {header_key(field.title)} if exact else field.names()
            for key, header in keyed:
                if key in wanted and header not in used:
                    found[field.key] = header
                    used.add(header)
                    break
    return {f.key: found[f.key] for f in kind.fields if f.key in found}
