"""The pane registry: the main window's side bar shows these, in this order.

A new pane is a `pane.py` in its capability's folder (ui/<capability>/, a `Pane` subclass)
plus one line here. Factories are "module:Class" strings, so a pane's module is imported only
when it is first shown.
"""

from __future__ import annotations

from coliv_desktop.ui.common.pane import Pane, PaneFactory, PaneSpec

PANES: list[PaneSpec] = [
    PaneSpec("dashboard", "Dashboard", "dashboard", "Ctrl+1",
             "coliv_desktop.ui.dashboard.pane:DashboardPane",
             "Occupancy and rent roll across the portfolio"),
    PaneSpec("tree", "Portfolio", "portfolio", "Ctrl+2",
             "coliv_desktop.ui.portfolio.pane:PortfolioPane",
             "The property, unit or room selected in the tree"),
    PaneSpec("tenants", "Tenants", "tenants", "Ctrl+3",
             "coliv_desktop.ui.tenants.pane:TenantsPane", "Every tenant, with their record"),
    PaneSpec("leases", "Leases", "leases", "Ctrl+4",
             "coliv_desktop.ui.leases.pane:LeasesPane", "Current, upcoming and past leases"),
    PaneSpec("turnover", "Turnover", "turnover", "Ctrl+5",
             "coliv_desktop.ui.turnover.pane:TurnoverPane",
             "Move-ins, move-outs and rooms becoming vacant"),
    PaneSpec("ledger", "Ledger", "ledger", "Ctrl+6",
             "coliv_desktop.ui.ledger.pane:LedgerPane",
             "Rent charges and payments, collection and reports", needs="ledger.read"),
    PaneSpec("applications", "Applications", "applications", "Ctrl+7",
             "coliv_desktop.ui.applications.pane:ApplicationsPane",
             "Applications, roommate matching, approvals and batch placement"),
    PaneSpec("maintenance", "Maintenance", "room-maintenance", "Ctrl+8",
             "coliv_desktop.ui.maintenance.pane:MaintenancePane",
             "The maintenance queue: requests, vendors, work orders and schedules"),
    PaneSpec("community", "Community", "property", "Ctrl+9",
             "coliv_desktop.ui.community.pane:CommunityPane",
             "Announcements, events, the house board and roommate conflicts"),
    PaneSpec("books", "Books", "ledger", "Ctrl+0", "coliv_desktop.ui.books.pane:BooksPane",
             "Expenses, bills, profit and loss and Schedule E", needs="ledger.read"),
    PaneSpec("bank", "Bank", "ledger", "", "coliv_desktop.ui.bank.pane:BankPane",
             "Bank statements: import, match, reconcile", needs="ledger.read"),
]


def register(spec: PaneSpec) -> None:
    """Add a pane (or replace the one with the same key)."""
    for index, existing in enumerate(PANES):
        if existing.key == spec.key:
            PANES[index] = spec
            return
    PANES.append(spec)


def pane_spec(key: str) -> PaneSpec:
    for spec in PANES:
        if spec.key == key:
            return spec
    known = ", ".join(s.key for s in PANES)
    raise KeyError(f"no pane {key!r} (known: {known})")


__all__ = ["PANES", "Pane", "PaneFactory", "PaneSpec", "pane_spec", "register"]
