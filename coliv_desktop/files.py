"""Writing a file the operator asked for: whole or not at all, and a plain reason when not."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from coliv_desktop.domain.errors import FileProblem


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
    """`mkdir -p`; a part of the path that is a file is "not a directory", not "file exists"."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise NotADirectoryError(errno.ENOTDIR, "not a directory (a part of the path is a "
                                                "file, not a folder)") from None


def file_problem(path: Path | str, exc: OSError) -> FileProblem:
    """An OSError met reading or writing `path`, as the one-line FileProblem people read."""
    return FileProblem(path, _reason(exc))


def _reason(exc: OSError) -> str:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return reason[0].lower() + reason[1:] if reason else "cannot be written"
