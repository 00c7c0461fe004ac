"""The GUI reads typed amounts in the open book's format: set when the book opens, read again
when the settings are saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from coliv_desktop.db.engine import Database
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.money import money_format, parse_money
from coliv_desktop.services.context import Actor
from coliv_desktop.services.databases import open_database as open_database_blocking
from coliv_desktop.services.settings import set_settings
from coliv_desktop.ui.common.context import AppContext


def test_typed_amounts_follow_the_books_locale(qtbot: QtBot, ctx: AppContext, db: Database,
                                               actor: Actor) -> None:
    assert parse_money("1,250.50", "amount") == Decimal("1250.50")
    set_settings(db, actor, {"locale": "de_DE", "currency": "EUR", "max_amount": "50000"})
    ctx.bus.settings_changed.emit()  # what the Settings dialog does after saving
    qtbot.waitUntil(lambda: money_format().locale == "de_DE")
    assert (money_format().currency, money_format().maximum) == ("EUR", Decimal("50000.00"))
    assert parse_money("12,50", "amount") == Decimal("12.50")
    with pytest.raises(ValidationError, match="at most 50.000,00"):
        parse_money("60.000,00", "amount")
    # a book opened afresh brings its own format with it
    opened = open_database_blocking(db.url)
    assert opened.money_format.locale == "de_DE"
    ctx.set_database(opened)
    assert money_format() == opened.money_format
