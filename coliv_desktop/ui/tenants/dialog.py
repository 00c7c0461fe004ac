"""Add or edit a tenant: contact details, emergency contact, notes, and (for the roles that
read personal documents) the ID number and bank details, stored encrypted."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from coliv_desktop.schemas import build
from coliv_desktop.schemas.people import TenantCreate, TenantOut, TenantPrivate, TenantUpdate
from coliv_desktop.services import tenants
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.forms import FormDialog


class TenantDialog(FormDialog):
    def __init__(self, ctx: AppContext, existing: TenantOut | None = None,
                 parent: QWidget | None = None, private: TenantPrivate | None = None) -> None:
        super().__init__("Edit tenant" if existing else "Add tenant", parent,
                         runner=ctx)
        self.ctx = ctx
        self.existing = existing
        e = existing
        self.first_name = QLineEdit(e.first_name if e else "")
        self.last_name = QLineEdit(e.last_name if e else "")
        self.email = QLineEdit(e.email if e else "")
        self.email.setPlaceholderText("name@example.com")
        self.phone = QLineEdit(e.phone or "" if e else "")
        self.emergency_contact_name = QLineEdit(e.emergency_contact_name or "" if e else "")
        self.emergency_contact_phone = QLineEdit(e.emergency_contact_phone or "" if e else "")
        self.notes = QPlainTextEdit(e.notes or "" if e else "")
        self.notes.setFixedHeight(80)
        # Shown to the roles that may read them, and, in an edit, once they were read.
        self.protected = ctx.actor.may("documents.read") and (e is None or private is not None)
        p = private
        self.id_number = QLineEdit(p.id_number or "" if p else "")
        self.id_number.setPlaceholderText("passport or national ID (kept encrypted)")
        self.bank_details = QLineEdit(p.bank_details or "" if p else "")
        self.bank_details.setPlaceholderText("IBAN or account, for refunds (kept encrypted)")
        rows = [
            ("first_name", "First name", self.first_name),
            ("last_name", "Last name", self.last_name), ("email", "Email", self.email),
            ("phone", "Phone", self.phone),
            ("emergency_contact_name", "Emergency contact", self.emergency_contact_name),
            ("emergency_contact_phone", "Emergency phone", self.emergency_contact_phone),
        ]
        if self.protected:
            rows += [("id_number", "ID number", self.id_number),
                     ("bank_details", "Bank details", self.bank_details)]
        for name, label, widget in (*rows, ("notes", "Notes", self.notes)):
            self.fields.add(name, label, widget)
        self.finish_layout()

    def build_input(self) -> Any:
        values: dict[str, Any] = dict(
            first_name=self.first_name.text(), last_name=self.last_name.text(),
            email=self.email.text(), phone=self.phone.text(),
            emergency_contact_name=self.emergency_contact_name.text(),
            emergency_contact_phone=self.emergency_contact_phone.text(),
            notes=self.notes.toPlainText())
        if self.protected:
            values.update(id_number=self.id_number.text(),
                          bank_details=self.bank_details.text())
        if self.existing is None:
            return build(TenantCreate, **values)
        return build(TenantUpdate, **values, expected_version=self.existing.version)

    def reload(self) -> TenantOut | None:
        return tenants.get_tenant(self.ctx.db, self.ctx.actor,
                                  self.existing.id) if self.existing else None

    def refill(self, record: TenantOut) -> None:
        self.first_name.setText(record.first_name)
        self.last_name.setText(record.last_name)
        self.email.setText(record.email)
        self.phone.setText(record.phone or "")
        self.emergency_contact_name.setText(record.emergency_contact_name or "")
        self.emergency_contact_phone.setText(record.emergency_contact_phone or "")
        self.notes.setPlainText(record.notes or "")

    def save(self, data: Any) -> TenantOut:
        if self.existing is None:
            return tenants.add_tenant(self.ctx.db, self.ctx.actor, data)
        return tenants.update_tenant(self.ctx.db, self.ctx.actor, self.existing.id, data)
