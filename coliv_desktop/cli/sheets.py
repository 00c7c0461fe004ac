"""`coliv import-sheet` and `coliv export-sheet`: spreadsheets in and out (issue 15).

    coliv import-sheet --kind KIND FILE [--sheet NAME] [--mapping MAPPING.json] [--dry-run]
                       [--json] [--date-order ymd|mdy|dmy] [--decimal-mark .|,]
                       [--encoding ENC] [--delimiter D] [--save-mapping NAME]
    coliv export-sheet --kind KIND FILE

The import prints what it would do (`--dry-run`) or did: the rows, and per table what was
created and what was matched. With problems it writes nothing, lists every one on stderr
(`row 7, Rent: "12,50,0" is not an amount`) or in `--json` as "problems": [{"row", "column",
"problem", "value"}], and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coliv_desktop.cli.portfolio import print_json
from coliv_desktop.domain.errors import FileProblem, ValidationError
from coliv_desktop.services import sheet_export, sheet_import
from coliv_desktop.services.sheet_import import ImportResult, SheetOptions
from coliv_desktop.services.sheet_kinds import EXPORT_KINDS, KINDS

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext

DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


def _delimiter(text: str) -> str:
    value = DELIMITER_NAMES.get(text.lower(), text)
    if len(value) != 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not one character (or tab, comma, "
                                         "semicolon, pipe)")
    return value


def _mapping(args: argparse.Namespace, ctx: CliContext) -> SheetOptions:
    """--mapping (a JSON file, or the name of a saved mapping) under the options given."""
    given = SheetOptions(sheet=args.sheet, encoding=args.encoding, delimiter=args.delimiter,
                         date_order=args.date_order, decimal_mark=args.decimal_mark)
    if not args.mapping:
        return given
    path = Path(args.mapping)
    if path.suffix.lower() == ".json" or path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            from coliv_desktop.files import file_problem

            raise file_problem(path, exc) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError("mapping", f"{path.name} is not JSON ({exc})") from None
        base = SheetOptions.from_mapping(data, "mapping")
    else:
        base = sheet_import.mapping_options(ctx.db, ctx.actor, args.kind, args.mapping)
    return base.merged(given)


def result_json(result: ImportResult) -> dict[str, Any]:
    return {"kind": result.kind, "file": result.file, "rows": result.rows,
            "dry_run": result.dry_run, "written": result.written, "created": result.created,
            "matched": result.matched,
            "problems": [p.model_dump() for p in result.problems],
            "sha256": result.sha256, "columns": result.columns,
            "date_order": result.date_order, "decimal_mark": result.decimal_mark}


def _counts(counts: dict[str, int]) -> str:
    shown = [f"{n} {what}" for what, n in counts.items() if n]
    return ", ".join(shown) if shown else "nothing"


def problem_line(row: int, column: str, problem: str, value: str) -> str:
    from coliv_desktop.cli import one_line

    where = f"row {row}" + (f", {column}" if column else "")
    text = f"{where}: {problem}"
    if value and f'"{value}"' not in problem and value not in problem:
        text += f" (the cell: {value!r})"
    return one_line(text)


def cmd_import_sheet(args: argparse.Namespace, ctx: CliContext) -> int:
    options = _mapping(args, ctx)
    path = Path(args.file)
    if path.is_dir():
        raise FileProblem(path, "is a folder, not a file")
    if not path.is_file():
        raise FileProblem(path, "no such file")
    result = sheet_import.import_sheet(ctx.db, ctx.actor, args.kind, path, options,
                                       dry_run=args.dry_run)
    if args.save_mapping and not result.problems:
        chosen = options.merged(SheetOptions(columns=result.columns,
                                             date_order=result.date_order,
                                             decimal_mark=result.decimal_mark))
        sheet_import.save_mapping(ctx.db, ctx.actor, args.kind, args.save_mapping, chosen)
    if args.json:
        print_json(result_json(result))
        if result.problems:
            print(f"error: {len(result.problems)} problem(s) in {path.name}; nothing was "
                  "imported", file=sys.stderr)
    else:
        if result.problems:
            for p in result.problems:
                print(problem_line(p.row, p.column, p.problem, p.value), file=sys.stderr)
            print(f"error: {len(result.problems)} problem(s) in {path.name}; nothing was "
                  "imported", file=sys.stderr)
        else:
            verb = "would import" if result.dry_run else "imported"
            print(f"{verb} {result.rows} {result.kind} rows from {path.name}")
            print(f"created: {_counts(result.created)}")
            print(f"matched: {_counts(result.matched)}")
            if args.save_mapping:
                print(f"saved the mapping {args.save_mapping!r}")
    return 2 if result.problems else 0


def cmd_export_sheet(args: argparse.Namespace, ctx: CliContext) -> None:
    path = Path(args.file)
    count = sheet_export.export_sheet(ctx.db, ctx.actor, args.kind, path)
    print(f"exported {count} {args.kind} rows to {path}")


def register(commands: Any) -> None:
    from coliv_desktop.cli import READS

    kinds = list(KINDS)
    p = commands.add_parser(
        "import-sheet", help="import rooms, tenants, leases, opening balances or payments "
        "from a CSV or XLSX file, all or nothing")
    p.add_argument("--kind", required=True, choices=kinds)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--sheet", metavar="NAME", help="the XLSX sheet (default: the first)")
    p.add_argument("--mapping", metavar="MAPPING.json",
                   help="the columns: a JSON file {\"columns\": {field: header}, "
                   "\"date_order\": \"mdy\", \"decimal_mark\": \",\"}, or the name of a "
                   "saved mapping")
    p.add_argument("--dry-run", action="store_true",
                   help="check every row and say what would be done; write nothing")
    p.add_argument("--json", action="store_true")
    p.add_argument("--date-order", choices=("ymd", "mdy", "dmy"),
                   help="how the file's dates read when they could be read two ways")
    p.add_argument("--decimal-mark", choices=(".", ","),
                   help="the amounts' decimal mark when they could be read two ways")
    p.add_argument("--encoding", metavar="ENC", help="the CSV's encoding (default: detected)")
    p.add_argument("--delimiter", type=_delimiter, metavar="D",
                   help="the CSV's delimiter: , ; | or tab (default: detected)")
    p.add_argument("--save-mapping", metavar="NAME",
                   help="save the columns and reading choices under NAME for next time")
    p.set_defaults(handler=cmd_import_sheet)
    p = commands.add_parser("export-sheet", help="write rooms, tenants, leases, balances, "
                            "payments or expenses to a CSV or XLSX file (by its ending), in "
                            "the columns import-sheet reads")
    p.add_argument("--kind", required=True, choices=list(EXPORT_KINDS))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=cmd_export_sheet)
    READS[("export-sheet",)] = lambda _args: True
    READS[("import-sheet",)] = lambda args: bool(args.dry_run and not args.save_mapping)
