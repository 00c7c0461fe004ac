"""Qt item models over service results: table base, DB-paged variant, proxy, tree."""

from coliv_desktop.ui.models.proxy import RowFilterProxy
from coliv_desktop.ui.models.table import (
    ROW_ROLE,
    SORT_ROLE,
    Column,
    PagedQueryModel,
    RowTableModel,
)

__all__ = ["ROW_ROLE", "SORT_ROLE", "Column", "PagedQueryModel", "RowFilterProxy",
           "RowTableModel"]
