"""`coliv document attach|list|get|delete`: files attached to a record (services.attachments)."""

from __future__ import annotations

import argparse
import json
import uuid
from typing import TYPE_CHECKING, Any

from coliv_desktop.cli.portfolio import _id
from coliv_desktop.db.models.documents import OWNER_KINDS
from coliv_desktop.services import attachments

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext

# The service names the file's problems on these fields; the command has FILE.
_FIELDS = {"file_name": ("file",), "owner_kind": ("to",), "owner_id": ("to",)}


def _owner(text: str) -> tuple[str, uuid.UUID]:
    """`KIND:ID` (`tenant:3f2a...`)."""
    kind, sep, ident = text.partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in OWNER_KINDS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not KIND:ID (KIND one of {', '.join(OWNER_KINDS)})")
    return kind, _id(ident.strip())


def cmd_attach(args: argparse.Namespace, ctx: CliContext) -> None:
    kind, owner_id = args.to
    doc = attachments.attach_file(ctx.db, ctx.actor, kind, owner_id, args.file)
    print(f"attached {doc.name} ({doc.size} bytes, {doc.content_type}) to {kind} {owner_id}")
    print(doc.id)


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> None:
    kind, owner_id = args.to
    docs = attachments.list_documents(ctx.db, ctx.actor, kind, owner_id)
    if args.json:
        print(json.dumps([{"id": str(d.id), "name": d.name, "content_type": d.content_type,
                           "size": d.size, "sha256": d.sha256,
                           "created_at": d.created_at.isoformat(),
                           "uploaded_by": d.uploaded_by} for d in docs],
                         indent=2, ensure_ascii=False))
        return
    if not docs:
        print(f"no documents attached to {kind} {owner_id}")
    for d in docs:
        print(f"{d.id}  {d.created_at:%Y-%m-%d}  {d.size:>10}  {d.name}")


def cmd_get(args: argparse.Namespace, ctx: CliContext) -> None:
    path = attachments.save_document(ctx.db, ctx.actor, args.document, args.out)
    print(f"wrote {path}")


def cmd_delete(args: argparse.Namespace, ctx: CliContext) -> None:
    attachments.delete_document(ctx.db, ctx.actor, args.document)
    print(f"deleted document {args.document}")


def register(commands: Any) -> None:
    from coliv_desktop.cli import READS

    to_help = f"the record: KIND:ID, KIND one of {', '.join(OWNER_KINDS)}"
    group = commands.add_parser("document", help="files attached to tenants, leases, "
                                "properties, maintenance requests and conflicts"
                                ).add_subparsers(dest="action", metavar="ACTION", required=True)
    p = group.add_parser("attach", help="attach a file to a record; prints its id")
    p.add_argument("--to", required=True, type=_owner, metavar="KIND:ID", help=to_help)
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=cmd_attach, field_options=_FIELDS)
    p = group.add_parser("list", help="the documents of a record (never their content)")
    p.add_argument("--to", required=True, type=_owner, metavar="KIND:ID", help=to_help)
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(handler=cmd_list, field_options=_FIELDS)
    p = group.add_parser("get", help="write a document's file")
    p.add_argument("document", type=_id, metavar="ID")
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(handler=cmd_get)
    p = group.add_parser("delete", help="delete a document (the audit log keeps its name, "
                                        "size and hash)")
    p.add_argument("document", type=_id, metavar="ID")
    p.set_defaults(handler=cmd_delete)
    # Reading commands run while another process writes the book (cli.READS).
    for words in (("document", "list"), ("document", "get")):
        READS[words] = lambda _args: True
