"""Before the first document of a book with no business profile, the app asks once: Open
Settings… (then the document prints with the profile) or Print anyway, or Cancel."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from coliv_desktop.documents.base import UNNAMED
from coliv_desktop.ui.common.pdf_preview import PdfPreview
from coliv_desktop.ui.leases.pane import LeasesPane
from coliv_desktop.ui.shell.actions import Editing
from coliv_desktop.ui.shell.main_window import MainWindow
from coliv_desktop.ui.shell.profile_prompt import PROFILE_ANSWERED
from coliv_desktop.ui.shell.settings import SettingsDialog
from tests.builders import flow_41, lease, tenant
from tests.ui.helpers import DialogDriver, click, settle, type_into


@pytest.fixture
def ana(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> uuid.UUID:
    monkeypatch.setenv("COLIV_TODAY", "2026-01-20")
    db, actor = window.ctx.db, window.ctx.actor
    flow = flow_41(db, actor)
    made = lease(db, actor, flow.rooms["3B-A"], tenant(db, actor, "Ana"), date(2025, 12, 1),
                 date(2026, 5, 31))
    window.ctx.bus.leases_changed.emit()
    window.ctx.setProperty(PROFILE_ANSWERED, None)  # this book's question not asked yet
    return made.id


def _pane(window: MainWindow, lease_id: uuid.UUID) -> LeasesPane:
    window.show_pane("leases")
    settle(window)
    pane = window.pane("leases")
    assert isinstance(pane, LeasesPane)
    assert pane.view.select_where(lambda r: r.id == lease_id)
    return pane


def _button(box: QMessageBox, text: str) -> QPushButton:
    found = [b for b in box.buttons() if b.text() == text]
    assert found, [b.text() for b in box.buttons()]
    button = found[0]
    assert isinstance(button, QPushButton)
    return button


def _text(preview: Any) -> str:
    assert isinstance(preview, PdfPreview)
    return " ".join(p.extract_text() for p in PdfReader(preview.path).pages)


def test_print_anyway_is_asked_once(qtbot: QtBot, window: MainWindow, ana: uuid.UUID) -> None:
    pane = _pane(window, ana)
    click(qtbot, pane.agreement_button)
    settle(window)
    box = pane.property("profile_prompt")
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert UNNAMED in box.text() and pane.property("last_preview") is None
    assert {b.text() for b in box.buttons()} >= {"Open Settings…", "Print anyway"}
    click(qtbot, _button(box, "Cancel"))
    settle(window)
    assert pane.property("last_preview") is None  # cancelled: no document

    click(qtbot, pane.agreement_button)
    settle(window)
    box = pane.property("profile_prompt")
    click(qtbot, _button(box, "Print anyway"))
    settle(window)
    preview = pane.property("last_preview")
    assert UNNAMED in _text(preview)
    preview.reject()
    pane.setProperty("profile_prompt", None)
    click(qtbot, pane.agreement_button)  # asked once: straight to the document
    settle(window)
    assert pane.property("profile_prompt") is None
    assert pane.property("last_preview") is not preview


def test_open_settings_then_the_document_has_the_profile(
        qtbot: QtBot, window: MainWindow, ana: uuid.UUID,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def fill(dialog: SettingsDialog) -> None:
        type_into(qtbot, dialog.company_name, "Loft Living")
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(fill)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    pane = _pane(window, ana)
    click(qtbot, pane.agreement_button)
    settle(window)
    box = pane.property("profile_prompt")
    click(qtbot, _button(box, "Open Settings…"))
    settle(window)
    assert len(driver.seen) == 1
    text = _text(pane.property("last_preview"))
    assert "Loft Living" in text and UNNAMED not in text


def test_a_book_with_a_profile_is_not_asked(qtbot: QtBot, window: MainWindow,
                                            ana: uuid.UUID) -> None:
    from coliv_desktop.schemas import build
    from coliv_desktop.schemas.operator import OperatorProfileUpdate
    from coliv_desktop.services import operator

    operator.update_profile(window.ctx.db, window.ctx.actor,
                            build(OperatorProfileUpdate, company_name="Loft Living"))
    pane = _pane(window, ana)
    click(qtbot, pane.agreement_button)
    settle(window)
    assert pane.property("profile_prompt") is None
    assert "Loft Living" in _text(pane.property("last_preview"))
