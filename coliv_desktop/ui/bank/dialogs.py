"""The Bank pane's dialogs: importing a statement (a CSV's columns mapped the first time, with
a preview), matching a line to a lease or an expense, the payee rules, and reconciling."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.bank_files import CsvMapping, CsvPreview
from coliv_desktop.domain.errors import ValidationError
from coliv_desktop.domain.sheet_values import parse_amount
from coliv_desktop.schemas import build
from coliv_desktop.schemas.bank import (
    BankAccountOut,
    BankLineOut,
    PayeeRuleCreate,
    PayeeRuleOut,
    ReconciliationCheck,
)
from coliv_desktop.services import bank, bank_import, reconcile
from coliv_desktop.services.bank import Choices
from coliv_desktop.services.clock import today
from coliv_desktop.ui.common.context import AppContext
from coliv_desktop.ui.common.fields import DateField
from coliv_desktop.ui.common.forms import ERROR_STYLE, FormDialog
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.widgets import ListView, tool_button

RED = "#b3261e"
NEW_ACCOUNT = "__new__"
MAPPED = (("date", "Date"), ("amount", "Amount"), ("debit", "Debit (money out)"),
          ("credit", "Credit (money in)"), ("name", "Description"), ("memo", "Memo"),
          ("reference", "Reference"), ("id", "Transaction id"), ("balance", "Balance"))
DATE_ORDERS = (("", "Read from the column"), ("ymd", "Year-month-day"),
               ("mdy", "Month/day/year (US)"), ("dmy", "Day/month/year"))
DECIMAL_MARKS = (("", "Read from the column"), (".", "1,234.56"), (",", "1.234,56"))


@dataclass
class ImportSetup:
    """What the import dialog opens with (read in the background)."""

    path: Path
    accounts: list[BankAccountOut]
    properties: list[tuple[uuid.UUID, str]]
    preview: CsvPreview | None  # None: an OFX or QFX file


def _box(items: list[tuple[Any, str]], current: Any = None) -> QComboBox:
    box = QComboBox()
    for data, label in items:
        box.addItem(label, data)
    if current is not None:
        index = box.findData(current)
        if index >= 0:
            box.setCurrentIndex(index)
    return box


class ImportDialog(FormDialog):
    """Import one statement file into an account (a new one named here); a CSV's columns
    are mapped in the dialog and saved to the account."""

    def __init__(self, ctx: AppContext, setup: ImportSetup, account_id: uuid.UUID | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Import {setup.path.name}", parent, runner=ctx, save_text="Import")
        self.ctx = ctx
        self.setup = setup
        self.setMinimumWidth(640 if setup.preview is not None else 460)
        self.account = _box([(str(a.id), a.name) for a in setup.accounts]
                            + [(NEW_ACCOUNT, "New account…")],
                            str(account_id) if account_id else None)
        self.account.setObjectName("import_account")
        self.new_name = QLineEdit()
        self.new_name.setObjectName("import_new_name")
        self.new_name.setPlaceholderText("e.g. Main checking")
        self.property_box = _box([("", "The operator (every property)")]
                             + [(str(pid), name) for pid, name in setup.properties])
        self.property_box.setObjectName("import_property")
        self.fields.add("account", "Account", self.account)
        self.fields.add("name", "New account's name", self.new_name)
        self.fields.add("property_id", "Belongs to", self.property_box)
        self.columns: dict[str, QComboBox] = {}
        self.invert = QCheckBox("Money out is written positive (a card's charges)")
        self.date_order = _box(list(DATE_ORDERS))
        self.decimal_mark = _box(list(DECIMAL_MARKS))
        if setup.preview is not None:
            self._mapping_fields(setup.preview)
        self.account.currentIndexChanged.connect(lambda *_: self._account_changed())
        self.finish_layout()
        self._account_changed()

    def _mapping_fields(self, preview: CsvPreview) -> None:
        for key, label in MAPPED:
            box = _box([("", "—")] + [(h, h) for h in preview.headers])
            box.setObjectName(f"map_{key}")
            self.columns[key] = box
            self.fields.add(f"mapping.{key}", label, box)
        self.fields.add("mapping.invert", "Sign", self.invert)
        self.fields.add("date_order", "Date order", self.date_order)
        self.fields.add("decimal_mark", "Decimal mark", self.decimal_mark)
        table = QTableWidget(len(preview.rows), len(preview.headers))
        table.setObjectName("csv_preview")
        table.setHorizontalHeaderLabels(preview.headers)
        for r, (_, cells) in enumerate(preview.rows):
            for c, cell in enumerate(cells[:len(preview.headers)]):
                table.setItem(r, c, QTableWidgetItem(cell))
        table.setMinimumHeight(140)
        self.body.addWidget(QLabel("The file's first rows:"))
        self.body.addWidget(table)
        self.preview_table = table

    def _account(self) -> BankAccountOut | None:
        wanted = self.account.currentData()
        return next((a for a in self.setup.accounts if str(a.id) == wanted), None)

    def _account_changed(self) -> None:
        account = self._account()
        new = account is None
        self.new_name.setEnabled(new)
        self.property_box.setEnabled(new)
        if self.setup.preview is None:
            return
        saved = account.csv_mapping if account is not None else None
        mapping = CsvMapping.from_json(saved) if saved else self.setup.preview.guess
        values = mapping.to_json() if mapping is not None else {}
        for key, box in self.columns.items():
            index = box.findData(values.get(key, ""))
            box.setCurrentIndex(max(index, 0))
        self.invert.setChecked(bool(values.get("invert")))
        self.date_order.setCurrentIndex(max(self.date_order.findData(
            values.get("date_order", "")), 0))
        self.decimal_mark.setCurrentIndex(max(self.decimal_mark.findData(
            values.get("decimal_mark", "")), 0))

    def build_input(self) -> dict[str, Any]:
        account = self._account()
        name = account.name if account is not None else self.new_name.text().strip()
        if not name:
            raise ValidationError("name", "name the new account")
        data: dict[str, Any] = {"account": name, "property_id": None, "mapping": None}
        if account is None and self.property_box.currentData():
            data["property_id"] = uuid.UUID(self.property_box.currentData())
        if self.setup.preview is not None:
            mapping: dict[str, Any] = {k: b.currentData() for k, b in self.columns.items()
                                       if b.currentData()}
            if self.invert.isChecked():
                mapping["invert"] = True
            for key, box in (("date_order", self.date_order),
                             ("decimal_mark", self.decimal_mark)):
                if box.currentData():
                    mapping[key] = box.currentData()
            data["mapping"] = CsvMapping.from_json(mapping).to_json()
        return data

    def save(self, data: dict[str, Any]) -> Any:
        return bank_import.import_statement(
            self.ctx.db, self.ctx.actor, self.setup.path, data["account"],
            property_id=data["property_id"], mapping=data["mapping"])


class MatchLeaseDialog(FormDialog):
    """A deposit to a lease: recorded as its payment, or linked to the one recorded by hand."""

    def __init__(self, ctx: AppContext, line: BankLineOut, choices: Choices,
                 parent: QWidget | None = None) -> None:
        super().__init__("Match to a lease", parent, runner=ctx, save_text="Match")
        self.ctx, self.line = ctx, line
        proposed = next((p.lease_id for p in line.proposals if p.lease_id), None)
        self.lease = _box([(str(lid), label) for lid, label in choices.leases],
                          str(proposed) if proposed else None)
        self.lease.setObjectName("match_lease")
        self.fields.add("lease_id", "Lease", self.lease)
        self.body.addWidget(QLabel(f"{line.posted_on} · {ctx.money(line.amount)} · {line.name}"))
        self.finish_layout()

    def build_input(self) -> uuid.UUID:
        if not self.lease.currentData():
            raise ValidationError("lease_id", "choose the lease")
        return uuid.UUID(self.lease.currentData())

    def save(self, data: uuid.UUID) -> BankLineOut:
        return reconcile.match_to_lease(self.ctx.db, self.ctx.actor, self.line.id, data)


class ExpenseDialog(FormDialog):
    """A withdrawal as an expense of a property, in a category."""

    def __init__(self, ctx: AppContext, line: BankLineOut, choices: Choices,
                 account: BankAccountOut | None, parent: QWidget | None = None) -> None:
        super().__init__("Record as an expense", parent, runner=ctx, save_text="Record")
        self.ctx, self.line = ctx, line
        rule = next((p for p in line.proposals if p.kind == "expense"), None)
        prop = (rule.property_id if rule and rule.property_id
                else account.property_id if account else None)
        self.category = _box([(c, c) for c in choices.categories],
                             rule.category if rule else None)
        self.category.setObjectName("expense_category")
        self.property_box = _box([(str(pid), name) for pid, name in choices.properties],
                             str(prop) if prop else None)
        self.property_box.setObjectName("expense_property")
        self.payee = QLineEdit((rule.payee if rule else None) or line.name)
        self.fields.add("category", "Category", self.category)
        self.fields.add("property_id", "Property", self.property_box)
        self.fields.add("payee", "Payee", self.payee)
        self.finish_layout()

    def build_input(self) -> tuple[str, uuid.UUID, str]:
        if not self.property_box.currentData():
            raise ValidationError("property_id", "choose the property")
        return (str(self.category.currentData()), uuid.UUID(self.property_box.currentData()),
                self.payee.text().strip())

    def save(self, data: tuple[str, uuid.UUID, str]) -> BankLineOut:
        category, prop, payee = data
        return reconcile.match_to_expense(self.ctx.db, self.ctx.actor, self.line.id, category,
                                          prop, payee or None)


class RuleDialog(FormDialog):
    def __init__(self, ctx: AppContext, choices: Choices, parent: QWidget | None = None,
                 pattern: str = "") -> None:
        super().__init__("Add payee rule", parent, runner=ctx)
        self.ctx = ctx
        self.pattern = QLineEdit(pattern)
        self.pattern.setObjectName("rule_pattern")
        self.pattern.setPlaceholderText("CITY OF AUSTIN UTIL")
        self.category = _box([(c, c) for c in choices.categories])
        self.category.setObjectName("rule_category")
        self.property_box = _box([("", "The account's property")]
                             + [(str(pid), name) for pid, name in choices.properties])
        self.property_box.setObjectName("rule_property")
        self.fields.add("pattern", "Text in the line", self.pattern)
        self.fields.add("category", "Category", self.category)
        self.fields.add("property_id", "Property", self.property_box)
        self.finish_layout()

    def build_input(self) -> PayeeRuleCreate:
        prop = self.property_box.currentData()
        return build(PayeeRuleCreate, pattern=self.pattern.text(),
                     category=str(self.category.currentData() or ""),
                     property_id=uuid.UUID(prop) if prop else None)

    def save(self, data: PayeeRuleCreate) -> PayeeRuleOut:
        return bank.add_rule(self.ctx.db, self.ctx.actor, data)


class RulesDialog(QDialog):
    """The payee rules: withdrawals whose text holds a pattern are proposed as expenses."""

    def __init__(self, ctx: AppContext, choices: Choices, parent: QWidget | None = None,
                 run_dialog: Any = None) -> None:
        super().__init__(parent)
        self.ctx, self.choices, self.runner = ctx, choices, ctx
        self._run_dialog = run_dialog or (lambda d: d.exec())
        self.setWindowTitle("Payee rules")
        self.resize(640, 360)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        write = ctx.allows("ledger.write")
        self.add_button = tool_button("Add rule…", "add", "A new payee rule", self.add,
                                      allowed=write)
        self.add_button.setObjectName("add_rule")
        self.delete_button = tool_button("Delete", "archive", "Delete the selected rule",
                                         self.delete, allowed=write)
        self.delete_button.setObjectName("delete_rule")
        row.addWidget(self.add_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.model: RowTableModel[PayeeRuleOut] = RowTableModel([
            Column("pattern", "Text in the line", lambda r: r.pattern, width=220),
            Column("category", "Category", lambda r: r.category, width=160),
            Column("property", "Property", lambda r: r.property_name or "the account's",
                   width=160)])
        self.view = ListView(self.model, ctx.settings, "bank_rules")
        layout.addWidget(self.view, 1)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def done(rows: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            self.message.setText(str(error) if error else "")
            if rows is not None:
                self.model.set_rows(rows)

        self.ctx.run_task(lambda: bank.list_rules(db, actor), done)

    def add(self) -> None:
        dialog = RuleDialog(self.ctx, self.choices, self)
        if self._run_dialog(dialog) and dialog.saved is not None:
            self.reload()

    def delete(self) -> None:
        rule = self.view.current_row()
        if rule is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.ctx.run_task(lambda: bank.delete_rule(db, actor, rule.id),
                          lambda _r, e: self.message.setText(str(e)) if e else self.reload())


class ReconcileDialog(FormDialog):
    """The statement's closing balance against the book; Lock when they agree and nothing of
    the period waits. Reopen… lifts the last lock, with a reason."""

    def __init__(self, ctx: AppContext, account: BankAccountOut, parent: QWidget | None = None,
                 ask_text: Any = None) -> None:
        super().__init__(f"Reconcile {account.name}", parent, runner=ctx,
                         save_text="Lock period")
        self.ctx, self.account = ctx, account
        self._ask_text = ask_text
        self.through = DateField(account.statement_on or today())
        self.balance = QLineEdit(f"{account.statement_balance:.2f}"
                                 if account.statement_balance is not None else "")
        self.balance.setObjectName("reconcile_balance")
        self.fields.add("through", "Statement's closing day", self.through)
        self.fields.add("balance", "Statement's closing balance", self.balance)
        self.outcome = QLabel()
        self.outcome.setObjectName("reconcile_outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setMinimumHeight(90)
        self.setMinimumWidth(580)
        self.body.addWidget(self.outcome)
        buttons = QHBoxLayout()
        self.compare_button = QPushButton("Compare")
        self.compare_button.setObjectName("reconcile_compare")
        self.compare_button.clicked.connect(self.compare)
        self.reopen_button = QPushButton("Reopen…")
        self.reopen_button.setObjectName("reconcile_reopen")
        self.reopen_button.setEnabled(account.closed_through is not None)
        self.reopen_button.clicked.connect(self.reopen)
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.reopen_button)
        buttons.addStretch(1)
        self.body.addLayout(buttons)
        closed = (f"Locked through {account.closed_through}." if account.closed_through
                  else "No period is locked yet.")
        self.state = QLabel(closed)
        self.state.setObjectName("reconcile_state")
        self.body.addWidget(self.state)
        self.check: ReconciliationCheck | None = None
        self.reopened = False
        self.finish_layout()
        if self.balance.text():
            self.compare()

    def build_input(self) -> tuple[Any, Decimal]:
        through = self.through.value()
        if through is None:
            raise ValidationError("through", "choose the statement's closing day")
        text = self.balance.text().strip()
        if not text:
            raise ValidationError("balance", "type the statement's closing balance")
        return through, parse_amount(text, "balance", ".")

    def compare(self) -> None:
        try:
            through, balance = self.build_input()
        except ValidationError as exc:
            self.fields.show(exc)
            return
        db, actor, ident = self.ctx.db, self.ctx.actor, self.account.id

        def done(check: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None or check is None:
                self.show_banner(str(error))
                return
            self.check = check
            money = self.ctx.money
            color = RED if check.difference != 0 else "#1b5e20"
            text = (f"Book balance {money(check.book_balance)} (opening "
                    f"{money(check.opening_balance)} plus the lines through "
                    f"{check.period_end}) · statement {money(check.statement_balance)} · "
                    f"<b style='color:{color}'>difference {money(check.difference)}</b>"
                    f" · {check.unmatched} unmatched")
            if check.problem:
                text += f"<br><span style='color:{RED}'>{check.problem}</span>"
            self.outcome.setText(text)
            self.save_button.setEnabled(check.can_lock)

        self.ctx.run_task(lambda: reconcile.check_reconciliation(db, actor, ident, through,
                                                                 balance), done)

    def save(self, data: tuple[Any, Decimal]) -> Any:
        through, balance = data
        return reconcile.reconcile(self.ctx.db, self.ctx.actor, self.account.id, through,
                                   balance)

    def reopen(self) -> None:
        asked = self._ask_text("Reopen the period", "Why is the reconciled period reopened?") \
            if self._ask_text else None
        if not asked:
            return
        db, actor, ident = self.ctx.db, self.ctx.actor, self.account.id

        def done(row: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self.show_banner(str(error))
                return
            self.reopened = True
            self.state.setText(f"Reopened: the period through {row.period_end} is open again.")
            self.reopen_button.setEnabled(False)

        self.ctx.run_task(lambda: reconcile.reopen(db, actor, ident, asked), done)

