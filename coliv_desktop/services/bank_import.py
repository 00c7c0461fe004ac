"""Importing a bank statement file (issue 15): all of it in one transaction or nothing.

The account is the one named (created on the first import when the name is new), else the
one that holds the OFX file's account id. Each line is kept once per account (its dedupe key:
the FITID, else date, amount, text and occurrence), so importing the same or an overlapping
statement again adds only what is new. A CSV file reads through the account's saved column
mapping (or the one given, then saved to the account).
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import BankAccount, BankStatement, BankTransaction
from coliv_desktop.domain.bank_files import (
    CsvMapping,
    Statement,
    guess_mapping,
    looks_like_ofx,
    parse_ofx,
    parse_statement,
    preview_csv,
)
from coliv_desktop.domain.errors import FileProblem, ValidationError
from coliv_desktop.schemas import build
from coliv_desktop.schemas.bank import BankAccountCreate, ImportResult
from coliv_desktop.services import audit, books_lock
from coliv_desktop.services.bank import WRITE, create_account, find_account
from coliv_desktop.services.bank_proposals import proposals_for
from coliv_desktop.services.context import Actor, writing


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileProblem(path, str(exc.strerror or exc)) from None


def _mapping(account: BankAccount | None, given: dict[str, Any] | None, data: bytes,
             name: str, overrides: dict[str, str]) -> CsvMapping:
    if given is not None:
        mapping = CsvMapping.from_json(given)
    elif account is not None and account.csv_mapping:
        mapping = CsvMapping.from_json(account.csv_mapping, "the account's saved mapping")
    else:
        guess = guess_mapping(preview_csv(data).headers)
        shown = f" (from its header: {guess.to_json()})" if guess else ""
        raise ValidationError("mapping", f"{name} is a CSV file and the account has no column "
                              f"mapping yet: give one{shown}")
    if overrides:
        mapping = CsvMapping.from_json({**mapping.to_json(), **overrides})
    return mapping


def _account(s: Session, statement: Statement | None, name: str | None
             ) -> tuple[BankAccount | None, bool]:
    """The account (found, or None when it is to be created), and whether it is new."""
    if name:
        try:
            return find_account(s, name), False
        except ValidationError:
            return None, True
    if statement is not None and statement.account_id:
        found = s.scalars(select(BankAccount).where(
            BankAccount.ofx_account_id == statement.account_id)).first()
        if found is not None:
            return found, False
        raise ValidationError("account", f"no bank account holds the file's account "
                              f"…{statement.account_id[-4:]} yet: name one to create it")
    raise ValidationError("account", "name the bank account this statement belongs to")


def import_statement(db: Database, actor: Actor, statement_file: Path,
                     account: str | None = None, *, property_id: uuid.UUID | None = None,
                     mapping: dict[str, Any] | None = None, date_order: str | None = None,
                     decimal_mark: str | None = None) -> ImportResult:
    """Import one OFX, QFX or CSV statement file into `account` (a name or id)."""
    path = Path(statement_file)
    data = _read(path)
    overrides = {k: v for k, v in (("date_order", date_order), ("decimal_mark", decimal_mark))
                 if v is not None}
    with writing(db, actor, WRITE) as s:
        parsed: Statement | None = None
        if looks_like_ofx(data):
            parsed = parse_ofx(data, "qfx" if path.suffix.lower() == ".qfx" else "ofx")
        found, created = _account(s, parsed, account)
        new_mapping: CsvMapping | None = None
        if parsed is None:
            new_mapping = _mapping(found, mapping, data, path.name, overrides)
            parsed = parse_statement(data, path.name, new_mapping)
        if found is None:
            assert account
            found = create_account(s, actor, build(
                BankAccountCreate, name=account, property_id=property_id,
                institution=(parsed.institution or "")[:100] or None), parsed.account_id)
        else:
            _check_same(found, parsed, property_id)
        if new_mapping is not None and (mapping is not None or overrides) \
                and found.csv_mapping != new_mapping.to_json():
            found.csv_mapping = new_mapping.to_json()
        return _write(s, actor, found, parsed, path.name, data, created)


def _check_same(account: BankAccount, parsed: Statement, property_id: uuid.UUID | None) -> None:
    if parsed.account_id and account.ofx_account_id and \
            account.ofx_account_id != parsed.account_id:
        raise ValidationError("account", f"the file is a statement of account "
                              f"…{parsed.account_id[-4:]}, and {account.name} holds account "
                              f"…{account.ofx_account_id[-4:]}")
    if parsed.account_id and not account.ofx_account_id:
        account.ofx_account_id = parsed.account_id
    if property_id is not None and account.property_id != property_id:
        raise ValidationError("property_id", f"{account.name} belongs to another property; "
                              "change the account's property first")


def _write(s: Session, actor: Actor, account: BankAccount, parsed: Statement, file_name: str,
           data: bytes, created: bool) -> ImportResult:
    keys = [line.dedupe_key for line in parsed.lines]
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        known |= set(s.scalars(select(BankTransaction.dedupe_key).where(
            BankTransaction.bank_account_id == account.id,
            BankTransaction.dedupe_key.in_(keys[start:start + 500]))))
    where = "row" if parsed.format == "csv" else "line"
    statement = BankStatement(
        bank_account_id=account.id, file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(), format=parsed.format,
        starts_on=parsed.starts_on, ends_on=parsed.ends_on,
        closing_balance=parsed.closing_balance, balance_on=parsed.balance_on,
        imported_by=actor.name)
    s.add(statement)
    s.flush()
    new: list[BankTransaction] = []
    duplicates = 0
    for line in parsed.lines:
        if line.dedupe_key in known:
            duplicates += 1
            continue
        known.add(line.dedupe_key)
        books_lock.refuse_if_closed(s, account.property_id, line.posted_on,
                                    f"{where} {line.row}")
        new.append(BankTransaction(
            bank_account_id=account.id, statement_id=statement.id, posted_on=line.posted_on,
            amount=line.amount, name=line.name, memo=line.memo, fitid=line.fitid,
            check_number=line.check_number[:40] if line.check_number else None,
            dedupe_key=line.dedupe_key, status="unmatched"))
    s.add_all(new)
    statement.lines = len(new)
    statement.duplicates = duplicates
    s.flush()
    proposed = sum(1 for found in proposals_for(s, new).values() if found)
    audit.record(s, actor, "import", "bank_statement", statement.id,
                 f"Imported {file_name} into {account.name}: {len(new)} new lines, "
                 f"{duplicates} already there",
                 {"file": file_name, "format": parsed.format, "imported": len(new),
                  "duplicates": duplicates, "sha256": statement.sha256})
    return ImportResult(
        account_id=account.id, account=account.name, statement_id=statement.id,
        format=parsed.format, reader=parsed.reader, imported=len(new), duplicates=duplicates,
        proposed=proposed, closing_balance=parsed.closing_balance,
        balance_on=parsed.balance_on, account_created=created)
