"""`coliv bank ...`: bank statements in, their lines matched, the period reconciled (issue 15).

`--json` prints machine forms: ids as strings, amounts as "1200.00" (money out negative, as
the bank writes it), dates in ISO 8601.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coliv_desktop.cli.portfolio import _day, _drop_none, _id, print_json
from coliv_desktop.db.models.books import BANK_LINE_STATUSES
from coliv_desktop.domain.errors import FileProblem, ValidationError
from coliv_desktop.domain.money import money_str
from coliv_desktop.domain.sheet_values import DATE_ORDERS, DECIMAL_MARKS, parse_amount
from coliv_desktop.schemas import build
from coliv_desktop.schemas.bank import (
    BankAccountCreate,
    BankAccountOut,
    BankLineOut,
    PayeeRuleCreate,
    Proposal,
)
from coliv_desktop.services import bank, bank_import, reconcile

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext


def _mapping(text: str | None) -> dict[str, Any] | None:
    """--mapping: a JSON object, or the path of a file holding one."""
    if text is None:
        return None
    source = text
    if not text.lstrip().startswith(("{", "[")):
        try:
            source = Path(text).read_text(encoding="utf-8")
        except OSError as exc:
            raise FileProblem(text, str(exc.strerror or exc)) from None
    try:
        value = json.loads(source)
    except json.JSONDecodeError as exc:
        raise ValidationError("mapping", f"is not JSON ({exc.msg} at line {exc.lineno})") \
            from None
    if not isinstance(value, dict):
        raise ValidationError("mapping", "must be a JSON object of field -> column header")
    return value


def proposal_json(p: Proposal) -> dict[str, Any]:
    head: dict[str, Any] = ({"category": p.category} if p.kind == "expense"
                            else {"lease_id": str(p.lease_id)})
    return {**head, "charge_ids": [str(c) for c in p.charge_ids], "reason": p.reason}


def line_json(line: BankLineOut) -> dict[str, Any]:
    return {"id": str(line.id), "date": line.posted_on.isoformat(),
            "amount": money_str(line.amount), "name": line.name, "memo": line.memo,
            "status": line.status, "proposals": [proposal_json(p) for p in line.proposals]}


def account_json(a: BankAccountOut) -> dict[str, Any]:
    return {"id": str(a.id), "name": a.name,
            "property_id": str(a.property_id) if a.property_id else None,
            "institution": a.institution, "ofx_account_id": a.ofx_account_id,
            "opening_balance": money_str(a.opening_balance),
            "opening_on": a.opening_on.isoformat() if a.opening_on else None,
            "lines": a.lines, "unmatched": a.unmatched,
            "closed_through": a.closed_through.isoformat() if a.closed_through else None}


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> None:
    result = bank_import.import_statement(
        ctx.db, ctx.actor, Path(args.file), args.account, property_id=args.property,
        mapping=_mapping(args.mapping), date_order=args.date_order,
        decimal_mark=args.decimal_mark)
    if args.json:
        print_json({"imported": result.imported, "duplicates": result.duplicates,
                    "proposed": result.proposed})
        return
    created = " (new account)" if result.account_created else ""
    print(f"{result.account}{created}: {args.file} ({result.format})")
    print(f"imported {result.imported}")
    print(f"duplicates {result.duplicates}")
    print(f"proposed {result.proposed}")
    if result.closing_balance is not None:
        print(f"the statement's balance: {money_str(result.closing_balance)} on "
              f"{result.balance_on}")


def _account_id(ctx: CliContext, name: str | None) -> Any:
    if name is None:
        return None
    for account in bank.list_accounts(ctx.db, ctx.actor):
        if name.strip().lower() in (account.name.lower(), str(account.id)):
            return account.id
    raise ValidationError("account", f'"{name}" is not a bank account')


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> None:
    found = bank.list_lines(ctx.db, ctx.actor, _account_id(ctx, args.account),
                            unmatched=args.unmatched, status=args.status,
                            text=args.search or "")
    if args.json:
        print_json([line_json(line) for line in found])
        return
    for line in found:
        print(f"{line.id}  {line.posted_on}  {money_str(line.amount):>10}  {line.status:<9} "
              f"{line.name}")
        for p in line.proposals:
            print(f"    proposed: {p.reason}")


def cmd_match(args: argparse.Namespace, ctx: CliContext) -> None:
    if args.lease is not None:
        line = reconcile.match_to_lease(ctx.db, ctx.actor, args.txn, args.lease)
        how = "linked to the payment recorded by hand" if line.note == reconcile.LINKED \
            else "recorded as a payment"
        print(f"matched: {how}")
        print(line.payment_id)
    elif args.expense is not None:
        if args.property is None:
            raise ValidationError("property_id", "an expense needs its property (--property ID)")
        line = reconcile.match_to_expense(ctx.db, ctx.actor, args.txn, args.expense,
                                          args.property, args.payee)
        print("matched: recorded as an expense")
        print(line.expense_id)
    else:
        reconcile.ignore_line(ctx.db, ctx.actor, args.txn, args.note)
        print("ignored")


def cmd_unmatch(args: argparse.Namespace, ctx: CliContext) -> None:
    line = reconcile.undo_match(ctx.db, ctx.actor, args.txn, args.reason)
    print(f"the line waits unmatched again ({line.posted_on}, {money_str(line.amount)})")


def cmd_account_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(BankAccountCreate, **_drop_none(
        name=args.name, property_id=args.property, institution=args.institution,
        opening_balance=args.opening_balance, opening_on=args.opening_on, notes=args.notes))
    account = bank.add_account(ctx.db, ctx.actor, data)
    print(f"added bank account {account.name}")
    print(account.id)


def cmd_account_list(args: argparse.Namespace, ctx: CliContext) -> None:
    found = bank.list_accounts(ctx.db, ctx.actor)
    if args.json:
        print_json([account_json(a) for a in found])
        return
    for a in found:
        owner = a.property_name or "the operator"
        print(f"{a.id}  {a.name} ({owner})  {a.lines} lines, {a.unmatched} unmatched")


def cmd_account_property(args: argparse.Namespace, ctx: CliContext) -> None:
    account = bank.set_account_property(ctx.db, ctx.actor, _account_id(ctx, args.account),
                                        None if args.operator else args.property)
    print(f"{account.name} belongs to {account.property_name or 'the operator'}")


def cmd_account_opening(args: argparse.Namespace, ctx: CliContext) -> None:
    account = bank.set_opening_balance(ctx.db, ctx.actor, _account_id(ctx, args.account),
                                       _balance(args.balance), args.on)
    print(f"{account.name} opens at {money_str(account.opening_balance)}")


def cmd_rule_add(args: argparse.Namespace, ctx: CliContext) -> None:
    rule = bank.add_rule(ctx.db, ctx.actor, build(PayeeRuleCreate, **_drop_none(
        pattern=args.pattern, category=args.category, property_id=args.property,
        bank_account_id=_account_id(ctx, args.account), payee=args.payee)))
    print(f'rule "{rule.pattern}" -> {rule.category}')
    print(rule.id)


def cmd_rule_list(args: argparse.Namespace, ctx: CliContext) -> None:
    found = bank.list_rules(ctx.db, ctx.actor)
    if args.json:
        print_json([{"id": str(r.id), "pattern": r.pattern, "category": r.category,
                     "property_id": str(r.property_id) if r.property_id else None,
                     "bank_account_id": str(r.bank_account_id) if r.bank_account_id else None,
                     "payee": r.payee} for r in found])
        return
    for r in found:
        print(f'{r.id}  "{r.pattern}" -> {r.category}  {r.property_name or ""}')


def cmd_rule_delete(args: argparse.Namespace, ctx: CliContext) -> None:
    bank.delete_rule(ctx.db, ctx.actor, args.rule)
    print("deleted")


def _balance(text: str) -> Decimal:
    return parse_amount(text, "balance", ".")


def cmd_reconcile(args: argparse.Namespace, ctx: CliContext) -> None:
    balance = _balance(args.balance)
    check = reconcile.check_reconciliation(ctx.db, ctx.actor, args.account, args.through,
                                           balance)
    summary = {"account": check.account, "period_start": check.period_start.isoformat(),
               "period_end": check.period_end.isoformat(),
               "statement_balance": money_str(check.statement_balance),
               "book_balance": money_str(check.book_balance),
               "difference": money_str(check.difference), "unmatched": check.unmatched,
               "locked": False}
    if not args.check:
        reconcile.reconcile(ctx.db, ctx.actor, args.account, args.through, balance)
        summary["locked"] = True
    if args.json:
        print_json(summary)
        return
    print(f"{check.account} from {check.period_start} through {check.period_end}")
    print(f"statement {summary['statement_balance']}, book {summary['book_balance']}, "
          f"difference {summary['difference']}, {check.unmatched} unmatched")
    if summary["locked"]:
        print(f"reconciled: the books are closed through {check.period_end}")
    elif check.problem:
        print(f"not yet: {check.problem}")
    else:
        print("ready to lock (run without --check)")


def cmd_reopen(args: argparse.Namespace, ctx: CliContext) -> None:
    row = reconcile.reopen(ctx.db, ctx.actor, args.account, args.reason)
    print(f"reopened the period through {row.period_end}")


def _register_accounts(actions: Any) -> None:
    accounts = actions.add_parser("account", help="bank accounts").add_subparsers(
        dest="account_action", metavar="ACTION", required=True)
    p = accounts.add_parser("add", help="add a bank account; prints its id")
    p.add_argument("--name", required=True)
    p.add_argument("--property", type=_id, metavar="ID",
                   help="the property it belongs to (default: the operator's own account)")
    p.add_argument("--institution")
    p.add_argument("--opening-balance", metavar="AMOUNT",
                   help="the balance before the first imported line")
    p.add_argument("--opening-on", type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--notes")
    p.set_defaults(handler=cmd_account_add)
    p = accounts.add_parser("list", help="list bank accounts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_account_list)
    p = accounts.add_parser("set-property", help="the property an account belongs to")
    p.add_argument("account", metavar="NAME")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--property", type=_id, metavar="ID")
    who.add_argument("--operator", action="store_true", help="the operator's own account")
    p.set_defaults(handler=cmd_account_property)
    p = accounts.add_parser("opening", help="the balance before the first imported line")
    p.add_argument("account", metavar="NAME")
    p.add_argument("--balance", required=True, metavar="AMOUNT")
    p.add_argument("--on", type=_day, metavar="YYYY-MM-DD", help="the day of that balance")
    p.set_defaults(handler=cmd_account_opening)


def _register_rules(actions: Any) -> None:
    rules = actions.add_parser("rule", help="payee rules: withdrawals proposed as expenses") \
        .add_subparsers(dest="rule_action", metavar="ACTION", required=True)
    p = rules.add_parser("add", help="add a payee rule; prints its id")
    p.add_argument("--pattern", required=True,
                   help="text in the line's name or memo (any case), e.g. 'CITY OF AUSTIN UTIL'")
    p.add_argument("--category", required=True,
                   help="an expense category's name or Schedule E line number")
    p.add_argument("--property", type=_id, metavar="ID",
                   help="the property the expense is for (default: the account's)")
    p.add_argument("--account", metavar="NAME", help="only for this bank account's lines")
    p.add_argument("--payee", help="the payee the expense gets (default: the line's name)")
    p.set_defaults(handler=cmd_rule_add)
    p = rules.add_parser("list", help="list payee rules")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_rule_list)
    p = rules.add_parser("delete", help="delete a payee rule (matched lines stay as they are)")
    p.add_argument("rule", type=_id, metavar="ID")
    p.set_defaults(handler=cmd_rule_delete)


def register(commands: Any) -> None:
    from coliv_desktop.cli import READS

    actions = commands.add_parser(
        "bank", help="bank statements: import, match, reconcile").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = actions.add_parser(
        "import", help="import an OFX, QFX or CSV statement; each line is kept once, so "
                       "importing it (or an overlapping one) again adds nothing")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--account", metavar="NAME",
                   help="the bank account (created when the name is new); default: the one "
                        "holding the OFX file's account number")
    p.add_argument("--property", type=_id, metavar="ID",
                   help="with a new account: the property it belongs to")
    p.add_argument("--mapping", metavar="JSON|FILE.json",
                   help='a CSV\'s columns, saved to the account: {"date": "Posting Date", '
                        '"amount": "Amount"} or {"date": ..., "debit": ..., "credit": ...}; '
                        'also "name", "memo", "reference", "id", "balance", "invert": true '
                        '(money out written positive), "date_order", "decimal_mark"')
    p.add_argument("--date-order", choices=DATE_ORDERS,
                   help="a CSV's dates: ymd, mdy (US) or dmy; asked when they read both ways")
    p.add_argument("--decimal-mark", choices=DECIMAL_MARKS,
                   help="a CSV's decimal mark; asked when its amounts read both ways")
    p.add_argument("--json", action="store_true",
                   help="print {imported, duplicates, proposed}")
    p.set_defaults(handler=cmd_import, field_options={"name": ("account",)})
    p = actions.add_parser("list", help="imported lines, newest first, with proposals")
    p.add_argument("--account", metavar="NAME")
    p.add_argument("--unmatched", action="store_true", help="only the lines waiting")
    p.add_argument("--status", choices=BANK_LINE_STATUSES)
    p.add_argument("--search", metavar="TEXT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)
    p = actions.add_parser("match", help="what a line is: a tenant's payment, an expense, or "
                                         "nothing for the book")
    p.add_argument("txn", type=_id, metavar="TXN_ID")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--lease", type=_id, metavar="LEASE_ID",
                      help="a deposit: recorded as a payment on the lease (or linked to the "
                           "one recorded by hand for it)")
    what.add_argument("--expense", metavar="CATEGORY",
                      help="a withdrawal: an expense in this category (needs --property)")
    what.add_argument("--ignore", action="store_true",
                      help="nothing for the book (a transfer between own accounts)")
    p.add_argument("--property", type=_id, metavar="ID", help="with --expense")
    p.add_argument("--payee", help="with --expense (default: the line's name)")
    p.add_argument("--note", help="with --ignore")
    p.set_defaults(handler=cmd_match, field_options={"category": ("expense",)})
    p = actions.add_parser("unmatch", help="undo a line's match; the payment or expense it "
                                           "created is voided with the reason")
    p.add_argument("txn", type=_id, metavar="TXN_ID")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_unmatch)
    p = actions.add_parser(
        "reconcile", help="compare a statement's closing balance with the book and, when "
                          "they agree and no line of the period waits, lock the period",
        description="The book's balance is the account's opening balance (bank account "
                    "opening) plus every imported line through --through. When it equals "
                    "--balance to the cent and no line up to that day waits unmatched, "
                    "payments, credits, charges, voids, expenses and bank matches dated on or "
                    "before that day are refused for the account's property (every property, "
                    "for an operator's account) until `coliv bank reopen`. --check only "
                    "compares.")
    p.add_argument("--account", required=True, metavar="NAME")
    p.add_argument("--through", required=True, type=_day, metavar="YYYY-MM-DD",
                   help="the statement's closing day")
    p.add_argument("--balance", required=True, metavar="AMOUNT",
                   help="the statement's closing balance on that day")
    p.add_argument("--check", action="store_true", help="only compare; lock nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_reconcile)
    p = actions.add_parser("reopen", help="lift the lock of the account's last reconciled "
                                          "period (the reason is kept in the audit log)")
    p.add_argument("--account", required=True, metavar="NAME")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_reopen)
    _register_accounts(actions)
    _register_rules(actions)
    for words in [("bank", "list"), ("bank", "account", "list"), ("bank", "rule", "list")]:
        READS[words] = lambda _args: True
    READS[("bank", "reconcile")] = lambda args: bool(args.check)
