"""The collection view (the seed's flow 4.3 board), report views with CSV/PDF export, and a
lease's own ledger tab."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.aging import BUCKETS
from coliv_desktop.domain.paging import Cursor, Seek, Slice
from coliv_desktop.domain.wording import plural
from coliv_desktop.schemas.ledger import LedgerEntryRow
from coliv_desktop.schemas.reports import CollectionReport, CollectionRow, RentRollRow
from coliv_desktop.services import ledger, ledger_list, printing, reports
from coliv_desktop.services.clock import today
from coliv_desktop.services.ledger_list import LedgerQuery
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.models.paged import PagedQueryModel
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.common.widgets import ListView, Messages, list_filter, not_saved
from coliv_desktop.ui.shell.profile_prompt import with_profile

# Charge statuses (domain.ledger.charge_status) and a room's standing for a month
# (domain.aging.account_status: "due" = something open, nothing past due).
STATUS_COLOURS = {"paid": "#1e7b34", "overdue": "#b3261e", "partial": "#a15c00",
                  "pending": "#5f6368", "due": "#5f6368", "void": "#9aa0a6",
                  "received": "#1a5fa8"}
STATUS_LABELS = {"paid": "Paid", "overdue": "Overdue", "partial": "Partly paid",
                 "pending": "Pending", "due": "Due", "void": "Void", "received": "Received"}


def status_style(row: Any) -> tuple[QColor | None, bool]:
    """Rows stay in the normal text colour (the status column carries the colour); a void
    entry is greyed, since it no longer counts."""
    return (QColor(STATUS_COLOURS["void"]) if getattr(row, "status", "") == "void" else None,
            False)


def status_text(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


class StatusDelegate(QStyledItemDelegate):
    """Paints a status as a small coloured chip: the one place a row shows its colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        key = next((k for k, v in STATUS_LABELS.items() if v == text), text.lower())
        colour = QColor(STATUS_COLOURS.get(key, "#5f6368"))
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if not text:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(opt.font)
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        font.setBold(True)
        metrics = QFontMetrics(font)
        width = min(metrics.horizontalAdvance(text) + 16, opt.rect.width() - 8)
        height = min(metrics.height() + 4, opt.rect.height() - 4)
        chip = QRectF(opt.rect.x() + 4, opt.rect.center().y() - height / 2 + 1, width, height)
        fill = QColor(colour)
        fill.setAlpha(34)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(chip, height / 2, height / 2)
        painter.setPen(colour.darker(115))
        painter.setFont(font)
        painter.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()


def export(ctx: AppContext, parent: QWidget, name: str,
           write: Callable[[Path], Path]) -> None:
    """Ask for a .csv or .pdf file name, then write it in the background."""
    target, _ = QFileDialog.getSaveFileName(parent, "Export", name,
                                            "PDF files (*.pdf);;CSV files (*.csv)")
    if not target:
        return

    def done(path: Any, error: BaseException | None) -> None:
        problem = not_saved(error, target) if error is not None else None
        if problem is not None:
            Messages.warn(parent, "Not exported", problem)
        ctx.bus.status_message.emit(problem or (f"Could not export: {error}" if error
                                                else f"Saved {path}"))

    def start() -> None:
        ctx.run_task(lambda: write(Path(target)), done)

    if target.lower().endswith(".csv"):
        start()
    else:
        with_profile(ctx, parent, start)


def lease_agreement(ctx: AppContext, parent: QWidget, lease_id: uuid.UUID) -> None:
    """The lease agreement (from its template), previewed with Print and Save as."""
    preview_pdf(ctx, parent, "Lease agreement",
                lambda p: printing.lease_pdf(ctx.db, ctx.actor, lease_id, p))


def preview_pdf(ctx: AppContext, parent: QWidget, title: str,
                write: Callable[[Path], Path],
                opened: Callable[[PdfPreview], None] | None = None) -> None:
    """Render a PDF in the background, then show it with Print and Save as (`opened` gets the
    preview, to hear when it was printed or saved). Asks about an unset business profile
    first (`with_profile`)."""

    def done(path: Any, error: BaseException | None) -> None:
        if error is not None:
            ctx.bus.error.emit(str(error))
            return
        dialog = PdfPreview(Path(path), title, parent)
        if opened is not None:
            opened(dialog)
        dialog.open()
        parent.setProperty("last_preview", dialog)

    def start() -> None:
        folder = Path(tempfile.mkdtemp(prefix="coliv-preview-"))
        ctx.run_task(lambda: write(folder / "document.pdf"), done)

    with_profile(ctx, parent, start)


class CollectionView(QWidget):
    """Rent collection for one month: each room's tenant with Paid / Due / Overdue."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.month = QDateEdit(QDate(today().year, today().month, 1))
        self.month.setDisplayFormat("MMMM yyyy")
        self.month.setObjectName("collection_month")
        self.summary = QLabel()
        self.summary.setObjectName("collection_summary")
        self.summary.setStyleSheet("font-size: 12pt; padding: 4px;")
        self.model: RowTableModel[CollectionRow] = RowTableModel([
            Column("property", "Property", lambda r: r.property, width=170),
            Column("room", "Room", lambda r: f"{r.unit}-{r.room}", width=70),
            Column("tenant", "Tenant", lambda r: r.tenant, width=190),
            Column("due", "Due", lambda r: r.due, "money", width=110),
            Column("paid", "Paid", lambda r: r.paid, "money", width=110),
            Column("status", "Status", lambda r: r.status, width=104,
                   display=lambda r: status_text(r.status)),
        ], money=ctx.money, style=status_style)
        self.view = ListView(self.model, ctx.settings, "collection")
        self.view.setItemDelegateForColumn(self.model.column_index("status"),
                                           StatusDelegate(self.view))
        export_button = QPushButton("Export...")
        export_button.clicked.connect(lambda: export(
            ctx, self, f"collection-{self.month_text}.pdf",
            lambda p: printing.collection_file(ctx.db, ctx.actor, self.month_text, p)))
        top = QHBoxLayout()
        top.addWidget(QLabel("Month"))
        top.addWidget(self.month)
        top.addWidget(self.summary, 1)
        top.addWidget(export_button)
        self.filter = list_filter([self.view], "Filter by property, room, tenant or status")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)
        self.month.dateChanged.connect(lambda _d: self.reload())
        self.report: CollectionReport | None = None

    @property
    def month_text(self) -> str:
        return self.month.date().toString("yyyy-MM")

    def reload(self) -> None:
        month = self.month_text
        self.ctx.run_task(lambda: reports.collection(self.ctx.db, self.ctx.actor, month),
                          self._show)

    def _show(self, report: CollectionReport | None, error: BaseException | None) -> None:
        if error is not None or report is None:
            self.summary.setText(str(error))
            return
        self.report = report
        money = self.ctx.money
        self.model.set_rows(report.rooms)
        self.summary.setText(
            f"Collected {money(report.collected)} / {money(report.expected)} "
            f"({report.collection_rate}%) · Outstanding {money(report.outstanding)}")


class ReportsView(QWidget):
    """Aging, rent roll and income on screen, exported as CSV or PDF."""

    REPORTS = ("Aging", "Rent roll", "Income by property and month")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.choice = QComboBox()
        self.choice.setObjectName("report_choice")
        self.choice.addItems(self.REPORTS)
        self.year = QSpinBox()  # the income report's year
        self.year.setObjectName("report_year")
        self.year.setRange(2000, 2100)
        self.year.setValue(today().year)
        self.year.setToolTip("The year of the income report")
        self.year.hide()
        self.summary = QLabel()
        self.model: RowTableModel[Any] = RowTableModel([], money=ctx.money)
        self.view = ListView(self.model, ctx.settings, "ledger_report")
        export_button = QPushButton("Export...")
        export_button.clicked.connect(self.export)
        top = QHBoxLayout()
        top.addWidget(self.choice)
        top.addWidget(self.year)
        top.addWidget(self.summary, 1)
        top.addWidget(export_button)
        self.filter = list_filter([self.view], "Filter the report")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)
        self.choice.currentIndexChanged.connect(lambda _i: self.reload())
        self.year.valueChanged.connect(lambda _v: self.reload())

    def _columns(self, name: str) -> list[Column[Any]]:
        if name == "Aging":
            return [Column("tenant", "Tenant", lambda r: r.tenant, width=150),
                    Column("room", "Room", lambda r: f"{r.property} {r.unit}-{r.room}",
                           width=160),
                    *[_bucket_column(b) for b in BUCKETS],
                    Column("total", "Total", lambda r: r.total, "money", width=95)]
        if name == "Rent roll":  # the leases, then the vacant rooms and beds
            return [Column("property", "Property", lambda r: r.property, width=140),
                    Column("room", "Room", lambda r: f"{r.unit}-{r.room}" + (
                        f" bed {r.bed}" if getattr(r, "shared", False) else ""), width=65),
                    Column("tenant", "Tenant", lambda r: r.tenant if isinstance(
                        r, RentRollRow) else f"Vacant: {r.note()}", width=150),
                    Column("start", "Start", lambda r: getattr(r, "lease_start", None), "date",
                           width=92),
                    Column("end", "End", lambda r: getattr(r, "lease_end", None), "date",
                           width=92),
                    Column("rent", "Rent", lambda r: r.rent if isinstance(
                        r, RentRollRow) else r.asking_rent, "money", width=90,
                           tooltip="A vacant room's or bed's asking rent"),
                    Column("held", "Deposit held", lambda r: getattr(r, "deposit_held", None),
                           "money", width=100),
                    Column("balance", "Balance", lambda r: getattr(r, "balance", None), "money",
                           width=95)]
        return [Column("property", "Property", lambda r: r.property, width=150),
                Column("month", "Month", lambda r: r.month, width=80),
                Column("rent", "Rent", lambda r: r.rent, "money", width=100),
                Column("late", "Late fees", lambda r: r.late_fees, "money", width=90),
                Column("utilities", "Utilities", lambda r: r.utilities, "money", width=90),
                Column("other", "Other", lambda r: r.other, "money", width=90),
                Column("total", "Total", lambda r: r.total, "money", width=100)]

    def _query(self, name: str, year: int) -> tuple[Any, str]:
        """In a worker: the report's rows and its summary line (widgets are read before)."""
        db = self.ctx.db
        actor = self.ctx.actor
        money = self.ctx.money
        if name == "Aging":
            aging = reports.aging_report(db, actor)
            return aging.rows, f"Total owed {money(aging.total)}"
        if name == "Rent roll":
            roll = reports.rent_roll(db, actor)
            return [*roll.rows, *roll.vacancies], (
                f"{plural(len(roll.rows), 'lease')}, rent {money(roll.total_rent)}, balance "
                f"{money(roll.total_balance)} · {roll.vacancy_text()}, asking "
                f"{money(roll.total_asking)}")
        income = reports.income(db, actor, date(year, 1, 1), date(year, 12, 31))
        return income.rows, f"Income {year}: {money(income.total)}"

    def reload(self) -> None:
        name = self.choice.currentText()
        self.year.setVisible(name == self.REPORTS[2])

        def done(result: Any, error: BaseException | None) -> None:
            if error is not None:
                self.summary.setText(str(error))
                return
            rows, text = result
            self.model.beginResetModel()
            self.model.columns = self._columns(name)
            self.model.endResetModel()
            for index, column in enumerate(self.model.columns):
                if column.width:
                    self.view.setColumnWidth(index, column.width)
            self.model.set_rows(rows)
            self.summary.setText(text)

        year = self.year.value()
        self.ctx.run_task(lambda: self._query(name, year), done)

    def export(self) -> None:
        name = self.choice.currentText()
        db = self.ctx.db
        actor = self.ctx.actor
        if name == "Aging":
            export(self.ctx, self, "aging.pdf", lambda p: printing.aging_file(db, actor, p))
        elif name == "Rent roll":
            export(self.ctx, self, "rent-roll.pdf", lambda p: printing.rent_roll_file(db, actor, p))
        else:
            year = self.year.value()
            export(self.ctx, self, f"income-{year}.pdf", lambda p: printing.income_file(
                db, actor, date(year, 1, 1), date(year, 12, 31), p))


def _bucket_column(bucket: str) -> Column[Any]:
    return Column(bucket, bucket.title(), lambda r: r.buckets[bucket], "money", width=80)


def entry_columns() -> list[Column[LedgerEntryRow]]:
    """The ledger's columns; Description takes the width left over (see `fit_entry_columns`)."""
    return [
        Column("day", "Date", lambda r: r.day, "date", sort="day", width=92),
        Column("tenant", "Tenant", lambda r: r.tenant_name, sort="tenant", width=145),
        Column("room", "Room", lambda r: f"{r.property_name} {r.unit_number}-{r.room_number}",
               sort="property", width=160),
        Column("kind", "Kind", lambda r: r.kind.replace("_", " "), sort="kind", width=72,
               visible=False),  # the description says it; right-click the header to show
        Column("description", "Description", lambda r: r.description, width=200),
        Column("amount", "Amount", lambda r: r.amount, "money", sort="amount", width=104),
        Column("status", "Status", lambda r: r.status, sort="status", width=104,
               display=lambda r: status_text(r.status)),
    ]


def fit_entry_columns(view: ListView) -> None:
    """Fixed widths for the short columns, Description stretching into the rest (so Amount
    and Status are never cut off), and the status drawn as a chip."""
    header = view.horizontalHeader()
    model = view.table_model
    header.setStretchLastSection(False)
    header.setSectionResizeMode(model.column_index("description"),
                                QHeaderView.ResizeMode.Stretch)
    status = model.column_index("status")
    view.setItemDelegateForColumn(status, StatusDelegate(view))
    header.setMinimumSectionSize(48)


class LeaseLedgerTab(QWidget):
    """One lease's ledger (with the leases it was renewed or transferred from): for the
    room/lease view. Balance and deposit held on top, Record payment at hand."""

    def __init__(self, ctx: AppContext, lease_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lease_id = lease_id
        self.model: PagedQueryModel[LedgerEntryRow] = PagedQueryModel(
            entry_columns(), None, self._count, seek=self._seek, anchors=self._anchors,
            default_sort="day",
            run=ctx.run_task, money=ctx.money, style=status_style)
        self.model.descending = False
        self.view = ListView(self.model, ctx.settings, "lease_ledger")
        fit_entry_columns(self.view)
        self.view.setColumnHidden(self.model.column_index("tenant"), True)  # always the same
        self.balance = QLabel()
        self.balance.setObjectName("lease_balance")
        self.balance.setWordWrap(True)  # two lines beside the buttons on a narrow window
        pay = QPushButton("Record payment…")
        pay.clicked.connect(self.record_payment)
        agreement = QPushButton("Lease agreement…")
        agreement.setObjectName("lease_agreement")
        agreement.setToolTip("The lease agreement as PDF (house rules, rent, deposit, dates, "
                             "signature lines): preview, print or save")
        agreement.clicked.connect(self.agreement)
        manual = QPushButton("Charge / credit…")
        manual.setObjectName("lease_charge_or_credit")
        manual.setToolTip("A charge entered by hand (a repair, a key) or a credit")
        manual.clicked.connect(self.charge_or_credit)
        statement = QPushButton("Statement…")
        statement.clicked.connect(self.statement)
        self.deposit_button = QPushButton("Deposit…")
        self.deposit_button.setObjectName("lease_deposit")
        self.deposit_button.setToolTip("After the move-out: settle the deposit (deductions, "
                                       "refund, letter), or print its letter again")
        self.deposit_button.clicked.connect(self.deposit)
        self.deposit_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.balance, 1)
        top.addWidget(self.deposit_button)
        top.addWidget(agreement)
        top.addWidget(statement)
        top.addWidget(manual)
        top.addWidget(pay)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        ctx.bus.ledger_changed.connect(self.reload)

    def _query(self, search: str) -> LedgerQuery:
        chain = tuple(ledger.account_of(self.ctx.db, self.ctx.actor, self.lease_id))
        return LedgerQuery(lease_ids=chain, search=search)

    def _seek(self, search: str, sort: str, desc: bool, seek: Seek, limit: int
              ) -> Slice[LedgerEntryRow]:
        return ledger_list.ledger_seek(self.ctx.db, self.ctx.actor, self._query(search), sort,
                                       desc, seek,
                                       limit)

    def _anchors(self, search: str, sort: str, desc: bool, every: int) -> list[Cursor]:
        return ledger_list.ledger_anchors(self.ctx.db, self.ctx.actor, self._query(search), sort,
                                          desc, every)

    def _count(self, search: str) -> int:
        return ledger_list.ledger_count(self.ctx.db, self.ctx.actor, self._query(search))

    def reload(self) -> None:
        self.model.reload()

        def load() -> tuple[Any, str]:
            from coliv_desktop.services import leasing

            return (ledger.lease_ledger(self.ctx.db, self.ctx.actor, self.lease_id),
                    leasing.get_lease(self.ctx.db, self.ctx.actor, self.lease_id).status)

        def done(result: Any, error: BaseException | None) -> None:
            if error is None:
                book, status = result
                self.balance.setText(f"Balance {self.ctx.money(book.balance)} · deposit held "
                                     f"{self.ctx.money(book.deposit_held)}")
                self.deposit_button.setEnabled(status == "ended")

        self.ctx.run_task(load, done)

    def deposit(self) -> None:
        from coliv_desktop.ui.ledger.deposit import deposit_action

        deposit_action(self.ctx, self.lease_id, self)

    def record_payment(self) -> None:
        from coliv_desktop.ui.ledger.dialogs import RecordPaymentDialog

        dialog = RecordPaymentDialog(self.ctx, self.lease_id, self)
        dialog.open()

    def agreement(self) -> None:
        lease_agreement(self.ctx, self, self.lease_id)

    def charge_or_credit(self) -> None:
        from coliv_desktop.ui.ledger.dialogs import ChargeOrCreditDialog

        dialog = ChargeOrCreditDialog(self.ctx, self.lease_id, self)
        dialog.open()

    def statement(self) -> Any:
        from coliv_desktop.ui.ledger.dialogs import StatementDialog

        dialog = StatementDialog(self.ctx, self.lease_id, self)
        dialog.open()
        return dialog
