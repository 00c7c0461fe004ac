"""The typed errors every layer shares.

Services raise them, the GUI shows them next to a field or in a dialog, the CLI prints them on
stderr and exits non-zero. Each carries enough to say *what* is wrong and *where*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class ColivError(Exception):
    """Base of every error a person is meant to read."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(ColivError):
    """Bad input. `field` names the offending field (a schema field name, `rooms[2].rent`, ...)."""

    exit_code = 2

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.detail = message


class NeedsConfirmation(ValidationError):
    """Allowed, but unusual enough that a person must say yes first (a lease starting years
    back, money dated before the book's first lease, a room whose match is a dealbreaker).

    Services raise it unless called with `force=True`; the GUI asks with `message` and calls
    again with `force=True`, the CLI wants `--force`. A forced call records what was overridden
    in the audit log (`forced` in the entry's changes).
    """


class NotFoundError(ColivError):
    exit_code = 3

    def __init__(self, entity: str, ident: object) -> None:
        super().__init__(f"{entity} {ident} not found")
        self.entity = entity
        self.ident = ident


class ConflictError(ColivError):
    """The request contradicts what is stored: a double booking, a duplicate, a stale edit."""

    exit_code = 4


class PermissionDeniedError(ColivError):
    exit_code = 5


class FileProblem(ColivError):
    """A file or folder that cannot be read or written: names the path and the reason."""

    exit_code = 6

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class DatabaseVersionError(ColivError):
    """The database was written by a newer CoLiv than this one."""

    exit_code = 7


class UnknownReference(ValidationError):
    """An id given in the input names nothing (`payment add --lease <unknown>`): reported on
    its field like any bad input, and counted as "not found" (exit 3), like an unknown id
    given as the subject of a command (`lease end <unknown>`)."""

    exit_code = NotFoundError.exit_code


class ReadOnlyDatabase(PermissionDeniedError):
    """The database was opened read-only (its file or folder cannot be written): viewing and
    reading work, every write is refused with this one sentence."""

    def __init__(self, where: object) -> None:
        super().__init__(f"{where} is open read-only (its file or folder cannot be written), "
                         "so nothing was changed")
        self.where = where


@dataclass(frozen=True)
class WriterInfo:
    """Who holds a book's writer lock, as written in its lock file: the login name, the
    machine, the process id, since when (UTC) and which program (`coliv rent run`, the app)."""

    user: str
    machine: str
    pid: int
    since: datetime | None
    program: str

    def describe(self) -> str:
        since = f" since {self.since.astimezone():%Y-%m-%d %H:%M:%S}" if self.since else ""
        return (f"{self.program} run by {self.user} on {self.machine} "
                f"(process {self.pid}){since}")


class BookInUse(PermissionDeniedError):
    """Another process writes this SQLite book (it holds the writer lock): one writer per
    file. `holder` names it (None when its lock file says nothing readable). Reading still
    works; the app offers to open the book read-only."""

    def __init__(self, where: object, holder: WriterInfo | None) -> None:
        who = holder.describe() if holder else "another CoLiv process"
        super().__init__(f"{where} is being written by {who}; nothing was changed. Close it "
                         "there first (reading commands and a read-only window still work)")
        self.where = where
        self.holder = holder


class DatabaseUnavailable(ColivError):
    """The database cannot be used at all: the server does not answer or refuses the login,
    the file cannot be opened, or it is not a CoLiv database."""

    exit_code = 8


class SignInRefused(PermissionDeniedError):
    """A sign-in that did not succeed (exit 5). The subclasses say why, so the sign-in dialog
    can show the lock's end or ask for the authenticator code."""


class WrongPassword(SignInRefused):
    """A wrong name, password or authenticator code: one message for all, so a refusal does
    not tell a guesser which names exist."""

    def __init__(self, name: str) -> None:
        super().__init__(f"cannot sign in as {name!r}: wrong name or password")
        self.name = name


class AccountLocked(SignInRefused):
    """Too many failed sign-ins: refused until `until` (UTC), even with the right password."""

    def __init__(self, name: str, until: datetime, *, just_now: bool = False) -> None:
        start = "wrong name or password; after 5 failed attempts " if just_now else ""
        super().__init__(f"cannot sign in as {name!r}: {start}the account is locked until "
                         f"{until.astimezone():%Y-%m-%d %H:%M} (an owner can unlock it sooner)")
        self.name = name
        self.until = until


class AccountDisabled(SignInRefused):
    def __init__(self, name: str, reason: str = "the account is disabled") -> None:
        super().__init__(f"cannot sign in as {name!r}: {reason}; ask an owner")
        self.name = name


class TotpRequired(SignInRefused):
    """The password was right and the account has a second factor: ask for the code."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name!r} signs in with an authenticator code too; give it")
        self.name = name


class SignInRequired(SignInRefused):
    """The book has passwords, and nobody signed in."""

    def __init__(self, hint: str = "sign in first") -> None:
        super().__init__(f"this book needs a sign-in: {hint}")
