"""Driving the window like a person: menu actions, typing, clicking Save in modal dialogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from coliv_desktop.ui.shell.main_window import MainWindow

Handler = Callable[[Any], None]
T = TypeVar("T")


def settle(window: MainWindow) -> None:
    for _ in range(3):
        QApplication.processEvents()
        window.ctx.tasks.wait_idle()
    QApplication.processEvents()


def off_the_gui_thread(fn: Callable[..., T], *args: Any) -> T:
    """A test's own read made while a UI frame is on the stack (inside a dialog handler): in
    a thread of its own, so the GUI-thread guard does not take it for the UI's."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def menu_action(window: MainWindow, name: str) -> QAction:
    action = window.findChild(QAction, name)
    assert action is not None, f"no action {name}"
    assert action.isEnabled(), f"action {name} is disabled"
    return action


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Replace a field's content by typing, as a person does after selecting it."""
    widget.setFocus()
    if isinstance(widget, QLineEdit):
        widget.selectAll()
        qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    elif isinstance(widget, QAbstractSpinBox):
        widget.selectAll()
        edit = widget.findChild(QLineEdit)
        target = edit if edit is not None else widget
        qtbot.keyClick(target, Qt.Key.Key_Backspace)
        qtbot.keyClicks(target, text)
        return
    qtbot.keyClicks(widget, text)


def click(qtbot: QtBot, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_saved(qtbot, button.window())


def wait_saved(qtbot: QtBot, dialog: QWidget) -> None:
    """A form saves in the background: wait for its transaction (and any question after it)."""
    if getattr(dialog, "saving", False):
        qtbot.waitUntil(lambda: not getattr(dialog, "saving", False), timeout=10000)


class DialogDriver:
    """Replaces `Editing.run_dialog`: each modal dialog is handed to the next handler, which
    types and clicks; the dialog's result is what the code then sees."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.handlers: list[Handler] = []
        self.seen: list[QDialog] = []

    def then(self, handler: Handler) -> DialogDriver:
        self.handlers.append(handler)
        return self

    def __call__(self, dialog: QDialog) -> int:
        self.seen.append(dialog)
        self.qtbot.addWidget(dialog)
        dialog.show()
        # as a person does, look at a form once its pickers are filled (in the background)
        runner = getattr(dialog, "runner", None)
        tasks = getattr(runner, "tasks", runner)
        if tasks is not None and hasattr(tasks, "wait_idle"):
            QApplication.processEvents()
            tasks.wait_idle()
        assert self.handlers, f"unexpected dialog {dialog.windowTitle()!r}"
        self.handlers.pop(0)(dialog)
        if getattr(dialog, "saving", False):  # a background save: wait for its transaction
            self.qtbot.waitUntil(lambda: not getattr(dialog, "saving", False), timeout=10000)
        if dialog.isVisible() and dialog.result() == 0:
            dialog.reject()
        owner = dialog.parentWidget()
        QApplication.processEvents()
        active = QApplication.activeWindow()
        if owner is not None and (active is None or not active.isVisible()):
            # the offscreen platform has no window manager to give the focus back to the
            # window under a dialog that was active while it saved
            owner.window().activateWindow()
            QApplication.processEvents()
        return dialog.result()
