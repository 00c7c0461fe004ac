"""Role matrix hooks (see the package's docstring): bank accounts, statement lines, payee
rules and reconciliations (services.bank, bank_import, reconcile). Every argument is given
per function (`OVERRIDES`), so no parameter name of another capability is taken over."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from coliv_desktop.db.engine import Database
from coliv_desktop.schemas import build
from coliv_desktop.schemas.bank import BankAccountCreate, BankAccountUpdate, PayeeRuleCreate
from coliv_desktop.services import bank, bank_import, reconcile
from coliv_desktop.services.clock import today
from coliv_desktop.services.context import Actor


def _ofx(fitid: str, lines: list[tuple[date, str, str]]) -> bytes:
    body = "".join(
        f"<STMTTRN><TRNTYPE>OTHER<DTPOSTED>{day:%Y%m%d}<TRNAMT>{amount}"
        f"<FITID>{fitid}-{name.replace(' ', '-')}<NAME>{name}</STMTTRN>\n"
        for day, amount, name in lines)
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS>"
            f"<STMTRS><BANKACCTFROM><ACCTID>{fitid}</BANKACCTFROM><BANKTRANLIST>\n{body}"
            "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n").encode()


def rows(db: Database, owner: Actor, ids: dict[str, Any]) -> None:
    """A property's account with an unmatched deposit and withdrawal, a deposit matched to
    the lease (to undo), a payee rule, an account reconciled through 2000-01-01 (to reopen:
    it locks nothing of the demo), and a statement file not imported yet."""
    folder = Path(tempfile.mkdtemp(prefix="matrix-bank-"))
    day = today()
    account = bank.add_account(db, owner, build(BankAccountCreate, name="Matrix Bank",
                                                property_id=ids["property"]))
    first = folder / "first.ofx"
    first.write_bytes(_ofx("MATRIX1", [
        (day - timedelta(days=3), "321.00", "MATRIX DEPOSIT A"),
        (day - timedelta(days=4), "123.00", "MATRIX DEPOSIT B"),
        (day - timedelta(days=5), "-45.50", "MATRIX POWER CO")]))
    bank_import.import_statement(db, owner, first, "Matrix Bank")
    by_name = {line.name: line.id for line in bank.list_lines(db, owner, account.id)}
    reconcile.match_to_lease(db, owner, by_name["MATRIX DEPOSIT B"], ids["lease"])
    ids["bank_account"] = account.id
    ids["bank_deposit"] = by_name["MATRIX DEPOSIT A"]
    ids["bank_matched"] = by_name["MATRIX DEPOSIT B"]
    ids["bank_withdrawal"] = by_name["MATRIX POWER CO"]
    ids["bank_rule"] = bank.add_rule(db, owner, build(
        PayeeRuleCreate, pattern="MATRIX POWER", category="Utilities",
        property_id=ids["property"])).id
    closed = bank.add_account(db, owner, build(
        BankAccountCreate, name="Matrix Reconciled", property_id=ids["empty_property"],
        opening_on="2000-01-01"))
    reconcile.reconcile(db, owner, closed.id, date(2000, 1, 1), Decimal("0.00"))
    ids["bank_closed"] = closed.id
    second = folder / "second.ofx"
    second.write_bytes(_ofx("MATRIX1", [(day - timedelta(days=2), "99.00", "MATRIX NEW")]))
    ids["bank_file"] = second


ARGS: dict[str, Callable[[dict[str, Any], Path], Any]] = {}
DATA: dict[str, Callable[[dict[str, Any]], Any]] = {
    "BankAccountCreate": lambda ids: build(BankAccountCreate, name="Matrix Savings",
                                           property_id=ids["property"]),
    "BankAccountUpdate": lambda ids: build(BankAccountUpdate, name="Matrix Bank 2",
                                           property_id=ids["property"],
                                           opening_balance="-10.00"),
    "PayeeRuleCreate": lambda ids: build(PayeeRuleCreate, pattern="MATRIX WATER",
                                         category="Utilities"),
}


def _line(key: str) -> dict[str, Callable[[dict[str, Any]], Any]]:
    return {"line_id": lambda ids: ids[key]}


def _reconciling(through: Callable[[dict[str, Any]], Any]
                 ) -> dict[str, Callable[[dict[str, Any]], Any]]:
    return {"account": lambda ids: ids["bank_account"], "through": through,
            "balance": lambda ids: Decimal("0.00")}


BEFORE_LINES = lambda ids: today() - timedelta(days=30)  # noqa: E731 - nothing there yet

OVERRIDES: dict[str, dict[str, Callable[[dict[str, Any]], Any]]] = {
    "bank.get_line": _line("bank_deposit"),
    "bank.set_account_property": {"account_id": lambda ids: ids["bank_account"]},
    "bank.update_account": {"account_id": lambda ids: ids["bank_account"]},
    "bank.set_opening_balance": {"account_id": lambda ids: ids["bank_account"],
                                 "balance": lambda ids: Decimal("100.00")},
    "bank.set_csv_mapping": {"account_id": lambda ids: ids["bank_account"],
                             "mapping": lambda ids: {"date": "Date", "amount": "Amount"}},
    "bank.delete_rule": {"rule_id": lambda ids: ids["bank_rule"]},
    "bank_import.import_statement": {"statement_file": lambda ids: ids["bank_file"]},
    "reconcile.match_to_lease": _line("bank_deposit"),
    "reconcile.match_to_expense": {**_line("bank_withdrawal"),
                                   "category": lambda ids: "Utilities"},
    "reconcile.ignore_line": _line("bank_withdrawal"),
    "reconcile.undo_match": _line("bank_matched"),
    "reconcile.check_reconciliation": _reconciling(BEFORE_LINES),
    "reconcile.reconcile": _reconciling(BEFORE_LINES),
    "reconcile.reopen": {"account": lambda ids: ids["bank_closed"]},
    "reconcile.list_reconciliations": {"account": lambda ids: ids["bank_closed"]},
    "demo_bank.load_bank": {"leases": lambda ids: {}},
}
REFUSED_BY_THE_DATA: dict[str, str] = {}
