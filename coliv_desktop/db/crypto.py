"""Sensitive tenant fields encrypted at rest, with a per-book key kept in the OS keychain.

Each book has an id (`coliv_meta` "book_id", made by migration 0008) and one Fernet key
(AES-128-CBC with an HMAC-SHA256, from `cryptography`), kept in the keychain under that id, so
a copy of the file (a backup, a stolen laptop's disk) holds only ciphertext. A "key_check"
row (a token of a known text) lets a key typed back from the recovery sheet be checked, and
tells a book that has a key somewhere from one that never had one.

`Encrypted` columns store "enc1:<token>"; a value without that prefix is plaintext written
before 0008, read as it is until the book's key is made, which encrypts it (`ensure_key`). On
a machine with no OS keychain the key is a file readable by this user only (`key_file`).

The key is looked up per `Database` (`BookKeys`, reached from the engine's dialect, the one
object a column type is handed) and never written to the database or the log.
"""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Dialect, Text, text, type_coerce
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from coliv_desktop.domain.errors import ColivError

if TYPE_CHECKING:  # cryptography loads on first use, not at every start
    from cryptography.fernet import Fernet

KEY_SERVICE = "CoLiv Desktop book key"
PREFIX = "enc1:"
_CHECK_TEXT = b"CoLiv Desktop book key check"


class BookKeyMissing(ColivError):
    """The keychain of this machine has no key for a book that holds encrypted values."""

    exit_code = 8

    def __init__(self, book_id: str | None) -> None:
        super().__init__(
            f"the key that unlocks this book's protected tenant fields (ID numbers, bank "
            f"details, emergency phone numbers) is not in this computer's keychain (book "
            f"{book_id or 'unknown'}): restore it from the book's recovery sheet with "
            f"File ▸ Book Key ▸ Enter Key from Recovery Sheet, or `coliv db recovery-key --set`")
        self.book_id = book_id


class BookKeyWrong(ColivError):
    """A key that does not unlock this book (mistyped, or another book's)."""

    exit_code = 2

    def __init__(self) -> None:
        super().__init__("key: this is not the key of this book (check the recovery sheet "
                         "it was printed on); nothing was changed")


def new_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode("ascii")


def _fernet(key: str) -> Fernet:
    from cryptography.fernet import Fernet

    return Fernet(key.encode("ascii"))


def key_check(key: str) -> str:
    return _fernet(key).encrypt(_CHECK_TEXT).decode("ascii")


def key_fits(key: str, check: str) -> bool:
    from cryptography.fernet import InvalidToken

    try:
        return bool(_fernet(key).decrypt(check.encode("ascii")) == _CHECK_TEXT)
    except (InvalidToken, ValueError, TypeError):
        return False


def key_file(book_id: str) -> Any:
    """Where the key is kept on a machine with no OS keychain (a headless server, a desktop
    without a secret service): a file readable by this user only, in the per-user data folder,
    never beside the book, so a copy of the book or of its backups holds no key."""
    from coliv_desktop import config

    return config.data_dir() / "keys" / f"{book_id}.key"


def keychain_key(book_id: str) -> str | None:
    from coliv_desktop import config

    if not config.keychain_available():
        try:
            return str(key_file(book_id).read_text("ascii").strip()) or None
        except OSError:
            return None
    import keyring

    try:
        found: str | None = keyring.get_password(KEY_SERVICE, book_id)
        return found
    except Exception:  # a keychain that cannot be read (locked, no D-Bus): as missing
        return None


def store_keychain_key(book_id: str, key: str) -> None:
    """Keep the key in the keychain (or, with none, the key file) and read it back; a
    FileProblem when it was not kept."""
    import keyring

    from coliv_desktop import config
    from coliv_desktop.domain.errors import FileProblem

    if not config.keychain_available():
        import logging
        import os

        from coliv_desktop.files import write_atomically

        path = key_file(book_id)
        write_atomically(path, key)  # a temporary file made 0600, renamed into place
        os.chmod(path.parent, 0o700)
        logging.getLogger(__name__).warning(
            "no OS keychain on this machine: the book's key is kept in %s", path)
        return
    try:
        keyring.set_password(KEY_SERVICE, book_id, key)
        kept = keyring.get_password(KEY_SERVICE, book_id)
    except Exception as exc:  # any backend's failure: not kept
        raise FileProblem(config.KEYCHAIN, f"refused the book's key ({type(exc).__name__}), "
                                           "so nothing was changed") from None
    if kept != key:
        raise FileProblem(config.KEYCHAIN, "did not keep the book's key; nothing was changed")


def read_meta(connection: Connection, key: str) -> str | None:
    row = connection.execute(text("SELECT value FROM coliv_meta WHERE key = :k"),
                             {"k": key}).first()
    return None if row is None else str(row[0])


class BookKeys:
    """One open book's id and key, looked up once (the id on the first transaction, the key
    in the keychain on the first encrypted value)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.book_id: str | None = None
        self.check: str | None = None
        self.loaded = False
        self._key: str | None = None

    def load(self, connection: Connection) -> None:
        """Read the book id and key check, once, in a transaction already open."""
        if self.loaded:
            return
        self.book_id = read_meta(connection, "book_id")
        self.check = read_meta(connection, "key_check")
        self.loaded = True

    @property
    def ready(self) -> bool:
        """The key is at hand (nothing to look up or create before encrypting)."""
        return self._key is not None

    def reset(self) -> None:
        """Forget what was read: the book's id and key check were replaced (an import)."""
        with self._lock:
            self.loaded, self.book_id, self.check, self._key = False, None, None, None

    def use(self, key: str, check: str) -> None:
        with self._lock:
            self._key = key
            self.check = check

    def key(self) -> str:
        with self._lock:
            if self._key is None and self.book_id is not None:
                found = keychain_key(self.book_id)
                if found is not None and (self.check is None or key_fits(found, self.check)):
                    self._key = found
            if self._key is None:
                raise BookKeyMissing(self.book_id)
            key: str = self._key
            return key

    def encrypt(self, value: str) -> str:
        return PREFIX + _fernet(self.key()).encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return str(_fernet(self.key()).decrypt(stored[len(PREFIX):].encode("ascii"))
                       .decode("utf-8"))
        except InvalidToken:
            raise BookKeyMissing(self.book_id) from None


def ensure_key(connection: Connection, keys: BookKeys) -> None:
    """Before a protected value is written: the book's key, created on first need (kept in
    the keychain, its check in the book, in this transaction). A book that has a key, but not
    in this keychain, refuses (BookKeyMissing): values are never encrypted with two keys."""
    book_id = read_meta(connection, "book_id")
    insert = text("INSERT INTO coliv_meta (key, value) VALUES (:k, :v)")
    if book_id is None:  # every book has one from 0008 on; defensively
        book_id = str(uuid.uuid4())
        connection.execute(insert, {"k": "book_id", "v": book_id})
    check = read_meta(connection, "key_check")
    with keys._lock:
        if keys.book_id != book_id:
            keys._key = None
        keys.book_id, keys.check, keys.loaded = book_id, check, True
    if check is not None:
        keys.key()  # raises BookKeyMissing when this keychain does not have it
        return
    key = new_key()
    check = key_check(key)
    store_keychain_key(book_id, key)
    connection.execute(insert, {"k": "key_check", "v": check})
    keys.use(key, check)
    _encrypt_plaintext(connection, keys)


def _encrypt_plaintext(connection: Connection, keys: BookKeys) -> None:
    """With the book's new key: encrypt values stored in clear before 0008 (emergency
    phones), so from here on the book holds none."""
    from sqlalchemy import Table, select, update

    from coliv_desktop.db.models import Base

    for table in Base.metadata.sorted_tables:
        assert isinstance(table, Table)
        (pk,) = table.primary_key.columns
        for column in table.columns:
            if not isinstance(column.type, Encrypted):
                continue
            raw = type_coerce(column, Text)
            rows = connection.execute(select(pk, raw).where(
                raw.is_not(None), raw != "", ~raw.startswith(PREFIX))).all()
            for ident, value in rows:
                connection.execute(update(table).where(pk == ident)
                                   .values({column.name: type_coerce(keys.encrypt(value),
                                                                     Text)}))


_ENCRYPTED: dict[Any, tuple[str, ...]] = {}


def _encrypted_attributes(mapper: Any) -> tuple[str, ...]:
    found = _ENCRYPTED.get(mapper)
    if found is None:
        found = tuple(attr.key for attr in mapper.column_attrs
                      if any(isinstance(c.type, Encrypted) for c in attr.columns))
        _ENCRYPTED[mapper] = found
    return found


def needs_key(session: Session) -> bool:
    """Whether this flush writes a protected value in clear (to be encrypted)."""
    for obj in (*session.new, *session.dirty):
        for name in _encrypted_attributes(sa_inspect(obj).mapper):
            value = obj.__dict__.get(name)  # never loads a deferred column
            if isinstance(value, str) and value and not value.startswith(PREFIX):
                return True
    return False


def keys_of(dialect: Dialect) -> BookKeys:
    keys = getattr(dialect, "coliv_book_keys", None)
    if keys is None:  # an engine not opened as a Database (a migration, a raw copy)
        raise BookKeyMissing(None)
    assert isinstance(keys, BookKeys)
    return keys


class Encrypted(TypeDecorator[str]):
    """A text column encrypted with the book's key on write and decrypted on read."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        # A token already (an import or a transfer copies the stored form): kept as it is.
        if value is None or value == "" or value.startswith(PREFIX):
            return value
        return keys_of(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not value.startswith(PREFIX):
            return value  # empty, or plaintext from before encryption
        return keys_of(dialect).decrypt(value)
