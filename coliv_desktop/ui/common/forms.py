"""Forms that show service errors next to the field they name.

`FieldErrors` keeps one error label under each field of a QFormLayout and maps the field names
the services use (`rent_amount`, `rooms[2].rent_amount`, `lease_end`) onto them. `FormDialog`
is the dialog shape every editor shares: an error banner for what names no field, the form,
Save/Cancel, validation as you type (fields you have touched) and on Save.

Confirmations, one mechanism for every dialog: what is allowed but unusual is asked as a
question before it is saved (Yes goes ahead, No goes back to the form). A dialog's own
`confirmation(data)` asks what only the GUI checks (a rent of 0.00, a payment that becomes
credit); a service's `NeedsConfirmation` is asked with its message, then the save runs again
with `force=True` (a dialog's `save` passes `**self.force()` to such services).

Someone else saved the record meanwhile (the shared office): an edit dialog carries the version
it loaded and the service refuses a save made against an older one (`ChangedMeanwhile`, naming
who and when). The dialog then offers Reload (their values fill the form, the dialog stays
open), Overwrite (asked explicitly: this desk's values are saved over theirs) or Cancel (back to
the form as typed). A dialog takes part by implementing `reload()` (and `refill`); the save
never writes over another desk silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.errors import (
    ColivError,
    DatabaseUnavailable,
    NeedsConfirmation,
    ValidationError,
)
from coliv_desktop.services.context import ChangedMeanwhile
from coliv_desktop.ui.common.tasks import Done, TaskControl

ERROR_STYLE = "color: #b3261e;"
NO_RENT = Decimal("0.00")
RELOAD, OVERWRITE, CANCEL = "reload", "overwrite", "cancel"
INVALID_PROPERTY = "invalid"
_INDEXED = re.compile(r"^(?P<list>\w+)\[(?P<row>\d+)\]\.(?P<field>.+)$")


class Runner(Protocol):
    """What runs a dialog's save in the background: the AppContext, or a TaskRunner."""

    def run_task(self, fn: Callable[..., Any], on_done: Done, *,
                 control: TaskControl | None = None, quiet: bool = False) -> TaskControl: ...


def changed_signal(widget: QWidget) -> Any:
    """The signal a widget emits when the person changes its value."""
    custom = getattr(widget, "changed", None)
    if custom is not None:
        return custom
    if isinstance(widget, QLineEdit):
        return widget.textEdited
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QDateEdit):
        return widget.dateChanged
    if isinstance(widget, QAbstractSpinBox):
        return widget.valueChanged  # type: ignore[attr-defined]
    if isinstance(widget, QCheckBox | QAbstractButton):
        return widget.toggled
    return None


class FieldErrors:
    """Error labels under the fields of one form layout."""

    def __init__(self, layout: QFormLayout) -> None:
        self.layout = layout
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self._aliases: dict[str, str] = {}
        self.row_errors: Callable[[int, str, str], bool] | None = None

    def add(self, name: str, label: str, widget: QWidget, *, aliases: tuple[str, ...] = ()
            ) -> QWidget:
        """Add a field row; `name` is the service's field name (errors naming it land here)."""
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{name}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        box.addWidget(error)
        self.layout.addRow(label, holder)
        widget.setObjectName(name)
        self.widgets[name] = widget
        self.labels[name] = error
        for alias in aliases:
            self._aliases[alias] = name
        return widget

    def alias(self, service_field: str, name: str) -> None:
        self._aliases[service_field] = name

    def field_for(self, path: str) -> str | None:
        name = self._aliases.get(path, path)
        return name if name in self.labels else None

    def set_error(self, name: str, message: str | None) -> None:
        label = self.labels[name]
        widget = self.widgets[name]
        label.setText(message or "")
        label.setVisible(bool(message))
        widget.setProperty(INVALID_PROPERTY, bool(message))
        widget.setStyleSheet("border: 1px solid #b3261e;" if message else "")
        widget.setToolTip(message or "")

    def error(self, name: str) -> str:
        label = self.labels[name]
        return "" if label.isHidden() else label.text()

    def clear(self, name: str | None = None) -> None:
        for key in [name] if name else list(self.labels):
            self.set_error(key, None)

    def show(self, exc: ValidationError) -> bool:
        """Put the error next to its field; False when no field here matches it."""
        name = self.field_for(exc.field)
        if name is not None:
            self.set_error(name, exc.detail)
            return True
        match = _INDEXED.match(exc.field)
        if match and self.row_errors is not None:
            return self.row_errors(int(match["row"]), match["field"], exc.detail)
        return False


def no_rent_question(what: str, rent: Decimal | None) -> str | None:
    """The question before saving `what` at a rent of 0.00 (allowed: a live-in manager's
    room), None for any other rent."""
    if rent is None or rent != NO_RENT:
        return None
    return (f"Save {what} with no rent (0.00)?\n\nIt is allowed (a live-in manager's room, "
            "say), but nothing will be charged for it and it adds nothing to the revenue. "
            "Choose No to type the rent.")


def ask_yes_no(parent: QWidget | None, title: str, question: str) -> bool:
    """A question with Yes and No, No by default (the safe answer to an unusual save)."""
    answer = QMessageBox.question(
        parent, title, question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class ContentScroll(QScrollArea):
    """A dialog's content, scrolling when the screen is too small for it: as large as the
    content wants (not QScrollArea's default cap), as narrow as its fields allow, as short as a
    few lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def sizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().sizeHint()
        hint = content.sizeHint()
        return QSize(hint.width() + self.verticalScrollBar().sizeHint().width(), hint.height())

    def minimumSizeHint(self) -> QSize:
        content = self.widget()
        if content is None:
            return super().minimumSizeHint()
        least = content.minimumSizeHint()
        return QSize(least.width() + self.verticalScrollBar().sizeHint().width(),
                     min(least.height(), 120))


class FormDialog(QDialog):
    """An editor dialog: banner, form with inline errors, Save/Cancel.

    Subclasses add fields with `self.fields.add(...)`, and implement `build_input()` (turn the
    widgets into a service input schema through `schemas.build`, which raises a
    ValidationError naming the field) and `save(data)` (call the service; return its result).
    `save` runs in a worker thread through `runner` (the AppContext): it touches no widget;
    what must happen on the GUI thread afterwards goes in `after_save(result)`. After a
    successful save `self.saved` holds the result and the dialog is accepted.
    """

    def __init__(self, title: str, parent: QWidget | None = None, *, runner: Runner,
                 save_text: str = "Save") -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.saved: Any = None
        self.next_requested = False
        self.saving = False  # a save (or its look-up) is running in the background
        self.found: Any = None  # what `prepare` looked up for the question
        self._touched: set[str] = set()
        # The fields scroll (a long form on a small screen, `ui.common.screens`); the buttons stay.
        self.setProperty("grows_to_content", True)
        self.outer = QVBoxLayout(self)
        self.scroller = ContentScroll()
        self.outer.addWidget(self.scroller, 1)
        content = QWidget()
        self.scroller.setWidget(content)
        outer = QVBoxLayout(content)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #fdecea; color: #b3261e; padding: 6px; border-radius: 4px;")
        self.banner.hide()
        outer.addWidget(self.banner)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        outer.addLayout(self.form)
        self.body = outer
        self.fields = FieldErrors(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(save_text)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self._buttons_added = False

    def add_next_button(self, text: str) -> None:
        """A second save button ("Save && Add Units") that also asks for the next step:
        `next_requested` is true after a save through it."""
        self.next_button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.next_button.setObjectName("save_and_next")
        self.buttons.accepted.disconnect()
        self.save_button.clicked.connect(self.submit)
        self.next_button.clicked.connect(self._save_and_next)

    def _save_and_next(self) -> None:
        self.next_requested = True  # reset when the save does not go through
        self.submit()

    def finish_layout(self) -> None:
        """Call after adding fields: adds the buttons and live validation."""
        if not self._buttons_added:
            self.outer.addWidget(self.buttons)
            self._buttons_added = True
        for name, widget in self.fields.widgets.items():
            signal = changed_signal(widget)
            if signal is not None:
                signal.connect(lambda *_a, n=name: self._edited(n))

    # --- to implement -------------------------------------------------------------------------

    def build_input(self) -> Any:
        raise NotImplementedError

    def save(self, data: Any) -> Any:
        """Runs in a worker thread: call the service, return its result; touch no widget."""
        raise NotImplementedError

    def prepare(self, data: Any) -> Any:
        """Runs in a worker before `confirmation`: what the question needs from the database
        (where a payment would go); its result is `self.found`. Override; touch no widget."""
        return None

    def confirmation(self, data: Any) -> str | None:
        """A question to ask before saving `data`, for what the GUI alone checks (a rent of
        0.00, a payment that becomes credit, from `self.found`); None saves without asking.
        Override."""
        return None

    def after_save(self, result: Any) -> None:
        """Runs on the GUI thread after a successful save, before the dialog is accepted:
        what touches widgets, the undo stack or the bus. Override."""

    # --- confirmations -------------------------------------------------------------------------

    forced = False  # the person said yes to the service's NeedsConfirmation: save with force

    def force(self) -> dict[str, bool]:
        """Keyword arguments for a service that may raise NeedsConfirmation: `force=True` once
        the person said yes to it, nothing before (`**self.force()` in `save`)."""
        return {"force": True} if self.forced else {}

    def ask(self, question: str) -> bool:
        """Yes goes ahead, No goes back to the form (tests replace this)."""
        return ask_yes_no(self, self.windowTitle(), question)

    def _confirmed(self, exc: NeedsConfirmation) -> bool:
        """A service asked for a person's yes: ask it; yes saves again with force."""
        if self.forced or not self.ask(exc.detail):
            return False
        self.forced = True
        return True

    # --- someone else saved meanwhile ---------------------------------------------------------

    def reload(self) -> Any:
        """Runs in a worker after a `ChangedMeanwhile`: the record as it is now (a `get_*`
        service). The default (None) means this dialog cannot re-read it: the conflict is then
        shown as an error, the form kept. Override; touch no widget."""
        return None

    def adopt(self, record: Any) -> None:
        """Take `record` (from `reload`) as the copy the next save is made against: its version
        goes into `build_input`. Override when the dialog keeps it elsewhere than `existing`."""
        self.existing = record

    def refill(self, record: Any) -> None:
        """Put `record`'s values into the fields (Reload). Override."""

    def resolve_conflict(self, exc: ChangedMeanwhile) -> str:
        """Reload, Overwrite or Cancel (RELOAD, OVERWRITE, CANCEL); tests replace this."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.windowTitle(),
                          f"{exc.label} was changed by {exc.who} while you were editing it.",
                          parent=self)
        box.setInformativeText(
            "Reload shows their values (your changes are dropped); Overwrite saves yours over "
            "theirs; Cancel goes back to your form without saving.")
        reload = box.addButton("Reload", QMessageBox.ButtonRole.ResetRole)
        overwrite = box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return RELOAD if clicked is reload else OVERWRITE if clicked is overwrite else CANCEL

    def _changed_meanwhile(self, data: Any, exc: ChangedMeanwhile) -> None:
        choice = self.resolve_conflict(exc)
        if choice == CANCEL:
            self.next_requested = False
            self.show_banner(f"Not saved: {exc.label} was changed by {exc.who}. Your input is "
                             "kept; Save again to be asked once more.")
            return

        def reloaded(record: Any, error: BaseException | None) -> None:
            if error is not None:
                self._failed(error)
                return
            self.adopt(record)
            if choice == RELOAD:
                self.next_requested = False
                self._touched.clear()
                self.fields.clear()
                self.refill(record)
                self.show_banner(f"Reloaded: the form now shows what {exc.who} saved. "
                                 "Make your change again and Save.")
                return
            try:  # Overwrite: the same input, against the version just read
                again = self.build_input()
            except ColivError as failure:
                self._failed(failure)
                return
            self._save(again)

        self._run(self.reload, reloaded)

    # --- behaviour ----------------------------------------------------------------------------

    def _edited(self, name: str) -> None:
        self._touched.add(name)
        self.validate_live()

    def validate_live(self) -> None:
        """Re-check the input; show an error only on a field the person has touched."""
        for name in self._touched:
            self.fields.clear(name)
        try:
            self.build_input()
        except ValidationError as exc:
            blamed = self.fields.field_for(exc.field)
            if blamed in self._touched:
                self.fields.show(exc)

    def show_banner(self, message: str | None) -> None:
        self.banner.setText(message or "")
        self.banner.setVisible(bool(message))

    def show_error(self, exc: ColivError) -> None:
        from coliv_desktop.ui.common.widgets import not_saved

        if isinstance(exc, ValidationError) and self.fields.show(exc):
            self.show_banner(None)
            target = self.fields.field_for(exc.field)
            if target:
                self.fields.widgets[target].setFocus()
            return
        self.show_banner(not_saved(exc) or str(exc))  # a file not written: path and reason

    # --- the save, in the background ---------------------------------------------------------
    # A save is a transaction (a network round trip on PostgreSQL, a wait behind another
    # process's write lock on SQLite): it runs in a worker through the runner, and the dialog
    # stays open, its buttons off, until it is done. It cannot be dismissed meanwhile, so what
    # the operator sees is what happened.

    def _set_busy(self, busy: bool) -> None:
        self.saving = busy
        self.buttons.setEnabled(not busy)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _run(self, fn: Callable[[], Any], then: Callable[[Any, BaseException | None], None]
             ) -> None:
        """`fn()` in a worker, `then(result, error)` back here unless the dialog is gone."""
        def done(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            self._set_busy(False)
            then(result, error)

        self._set_busy(True)
        self.runner.run_task(fn, done)

    def _failed(self, error: BaseException) -> None:
        self.next_requested = False
        if isinstance(error, DatabaseUnavailable):  # the server went away: the form waits
            self.show_banner(f"{error}. What you typed stays here.")
            return
        if isinstance(error, ColivError):
            self.show_error(error)
        else:
            self.show_banner(f"Could not save: {error}")

    def _prepared(self, data: Any, found: Any, error: BaseException | None) -> None:
        if error is not None:
            self._failed(error)
            return
        self.found = found
        try:
            question = self.confirmation(data)
        except ColivError as exc:
            self._failed(exc)
            return
        if question is not None and not self.ask(question):
            self.next_requested = False
            return  # back to the form, as it was
        self._save(data)

    def _save(self, data: Any) -> None:
        def done(result: Any, error: BaseException | None) -> None:
            if isinstance(error, NeedsConfirmation) and self._confirmed(error):
                self._save(data)  # the person said yes: again, with force
                return
            if isinstance(error, NeedsConfirmation) and not self.forced:
                self.next_requested = False  # No: back to the form
                return
            if isinstance(error, ChangedMeanwhile) and type(self).reload is not FormDialog.reload:
                self._changed_meanwhile(data, error)
                return
            if error is not None:  # (asked again even with force: shown as an error)
                self._failed(error)
                return
            self.saved = result
            self.after_save(result)
            self.accept()

        self._run(lambda: self.save(data), done)

    def reject(self) -> None:
        if not self.saving:  # a save under way finishes first
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.saving:  # the window's close button: the save finishes first
            event.ignore()
            return
        super().closeEvent(event)

    def submit(self) -> None:
        if self.saving:
            return
        self.fields.clear()
        self.show_banner(None)
        self.forced = False
        try:
            data = self.build_input()
        except ColivError as exc:
            self._failed(exc)
            return
        if type(self).prepare is FormDialog.prepare:  # nothing to look up before asking
            self._prepared(data, None, None)
            return
        self._run(lambda: self.prepare(data), lambda found, error: self._prepared(
            data, found, error))
