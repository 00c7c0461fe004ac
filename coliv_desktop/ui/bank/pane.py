"""Bank: an account's imported statement lines (the unmatched ones first of all), each with
what it could become and why; Confirm takes the best proposal, or the line is matched to a
lease or an expense by hand, or ignored; Undo match voids what a match created. Import
Statement… reads an OFX, QFX or CSV file (a CSV's columns are mapped once per account), Payee
rules… keeps the rules, Reconcile… compares the statement's balance and locks the period."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coliv_desktop.domain.bank_files import looks_like_ofx, preview_csv
from coliv_desktop.schemas.bank import BankAccountOut, BankLineOut, Proposal
from coliv_desktop.services import bank, reconcile
from coliv_desktop.services.bank import Choices
from coliv_desktop.ui.bank.dialogs import (
    ExpenseDialog,
    ImportDialog,
    ImportSetup,
    MatchLeaseDialog,
    ReconcileDialog,
    RulesDialog,
)
from coliv_desktop.ui.common.context import AppContext, SignalBus
from coliv_desktop.ui.common.forms import ERROR_STYLE
from coliv_desktop.ui.common.models.table import Column, RowTableModel
from coliv_desktop.ui.common.pane import Pane
from coliv_desktop.ui.common.widgets import (
    ListView,
    empty_state,
    heading,
    later,
    muted,
    search_box,
    tool_button,
)

STATUSES = (("unmatched", "Unmatched"), ("", "All lines"), ("matched", "Matched to a lease"),
            ("expense", "Expenses"), ("ignored", "Ignored"))
OUT_RED = QColor("#b3261e")
DONE_GREY = QColor("#6b7280")
KIND_WORDS = {"payment": "Payment", "link": "Link", "expense": "Expense"}


@dataclass
class BankData:
    accounts: list[BankAccountOut]
    lines: list[BankLineOut]
    choices: Choices


def line_columns() -> list[Column[BankLineOut]]:
    return [
        Column("date", "Date", lambda r: r.posted_on, kind="date", width=92),
        Column("name", "Name", lambda r: r.name, width=230),
        Column("memo", "Memo", lambda r: r.memo or "", width=150),
        Column("amount", "Amount", lambda r: r.amount, kind="money", width=92),
        Column("status", "Status", lambda r: r.status + (" 🔒" if r.locked else ""), width=90),
        Column("proposal", "Proposed", lambda r: r.proposals[0].reason if r.proposals else "",
               width=360),
    ]


def row_style(row: BankLineOut) -> tuple[QColor | None, bool]:
    if row.status != "unmatched":
        return DONE_GREY, False
    return (OUT_RED if row.amount < 0 else None), bool(row.proposals)


class BankPane(Pane):
    def reload_signals(self, bus: SignalBus) -> tuple[SignalInstance, ...]:
        return (bus.ledger_changed, bus.portfolio_changed, bus.tenants_changed)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.accounts: list[BankAccountOut] = []
        self.choices = Choices([], [], [])
        self._loading = 0
        self._want: uuid.UUID | None = None
        write = ctx.allows("ledger.write")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Bank"))
        self.count = muted()
        self.count.setObjectName("bank_count")
        top.addWidget(self.count, 1, Qt.AlignmentFlag.AlignBottom)
        self.import_button = tool_button("Import Statement…", "add",
                                         "Import an OFX, QFX or CSV bank statement",
                                         self.import_statement, allowed=write)
        self.import_button.setObjectName("bank_import")
        self.rules_button = tool_button("Payee rules…", "edit",
                                        "Withdrawals proposed as expenses by their text",
                                        self.show_rules)
        self.rules_button.setObjectName("bank_rules")
        self.reconcile_button = tool_button("Reconcile…", "ledger",
                                            "The statement's balance against the book; lock "
                                            "the period", self.reconcile)
        self.reconcile_button.setObjectName("bank_reconcile")
        for button in (self.import_button, self.rules_button, self.reconcile_button):
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(top)
        filters = QHBoxLayout()
        self.account = QComboBox()
        self.account.setObjectName("bank_account")
        self.account.setMinimumWidth(220)
        self.account.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status = QComboBox()
        self.status.setObjectName("bank_status")
        for key, label in STATUSES:
            self.status.addItem(label, key)
        self.search = search_box("Search name and memo")
        self.account_button = tool_button("Account…", "edit", "The account's property and "
                                          "opening balance", self.edit_account,
                                          allowed=write)
        self.account_button.setObjectName("bank_account_edit")
        filters.addWidget(self.account)
        filters.addWidget(self.account_button)
        filters.addWidget(self.status)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)
        self.message = QLabel()
        self.message.setObjectName("bank_message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.model: RowTableModel[BankLineOut] = RowTableModel(
            line_columns(), money=ctx.money, style=row_style)
        self.view = ListView(self.model, ctx.settings, "bank_lines")
        self.empty = empty_state("No bank lines yet: import a statement (OFX, QFX or CSV).")
        self.empty.setObjectName("bank_empty")
        self.lines_stack = QStackedWidget()
        self.lines_stack.addWidget(self.view)
        self.lines_stack.addWidget(self.empty)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.lines_stack)
        split.addWidget(self._detail_panel(write))
        split.setSizes([360, 240])
        layout.addWidget(split, 1)
        self.search.textChanged.connect(self.view.proxy.set_search)
        self.account.currentIndexChanged.connect(lambda *_: self.reload())
        self.status.currentIndexChanged.connect(lambda *_: self.reload())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.view.doubleClicked.connect(lambda *_: self.confirm())
        self._selected()

    def _detail_panel(self, write: Any) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.detail_title = heading("", 13)
        self.detail_title.setObjectName("bank_line_title")
        self.detail_facts = muted()
        self.detail_facts.setObjectName("bank_line_facts")
        layout.addWidget(self.detail_title)
        layout.addWidget(self.detail_facts)
        self.proposals = QListWidget()
        self.proposals.setObjectName("bank_proposals")
        self.proposals.setWordWrap(True)
        self.proposals.itemDoubleClicked.connect(lambda *_: self.confirm())
        layout.addWidget(self.proposals, 1)
        buttons = QHBoxLayout()
        self.confirm_button = tool_button("Confirm", "add", "Take the selected proposal",
                                          self.confirm, allowed=write)
        self.lease_button = tool_button("Match to lease…", "leases",
                                        "Record the deposit as a tenant's payment",
                                        self.match_lease, allowed=write)
        self.expense_button = tool_button("Expense…", "ledger", "Record the withdrawal as an "
                                          "expense", self.match_expense, allowed=write)
        self.ignore_button = tool_button("Ignore", "archive", "Nothing for the book (a "
                                         "transfer between own accounts)", self.ignore,
                                         allowed=write)
        self.undo_button = tool_button("Undo match", "turnover", "The line waits again; what "
                                       "the match created is voided", self.undo, allowed=write)
        for name, button in (("bank_confirm", self.confirm_button),
                             ("bank_match_lease", self.lease_button),
                             ("bank_expense", self.expense_button),
                             ("bank_ignore", self.ignore_button),
                             ("bank_undo", self.undo_button)):
            button.setObjectName(name)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return panel

    # --- loading -------------------------------------------------------------------------------

    def account_id(self) -> uuid.UUID | None:
        value = self.account.currentData()
        return uuid.UUID(value) if value else None

    def current_account(self) -> BankAccountOut | None:
        ident = self.account_id()
        return next((a for a in self.accounts if a.id == ident), None)

    def reload(self) -> None:
        if not self.ctx.has_database:
            return
        db, actor = self.ctx.db, self.ctx.actor
        wanted, status = self.account_id(), str(self.status.currentData() or "")
        self._loading += 1
        token = self._loading

        def load() -> BankData:
            accounts = bank.list_accounts(db, actor)
            account = wanted if any(a.id == wanted for a in accounts) else (
                accounts[0].id if accounts else None)
            lines = bank.list_lines(db, actor, account, status=status or None) \
                if account is not None else []
            return BankData(accounts, lines, bank.match_choices(db, actor))

        def done(data: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self) or token != self._loading:
                return
            if error is not None or data is None:
                self._say(f"Could not load the bank lines: {error}")
                return
            self.accounts, self.choices = data.accounts, data.choices
            self._fill_accounts(wanted)
            self._show(data.lines)
            self.loaded.emit()

        self.ctx.run_task(load, done)

    def _fill_accounts(self, wanted: uuid.UUID | None) -> None:
        self.account.blockSignals(True)
        self.account.clear()
        for a in self.accounts:
            owner = a.property_name or "operator"
            self.account.addItem(f"{a.name} ({owner}) · {a.unmatched} unmatched", str(a.id))
        index = self.account.findData(str(wanted)) if wanted else 0
        self.account.setCurrentIndex(max(index, 0))
        self.account.blockSignals(False)

    def _show(self, lines: list[BankLineOut]) -> None:
        shown = self.current()
        self.model.set_rows(lines)
        self.lines_stack.setCurrentWidget(self.view if lines else self.empty)
        account = self.current_account()
        if not self.accounts:
            self.empty.setText("No bank lines yet: import a statement (OFX, QFX or CSV).")
        elif self.status.currentData() == "unmatched":
            self.empty.setText("Nothing waits: every line of this account is matched.")
        else:
            self.empty.setText("No line matches this filter.")
        unmatched = account.unmatched if account else 0
        closed = f" · locked through {account.closed_through}" if account and \
            account.closed_through else ""
        self.count.setText(f"{unmatched} unmatched line{'s' if unmatched != 1 else ''}{closed}")
        want, self._want = self._want, None
        want = want or (shown.id if shown else None)
        if not (want is not None and self.view.select_where(lambda r: r.id == want)) \
                and lines and not self.view.currentIndex().isValid():
            self.view.selectRow(0)
        self._selected()

    def current(self) -> BankLineOut | None:
        row = self.view.current_row()
        return row if isinstance(row, BankLineOut) else None

    def _selected(self) -> None:
        line = self.current()
        self.proposals.clear()
        if line is None:
            self.detail_title.setText("Select a line to see what it could become.")
            self.detail_facts.setText("")
        else:
            self.detail_title.setText(f"{line.name} · {self.ctx.money(line.amount)}")
            bits = [str(line.posted_on), "money in" if line.amount > 0 else "money out",
                    line.status]
            if line.memo:
                bits.append(line.memo)
            if line.fitid:
                bits.append(f"bank id {line.fitid}")
            if line.note:
                bits.append(line.note)
            if line.matched_by and line.matched_at:
                bits.append(f"by {line.matched_by} on {line.matched_at:%Y-%m-%d}")
            if line.locked:
                bits.append("in a reconciled (locked) period")
            self.detail_facts.setText(" · ".join(bits))
            for proposal in line.proposals:
                item = QListWidgetItem(f"{KIND_WORDS[proposal.kind]}: "
                                       + (f"{proposal.tenant} — " if proposal.tenant else "")
                                       + proposal.reason)
                item.setData(Qt.ItemDataRole.UserRole, proposal)
                self.proposals.addItem(item)
            if line.status == "unmatched" and not line.proposals:
                self.proposals.addItem("Nothing proposed: match it by hand, or ignore it.")
            if line.proposals:
                self.proposals.setCurrentRow(0)
        waiting = line is not None and line.status == "unmatched" and not line.locked
        self.confirm_button.setEnabled(waiting and bool(line and line.proposals))
        self.lease_button.setEnabled(waiting and line is not None and line.amount > 0)
        self.expense_button.setEnabled(waiting and line is not None and line.amount < 0)
        self.ignore_button.setEnabled(waiting)
        self.undo_button.setEnabled(line is not None and line.status != "unmatched"
                                    and not line.locked)
        self.reconcile_button.setEnabled(self.current_account() is not None)
        self.account_button.setEnabled(self.current_account() is not None)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # --- modal steps (through ctx.editing, which the tests drive) --------------------------------

    def run_dialog(self, dialog: QDialog) -> int:
        if self.ctx.editing is not None:
            return self.ctx.editing.run_dialog(dialog)
        return dialog.exec()

    def ask_text(self, title: str, label: str) -> str | None:
        if self.ctx.editing is not None:
            return self.ctx.editing.ask_text(title, label)
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(self, title, label)
        return text if ok else None

    def choose_file(self) -> Path | None:
        """The statement to import (tests replace this)."""
        name, _ = QFileDialog.getOpenFileName(
            self, "Import bank statement", "",
            "Bank statements (*.ofx *.qfx *.csv *.txt);;All files (*)")
        return Path(name) if name else None

    # --- actions -------------------------------------------------------------------------------

    def _write(self, fn: Any, what: str) -> None:
        line = self.current()

        def done(result: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                self._say(f"{what}: {error}")
                return
            self._say("")
            if line is not None:
                self._want = line.id
            self._changed()

        self.ctx.run_task(fn, done)

    def _changed(self) -> None:
        self.ctx.bus.ledger_changed.emit()
        if not self.isVisible():
            self.mark_stale()

    def confirm(self) -> None:
        line = self.current()
        item = self.proposals.currentItem()
        proposal = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if line is None or not isinstance(proposal, Proposal) or not self.ctx.may(
                "ledger.write"):
            return
        db, actor = self.ctx.db, self.ctx.actor
        if proposal.kind == "expense":
            if proposal.property_id is None or proposal.category is None:
                self.match_expense()
                return
            category, prop, payee = proposal.category, proposal.property_id, proposal.payee
            self._write(lambda: reconcile.match_to_expense(db, actor, line.id, category, prop,
                                                           payee), "Not recorded")
            return
        lease_id = proposal.lease_id
        assert lease_id is not None
        self._write(lambda: reconcile.match_to_lease(db, actor, line.id, lease_id),
                    "Not matched")

    def match_lease(self) -> None:
        line = self.current()
        if line is None:
            return
        dialog = MatchLeaseDialog(self.ctx, line, self.choices, self)
        if self.run_dialog(dialog) and dialog.saved is not None:
            self._want = line.id
            self._changed()

    def match_expense(self) -> None:
        line = self.current()
        if line is None:
            return
        dialog = ExpenseDialog(self.ctx, line, self.choices, self.current_account(), self)
        if self.run_dialog(dialog) and dialog.saved is not None:
            self._want = line.id
            self._changed()

    def ignore(self) -> None:
        line = self.current()
        if line is None:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self._write(lambda: reconcile.ignore_line(db, actor, line.id), "Not ignored")

    def undo(self) -> None:
        line = self.current()
        if line is None:
            return
        reason = self.ask_text("Undo match", "Why is this match undone? (The payment or "
                                             "expense it created is voided with the reason.)")
        if not reason:
            return
        db, actor = self.ctx.db, self.ctx.actor
        self._write(lambda: reconcile.undo_match(db, actor, line.id, reason), "Not undone")

    def import_statement(self) -> None:
        path = self.choose_file()
        if path is None:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def load() -> ImportSetup:
            data = path.read_bytes()
            preview = None if looks_like_ofx(data) else preview_csv(data)
            return ImportSetup(path, bank.list_accounts(db, actor),
                               bank.match_choices(db, actor).properties, preview)

        def done(setup: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None or setup is None:
                self._say(f"Cannot read {path.name}: {error}")
                return
            dialog = ImportDialog(self.ctx, setup, self.account_id(), self)
            if self.run_dialog(dialog) and dialog.saved is not None:
                result = dialog.saved
                self._say("")
                self.count.setText(f"Imported {result.imported}, {result.duplicates} already "
                                   f"there, {result.proposed} proposed")
                select = self.account.findData(str(result.account_id))
                if select < 0:
                    self.account.addItem(result.account, str(result.account_id))
                    select = self.account.count() - 1
                self.account.blockSignals(True)
                self.account.setCurrentIndex(select)
                self.account.blockSignals(False)
                self._changed()

        self.ctx.run_task(load, later(done))

    def edit_account(self) -> None:
        from coliv_desktop.ui.bank.account import AccountDialog

        account = self.current_account()
        if account is None:
            return
        dialog = AccountDialog(self.ctx, account, self.choices.properties, self)
        if self.run_dialog(dialog) and dialog.saved is not None:
            self._changed()

    def show_rules(self) -> None:
        dialog = RulesDialog(self.ctx, self.choices, self, run_dialog=self.run_dialog)
        self.run_dialog(dialog)
        self.reload()

    def reconcile(self) -> None:
        account = self.current_account()
        if account is None:
            return
        dialog = ReconcileDialog(self.ctx, account, self, ask_text=self.ask_text)
        accepted = self.run_dialog(dialog)
        if (accepted and dialog.saved is not None) or dialog.reopened:
            self._changed()
