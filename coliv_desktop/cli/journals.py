"""`coliv export-journal`: the book's journal for a date range, for the accountant (issue 15).

Prints the path of each file written (Xero: one file per 300 lines), then a summary line;
`--json` prints {"paths", "entries", "lines", "debits", "credits"} instead.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coliv_desktop.cli.portfolio import _day, print_json
from coliv_desktop.domain.journal import DATE_ORDERS, DESCRIPTIONS, FORMATS
from coliv_desktop.domain.money import money_str
from coliv_desktop.services import journals

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext


def cmd_export_journal(args: argparse.Namespace, ctx: CliContext) -> None:
    done = journals.export_journal(ctx.db, ctx.actor, args.start, args.end, args.format,
                                   Path(args.out), args.dates)
    if args.json:
        print_json({"paths": [str(p) for p in done.paths], "entries": done.entries,
                    "lines": done.lines, "debits": money_str(done.debits),
                    "credits": money_str(done.debits)})
        return
    for path in done.paths:
        print(path)
    print(f"{done.entries} entries, {done.lines} lines, debits = credits = "
          f"{money_str(done.debits)}")


def register(commands: Any) -> None:
    from coliv_desktop.cli import READS

    formats = "; ".join(f"{name}: {DESCRIPTIONS[name]}" for name in FORMATS)
    p = commands.add_parser(
        "export-journal", help="the journal for the accountant, for a date range",
        description=f"Write the double entry of the date range (accrual basis). {formats}.")
    p.add_argument("--from", dest="start", type=_day, required=True, help="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=_day, required=True, help="YYYY-MM-DD")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--out", required=True, metavar="FILE",
                   help="the file to write (xero: past 300 lines, FILE-2.csv, FILE-3.csv ...)")
    p.add_argument("--dates", choices=DATE_ORDERS,
                   help="qbo and xero: the company's date format, mdy (MM/DD/YYYY, qbo's "
                   "default), dmy (DD/MM/YYYY, xero's default) or ymd (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_export_journal)
    READS[("export-journal",)] = lambda _args: True
