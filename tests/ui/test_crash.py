"""An unexpected error is logged with its traceback and said in a dialog, from any thread."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.ui.common.tasks import TaskRunner
from coliv_desktop.ui.shell.crash import CrashReporter, log, setup_logging


@pytest.fixture
def log_file(tmp_path: Path) -> object:
    path = setup_logging(tmp_path / "logs" / "coliv.log")
    yield path
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()


def _flush() -> None:
    for handler in log.handlers:
        handler.flush()


def _fail_deep() -> None:
    raise RuntimeError("the printer caught fire")


def test_an_error_in_a_slot_or_a_thread_is_logged_and_shown_on_the_gui_thread(
        qtbot: QtBot, log_file: Path) -> None:
    shown: list[tuple[str, str, bool]] = []
    gui_thread = QApplication.instance().thread()  # type: ignore[union-attr]
    reporter = CrashReporter(log_file, show=lambda summary, details: shown.append(
        (summary, details, QThread.currentThread() is gui_thread)))
    try:
        _fail_deep()
    except RuntimeError as exc:
        reporter.excepthook(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: len(shown) == 1)
    summary, details, on_gui = shown[0]
    assert summary == "RuntimeError: the printer caught fire" and on_gui
    assert "_fail_deep" in details  # the traceback, for whoever supports the office

    worker = threading.Thread(target=_fail_deep, name="receipts")
    previous = threading.excepthook
    threading.excepthook = reporter.thread_excepthook
    try:
        worker.start()
        worker.join()
    finally:
        threading.excepthook = previous
    qtbot.waitUntil(lambda: len(shown) == 2)
    assert shown[1][2]  # shown on the GUI thread, though raised in a worker
    _flush()
    text = log_file.read_text("utf-8")
    assert text.count("Unexpected error") == 2 and "the printer caught fire" in text
    assert "CRITICAL [receipts]" in text  # which thread failed
    assert "started" in text.splitlines()[0]


def test_a_failed_background_task_is_logged_but_refused_input_is_not(
        qtbot: QtBot, log_file: Path) -> None:
    runner = TaskRunner()
    outcomes: list[BaseException | None] = []

    def refused() -> None:
        raise ValidationError("amount", "must be positive")

    runner.run_task(_fail_deep, lambda result, error: outcomes.append(error))
    runner.run_task(refused, lambda result, error: outcomes.append(error))
    runner.wait_idle()
    assert len(outcomes) == 2 and all(outcomes)
    _flush()
    text = log_file.read_text("utf-8")
    assert "A background task failed" in text and "_fail_deep" in text
    assert "must be positive" not in text
    assert logging.getLogger("coliv").level == logging.INFO
