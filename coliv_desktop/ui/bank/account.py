"""A bank account's settings: its name, the property it belongs to (or the operator), and the
opening balance reconciliation starts from."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from coliv_desktop.schemas import build
from coliv_desktop.schemas.bank import BankAccountOut, BankAccountUpdate
from coliv_desktop.services import bank
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import FormDialog


class AccountDialog(FormDialog):
    def __init__(self, ctx: AppContext, account: BankAccountOut,
                 properties: list[tuple[uuid.UUID, str]], parent: QWidget | None = None) -> None:
        super().__init__(f"Bank account {account.name}", parent, runner=ctx)
        self.ctx, self.existing = ctx, account
        self.name = QLineEdit(account.name)
        self.owner = QComboBox()
        self.owner.setObjectName("account_property")
        self.owner.addItem("The operator (every property)", "")
        for pid, name in properties:
            self.owner.addItem(name, str(pid))
        self.owner.setCurrentIndex(max(self.owner.findData(
            str(account.property_id) if account.property_id else ""), 0))
        self.institution = QLineEdit(account.institution or "")
        self.opening_balance = QLineEdit(f"{account.opening_balance:.2f}")
        self.opening_balance.setObjectName("account_opening_balance")
        self.opening_on = DateField(account.opening_on, optional=True,
                                    none_text="Balance on a known day")
        for name, label, widget in (
                ("name", "Name", self.name), ("property_id", "Belongs to", self.owner),
                ("institution", "Bank", self.institution),
                ("opening_balance", "Opening balance", self.opening_balance),
                ("opening_on", "Opening day", self.opening_on)):
            self.fields.add(name, label, widget)
        self.finish_layout()

    def build_input(self) -> BankAccountUpdate:
        owner = self.owner.currentData()
        return build(BankAccountUpdate, name=self.name.text(),
                     property_id=uuid.UUID(owner) if owner else None,
                     institution=self.institution.text(),
                     opening_balance=self.opening_balance.text(),
                     opening_on=self.opening_on.value(), notes=self.existing.notes,
                     expected_version=self.existing.version)

    def save(self, data: BankAccountUpdate) -> BankAccountOut:
        return bank.update_account(self.ctx.db, self.ctx.actor, self.existing.id, data)

    def reload(self) -> Any:
        found = [a for a in bank.list_accounts(self.ctx.db, self.ctx.actor)
                 if a.id == self.existing.id]
        return found[0] if found else None

    def refill(self, record: BankAccountOut) -> None:
        self.name.setText(record.name)
        self.owner.setCurrentIndex(max(self.owner.findData(
            str(record.property_id) if record.property_id else ""), 0))
        self.institution.setText(record.institution or "")
        self.opening_balance.setText(f"{record.opening_balance:.2f}")
        self.opening_on.set_value(record.opening_on)
