"""Role matrix hooks (see the package's docstring): spreadsheets in and out (issue 15)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coliv_desktop.db.engine import Database
from coliv_desktop.services import sheet_import
from coliv_desktop.services.context import Actor
from coliv_desktop.services.sheet_import import SheetOptions


def rows(db: Database, owner: Actor, ids: dict[str, Any]) -> None:
    """A tenants sheet to import, a saved mapping, and a folder for the exports."""
    folder = Path(tempfile.mkdtemp(prefix="matrix-sheets-"))
    sheet = folder / "tenants.csv"
    sheet.write_text("First name,Last name,Email\nMatrix,Sheet,matrix.sheet@example.com\n",
                     encoding="utf-8")
    ids["sheets_folder"], ids["sheet"] = folder, sheet
    sheet_import.save_mapping(db, owner, "tenants", "Matrix mapping",
                              SheetOptions(columns={"first_name": "First name",
                                                    "last_name": "Last name",
                                                    "email": "Email"}))


ARGS: dict[str, Callable[[dict[str, Any], Path], Any]] = {}
DATA: dict[str, Callable[[dict[str, Any]], Any]] = {}
OVERRIDES: dict[str, dict[str, Callable[[dict[str, Any]], Any]]] = {
    "sheet_import.import_sheet": {"kind": lambda ids: "tenants",
                                  "path": lambda ids: ids["sheet"]},
    "sheet_import.save_mapping": {"kind": lambda ids: "tenants",
                                  "name": lambda ids: "Another mapping",
                                  "options": lambda ids: SheetOptions(date_order="dmy")},
    "sheet_import.list_mappings": {"kind": lambda ids: "tenants"},
    "sheet_import.mapping_options": {"kind": lambda ids: "tenants",
                                     "name": lambda ids: "Matrix mapping"},
    "sheet_export.export_sheet": {"kind": lambda ids: "payments",
                                  "path": lambda ids: ids["sheets_folder"] / "payments.xlsx"},
    "sheet_export.sheet_rows": {"kind": lambda ids: "payments"},
}
REFUSED_BY_THE_DATA: dict[str, str] = {}
