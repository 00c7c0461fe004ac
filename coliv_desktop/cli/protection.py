"""`coliv tenant export|erase|private`, `coliv db recovery-sheet|recovery-key`: tenant data
protection (services.protection)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
from typing import TYPE_CHECKING, Any

from coliv_desktop.cli.applications import _subcommands
from coliv_desktop.cli.portfolio import _id
from coliv_desktop.cli.users import _interactive
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.services import protection

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext

RECOVERY_KEY_ENV = "COLIV_RECOVERY_KEY"


def cmd_tenant_export(args: argparse.Namespace, ctx: CliContext) -> None:
    path = protection.export_tenant(ctx.db, ctx.actor, args.tenant, args.out)
    print(f"wrote {path}")


def cmd_tenant_erase(args: argparse.Namespace, ctx: CliContext) -> None:
    tenant = protection.erase_tenant(ctx.db, ctx.actor, args.tenant, args.reason)
    print(f"erased the personal data of tenant {tenant.id}")


def cmd_tenant_private(args: argparse.Namespace, ctx: CliContext) -> None:
    found = protection.tenant_private(ctx.db, ctx.actor, args.tenant)
    print(json.dumps(found.model_dump(mode="json"), indent=2, ensure_ascii=False))


def cmd_recovery_sheet(args: argparse.Namespace, ctx: CliContext) -> None:
    path = protection.recovery_sheet_pdf(ctx.db, ctx.actor, args.out)
    print(f"wrote {path}: print it, keep it somewhere safe, then delete the file")


def cmd_recovery_key(args: argparse.Namespace, ctx: CliContext) -> None:
    key = os.environ.get(RECOVERY_KEY_ENV)
    if key is None:
        if not _interactive():
            raise ValidationError("key", f"no key: set ${RECOVERY_KEY_ENV} or run in a "
                                         "terminal to be asked")
        key = getpass.getpass("Key from the recovery sheet: ")
    book_id = protection.set_book_key(ctx.db, ctx.actor, key)
    print(f"the key of book {book_id} is now in this computer's keychain")


def register(commands: Any) -> None:
    tenant = _subcommands(commands, "tenant")
    p = tenant.add_parser("export", help="everything held about one tenant, as JSON in a zip")
    p.add_argument("tenant", type=_id)
    p.add_argument("--out", required=True, metavar="FILE.zip")
    p.set_defaults(handler=cmd_tenant_export)
    p = tenant.add_parser("erase", help="erase a tenant's personal data on request (the "
                                        "ledger's amounts and dates are kept)")
    p.add_argument("tenant", type=_id)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_tenant_erase)
    p = tenant.add_parser("private", help="a tenant's protected fields (ID number, bank "
                                          "details, emergency phone) as JSON")
    p.add_argument("tenant", type=_id)
    p.set_defaults(handler=cmd_tenant_private)

    db = _subcommands(commands, "db")
    p = db.add_parser("recovery-sheet", help="a PDF of the book's encryption key, to print "
                                             "and keep safe")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(handler=cmd_recovery_sheet)
    p = db.add_parser("recovery-key", help="put the book's key (from its recovery sheet) into "
                                           "this computer's keychain")
    p.add_argument("--set", action="store_true", required=True,
                   help=f"the key from ${RECOVERY_KEY_ENV}, else a prompt")
    p.set_defaults(handler=cmd_recovery_key)
