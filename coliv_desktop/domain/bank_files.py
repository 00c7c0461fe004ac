"""Bank statements as banks export them (issue 15): OFX 1.x (SGML, tags left unclosed),
OFX 2.x (XML), QFX (Quicken's OFX) from bank and credit-card accounts, and CSV with a
column mapping per bank account. Pure: bytes in, lines out.

OFX is read with ofxtools when it copes; real files are sloppy (missing header fields,
unclosed aggregates, dates like 20261105120000.000[-5:EST]), so a tolerant reader of our own
takes over when ofxtools refuses a file. Both give the same `Statement`.

Amounts are signed as the bank writes them: money in positive, money out negative (a
credit-card charge is negative in OFX). Each line's `dedupe_key` is the bank's FITID, else
the date, amount, normalised text and the occurrence number of identical lines in the file,
so importing the same or an overlapping statement twice adds nothing.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from coliv_desktop.domain import limits, sheet_values, tabular
from coliv_desktop.domain.errors import ValidationError

CENT = Decimal("0.01")
MAX_TEXT = 255


@dataclass(frozen=True)
class StatementLine:
    """One transaction: `row` is its line number in the file (for error messages)."""

    posted_on: date
    amount: Decimal
    name: str
    memo: str | None = None
    fitid: str | None = None
    check_number: str | None = None
    row: int = 0
    dedupe_key: str = ""


@dataclass
class Statement:
    format: str  # "ofx", "qfx" or "csv"
    lines: list[StatementLine]
    account_id: str | None = None  # the bank's ACCTID
    institution: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    closing_balance: Decimal | None = None
    balance_on: date | None = None
    reader: str = ""  # "ofxtools", "tolerant" or "csv": which reader read it


# --- the dedupe key -----------------------------------------------------------------------------

def normalised_text(*parts: str | None) -> str:
    """Upper case, single spaces: what makes two lines' texts the same line."""
    return " ".join(" ".join(p for p in parts if p).upper().split())


def with_dedupe_keys(lines: Sequence[StatementLine]) -> list[StatementLine]:
    """Each line with its key: "fitid:<FITID>", else "<date>|<amount>|<text>|<n>" where n
    counts identical lines so far in this file (two identical coffees on one day are two)."""
    seen: dict[str, int] = {}
    out = []
    for line in lines:
        if line.fitid:
            key = f"fitid:{line.fitid}"
        else:
            base = f"{line.posted_on.isoformat()}|{line.amount:.2f}|" \
                   f"{normalised_text(line.name, line.memo)}"[:380]
            seen[base] = seen.get(base, 0) + 1
            key = f"{base}|{seen[base]}"
        out.append(replace(line, dedupe_key=key))
    return out


# --- OFX ----------------------------------------------------------------------------------------

def looks_like_ofx(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip().upper()
    return head.startswith(b"OFXHEADER") or head.startswith(b"<?XML") and b"OFX" in head \
        or b"<OFX>" in data[:65536].upper()


def _decode(data: bytes) -> str:
    head = data[:1024].upper()
    if b"CHARSET:1252" in head or b'ENCODING="WINDOWS-1252"' in head:
        return data.decode("cp1252", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def ofx_day(text: str, field: str) -> date:
    """An OFX date-time (YYYYMMDD[HHMMSS[.XXX]][[+-]H:TZ]) to its day, as the bank wrote it."""
    digits = text.strip()[:8]
    if len(digits) < 8 or not digits.isdigit():
        raise ValidationError(field, f"{text.strip()[:40]!r} is not an OFX date")
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValidationError(field, f"{text.strip()[:40]!r} is not an OFX date") from None
    if not limits.FIRST_DAY <= day <= limits.LAST_DAY:
        raise ValidationError(field, limits.day_problem(day))
    return day


def ofx_amount(text: str, field: str) -> Decimal:
    """An OFX amount: "-12.50", "+1200", "12,50" (a comma as the decimal mark)."""
    value = text.strip().replace(" ", "")
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValidationError(field, f"{text.strip()[:40]!r} is not an amount") from None
    if not amount.is_finite():
        raise ValidationError(field, f"{text.strip()[:40]!r} is not an amount in cents")
    if abs(amount) >= Decimal("10000000000"):  # before quantize: 1E+309 has no cents to take
        raise ValidationError(field, f"{text.strip()[:40]!r} is too large an amount")
    if amount != amount.quantize(CENT):
        raise ValidationError(field, f"{text.strip()[:40]!r} is not an amount in cents")
    return amount.quantize(CENT)


def _clip(text: str | None) -> str | None:
    """The bank's text on one line: control characters become spaces and the invisible
    text-direction characters go (a bank line's name becomes an expense's payee and prints)."""
    if text is None:
        return None
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch
                   for ch in text if ch != "\x00" and ch not in limits.BIDI_CONTROLS)
    cleaned = " ".join(text.split())
    return cleaned[:MAX_TEXT] or None


@dataclass
class _Node:
    name: str
    line: int
    value: str | None = None
    children: list[_Node] = field(default_factory=list)

    def find(self, *path: str) -> _Node | None:
        node: _Node | None = self
        for name in path:
            node = next((c for c in node.children if c.name == name), None) if node else None
        return node

    def text(self, *path: str) -> str | None:
        node = self.find(*path)
        return node.value if node is not None else None

    def walk(self, name: str) -> Iterable[_Node]:
        for child in self.children:
            if child.name == name:
                yield child
            yield from child.walk(name)


_TAG = re.compile(r"<(/?)([A-Za-z0-9._]+)\s*>([^<]*)")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'",
             "&nbsp;": " "}


def _unescape(text: str) -> str:
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return text


def _tree(text: str) -> _Node:
    """The OFX body as a tree, whether its elements are closed (XML) or not (SGML)."""
    start = text.upper().find("<OFX>")
    if start < 0:
        raise ValidationError("file", "no <OFX> element: this is not an OFX statement")
    root = _Node("ROOT", 1)
    stack = [root]
    line = text.count("\n", 0, start) + 1
    position = start
    for match in _TAG.finditer(text, start):
        line += text.count("\n", position, match.start())
        position = match.start()
        closing, name, value = match[1], match[2].upper(), match[3]
        if closing:
            names = [n.name for n in stack]
            if name in names[1:]:
                while stack[-1].name != name:
                    stack.pop()
                stack.pop()
            continue  # the end of an element whose value was read (XML), or a stray one
        stripped = value.strip()
        if stripped:
            stack[-1].children.append(_Node(name, line, _unescape(stripped)))
        else:
            node = _Node(name, line)
            stack[-1].children.append(node)
            stack.append(node)
    ofx = root.find("OFX")
    if ofx is None:
        raise ValidationError("file", "no <OFX> element: this is not an OFX statement")
    return ofx


def _statement(ofx: _Node, fmt: str, reader: str) -> Statement:
    statements = [n for n in ofx.walk("STMTRS")] + [n for n in ofx.walk("CCSTMTRS")]
    if not statements:
        raise ValidationError("file", "the OFX file holds no bank or credit-card statement "
                              "(STMTRS or CCSTMTRS)")
    accounts = {(s.text("BANKACCTFROM", "ACCTID") or s.text("CCACCTFROM", "ACCTID"))
                for s in statements}
    if len(accounts) > 1:
        raise ValidationError("file", f"the OFX file holds statements of {len(accounts)} "
                              "accounts; export one account per file")
    lines: list[StatementLine] = []
    starts: list[date] = []
    ends: list[date] = []
    balance: Decimal | None = None
    balance_on: date | None = None
    for stmt in statements:
        tranlist = stmt.find("BANKTRANLIST")
        if tranlist is not None:
            for key, bucket in (("DTSTART", starts), ("DTEND", ends)):
                raw = tranlist.text(key)
                if raw:
                    bucket.append(ofx_day(raw, f"line {tranlist.line} {key}"))
            for trn in tranlist.walk("STMTTRN"):
                lines.append(_line(trn))
        ledger = stmt.find("LEDGERBAL")
        if ledger is not None and ledger.text("BALAMT"):
            balance = ofx_amount(ledger.text("BALAMT") or "", f"line {ledger.line} BALAMT")
            raw = ledger.text("DTASOF")
            balance_on = ofx_day(raw, f"line {ledger.line} DTASOF") if raw else None
    institution = ofx.text("SIGNONMSGSRSV1", "SONRS", "FI", "ORG")
    return Statement(fmt, with_dedupe_keys(lines), account_id=accounts.pop(),
                     institution=institution, starts_on=min(starts, default=None),
                     ends_on=max(ends, default=None), closing_balance=balance,
                     balance_on=balance_on, reader=reader)


def _tolerant(text: str, fmt: str) -> Statement:
    return _statement(_tree(text), fmt, "tolerant")


def _line(trn: _Node) -> StatementLine:
    where = f"line {trn.line}"
    posted = trn.text("DTPOSTED")
    amount = trn.text("TRNAMT")
    if not posted:
        raise ValidationError(where, "a transaction (STMTTRN) has no DTPOSTED")
    if not amount:
        raise ValidationError(where, "a transaction (STMTTRN) has no TRNAMT")
    name = trn.text("NAME") or trn.text("PAYEE", "NAME") or trn.text("MEMO") or \
        trn.text("TRNTYPE") or ""
    return StatementLine(
        posted_on=ofx_day(posted, f"{where} DTPOSTED"),
        amount=ofx_amount(amount, f"{where} TRNAMT"),
        name=_clip(name) or "", memo=_clip(trn.text("MEMO")),
        fitid=_clip(trn.text("FITID")), check_number=_clip(trn.text("CHECKNUM")),
        row=trn.line)


def _node_of(element: Any) -> _Node:
    text = (element.text or "").strip()
    node = _Node(str(element.tag).upper(), 0, _unescape(text) if text else None)
    node.children = [_node_of(child) for child in element]
    return node


def _with_ofxtools(data: bytes, fmt: str) -> Statement:
    """ofxtools reads the header and the element structure; the values are read here, as the
    bank wrote them (ofxtools' conversion moves each date-time to UTC, which puts a line
    posted at 23:59 EST on the next day)."""
    from ofxtools.Parser import OFXTree

    parser = OFXTree()
    with warnings.catch_warnings():  # a Quicken file's <INTU.BID> is not a problem to print
        warnings.simplefilter("ignore")
        parser.parse(io.BytesIO(data))
    root = parser.getroot()
    if root is None or str(root.tag).upper() != "OFX":
        raise ValueError("no OFX root")
    return _statement(_node_of(root), fmt, "ofxtools")


def parse_ofx(data: bytes, fmt: str = "ofx") -> Statement:
    """An OFX or QFX statement: ofxtools first, the tolerant reader when it refuses."""
    try:
        return _with_ofxtools(data, fmt)
    except Exception:  # noqa: BLE001 - ofxtools refused the file: read it ourselves
        # (and a bad value found either way is reported with its line number from here)
        return _tolerant(_decode(data), fmt)


# --- CSV ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CsvMapping:
    """How one bank's CSV reads: the column headers of each field, the sign convention and
    the reading choices. `amount` or (`debit` and/or `credit`): debit is money out."""

    date: str
    amount: str | None = None
    debit: str | None = None
    credit: str | None = None
    invert: bool = False  # the amount column writes money out as positive
    name: str | None = None
    memo: str | None = None
    reference: str | None = None  # text (a check number, a payment reference): to the memo
    id: str | None = None  # the bank's unique transaction id: the line's FITID
    balance: str | None = None  # the running balance: the last line's is the closing one
    date_order: str | None = None  # "ymd", "mdy", "dmy"; None: read from the column
    decimal_mark: str | None = None  # "." or ","; None: read from the column
    delimiter: str | None = None
    encoding: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, False)}

    @classmethod
    def from_json(cls, value: Any, field: str = "mapping") -> CsvMapping:
        if not isinstance(value, dict):
            raise ValidationError(field, "must be a JSON object of field -> column header")
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValidationError(field, f"unknown keys {unknown} (known: {sorted(known)})")
        for key, item in value.items():
            if key == "invert":
                if not isinstance(item, bool):
                    raise ValidationError(f"{field}.invert", "must be true or false")
            elif item is not None and not isinstance(item, str):
                raise ValidationError(f"{field}.{key}", "must be text")
        if not value.get("date"):
            raise ValidationError(f"{field}.date", "name the date column")
        mapping = cls(**value)
        mapping.check(field)
        return mapping

    def check(self, field: str = "mapping") -> None:
        if self.amount and (self.debit or self.credit):
            raise ValidationError(field, "map one amount column, or debit and credit columns, "
                                  "not both")
        if not self.amount and not (self.debit or self.credit):
            raise ValidationError(field, "map the amount column (or the debit and credit "
                                  "columns)")
        if self.date_order is not None and self.date_order not in sheet_values.DATE_ORDERS:
            raise ValidationError("date_order", f"must be one of {sheet_values.DATE_ORDERS}")
        if self.decimal_mark is not None and \
                self.decimal_mark not in sheet_values.DECIMAL_MARKS:
            raise ValidationError("decimal_mark",
                                  f"must be one of {sheet_values.DECIMAL_MARKS}")


_HEADERS: dict[str, tuple[str, ...]] = {
    "date": ("date", "posting date", "posted date", "transaction date", "booking date",
             "value date", "datum", "fecha", "buchungstag"),
    "amount": ("amount", "transaction amount", "betrag", "importe", "montant"),
    "debit": ("debit", "debits", "withdrawal", "withdrawals", "money out", "paid out",
              "debit amount"),
    "credit": ("credit", "credits", "deposit", "deposits", "money in", "paid in",
               "credit amount"),
    "name": ("description", "payee", "name", "narrative", "transaction description",
             "verwendungszweck", "beschreibung", "concepto", "libelle", "details"),
    "memo": ("memo", "notes", "note", "additional info"),
    "reference": ("reference", "ref", "check number", "cheque number", "check or slip #"),
    "id": ("transaction id", "fitid", "id"),
    "balance": ("balance", "running balance", "saldo", "running bal."),
}


def guess_mapping(headers: Sequence[str]) -> CsvMapping | None:
    """A mapping from the header's names, or None when no date or amount column is named."""
    lowered = {h.strip().lower(): h for h in headers}
    found: dict[str, str] = {}
    for key, names in _HEADERS.items():
        for name in names:
            if name in lowered and lowered[name] not in found.values():
                found[key] = lowered[name]
                break
    if "date" not in found or not ("amount" in found or "debit" in found
                                   or "credit" in found):
        return None
    if "amount" in found:
        found.pop("debit", None)
        found.pop("credit", None)
    return CsvMapping.from_json(dict(found))


@dataclass
class CsvPreview:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # the first rows under the header
    guess: CsvMapping | None
    encoding: str | None
    delimiter: str | None


def preview_csv(data: bytes, *, encoding: str | None = None, delimiter: str | None = None,
                limit: int = 20) -> CsvPreview:
    sheet = tabular.read_csv(data, encoding=encoding, delimiter=delimiter)
    if not sheet.rows:
        raise ValidationError("file", "the CSV file is empty")
    start = sheet.header_index()
    headers = tabular.header_names(sheet.rows[start][1])
    return CsvPreview(headers, sheet.rows[start + 1:start + 1 + limit], guess_mapping(headers),
                      sheet.encoding, sheet.delimiter)


def _column(records: list[tuple[int, dict[str, str]]], header: str | None) -> list[str]:
    return [r.get(header, "") for _, r in records] if header else []


def parse_csv(data: bytes, mapping: CsvMapping) -> Statement:
    """A bank's CSV export read with `mapping`: every row a line, or a ValidationError naming
    the row and the column. The date order and decimal mark are read from the columns when
    the mapping leaves them open; a column that reads two ways is asked, never guessed."""
    mapping.check()
    sheet = tabular.read_csv(data, encoding=mapping.encoding, delimiter=mapping.delimiter)
    records = list(tabular.records(sheet))
    if not sheet.rows:
        raise ValidationError("file", "the CSV file is empty")
    headers = tabular.header_names(sheet.rows[sheet.header_index()][1])
    for key in ("date", "amount", "debit", "credit", "name", "memo", "reference", "id",
                "balance"):
        header = getattr(mapping, key)
        if header and header not in headers:
            raise ValidationError(f"mapping.{key}", f"the file has no column {header!r} (its "
                                  f"columns: {', '.join(headers)})")
    order = mapping.date_order or sheet_values.guess_date_order(
        _column(records, mapping.date))
    if order is None:
        raise ValidationError("date_order", f"the dates in column {mapping.date!r} read both "
                              "as month/day and day/month: say which (--date-order mdy or "
                              "dmy)")
    money_columns = [c for c in (mapping.amount, mapping.debit, mapping.credit,
                                 mapping.balance) if c]
    mark = mapping.decimal_mark or sheet_values.guess_decimal_mark(
        v for c in money_columns for v in _column(records, c) if v)
    if mark is None:
        raise ValidationError("decimal_mark", "the amounts read both with '.' and with ',' as "
                              "the decimal mark: say which (--decimal-mark . or ,)")
    lines: list[StatementLine] = []
    balances: list[tuple[date, Decimal]] = []
    for number, record in records:
        if not any(record.get(c, "") for c in (mapping.date, *money_columns)):
            continue  # a blank or text-only row (a title, a note) under the table
        where = f"row {number}"
        raw_day = record.get(mapping.date, "")
        if not raw_day:
            raise ValidationError(where, f"{mapping.date}: no date")
        day = sheet_values.parse_day(raw_day, f"{where} {mapping.date}", order)
        amount = _csv_amount(record, mapping, mark, where)
        name = _clip(record.get(mapping.name, "")) if mapping.name else None
        memo = _clip(" ".join(record.get(c, "") for c in (mapping.memo, mapping.reference)
                              if c))
        if not name:
            name, memo = memo, None
        fitid = _clip(record.get(mapping.id, "")) if mapping.id else None
        lines.append(StatementLine(day, amount, name or "", memo, fitid, None, number))
        if mapping.balance and record.get(mapping.balance, ""):
            balances.append((day, sheet_values.parse_amount(
                record[mapping.balance], f"{where} {mapping.balance}", mark)))
    if not lines:
        raise ValidationError("file", "the CSV file has no transaction rows under its header")
    closing: tuple[date, Decimal] | None = None
    if balances:  # the newest line's balance, whether the file runs forwards or backwards
        closing = balances[0] if balances[0][0] > balances[-1][0] else balances[-1]
    return Statement(
        "csv", with_dedupe_keys(lines), starts_on=min(ln.posted_on for ln in lines),
        ends_on=max(ln.posted_on for ln in lines),
        closing_balance=closing[1] if closing else None,
        balance_on=closing[0] if closing else None, reader="csv")


def _csv_amount(record: dict[str, str], mapping: CsvMapping, mark: str, where: str) -> Decimal:
    if mapping.amount:
        raw = record.get(mapping.amount, "")
        if not raw:
            raise ValidationError(where, f"{mapping.amount}: no amount")
        amount = sheet_values.parse_amount(raw, f"{where} {mapping.amount}", mark)
        return -amount if mapping.invert else amount
    debit_raw = record.get(mapping.debit, "") if mapping.debit else ""
    credit_raw = record.get(mapping.credit, "") if mapping.credit else ""
    debit = abs(sheet_values.parse_amount(debit_raw, f"{where} {mapping.debit}", mark)) \
        if debit_raw else Decimal("0.00")
    credit = abs(sheet_values.parse_amount(credit_raw, f"{where} {mapping.credit}", mark)) \
        if credit_raw else Decimal("0.00")
    if debit and credit:
        raise ValidationError(where, f"both {mapping.debit} and {mapping.credit} hold an "
                              "amount")
    if not debit and not credit:
        raise ValidationError(where, f"neither {mapping.debit or 'debit'} nor "
                              f"{mapping.credit or 'credit'} holds an amount")
    return credit - debit


# --- any file -----------------------------------------------------------------------------------

def parse_statement(data: bytes, file_name: str, mapping: CsvMapping | None = None
                    ) -> Statement:
    """A statement file by its content: OFX/QFX when it holds <OFX>, else CSV (which needs
    the account's column mapping)."""
    if not data.strip():
        raise ValidationError("file", f"{file_name} is empty")
    if looks_like_ofx(data):
        fmt = "qfx" if file_name.lower().endswith(".qfx") or b"INTU.BID" in data[:4096] \
            else "ofx"
        return parse_ofx(data, fmt)
    if mapping is None:
        raise ValidationError("mapping", f"{file_name} is a CSV file: its columns need a "
                              "mapping (give --mapping, or import it once in the window)")
    return parse_csv(data, mapping)
