"""Books (issue 15): expenses, recurring bills, profit and loss and Schedule E, for one
property or all, one tab each. Money: only the roles that read the ledger see it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, SignalInstance
from PySide6.QtGui import QDesktopServices, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.schemas.books import CategoryOut
from coliv_desktop.services import expenses
from coliv_desktop.ui.books.bills import BillsTab
from coliv_desktop.ui.books.expenses import ExpensesTab
from coliv_desktop.ui.books.pnl import PnlTab, ScheduleETab
from coliv_desktop.ui.common.context import AppContext, SignalBus
from coliv_desktop.ui.common.pane import Pane
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.common.widgets import heading
from coliv_desktop.ui.maintenance.dialogs import Places, load_places, select_data

NEW_KEY = QKeySequence("Ctrl+N")
TABS = ("expenses", "bills", "pnl", "schedule-e")


class BooksPane(Pane):
    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        # income comes from the ledger; maintenance costs and the portfolio's names too
        return (bus.ledger_changed, bus.portfolio_changed, bus.leases_changed)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.places = Places()
        self.categories: list[CategoryOut] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Books"))
        top.addStretch(1)
        top.addWidget(QLabel("Property"))
        self.property_filter = QComboBox()
        self.property_filter.setObjectName("books_property")
        self.property_filter.setMinimumWidth(220)
        self.property_filter.addItem("All properties", "")
        self.property_filter.setToolTip("One property's books, or every property's")
        self.property_filter.currentIndexChanged.connect(lambda *_: self._reload_tabs())
        top.addWidget(self.property_filter)
        layout.addLayout(top)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("books_tabs")
        self.expenses = ExpensesTab(self)
        self.bills = BillsTab(self)
        self.pnl = PnlTab(self)
        self.schedule_e = ScheduleETab(self)
        for tab in (self.expenses, self.bills, self.pnl, self.schedule_e):
            self.tabs.addTab(tab, tab.title)
        layout.addWidget(self.tabs, 1)
        # Delete voids the expense shown (stops the bill); a search box keeps its own Delete
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tabs)
        delete.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete.activated.connect(self._delete)
        # Ctrl+N is File > New Database elsewhere: here it adds an expense (or a bill)
        self.installEventFilter(self)
        for child in self.findChildren(QObject):
            if child.isWidgetType():
                child.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Accepting the ShortcutOverride while the focus is in this pane delivers Ctrl+N
        here as a key press, not to the window-wide New Database (see the Community pane)."""
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and \
                isinstance(event, QKeyEvent) and self.ctx.may("ledger.write") and \
                QKeySequence(event.keyCombination()) == NEW_KEY:
            event.accept()
            if event.type() == QEvent.Type.KeyPress:
                self._new()
            return True
        return super().eventFilter(watched, event)

    def show_view(self, view: str) -> None:
        """`open_pane_view`: a tab by name (expenses, bills, pnl, schedule-e)."""
        if view in TABS:
            self.tabs.setCurrentIndex(TABS.index(view))

    def _new(self) -> None:
        if self.tabs.currentWidget() is self.bills:
            self.bills.add()
        else:
            self.tabs.setCurrentWidget(self.expenses)
            self.expenses.add()

    def _delete(self) -> None:
        if self.tabs.currentWidget() is self.expenses:
            self.expenses.void()
        elif self.tabs.currentWidget() is self.bills:
            self.bills.archive()

    # --- loading ---------------------------------------------------------------------------

    @property
    def property_id(self) -> uuid.UUID | None:
        value = self.property_filter.currentData()
        return uuid.UUID(value) if value else None

    def reload(self) -> None:
        if not self.ctx.has_database:
            return
        ctx = self.ctx

        def load() -> tuple[Places, list[CategoryOut]]:
            return load_places(ctx), expenses.list_categories(ctx.db, ctx.actor)

        self.ctx.run_task(load, self._loaded)

    def _loaded(self, result: Any, error: BaseException | None) -> None:
        import shiboken6

        if not shiboken6.isValid(self):
            return
        if error is not None:
            self.ctx.bus.error.emit(f"Could not load the books: {error}")
            return
        self.places, self.categories = result
        keep = self.property_id
        self.property_filter.blockSignals(True)
        self.property_filter.clear()
        self.property_filter.addItem("All properties", "")
        for ident, name in sorted(self.places.properties.items(),
                                  key=lambda kv: kv[1].casefold()):
            self.property_filter.addItem(name, str(ident))
        if keep is not None:
            select_data(self.property_filter, keep)
        self.property_filter.blockSignals(False)
        self.expenses.set_categories(self.categories)
        self._reload_tabs()

    def _reload_tabs(self) -> None:
        for tab in (self.expenses, self.bills, self.pnl, self.schedule_e):
            tab.reload()
        self.loaded.emit()

    # --- modal steps (through ctx.editing, which the tests drive) ----------------------------

    def run_dialog(self, dialog: QDialog) -> int:
        if self.ctx.editing is not None:
            return self.ctx.editing.run_dialog(dialog)
        return dialog.exec()

    def ask_text(self, title: str, label: str) -> str | None:
        if self.ctx.editing is not None:
            return self.ctx.editing.ask_text(title, label)
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(self, title, label)
        return text if ok else None

    def confirm(self, title: str, text: str) -> bool:
        if self.ctx.editing is not None:
            return self.ctx.editing.confirm(title, text)
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

    def show_file(self, path: Path, name: str, parent: QWidget | None = None) -> None:
        """A receipt: a PDF in the preview, anything else in the system's viewer."""
        if path.suffix.lower() == ".pdf":
            preview = PdfPreview(path, name, parent or self)
            preview.open()
            self.setProperty("last_preview", preview)
        else:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
