"""One writer per SQLite book: an OS lock on a lock file beside it (`BOOK.lock`).

The lock is the operating system's (`flock` on POSIX, `msvcrt.locking` on Windows), held on an
open file: when the holder exits, however it exits (SIGKILL, a power cut of the process), the
OS drops it, so it never goes stale; the file's mere existence means nothing. The holder writes
who it is (login, machine, process id, since when, program) into the file, so a refused writer
can name it, and removes the file when it lets go. On Windows the lock covers one byte far past
those details, which stay readable (its locks are mandatory).

Within one process the lock is shared and counted (a window and its worker threads, the CLI's
context and its database): it is released when the last holder lets go.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from coliv_desktop.domain.errors import BookInUse, WriterInfo
from coliv_desktop.files import file_problem

__all__ = ["WriterLock", "acquire", "holder", "lock_path"]

# Windows: the locked byte, past any holder details, so they stay readable.
_WINDOWS_LOCK_OFFSET = 1 << 20
# A holder that has just locked has not yet written its details: wait this long for them.
_DETAILS_WAIT = 0.5

_guard = threading.Lock()
_held: dict[Path, WriterLock] = {}


def lock_path(book: Path) -> Path:
    """The lock file of a book: beside it, named after it (`coliv.db` -> `coliv.db.lock`)."""
    return book.with_name(f"{book.name}.lock")


class WriterLock:
    """This process's hold on one book's writer lock; `release()` once per `acquire()`."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd = fd
        self._count = 1

    @property
    def held(self) -> bool:
        return self._count > 0

    def release(self) -> None:
        with _guard:
            if self._count <= 0:
                return
            self._count -= 1
            if self._count:
                return
            _held.pop(self.path, None)
            # Removed while still locked, so nobody takes a file about to vanish (see
            # `_open_locked`); the folder keeps only the book. Windows keeps an open file:
            # it is emptied then, the details being the holder's.
            try:
                self.path.unlink()
            except OSError:
                try:
                    os.ftruncate(self._fd, 0)
                except OSError:
                    pass
            _unlock(self._fd)
            os.close(self._fd)

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def acquire(book: Path, program: str) -> WriterLock:
    """Take the writer lock of the SQLite file `book` for `program` (`coliv rent run`,
    `CoLiv Desktop`), without waiting: a BookInUse naming the holder when another process
    has it. The book's folder must exist."""
    path = lock_path(book.resolve())
    with _guard:
        mine = _held.get(path)
        if mine is not None:
            mine._count += 1
            return mine
        fd = _open_locked(book, path)
        try:
            details = json.dumps({
                "user": _login(), "machine": socket.gethostname(), "pid": os.getpid(),
                "since": datetime.now(UTC).isoformat(timespec="seconds"), "program": program,
            }).encode()
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, details)
        except OSError as exc:
            os.close(fd)
            raise file_problem(path, exc) from None
        lock = WriterLock(path, fd)
        _held[path] = lock
        return lock


def _open_locked(book: Path, path: Path) -> int:
    """Open the lock file and lock it, or raise BookInUse. The holder removes the file when
    it lets go; a process that locked that file just before has locked a file no longer at
    the path, so it checks that the path still names what it locked, and else tries again."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
                         | getattr(os, "O_BINARY", 0), 0o600)
        except OSError as exc:
            raise file_problem(path, exc) from None
        try:
            if not _try_lock(fd):
                raise BookInUse(book, _read_details(fd, wait=_DETAILS_WAIT))
            if _same_file(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # it was removed meanwhile: lock the one at the path now


def _same_file(fd: int, path: Path) -> bool:
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino)


def holder(book: Path) -> WriterInfo | None:
    """Who holds the writer lock of `book` now, or None when nobody does (or it is this
    process). Reads the lock file only: never takes the lock."""
    path = lock_path(book.resolve())
    with _guard:
        if path in _held:
            return None
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        # Probing with a lock of our own would take it (and, on POSIX, a second descriptor
        # of the same file is harmless with flock); so: lock, and if that works nobody holds.
        if _try_lock(fd):
            _unlock(fd)
            return None
        return _read_details(fd, wait=_DETAILS_WAIT)
    finally:
        os.close(fd)


def _read_details(fd: int, *, wait: float) -> WriterInfo | None:
    deadline = time.monotonic() + wait
    while True:
        try:
            raw = os.pread(fd, 4096, 0) if hasattr(os, "pread") else _read_start(fd)
            data = json.loads(raw.decode()) if raw else None
            if isinstance(data, dict):
                since = data.get("since")
                return WriterInfo(user=str(data.get("user", "?")),
                                  machine=str(data.get("machine", "?")),
                                  pid=int(data.get("pid", 0)),
                                  since=datetime.fromisoformat(since) if since else None,
                                  program=str(data.get("program", "CoLiv")))
        except (OSError, ValueError, TypeError):
            pass
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


def _read_start(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 4096)


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in the environment (a service account)
        return "?"


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    # flock, not fcntl's record locks: those belong to the process and a second descriptor of
    # the same file closed anywhere in it would drop them.
    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
