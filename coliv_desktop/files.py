"""Writing a file the operator asked for: whole or not at all, and a plain reason when not.

Everything CoLiv writes (the book, its backups, exports, logs) holds tenants' personal data,
so files are created readable by the user only (0600) and new folders 0700. On Windows the
modes mean little; the files sit in the user's profile, whose ACL already keeps others out.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging.handlers
import os
import tempfile
from pathlib import Path
from typing import Any

from coliv_desktop.domain.errors import FileProblem

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def expand(path: Path | str) -> Path:
    """`path` with a leading `~` or `~user` expanded; a `~name` that names no user here is
    a FileProblem (pathlib raises RuntimeError for it)."""
    raw = Path(path)
    try:
        return raw.expanduser()
    except RuntimeError:
        raise FileProblem(raw, f"{raw.parts[0]} names no user's home folder on this "
                               "machine") from None


def write_atomically(path: Path | str, data: bytes | str) -> Path:
    """Write `data` to `path` through a temporary file beside it, then rename it into place.

    A folder that cannot be written, a full disk or a name that is a folder raise FileProblem
    naming the path and the reason; no partial file is left behind (the previous file, if any,
    stays as it was).
    """
    target = expand(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp: str | None = None
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "is a folder, not a file name")
        make_folders(target.parent)
        handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                       suffix=".part")
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise FileProblem(target, _reason(exc)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return target


def check_writable(path: Path | str) -> Path:
    """Before work that a failed write would leave half done (a settlement, then its
    letter): a FileProblem now when `path` could not be written; nothing is left behind."""
    target = expand(path)
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file name")
        folder = target.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a directory (a part of the path is a "
                                                    "file, not a folder)")
        handle, probe = tempfile.mkstemp(dir=folder, prefix=f".{target.name[:40]}.",
                                         suffix=".probe")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise FileProblem(target, _reason(exc)) from None
    return target


def make_folders(folder: Path) -> None:
    """`mkdir -p`, each new folder private (0700; existing ones are left as they are); a part
    of the path that is a file is "not a directory", not "file exists"."""
    try:
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    except FileExistsError:
        raise NotADirectoryError(errno.ENOTDIR, "not a directory (a part of the path is a "
                                                "file, not a folder)") from None


def file_problem(path: Path | str, exc: OSError) -> FileProblem:
    """An OSError met reading or writing `path`, as the one-line FileProblem people read."""
    return FileProblem(path, _reason(exc))


def _reason(exc: OSError) -> str:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return reason[0].lower() + reason[1:] if reason else "cannot be written"


def create_private(path: Path) -> bool:
    """Create `path` empty and readable by the user only, so what is written into it next (a
    SQLite file, a backup) never sits world-readable; False when it already exists."""
    try:
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(handle)
    return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files (the first one and each opened after a rotation) are
    readable by the user only, and whose folder is created private."""

    def __init__(self, filename: Path, **kwargs: Any) -> None:
        make_folders(Path(filename).parent)
        super().__init__(filename, **kwargs)

    def _open(self) -> io.TextIOWrapper:
        create_private(Path(self.baseFilename))
        return super()._open()
