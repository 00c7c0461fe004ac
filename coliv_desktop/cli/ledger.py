"""`coliv rent|payment|charge|credit|utility|receipt|lease-pdf|statement|report|reminders|deposit|
ledger`.

Money is printed in the machine form, a decimal string with two places ("3250.00").
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING, Any

from coliv_desktop.cli.portfolio import _day, _drop_none, _id
from coliv_desktop.domain.aging import BUCKETS
from coliv_desktop.domain.errors import ColivError, ValidationError
from coliv_desktop.domain.money import money_str
from coliv_desktop.domain.wording import receipt_no
from coliv_desktop.files import check_writable
from coliv_desktop.schemas import build
from coliv_desktop.schemas.deposits import DispositionCreate
from coliv_desktop.schemas.ledger import ChargeCreate, CreditCreate, PaymentCreate
from coliv_desktop.schemas.reports import AgingReport, CollectionReport
from coliv_desktop.schemas.utilities import UtilityBillIn
from coliv_desktop.services import (
    deposits,
    ledger,
    printing,
    reminders,
    rent_run,
    reports,
    utilities,
)
from coliv_desktop.services.clock import today

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def cmd_rent_run(args: argparse.Namespace, ctx: CliContext) -> None:
    through = args.through or today()
    result = rent_run.run_rent(ctx.db, ctx.actor, through)
    if args.json:
        _print_json({"charges_created": result.charges_created,
                     "late_fees_created": result.late_fees_created,
                     "through": result.through.isoformat()})
    else:
        print(f"rent run through {through}: {result.charges_created} charges "
              f"({result.deposits_created} deposits), {result.late_fees_created} late fees")


def cmd_payment_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(PaymentCreate, **_drop_none(
        lease_id=args.lease, amount=args.amount, received_on=args.date or today(),
        method=args.method, reference=args.reference, note=args.note))
    payment = ledger.record_payment(ctx.db, ctx.actor, data, force=args.force)
    print(f"receipt No. {receipt_no(payment.receipt_number)}: {money_str(payment.amount)} applied "
          f"{money_str(payment.allocated)}, unapplied {money_str(payment.unapplied)}")
    print(payment.id)


def cmd_payment_void(args: argparse.Namespace, ctx: CliContext) -> None:
    payment = ledger.void_payment(ctx.db, ctx.actor, args.payment, args.reason)
    print(f"voided payment {payment.id} ({money_str(payment.amount)}): {payment.void_reason}")


def cmd_charge_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(ChargeCreate, lease_id=args.lease, kind=args.kind, amount=args.amount,
                 due_date=args.due, description=args.description)
    print(ledger.post_charge(ctx.db, ctx.actor, data, force=args.force).id)


def cmd_charge_void(args: argparse.Namespace, ctx: CliContext) -> None:
    charge = ledger.void_charge(ctx.db, ctx.actor, args.charge, args.reason)
    print(f"voided charge {charge.id} ({money_str(charge.amount)}): {charge.void_reason}")


def cmd_credit_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(CreditCreate, lease_id=args.lease, amount=args.amount,
                 received_on=args.date or today(), reason=args.reason)
    print(ledger.add_credit(ctx.db, ctx.actor, data, force=args.force).id)


def cmd_receipt(args: argparse.Namespace, ctx: CliContext) -> None:
    print(printing.receipt_pdf(ctx.db, ctx.actor, args.payment, args.out))


def cmd_lease_pdf(args: argparse.Namespace, ctx: CliContext) -> None:
    print(printing.lease_pdf(ctx.db, ctx.actor, args.lease, args.out))


def cmd_statement(args: argparse.Namespace, ctx: CliContext) -> None:
    print(printing.statement_file(ctx.db, ctx.actor, args.lease, args.start, args.end, args.out))


def collection_json(report: CollectionReport) -> dict[str, Any]:
    return {
        "month": report.month, "expected": money_str(report.expected),
        "collected": money_str(report.collected), "outstanding": money_str(report.outstanding),
        "collection_rate": float(report.collection_rate),
        "rooms": [{"property": r.property, "unit": r.unit, "room": r.room, "tenant": r.tenant,
                   "due": money_str(r.due), "paid": money_str(r.paid), "status": r.status}
                  for r in report.rooms],
    }


def aging_json(report: AgingReport) -> dict[str, Any]:
    return {
        "as_of": report.as_of.isoformat(), "buckets": list(BUCKETS),
        "totals": {b: money_str(report.totals[b]) for b in BUCKETS},
        "total": money_str(report.total),
        "rows": [{"lease_id": str(r.lease_id), "tenant": r.tenant, "property": r.property,
                  "unit": r.unit, "room": r.room,
                  **{b: money_str(r.buckets[b]) for b in BUCKETS}, "total": money_str(r.total)}
                 for r in report.rows],
    }


def cmd_report_collection(args: argparse.Namespace, ctx: CliContext) -> None:
    month = args.month or today().strftime("%Y-%m")
    if args.out:
        print(printing.collection_file(ctx.db, ctx.actor, month, args.out))
        return
    report = reports.collection(ctx.db, ctx.actor, month)
    if args.json:
        _print_json(collection_json(report))
        return
    print(f"{report.month}: collected {money_str(report.collected)} of "
          f"{money_str(report.expected)} ({report.collection_rate}%), outstanding "
          f"{money_str(report.outstanding)}")
    for r in report.rooms:
        print(f"  {r.property} {r.unit}-{r.room}: {r.tenant:<24} {money_str(r.due):>10} "
              f"{money_str(r.paid):>10}  {r.status.upper()}")


def cmd_report_aging(args: argparse.Namespace, ctx: CliContext) -> None:
    if args.out:
        print(printing.aging_file(ctx.db, ctx.actor, args.out, args.as_of))
        return
    report = reports.aging_report(ctx.db, ctx.actor, args.as_of)
    if args.json:
        _print_json(aging_json(report))
        return
    buckets = ", ".join(f"{b} {money_str(report.totals[b])}" for b in BUCKETS)
    print(f"aging as of {report.as_of}: {buckets}; total {money_str(report.total)}")
    for r in report.rows:
        print(f"  {r.tenant:<24} {r.property} {r.unit}-{r.room}: {money_str(r.total)}")


def cmd_report_rent_roll(args: argparse.Namespace, ctx: CliContext) -> None:
    print(printing.rent_roll_file(ctx.db, ctx.actor, args.out, args.as_of))


def cmd_report_income(args: argparse.Namespace, ctx: CliContext) -> None:
    start = args.start or date(today().year, 1, 1)
    end = args.end or today()
    if args.out:
        print(printing.income_file(ctx.db, ctx.actor, start, end, args.out))
        return
    report = reports.income(ctx.db, ctx.actor, start, end)
    if args.json:
        _print_json({"from": start.isoformat(), "to": end.isoformat(),
                     "total": money_str(report.total),
                     "rows": [{"property": r.property, "month": r.month,
                               "rent": money_str(r.rent), "late_fees": money_str(r.late_fees),
                               "utilities": money_str(r.utilities), "other": money_str(r.other),
                               "total": money_str(r.total)} for r in report.rows]})
        return
    for r in report.rows:
        print(f"{r.property:<30} {r.month} {money_str(r.total):>12}")
    print(f"total {money_str(report.total)}")


def _pnl_line(m: Any) -> dict[str, Any]:
    return {"month": m.month, "income": money_str(m.income), "expenses": money_str(m.expenses),
            "net": money_str(m.net),
            "income_by_kind": {k: money_str(v) for k, v in m.income_by_kind.items()},
            "expenses_by_category": {k: money_str(v)
                                     for k, v in m.expenses_by_category.items()}}


def cmd_report_pnl(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import pnl

    if args.out:
        print(pnl.pnl_file(ctx.db, ctx.actor, args.year, args.out, args.property))
        return
    report = pnl.profit_and_loss(ctx.db, ctx.actor, args.year, args.property)
    if args.json:
        _print_json({"year": report.year, "basis": report.basis, "properties": [
            {"property_id": str(p.property_id), "property": p.property,
             "months": [_pnl_line(m) for m in p.months], "totals": _pnl_line(p.totals)}
            for p in report.properties],
            "months": [_pnl_line(m) for m in report.months],
            "totals": _pnl_line(report.totals)})
        return
    for p in report.properties:
        t = p.totals
        print(f"{p.property:<30} income {money_str(t.income):>12}  expenses "
              f"{money_str(t.expenses):>12}  net {money_str(t.net):>12}")
    t = report.totals
    print(f"{'total ' + str(report.year):<30} income {money_str(t.income):>12}  expenses "
          f"{money_str(t.expenses):>12}  net {money_str(t.net):>12}")


def cmd_report_schedule_e(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import pnl

    if args.out:
        print(pnl.schedule_e_file(ctx.db, ctx.actor, args.year, args.out, args.property))
        return
    data = pnl.schedule_e(ctx.db, ctx.actor, args.year, args.property)
    if args.json:
        _print_json({"year": data.year, "properties": [
            {"property_id": str(p.property_id), "property": p.property, "address": p.address,
             "lines": {"3": money_str(p.rents_received), "4": money_str(p.royalties_received),
                       **{ln.line: money_str(ln.amount) for ln in p.lines},
                       "20": money_str(p.total_expenses), "21": money_str(p.net)},
             "labels": {ln.line: ln.label for ln in p.lines}}
            for p in data.properties]})
        return
    for p in data.properties:
        print(f"{p.property}  ({p.address})")
        print(f"   3  {'Rents received':<36} {money_str(p.rents_received):>12}")
        for ln in p.lines:
            if ln.amount:
                print(f"  {ln.line:>2}  {ln.label:<36} {money_str(ln.amount):>12}")
        print(f"  20  {'Total expenses':<36} {money_str(p.total_expenses):>12}")
        print(f"  21  {'Income or (loss)':<36} {money_str(p.net):>12}")


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"{text!r} is not a year (use YYYY)")
    return int(text)


def cmd_ledger(args: argparse.Namespace, ctx: CliContext) -> None:
    book = ledger.lease_ledger(ctx.db, ctx.actor, args.lease)
    if args.json:
        _print_json({
            "lease_id": str(book.lease_id), "balance": money_str(book.balance),
            "deposit_held": money_str(book.deposit_held),
            "charges": [{"id": str(c.id), "kind": c.kind, "period": c.period,
                         "due_date": c.due_date.isoformat(), "amount": money_str(c.amount),
                         "paid": money_str(c.paid), "status": c.status,
                         "description": c.description, "void_reason": c.void_reason}
                        for c in book.charges],
            "payments": [{"id": str(p.id), "kind": p.kind, "amount": money_str(p.amount),
                          "received_on": p.received_on.isoformat(), "method": p.method,
                          "receipt_number": p.receipt_number,
                          "voided": p.void_reason is not None} for p in book.payments],
        })
        return
    for c in book.charges:
        why = f" ({c.void_reason})" if c.void_reason else ""
        print(f"{c.due_date}  {c.description:<40} {money_str(c.amount):>10}  {c.status}{why}")
    for p in book.payments:
        void = f"  VOID ({p.void_reason})" if p.void_reason else ""
        print(f"{p.received_on}  {p.kind} {p.method or ''} {money_str(p.amount):>10}{void}")
    print(f"balance {money_str(book.balance)}; deposit held {money_str(book.deposit_held)}")


def cmd_reminders_refresh(args: argparse.Namespace, ctx: CliContext) -> None:
    count = reminders.refresh_outbox(ctx.db, ctx.actor, args.as_of)
    print(f"{count} reminders added to the outbox")


def cmd_reminders_list(args: argparse.Namespace, ctx: CliContext) -> None:
    for r in reminders.list_outbox(ctx.db, ctx.actor):
        print(f"{r.id}  {r.due_on}  {r.tenant:<24} {r.subject}")


def cmd_reminders_print(args: argparse.Namespace, ctx: CliContext) -> None:
    ctx.actor.require("ledger.write")  # refused before a letter is written, not after
    pending = reminders.list_outbox(ctx.db, ctx.actor)
    path = printing.reminder_letters_pdf(ctx.db, ctx.actor, None, args.out)
    reminders.mark(ctx.db, ctx.actor, [r.id for r in pending], "printed")
    print(path)


def cmd_deposit_settle(args: argparse.Namespace, ctx: CliContext) -> None:
    deductions = []
    for item in args.deduct or []:
        reason, _, amount = item.rpartition("=")
        deductions.append({"reason": reason, "amount": amount})
    data = build(DispositionCreate, **_drop_none(
        lease_id=args.lease, decided_on=args.date or today(), deductions=deductions,
        refund_method=args.refund_method, apply_to_balance=not args.deductions_only))
    if args.out:
        check_writable(args.out)  # not a settlement recorded and then no letter
    result = deposits.settle_deposit(ctx.db, ctx.actor, data)
    print(f"held {money_str(result.held)}, deductions {money_str(result.deductions_total)}, "
          f"refund {money_str(result.refund)}, still owed {money_str(result.owed)}")
    if args.out:
        print(printing.deposit_letter_pdf(ctx.db, ctx.actor, args.lease, args.out))


def cmd_deposit_unsettle(args: argparse.Namespace, ctx: CliContext) -> None:
    count = deposits.reverse_settlement(ctx.db, ctx.actor, args.lease, args.reason)
    print(f"settlement reversed: {count} entries voided; the deposit is held again")


def _month(text: str) -> str:
    try:
        reports.parse_month(text)
    except ColivError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month (use YYYY-MM)") from None
    return text


def _percentages(items: list[str]) -> dict[str, str]:
    """ROOM_ID=PERCENT pairs, as typed."""
    out = {}
    for item in items:
        room, sep, percent = item.partition("=")
        if not sep:
            raise ValidationError("percentages", f"write ROOM_ID=PERCENT, not {item!r}")
        out[room.strip()] = percent.strip()
    return out


def cmd_utility_add(args: argparse.Namespace, ctx: CliContext) -> None:
    data = build(UtilityBillIn, **_drop_none(
        property_id=args.property, unit_id=args.unit, provider=args.provider,
        period_start=args.start, period_end=args.end, amount=args.amount, due_date=args.due,
        rule=args.rule, vacant_to=args.vacant_to,
        percentages=_percentages(args.percent) if args.percent else None, notes=args.notes))
    if args.preview:
        shown = utilities.preview_bill(ctx.db, ctx.actor, data)
    else:
        shown = utilities.post_bill(ctx.db, ctx.actor, data)
    for share in shown.shares:
        print(f"  {share.room:<8} {share.tenant:<28} {money_str(share.amount):>10}")
    if shown.id is not None:
        print(shown.id)


def cmd_utility_list(args: argparse.Namespace, ctx: CliContext) -> None:
    rows = utilities.list_bills(ctx.db, ctx.actor)
    if args.json:
        _print_json([{"id": str(r.id), "property": r.property_name, "unit": r.unit_number,
                      "provider": r.provider, "period_start": r.period_start.isoformat(),
                      "period_end": r.period_end.isoformat(), "amount": money_str(r.amount),
                      "tenants_share": money_str(r.tenants_share),
                      "operator_share": money_str(r.operator_share), "voided": r.voided,
                      "needs_resplit": r.needs_resplit}
                     for r in rows])
        return
    for r in rows:
        void = "  (void)" if r.voided else "  (split again?)" if r.needs_resplit else ""
        print(f"{r.id}  {r.period_start}..{r.period_end}  {r.provider}  "
              f"{money_str(r.amount)}{void}")


def cmd_utility_void(args: argparse.Namespace, ctx: CliContext) -> None:
    count = utilities.void_bill(ctx.db, ctx.actor, args.bill, args.reason)
    print(f"voided {count} tenant shares")


def cmd_utility_resplit(args: argparse.Namespace, ctx: CliContext) -> None:
    fresh = utilities.resplit_bill(ctx.db, ctx.actor, args.bill)
    for share in fresh.shares:
        print(f"  {share.room:<8} {share.tenant:<28} {money_str(share.amount):>10}")
    print(fresh.id)


FORCE_MONEY = "go ahead with a date before the book's first lease"


def _register_rent(commands: Any) -> None:
    rent = commands.add_parser("rent", help="the rent run").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = rent.add_parser("run", help="post every charge due up to a date (idempotent)")
    p.add_argument("--through", type=_day, help="YYYY-MM-DD (default: today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_rent_run)


def _register_payment(commands: Any) -> None:
    pay = commands.add_parser("payment", help="payments").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = pay.add_parser("add", help="record a payment; prints its id")
    p.add_argument("--lease", required=True, type=_id)
    p.add_argument("--amount", required=True)
    p.add_argument("--date", type=_day, help="YYYY-MM-DD (default: today)")
    p.add_argument("--method", required=True,
                   choices=["cash", "check", "bank_transfer", "card", "other"])
    p.add_argument("--reference")
    p.add_argument("--note")
    p.add_argument("--force", action="store_true", help=FORCE_MONEY)
    p.set_defaults(handler=cmd_payment_add)
    p = pay.add_parser("void", help="void a payment, with the reason")
    p.add_argument("payment", type=_id)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_payment_void)


def _register_charge(commands: Any) -> None:
    charge = commands.add_parser("charge", help="charges entered by hand").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = charge.add_parser("add", help="post a charge; prints its id")
    p.add_argument("--lease", required=True, type=_id)
    p.add_argument("--amount", required=True)
    p.add_argument("--due", required=True, type=_day)
    p.add_argument("--description", required=True)
    p.add_argument("--kind", default="other", choices=["rent", "utility", "other"])
    p.add_argument("--force", action="store_true", help=FORCE_MONEY)
    p.set_defaults(handler=cmd_charge_add)
    p = charge.add_parser("void", help="void a charge, with the reason")
    p.add_argument("charge", type=_id)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_charge_void)


def _register_credit(commands: Any) -> None:
    credit = commands.add_parser("credit", help="credits").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = credit.add_parser("add", help="credit a tenant's account; prints its id")
    p.add_argument("--lease", required=True, type=_id)
    p.add_argument("--amount", required=True)
    p.add_argument("--reason", required=True)
    p.add_argument("--date", type=_day)
    p.add_argument("--force", action="store_true", help=FORCE_MONEY)
    p.set_defaults(handler=cmd_credit_add)


def _register_utility(commands: Any) -> None:
    util = commands.add_parser("utility", help="utility bills split across rooms").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = util.add_parser("add", help="split a bill and post each share; prints the bill's id")
    p.add_argument("--property", required=True, type=_id)
    p.add_argument("--unit", type=_id, help="one unit (default: every room of the property)")
    p.add_argument("--provider", required=True)
    p.add_argument("--from", dest="start", required=True, type=_day)
    p.add_argument("--to", dest="end", required=True, type=_day)
    p.add_argument("--amount", required=True)
    p.add_argument("--due", required=True, type=_day)
    p.add_argument("--rule", choices=["equal", "per_person", "by_size", "percentages"])
    p.add_argument("--vacant-to", choices=["operator", "occupants"])
    p.add_argument("--percent", action="append", metavar="ROOM_ID=PERCENT",
                   help="with --rule percentages, once per room")
    p.add_argument("--notes")
    p.add_argument("--preview", action="store_true", help="show the split, post nothing")
    p.set_defaults(handler=cmd_utility_add)
    p = util.add_parser("list", help="posted bills")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_utility_list)
    p = util.add_parser("void", help="void every tenant's share of a bill, with the reason")
    p.add_argument("bill", type=_id)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_utility_void)
    p = util.add_parser("resplit", help="split a bill again over who lives there now; "
                                        "prints the new bill's id")
    p.add_argument("bill", type=_id)
    p.set_defaults(handler=cmd_utility_resplit)


def _register_documents(commands: Any) -> None:
    p = commands.add_parser("receipt", help="print a payment's receipt as PDF")
    p.add_argument("payment", type=_id)
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_receipt, prints_document=True)
    p = commands.add_parser("lease-pdf", help="print a lease agreement as PDF")
    p.add_argument("lease", type=_id)
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_lease_pdf, prints_document=True)
    p = commands.add_parser("statement", help="a tenant statement as PDF or CSV")
    p.add_argument("lease", type=_id)
    p.add_argument("--from", dest="start", required=True, type=_day)
    p.add_argument("--to", dest="end", required=True, type=_day)
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_statement, prints_document=True)
    p = commands.add_parser("ledger", help="a lease's ledger and balance")
    p.add_argument("lease", type=_id)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_ledger)


def _register_report(commands: Any) -> None:
    from coliv_desktop.cli import READS

    report = commands.add_parser("report", help="reports").add_subparsers(
        dest="action", metavar="REPORT", required=True)
    p = report.add_parser("collection", help="rent collection for a month")
    p.add_argument("--month", type=_month, help="YYYY-MM (default: this month)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", help="FILE.pdf or FILE.csv")
    p.set_defaults(handler=cmd_report_collection, prints_document=True)
    p = report.add_parser("aging", help="amounts owed by age")
    p.add_argument("--as-of", type=_day)
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", help="FILE.pdf or FILE.csv")
    p.set_defaults(handler=cmd_report_aging, prints_document=True)
    p = report.add_parser("rent-roll", help="the rent roll as CSV or PDF")
    p.add_argument("--as-of", type=_day)
    p.add_argument("--out", required=True, help="FILE.csv or FILE.pdf")
    p.set_defaults(handler=cmd_report_rent_roll, prints_document=True)
    p = report.add_parser("income", help="income by property and month")
    p.add_argument("--from", dest="start", type=_day)
    p.add_argument("--to", dest="end", type=_day)
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", help="FILE.pdf or FILE.csv")
    p.set_defaults(handler=cmd_report_income, prints_document=True)
    p = report.add_parser("pnl", help="profit and loss by property and month (accrual)")
    p.add_argument("--year", type=_year, required=True, metavar="YYYY")
    p.add_argument("--property", type=_id, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", help="FILE.pdf or FILE.csv")
    p.set_defaults(handler=cmd_report_pnl, prints_document=True)
    p = report.add_parser("schedule-e", help="the Schedule E summary per property for a year")
    p.add_argument("--year", type=_year, required=True, metavar="YYYY")
    p.add_argument("--property", type=_id, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", help="FILE.pdf or FILE.csv")
    p.set_defaults(handler=cmd_report_schedule_e, prints_document=True)
    for words in [("report", "pnl"), ("report", "schedule-e")]:
        READS[words] = lambda _args: True


def _register_reminders(commands: Any) -> None:
    rem = commands.add_parser("reminders", help="the reminders outbox").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = rem.add_parser("refresh", help="add the reminders due today to the outbox")
    p.add_argument("--as-of", type=_day)
    p.set_defaults(handler=cmd_reminders_refresh)
    p = rem.add_parser("list", help="pending reminders")
    p.set_defaults(handler=cmd_reminders_list)
    p = rem.add_parser("print", help="print pending reminders as letters and mark them printed")
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_reminders_print, prints_document=True)


def _register_deposit(commands: Any) -> None:
    dep = commands.add_parser("deposit", help="deposits").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = dep.add_parser("settle", help="settle a deposit at move-out")
    p.add_argument("lease", type=_id)
    p.add_argument("--deduct", action="append", metavar="REASON=AMOUNT")
    p.add_argument("--date", type=_day)
    p.add_argument("--refund-method", choices=["cash", "check", "bank_transfer", "card", "other"])
    p.add_argument("--deductions-only", action="store_true",
                   help="do not use the deposit for unpaid rent")
    p.add_argument("--out", help="write the deposit letter PDF here")
    p.set_defaults(handler=cmd_deposit_settle, prints_document=True)
    p = dep.add_parser("unsettle", help="reverse a settlement entered wrongly (its entries are "
                                        "voided; the deposit is held again, to settle anew)")
    p.add_argument("lease", type=_id)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_deposit_unsettle)


def register(commands: Any) -> None:
    _register_rent(commands)
    _register_payment(commands)
    _register_charge(commands)
    _register_credit(commands)
    _register_utility(commands)
    _register_documents(commands)
    _register_report(commands)
    _register_reminders(commands)
    _register_deposit(commands)
