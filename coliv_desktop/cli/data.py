"""`coliv export|import|transfer|db`: moving and guarding the whole database."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError

from coliv_desktop import config
from coliv_desktop.cli import progress
from coliv_desktop.cli.portfolio import _day
from coliv_desktop.db.migrate import (
    backup_sqlite,
    current_revision,
    head_revision,
)
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.services import portability

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext

log = logging.getLogger("coliv")


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> None:
    counts = portability.export_file(ctx.db, ctx.actor, Path(args.file))
    print(f"exported {sum(counts.values())} rows from {len(counts)} tables to {args.file}")


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> None:
    counts = portability.import_file(ctx.db, ctx.actor, Path(args.file))
    print(f"imported {sum(counts.values())} rows into {len(counts)} tables")


def cmd_transfer(args: argparse.Namespace, ctx: CliContext) -> int:
    target_url = config.parse_db_url(args.to)
    checks = portability.transfer_to(ctx.db, ctx.actor, target_url, opening=progress)
    for check in checks:
        print(f"{check.table:<14} {check.rows_target:>8} rows  money {check.money_target:>14}  ok")
    print(f"copied {config.display_url(ctx.url)} to {config.display_url(target_url)}: verified")
    return 0


def cmd_set_password(args: argparse.Namespace, ctx: CliContext) -> None:
    url = config.parse_db_url(args.url)
    if config.is_sqlite(url):
        raise ValidationError("url", "SQLite files have no password")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {config.display_url(url)}: ")
    if not password:
        raise ValidationError("password", "is empty")
    config.store_password(url, password)  # read back, or a FileProblem: nothing was saved
    print(f"password for {config.display_url(url)} saved in the OS keychain (read back to "
          "check)")


def cmd_ping(args: argparse.Namespace, ctx: CliContext) -> None:
    """Whether the PostgreSQL server can be used, and precisely why not (exit 8): the
    connection dialog's Test Connection. The password comes from the OS keychain."""
    from coliv_desktop.domain.errors import DatabaseUnavailable
    from coliv_desktop.services.connection import check_connection

    url = config.parse_db_url(args.url) if args.url else ctx.url
    if config.is_sqlite(url):
        raise ValidationError("url", "a SQLite file has no server to test; "
                                     "`coliv db status` says whether it opens")
    target = config.with_stored_password(url)
    if target.warning:
        log.warning(target.warning)
    check = check_connection(target.url, sslmode=args.sslmode)
    if args.json:
        print(json.dumps({"ok": check.ok, "problem": check.problem and check.problem.name.lower(),
                          "message": check.message, "server_version": check.server_version}))
    elif check.ok:
        print(check.message)
    if not check.ok:
        raise DatabaseUnavailable(f"cannot use {config.display_url(url)}: {check.message}")


def cmd_status(args: argparse.Namespace, ctx: CliContext) -> None:
    """Which database, its schema and its file: read only, and a file that does not exist
    is reported as such (never created)."""
    from coliv_desktop.db.engine import make_engine, sqlite_read_only
    from coliv_desktop.db.migrate import unavailable

    target = config.with_stored_password(ctx.url)
    if target.warning:
        log.warning(target.warning)
    path = config.sqlite_path(ctx.url)
    read_only = path is not None and path.is_file() and sqlite_read_only(path)
    if path is not None and not path.is_file():
        schema = "none: no database file there yet (`coliv init` creates it)"
    else:
        engine = make_engine(target.url, read_only=read_only)
        try:
            with engine.connect() as conn:
                current = current_revision(conn)
        except DBAPIError as exc:
            raise unavailable(ctx.url, exc) from None
        finally:
            engine.dispose()
        schema = f"{current or 'empty'} (this CoLiv writes {head_revision()})"
    print(f"database: {config.display_url(ctx.url)}{' (read-only)' if read_only else ''}")
    print(f"schema:   {schema}")
    if path:
        print(f"file:     {path}")
        print(f"backups:  {config.backups_dir(ctx.url)}")


def cmd_backup(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import backups

    if args.to:
        print(backups.backup_to(ctx.db, ctx.actor, Path(args.to)).path)
        return
    if not config.is_sqlite(ctx.url):
        print(backups.server_backup(ctx.db, ctx.actor).path)  # a server: all tables as JSON
        return
    _ = ctx.db  # make sure it exists and is current
    print(backup_sqlite(ctx.url, "manual"))  # checked right after it is written


def cmd_harden(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import hardening

    if not config.is_sqlite(ctx.url) and args.password_stdin:
        password: str | None = sys.stdin.readline().rstrip("\n")
        if not password:
            raise ValidationError("password", "is empty")
    else:
        password = None
    done = hardening.harden(ctx.db, ctx.actor, app_role=args.app_role,
                            read_only_role=args.read_only_role, app_password=password)
    for statement in done.statements:
        print(f"  {statement}")
    desk = ctx.url.set(username=done.app_role, password=None)
    print(f"hardened {done.database}: the desks connect as {done.app_role} "
          f"({config.display_url(desk)}); reports as {done.read_only_role}; upgrades and "
          f"imports run as {ctx.url.username or 'the owner'}, then `coliv db harden` again")


def cmd_backups(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import backups

    found = backups.list_backups(ctx.url)
    if args.json:
        print(json.dumps([{"file": str(b.path), "taken_at": b.taken_at.isoformat(),
                           "kind": b.label, "bytes": b.size} for b in found], indent=2))
        return
    if not found:
        print(f"no backups in {config.backups_dir(ctx.url)}")
    for b in found:
        print(f"{b.taken_at.astimezone():%Y-%m-%d %H:%M}  {b.size / 1e6:8.1f} MB  "
              f"{b.kind:<36} {b.path}")


def cmd_restore(args: argparse.Namespace, ctx: CliContext) -> None:
    from coliv_desktop.services import backups

    source = Path(args.file)
    backups.check_restore(ctx.url, source)  # before opening anything
    owner = ctx.actor  # opened (and closed below) only to know who restores
    ctx.close()
    restored = backups.restore(ctx.url, source, owner)
    print(f"restored {config.display_url(ctx.url)} from {restored.source}")
    print(f"the database as it was is in {restored.safety_copy}")


def cmd_check(args: argparse.Namespace, ctx: CliContext) -> int:
    from coliv_desktop.services import integrity

    results = integrity.verify_books(ctx.db, ctx.actor)
    if args.json:
        print(json.dumps({"ok": all(r.ok for r in results),
                          "checks": [{"check": r.name, "ok": r.ok, "problems": r.problems}
                                     for r in results]}, indent=2, ensure_ascii=False))
    else:
        for r in results:
            print(f"{'ok  ' if r.ok else 'FAIL'} {r.name}")
            for problem in r.problems:
                print(f"       {problem}")
    return 0 if all(r.ok for r in results) else 1


def cmd_audit_verify(args: argparse.Namespace, ctx: CliContext) -> int:
    """Walk the audit chain; exit 1 (a check failed) naming the first broken link."""
    from coliv_desktop.services import audit

    report = audit.verify_chain(ctx.db, ctx.actor)
    if args.json:
        broken = report.broken
        print(json.dumps({"ok": report.ok, "entries": report.entries, "head": report.head,
                          "broken": None if broken is None else {
                              "seq": broken.seq, "id": broken.id,
                              "occurred_at": broken.occurred_at.isoformat(),
                              "reason": broken.reason}}, indent=2, ensure_ascii=False))
    elif report.ok:
        print(f"ok: {report.describe()}")
    else:
        print(f"FAIL: {report.describe()}")
    return 0 if report.ok else 1


def cmd_audit(args: argparse.Namespace, ctx: CliContext) -> int:
    from coliv_desktop.services import history

    if args.check == "verify":
        return cmd_audit_verify(args, ctx)

    where = history.AuditFilter(who=args.by, entity_type=args.about, start=args.start,
                                end=args.end)
    if args.out:
        if not args.out.lower().endswith(".csv"):
            raise ValidationError("out", "the file name must end in .csv")
        written = history.export_audit_csv(ctx.db, ctx.actor, args.out, args.search or "", where)
        print(f"wrote {written} entr{'y' if written == 1 else 'ies'} to {args.out}")
        return 0
    rows = history.audit_entries(ctx.db, ctx.actor, args.search or "", entity_id=args.entity,
                                 where=where, limit=args.limit)
    if args.json:
        print(json.dumps([{"occurred_at": r.occurred_at.isoformat(), "actor": r.actor_name,
                           "action": r.action, "entity_type": r.entity_type,
                           "entity_id": r.entity_id, "summary": r.summary,
                           "changes": r.changes} for r in rows],
                         indent=2, ensure_ascii=False))
        return 0
    for r in rows:
        print(f"{r.occurred_at.astimezone():%Y-%m-%d %H:%M}  {r.actor_name:<10} "
              f"{r.action:<10} {r.entity_type:<12} {r.summary}")
    return 0


def register(commands: Any) -> None:
    p = commands.add_parser("export", help="write every table to a JSON file")
    p.add_argument("file")
    p.set_defaults(handler=cmd_export)
    p = commands.add_parser("import", help="load a JSON export into an empty database")
    p.add_argument("file")
    p.set_defaults(handler=cmd_import)
    p = commands.add_parser("transfer", help="copy the whole database to another (empty) one")
    p.add_argument("--to", required=True, metavar="URL")
    p.set_defaults(handler=cmd_transfer, field_options={"db_url": ("to",)})

    p = commands.add_parser("audit", help="the audit log, newest first; `coliv audit verify` "
                                          "checks its hash chain (exit 1 naming the first "
                                          "broken link)")
    p.add_argument("check", nargs="?", choices=["verify"],
                   help="verify: check that no entry was changed, removed or put in behind "
                        "the app's back")
    p.add_argument("--search", help="text in the summary, who, the action or the kind of thing")
    p.add_argument("--entity", help="only the entries about this id")
    p.add_argument("--by", metavar="NAME", help="only what this person did (as the log names "
                                               "them)")
    p.add_argument("--about", metavar="KIND", help="only entries about this kind of thing "
                                                  "(property, unit, room, tenant, lease, "
                                                  "payment, user, ...)")
    p.add_argument("--from", dest="start", type=_day, help="YYYY-MM-DD, the first day")
    p.add_argument("--to", dest="end", type=_day, help="YYYY-MM-DD, the last day")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", metavar="FILE.csv",
                   help="every matching entry (no --limit) into a CSV file")
    p.set_defaults(handler=cmd_audit, field_options={"end": ("to",), "start": ("from",)})

    db = commands.add_parser("db", help="database connection and maintenance").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = db.add_parser("set-password", help="store a PostgreSQL password in the OS keychain")
    p.add_argument("url")
    p.add_argument("--password-stdin", action="store_true", help="read it from standard input")
    p.set_defaults(handler=cmd_set_password, field_options={"db_url": ("url",)})
    p = db.add_parser("ping", help="test the connection to a PostgreSQL server; exit 8 with "
                                   "the reason (unreachable, refused, authentication, database "
                                   "missing, SSL) when it cannot be used")
    p.add_argument("url", nargs="?", help="the server's URL (default: --db)")
    p.add_argument("--sslmode", choices=("disable", "prefer", "require", "verify-full"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_ping, field_options={"db_url": ("url",)})
    p = db.add_parser("status", help="which database, which schema revision, where backups go")
    p.set_defaults(handler=cmd_status)
    p = db.add_parser("backup", help="back up now (SQLite: a copy of the file; PostgreSQL: "
                                     "every table as JSON), into the backups folder or --to "
                                     "FILE; the copy is checked right after it is written")
    p.add_argument("--to", metavar="FILE", help="write the backup to this file instead")
    p.set_defaults(handler=cmd_backup)
    p = db.add_parser("harden", help="PostgreSQL: create the least-privilege roles the desks "
                                     "connect as (no UPDATE or DELETE on the audit log, no "
                                     "schema changes); run as the owner, again after upgrades")
    p.add_argument("--app-role", default="coliv_app", help="the desks' login (default "
                                                           "coliv_app)")
    p.add_argument("--read-only-role", default="coliv_readonly",
                   help="a login that only reads (default coliv_readonly)")
    p.add_argument("--password-stdin", action="store_true",
                   help="set the app role's password, read from standard input")
    p.set_defaults(handler=cmd_harden)
    p = db.add_parser("backups", help="the backups of this database file, newest first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_backups)
    p = db.add_parser("restore", help="put a backup in place of this database file (the file "
                                      "as it was is kept as a before-restore backup)")
    p.add_argument("file", help="a backup (see `coliv db backups`)")
    p.set_defaults(handler=cmd_restore, field_options={"backup": ("file",)})
    p = db.add_parser("check", help="verify the books, every foreign key and the audit log's "
                                    "hash chain (read only); exit 1 when a check fails")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_check)
