"""Role matrix hooks (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from coliv_desktop.db.engine import Database
from coliv_desktop.services.context import Actor


def rows(db: Database, owner: Actor, ids: dict[str, Any]) -> None:
    """Rows the calls below need, added to the demo book as its owner."""


ARGS: dict[str, Callable[[dict[str, Any], Path], Any]] = {
    "fmt": lambda ids, out: "beancount",  # journals.export_journal (start, end, out: shared)
}
DATA: dict[str, Callable[[dict[str, Any]], Any]] = {}
OVERRIDES: dict[str, dict[str, Callable[[dict[str, Any]], Any]]] = {}
REFUSED_BY_THE_DATA: dict[str, str] = {}
