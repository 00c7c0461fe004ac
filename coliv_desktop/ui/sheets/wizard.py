"""The spreadsheet import wizard (issue 15): kind and file, the columns, the problems, import.

1. File: the kind, the file, its encoding, delimiter (CSV) or sheet (XLSX), with the first
   rows as read.
2. Columns: a drop-down per field with the guess chosen (needed fields marked *), saved
   mappings to load, "Save mapping"; the date order and decimal mark, asked when the values
   leave them open.
3. Check: every row checked against the book without writing (a dry run); every problem in a
   table (row, column, problem, value). Import stays disabled while there is one.
Import runs in one transaction with a progress dialog; Cancel writes nothing. Every call runs
in a worker (`ctx.run_task`); the file is read there too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget, QWizard

from coliv_desktop.services import sheet_import
from coliv_desktop.services.sheet_import import ImportResult, SheetPreview
from coliv_desktop.services.sheet_kinds import SheetKind
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.tasks import TaskCancelled, TaskControl, run_with_progress
from coliv_desktop.ui.sheets.pages import CheckPage, FilePage, MappingPage, counts_text


class ImportWizard(QWizard):
    """File ▸ Import Spreadsheet…"""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import a spreadsheet")
        self.setObjectName("import_wizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Import")
        self.resize(900, 620)
        self.preview: SheetPreview | None = None
        self.sheet: Any = None  # the file as read (domain.tabular.Sheet)
        self.checked: ImportResult | None = None
        self.imported: ImportResult | None = None
        self.busy = False
        self.ticket = 0  # the latest background read; older answers are dropped
        self.files = FilePage(self)
        self.columns = MappingPage(self)
        self.check = CheckPage(self)
        for page in (self.files, self.columns, self.check):
            self.addPage(page)

    def kind(self) -> SheetKind | None:
        return self.files.chosen()

    def accept(self) -> None:
        """Import: in a worker, with progress and Cancel (which writes nothing)."""
        kind, path = self.kind(), self.files.file()
        if kind is None or path is None or self.busy or self.checked is None \
                or self.checked.problems:
            return  # only a file checked without a problem is imported
        options = self.columns.options()
        db, actor = self.ctx.db, self.ctx.actor
        self.busy = True
        self.check.completeChanged.emit()

        def work(control: TaskControl) -> ImportResult:
            def progress(done: int, total: int, text: str) -> None:
                control.progress(done, total, text)
                control.check()

            return sheet_import.import_sheet(db, actor, kind.name, path, options,
                                             progress=progress)

        def finished(result: Any, error: BaseException | None) -> None:
            self.busy = False
            self.check.completeChanged.emit()
            if isinstance(error, TaskCancelled):
                self.check.summary.setText("Cancelled: nothing was imported.")
                return
            if error is not None:
                self.check.summary.setText(f"Nothing was imported: {error}")
                return
            if result.problems:  # the book changed since the check
                self.check.show_result(result)
                return
            self.imported = result
            self._announce(kind, result)
            super(ImportWizard, self).accept()

        self.control = run_with_progress(self.ctx.tasks, self, f"Importing {path.name}", work,
                                         finished)

    def _announce(self, kind: SheetKind, result: ImportResult) -> None:
        bus = self.ctx.bus
        signals = {"rooms": (bus.portfolio_changed,), "tenants": (bus.tenants_changed,),
                   "leases": bus.lease_signals(),
                   "balances": (bus.ledger_changed, bus.tenants_changed),
                   "payments": (bus.ledger_changed, bus.tenants_changed)}[kind.name]
        for signal in signals:
            signal.emit()
        bus.status_message.emit(f"Imported {result.rows:,} {kind.name} rows: created "
                                f"{counts_text(result.created)}")


def open_import_wizard(ctx: AppContext, parent: QWidget | None = None) -> ImportWizard:
    wizard = ImportWizard(ctx, parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard
