"""The Ledger pane: every charge and payment (filtered, sorted and paged by the database, with
totals), the month's collection board, reports, utility bills and the reminders outbox; the
actions: rent run, record payment, void, receipt, utility bill, late fee rules."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, SignalInstance
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.paging import Cursor, Seek, Slice
from coliv_desktop.schemas.ledger import LedgerEntryRow, RentRunResult
from coliv_desktop.services import ledger_list, portfolio, printing, rent_run
from coliv_desktop.services.clock import today
from coliv_desktop.services.ledger_list import LedgerQuery, LedgerTotals
from coliv_desktop.ui.common.context import AppContext, SignalBus
from coliv_desktop.ui.common.models.paged import PagedQueryModel
from coliv_desktop.ui.common.pane import Pane
from coliv_desktop.ui.common.tasks import TaskCancelled, TaskControl, run_with_progress
from coliv_desktop.ui.common.widgets import (
    GatedButton,
    ListView,
    Messages,
    not_saved,
    search_box,
)
from coliv_desktop.ui.ledger.dialogs import (
    ChargeOrCreditDialog,
    LeaseChoice,
    RecordPaymentDialog,
    VoidDialog,
)
from coliv_desktop.ui.ledger.reminders import RemindersView
from coliv_desktop.ui.ledger.utilities import UtilitiesView, UtilityBillDialog
from coliv_desktop.ui.ledger.views import (
    CollectionView,
    ReportsView,
    entry_columns,
    fit_entry_columns,
    preview_pdf,
    status_style,
)
from coliv_desktop.ui.shell.profile_prompt import with_profile
from coliv_desktop.ui.shell.startup import describe

RECEIPT_BATCH = 50  # receipts per step: progress moves and Cancel answers between steps


def footer_html(totals: LedgerTotals, money: Callable[[Decimal], str]) -> str:
    """The footer: how many entries, what they charge and receive, and the balance left."""
    balance = totals.net
    colour = "#b3261e" if balance > 0 else "#1e7b34"
    label = "Balance owed" if balance > 0 else ("Credit" if balance < 0 else "Balance")
    cell = "&nbsp;&nbsp;&nbsp;&nbsp;"
    return (f"<span style='color:#57606a'>{totals.count:,} entries</span>{cell}"
            f"Charged <b>{money(totals.charged)}</b>{cell}"
            f"Received <b>{money(totals.received)}</b>{cell}"
            f"{label} <b style='color:{colour}'>{money(abs(balance))}</b>")


STATUSES = [("All entries", None), ("Overdue", "overdue"), ("Pending", "pending"),
            ("Partly paid", "partial"), ("Paid", "paid"), ("Payments", "payment"),
            ("Void", "void")]


class LedgerPane(Pane):
    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        return (bus.ledger_changed, bus.leases_changed, bus.portfolio_changed, bus.settings_changed)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.query = LedgerQuery()
        self.model: PagedQueryModel[LedgerEntryRow] = PagedQueryModel(
            entry_columns(), None, self._count, seek=self._seek, anchors=self._anchors,
            default_sort="day", run=ctx.run_task, money=ctx.money, style=status_style)
        self.model.descending = True
        self.list = ListView(self.model, ctx.settings, "ledger")
        fit_entry_columns(self.list)
        self.list.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.list.doubleClicked.connect(lambda _i: self.open_lease())
        self.footer = QLabel()
        self.footer.setObjectName("ledger_totals")
        self.footer.setTextFormat(Qt.TextFormat.RichText)
        self.footer.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.footer.setStyleSheet("padding: 4px 2px;")
        self.totals: LedgerTotals | None = None
        entries = QWidget()
        box = QVBoxLayout(entries)
        box.addLayout(self._build_filters())
        box.addLayout(self._build_actions())
        box.addWidget(self.list, 1)
        box.addWidget(self.footer)
        self.collection = CollectionView(ctx)
        self.reports = ReportsView(ctx)
        self.utilities = UtilitiesView(ctx)
        self.reminders = RemindersView(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(entries, "Entries")
        self.tabs.addTab(self.collection, "Collection")
        self.tabs.addTab(self.reports, "Reports")
        self.tabs.addTab(self.utilities, "Utility bills")
        self.tabs.addTab(self.reminders, "Reminders")
        self.tabs.currentChanged.connect(lambda _i: self._reload_tab())
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self._totals_request = 0
        self._totals_due = False
        self.model.modelReset.connect(self._rows_loaded)

    def _build_filters(self) -> QHBoxLayout:
        """Property, status, dates and the search box; each change reads the list again."""
        self.property_box = QComboBox()
        self.property_box.setObjectName("filter_property")
        self.property_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.property_box.setMinimumWidth(150)
        self.status = QComboBox()
        self.status.setObjectName("filter_status")
        for label, key in STATUSES:
            self.status.addItem(label, key)
        self.use_dates = QCheckBox("From")
        self.start = QDateEdit(QDate(today().year, today().month, 1))
        self.end = QDateEdit(QDate(today().year, today().month, today().day))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.search = search_box("Search tenant, room or description")
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for signal in (self.property_box.currentIndexChanged, self.status.currentIndexChanged,
                       self.start.dateChanged, self.end.dateChanged, self.use_dates.toggled):
            signal.connect(lambda *_a: self.apply_filters())
        filters = QHBoxLayout()
        filters.addWidget(self.property_box)
        filters.addWidget(self.status)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.start)
        filters.addWidget(QLabel("to"))
        filters.addWidget(self.end)
        filters.addWidget(self.search, 1)
        return filters

    def _build_actions(self) -> QHBoxLayout:
        actions = QHBoxLayout()
        for text, slot, name, tip in [
            ("Rent run…", self.run_rent, "rent_run", "Post the rent due up to today"),
            ("Record payment…", self.record_payment, "record_payment",
             "Money received: see where it goes before saving"),
            ("Charge / credit…", self.charge_or_credit, "charge_or_credit",
             "A charge entered by hand (a repair, a key) or a credit (goodwill, a correction)"),
            ("Void…", self.void_selected, "void", "Void the selected entry, with the reason"),
            ("Receipt", self.receipt, "receipt", "The selected payment's receipt (PDF)"),
            ("Receipts…", self.receipts, "receipts",
             "A receipt PDF for every payment the list shows now, into a folder"),
            ("Utility bill…", self.utility_bill, "utility_bill",
             "Split a utility bill across the rooms of a unit or a property"),
            ("Late fees…", self.late_fee_rules, "late_fee_rules",
             "Late fee rules per property, and the operator default"),
        ]:
            # reading roles (a viewer) see the list and its receipts, not the commands
            button = (QPushButton(text) if name in ("receipt", "receipts")
                      else GatedButton(QIcon(), text, None, self.ctx.allows("ledger.write")))
            button.setObjectName(name)
            button.setToolTip(tip)
            button.clicked.connect(lambda *_a, s=slot: s())
            actions.addWidget(button)
            if name == "receipts":
                actions.addSpacing(16)
        actions.addStretch(1)
        return actions

    # --- data --------------------------------------------------------------------------------

    def _seek(self, search: str, sort: str, desc: bool, seek: Seek, limit: int
              ) -> Slice[LedgerEntryRow]:
        return ledger_list.ledger_seek(self.ctx.db, self.ctx.actor, self.query, sort, desc, seek,
                                       limit)

    def _anchors(self, search: str, sort: str, desc: bool, every: int) -> list[Cursor]:
        return ledger_list.ledger_anchors(self.ctx.db, self.ctx.actor, self.query, sort, desc,
                                          every)

    def _count(self, search: str) -> int:
        return ledger_list.ledger_count(self.ctx.db, self.ctx.actor, self.query)

    def reload(self) -> None:
        self.apply_filters()  # the list's queries first: they hold the workers first
        self._load_properties()
        self._reload_tab()

    def _reload_tab(self) -> None:
        current = self.tabs.currentWidget()
        if current in (self.collection, self.reports, self.utilities, self.reminders):
            current.reload()

    def _load_properties(self) -> None:
        """The property filter's choices, read in a worker (the list does not wait for it)."""
        db = self.ctx.db
        actor = self.ctx.actor

        def done(props: list[tuple[str, str]] | None, error: BaseException | None) -> None:
            if error is not None or props is None:
                return
            current = self.property_box.currentData()
            self.property_box.blockSignals(True)
            self.property_box.clear()
            self.property_box.addItem("All properties", None)
            for name, ident in props:
                self.property_box.addItem(name, ident)
            self.property_box.setCurrentIndex(max(0, self.property_box.findData(current)))
            self.property_box.blockSignals(False)

        self.ctx.run_task(lambda: [(name, str(ident)) for ident, name
                                   in portfolio.property_choices(db, actor)], done)

    def current_query(self) -> LedgerQuery:
        dates: dict[str, Any] = {}
        if self.use_dates.isChecked():
            dates = {"start": self.start.date().toPython(), "end": self.end.date().toPython()}
        chosen = self.property_box.currentData()
        return LedgerQuery(property_id=uuid.UUID(chosen) if chosen else None,
                           status=self.status.currentData(), search=self.search.text(), **dates)

    def apply_filters(self) -> None:
        self.query = self.current_query()
        self._totals_request += 1
        self._totals_due = True  # once the rows are in: the list paints first, then the footer
        self.model.reload()

    def _rows_loaded(self) -> None:
        if self._totals_due:
            self._totals_due = False
            self._load_totals()

    def _load_totals(self) -> None:
        request, query = self._totals_request, self.query

        def done(totals: LedgerTotals | None, error: BaseException | None) -> None:
            if request != self._totals_request or totals is None:
                return
            self.totals = totals
            self.footer.setText(footer_html(totals, self.ctx.money))

        self.ctx.run_task(lambda: ledger_list.ledger_totals(self.ctx.db, self.ctx.actor, query),
                          done)

    # --- actions -----------------------------------------------------------------------------

    def selected(self) -> LedgerEntryRow | None:
        row = self.list.current_row()
        return row if isinstance(row, LedgerEntryRow) else None

    def open_lease(self) -> None:
        row = self.selected()
        if row is not None:
            self.ctx.open_lease(row.lease_id)

    def run_rent(self, through: date | None = None) -> None:
        day = through or today()
        db, actor = self.ctx.db, self.ctx.actor

        def work(control: TaskControl) -> RentRunResult:
            def progress(done: int, total: int, text: str) -> None:
                control.progress(done, total, f"Posting {text}...")
                control.check()  # Cancel rolls the whole run back
            return rent_run.run_rent(db, actor, day, progress)

        def done(result: Any, error: BaseException | None) -> None:
            if error is not None:
                self.ctx.bus.status_message.emit(f"Rent run stopped: {error}")
                return
            self.ctx.bus.status_message.emit(describe(result))
            self.ctx.bus.ledger_changed.emit()

        run_with_progress(self.ctx.tasks, self, "Rent run", work, done)

    def lease_choice(self) -> LeaseChoice | None:
        """The lease a payment or a charge starts from: the row selected on the tab shown (an
        entry, a collection row, an aging line, a reminder), else the one lease its filter
        leaves listed."""
        tab = self.tabs.currentWidget()
        view = self.list if tab is self.tabs.widget(0) else getattr(tab, "view", None)
        if not isinstance(view, ListView):
            return None
        row = view.current_row()
        lease_id = getattr(row, "lease_id", None) if row is not None else None
        if lease_id is None and (row is None or getattr(row, "tenant_id", None) is None):
            lease_id = view.lone_value("lease_id")
        if isinstance(lease_id, uuid.UUID):
            return LeaseChoice(lease_id=lease_id)
        tenant_id = getattr(row, "tenant_id", None) if row is not None else None
        return LeaseChoice(tenant_id=tenant_id) if isinstance(tenant_id, uuid.UUID) else None

    def record_payment(self) -> RecordPaymentDialog:
        """The pane's button: on what is selected here; never just the first lease."""
        return self.open_payment(self.lease_choice())

    def charge_or_credit(self) -> ChargeOrCreditDialog:
        return self.open_charge(self.lease_choice())

    def open_payment(self, choice: LeaseChoice | None, parent: QWidget | None = None
                     ) -> RecordPaymentDialog:
        """Record Payment on `choice` (from any pane: Ledger ▸ Record Payment, Ctrl+Shift+M,
        passes what is selected where the operator is)."""
        dialog = RecordPaymentDialog(self.ctx, choice, parent or self)
        dialog.open()
        return dialog

    def open_charge(self, choice: LeaseChoice | None, parent: QWidget | None = None
                    ) -> ChargeOrCreditDialog:
        dialog = ChargeOrCreditDialog(self.ctx, choice, parent or self)
        dialog.open()
        return dialog

    def void_selected(self) -> VoidDialog | None:
        row = self.selected()
        if row is None or row.status == "void":
            QMessageBox.information(self, "Void", "Select an entry that is not already void.")
            return None
        label = f"{row.day} · {row.tenant_name} · {row.description} · {self.ctx.money(row.amount)}"
        dialog = VoidDialog(self.ctx, row.entry, row.id, label, self)
        dialog.open()
        return dialog

    def receipt(self) -> None:
        row = self.selected()
        if row is None or row.entry != "payment" or row.kind != "payment":
            QMessageBox.information(self, "Receipt", "Select a payment to print its receipt.")
            return
        preview_pdf(self.ctx, self, "Receipt",
                    lambda p: printing.receipt_pdf(self.ctx.db, self.ctx.actor, row.id, p))

    def choose_folder(self) -> str | None:
        folder = QFileDialog.getExistingDirectory(self, "Save the receipts in")
        return folder or None

    def receipts(self) -> None:
        """Every receipt of the payments listed (the filters apply), as PDFs in a folder:
        in the background, with progress and Cancel (receipts made so far stay)."""
        with_profile(self.ctx, self, self._receipts)

    def _receipts(self) -> None:
        folder = self.choose_folder()
        if not folder:
            return
        db, query, target = self.ctx.db, self.current_query(), Path(folder)
        actor = self.ctx.actor

        def work(control: TaskControl) -> list[Path]:
            ids = ledger_list.receipt_payment_ids(db, actor, query)
            made: list[Path] = []
            for start in range(0, len(ids), RECEIPT_BATCH):
                control.check()
                control.progress(start, len(ids), f"Receipt {start + 1:,} of {len(ids):,}…")
                made += printing.receipts_pdfs(db, actor, ids[start:start + RECEIPT_BATCH], target)
            return made

        def done(made: Any, error: BaseException | None) -> None:
            if isinstance(error, TaskCancelled):
                self.ctx.bus.status_message.emit("Receipts stopped; those made so far are in "
                                                 f"{target}")
            elif error is not None:
                problem = not_saved(error, target)
                if problem is not None:  # a folder that cannot be written: say so plainly
                    Messages.warn(self, "Receipts not saved", problem)
                self.ctx.bus.error.emit(problem or f"Could not make the receipts: {error}")
            elif not made:
                QMessageBox.information(self, "Receipts", "The list shows no payments with a "
                                        "receipt. Choose \"Payments\" or widen the filters.")
            else:
                self.ctx.bus.status_message.emit(f"{len(made):,} receipts saved in {target}")

        run_with_progress(self.ctx.tasks, self, "Receipts", work, done)

    def show_view(self, view: str) -> None:
        """`open_pane_view`: "utilities" or "reminders" (the tab), else the entries."""
        tabs: dict[str, QWidget] = {"utilities": self.utilities, "reminders": self.reminders}
        self.tabs.setCurrentIndex(self.tabs.indexOf(tabs[view]) if view in tabs else 0)

    def utility_bill(self) -> UtilityBillDialog:
        """Enter a bill (for the property filtered on, if any); its notices show once posted."""
        chosen = self.property_box.currentData()
        self.tabs.setCurrentWidget(self.utilities)
        return self.utilities.enter_bill(uuid.UUID(chosen) if chosen else None)

    def late_fee_rules(self) -> Any:
        from coliv_desktop.ui.ledger.late_fees import LateFeesDialog

        dialog = LateFeesDialog(self.ctx, self)
        dialog.open()
        return dialog
