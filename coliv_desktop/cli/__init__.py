"""The `coliv` command line: the same services the GUI uses, for scripts and headless work.

Contract: a global `--db URL`; each `add` prints the new id on its last line; errors go to
stderr, name the field, exit non-zero and change nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coliv_desktop import __version__, config
from coliv_desktop.domain.errors import ColivError, NeedsConfirmation
from coliv_desktop.domain.money import MoneyFormat, reset_money_format, set_money_format

if TYPE_CHECKING:  # `coliv` without a command starts the window before these load
    from sqlalchemy.engine import URL

    from coliv_desktop.db.engine import Database
    from coliv_desktop.services.context import Actor

Handler = Callable[[argparse.Namespace, "CliContext"], int | None]


@dataclass
class CliContext:
    """Opens the database on first use, so `--help` and argument errors never touch it."""

    db_url: str | None
    _db: Database | None = field(default=None, init=False)
    _actor: Actor | None = field(default=None, init=False)

    @property
    def url(self) -> URL:
        return config.resolve_db_url(self.db_url)

    @property
    def db(self) -> Database:
        if self._db is None:
            from coliv_desktop.db.migrate import open_database

            self._db = open_database(self.url, progress=lambda msg: print(msg, file=sys.stderr))
        return self._db

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            from coliv_desktop.services.context import local_actor

            self._actor = local_actor(self.db)
        return self._actor

    def money_format(self) -> MoneyFormat:
        """The book's money format: amounts in flags are typed the way the book writes them.
        Asked for when the first amount is parsed (opening the book then), so commands that
        parse none never open it for this."""
        from coliv_desktop.services.settings import book_money_format

        return book_money_format(self.db)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None


def build_parser() -> argparse.ArgumentParser:
    from coliv_desktop.cli import applications, data, ledger, portfolio, settings

    parser = argparse.ArgumentParser(
        prog="coliv",
        description="CoLiv Desktop: rooms, tenants, leases and rent books for co-living operators. "
        "Without a command, the desktop app starts.",
    )
    parser.add_argument("--version", action="version", version=f"CoLiv Desktop {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database to use: sqlite:///FILE or postgresql://USER@HOST/DB "
        f"(default: ${config.DB_URL_ENV}, else the per-user file)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="FILE.png",
        help="render the window offscreen at 1280x800 after the data has loaded, save the "
        "PNG and exit",
    )
    parser.add_argument(
        "--pane",
        default="dashboard",
        metavar="NAME",
        help="with --screenshot: the pane to render (dashboard, tree, tenants, leases, "
        "turnover, ...)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (portfolio, data, ledger, applications, settings):
        module.register(commands)
    return parser


def _desktop(args: argparse.Namespace) -> int:
    """No subcommand: the desktop window (or, with --screenshot, a picture of it)."""
    try:
        if args.screenshot:
            from coliv_desktop.ui.screenshot import screenshot

            return screenshot(args.db, args.screenshot, args.pane)
        from coliv_desktop.ui.app import run

        return run(args.db)
    except ColivError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def _window_options(argv: Sequence[str]) -> argparse.Namespace | None:
    """`coliv [--db URL] [--screenshot FILE --pane NAME]` with no command: the options, read
    without building the full parser (whose command modules load the services), so the window
    appears sooner. None when there is a command, a help or a version request."""
    quick = argparse.ArgumentParser(add_help=False)
    quick.add_argument("--db")
    quick.add_argument("--screenshot")
    quick.add_argument("--pane", default="dashboard")
    try:
        args, rest = quick.parse_known_args(argv)
    except SystemExit:  # let the full parser say what is wrong
        return None
    return None if rest else args


def _warn_if_unnamed(args: argparse.Namespace, ctx: CliContext) -> None:
    """A PDF was printed with the stand-in letterhead: say so in one line (it is printed)."""
    out = getattr(args, "out", None)
    if not out or str(out).lower().endswith(".csv"):
        return
    from coliv_desktop.services import printing

    if not printing.profile_is_set(ctx.db):
        print(f"warning: {printing.UNNAMED_WARNING}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    window = _window_options(sys.argv[1:] if argv is None else list(argv))
    if window is not None:
        return _desktop(window)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        return _desktop(args)
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    ctx = CliContext(args.db)
    fmt_token = set_money_format(ctx.money_format)
    try:
        code = handler(args, ctx) or 0
        if code == 0 and getattr(args, "prints_document", False):
            _warn_if_unnamed(args, ctx)
        return code
    except ColivError as exc:
        go_ahead = "; add --force to go ahead" if isinstance(exc, NeedsConfirmation) else ""
        print(f"error: {exc}{go_ahead}", file=sys.stderr)
        return exc.exit_code
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        print(f"error: cannot use the database {config.display_url(ctx.url)}: {reason}",
              file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"error: the database refused the operation: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing was changed by the unfinished step", file=sys.stderr)
        return 130
    finally:
        reset_money_format(fmt_token)
        ctx.close()
