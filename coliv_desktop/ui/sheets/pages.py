"""The pages of the spreadsheet import wizard (`ui.sheets.wizard`): the file, the columns,
the check. Each reads through the wizard's context in a worker, never on the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from coliv_desktop.services import sheet_import
from coliv_desktop.services.sheet_import import ImportResult, SheetOptions, SheetPreview
from coliv_desktop.services.sheet_kinds import KINDS, SheetKind

if TYPE_CHECKING:
    from coliv_desktop.ui.sheets.wizard import ImportWizard

ENCODINGS = (("Detect", None), ("UTF-8", "utf-8"), ("UTF-8 with BOM", "utf-8-sig"),
             ("Windows (cp1252)", "cp1252"), ("UTF-16", "utf-16"), ("Latin-1", "latin-1"),
             ("Mac Roman", "mac_roman"))
DELIMITERS = (("Detect", None), ("Comma ,", ","), ("Semicolon ;", ";"), ("Tab", "\t"),
              ("Pipe |", "|"))
DATE_ORDERS = (("— choose —", None), ("year-month-day (2026-03-04)", "ymd"),
               ("month/day/year (03/04/2026)", "mdy"), ("day/month/year (04/03/2026)", "dmy"))
MARKS = (("— choose —", None), ("point: 1,234.56", "."), ("comma: 1.234,56", ","))
NOT_USED = "(not in the file)"


def _combo(choices: tuple[tuple[str, Any], ...]) -> QComboBox:
    combo = QComboBox()
    for text, value in choices:
        combo.addItem(text, value)
    return combo


def _select(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    width = max((len(r) for r in rows), default=0)
    if table.columnCount() < width:
        table.setColumnCount(width)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("The file")
        self.setSubTitle("Choose what the spreadsheet holds and the file. CSV files are read "
                         "in any common encoding and delimiter; XLSX by sheet.")
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind in KINDS.values():
            if wizard.ctx.may(kind.write_permission):
                self.kind.addItem(kind.title, kind.name)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setObjectName("path")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.encoding = _combo(ENCODINGS)
        self.delimiter = _combo(DELIMITERS)
        self.sheet = QComboBox()
        self.status = QLabel()
        self.status.setObjectName("file_status")
        self.status.setWordWrap(True)
        self.raw = _table([])
        form = QFormLayout()
        form.addRow("&Kind:", self.kind)
        form.addRow("", self.hint)
        form.addRow("File:", row)
        form.addRow("&Encoding:", self.encoding)
        form.addRow("&Delimiter:", self.delimiter)
        form.addRow("&Sheet:", self.sheet)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.raw, 1)
        self._read: tuple[Any, ...] = ()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.path.editingFinished.connect(self.reload)
        self.path.textChanged.connect(lambda _t: self._forget())
        for combo in (self.encoding, self.delimiter, self.sheet):
            combo.activated.connect(lambda _i: self.reload())
        self._kind_changed()

    def chosen(self) -> SheetKind | None:
        name = self.kind.currentData()
        return KINDS.get(name) if name else None

    def _kind_changed(self) -> None:
        kind = self.chosen()
        self.hint.setText(kind.hint if kind else "You may not import any kind of sheet.")
        if self.w.preview is not None:
            self.reload()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a spreadsheet", "",
                                              "Spreadsheets (*.csv *.txt *.xlsx *.xlsm);;"
                                              "All files (*)")
        if path:
            self.path.setText(path)
            self.reload()

    def _forget(self) -> None:
        self.w.preview = None
        self.completeChanged.emit()

    def file(self) -> Path | None:
        text = self.path.text().strip()
        return Path(text) if text else None

    def reading(self) -> SheetOptions:
        return SheetOptions(encoding=self.encoding.currentData(),
                            delimiter=self.delimiter.currentData(),
                            sheet=self.sheet.currentData() if self.sheet.count() else None)

    def reload(self) -> None:
        """Read the file again (in a worker) with the choices made."""
        path, kind = self.file(), self.w.kind()
        options = self.reading()
        key = (path, kind, options.encoding, options.delimiter, options.sheet)
        if self.w.preview is not None and key == self._read:
            return  # the same file read the same way (the path field lost focus)
        self._read = key
        self._forget()
        if path is None or kind is None:
            return
        self.status.setText(f"Reading {path.name} …")
        self.w.ticket += 1
        ticket = self.w.ticket

        def work() -> tuple[Any, SheetPreview]:
            sheet = sheet_import.read_sheet(path, options)
            return sheet, sheet_import.inspect_sheet(kind.name, sheet, options)

        def done(result: Any, error: BaseException | None) -> None:
            if ticket != self.w.ticket:
                return  # a later choice was made meanwhile
            if error is not None:
                self.status.setText(f"Cannot read {path.name}: {error}")
                _fill(self.raw, [])
                return
            self.w.sheet = result[0]
            self.shown(result[1])

        self.w.ctx.run_task(work, done)

    def shown(self, preview: SheetPreview) -> None:
        self.w.preview = preview
        xlsx = bool(preview.sheet_names)
        self.encoding.setEnabled(not xlsx)
        self.delimiter.setEnabled(not xlsx)
        self.sheet.setEnabled(xlsx)
        if xlsx and [self.sheet.itemData(i) for i in range(self.sheet.count())] != \
                preview.sheet_names:
            self.sheet.clear()
            for name in preview.sheet_names:
                self.sheet.addItem(name, name)
            _select(self.sheet, preview.sheet)
        read_as = (f"sheet {preview.sheet}" if xlsx else
                   f"{preview.encoding}, delimiter {preview.delimiter!r}")
        self.status.setText(f"{preview.rows:,} rows under the header on row "
                            f"{preview.header_row} ({read_as}).")
        _fill(self.raw, preview.raw)
        self.raw.setVerticalHeaderLabels([str(n) for n in preview.raw_numbers])
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.preview is not None and self.w.preview.rows > 0


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("The columns")
        self.setSubTitle("Which column holds what. Fields marked * are needed; the guesses "
                         "come from the headers.")
        self.form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        self.date_order = _combo(DATE_ORDERS)
        self.date_order.setObjectName("date_order")
        self.decimal_mark = _combo(MARKS)
        self.decimal_mark.setObjectName("decimal_mark")
        self.asked = QLabel()
        self.asked.setWordWrap(True)
        self.asked.setObjectName("asked")
        self.saved = QComboBox()
        self.saved.setObjectName("saved_mappings")
        load = QPushButton("&Load")
        load.clicked.connect(self._load)
        self.name = QLineEdit()
        self.name.setObjectName("mapping_name")
        self.name.setPlaceholderText("a name, to use this mapping again")
        self.save = QPushButton("Save &mapping")
        self.save.setObjectName("save_mapping")
        self.save.clicked.connect(self._save)
        self.note = QLabel()
        self.note.setObjectName("mapping_note")
        saved_row = QHBoxLayout()
        saved_row.addWidget(self.saved, 1)
        saved_row.addWidget(load)
        save_row = QHBoxLayout()
        save_row.addWidget(self.name, 1)
        save_row.addWidget(self.save)
        fields = QWidget()
        fields.setLayout(self.form)
        reading = QFormLayout()
        reading.addRow("Saved mappings:", saved_row)
        reading.addRow("Date &order:", self.date_order)
        reading.addRow("Decimal &mark:", self.decimal_mark)
        reading.addRow("", self.asked)
        reading.addRow("Save as:", save_row)
        reading.addRow("", self.note)
        layout = QHBoxLayout(self)
        layout.addWidget(fields, 1)
        side = QVBoxLayout()
        side.addLayout(reading)
        side.addStretch(1)
        layout.addLayout(side, 1)
        self._setting = False  # the page itself is choosing (not the person)
        self._by_person: set[str] = set()
        for name, combo in (("date_order", self.date_order),
                            ("decimal_mark", self.decimal_mark)):
            combo.currentIndexChanged.connect(lambda _i, n=name: self._chosen(n))

    def _chosen(self, name: str) -> None:
        if not self._setting:
            self._by_person.add(name)
        self.completeChanged.emit()

    def _columns_changed(self) -> None:
        """Which columns are dates and amounts changed: how they read, worked out again (in a
        worker: a long file takes a moment)."""
        self.completeChanged.emit()
        kind, sheet = self.w.kind(), self.w.sheet
        if kind is None or sheet is None:
            return
        options = SheetOptions(columns=self.columns())
        self.w.ticket += 1
        ticket = self.w.ticket

        def done(preview: Any, error: BaseException | None) -> None:
            if ticket == self.w.ticket and error is None:
                self._reading_choices(preview)

        self.w.ctx.run_task(lambda: sheet_import.inspect_sheet(kind.name, sheet, options), done)

    def _reading_choices(self, preview: SheetPreview) -> None:
        """The date order and decimal mark the values say; one they leave open is asked
        (the drop-down shows "choose" unless the person chose already)."""
        asks = []
        self._setting = True
        try:
            for name, combo, guess, ask in (
                    ("date_order", self.date_order, preview.date_order,
                     "The dates could be read two ways: choose their order."),
                    ("decimal_mark", self.decimal_mark, preview.decimal_mark,
                     "The amounts could be read two ways: choose the decimal mark.")):
                if guess is None:
                    asks.append(ask)
                if name not in self._by_person:
                    _select(combo, guess)
        finally:
            self._setting = False
        self.asked.setText(" ".join(asks))
        self.completeChanged.emit()

    def initializePage(self) -> None:
        preview, kind = self.w.preview, self.w.kind()
        assert preview is not None and kind is not None
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos.clear()
        self._by_person.clear()
        for field in kind.fields:
            combo = QComboBox()
            combo.setObjectName(f"column_{field.key}")
            combo.addItem(NOT_USED, None)
            for header in preview.headers:
                combo.addItem(header, header)
            _select(combo, preview.columns.get(field.key))
            combo.currentIndexChanged.connect(lambda _i: self._columns_changed())
            needed = field.required or field.key in kind.one_of
            self.form.addRow(f"{field.title}{' *' if field.required else ''}"
                             f"{' (or)' if field.key in kind.one_of else ''}:", combo)
            combo.setToolTip("needed" if needed else "optional")
            self.combos[field.key] = combo
        self._reading_choices(preview)
        self._list_saved(kind)

    def _list_saved(self, kind: SheetKind, select: str | None = None) -> None:
        ctx = self.w.ctx
        db, actor = ctx.db, ctx.actor

        def done(saved: Any, error: BaseException | None) -> None:
            self.saved.clear()
            for item in saved or []:
                self.saved.addItem(item.name, item.mapping)
            if select:
                self.saved.setCurrentIndex(max(self.saved.findText(select), 0))

        ctx.run_task(lambda: sheet_import.list_mappings(db, actor, kind.name), done)

    def columns(self) -> dict[str, str]:
        return {key: combo.currentData() for key, combo in self.combos.items()
                if combo.currentData()}

    def options(self) -> SheetOptions:
        return self.w.files.reading().merged(SheetOptions(
            columns=self.columns(), date_order=self.date_order.currentData(),
            decimal_mark=self.decimal_mark.currentData()))

    def _load(self) -> None:
        mapping = self.saved.currentData()
        if not isinstance(mapping, dict):
            return
        try:
            options = SheetOptions.from_mapping(mapping)
        except Exception as exc:  # a mapping saved by a newer version: say so
            self.note.setText(str(exc))
            return
        for key, combo in self.combos.items():
            _select(combo, (options.columns or {}).get(key))
        for combo, value in ((self.date_order, options.date_order),
                             (self.decimal_mark, options.decimal_mark)):
            if value:
                _select(combo, value)  # as the person's own choice
        self.note.setText(f"Loaded {self.saved.currentText()!r}.")

    def _save(self) -> None:
        kind, name = self.w.kind(), self.name.text().strip()
        if kind is None or not name:
            self.note.setText("Give the mapping a name first.")
            return
        ctx = self.w.ctx
        db, actor, options = ctx.db, ctx.actor, self.options()
        saving = SheetOptions(columns=options.columns, date_order=options.date_order,
                              decimal_mark=options.decimal_mark)

        def done(saved: Any, error: BaseException | None) -> None:
            if error is not None:
                self.note.setText(f"Not saved: {error}")
                return
            self.note.setText(f"Saved as {saved.name!r}.")
            self._list_saved(kind, saved.name)

        ctx.run_task(lambda: sheet_import.save_mapping(db, actor, kind.name, name, saving), done)

    def isComplete(self) -> bool:
        kind = self.w.kind()
        if kind is None or not self.combos:
            return False
        chosen = self.columns()
        if any(f.required and f.key not in chosen for f in kind.fields):
            return False
        if kind.one_of and not any(k in chosen for k in kind.one_of):
            return False
        if len(set(chosen.values())) != len(chosen):
            return False  # one column for two fields
        return bool(self.date_order.currentData() and self.decimal_mark.currentData())


class CheckPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Check")
        self.setSubTitle("Every row checked against the book; nothing is written until you "
                         "import, and then all rows or none.")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.problems = _table(["Row", "Column", "Problem", "Value"])
        self.problems.setObjectName("problems")
        self.problems.verticalHeader().hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)

    def initializePage(self) -> None:
        self.w.checked = None
        _fill(self.problems, [])
        path, kind = self.w.files.file(), self.w.kind()
        assert path is not None and kind is not None
        options = self.w.columns.options()
        ctx = self.w.ctx
        db, actor = ctx.db, ctx.actor
        self.summary.setText("Checking every row …")
        self.w.ticket += 1
        ticket = self.w.ticket

        def done(result: Any, error: BaseException | None) -> None:
            if ticket != self.w.ticket:
                return
            if error is not None:
                self.summary.setText(f"Cannot check the file: {error}")
                return
            self.w.checked = result
            self.show_result(result)

        ctx.run_task(lambda: sheet_import.import_sheet(db, actor, kind.name, path, options,
                                                       dry_run=True), done)

    def show_result(self, result: ImportResult) -> None:
        if result.problems:
            self.summary.setText(f"{len(result.problems)} problem(s) in {result.rows:,} rows: "
                                 "fix them in the file (or the columns) and check again. "
                                 "Nothing can be imported while there is one.")
        else:
            self.summary.setText(f"{result.rows:,} rows, no problems. Import will create "
                                 f"{counts_text(result.created)}; already in the book: "
                                 f"{counts_text(result.matched)}.")
        _fill(self.problems, [[str(p.row), p.column, p.problem, p.value]
                              for p in result.problems])
        self.problems.resizeColumnsToContents()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.checked is not None and not self.w.checked.problems and not self.w.busy


def counts_text(counts: dict[str, int]) -> str:
    shown = [f"{n:,} {what}" for what, n in counts.items() if n]
    return ", ".join(shown) if shown else "nothing"
