"""Where the app's own files are, whether it runs from a checkout, an installed wheel or a bundle.

One function per kind of file, so PyInstaller, `pip install .` and a source checkout all agree.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / name)
    candidates.append(_PACKAGE / "_bundled" / name)  # installed wheel
    candidates.append(_PACKAGE.parent / name)  # source checkout / editable install
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"CoLiv's {name} folder is missing (looked in {searched})")


def migrations_dir() -> Path:
    """The Alembic script folder (env.py and versions/)."""
    return _locate("migrations")


def resources_dir() -> Path:
    """Fonts, icons, templates, the demo portfolio."""
    return _locate("resources")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
