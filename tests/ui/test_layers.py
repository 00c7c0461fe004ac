"""The direction of dependencies, `ui -> services -> (domain, db)`, checked on the source: the
UI imports no `db` module (opening, creating and backing up a database are services too), the
services import no UI, and the domain imports neither. Every import counts: at the top, inside a
function, under TYPE_CHECKING, relative, and `importlib.import_module("...")` with a literal."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "coliv_desktop"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, text: str | None = None) -> set[str]:
    """Every module `path` (or `text` as if it were there) imports, as absolute dotted names
    (for `from a import b`, both `a` and `a.b`: `b` may be a module)."""
    tree = ast.parse(path.read_text("utf-8") if text is None else text, str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            found.add(stem)
            found.update(f"{stem}.{alias.name}" for alias in node.names)
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name)
                       and node.func.id in {"import_module", "__import__"}))):
            found.add(node.args[0].value)
    return found


def _is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def offenders(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for module in sorted(imported_modules(path)):
            if any(_is_under(module, f) for f in forbidden):
                bad.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
    return bad


@pytest.mark.parametrize(("layer", "forbidden"), [
    ("ui", ("coliv_desktop.db",)),
    ("services", ("coliv_desktop.ui",)),
    ("domain", ("coliv_desktop.db", "coliv_desktop.services", "coliv_desktop.ui")),
])
def test_no_import_against_the_direction_of_dependencies(
        layer: str, forbidden: tuple[str, ...]) -> None:
    assert (PACKAGE / layer).is_dir()
    assert offenders(layer, forbidden) == []


def test_the_scan_sees_every_form_of_import() -> None:
    """The scan catches the imports it is there for, as if in a module of `ui` (`..` from
    ui/shell is ui itself)."""
    source = """
from __future__ import annotations
from typing import TYPE_CHECKING
import importlib
if TYPE_CHECKING:
    from coliv_desktop.db.engine import Database
def f() -> None:
    import coliv_desktop.db.migrate
    from coliv_desktop import db
    from ..db import models
    importlib.import_module("coliv_desktop.db.revisions")
"""
    found = imported_modules(PACKAGE / "ui" / "dialogs" / "probe.py", source)
    assert {"coliv_desktop.db.engine", "coliv_desktop.db.migrate", "coliv_desktop.db",
            "coliv_desktop.ui.db.models", "coliv_desktop.db.revisions"} <= found
    found = imported_modules(PACKAGE / "ui" / "probe.py", "from ..db import models")
    assert "coliv_desktop.db.models" in found
