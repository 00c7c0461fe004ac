"""`coliv user ...`: the people who sign in, their roles, passwords, locks and properties; and
the desk's sign-in behind the global `--user NAME`.

Passwords never travel as arguments (they would show in `ps` and the shell's history): the
signing-in user's comes from $COLIV_PASSWORD or a prompt, a new or reset one from
$COLIV_NEW_PASSWORD or a prompt (typed twice), an authenticator code from $COLIV_TOTP or a
prompt.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from coliv_desktop.domain.errors import SignInRequired, TotpRequired, ValidationError
from coliv_desktop.schemas.users import UserOut
from coliv_desktop.services import users
from coliv_desktop.services.context import ROLES

if TYPE_CHECKING:
    from coliv_desktop.cli import CliContext
    from coliv_desktop.db.engine import Database
    from coliv_desktop.services.context import Actor

PASSWORD_ENV = "COLIV_PASSWORD"
NEW_PASSWORD_ENV = "COLIV_NEW_PASSWORD"
TOTP_ENV = "COLIV_TOTP"


def _interactive() -> bool:
    return sys.stdin.isatty()


def sign_in_desk(db: Database, name: str | None) -> Actor | None:
    """The actor for this command: None (the book's owner, as before) in a book without
    passwords and no `--user`; else `name` signed in. Refused (exit 5) without `--user` once a
    password exists, or when the sign-in is refused."""
    if not users.needs_sign_in(db):
        return None if name is None else users.sign_in(db, name, "")
    if name is None:
        raise SignInRequired(f"add --user NAME (the password from ${PASSWORD_ENV} or a prompt)")
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not _interactive():
            raise SignInRequired(f"--user {name}: no password: set ${PASSWORD_ENV} or run in "
                                 "a terminal to be asked")
        password = getpass.getpass(f"Password for {name}: ")
    code = os.environ.get(TOTP_ENV)
    try:
        return users.sign_in(db, name, password, code)
    except TotpRequired:
        if code is not None or not _interactive():
            raise
        return users.sign_in(db, name, password, input("Authenticator code: "))


def _new_password(field: str = "password") -> str:
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is not None:
        return password
    if not _interactive():
        raise ValidationError(field, f"no new password: set ${NEW_PASSWORD_ENV} or run in a "
                                     "terminal to be asked")
    first = getpass.getpass("New password: ")
    users.check_password_rules(first, field)  # say so before asking again
    if getpass.getpass("Again: ") != first:
        raise ValidationError(field, "the two passwords differ")
    return first


def _row(u: UserOut) -> dict[str, Any]:
    return {"id": str(u.id), "name": u.name, "email": u.email, "role": u.role,
            "active": u.active, "has_password": u.has_password, "totp": u.totp,
            "failed_attempts": u.failed_attempts,
            "locked_until": u.locked_until.isoformat() if u.locked_until else None,
            "property_ids": None if u.property_ids is None else [str(p) for p in u.property_ids]}


def _state(u: UserOut) -> str:
    flags = [] if u.active else ["disabled"]
    if u.locked_until is not None and u.locked_until > datetime.now(UTC):
        flags.append(f"locked until {u.locked_until.astimezone():%Y-%m-%d %H:%M}")
    if not u.has_password:
        flags.append("no password")
    if u.totp:
        flags.append("authenticator")
    if u.property_ids is not None:
        flags.append(f"{len(u.property_ids)} properties")
    return ", ".join(flags)


def cmd_user_add(args: argparse.Namespace, ctx: CliContext) -> None:
    ctx.actor.require("users.admin")  # refused before a password is asked for
    added = users.add_user(ctx.db, ctx.actor, args.name, args.role, _new_password(),
                           email=args.email)
    print(f"added {added.name} ({added.role})")
    print(added.id)


def cmd_user_list(args: argparse.Namespace, ctx: CliContext) -> None:
    found = users.list_users(ctx.db, ctx.actor)
    if args.json:
        print(json.dumps([_row(u) for u in found], indent=2, ensure_ascii=False))
        return
    width = max((len(u.name) for u in found), default=4)
    for u in found:
        print(f"{u.name:<{width}}  {u.role:<10}  {_state(u)}".rstrip())


def cmd_user_set_role(args: argparse.Namespace, ctx: CliContext) -> None:
    changed = users.set_role(ctx.db, ctx.actor, args.name, args.role)
    print(f"{changed.name} is now {changed.role}")


def cmd_user_disable(args: argparse.Namespace, ctx: CliContext) -> None:
    changed = users.set_active(ctx.db, ctx.actor, args.name, False)
    print(f"{changed.name} is disabled")


def cmd_user_enable(args: argparse.Namespace, ctx: CliContext) -> None:
    changed = users.set_active(ctx.db, ctx.actor, args.name, True)
    print(f"{changed.name} is enabled")


def cmd_user_reset_password(args: argparse.Namespace, ctx: CliContext) -> None:
    ctx.actor.require("users.admin")
    changed = users.reset_password(ctx.db, ctx.actor, args.name, _new_password())
    print(f"new password set for {changed.name}")


def cmd_user_unlock(args: argparse.Namespace, ctx: CliContext) -> None:
    changed = users.unlock(ctx.db, ctx.actor, args.name)
    print(f"{changed.name} is unlocked")


def cmd_user_limit(args: argparse.Namespace, ctx: CliContext) -> None:
    if args.all == bool(args.property):
        raise ValidationError("property", "give --property ID (repeatable) or --all")
    ids: list[uuid.UUID] = []
    for raw in args.property or ():
        try:
            ids.append(uuid.UUID(raw))
        except ValueError:
            raise ValidationError("property", f"{raw!r} is not an id") from None
    changed = users.set_properties(ctx.db, ctx.actor, args.name, None if args.all else ids)
    scope = "every property" if changed.property_ids is None else \
        f"{len(changed.property_ids)} properties"
    print(f"{changed.name} sees {scope}")


def cmd_user_totp_enrol(args: argparse.Namespace, ctx: CliContext) -> None:
    """Print the secret and URI, then ask for a code from the authenticator to confirm."""
    enrolment = users.enrol_totp(ctx.db, ctx.actor, args.name)
    print(f"secret: {enrolment.secret}")
    print(f"uri:    {enrolment.uri}")
    code = os.environ.get(TOTP_ENV)
    if code is None:
        if not _interactive():
            raise ValidationError("code", f"no code to confirm: set ${TOTP_ENV} or run in a "
                                          "terminal")
        code = input("Code shown by the authenticator: ")
    users.confirm_totp(ctx.db, ctx.actor, args.name, enrolment.secret, code)
    print(f"{args.name} now signs in with an authenticator code too")


def register(commands: Any) -> None:
    group = commands.add_parser(
        "user", help="people who sign in: roles, passwords, locks, properties (owners)",
        description="Users and sign-in. A book needs no sign-in until the first password is "
        "set, which must be an owner's; from then on every command needs --user NAME. "
        f"New passwords come from ${NEW_PASSWORD_ENV} or a prompt and need 8+ characters, "
        "upper and lower case and a digit.")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    roles = {"choices": ROLES, "metavar": "ROLE",
             "help": f"one of {', '.join(ROLES)}"}

    p = actions.add_parser("add", help="add a user with a password")
    p.add_argument("--name", required=True, help="the name they sign in with")
    p.add_argument("--role", required=True, **roles)
    p.add_argument("--email", help="their email (optional)")
    p.set_defaults(handler=cmd_user_add)

    p = actions.add_parser("list", help="every user, their role and state")
    p.add_argument("--json", action="store_true", help="as a JSON list")
    p.set_defaults(handler=cmd_user_list)

    p = actions.add_parser("set-role", help="change a user's role")
    p.add_argument("name", metavar="NAME")
    p.add_argument("role", **roles)
    p.set_defaults(handler=cmd_user_set_role)

    for name, handler, text in (
            ("disable", cmd_user_disable, "stop a user signing in (their history stays)"),
            ("enable", cmd_user_enable, "let a disabled user sign in again"),
            ("reset-password", cmd_user_reset_password,
             "set a user's password (also lifts a lock)"),
            ("unlock", cmd_user_unlock, "lift a lock after failed sign-ins"),
            ("totp", cmd_user_totp_enrol,
             "enrol an authenticator app (prints the secret and otpauth:// URI)")):
        p = actions.add_parser(name, help=text)
        p.add_argument("name", metavar="NAME")
        p.set_defaults(handler=handler)

    p = actions.add_parser("limit", help="limit a user to some properties (or --all)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--property", action="append", metavar="ID",
                   help="a property they look after (repeat for several)")
    p.add_argument("--all", action="store_true", help="every property (no limit)")
    p.set_defaults(handler=cmd_user_limit)
