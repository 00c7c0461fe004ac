"""File ▸ Export Journal for the Accountant…: a date range (last year by default), a format
(each with a line saying what reads it), a file, then the journal is read and written in a
worker with a busy bar and Cancel; the dialog stays open to say where it went."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.errors import ColivError, ValidationError
from coliv_desktop.domain.journal import (
    DATE_ORDERS,
    DEFAULT_DATES,
    DESCRIPTIONS,
    FORMATS,
    SUFFIXES,
    DateOrder,
    Format,
)
from coliv_desktop.services import journals
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.tasks import TaskCancelled, TaskControl
from coliv_desktop.ui.common.widgets import not_saved

DATE_NAMES: dict[DateOrder, str] = {"mdy": "MM/DD/YYYY (a US company)",
                                     "dmy": "DD/MM/YYYY", "ymd": "YYYY-MM-DD"}
NAMES: dict[Format, str] = {"qbo": "QuickBooks Online (CSV)", "xero": "Xero (CSV)",
                            "iif": "QuickBooks Desktop (IIF)", "beancount": "Beancount"}


def last_year(day: date) -> tuple[date, date]:
    return date(day.year - 1, 1, 1), date(day.year - 1, 12, 31)


class JournalDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Export Journal for the Accountant")
        self.setMinimumWidth(560)
        self.control: TaskControl | None = None
        self.written: journals.JournalExport | None = None
        start, end = last_year(today())
        self.start = DateField(start)
        self.end = DateField(end)
        self.format = QComboBox()
        self.format.setObjectName("journal_format")
        for fmt in FORMATS:
            self.format.addItem(NAMES[fmt], fmt)
        self.about = QLabel()
        self.about.setObjectName("journal_format_note")
        self.about.setWordWrap(True)
        self.about.setStyleSheet("color: #57606a;")
        self.dates = QComboBox()
        self.dates.setObjectName("journal_dates")
        self.dates.setToolTip("The date format of the company the journal is imported into")
        for order in DATE_ORDERS:
            self.dates.addItem(DATE_NAMES[order], order)
        self.path = QLineEdit()
        self.path.setObjectName("journal_file")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(choose)
        form = QFormLayout()
        form.addRow("From", self.start)
        form.addRow("To", self.end)
        form.addRow("Format", self.format)
        form.addRow("", self.about)
        form.addRow("Dates", self.dates)
        form.addRow("File", file_row)
        self.note = QLabel("Accrual basis: rent and fees on their due dates, money on the day "
                           "received, voids as reversing entries on the day voided. Every "
                           "entry balances; the README lists the accounts.")
        self.note.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: reading the book, then writing the file
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("journal_status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.export)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.start.changed.connect(self._suggest)
        self.end.changed.connect(self._suggest)
        self._suggested = ""
        self._format_changed()

    def chosen(self) -> Format:
        value = str(self.format.currentData())
        return next(f for f in FORMATS if f == value)

    def _format_changed(self) -> None:
        fmt = self.chosen()
        note = DESCRIPTIONS[fmt]
        if fmt == "xero":
            note += "; past Xero's 300 lines a file, the journal goes on in NAME-2.csv, …"
        self.about.setText(note)
        self.dates.setCurrentIndex(self.dates.findData(DEFAULT_DATES[fmt]))
        self.dates.setEnabled(fmt in ("qbo", "xero"))  # IIF and Beancount have one format
        text = self.path.text().strip()
        if text and text != self._suggested and Path(text).suffix.lower() in (
                ".csv", ".iif", ".beancount"):
            self.path.setText(str(Path(text).with_suffix(SUFFIXES[fmt])))
        self._suggest()

    def _suggest(self) -> None:
        """A file name from the range and format, in the home folder, until one is typed."""
        text = self.path.text().strip()
        if text and text != self._suggested:
            return
        start, end = self.start.value(), self.end.value()
        if start is None or end is None:
            return
        span = str(start.year) if (start.month, start.day, end.month, end.day) == (
            1, 1, 12, 31) and start.year == end.year else f"{start}-to-{end}"
        fmt = self.chosen()
        self._suggested = str(Path.home() / f"journal-{span}-{fmt}{SUFFIXES[fmt]}")
        self.path.setText(self._suggested)

    def choose_file(self) -> None:
        fmt = self.chosen()
        pattern = f"{NAMES[fmt]} (*{SUFFIXES[fmt]})"
        target, _ = QFileDialog.getSaveFileName(self, "Save the journal", self.path.text(),
                                                pattern)
        if target:
            path = Path(target)
            if path.suffix.lower() != SUFFIXES[fmt]:
                path = path.with_name(path.name + SUFFIXES[fmt])
            self.path.setText(str(path))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #b3261e;" if error else "color: #1a7f37;")
        self.status.setText(text)

    def export(self) -> None:
        start, end = self.start.value(), self.end.value()
        target = self.path.text().strip()
        try:
            if start is None or end is None:
                raise ValidationError("start", "choose the first and last days")
            journals.check_range(start, end)
            if not target:
                raise ValidationError("file", "choose a file to save the journal to")
        except ValidationError as exc:
            label = {"start": "From", "end": "To", "file": "File"}.get(exc.field, exc.field)
            self._say(f"{label}: {exc.detail}", error=True)
            return
        fmt, out = self.chosen(), Path(target).expanduser()
        dates = next(o for o in DATE_ORDERS if o == self.dates.currentData())
        db, actor = self.ctx.db, self.ctx.actor

        def work(control: TaskControl) -> journals.JournalExport:
            book = journals.journal(db, actor, start, end)
            control.check()  # Cancel pressed while the book was read: nothing is written
            return journals.write_journal(book, fmt, out, dates)

        self._busy(True)
        self._say(f"Reading the book from {start} to {end} …")
        self.control = self.ctx.run_task(work, self._done, control=TaskControl())

    def cancel(self) -> None:
        if self.control is not None:
            self.control.cancel()

    def _busy(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.cancel_button.setVisible(on)
        self.export_button.setEnabled(not on)
        self.close_button.setEnabled(not on)

    def _done(self, result: journals.JournalExport | None, error: BaseException | None
              ) -> None:
        if not shiboken6.isValid(self):
            return
        self.control = None
        self._busy(False)
        if isinstance(error, TaskCancelled):
            self._say("Cancelled: no file written.", error=True)
        elif error is not None:
            sentence = not_saved(error)
            if sentence is None:
                sentence = str(error) if isinstance(error, ColivError) else \
                    f"The journal could not be written: {error}"
            self._say(sentence, error=True)
        elif result is not None:
            self.written = result
            where = ", ".join(str(p) for p in result.paths)
            self._say(f"Saved {result.entries:,} entries ({result.lines:,} lines, debits = "
                      f"credits = {self.ctx.money(result.debits)}) to {where}")
            self.ctx.bus.status_message.emit(f"Journal saved to {where}")
