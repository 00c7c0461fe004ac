"""Which CoLiv this is and what it is made of: the version and the licences of its parts.

Running from a checkout or a wheel, both come from the installed package metadata. A frozen
bundle (PyInstaller) carries no metadata of its own package, so `packaging/coliv.spec` bakes
the same facts into BUILD_INFO at build time, computed by `build_info()` below.
Standard library only: `coliv --version` must not wait for Qt or SQLAlchemy.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

DISTRIBUTION = "coliv-desktop"
BUILD_INFO = "build-info.json"  # at the root of a frozen bundle (sys._MEIPASS)

# Qt is used under the LGPL v3 (PySide6's wheels offer LGPL-3.0 or GPL); the LGPL asks that a
# user can relink the app against a Qt of their own, which a one-folder bundle allows.
QT_NOTICE = (
    "Qt and Qt for Python (PySide6, shiboken6) are used under the GNU Lesser General Public "
    "License v3 (LGPL-3.0). They are loaded from separate shared libraries in the app folder, "
    "unmodified, so you may replace them with your own build of the same Qt version (relinking); "
    "their source is at https://download.qt.io/official_releases/."
)
FONT_NOTICE = (
    "DejaVu Sans (documents' typeface) is bundled under the Bitstream Vera / DejaVu font "
    "licence: free use and redistribution, see fonts/LICENSE-DejaVu.txt among the resources."
)


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str
    url: str = ""


def _frozen_root() -> Path | None:
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if root else None


@cache
def _baked() -> dict[str, Any] | None:
    root = _frozen_root()
    if root is None or not (root / BUILD_INFO).is_file():
        return None
    data: dict[str, Any] = json.loads((root / BUILD_INFO).read_text("utf-8"))
    return data


@cache
def version() -> str:
    """The version in the package metadata (pyproject.toml), or baked into a frozen bundle."""
    baked = _baked()
    if baked is not None:
        return str(baked["version"])
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as metadata_version

    try:
        return metadata_version(DISTRIBUTION)
    except PackageNotFoundError:  # a bare checkout on sys.path, never installed
        return "0+unknown"


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _field(metadata: Any, name: str) -> str:
    values = metadata.get_all(name)  # None when absent, on every Python version
    return str(values[0]) if values else ""


def _licence(metadata: Any) -> str:
    expression = _field(metadata, "License-Expression")
    if expression:
        return str(expression)
    classifiers = [c.rsplit(" :: ", 1)[-1] for c in metadata.get_all("Classifier") or []
                   if c.startswith("License ::")]
    if classifiers:
        return ", ".join(classifiers)
    text = _field(metadata, "License").strip()
    return text.splitlines()[0][:80] if text else "see the package"


_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
_URL_LABELS = ("homepage", "home", "documentation", "source", "source code", "repository")
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")


def _components_from_metadata() -> list[Component]:
    """Every distribution the app needs at run time: its requirements, followed through the
    installed metadata with the extras asked for (psycopg[binary]). Requirements for another
    platform are simply not installed, so they are left out without evaluating markers."""
    from importlib.metadata import PackageNotFoundError, distribution

    found: dict[str, Component] = {}
    pending: list[tuple[str, frozenset[str]]] = [(DISTRIBUTION, frozenset())]
    while pending:
        name, extras = pending.pop()
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        key = _key(_field(dist.metadata, "Name"))
        if key in found:
            continue
        meta = dist.metadata
        links = {label.strip().lower(): link.strip() for label, _, link in
                 (entry.partition(",") for entry in meta.get_all("Project-URL") or [])}
        url = next((links[label] for label in _URL_LABELS if label in links),
                   _field(meta, "Home-page"))
        if key != DISTRIBUTION:
            found[key] = Component(_field(meta, "Name"), dist.version, _licence(meta), url)
        else:
            found[key] = Component("", "", "")  # ourselves: listed apart, never as a dependency
        for requirement in dist.requires or []:
            spec, _, marker = requirement.partition(";")
            wanted = _EXTRA.search(marker)
            if wanted and wanted.group(1) not in extras:
                continue  # a test or optional extra nobody asked for
            match = _REQUIREMENT.match(spec)
            if match:
                asked = frozenset(e.strip() for e in (match.group(2) or "").split(",") if e)
                pending.append((match.group(1), asked))
    return sorted((c for k, c in found.items() if k != DISTRIBUTION), key=lambda c: c.name.lower())


@cache
def components() -> tuple[Component, ...]:
    """The third-party parts with their licences, as listed in About."""
    baked = _baked()
    if baked is not None:
        return tuple(Component(**item) for item in baked["components"])
    return tuple(_components_from_metadata())


def build_info() -> dict[str, Any]:
    """What packaging/coliv.spec writes to BUILD_INFO in the bundle."""
    return {"version": version(), "components": [asdict(c) for c in components()]}


# What the app does with a locale: its number and currency formats, its dates, and its name in
# the Settings list (in English). Run in a fresh interpreter, so what babel loads is exactly
# what these need (babel caches every file it reads, its parents included: de_CH needs de and
# root, en_AU needs en_001).
_LOCALE_USE = """
import json, sys
from babel import Locale, localedata
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, get_group_symbol
for code in json.loads(sys.argv[1]):
    locale = Locale.parse(code)
    locale.get_display_name("en")
    format_currency(1234.5, "EUR", locale=code), format_decimal(1234.5, locale=code)
    get_group_symbol(code), format_date(None, "long", locale=code)
    locale.number_symbols, locale.decimal_formats, locale.currency_formats, locale.currencies
print(json.dumps(sorted(localedata._cache)))
"""


def babel_locale_files(locales: tuple[str, ...]) -> list[str]:
    """The names of babel's locale-data files (without ".dat") that formatting and reading in
    `locales` loads: what a bundle must carry of babel's 1,100 locales (33 MB)."""
    import subprocess

    result = subprocess.run([sys.executable, "-c", _LOCALE_USE, json.dumps(list(locales))],
                            capture_output=True, text=True, check=True)
    names: list[str] = json.loads(result.stdout)
    return names
