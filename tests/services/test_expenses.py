"""Expenses on both engines (issue 15 item 3): add, list with filters and sort, edit with a
version check, void with a reason, mark paid, a receipt, categories, the period lock,
maintenance costs flowing in as expenses."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from coliv_desktop.db.engine import Database
from coliv_desktop.db.models import (
    AuditEntry,
    BankAccount,
    Document,
    Expense,
    MaintenanceCost,
    Reconciliation,
)
from coliv_desktop.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnknownReference,
    ValidationError,
)
from coliv_desktop.schemas import build
from coliv_desktop.schemas.books import (
    CategoryIn,
    CategoryUpdate,
    ExpenseCreate,
    ExpenseQuery,
    ExpenseUpdate,
)
from coliv_desktop.schemas.maintenance import CostCreate, RequestCreate, VendorCreate
from coliv_desktop.services import attachments, expenses, maintenance, vendors
from coliv_desktop.services.books_lock import PeriodClosed
from coliv_desktop.services.context import Actor, ChangedMeanwhile
from tests.builders import Flow41, flow_41

DAY = "2026-03-10"


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLIV_TODAY", DAY)


@pytest.fixture
def flow(db: Database, actor: Actor) -> Flow41:
    return flow_41(db, actor)


def spend(db: Database, actor: Actor, flow: Flow41, amount: str = "120.00",
          day: str = "2026-02-14", category: str = "Utilities", payee: str = "Austin Energy",
          **extra: object) -> uuid.UUID:
    return expenses.add_expense(db, actor, build(
        ExpenseCreate, property_id=flow.property_id, spent_on=day, payee=payee,
        category=category, amount=amount, **extra)).id


def lock_through(db: Database, day: date) -> None:
    """A reconciliation of the operator's own account closing the books through `day`."""
    with db.write() as s:
        account = BankAccount(name="Operating")
        s.add(account)
        s.flush()
        s.add(Reconciliation(bank_account_id=account.id, period_start=date(2026, 1, 1),
                             period_end=day, statement_balance=Decimal("0"),
                             book_balance=Decimal("0"), reconciled_by="test"))


def test_add_and_get(db: Database, actor: Actor, flow: Flow41) -> None:
    ident = spend(db, actor, flow, room_id=flow.rooms["3A-B"], reference="INV-7")
    got = expenses.get_expense(db, actor, ident)
    assert got.amount == Decimal("120.00") and got.category == "Utilities"
    assert got.property == "Downtown Loft" and got.unit == "3A" and got.room == "B"
    assert got.unit_id == flow.unit_3a and got.status == "paid" and got.paid_on == date(2026, 2,
                                                                                        14)
    assert got.source == "manual" and got.voided_on is None and got.reference == "INV-7"
    by_line = spend(db, actor, flow, category="17")  # the Schedule E line finds Utilities
    assert expenses.get_expense(db, actor, by_line).category == "Utilities"
    other = spend(db, actor, flow, category="19")  # line 19: Other, not the master lease
    assert expenses.get_expense(db, actor, other).category == "Other"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity_type == "expense")) == 3


def test_bad_input_names_the_field_and_writes_nothing(db: Database, actor: Actor,
                                                      flow: Flow41) -> None:
    with pytest.raises(ValidationError) as bad:
        spend(db, actor, flow, category="Snacks")
    assert bad.value.field == "category" and "Utilities" in str(bad.value)
    with pytest.raises(ValidationError) as bad:
        spend(db, actor, flow, amount="0")
    assert bad.value.field == "amount"
    with pytest.raises(ValidationError) as bad:
        spend(db, actor, flow, unit_id=flow.unit_3a, room_id=flow.rooms["3B-A"])
    assert bad.value.field == "room_id"
    with pytest.raises(UnknownReference):
        expenses.add_expense(db, actor, build(
            ExpenseCreate, property_id=uuid.uuid4(), spent_on=DAY, payee="X", category="Other",
            amount="5"))
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Expense)) == 0


def test_list_filters_search_and_sort(db: Database, actor: Actor, flow: Flow41) -> None:
    a = spend(db, actor, flow, "50.00", "2026-01-05", "Supplies", "Costco")
    b = spend(db, actor, flow, "300.00", "2026-02-01", "Repairs", "Ace Plumbing",
              status="due", due_date="2026-02-15")
    c = spend(db, actor, flow, "80.00", "2026-03-01", "Utilities", "Austin Energy")
    expenses.void_expense(db, actor, c, "Entered twice")

    def ids(**q: object) -> list[uuid.UUID]:
        return [e.id for e in expenses.list_expenses(db, actor, build(ExpenseQuery, **q))]

    assert ids() == [c, b, a]  # newest first, voided ones kept
    assert ids(include_voided=False) == [b, a]
    assert ids(status="due") == [b] and ids(status="void") == [c] and ids(status="paid") == [a]
    assert ids(category="repairs") == [b]
    assert ids(start="2026-01-10", end="2026-02-28") == [b]
    assert ids(search="PLUMB") == [b] and ids(search="100%") == []
    assert ids(sort="amount", descending=False) == [a, c, b]
    assert ids(sort="payee", descending=False) == [b, c, a]
    assert ids(property_id=uuid.uuid4()) == []


def test_update_checks_version_and_moves_the_place(db: Database, actor: Actor,
                                                   flow: Flow41) -> None:
    ident = spend(db, actor, flow)
    first = expenses.get_expense(db, actor, ident)
    edited = expenses.update_expense(db, actor, ident, build(
        ExpenseUpdate, amount="130.50", category="Repairs", room_id=flow.rooms["3B-C"],
        expected_version=first.version))
    assert edited.amount == Decimal("130.50") and edited.category == "Repairs"
    assert edited.unit_id == flow.unit_3b and edited.room == "C"
    with pytest.raises(ChangedMeanwhile):
        expenses.update_expense(db, actor, ident, build(
            ExpenseUpdate, payee="Someone", expected_version=first.version))
    cleared = expenses.update_expense(db, actor, ident, build(ExpenseUpdate, clear_place=True))
    assert cleared.unit_id is None and cleared.room_id is None
    due = expenses.update_expense(db, actor, ident, build(ExpenseUpdate, status="due"))
    assert due.status == "due" and due.paid_on is None
    paid = expenses.mark_paid(db, actor, ident, date(2026, 3, 2))
    assert paid.status == "paid" and paid.paid_on == date(2026, 3, 2)
    with db.read() as s:
        summaries = list(s.scalars(select(AuditEntry.summary).where(
            AuditEntry.entity_id == str(ident)).order_by(AuditEntry.occurred_at)))
    assert summaries[0].startswith("Expense 120.00") and "Paid" in summaries[-1]


def test_void_keeps_the_row_with_its_reason(db: Database, actor: Actor, flow: Flow41) -> None:
    ident = spend(db, actor, flow)
    with pytest.raises(ValidationError) as bad:
        expenses.void_expense(db, actor, ident, "  ")
    assert bad.value.field == "reason"
    voided = expenses.void_expense(db, actor, ident, "Paid by the tenant")
    assert voided.voided_on == date(2026, 3, 10) and voided.void_reason == "Paid by the tenant"
    with pytest.raises(ConflictError):
        expenses.update_expense(db, actor, ident, build(ExpenseUpdate, amount="1"))
    with pytest.raises(ConflictError):
        expenses.void_expense(db, actor, ident, "again")
    back = expenses.unvoid_expense(db, actor, ident)
    assert back.voided_on is None and back.void_reason is None
    with pytest.raises(NotFoundError):
        expenses.void_expense(db, actor, uuid.uuid4(), "gone")


def test_the_period_lock(db: Database, actor: Actor, flow: Flow41) -> None:
    ident = spend(db, actor, flow, day="2026-01-20")
    late = spend(db, actor, flow, day="2026-02-20")
    lock_through(db, date(2026, 1, 31))
    with pytest.raises(PeriodClosed):
        spend(db, actor, flow, day="2026-01-31")
    with pytest.raises(PeriodClosed):
        expenses.update_expense(db, actor, ident, build(ExpenseUpdate, amount="1"))
    with pytest.raises(PeriodClosed):
        expenses.void_expense(db, actor, ident, "late")
    with pytest.raises(PeriodClosed):  # moving an open expense into the closed period
        expenses.update_expense(db, actor, late, build(ExpenseUpdate, spent_on="2026-01-15"))
    assert expenses.get_expense(db, actor, ident).amount == Decimal("120.00")
    assert expenses.update_expense(db, actor, late, build(
        ExpenseUpdate, amount="99")).amount == Decimal("99.00")


def test_receipt_is_a_document_of_the_property(db: Database, actor: Actor,
                                               flow: Flow41) -> None:
    ident = spend(db, actor, flow)
    out = expenses.attach_receipt(db, actor, ident, "receipt.pdf", b"%PDF-1.4 receipt")
    assert out.document_id is not None and out.document_name == "receipt.pdf"
    assert attachments.document_content(db, actor, out.document_id) == b"%PDF-1.4 receipt"
    with db.read() as s:
        doc = s.get(Document, out.document_id)
        assert doc is not None and doc.property_id == flow.property_id
    with pytest.raises(ValidationError):
        expenses.attach_receipt(db, actor, ident, "", b"x")


def test_categories(db: Database, actor: Actor, flow: Flow41) -> None:
    names = [c.name for c in expenses.list_categories(db, actor)]
    assert names[0] == "Advertising" and "Rent paid (master lease)" in names
    assert names.index("Rent paid (master lease)") < names.index("Other")
    made = expenses.add_category(db, actor, build(CategoryIn, name="Pest control",
                                                  schedule_e_line="line 7"))
    assert made.schedule_e_line == "7" and made.expenses == 0
    with pytest.raises(ValidationError) as bad:
        expenses.add_category(db, actor, build(CategoryIn, name="pest CONTROL"))
    assert bad.value.field == "name"
    with pytest.raises(ValidationError) as bad:
        build(CategoryIn, name="X", schedule_e_line="22")
    assert bad.value.field == "schedule_e_line"
    renamed = expenses.update_category(db, actor, made.id, build(
        CategoryUpdate, name="Pest and vermin", schedule_e_line="14"))
    assert renamed.name == "Pest and vermin" and renamed.schedule_e_line == "14"
    spend(db, actor, flow, category="Pest and vermin")
    with pytest.raises(ConflictError):
        expenses.delete_category(db, actor, made.id)
    archived = expenses.set_category_archived(db, actor, made.id, True)
    assert archived.archived_at is not None and archived.expenses == 1
    with pytest.raises(ValidationError):  # no new expense in an archived category
        spend(db, actor, flow, category="Pest and vermin")
    assert "Pest and vermin" not in [c.name for c in expenses.list_categories(db, actor)]
    listed = expenses.list_expenses(db, actor, build(ExpenseQuery, category="Pest and vermin"))
    assert len(listed) == 1  # the filter still finds an archived category's expenses
    spare = expenses.add_category(db, actor, build(CategoryIn, name="Unused"))
    expenses.delete_category(db, actor, spare.id)
    assert "Unused" not in [c.name for c in expenses.list_categories(db, actor, True)]
    off = expenses.update_category(db, actor, made.id, build(CategoryUpdate, clear_line=True))
    assert off.schedule_e_line is None


def test_maintenance_costs_become_expenses(db: Database, actor: Actor, flow: Flow41) -> None:
    vendor = vendors.add_vendor(db, actor, build(VendorCreate, name="Ace Plumbing",
                                                 trade="plumber"))
    leak = maintenance.add_request(db, actor, build(
        RequestCreate, room_id=flow.rooms["3A-A"], category="plumbing", priority="high",
        title="Leak"))
    maintenance.assign_request(db, actor, leak.id, vendor.id)
    cost = maintenance.add_cost(db, actor, build(CostCreate, request_id=leak.id,
                                                 amount="85.50", description="Washer",
                                                 incurred_on="2026-03-01"))
    clean = maintenance.add_request(db, actor, build(
        RequestCreate, property_id=flow.property_id, category="cleaning", priority="low",
        title="Deep clean"))
    maintenance.add_cost(db, actor, build(CostCreate, request_id=clean.id, amount="150",
                                          description="Move-out clean"))
    found = {e.maintenance_cost_id: e for e in expenses.list_expenses(db, actor)}
    repair = found[cost.id]
    assert repair.category == "Repairs" and repair.payee == "Ace Plumbing"
    assert repair.vendor_id == vendor.id and repair.source == "maintenance"
    assert repair.room_id == flow.rooms["3A-A"] and repair.amount == Decimal("85.50")
    assert repair.spent_on == date(2026, 3, 1)
    cleaning = next(e for e in found.values() if e.id != repair.id)
    assert cleaning.category == "Cleaning and maintenance" and cleaning.payee == "Maintenance"
    assert cleaning.spent_on == date(2026, 3, 10)
    assert expenses.sync_maintenance_expenses(db, actor) == 0  # idempotent


def test_sync_brings_older_costs_in_once(db: Database, actor: Actor, flow: Flow41) -> None:
    leak = maintenance.add_request(db, actor, build(
        RequestCreate, room_id=flow.rooms["3A-A"], category="plumbing", priority="high",
        title="Leak"))
    # costs of a book from before expenses: written without their expense
    with db.write() as s:
        for day, amount in ((date(2026, 1, 5), "40.00"), (date(2026, 2, 5), "60.00")):
            s.add(MaintenanceCost(request_id=leak.id, kind="parts", description="Old",
                                  amount=Decimal(amount), incurred_on=day))
    lock_through(db, date(2026, 1, 31))
    assert expenses.sync_maintenance_expenses(db, actor) == 1  # January is closed
    assert expenses.sync_maintenance_expenses(db, actor) == 0
    [made] = expenses.list_expenses(db, actor)
    assert made.amount == Decimal("60.00") and made.source == "maintenance"


def test_a_closed_period_refuses_a_maintenance_cost(db: Database, actor: Actor,
                                                    flow: Flow41) -> None:
    leak = maintenance.add_request(db, actor, build(
        RequestCreate, room_id=flow.rooms["3A-A"], category="plumbing", priority="high",
        title="Leak"))
    lock_through(db, date(2026, 2, 28))
    with pytest.raises(PeriodClosed):
        maintenance.add_cost(db, actor, build(CostCreate, request_id=leak.id, amount="10",
                                              description="Old", incurred_on="2026-02-01"))
    with db.read() as s:  # both or neither
        assert s.scalar(select(func.count()).select_from(MaintenanceCost)) == 0


def test_roles(db: Database, actor: Actor, flow: Flow41) -> None:
    ident = spend(db, actor, flow)
    staff = Actor(actor.user_id, actor.operator_id, "Sam", "staff")
    accountant = Actor(actor.user_id, actor.operator_id, "Ann", "accountant")
    with pytest.raises(PermissionDeniedError):
        expenses.list_expenses(db, staff)
    with pytest.raises(PermissionDeniedError):
        spend(db, staff, flow)
    assert expenses.void_expense(db, accountant, ident, "wrong").voided_on is not None
