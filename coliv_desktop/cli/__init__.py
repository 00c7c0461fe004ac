"""The `coliv` command line: the same services the GUI uses, for scripts and headless work.

Contract: a global `--db URL`; each `add` prints the new id on its last line; an error is one
line on stderr naming the option as typed (`--rent: must not be negative`), changes nothing,
and exits with the code of its kind, the same for every command:

    0  done                       5  not allowed (the role, or a database open read-only)
    1  `db check` found a problem, 6  a file or folder that cannot be read or written
       or an unexpected error      7  the database was written by a newer CoLiv
       (details in the log)        8  the database cannot be reached or used
    2  invalid input (a bad value, a missing option, or one that needs --force)
    3  not found (an id that names nothing)
    4  conflict (a bed already let, a change by someone else meanwhile)
  130  interrupted               141  the output was closed (`coliv ... | head`)

Notices that do not concern the command (no OS keychain on this machine, ...) go to the log
file, not to stderr.
"""

from __future__ import annotations

import argparse
import decimal
import io
import logging
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from coliv_desktop import __version__, config
from coliv_desktop.domain.errors import ColivError, NeedsConfirmation, ValidationError
from coliv_desktop.domain.money import MoneyFormat, reset_money_format, set_money_format

if TYPE_CHECKING:  # `coliv` without a command starts the window before these load
    from sqlalchemy.engine import URL

    from coliv_desktop.db.engine import Database
    from coliv_desktop.db.writer_lock import WriterLock
    from coliv_desktop.services.context import Actor

Handler = Callable[[argparse.Namespace, "CliContext"], int | None]
log = logging.getLogger("coliv")

EXIT_UNEXPECTED = 1
EXIT_INVALID = ValidationError.exit_code
EXIT_INTERRUPTED = 130
EXIT_OUTPUT_CLOSED = 141  # as a shell reports a command stopped by SIGPIPE (`coliv ... | head`)
MAX_MESSAGE = 1000  # characters of an error line (a 10 kB value quoted back is cut short)


class Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line, worded like every other error."""

    def error(self, message: str) -> NoReturn:
        text = message.removeprefix("argument ")
        self.exit(EXIT_INVALID, f"error: {one_line(text)} (see `{self.prog} --help`)\n")


# Commands that only read the book (a predicate: only with these options). Every other command
# writes: it takes the SQLite book's writer lock when it opens the book and holds it until it
# ends, and is refused (exit 5, naming the holder) while another process holds it; these run
# meanwhile. A new command writes until it is listed here.
READS: dict[tuple[str, ...], Callable[[argparse.Namespace], bool]] = {
    words: (lambda _args: True) for words in [
        ("property", "list"), ("unit", "list"), ("room", "list"), ("tenant", "list"),
        ("lease", "list"), ("dashboard",), ("export",), ("audit",), ("db", "set-password"),
        ("db", "ping"), ("db", "status"), ("db", "backup"), ("db", "backups"), ("db", "check"),
        ("utility", "list"), ("receipt",), ("lease-pdf",), ("statement",), ("ledger",),
        ("report", "collection"), ("report", "aging"), ("report", "rent-roll"),
        ("report", "income"), ("reminders", "list"), ("application", "list"),
        ("application", "show"), ("settings", "show"), ("tenant", "private"),
    ]
}
READS[("match",)] = lambda args: bool(args.stored)  # scoring stores the scores
READS[("plan",)] = lambda args: not args.approve
READS[("utility", "add")] = lambda args: bool(args.preview)


def command_words(args: argparse.Namespace) -> tuple[str, ...]:
    """The words of the command being run (`("rent", "run")`), from its parser's name."""
    command: argparse.ArgumentParser | None = getattr(args, "cli_parser", None)
    return tuple(command.prog.split()[1:]) if command is not None else ()


def writes(args: argparse.Namespace) -> bool:
    """Whether the command (with these options) may write the book."""
    reads = READS.get(command_words(args))
    return reads is None or not reads(args)


@dataclass
class CliContext:
    """Opens the database on first use, so `--help` and argument errors never touch it.
    `create`: the command may create a new SQLite file (`init`, `demo`); any other refuses a
    file that does not exist. `writer`: the command writes (`coliv rent run`, named so in the
    lock file): opening a SQLite book takes its writer lock, held until `release()` (after
    `close()`, which a restore calls before it replaces the file)."""

    db_url: str | None
    create: bool = False
    writer: str | None = None
    user: str | None = None  # `--user NAME`: sign in as NAME (cli.users.sign_in_desk)
    _db: Database | None = field(default=None, init=False)
    _actor: Actor | None = field(default=None, init=False)
    _lock: WriterLock | None = field(default=None, init=False)

    @property
    def url(self) -> URL:
        return config.resolve_db_url(self.db_url)

    @property
    def db(self) -> Database:
        if self._db is None:
            from coliv_desktop.db.migrate import open_database

            self._db = open_database(self.url, create=self.create, progress=progress,
                                     writer=self.writer)
            if self._db.writer_lock is not None and self._lock is None:
                from coliv_desktop.db import writer_lock

                path = config.sqlite_path(self.url)
                assert path is not None
                self._lock = writer_lock.acquire(path, self.writer or "coliv")  # one more hold
            from coliv_desktop.cli.users import sign_in_desk

            # Before any command reads or writes: once a user has a password, no command
            # runs without one (a refusal exits 5 having changed nothing but the count).
            self._actor = sign_in_desk(self._db, self.user)
        return self._db

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            from coliv_desktop.services.context import local_actor

            db = self.db  # signs in, when `--user` was given
            self._actor = self._actor or local_actor(db)
        return self._actor

    def money_format(self) -> MoneyFormat:
        """The book's money format: amounts in flags are typed the way the book writes them.
        Asked for when the first amount is parsed (opening the book then), so commands that
        parse none never open it for this."""
        from coliv_desktop.services.settings import book_money_format

        return book_money_format(self.db, self.actor)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None

    def release(self) -> None:
        """Let go of the book's writer lock, when the command is over."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def progress(message: str) -> None:
    """What a long step is doing (an upgrade and its backup): in the log, and on the terminal
    when a person watches it; a script's stderr keeps only the one line of an error."""
    log.info("%s", message)
    if sys.stderr.isatty():
        print(message, file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    from coliv_desktop.cli import (
        applications,
        attachments,
        bank,
        community,
        data,
        expenses,
        journals,
        ledger,
        maintenance,
        portfolio,
        protection,
        settings,
        sheets,
        users,
    )

    parser = Parser(
        prog="coliv",
        description="CoLiv Desktop: rooms, tenants, leases and rent books for co-living operators. "
        "Without a command, the desktop app starts.",
        epilog="Exit codes: 0 done, 1 a check failed or an unexpected error, 2 invalid input, "
        "3 not found, 4 conflict, 5 not allowed (or read-only), 6 file cannot be read or "
        "written, 7 database from a newer CoLiv, 8 database cannot be reached or used.",
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
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="sign in as NAME (needed once any user has a password); the password from "
        "$COLIV_PASSWORD, else a prompt, and an authenticator code from $COLIV_TOTP",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (portfolio, data, ledger, applications, settings, users, protection,
                   maintenance, community, attachments, expenses, bank, sheets, journals):
        module.register(commands)
    for leaf in command_parsers(parser).values():
        leaf.set_defaults(cli_parser=leaf)  # to name the options in its error messages
    return parser


def command_parsers(parser: argparse.ArgumentParser) -> dict[tuple[str, ...], Parser]:
    """Every command's own parser, by its words (`("lease", "add")`), walking the tree."""
    found: dict[tuple[str, ...], Parser] = {}

    def walk(node: argparse.ArgumentParser, words: tuple[str, ...]) -> None:
        groups = [a for a in node._actions if isinstance(a, argparse._SubParsersAction)]
        if not groups and words:
            assert isinstance(node, Parser)
            found[words] = node
        for group in groups:
            for name, child in group.choices.items():
                walk(child, (*words, name))

    walk(parser, ())
    return found


# --- errors, worded for the command line --------------------------------------------------------

# Where a schema's field is set from an option of another name (the services name the field).
# Only options the command has are used; `X_id` -> `--X` and same-named options need no entry.
FIELD_OPTIONS: dict[str, tuple[str, ...]] = {
    "db_url": ("db",),
    "rent_amount": ("rent",),
    "deposit_amount": ("deposit",),
    "lease_start": ("start",),
    "lease_end": ("end",),
    "new_end": ("end",),
    "unit_number": ("number",),
    "room_number": ("number",),
    "square_feet": ("sqft",),
    "room_type": ("type",),
    "has_private_bath": ("private_bath",),
    "available_date": ("available_from",),
    "move_out_date": ("date",),
    "transfer_date": ("date",),
    "received_on": ("date",),
    "decided_on": ("date",),
    "due_date": ("due",),
    "period_start": ("start",),
    "period_end": ("end",),
    "percentages": ("percent",),
    "deductions": ("deduct",),
    "apply_to_balance": ("deductions_only",),
    "move_in_date": ("move_in",),
    "lease_length_months": ("lease_months",),
    "compatibility_profile": ("profile",),
}


def option_name(field_path: str, args: argparse.Namespace, root: argparse.ArgumentParser
                ) -> str:
    """The option a field came from, as typed: `rent_amount` -> `--rent`, `deductions[0].
    amount` -> `--deduct #1 amount`; the field itself when no option of the command sets it."""
    cut = min((i for i in (field_path.find("."), field_path.find("[")) if i >= 0),
              default=len(field_path))
    head, rest = field_path[:cut], field_path[cut:]
    command: argparse.ArgumentParser | None = getattr(args, "cli_parser", None)
    actions = {a.dest: a for a in [*(command._actions if command else []), *root._actions]
               if a.dest not in (argparse.SUPPRESS, "help")}
    candidates = [*getattr(args, "field_options", {}).get(head, ()), head,
                  *FIELD_OPTIONS.get(head, ()), head.removesuffix("_id")]
    action = next((actions[c] for c in candidates if c in actions), None)
    if action is None:
        return field_path
    shown = max(action.option_strings, key=len) if action.option_strings else \
        str(action.metavar or action.dest)
    return shown + _rest(rest)


def _rest(rest: str) -> str:
    """`[0].amount` -> ` #1 amount`; `.cleanliness` -> ` cleanliness`."""
    out = ""
    while rest:
        if rest.startswith("["):
            index, _, rest = rest[1:].partition("]")
            out += f" #{int(index) + 1}" if index.isdigit() else f" {index}"
        else:
            name = rest.lstrip(".")
            cut = name.find("[")
            part, rest = (name, "") if cut < 0 else (name[:cut], name[cut:])
            out += f" {part}"
    return out


def describe(exc: ColivError, args: argparse.Namespace, root: argparse.ArgumentParser) -> str:
    """The error line for `exc`: a field named by its option, a confirmation with --force."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    text = f"{option_name(exc.field, args, root)}: {exc.detail}"
    command = getattr(args, "cli_parser", None)
    if isinstance(exc, NeedsConfirmation) and command is not None and any(
            "--force" in a.option_strings for a in command._actions):
        text += " (add --force to go ahead)"
    return text


def one_line(text: str) -> str:
    """One line, safe for a terminal: line breaks become spaces, other control and
    direction-changing characters are shown as escapes, and a long text is cut short."""
    out = []
    for ch in " ".join(text.splitlines()):
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
        else:
            out.append(ch)
    line = "".join(out)
    return line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE - 1] + "…"


def fail(message: str, code: int) -> int:
    print(f"error: {one_line(message)}", file=sys.stderr)
    return code


# --- logging: the log file, never the terminal -------------------------------------------------

class _LogFile(logging.Handler):
    """The app's log file (`config.log_file()`, as the environment says now), opened on the
    first record: a command that logs nothing creates no file, and one that cannot be opened
    (a read-only data folder) drops the records rather than print them over the output."""

    def __init__(self) -> None:
        super().__init__()
        self._path: Path | None = None
        self._target: logging.Handler = logging.NullHandler()

    def emit(self, record: logging.LogRecord) -> None:
        path = config.log_file()
        if path != self._path:
            from coliv_desktop.files import PrivateRotatingFileHandler

            self._target.close()
            self._path = path
            try:
                self._target = PrivateRotatingFileHandler(path, maxBytes=1_000_000,
                                                          backupCount=3, encoding="utf-8")
                self._target.setFormatter(logging.Formatter(
                    "%(asctime)s %(levelname)s [coliv cli] %(name)s: %(message)s"))
            except OSError:
                self._target = logging.NullHandler()
        self._target.handle(record)

    def close(self) -> None:
        self._target.close()
        super().close()


def log_to_file() -> None:
    """Send the app's notices and Python's warnings to the log file, not to the terminal."""
    logging.captureWarnings(True)
    for name in ("coliv", "py.warnings"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, _LogFile) for h in logger.handlers):
            logger.addHandler(_LogFile())
        logger.propagate = False
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)


# --- the entry point ---------------------------------------------------------------------------

def _desktop(args: argparse.Namespace) -> int:
    """No subcommand: the desktop window (or, with --screenshot, a picture of it)."""
    if args.db is not None and not args.db.strip():
        return fail("--db: is empty; give a database URL, or leave the option out to use "
                    "the default database", EXIT_INVALID)
    try:
        if args.screenshot:
            from coliv_desktop.ui.shell.screenshot import screenshot

            return screenshot(args.db, args.screenshot, args.pane, getattr(args, "user", None))
        from coliv_desktop.ui.shell.app import run

        return run(args.db)
    except ColivError as exc:
        return fail(str(exc), exc.exit_code)


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

    if not printing.profile_is_set(ctx.db, ctx.actor):
        print(f"warning: {printing.UNNAMED_WARNING}", file=sys.stderr)


def _not_text(argv: Sequence[str]) -> str | None:
    """What is wrong with an argument that is not text at all, or None: bytes the system
    could not decode (they arrive as lone surrogates), or a NUL character (which no real
    command line carries, and no file name may hold)."""
    for position, arg in enumerate(argv, start=1):
        if "\x00" in arg:
            return f"argument {position} holds a NUL character"
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return f"argument {position} is not valid text (it holds bytes that are not UTF-8)"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    broken = _not_text(arguments)
    if broken is not None:
        return fail(broken, EXIT_INVALID)
    window = _window_options(arguments)
    if window is not None:
        return _desktop(window)
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # --help, --version, or a usage error (printed on one line)
        return exc.code if isinstance(exc.code, int) else EXIT_INVALID
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        return _desktop(args)
    log_to_file()
    ctx = CliContext(args.db, create=getattr(args, "creates_database", False),
                     writer=" ".join(("coliv", *command_words(args))) if writes(args) else None,
                     user=args.user)
    try:
        return run_command(handler, args, ctx, parser)
    finally:
        ctx.close()
        ctx.release()


def run_command(handler: Handler, args: argparse.Namespace, ctx: CliContext,
                parser: argparse.ArgumentParser) -> int:
    """Run one command; every failure becomes one line on stderr and its kind's exit code."""
    from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

    fmt_token = set_money_format(ctx.money_format)
    try:
        code = handler(args, ctx) or 0
        if code == 0 and getattr(args, "prints_document", False):
            _warn_if_unnamed(args, ctx)
        return code
    except ColivError as exc:
        return fail(describe(exc, args, parser), exc.exit_code)
    except DataError as exc:  # a value the database's column cannot hold (PostgreSQL)
        return fail(f"the database refused a value: {_first_line(exc)}", EXIT_INVALID)
    except (OverflowError, decimal.InvalidOperation) as exc:
        # The same on SQLite (a 20-digit number), a date past 9999, or a number Decimal
        # cannot round to cents (1e309): bad input that slipped past its field's check.
        log.warning("A value out of range reached `coliv %s`", getattr(args, "command", ""),
                    exc_info=exc)
        return fail(f"a value is out of range ({type(exc).__name__})", EXIT_INVALID)
    except IntegrityError as exc:
        from coliv_desktop.services.errors import from_database_error

        problem = from_database_error(exc)
        return fail(str(problem), problem.exit_code)
    except DBAPIError as exc:  # the connection failed or the server went away
        from coliv_desktop.db.migrate import unavailable

        problem = unavailable(ctx.url, exc)
        return fail(str(problem), problem.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted; nothing was changed by the unfinished step", EXIT_INTERRUPTED)
    except BrokenPipeError:  # the reader of the output stopped reading (`| head`): not an error
        _discard_output()
        return EXIT_OUTPUT_CLOSED
    except Exception as exc:  # a bug: the details go to the log
        log.exception("Unexpected error in `coliv %s`", getattr(args, "command", ""))
        return fail(f"unexpected {type(exc).__name__}: {exc} (the details are in "
                    f"{config.log_file()})", EXIT_UNEXPECTED)
    finally:
        reset_money_format(fmt_token)


def _discard_output() -> None:
    """Point stdout at the null device, so flushing it at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
