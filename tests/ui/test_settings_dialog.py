"""File > Settings… driven as an operator would: the business profile and the declared
settings, saved together; errors next to their field; money re-formatted after saving."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from coliv_desktop.config import SETTINGS
from coliv_desktop.services import operator, printing, settings
from coliv_desktop.ui.shell.actions import Editing
from coliv_desktop.ui.shell.main_window import MainWindow
from coliv_desktop.ui.shell.settings import FileField, SettingsDialog
from tests.services.test_portfolio import snapshot
from tests.ui.helpers import (
    DialogDriver,
    click,
    menu_action,
    off_the_gui_thread,
    settle,
    type_into,
)


def test_every_declared_setting_has_an_editor(qtbot: QtBot, window: MainWindow) -> None:
    dialog = SettingsDialog(window.ctx)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()  # the settings are read in the background
    window.ctx.tasks.wait_idle()
    assert dialog.save_button.isEnabled()
    kinds = {s.key: type(dialog.fields.widgets[s.key]) for s in SETTINGS}
    assert kinds == {"currency": QComboBox, "locale": QComboBox, "max_amount": QLineEdit,
                     "rent_due_day": QSpinBox,
                     "operator_logo": FileField, "late_fee_mode": QComboBox,
                     "late_fee_grace_days": QSpinBox, "late_fee_flat": QLineEdit,
                     "late_fee_percent": QLineEdit, "late_fee_cap": QLineEdit,
                     "backup_keep_daily": QSpinBox, "backup_keep_weekly": QSpinBox,
                     "backup_keep_monthly": QSpinBox, "maintenance_hours_urgent": QSpinBox,
                     "maintenance_days_high": QSpinBox, "maintenance_days_medium": QSpinBox,
                     "maintenance_days_low": QSpinBox, "work_order_tenant_contact": QComboBox,
                     "document_max_mb": QSpinBox}
    spin = dialog.fields.widgets["rent_due_day"]
    assert isinstance(spin, QSpinBox) and (spin.minimum(), spin.maximum()) == (1, 28)
    assert dialog.company_name.text() == ""  # the placeholder name is not offered as typed


def test_settings_dialog_saves_profile_and_settings(qtbot: QtBot, window: MainWindow,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    action = menu_action(window, "settings")
    assert action.shortcut() == QKeySequence("Ctrl+,")
    seen: dict[str, Any] = {}

    def fill(dialog: SettingsDialog) -> None:
        type_into(qtbot, dialog.company_name, "Brightside Co-Living")
        qtbot.keyClicks(dialog.address, "500 Congress Ave")
        qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.address, "Austin, TX 78701")
        type_into(qtbot, dialog.email, "hello@")
        mode = dialog.fields.widgets["late_fee_mode"]
        assert isinstance(mode, QComboBox)
        mode.setCurrentText("flat")
        before = off_the_gui_thread(snapshot, window.ctx.db)
        click(qtbot, dialog.save_button)
        seen["email"] = dialog.fields.error("email")
        type_into(qtbot, dialog.email, "hello@brightside.example")
        click(qtbot, dialog.save_button)
        seen["flat"] = dialog.fields.error("late_fee_flat")
        assert off_the_gui_thread(snapshot, window.ctx.db) == before  # refused: nothing written
        type_into(qtbot, dialog.fields.widgets["late_fee_flat"], "35")
        type_into(qtbot, dialog.fields.widgets["rent_due_day"], "5")
        currency = dialog.fields.widgets["currency"]
        assert isinstance(currency, QComboBox)
        currency.setCurrentText("EUR")
        click(qtbot, dialog.save_button)

    driver = DialogDriver(qtbot).then(fill)
    monkeypatch.setattr(Editing, "run_dialog", lambda self, d: driver(d))
    changed: list[bool] = []
    window.ctx.bus.settings_changed.connect(lambda: changed.append(True))
    action.trigger()
    settle(window)  # the settings before are read in a worker, then the dialog opens
    assert "not an email address" in seen["email"]
    assert "needs an amount" in seen["flat"]
    assert changed == [True]
    profile = operator.get_profile(window.ctx.db, window.ctx.actor)
    assert (profile.company_name, profile.address, profile.email) == (
        "Brightside Co-Living", "500 Congress Ave\nAustin, TX 78701", "hello@brightside.example")
    values = settings.get_settings(window.ctx.db, window.ctx.actor)
    assert (values["late_fee_mode"], values["late_fee_flat"], values["rent_due_day"],
            values["currency"]) == ("flat", Decimal("35.00"), 5, "EUR")
    assert printing.letterhead(window.ctx.db, window.ctx.actor).name == "Brightside Co-Living"
    assert window.ctx.money(Decimal("1234.5")) == "€1,234.50"
    # Ctrl+Z puts back what the save changed; Ctrl+Shift+Z applies it again
    first_name = profile.company_name
    window.undo_action.trigger()
    settle(window)  # the undo runs in a worker
    values = settings.get_settings(window.ctx.db, window.ctx.actor)
    assert (values["late_fee_mode"], values["rent_due_day"], values["currency"]) != (
        "flat", 5, "EUR")
    assert values["currency"] == "USD" and window.ctx.money(Decimal("1")) == "$1.00"
    assert operator.get_profile(window.ctx.db, window.ctx.actor).company_name != first_name
    assert changed == [True, True]
    window.redo_action.trigger()
    settle(window)
    assert settings.get_settings(window.ctx.db, window.ctx.actor)["currency"] == "EUR"
    assert operator.get_profile(window.ctx.db, window.ctx.actor).company_name == first_name
    assert window.ctx.money(Decimal("1234.5")) == "€1,234.50"
    # Escape closes without saving
    again = SettingsDialog(window.ctx)
    qtbot.addWidget(again)
    window.ctx.tasks.wait_idle()
    again.show()
    type_into(qtbot, again.company_name, "Something else")
    qtbot.keyClick(again, Qt.Key.Key_Escape)
    assert operator.get_profile(window.ctx.db,
                                window.ctx.actor).company_name == "Brightside Co-Living"
