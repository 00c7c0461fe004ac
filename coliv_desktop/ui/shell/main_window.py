"""The main window: property tree dock, side bar of panes, menus, status bar."""

from __future__ import annotations

import logging
import uuid
from functools import partial
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop import config
from coliv_desktop.ui.common import screens
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.widgets import empty_state, icon, refresh_gates, shortcut_text
from coliv_desktop.ui.shell.connection_banner import ConnectionBanner
from coliv_desktop.ui.shell.databases import Databases
from coliv_desktop.ui.shell.panes import PANES, Pane, pane_spec
from coliv_desktop.ui.shell.tree_dock import TreeDock
from coliv_desktop.ui.shell.welcome import WelcomePage

APP_TITLE = "CoLiv Desktop"
NO_PASSWORD_BANNER = ("This database is on a server other desks can reach, and nobody signs in "
                      "yet: set an owner's password (File ▸ Users…)")


class EditingOnDemand:
    """The window's editing actions (`ui.shell.actions.Editing`: every dialog, the services and
    schemas behind them), loaded the first time one is used rather than with the window."""

    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        self._ctx = ctx
        self._window = window
        self._editing: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._editing is None:
            from coliv_desktop.ui.shell.actions import Editing

            self._editing = Editing(self._ctx, self._window)
        return getattr(self._editing, name)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        screens.install()  # this window and every dialog fit the screen they open on
        self.ctx = ctx
        self.setObjectName("main_window")
        self.setWindowIcon(icon("coliv"))
        self.editing: Any = EditingOnDemand(ctx, self)
        ctx.editing = self.editing
        self.databases = Databases(ctx, self)
        self.panes: dict[str, Pane] = {}
        self.pane_actions: dict[str, QAction] = {}
        self.current_pane: str | None = None
        self.shortcuts_dialog: Any = None  # ui.shell.shortcuts.ShortcutsDialog, made once
        self.quick_find_dialog: Any = None  # the Go To window, made once

        self.stack = QStackedWidget()
        self.welcome = WelcomePage()
        self.welcome.empty_requested.connect(self.databases.start_empty)
        self.welcome.demo_requested.connect(self.databases.start_demo)
        self.welcome.open_requested.connect(self.databases.open_database)
        self.welcome.connect_requested.connect(self.databases.connect_postgres)
        self.stack.addWidget(self.welcome)
        self.opening = empty_state("")
        self.opening.setObjectName("opening")
        self.stack.addWidget(self.opening)
        self.password_banner = QLabel(NO_PASSWORD_BANNER)
        self.password_banner.setObjectName("password_banner")
        self.password_banner.setWordWrap(True)
        self.password_banner.setStyleSheet(
            "background: #fff4e5; color: #663c00; padding: 8px; border-bottom: 1px solid #f0c36d;")
        self.password_banner.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.connection_banner = ConnectionBanner(ctx)  # the server stopped answering
        column.addWidget(self.connection_banner)
        column.addWidget(self.password_banner)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.tree = TreeDock(ctx, self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.tree)
        self.tree.node_selected.connect(self._node_selected)

        self._build_sidebar()
        self._build_menus()
        self._build_status_bar()

        bus = ctx.bus
        bus.database_switched.connect(self._database_switched)
        bus.open_pane.connect(self.show_pane)
        bus.open_pane_view.connect(self._open_pane_view)
        bus.open_property.connect(partial(self._open_node, "property"))
        bus.open_unit.connect(partial(self._open_node, "unit"))
        bus.open_room.connect(partial(self._open_node, "room"))
        bus.open_tenant.connect(self._open_tenant)
        bus.open_lease.connect(self._open_lease)
        bus.status_message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        bus.error.connect(self._show_error)
        ctx.tasks.busy_changed.connect(self.busy.setVisible)
        self._restore_window()
        self._update_title()
        self._set_database_actions(ctx.has_database)
        if ctx.has_database:  # opened before the window was made (tests, a screenshot)
            self.check_sign_in()

    # --- construction -----------------------------------------------------------------------

    def _build_sidebar(self) -> None:
        bar = QToolBar("Panes")
        bar.setObjectName("sidebar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        bar.setIconSize(bar.iconSize() * 1.2)
        self.addToolBar(Qt.ToolBarArea.LeftToolBarArea, bar)
        group = QActionGroup(self)
        group.setExclusive(True)
        for spec in PANES:
            action = QAction(icon(spec.icon), spec.title, self)
            action.setObjectName(f"pane_{spec.key}")
            action.setCheckable(True)
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setToolTip(shortcut_text(spec.tooltip or spec.title, spec.shortcut))
            action.setStatusTip(spec.tooltip)
            action.triggered.connect(partial(self.show_pane, spec.key))
            group.addAction(action)
            bar.addAction(action)
            self.pane_actions[spec.key] = action

    def _action(self, menu: QMenu, text: str, slot: object, shortcut: str | None = None,
                tip: str = "", name: str = "", needs_db: bool = True,
                needs: str | None = None) -> QAction:
        """A menu command; `needs`: the permission it takes (disabled for the roles without)."""
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(shortcut_text(tip, shortcut) if shortcut else tip)
            action.setStatusTip(tip)
        if name:
            action.setObjectName(name)
        action.triggered.connect(lambda *_: slot())  # type: ignore[operator]
        menu.addAction(action)
        if needs_db:
            self._db_actions.append(action)
        if needs is not None:
            self._needs[action] = needs
        return action

    def import_spreadsheet(self) -> None:
        from coliv_desktop.ui.sheets.wizard import open_import_wizard

        open_import_wizard(self.ctx, self)

    def _build_menus(self) -> None:
        self._db_actions: list[QAction] = []
        self._needs: dict[QAction, str] = {}
        bar = self.menuBar()
        self._build_file_menu(bar.addMenu("&File"))
        self._build_edit_menu(bar.addMenu("&Edit"))
        self._build_portfolio_menus(bar.addMenu("&Portfolio"), bar.addMenu("&Tenants"))
        self._build_ledger_menu(bar.addMenu("Led&ger"))
        self._build_view_menu(bar.addMenu("&View"))
        self._build_help_menu(bar.addMenu("&Help"))

    def _build_file_menu(self, file: QMenu) -> None:
        d = self.databases
        self._action(file, "&New Database…", d.new_database, "Ctrl+N",
                     "Create a new, empty database file", "new_database", needs_db=False)
        self._action(file, "&Open Database…", d.open_database, "Ctrl+O",
                     "Open a CoLiv database file", "open_database", needs_db=False)
        self._action(file, "Connect to &PostgreSQL…", d.connect_postgres, None,
                     "Use a shared PostgreSQL server", "connect_postgres", needs_db=False)
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(file, "Open &Demo Portfolio", d.start_demo, None,
                     "Explore the demo portfolio (a separate file)", "open_demo",
                     needs_db=False)
        file.addSeparator()
        self.backup_action = self._action(file, "&Back Up Now", d.back_up, "Ctrl+B",
                                          "Copy the database file into its backups folder",
                                          "backup", needs="read")
        self._action(file, "&Restore from Backup…", d.restore_backup, None,
                     "Put back a backup of this database file (what is there now is kept)",
                     "restore_backup", needs="data.admin")
        self._action(file, "Copy Database to Post&greSQL…", d.copy_to_postgres, None,
                     "Copy everything to an empty shared PostgreSQL database, verified",
                     "copy_to_postgres", needs="data.admin")
        self._action(file, "&Export to JSON…", d.export_json, None,
                     "Every table in one file (a backup you can read back anywhere)",
                     "export_json", needs="data.read")
        self._action(file, "Export This &List…", self._export_list, "Ctrl+Shift+E",
                     "Save the rows the list in front shows, as shown, to CSV or XLSX",
                     "export_list", needs="read")
        self._action(file, "Export Journal for the &Accountant…", self._export_journal, None,
                     "The double entry of a date range for QuickBooks, Xero or Beancount",
                     "export_journal", needs="ledger.read")
        self._action(file, "&Import from JSON…", d.import_json, None,
                     "Load an export into this database (it must be empty)", "import_json",
                     needs="data.admin")
        self._action(file, "Import &Spreadsheet…", self.import_spreadsheet, None,
                     "Rooms, tenants, leases, opening balances or payments from a CSV or "
                     "XLSX file", "import_spreadsheet", needs="tenants.write")
        self._action(file, "&Verify Books…", d.verify_books, None,
                     "Check every charge, payment and lease against the rules (read only)",
                     "verify_books", needs="ledger.read")
        self._action(file, "Audit &Log…", d.show_audit_log, None,
                     "Every change anyone made, newest first, searchable", "audit_log",
                     needs="audit.read")
        self._action(file, "&Settings…", lambda: self.editing.settings(), "Ctrl+,",
                     "Business profile, currency and locale, rent due day, late fees, logo",
                     "settings", needs="settings.write")
        key = file.addMenu("Book &Key")
        self._action(key, "Save &Recovery Sheet…", self.save_recovery_sheet, None,
                     "The key of the tenants' protected fields on paper, to keep safe",
                     "recovery_sheet", needs="data.admin")
        self._action(key, "&Enter Key from Recovery Sheet…", self.enter_book_key, None,
                     "On a computer whose keychain lacks the book's key", "enter_book_key",
                     needs="data.admin")
        file.addSeparator()
        self.users_action = self._action(
            file, "&Users…", self.show_users, None,
            "Who uses this book: roles, passwords, locks, properties (owners)", "users",
            needs_db=False)
        self.own_password_action = self._action(
            file, "Change My &Password…", self.change_my_password, None,
            "Set a new password for the user signed in here", "change_password",
            needs_db=False)
        self.own_totp_action = self._action(
            file, "Set Up &Authenticator…", self.set_up_my_authenticator, None,
            "Sign in with a code from a phone app on top of the password",
            "my_authenticator", needs_db=False)
        file.addSeparator()
        self._action(file, "&Quit", self.close, "Ctrl+Q", "Quit CoLiv Desktop", "quit",
                     needs_db=False)

    def _build_edit_menu(self, edit: QMenu) -> None:
        undo = self.ctx.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        undo.setObjectName("undo")
        redo = self.ctx.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"),
                           QKeySequence(QKeySequence.StandardKey.Redo)])
        redo.setObjectName("redo")
        edit.addAction(undo)
        edit.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        edit.addSeparator()
        self._action(edit, "&Find", self._focus_search, "Ctrl+F",
                     "Search the current list", "find")
        self._action(edit, "&Go To…", self.quick_find, "Ctrl+K",
                     "A tenant, property, unit or room by name: type, then Enter", "go_to")

    def _build_portfolio_menus(self, port: QMenu, people: QMenu) -> None:
        e = self.editing
        self._action(port, "Add &Property…", lambda: e.add_property(), "Ctrl+Shift+P",
                     "Add a property, then its units and rooms", "add_property",
                     needs="portfolio.write")
        self._action(port, "Add &Unit…", self._add_unit, "Ctrl+Shift+U",
                     "Add a unit to the selected property", "add_unit", needs="portfolio.write")
        self._action(port, "Add &Rooms…", self._add_rooms, "Ctrl+Shift+R",
                     "Add rooms to the selected unit, several at once", "add_rooms",
                     needs="portfolio.write")
        port.addSeparator()
        self._action(port, "&Edit Selected…", self._edit_selected, "F2",
                     "Edit the property, unit or room selected in the tree", "edit_selected",
                     needs="portfolio.write")
        self._action(port, "&Archive Selected", self._archive_selected, "Ctrl+Del",
                     "Archive the selection (history is kept; undo with Ctrl+Z)",
                     "archive_selected", needs="portfolio.write")
        self._action(port, "Archi&ved…", lambda: e.show_archive(), None,
                     "Archived properties, units and rooms: restore one", "show_archive",
                     needs="portfolio.write")

        self._action(people, "Add &Tenant…", lambda: e.add_tenant(), "Ctrl+Shift+T",
                     "Add a tenant", "add_tenant", needs="tenants.write")
        self._action(people, "New &Lease…", self._new_lease, "Ctrl+Shift+L",
                     "Let a room: the picker lists rooms free for the dates", "new_lease",
                     needs="leases.write")

    def _build_ledger_menu(self, money: QMenu) -> None:
        """The ledger's commands, each carried out by the Ledger pane (shown first)."""
        for text, method, shortcut, tip, name, needs in (
            ("&Record Payment…", "record_payment", "Ctrl+Shift+M",
             "Money received: see where it goes before saving", "menu_record_payment",
             "ledger.write"),
            ("&Charge or Credit…", "charge_or_credit", None,
             "A charge entered by hand or a credit", "menu_charge_or_credit", "ledger.write"),
            ("&Void Selected Entry…", "void_selected", None,
             "Void the entry selected in the ledger, with the reason", "menu_void", "ledger.write"),
            ("Rent &Run…", "run_rent", None, "Post the rent due up to today", "menu_rent_run",
             "ledger.write"),
            ("Receipts for the &List…", "receipts", None,
             "A receipt PDF for every payment the ledger lists", "menu_receipts", "ledger.read"),
            ("&Utility Bill…", "utility_bill", None,
             "Split a utility bill across rooms", "menu_utility_bill", "ledger.write"),
            ("&Late Fee Rules…", "late_fee_rules", None,
             "Late fee rules per property, and the operator default", "menu_late_fees",
             "ledger.write"),
        ):
            self._action(money, text, lambda m=method: self._in_ledger(m), shortcut, tip, name,
                         needs=needs)
        self._action(money, "Import &Bank Statement…", self._import_bank_statement, None,
                     "An OFX, QFX or CSV statement, in the Bank pane", "menu_import_bank",
                     needs="ledger.write")

    def _import_bank_statement(self) -> None:
        from coliv_desktop.ui.bank.pane import BankPane

        self.show_pane("bank")
        pane = self.pane("bank")
        if isinstance(pane, BankPane):
            pane.import_statement()

    def _build_view_menu(self, view: QMenu) -> None:
        for spec in PANES:
            view.addAction(self.pane_actions[spec.key])
        view.addSeparator()
        toggle = self.tree.toggleViewAction()
        toggle.setText("Property &Tree")
        toggle.setShortcut(QKeySequence("Ctrl+T"))
        view.addAction(toggle)
        view.addSeparator()
        self._action(view, "Re&fresh", lambda: self.ctx.refresh_all("Refreshed"), "F5",
                     "Read everything again (what other desks entered shows by itself within "
                     "a quarter of a minute)", "refresh")

    def _build_help_menu(self, help_menu: QMenu) -> None:
        self._action(help_menu, "&Keyboard Shortcuts…", self.show_shortcuts, "F1",
                     "Every command that has a key, searchable", "shortcuts", needs_db=False)
        self._action(help_menu, "Open &Data Folder",
                     lambda: self._open_in_system(config.data_dir()), None,
                     "Where the database, its backups and the log live", "data_folder",
                     needs_db=False)
        self._action(help_menu, "Open &Log File",
                     lambda: self._open_in_system(config.log_file()), None,
                     "What the app recorded: databases opened, errors with their details",
                     "log_file", needs_db=False)
        help_menu.addSeparator()
        self._action(help_menu, "&About CoLiv Desktop", self._about, None, "", "about",
                     needs_db=False)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.db_label = QLabel()
        self.db_label.setObjectName("db_label")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setToolTip("Working in the background…")
        self.busy.hide()
        self.signed_in_label = QLabel()
        self.signed_in_label.setObjectName("signed_in")
        self.signed_in_label.hide()
        status.addPermanentWidget(self.busy)
        status.addPermanentWidget(self.signed_in_label)
        status.addPermanentWidget(self.db_label)

    # --- panes ------------------------------------------------------------------------------

    def _open_pane_view(self, key: str, view: str) -> None:
        self.show_pane(key)
        show_view = getattr(self.pane(key), "show_view", None)
        if callable(show_view):
            show_view(view)

    def pane(self, key: str) -> Pane:
        pane = self.panes.get(key)
        if pane is None:
            pane = pane_spec(key).create(self.ctx)
            pane.setObjectName(f"pane_{key}_widget")
            self.panes[key] = pane
            self.stack.addWidget(pane)
        return pane

    def show_opening(self, label: str) -> None:
        """While the first database opens: say so, rather than offer the welcome choices."""
        self.opening.setText(f"Opening {label} …")
        self.stack.setCurrentWidget(self.opening)
        self.tree.setVisible(True)  # empty until the book is open: the layout does not jump

    def show_welcome(self) -> None:
        self.stack.setCurrentWidget(self.welcome)
        self.tree.setVisible(self.ctx.has_database)

    def _may_open(self, key: str) -> bool:
        return self.ctx.may(pane_spec(key).needs)

    def show_pane(self, key: str) -> None:
        if not self.ctx.has_database:
            self.stack.setCurrentWidget(self.welcome)
            return
        if not self._may_open(key):  # the last pane shown, say, was by a user who may
            self.ctx.bus.status_message.emit(
                f"{self.ctx.actor.name} ({self.ctx.actor.role}) may not open "
                f"{pane_spec(key).title}")
            key = "dashboard"
        pane = self.pane(key)
        self.stack.setCurrentWidget(pane)
        self.current_pane = key
        action = self.pane_actions.get(key)
        if action is not None:
            action.setChecked(True)
        self.ctx.settings.setValue("window/pane", key)

    def _node_selected(self, kind: str, ident: uuid.UUID) -> None:
        portfolio = self.pane("tree")
        portfolio.show_node(kind, ident)  # type: ignore[attr-defined]
        self.show_pane("tree")

    def _open_node(self, kind: str, ident: uuid.UUID) -> None:
        self.tree.select(ident, notify=False)
        self._node_selected(kind, ident)

    def _open_tenant(self, tenant_id: uuid.UUID) -> None:
        self.show_pane("tenants")
        self.pane("tenants").show_tenant(tenant_id)  # type: ignore[attr-defined]

    def _open_lease(self, lease_id: uuid.UUID) -> None:
        """A lease shows in its room's record: which room is a look-up, in a worker."""
        from coliv_desktop.services import leasing

        db = self.ctx.db
        actor = self.ctx.actor

        def found(lease: Any, error: BaseException | None) -> None:
            if error is not None:
                self.ctx.bus.error.emit(str(error))
            elif shiboken6.isValid(self):
                self._open_node("room", lease.room_id)

        self.ctx.run_task(lambda: leasing.get_lease(db, actor, lease_id), found)

    # --- selection-based actions -------------------------------------------------------------

    def _selection(self) -> tuple[str, uuid.UUID] | None:
        node = self.tree.selected_node()
        return (node.kind, node.id) if node is not None else None

    def _ancestor(self, kind: str) -> uuid.UUID | None:
        node = self.tree.selected_node()
        while node is not None and node.kind != kind:
            node = node.parent
        return node.id if node is not None else None

    def _add_unit(self) -> None:
        prop = self._ancestor("property")
        if prop is None:
            self._show_error("Select a property in the tree first (or add one).")
            return
        self.editing.add_unit(prop)

    def _add_rooms(self) -> None:
        unit = self._ancestor("unit")
        if unit is None:
            self._show_error("Select a unit in the tree first.")
            return
        self.editing.add_rooms(unit)

    def _edit_selected(self) -> None:
        selection = self._selection()
        if selection is None:
            self._show_error("Select a property, unit or room in the tree first.")
            return
        kind, ident = selection
        {"property": self.editing.edit_property, "unit": self.editing.edit_unit,
         "room": self.editing.edit_room}[kind](ident)

    def _archive_selected(self) -> None:
        selection = self._selection()
        if selection is not None:
            self.editing.archive(*selection)

    def _in_ledger(self, method: str) -> None:
        """A Ledger menu item: the ledger pane, then its action. A payment or a charge opens
        over the pane the operator is in, on what is selected there."""
        if method in ("record_payment", "charge_or_credit"):
            ledger: Any = self.pane("ledger")
            opener = ledger.open_payment if method == "record_payment" else ledger.open_charge
            opener(self.lease_choice(), self)
            return
        self.show_pane("ledger")
        getattr(self.pane("ledger"), method)()

    def lease_choice(self) -> Any:
        """What the operator has selected (`ui.ledger.dialogs.LeaseChoice`): the current
        pane's selection (a lease, a ledger entry, a reminder, a tenant's record, a room),
        else the room selected in the property tree; None if nothing is."""
        pane = self.panes.get(self.current_pane or "")
        if pane is not None and self.stack.currentWidget() is pane:
            choose = getattr(pane, "lease_choice", None)
            choice = choose() if callable(choose) else None
            if choice is not None:
                return choice
        node = self.tree.selected_node()
        if node is not None and node.kind == "room" and self.tree.isVisible():
            from coliv_desktop.ui.ledger.dialogs import LeaseChoice

            return LeaseChoice(room_id=node.id)
        return None

    def _new_lease(self) -> None:
        selection = self._selection()
        room = selection[1] if selection is not None and selection[0] == "room" else None
        self.editing.new_lease(room_id=room)

    def _focus_search(self) -> None:
        widget = self.stack.currentWidget()
        from PySide6.QtWidgets import QLineEdit

        boxes = widget.findChildren(QLineEdit, "search") if widget is not None else []
        shown = [box for box in boxes if box.isVisible()]  # not one on a hidden tab
        (shown[0] if shown else self.tree.filter).setFocus()

    # --- database state ---------------------------------------------------------------------

    def _database_switched(self) -> None:
        self._update_title()
        self._set_database_actions(True)
        self.check_sign_in()
        self.show_pane(self.current_pane or str(
            self.ctx.settings.value("window/pane", "dashboard")))

    def _set_database_actions(self, enabled: bool) -> None:
        """With a book open, what the signed-in user's role allows (the rest disabled: the
        services refuse it anyway); the panes' own buttons follow (`refresh_gates`)."""
        for action in self._db_actions:
            needs = self._needs.get(action)
            action.setEnabled(enabled and (needs is None or self.ctx.may(needs)))
        for key, action in self.pane_actions.items():
            action.setEnabled(enabled and self._may_open(key))
        refresh_gates(self)
        self.tree.setVisible(enabled)
        self._set_user_actions()
        if enabled and self.ctx.has_database:
            self.backup_action.setStatusTip(
                "Copy the database file into its backups folder"
                if config.is_sqlite(self.ctx.db.url) else
                "Export every table to a JSON file in the backups folder")

    # --- users and sign-in --------------------------------------------------------------------

    def _set_user_actions(self) -> None:
        """File ▸ Users… for owners only (hidden for the rest); the signed-in user's own
        password and authenticator for anyone who is a user of the book."""
        ctx = self.ctx
        actor = ctx.actor if ctx.has_database else None
        owner = actor is not None and actor.may("users.admin")
        self.users_action.setEnabled(owner)
        self.users_action.setVisible(owner)
        own = actor is not None and actor.user_id is not None and actor.read_only is None
        self.own_password_action.setEnabled(own)
        self.own_totp_action.setEnabled(own)

    def check_sign_in(self) -> None:
        """In a worker: does the book have passwords? Then the status bar names who is signed
        in; a PostgreSQL book without any gets the banner urging an owner to set one."""
        if not self.ctx.has_database:
            self.password_banner.hide()
            self.signed_in_label.hide()
            return
        db, actor = self.ctx.db, self.ctx.actor

        def read() -> bool:
            from coliv_desktop.services import users

            return users.needs_sign_in(db)

        def done(needed: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self.ctx.bus.error.emit(str(error))
                return
            self.password_banner.setVisible(not needed and not db.is_sqlite)
            self.signed_in_label.setText(f"Signed in as {actor.name} ({actor.role})")
            self.signed_in_label.setVisible(bool(needed))

        self.ctx.run_task(read, done, quiet=True)

    def show_users(self) -> Any:
        """File ▸ Users… (owners): the list of users and what can be done to each."""
        from coliv_desktop.ui.users.dialogs import UsersDialog

        dialog = UsersDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.check_sign_in)
        dialog.open()
        return dialog

    def run_dialog(self, dialog: Any) -> int:
        """A modal step of the users' menu items (tests replace it)."""
        return int(dialog.exec())

    def _export_list(self) -> None:
        from coliv_desktop.ui.common.table_export import list_in_front

        view = list_in_front(self.stack.currentWidget())
        if view is None:
            self.ctx.bus.status_message.emit("There is no list here to export")
        else:
            view.export()

    def _export_journal(self) -> None:
        from coliv_desktop.ui.journals.dialog import JournalDialog

        self.run_dialog(JournalDialog(self.ctx, self))

    def save_recovery_sheet(self) -> None:
        from coliv_desktop.ui.users.book_key import save_recovery_sheet

        save_recovery_sheet(self.ctx, self)

    def enter_book_key(self) -> Any:
        from coliv_desktop.ui.users.book_key import EnterBookKeyDialog

        dialog = EnterBookKeyDialog(self.ctx, self)
        self.run_dialog(dialog)
        return dialog

    def change_my_password(self) -> Any:
        from coliv_desktop.ui.users.dialogs import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.ctx, self)
        if self.run_dialog(dialog) == 1:
            self.statusBar().showMessage("Your password is changed.", 6000)
            self.check_sign_in()
        return dialog

    def set_up_my_authenticator(self) -> None:
        from coliv_desktop.ui.users.dialogs import set_up_authenticator

        set_up_authenticator(self.ctx, self, self.ctx.actor.name, self.run_dialog,
                             lambda text: self.statusBar().showMessage(text, 10000))

    def _update_title(self) -> None:
        label = self.ctx.db_label
        if self.ctx.has_database:
            short = Path(label).name if "://" not in label else label
            self.setWindowTitle(f"{short}{' (read-only)' if self.ctx.db.read_only else ''} — "
                                f"{APP_TITLE}")
            kind = "SQLite" if self.ctx.db.is_sqlite else "PostgreSQL"
            self.db_label.setText(f"{kind}: {label}")
        else:
            self.setWindowTitle(APP_TITLE)
            self.db_label.setText("No database open")

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.ctx.recent_databases()
        if not recent:
            empty = self.recent_menu.addAction("(none yet)")
            empty.setEnabled(False)
        for number, text in enumerate(recent, start=1):
            path = config.sqlite_text_path(text)
            label = path.name if path is not None else config.display_text(text)
            missing = path is not None and not path.exists()
            action = self.recent_menu.addAction(
                f"&{number} {label}" + ("  (missing)" if missing else ""))
            action.setToolTip(str(path) if path is not None else config.display_text(text))
            action.setStatusTip(action.toolTip())
            action.setEnabled(not missing)  # moved, renamed or on a drive not plugged in
            action.triggered.connect(partial(self.databases.open_text, text))
        if recent:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("&Clear the List")
            clear.setObjectName("clear_recent")
            clear.triggered.connect(lambda: self.ctx.settings.setValue("database/recent", []))

    def _show_error(self, text: str) -> None:
        logging.getLogger("coliv").warning("%s", text)  # the status bar forgets; the log keeps
        self.statusBar().showMessage(text, 10000)

    def _about(self) -> Any:
        """Help ▸ About: version, data locations and the licences (ui/shell/about.py)."""
        from coliv_desktop.ui.shell.about import AboutDialog

        dialog = AboutDialog(self.ctx.db_label, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def quick_find(self) -> Any:
        """Edit ▸ Go To…: a small window over this one; Enter opens what was found."""
        from coliv_desktop.ui.shell.quick_find import QuickFind

        if self.quick_find_dialog is None:  # one, kept: a search still running finds it there
            self.quick_find_dialog = QuickFind(self.ctx, self)
        self.quick_find_dialog.start()
        return self.quick_find_dialog

    def show_shortcuts(self) -> Any:
        """Non-modal, so it can stay open beside the window while the keys are tried."""
        from coliv_desktop.ui.shell.shortcuts import ShortcutsDialog

        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self.ctx, self.menuBar(), self)
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()
        self.shortcuts_dialog.search.setFocus()
        return self.shortcuts_dialog

    def _open_in_system(self, path: Path) -> None:
        """The folder or file in the system's file manager or viewer (a log not written yet:
        its folder)."""
        from coliv_desktop.files import make_folders

        target = path if path.exists() else path.parent
        if not target.exists():
            make_folders(target)  # private (0700) where it is new (never a file: the log)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    # --- settings ---------------------------------------------------------------------------

    def _restore_window(self) -> None:
        settings = self.ctx.settings
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))  # fitted to the screen when shown
        else:
            self.resize(screens.first_size(self))
        state = settings.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
        else:
            self.resizeDocks([self.tree], [300], Qt.Orientation.Horizontal)

    def save_settings(self) -> None:
        settings = self.ctx.settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        for pane in self.panes.values():
            for view in pane.findChildren(QWidget):
                save = getattr(view, "save_columns", None)
                if callable(save):
                    save()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        QTimer.singleShot(0, self.ctx.tasks.wait_idle)
        super().closeEvent(event)
