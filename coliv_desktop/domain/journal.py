"""Double-entry journals for the accountant (issue 15): the entries, and the four files they
are written as (QuickBooks Online's journal-entry CSV, Xero's manual-journal CSV, a QuickBooks
Desktop IIF file and a Beancount ledger).

An entry's lines are signed: a debit positive, a credit negative; every entry sums to zero
(`check_balanced`), in cents. Accounts are logical (`Account(kind, sub)`): each format names
them its own way (the mapping is in the README, "Exports for the accountant").
Pure: no database, no Qt.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from coliv_desktop.domain.sheet_writer import neutralise

AccountKind = Literal["receivable", "undeposited", "bank", "deposits", "payable", "income",
                      "expense"]
Format = Literal["qbo", "xero", "iif", "beancount"]
FORMATS: tuple[Format, ...] = ("qbo", "xero", "iif", "beancount")
DESCRIPTIONS: dict[Format, str] = {
    "qbo": "QuickBooks Online: journal entries CSV (Settings ▸ Import data ▸ Journal entries)",
    "xero": "Xero: manual journals CSV (Accounting ▸ Manual journals ▸ Import)",
    "iif": "QuickBooks Desktop: IIF file (File ▸ Utilities ▸ Import ▸ IIF Files)",
    "beancount": "Beancount: a plain-text ledger that bean-check and Fava read",
}
SUFFIXES: dict[Format, str] = {"qbo": ".csv", "xero": ".csv", "iif": ".iif",
                               "beancount": ".beancount"}
DateOrder = Literal["mdy", "dmy", "ymd"]
DATE_ORDERS: tuple[DateOrder, ...] = ("mdy", "dmy", "ymd")
# QuickBooks Online and Xero read dates in the company's own format: a US QuickBooks company
# MM/DD/YYYY, Xero's template DD/MM/YYYY; `--dates` (the dialog's Dates) says otherwise.
DEFAULT_DATES: dict[Format, DateOrder] = {"qbo": "mdy", "xero": "dmy", "iif": "mdy",
                                          "beancount": "ymd"}
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
XERO_MAX_LINES = 300  # Xero imports at most 300 lines from one manual-journal file
XERO_TAX_RATE = "Tax Exempt"
INCOME_LABELS = {"rent": "Rent", "late_fee": "Late fees", "utility": "Utilities",
                 "other": "Other", "credits": "Credits"}


class Unbalanced(ValueError):
    """An entry whose debits and credits differ (a bug: never written to a file)."""


@dataclass(frozen=True)
class Account:
    """A logical account: `sub` is the tenant (receivable), the income label (income), the
    expense category (expense) or the bank account's name (bank; None: the operating bank)."""

    kind: AccountKind
    sub: str | None = None


@dataclass(frozen=True)
class Line:
    account: Account
    amount: Decimal  # debit positive, credit negative
    name: str | None = None  # the tenant or payee (QuickBooks' Name column)


@dataclass(frozen=True)
class Entry:
    day: date
    narration: str
    payee: str | None
    property: str | None  # the property's name (class, tracking option, metadata)
    lines: tuple[Line, ...]
    meta: tuple[tuple[str, str], ...] = ()  # ("property_id", ...), ("lease_id", ...), ...
    number: int = 0


def pair(day: date, narration: str, payee: str | None, prop: str | None, debit: Account,
         credit: Account, amount: Decimal, *, name: str | None = None,
         meta: Sequence[tuple[str, str]] = ()) -> Entry:
    """A two-line entry: `amount` debited to one account, credited to the other (a negative
    amount swaps them, which is how a reversal is written)."""
    cents = amount.quantize(CENT)
    return Entry(day, narration, payee, prop,
                 (Line(debit, cents, name), Line(credit, -cents, name)), tuple(meta))


def reverse(original: Entry, day: date, narration: str) -> Entry:
    """The reversing entry of `original`, dated `day`."""
    return Entry(day, narration, original.payee, original.property,
                 tuple(Line(ln.account, -ln.amount, ln.name) for ln in original.lines),
                 original.meta)


def check_balanced(entry: Entry) -> None:
    total = sum((ln.amount for ln in entry.lines), ZERO)
    if total != ZERO or any(ln.amount != ln.amount.quantize(CENT) for ln in entry.lines):
        raise Unbalanced(f"entry {entry.number} ({entry.narration}) does not balance: {total}")


def numbered(entries: Iterable[Entry]) -> list[Entry]:
    """Entries in date order (stable otherwise), numbered 1, 2, 3 ..., each checked."""
    ordered = sorted(entries, key=lambda e: e.day)
    result = []
    for number, entry in enumerate(ordered, start=1):
        done = Entry(entry.day, entry.narration, entry.payee, entry.property, entry.lines,
                     entry.meta, number)
        check_balanced(done)
        result.append(done)
    return result


# --- names ---------------------------------------------------------------------------------

def one_line(text: str | None) -> str:
    """Tabs, line breaks and control characters become spaces (one line, one cell)."""
    if not text:
        return ""
    cleaned = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return " ".join(cleaned.split())


def unique_labels(names: Iterable[tuple[object, str]]) -> dict[object, str]:
    """A label per key, unique: a second "John Smith" becomes "John Smith 2" (keys in the
    order given, so the same book gives the same labels)."""
    taken: set[str] = set()
    labels: dict[object, str] = {}
    for key, name in names:
        base = one_line(name) or "Unnamed"
        label, n = base, 1
        while label.casefold() in taken:
            n += 1
            label = f"{base} {n}"
        taken.add(label.casefold())
        labels[key] = label
    return labels


def bean_component(text: str) -> str:
    """A valid Beancount account component: letters and digits (any script) joined by "-",
    beginning with an upper-case letter or a digit ("trần văn" -> "Trần-Văn", "李" -> "X-李")."""
    kept = "".join(ch if _letter_or_digit(ch) else " "
                   for ch in unicodedata.normalize("NFC", text))
    cleaned = "-".join(_capital(w) for w in kept.split())
    if not cleaned:
        return "Unnamed"
    return cleaned if unicodedata.category(cleaned[0]) in ("Lu", "Nd") else "X-" + cleaned


def _letter_or_digit(ch: str) -> bool:
    """What Beancount allows in a name: letters of any script and decimal digits (not "²",
    "½" or Roman numerals, which are numbers of other kinds)."""
    kind = unicodedata.category(ch)
    return kind[0] == "L" or kind == "Nd"


def _capital(word: str) -> str:
    """The word with an upper-case first letter, where that is one letter ("ß" stays)."""
    first = word[0].upper()
    return (first if len(first) == 1 else word[0]) + word[1:]


@dataclass
class BeanNames:
    """Beancount account names, unique per logical account (two tenants whose names clean to
    the same component get "-2")."""

    names: dict[Account, str] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)

    def __call__(self, account: Account) -> str:
        if account not in self.names:
            base = _bean_base(account)
            name, n = base, 1
            while name in self.taken:
                n += 1
                name = f"{base}-{n}"
            self.taken.add(name)
            self.names[account] = name
        return self.names[account]


def _bean_base(account: Account) -> str:
    sub = account.sub
    match account.kind:
        case "receivable":
            return f"Assets:Receivable:{bean_component(sub or 'Unnamed')}"
        case "undeposited":
            return "Assets:Undeposited-Funds"
        case "bank":
            return f"Assets:Bank:{bean_component(sub)}" if sub else "Assets:Bank"
        case "deposits":
            return "Liabilities:Tenant-Deposits"
        case "payable":
            return "Liabilities:Accounts-Payable"
        case "income":
            return f"Income:{bean_component(sub or 'Other')}"
        case "expense":
            return f"Expenses:{bean_component(sub or 'Other')}"


def book_name(account: Account, *, desktop: bool = False) -> str:
    """The account's name in QuickBooks (Online, or Desktop with `desktop`), "Parent:Sub" for
    a sub-account as both import it."""
    sub = one_line(account.sub).replace(":", "-") if account.sub else None
    match account.kind:
        case "receivable":
            return "Accounts Receivable" if desktop else "Accounts Receivable (A/R)"
        case "undeposited":
            return "Undeposited Funds"
        case "bank":
            return sub or "Bank"
        case "deposits":
            return "Tenant Deposits"
        case "payable":
            return "Accounts Payable" if desktop else "Accounts Payable (A/P)"
        case "income":
            return f"Rental Income:{sub or 'Other'}"
        case "expense":
            return f"Rental Expenses:{sub or 'Other'}"


IIF_TYPES: dict[AccountKind, str] = {
    "receivable": "AR", "undeposited": "OCASSET", "bank": "BANK", "deposits": "OCLIAB",
    "payable": "AP", "income": "INC", "expense": "EXP"}

# Xero account codes (create these accounts in Xero's chart, or change the codes there to
# these): Xero refuses manual journals on its system accounts (its Accounts Receivable and
# Payable), so tenant receivables and bills payable are ordinary current accounts here.
XERO_CODES: dict[AccountKind, str] = {
    "bank": "1000", "undeposited": "1010", "receivable": "1200", "payable": "2100",
    "deposits": "2300"}
XERO_INCOME = {"Rent": "4000", "Late fees": "4010", "Utilities": "4020", "Other": "4030",
               "Credits": "4090"}


def xero_code(account: Account, expense_codes: dict[str, str]) -> str:
    if account.kind == "income":
        return XERO_INCOME.get(account.sub or "Other", "4030")
    if account.kind == "expense":
        return expense_codes.get(account.sub or "Other", "6999")
    return XERO_CODES[account.kind]


def expense_codes(categories: Sequence[str]) -> dict[str, str]:
    """Expense codes 6000, 6010, ... in the order given (the categories' Schedule E order)."""
    return {name: str(6000 + 10 * i) for i, name in enumerate(categories)}


# --- writers -------------------------------------------------------------------------------

def _us(day: date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def written_date(day: date, order: DateOrder) -> str:
    """MM/DD/YYYY, DD/MM/YYYY or YYYY-MM-DD."""
    if order == "dmy":
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    if order == "ymd":
        return day.isoformat()
    return _us(day)


def _cell(text: str | None) -> str:
    return neutralise(one_line(text))


def _csv(rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


QBO_HEADER = ("Journal No", "Journal Date", "Account Name", "Debits", "Credits",
              "Description", "Name", "Class")


def qbo_csv(entries: Sequence[Entry], dates: DateOrder = "mdy") -> bytes:
    """QuickBooks Online's journal-entry import: one row per line, lines of one entry share
    the Journal No; dates MM/DD/YYYY (a US company's format) unless `dates` says otherwise;
    Debits or Credits filled."""
    rows: list[Sequence[str]] = [QBO_HEADER]
    for e in entries:
        for ln in e.lines:
            rows.append((str(e.number), written_date(e.day, dates),
                         _cell(book_name(ln.account)),
                         f"{ln.amount:.2f}" if ln.amount > 0 else "",
                         f"{-ln.amount:.2f}" if ln.amount < 0 else "",
                         _cell(e.narration), _cell(ln.name), _cell(e.property)))
    return _csv(rows)


XERO_HEADER = ("*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount",
               "TrackingName1", "TrackingOption1")


def xero_csv(entries: Sequence[Entry], codes: dict[str, str],
             tax_rate: str = XERO_TAX_RATE, dates: DateOrder = "dmy") -> list[bytes]:
    """Xero's manual-journal import: lines sharing a narration and a date are one journal
    (the narration starts with the entry's number, so two entries never merge); the amount is
    positive for a debit, negative for a credit; dates DD/MM/YYYY (unless `dates` says
    otherwise); the property as the
    tracking option of the "Property" category. One file per 300 lines (Xero's limit), an
    entry never split across files."""
    files: list[list[Sequence[str]]] = [[XERO_HEADER]]
    for e in entries:
        if len(files[-1]) - 1 + len(e.lines) > XERO_MAX_LINES:
            files.append([XERO_HEADER])
        narration = _cell(f"#{e.number} {e.narration}")
        for ln in e.lines:
            description = ", ".join(filter(None, [one_line(book_name(ln.account)),
                                                  one_line(ln.name)]))
            files[-1].append((narration, written_date(e.day, dates), _cell(description),
                              xero_code(ln.account, codes), _cell(tax_rate),
                              f"{ln.amount:.2f}", "Property" if e.property else "",
                              _cell(e.property)))
    return [_csv(rows) for rows in files]


IIF_TRNS = ("TRNSID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO")


def _iif(text: str | None) -> str:
    return one_line(text).replace('"', "'")


def iif_text(entries: Sequence[Entry]) -> bytes:
    """QuickBooks Desktop's IIF: the accounts, customers and classes the journal names
    (`!ACCNT`, `!CUST`, `!CLASS` lists, which QuickBooks creates when missing), then each entry
    as a GENERAL JOURNAL transaction (a TRNS line, SPL lines, ENDTRNS) whose amounts sum to
    zero; tab separated, dates MM/DD/YYYY."""
    accounts: dict[str, str] = {}
    names: dict[str, None] = {}
    classes: dict[str, None] = {}
    for e in entries:
        if e.property:
            classes[_iif(e.property)] = None
        for ln in e.lines:
            name = _iif(book_name(ln.account, desktop=True))
            parts = name.split(":")
            for depth in range(1, len(parts) + 1):  # a parent before its sub-accounts
                accounts.setdefault(":".join(parts[:depth]), IIF_TYPES[ln.account.kind])
            if ln.name and ln.account.kind == "receivable":
                names[_iif(ln.name)] = None
    out: list[str] = ["!ACCNT\tNAME\tACCNTTYPE"]
    out += [f"ACCNT\t{name}\t{kind}" for name, kind in accounts.items()]
    if names:
        out.append("!CUST\tNAME")
        out += [f"CUST\t{name}" for name in names]
    if classes:
        out.append("!CLASS\tNAME")
        out += [f"CLASS\t{name}" for name in classes]
    out.append("!TRNS\t" + "\t".join(IIF_TRNS))
    out.append("!SPL\tSPLID\t" + "\t".join(IIF_TRNS[1:]))
    out.append("!ENDTRNS")
    for e in entries:
        for i, ln in enumerate(e.lines):
            out.append("\t".join([
                "TRNS" if i == 0 else "SPL", "", "GENERAL JOURNAL", _us(e.day),
                _iif(book_name(ln.account, desktop=True)), _iif(ln.name), _iif(e.property),
                f"{ln.amount:.2f}", str(e.number), _iif(e.narration)]))
        out.append("ENDTRNS")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def _bean_string(text: str | None) -> str:
    return '"' + one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def beancount_text(entries: Sequence[Entry], start: date, end: date, currency: str,
                   title: str = "CoLiv") -> bytes:
    """A Beancount ledger: every account opened on the range's first day, then each entry as
    a transaction (payee, narration, the property and the CoLiv ids as metadata)."""
    names = BeanNames()
    for e in entries:  # names in order of first use: stable across runs
        for ln in e.lines:
            names(ln.account)
    out = [f"; {one_line(title)}: journal {start.isoformat()} to {end.isoformat()}",
           f"option \"title\" {_bean_string(f'{title} {start.isoformat()} to {end.isoformat()}')}",
           f'option "operating_currency" "{currency}"', ""]
    for name in sorted(names.names.values()):
        out.append(f"{start.isoformat()} open {name} {currency}")
    out.append("")
    for e in entries:
        out.append(f"{e.day.isoformat()} * {_bean_string(e.payee)} {_bean_string(e.narration)}")
        out.append(f"  journal_no: {_bean_string(str(e.number))}")
        if e.property:
            out.append(f"  property: {_bean_string(e.property)}")
        for key, value in e.meta:
            out.append(f"  {key}: {_bean_string(value)}")
        for ln in e.lines:
            out.append(f"  {names(ln.account)}  {ln.amount:.2f} {currency}")
        out.append("")
    return "\n".join(out).encode("utf-8")
