"""Where data lives, which database to open, and secrets through the OS keychain.

Nothing here runs at import time: callers ask, and the answer reflects the environment then
(tests point `COLIV_DATA_DIR` at a temporary folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from coliv_desktop import APP_NAME
from coliv_desktop.domain.errors import FileProblem, ValidationError
from coliv_desktop.domain.money import DEFAULT_MAXIMUM, HIGHEST_MAXIMUM

if TYPE_CHECKING:  # SQLAlchemy loads with the first URL parsed, not with this module
    from sqlalchemy.engine import URL

DB_URL_ENV = "COLIV_DB_URL"
DATA_DIR_ENV = "COLIV_DATA_DIR"
KEYRING_SERVICE = "CoLiv Desktop"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def log_file() -> Path:
    """The app's log (rotated beside itself): in the data folder, so support finds one place."""
    return data_dir() / "logs" / "coliv.log"


def default_db_path() -> Path:
    return (data_dir() / "coliv.db").expanduser().resolve()


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'coliv.db'}"


def demo_db_url() -> str:
    return f"sqlite:///{data_dir() / 'demo.db'}"


def parse_db_url(text: str) -> URL:
    """Parse and normalise a database URL; PostgreSQL always goes through psycopg 3."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text.strip())
    except ArgumentError:
        raise ValidationError("db_url", f"{text!r} is not a database URL") from None
    backend = url.get_backend_name()
    if backend in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
        if not url.host and not url.query.get("host"):
            raise ValidationError("db_url", f"{text!r} names no PostgreSQL host")
        if not url.database:
            raise ValidationError("db_url", f"{text!r} names no PostgreSQL database")
    elif backend == "sqlite":
        url = url.set(drivername="sqlite")
        if not url.database or url.database == ":memory:":  # gone when the command ends
            raise ValidationError("db_url", f"{text!r} names no database file "
                                            "(sqlite:///path/to/file.db)")
    else:
        raise ValidationError(
            "db_url", f"{text!r}: only sqlite:///FILE and postgresql://USER@HOST/DB are supported"
        )
    return url


def resolve_db_url(cli_value: str | None = None) -> URL:
    """`--db` wins over `COLIV_DB_URL`, which wins over the per-user default file. A `--db`
    given empty is refused: it is a script's unset variable, not a wish for the default."""
    if cli_value is not None and not cli_value.strip():
        raise ValidationError("db_url", "is empty; give a database URL, or leave the option out "
                                        "to use the default database")
    text = cli_value or os.environ.get(DB_URL_ENV) or default_db_url()
    return parse_db_url(text)


def sqlite_text_path(text: str) -> Path | None:
    """The file a `sqlite:///FILE` address names, read without parsing it as a URL (so
    without loading SQLAlchemy): for choosing what to open at start."""
    head = "sqlite:///"
    if not text.startswith(head):
        return None
    name = text[len(head):].split("?", 1)[0]
    if not name or name == ":memory:":
        return None
    return Path(name).expanduser().resolve()


def display_text(text: str) -> str:
    """A database address as typed, safe to show: the password masked."""
    import re

    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", text)


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL; None for an in-memory database."""
    if not is_sqlite(url) or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser().resolve()


def backups_dir(url: URL) -> Path:
    """SQLite backups sit beside the data file; other databases back up into the data dir."""
    path = sqlite_path(url)
    return (path.parent if path else data_dir()) / "backups"


def display_url(url: URL) -> str:
    """A URL safe to show in a title bar or log: never a password."""
    return url.render_as_string(hide_password=True)


# --- secrets -----------------------------------------------------------------------------------

def _keyring_key(url: URL) -> str:
    return url.set(password=None).render_as_string(hide_password=False)


KEYCHAIN = "the OS keychain"


def keychain_available() -> bool:
    """Whether a keychain that can keep a password is there: not keyring's "fail" or "null"
    backend, nor a chain of no backend (both of which accept a password and keep nothing)."""
    import keyring
    from keyring.backends import chainer, fail, null

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


def store_password(url: URL, password: str) -> None:
    """Keep the password of `url` in the OS keychain, and make sure it is there: a keychain
    that is missing, refuses or keeps something else is a FileProblem saying nothing was
    saved."""
    import keyring

    if not keychain_available():
        raise FileProblem(KEYCHAIN, "there is none on this machine, so the password was not "
                                    "saved; use a server that needs no password here (trust or "
                                    "peer authentication)")
    key = _keyring_key(url)
    try:
        keyring.set_password(KEYRING_SERVICE, key, password)
        kept = keyring.get_password(KEYRING_SERVICE, key)
    except Exception as exc:  # any backend's failure (locked, no D-Bus, ...): not saved
        raise FileProblem(KEYCHAIN, f"refused the password ({type(exc).__name__}: {exc}), "
                                    "so it was not saved") from None
    if kept != password:
        raise FileProblem(KEYCHAIN, "did not keep the password (reading it back gave "
                                    "something else), so it was not saved")


@dataclass(frozen=True)
class ConnectTarget:
    url: URL
    warning: str | None = None


def with_stored_password(url: URL) -> ConnectTarget:
    """Fill in a PostgreSQL password from the keychain when the URL carries none."""
    if is_sqlite(url) or url.password:
        return ConnectTarget(url)
    if not keychain_available():
        return ConnectTarget(
            url,
            "No OS keychain is available on this machine: connecting without a password. "
            "Servers that require one will refuse the connection.",
        )
    import keyring

    try:
        password = keyring.get_password(KEYRING_SERVICE, _keyring_key(url))
    except Exception as exc:  # a keychain that cannot be read (locked, no D-Bus, ...)
        return ConnectTarget(url, f"The OS keychain could not be read ({type(exc).__name__}: "
                                  f"{exc}): connecting without a password.")
    return ConnectTarget(url.set(password=password) if password else url)


# --- settings, declared once -------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    """One operator setting: its type, default and label, and what the editor needs to know.

    `kind` says how to edit it beyond its type: "currency", "locale", "file", "money",
    "percent"; `choices` lists the allowed values; `minimum`/`maximum` bound numbers. The
    Settings dialog is built from these declarations alone.
    """

    key: str
    type: type
    default: object
    label: str
    group: str = "General"
    kind: str = ""
    choices: tuple[str, ...] = ()
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None
    help: str = ""


LATE_FEES = "Late fees (operator default)"
BACKUPS = "Backups"
MAINTENANCE = "Maintenance"
DOCUMENTS = "Documents"

# The locales CoLiv writes and reads amounts and dates in (each checked to read back what it
# writes: tests/services/test_locales.py). One list for the Settings dialog, `coliv settings
# set locale` and the desktop bundle, which carries babel's data for these locales only.
LOCALES: tuple[str, ...] = (
    "en_US", "en_CA", "en_GB", "en_AU", "en_NZ", "en_IE", "en_IN", "en_ZA", "en_SG",
    "fr_FR", "fr_CA", "fr_BE", "fr_CH", "de_DE", "de_AT", "de_CH", "es_ES", "es_MX", "es_AR",
    "es_CO", "es_CL", "es_US", "it_IT", "it_CH", "nl_NL", "nl_BE", "pt_BR", "pt_PT", "sv_SE",
    "da_DK", "nb_NO", "fi_FI", "pl_PL", "cs_CZ", "hu_HU", "ro_RO", "el_GR", "tr_TR", "ja_JP",
    "ko_KR", "zh_CN", "zh_TW", "zh_HK", "hi_IN", "id_ID", "th_TH", "vi_VN", "he_IL", "ar_AE",
    "ru_RU", "uk_UA", "ms_MY", "fil_PH",
)

SETTINGS: tuple[Setting, ...] = (
    Setting("currency", str, "USD", "Currency (ISO code)", "Money and dates", kind="currency",
            help="The currency every amount is in, e.g. USD, EUR, GBP, CAD"),
    Setting("locale", str, "en_US", "Number and date format locale", "Money and dates",
            kind="locale", help="How amounts are written and typed: en_US shows $1,234.50, "
                                "de_DE 1.234,50 $ (1234.50 is understood in every locale)"),
    Setting("max_amount", Decimal, DEFAULT_MAXIMUM, "Largest single amount accepted",
            "Money and dates", kind="money", minimum=Decimal("1.00"), maximum=HIGHEST_MAXIMUM,
            help="A rent, payment, charge or deposit typed above this is refused as a slip of "
                 "the finger; raise it if your amounts are really that large"),
    Setting("rent_due_day", int, 1, "Day of the month rent is due", "Rent", minimum=1,
            maximum=28),
    Setting("operator_logo", str, "", "Logo image file printed on documents (PNG or JPEG)",
            "Documents", kind="file"),
    Setting("late_fee_mode", str, "none", "Default late fee: none, flat or percent", LATE_FEES,
            choices=("none", "flat", "percent"),
            help="Used by every property without a late fee rule of its own"),
    Setting("late_fee_grace_days", int, 5, "Default late fee grace days", LATE_FEES, minimum=0,
            maximum=60),
    Setting("late_fee_flat", Decimal, Decimal("0.00"), "Default flat late fee", LATE_FEES,
            kind="money", minimum=Decimal("0")),
    Setting("late_fee_percent", Decimal, Decimal("0"), "Default late fee percent of overdue rent",
            LATE_FEES, kind="percent", minimum=Decimal("0"), maximum=Decimal("100")),
    Setting("late_fee_cap", Decimal, Decimal("0.00"), "Default late fee cap (0: no cap)",
            LATE_FEES, kind="money", minimum=Decimal("0")),
    # The automatic copies kept after each day's backup (services.backups): the newest of
    # each of the last so many days, weeks and months. Other backups are never deleted.
    Setting("backup_keep_daily", int, 7, "Daily backups kept", BACKUPS, minimum=1,
            maximum=366, help="The newest automatic copy of each of the last so many days"),
    Setting("backup_keep_weekly", int, 4, "Weekly backups kept", BACKUPS, minimum=0,
            maximum=520, help="The newest automatic copy of each of the last so many weeks"),
    Setting("backup_keep_monthly", int, 12, "Monthly backups kept", BACKUPS, minimum=0,
            maximum=1200, help="The newest automatic copy of each of the last so many months"),
    # Response targets of the maintenance queue: a request's `due_by` is its report time plus
    # its priority's target (issue 14).
    Setting("maintenance_hours_urgent", int, 24, "Urgent requests: hours to respond",
            MAINTENANCE, minimum=1, maximum=720),
    Setting("maintenance_days_high", int, 3, "High priority: days to respond", MAINTENANCE,
            minimum=1, maximum=365),
    Setting("maintenance_days_medium", int, 7, "Medium priority: days to respond",
            MAINTENANCE, minimum=1, maximum=365),
    Setting("maintenance_days_low", int, 14, "Low priority: days to respond", MAINTENANCE,
            minimum=1, maximum=365),
    Setting("work_order_tenant_contact", str, "no",
            "Work orders name the tenant to contact", MAINTENANCE, choices=("no", "yes"),
            help="Whether a vendor's work order gives the reporting tenant's name and phone"),
    Setting("document_max_mb", int, 20, "Largest document accepted (MB)", DOCUMENTS,
            minimum=1, maximum=200),
)

SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}
