"""Qt item models over service results: table base, DB-paged variant, proxies, tree."""

from coliv_desktop.ui.common.models.paged import PagedQueryModel
from coliv_desktop.ui.common.models.proxy import QueryProxy, RowFilterProxy, proxy_for
from coliv_desktop.ui.common.models.table import ROW_ROLE, SORT_ROLE, Column, RowTableModel

__all__ = ["ROW_ROLE", "SORT_ROLE", "Column", "PagedQueryModel", "QueryProxy", "RowFilterProxy",
           "RowTableModel", "proxy_for"]
